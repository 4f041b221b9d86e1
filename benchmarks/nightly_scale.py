"""Benchmark: a nightly over many simulated suppliers, on one machine and as 2 shards.

Starts N reference suppliers on 127.0.0.1 (one server each, in this process; every
``--defect-every``-th one with a defect), writes their target files and a registry, then:

1. one `conformance nightly` (embedded SQLite), ``--parallel-runs C``;
2. the same registry as two workers `--shard 1/2` and `--shard 2/2` at the same time,
   writing into one PostgreSQL history (``--pg-url``, else a throwaway cluster made with
   Debian's initdb/pg_ctl as the ``postgres`` user), ``--parallel-runs C/2`` each, so the
   machine runs the same number of checks at a time;
3. optionally (``--zrc N``) the real ``zrc-1.5 --budget quick`` profile on N suppliers.

Prints wall time, runs per minute and peak memory (summed RSS of the nightly process
tree, sampled every 0.1 s from /proc). The suppliers' own CPU and memory are not in the
tree but share the machine.

    python benchmarks/nightly_scale.py [--suppliers 50] [--parallel-runs 2] [--zrc 3]

The default profile is tests/test_nightly_profile.yaml (three API Design Rules, a few
seconds per run): it measures the nightly machinery (scheduling, child runs, history,
dashboard) rather than one profile's data generation; --zrc gives the real figure.
Needs the pinned specs ($CONFORMANCE_SPEC_DIR, default ../shared/specs).
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("CONFORMANCE_SPEC_DIR", str(REPO.parent / "shared" / "specs"))

from conformance_fixtures.reference_supplier import ReferenceServer  # noqa: E402

from conformance.reference import reference_spec_paths  # noqa: E402
from conformance.specs import SpecResolver  # noqa: E402

SECRET_ENV = "NIGHTLY_BENCH_SECRET"
SECRET = "nightly-benchmark-secret-0123456789"
DEFECTS = ("no-api-version", "openapi-behind-auth", "no-security-headers")
MINI_PROFILE = REPO / "tests" / "test_nightly_profile.yaml"


def start_suppliers(n: int, defect_every: int, folder: Path) -> list[ReferenceServer]:
    resolver = SpecResolver.from_environment(None, True)
    paths = reference_spec_paths(resolver)
    servers = []
    for i in range(n):
        defects = (frozenset({DEFECTS[(i // defect_every) % len(DEFECTS)]})
                   if defect_every and i % defect_every == defect_every - 1 else frozenset())
        server = ReferenceServer(spec_paths=paths, client_id="conformance", secret=SECRET,
                                 defects=defects).__enter__()
        servers.append(server)
        apis = "\n".join(f"  {api}: {{base_url: '{server.api_url(api)}'}}"
                         for api in ("zaken", "catalogi", "documenten"))
        (folder / f"s{i:03}.yaml").write_text(
            f"supplier: {{name: s{i:03}, product: Simulated, version: '1'}}\nenvironment: test\n"
            f"apis:\n  api: {{base_url: '{server.api_url('zaken')}'}}\n{apis}\n"
            f"auth: {{type: jwt-zgw, client_id: conformance, secret_env: {SECRET_ENV}}}\n",
            encoding="utf-8")
    return servers


def write_registry(folder: Path, name: str, n: int, profile: str) -> Path:
    path = folder / name
    path.write_text("suppliers:\n" + "".join(
        f"  - {{name: s{i:03}, target: s{i:03}.yaml, profiles: ['{profile}']}}\n"
        for i in range(n)), encoding="utf-8")
    return path


def _tree_rss_kb(roots: set[int]) -> int:
    """Summed RSS of ``roots`` and all their descendants, from /proc."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            pid = int(stat.split("/")[2])
            parent[pid] = int(fields[1])
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            continue
    tree, changed = set(roots), True
    while changed:
        changed = False
        for pid, ppid in parent.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                changed = True
    return sum(rss.get(pid, 0) for pid in tree)


def timed(commands: list[list[str]], env: dict[str, str]) -> tuple[float, int, list[int]]:
    """Run the commands at the same time; (wall s, peak tree RSS kB, exit codes)."""
    started = time.monotonic()
    procs = [subprocess.Popen(c, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for c in commands]
    peak = 0
    while any(p.poll() is None for p in procs):
        peak = max(peak, _tree_rss_kb({p.pid for p in procs}))
        time.sleep(0.1)
    wall = time.monotonic() - started
    for p in procs:
        tail = p.stderr.read().decode(errors="replace").strip().splitlines()[-1:]
        if p.returncode not in (0, 1, 3):
            print(f"  worker failed ({p.returncode}): {tail}", file=sys.stderr)
    return wall, peak, [p.returncode for p in procs]


def throwaway_postgres() -> tuple[str, list[str], Path]:
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins:
        sys.exit("no PostgreSQL binaries: install Debian's postgresql or give --pg-url")
    data = Path(tempfile.mkdtemp(prefix="nightly-bench-pg-"))
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(data, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run([*as_user, f"{bins[-1]}/initdb", "-D", str(data / "db"), "-A", "trust",
                    "-U", "postgres", "--no-sync"], check=True, capture_output=True)
    subprocess.run([*as_user, f"{bins[-1]}/pg_ctl", "-D", str(data / "db"), "-l",
                    str(data / "log"), "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
                    "-w", "start"], check=True, capture_output=True)
    stop = [*as_user, f"{bins[-1]}/pg_ctl", "-D", str(data / "db"), "-m", "fast", "stop"]
    return f"postgresql://postgres@127.0.0.1:{port}/postgres", stop, data


def report(label: str, runs: int, wall: float, peak_kb: int, codes: list[int]) -> None:
    print(f"{label:44} {runs:3} runs  {wall:7.1f} s  {runs / wall * 60:6.1f} runs/min  "
          f"peak RSS {peak_kb / 1024:7.1f} MiB  exit {codes}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suppliers", type=int, default=50)
    ap.add_argument("--defect-every", type=int, default=5)
    ap.add_argument("--parallel-runs", type=int, default=2)
    ap.add_argument("--profile", default=str(MINI_PROFILE))
    ap.add_argument("--pg-url", help="PostgreSQL server URL (default: a throwaway cluster)")
    ap.add_argument("--zrc", type=int, default=0, help="also run zrc-1.5 quick on N suppliers")
    ap.add_argument("--skip-shards", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nightly-bench-"))
    env = {**os.environ, SECRET_ENV: SECRET}
    base = [sys.executable, "-m", "conformance", "nightly"]
    print(f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} at start; "
          f"{args.suppliers} suppliers, every {args.defect_every}th with a defect; "
          f"profile {Path(args.profile).name}")
    servers = start_suppliers(args.suppliers, args.defect_every, work)
    stop_pg: list[str] | None = None
    pg_data: Path | None = None
    try:
        registry = write_registry(work, "registry.yaml", args.suppliers, args.profile)
        wall, peak, codes = timed([[*base, str(registry), "--db",
                                    f"sqlite:///{work / 'one.db'}", "--out", str(work / "one"),
                                    "--parallel-runs", str(args.parallel_runs)]], env)
        report(f"1 worker, SQLite, parallel runs {args.parallel_runs}", args.suppliers, wall, peak,
               codes)
        if not args.skip_shards:
            if args.pg_url:
                server_url = args.pg_url
            else:
                server_url, stop_pg, pg_data = throwaway_postgres()
            per = max(args.parallel_runs // 2, 1)
            wall, peak, codes = timed([[*base, str(registry), "--db", server_url, "--out",
                                        str(work / f"shard{k}"), "--shard", f"{k}/2",
                                        "--parallel-runs", str(per), "--nightly-id", "bench",
                                        "--no-dashboard"] for k in (1, 2)], env)
            report(f"2 shards, one PostgreSQL, parallel runs {per} each", args.suppliers, wall,
                   peak, codes)
        if args.zrc:
            zrc = write_registry(work, "zrc.yaml", args.zrc, "zrc-1.5")
            wall, peak, codes = timed([[*base, str(zrc), "--db", f"sqlite:///{work / 'z.db'}",
                                        "--out", str(work / "zrc"), "--parallel-runs",
                                        str(args.parallel_runs)]], env)
            report(f"zrc-1.5 quick, 1 worker, parallel runs {args.parallel_runs}", args.zrc, wall,
                   peak, codes)
        print(f"load average {os.getloadavg()[0]:.1f} at the end (the machine is shared)")
    finally:
        for server in servers:
            server.__exit__(None, None, None)
        if stop_pg:
            subprocess.run(stop_pg, capture_output=True, check=False)
        if pg_data:
            shutil.rmtree(pg_data, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
