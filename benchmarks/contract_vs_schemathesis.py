"""Benchmark: a `conformance run` against plain `schemathesis run`, same spec and traffic budget.

Both tools run as child processes against one reference supplier on 127.0.0.1 that
counts the requests it serves. Plain schemathesis gets the same bundled Zaken 1.5.1
spec (cross-document refs inlined), the same operations, max examples, phases and
seed. The conformance run does more (test-data preparation, domain-valid data,
business-rule suites, artefacts), so its contract pass is reported separately.

    python benchmarks/contract_vs_schemathesis.py [--budget quick|standard] [--repeat 3]

Needs the pinned specs ($CONFORMANCE_SPEC_DIR, default ../shared/specs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from conformance_fixtures.reference_supplier import ReferenceServer

from conformance.auth import jwt_zgw_token
from conformance.engine.budget import budget as budget_preset
from conformance.profiles import load_profile
from conformance.reference import (
    DEFAULT_CLIENT_ID,
    SECRET_ENVS,
    reference_auth,
    reference_spec_paths,
    reference_target_file,
    server_credentials,
)
from conformance.specs import SpecResolver, load_standard_spec

REPO = Path(__file__).resolve().parent.parent


class Counter:
    """ASGI middleware counting HTTP requests served."""

    def __init__(self, app):
        self.app, self.count, self._lock = app, 0, threading.Lock()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            with self._lock:
                self.count += 1
        await self.app(scope, receive, send)


def timed(cmd: list[str], env: dict[str, str], counter: Counter, cwd: Path
          ) -> tuple[float, int, int, str]:
    """Wall time, requests served, exit code and the end of stderr; run in ``cwd``
    (schemathesis writes its crash cache into the working folder)."""
    before = counter.count
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, cwd=cwd)
    wall = time.perf_counter() - start
    return wall, counter.count - before, proc.returncode, proc.stderr[-2000:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", default="quick", choices=("quick", "standard", "thorough"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args()
    spec_dir = os.environ.get("CONFORMANCE_SPEC_DIR") or str(REPO.parent / "shared" / "specs")
    resolver = SpecResolver(Path(spec_dir), None, True)
    profile = load_profile("zrc-1.5")
    spec = load_standard_spec(profile.standards["zaken"], resolver)
    operations = profile.standards["zaken"].operations
    preset = budget_preset(args.budget)
    auth = reference_auth({})  # three clients, each with a generated secret
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"
    work = Path(tempfile.mkdtemp(prefix="conformance-bench-"))
    (work / "zaken.json").write_text(json.dumps(spec), encoding="utf-8")

    server = ReferenceServer(spec_paths=reference_spec_paths(resolver), **server_credentials(auth))
    counter = Counter(server.served_app)
    server.served_app = counter  # what uvicorn serves
    rows: dict[str, list[tuple[float, int]]] = {"conformance run": [], "contract pass": [],
                                                "schemathesis run": []}
    with server:
        # the complete target file `serve-reference --write-target` writes: every API, the
        # reference lists and the three clients (their secrets from SECRET_ENVS)
        target = work / "target.yaml"
        target.write_text(reference_target_file(server.base_url, server.api_url, auth),
                          encoding="utf-8")
        env = {**os.environ, "CONFORMANCE_SPEC_DIR": spec_dir, SECRET_ENVS["main"]: auth.secret,
               **{SECRET_ENVS[c.name]: c.secret for c in auth.clients}}
        phases = "examples,fuzzing,stateful" + (",coverage" if preset.coverage else "")
        for i in range(args.repeat):
            out = work / f"run-{i}"
            wall, requests, code, stderr = timed(
                [sys.executable, "-m", "conformance", "run", "--target", str(target),
                 "--budget", args.budget, "--seed", str(args.seed), "--out", str(out),
                 "--offline"], env, counter, work)
            rows["conformance run"].append((wall, requests))
            results = out / "results.json"
            if not results.exists():
                print(f"the conformance run wrote no results (exit {code}):\n{stderr}",
                      file=sys.stderr)
                return 1
            results_data = json.loads(results.read_text())
            timings = results_data["run"]["timings"]
            if "contract:zaken" not in timings:
                print(f"the conformance run had no contract pass (exit {code}): "
                      f"{results_data['run']['notes'][:5]}", file=sys.stderr)
                return 1
            # the engine's own requests (the coverage table): the cases, without the data the
            # adapters made for them
            cases = sum(row.get("requests", 0) for row in results_data["coverage"])
            rows["contract pass"].append((timings["contract:zaken"], cases))
            token = jwt_zgw_token(DEFAULT_CLIENT_ID, auth.secret)
            cmd = [st, "run", str(work / "zaken.json"), "--url", server.api_url("zaken"),
                   "-H", f"Authorization: Bearer {token}", "-n", str(preset.max_examples),
                   "--seed", str(args.seed), "--generation-database", "none", "-w", "1",
                   "--phases", phases, "--max-redirects", "0"]
            for op in operations:
                cmd += ["--include-operation-id", op]
            wall, requests, _, _ = timed(cmd, env, counter, work)
            rows["schemathesis run"].append((wall, requests))
            print(f"round {i + 1}: conformance exit {code}", file=sys.stderr)

    def med(name: str, k: int) -> float:
        return statistics.median(r[k] for r in rows[name])

    print(f"budget {args.budget}: {len(operations)} operations of Zaken API 1.5.1, "
          f"max-examples {preset.max_examples}, phases {phases}, seed {args.seed}, "
          f"median of {args.repeat}")
    print(f"{'':18} {'wall s':>8} {'requests':>9} {'req/s':>7}")
    for name in ("conformance run", "schemathesis run"):
        wall, reqs = med(name, 0), med(name, 1)
        print(f"{name:18} {wall:8.1f} {reqs:9.0f} {reqs / wall:7.1f}")
    wall, cases = med("contract pass", 0), med("contract pass", 1)
    print(f"{'contract pass':18} {wall:8.1f} {cases:9.0f} {cases / wall:7.1f}   (inside the "
          "conformance run; its cases only, not the requests that made data for them)")
    per_request = {name: med(name, 0) / med(name, 1) for name in ("conformance run",
                                                                  "schemathesis run")}
    print(f"ms per request: conformance run {per_request['conformance run'] * 1000:.1f}, "
          f"schemathesis run {per_request['schemathesis run'] * 1000:.1f}; ratio "
          f"{per_request['conformance run'] / per_request['schemathesis run']:.2f} (the "
          "conformance run sends more: valid data gets past validation, the stateful phase "
          "follows what it created, preparation, suites and cleanup)")
    print(f"ratio wall conformance/schemathesis: "
          f"{med('conformance run', 0) / med('schemathesis run', 0):.2f}; "
          f"contract pass/schemathesis: "
          f"{med('contract pass', 0) / med('schemathesis run', 0):.2f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
