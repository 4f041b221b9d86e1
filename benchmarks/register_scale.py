"""Benchmark: how the public register's verification and writes scale with the log.

Every command that writes the register first verifies the whole chain (so nothing is
appended to a tampered log), so one append costs a full verification. This builds logs of
N entries (a certificate per 10 entries, the rest suspend / unsuspend pairs as a nightly
would write them), then times `register verify`'s work, one append through the ordinary
path, and `register publish`, and prints the figures.

    python benchmarks/register_scale.py [--entries 1000 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from report_samples import make_results  # noqa: E402

from conformance.certify import (  # noqa: E402
    build_certificate,
    generate_keypair,
    load_private_key,
    sign_certificate,
)
from conformance.register.folder import (  # noqa: E402
    change_status,
    document_digest,
    open_register,
    summary_of,
)
from conformance.register.log import (  # noqa: E402
    GENESIS,
    entry_hash,
    entry_line,
    make_entry,
    make_head,
)
from conformance.register.site import publish  # noqa: E402


def build(folder: Path, entries: int, private: Path) -> tuple[Path, str]:
    """A register of ``entries`` entries written directly (no per-append verification)."""
    key = load_private_key(private)
    register = folder / "register"
    (register / "certificates").mkdir(parents=True)
    written: list[dict] = []
    lines = []
    first_id = ""
    certificates = max(1, entries // 10)
    for i in range(certificates):
        results = make_results(supplier_name=f"Supplier {i:05}", product=f"Product {i % 7}")
        document = sign_certificate(build_certificate(results, issuer="Bench",
                                                      valid_days=3650), private)
        cert_id = document["certificate"]["id"]
        first_id = first_id or cert_id
        (register / "certificates" / f"{cert_id}.json").write_text(json.dumps(document))
        assert summary_of(document)["document_sha256"] == document_digest(document)
        _append(written, lines, key, "add", cert_id, summary_of(document))
        for j in range((entries - certificates) // certificates):
            kind = "suspend" if j % 2 == 0 else "unsuspend"
            _append(written, lines, key, kind, cert_id,
                    {"reason": f"night {j}", "source": "nightly", "nightly": f"n{j}"})
    if written[-1]["type"] == "suspend":
        _append(written, lines, key, "unsuspend", written[-1]["certificate"],
                {"reason": "end", "source": "nightly"})
    (register / "log.jsonl").write_bytes(b"".join(lines))
    (register / "head.json").write_bytes(entry_line(make_head(key, written)))
    return register, first_id


def _append(written, lines, key, kind, cert_id, data) -> None:
    prev = entry_hash(written[-1]) if written else GENESIS
    entry = make_entry(key, seq=len(written), kind=kind, certificate=cert_id, data=data,
                       prev=prev)
    written.append(entry)
    lines.append(entry_line(entry))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--keep", type=Path, help="keep the registers and sites here")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="register-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    private, public = generate_keypair(base / "keys")
    from conformance.certify import load_public_key

    trusted = [load_public_key(public)]
    print(f"{'entries':>8} {'certs':>6} {'log MiB':>8} {'verify s':>9} {'append s':>9} "
          f"{'publish s':>10}")
    try:
        for n in args.entries:
            folder = base / f"n{n}"
            register_path, cert_id = build(folder, n, private)
            register = open_register(register_path)
            size = (register_path / "log.jsonl").stat().st_size / 2**20
            started = time.perf_counter()
            report = register.read(trusted)
            verify_s = time.perf_counter() - started
            assert report.ok, report.broken
            started = time.perf_counter()
            change_status(register, cert_id, "revoke", private, "benchmark")
            append_s = time.perf_counter() - started
            started = time.perf_counter()
            publish(register, folder / "site")
            publish_s = time.perf_counter() - started
            print(f"{len(report.entries):>8} {len(report.state.certificates):>6} "
                  f"{size:>8.1f} {verify_s:>9.2f} {append_s:>9.2f} {publish_s:>10.2f}")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
