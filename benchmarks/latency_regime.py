"""Benchmark: a run against a supplier that takes its time, as real test environments do.

Certifies the embedded reference supplier with each answer delayed by ``--latency-ms`` (the
waits overlap on the server: serve-reference --latency-ms), at each latency given, and prints
wall time, requests and requests per second, so the real-supplier regime (30-100 ms per
answer) can be measured without a real supplier. Issue 13's concurrency goal is stated in
these figures: at 50 ms, concurrency 4 at least 3x the requests per second of concurrency 1.

    python benchmarks/latency_regime.py [--profile drc-1.4] [--budget quick] [--seed 7]
                                        [--latency-ms 0,50]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("CONFORMANCE_SPEC_DIR", str(REPO.parent / "shared" / "specs"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="drc-1.4")
    parser.add_argument("--budget", default="quick")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--latency-ms", default="0,50", help="comma-separated")
    args = parser.parse_args()

    from conformance.engine.execute import RunOptions, execute
    from conformance.profiles import load_profile
    from conformance.reference import embedded_for
    from conformance.specs import SpecResolver

    profile = load_profile(args.profile)
    resolver = SpecResolver(spec_dir=Path(os.environ["CONFORMANCE_SPEC_DIR"]),
                            cache_dir=None, offline=True)
    print(f"{args.profile}, budget {args.budget}, seed {args.seed}")
    print(f"{'latency':>8} {'wall s':>8} {'requests':>9} {'req/s':>7} {'verdict':>14}")
    for latency in (int(v) for v in args.latency_ms.split(",") if v):
        with tempfile.TemporaryDirectory() as out, \
                embedded_for(profile, resolver, latency_ms=latency) as target:
            started = time.monotonic()
            result = execute(profile, target, RunOptions(seed=args.seed, budget=args.budget,
                                                         out_dir=Path(out), resolver=resolver))
            wall = time.monotonic() - started
        requests = result.run["requests"]
        print(f"{latency:>6}ms {wall:8.1f} {requests:9d} {requests / wall:7.1f} "
              f"{result.verdict:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
