"""Benchmark: how often the harness cries wolf on a supplier that is conformant.

Certifies the clean embedded reference (the supplier, or the notification consumer for
nrc-ontvangen-1.0) with every built-in profile and many seeds (each seed draws other generated
data), and counts the runs whose verdict is not ``conformant``: each such run is a false alarm,
since the clean supplier implements every
rule. The tests use one fixed seed; the nightly draws a new one every night, so this is
the rate a supplier would see.

Prints per profile the runs, the false alarms with the requirements they failed, the
median run time, and where each failing run's artefacts are kept.

    python benchmarks/false_alarms.py [--seeds 10] [--first-seed 1] [--budget quick]
                                      [--jobs 2] [--concurrency 4] [--profile zrc-1.5 ...]
                                      [--keep DIR]

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
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("CONFORMANCE_SPEC_DIR", str(REPO.parent / "shared" / "specs"))
PROFILES = ["zrc-1.5", "ztc-1.3", "drc-1.4", "brc-1.1", "ac-1.0", "nrc-1.0", "vwl-0.9",
            "nrc-ontvangen-1.0"]  # the last one certifies the embedded reference consumer


def certify(profile: str, seed: int, budget: str, out: Path, concurrency: int) -> dict:
    """One `conformance run` of the embedded supplier; its verdict and failed requirements."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--profile", profile, "--seed", str(seed),
         "--budget", budget, "--out", str(out), "--concurrency", str(concurrency)],
        capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    results = out / "results.json"
    if not results.exists():  # all of stderr kept: a crash's stacks (faulthandler) included
        out.mkdir(parents=True, exist_ok=True)
        (out / "stderr.txt").write_text(proc.stderr, encoding="utf-8")
        return {"profile": profile, "seed": seed, "seconds": seconds, "verdict": "crashed",
                "failed": [proc.stderr.strip()[-300:]], "out": str(out)}
    data = json.loads(results.read_text(encoding="utf-8"))
    failed = [r["id"] for r in data["requirements"] if r["outcome"] in ("failed", "error")
              and r["level"] == "MUST" and not r.get("inherited")]
    return {"profile": profile, "seed": seed, "seconds": seconds, "verdict": data["verdict"],
            "failed": failed, "out": str(out)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--budget", default="quick")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4,
                        help="requests in flight at once within each run (the default's)")
    parser.add_argument("--profile", action="append", dest="profiles")
    parser.add_argument("--keep", type=Path, help="folder for the runs' artefacts "
                        "(default: a temporary folder, removed unless a run failed)")
    args = parser.parse_args()
    profiles = args.profiles or PROFILES
    work = args.keep or Path(tempfile.mkdtemp(prefix="false-alarms-"))
    jobs = [(p, s) for s in range(args.first_seed, args.first_seed + args.seeds)
            for p in profiles]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        runs = list(pool.map(lambda job: certify(job[0], job[1], args.budget,
                                                 work / f"{job[0]}-{job[1]}",
                                                 args.concurrency), jobs))
    wall = time.monotonic() - started
    print(f"{len(runs)} runs ({len(profiles)} profiles x {args.seeds} seeds, budget "
          f"{args.budget}, concurrency {args.concurrency}, {args.jobs} at a time) in "
          f"{wall:.0f} s")
    alarms = [r for r in runs if r["verdict"] != "conformant"]
    for profile in profiles:
        mine = [r for r in runs if r["profile"] == profile]
        bad = [r for r in mine if r["verdict"] != "conformant"]
        print(f"  {profile:8} {len(mine)} runs, {len(bad)} false alarm(s), median "
              f"{statistics.median(r['seconds'] for r in mine):.1f} s")
        for r in bad:
            print(f"    seed {r['seed']}: {r['verdict']}, {', '.join(r['failed'])} ({r['out']})")
    print(f"false alarms: {len(alarms)} of {len(runs)} runs")
    if not alarms and args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if alarms else 0


if __name__ == "__main__":
    sys.exit(main())
