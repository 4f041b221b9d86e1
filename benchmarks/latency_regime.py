"""Benchmark: a run against a supplier that takes its time, as real test environments do.

Certifies the embedded reference supplier with each answer delayed by ``--latency-ms`` (the
waits overlap on the server: serve-reference --latency-ms), at each latency and concurrency
(requests in flight at once, the target's safety.max_concurrency) given, and prints wall time,
the contract pass's and the suites' share, requests, requests per second and the speed-up over
the first concurrency given, so the real-supplier regime (30-100 ms per answer) can be
measured without a real supplier. Issue 13's goal: at 50 ms, concurrency 4 at least 3x as
fast as concurrency 1.

Also the CPU the run used: of this process (the harness's threads and the embedded
supplier's, one interpreter, one GIL) and of the suites' child process. A process whose
CPU seconds come near its wall time keeps one core busy: more requests in flight cannot make
it faster, whatever the supplier's latency.

    python benchmarks/latency_regime.py [--profile drc-1.4] [--budget quick] [--seed 7]
                                        [--latency-ms 0,50] [--concurrency 1,4,8]
"""

from __future__ import annotations

import argparse
import dataclasses
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
    parser.add_argument("--concurrency", default="1,4", help="comma-separated")
    args = parser.parse_args()
    latencies = [int(v) for v in args.latency_ms.split(",") if v]
    concurrencies = [int(v) for v in args.concurrency.split(",") if v]

    from conformance.engine.execute import RunOptions, execute
    from conformance.profiles import load_profile
    from conformance.reference import embedded_for
    from conformance.specs import SpecResolver

    profile = load_profile(args.profile)
    resolver = SpecResolver(spec_dir=Path(os.environ["CONFORMANCE_SPEC_DIR"]),
                            cache_dir=None, offline=True)
    print(f"{args.profile}, budget {args.budget}, seed {args.seed}")
    print(f"{'latency':>8} {'conc':>5} {'wall s':>8} {'contract':>9} {'suites':>7} "
          f"{'requests':>9} {'req/s':>7} {'speed-up':>9} {'cpu s':>7} {'child':>6} "
          f"{'verdict':>14}")
    for latency in latencies:
        first: float | None = None
        for concurrency in concurrencies:
            with tempfile.TemporaryDirectory() as out, \
                    embedded_for(profile, resolver, latency_ms=latency) as target:
                # the embedded target allows the default; this one the figure asked for
                target = dataclasses.replace(target, safety=dataclasses.replace(
                    target.safety, max_concurrency=concurrency))
                started, cpu = time.monotonic(), os.times()
                result = execute(profile, target, RunOptions(
                    seed=args.seed, budget=args.budget, out_dir=Path(out), resolver=resolver))
                wall, used = time.monotonic() - started, os.times()
            first = first or wall
            timings = result.run["timings"]
            contract = sum(v for k, v in timings.items() if k.startswith("contract:"))
            requests = result.run["requests"]
            print(f"{latency:>6}ms {concurrency:5d} {wall:8.1f} {contract:9.1f} "
                  f"{timings.get('suites', 0):7.1f} {requests:9d} {requests / wall:7.1f} "
                  f"{first / wall:8.2f}x {_cpu(used) - _cpu(cpu):7.1f} "
                  f"{_cpu(used, children=True) - _cpu(cpu, children=True):6.1f} "
                  f"{result.verdict:>14}")
    return 0


def _cpu(times: os.times_result, *, children: bool = False) -> float:
    """CPU seconds (user + system) of this process, or of its waited-for children."""
    return times.children_user + times.children_system if children \
        else times.user + times.system


if __name__ == "__main__":
    sys.exit(main())
