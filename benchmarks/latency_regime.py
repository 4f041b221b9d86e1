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

With ``--stages``, each run is followed by where its time went: per stage of the run (and per
schemathesis phase of the contract pass) the seconds, the requests the supplier served and
how many it held at once on average (what its latency middleware counted; at latency 0 no
middleware counts, so the column is empty). A stage that holds about one request at a time
sends one after another, whatever the concurrency allows.

    python benchmarks/latency_regime.py [--profile drc-1.4] [--budget quick] [--seed 7]
                                        [--latency-ms 0,50] [--concurrency 1,4,8] [--stages]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("CONFORMANCE_SPEC_DIR", str(REPO.parent / "shared" / "specs"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="drc-1.4")
    parser.add_argument("--budget", default="quick")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--latency-ms", default="0,50", help="comma-separated")
    parser.add_argument("--concurrency", default="1,4", help="comma-separated")
    parser.add_argument("--stages", action="store_true",
                        help="after each run, its time, requests and requests held at once "
                        "per stage")
    args = parser.parse_args()
    latencies = [int(v) for v in args.latency_ms.split(",") if v]
    concurrencies = [int(v) for v in args.concurrency.split(",") if v]

    from conformance.engine.execute import RunOptions, execute
    from conformance.engine.progress import Progress
    from conformance.profiles import load_profile
    from conformance.reference import embedded_supplier, tests_a_consumer
    from conformance.specs import SpecResolver

    profile = load_profile(args.profile)
    if tests_a_consumer(profile):
        print(f"{args.profile} certifies a consumer; latency applies to the reference supplier",
              file=sys.stderr)
        return 2
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
                    embedded_supplier(resolver, latency_ms=latency) as (server, target):
                # the embedded target allows the default; this one the figure asked for
                target = dataclasses.replace(target, safety=dataclasses.replace(
                    target.safety, max_concurrency=concurrency))
                stages = Stages(server.latency)
                started, cpu = time.monotonic(), os.times()
                result = execute(profile, target, RunOptions(
                    seed=args.seed, budget=args.budget, out_dir=Path(out), resolver=resolver),
                    Progress(stages))
                wall, used = time.monotonic() - started, os.times()
                stages.close()
            first = first or wall
            timings = result.run["timings"]
            contract = sum(v for k, v in timings.items() if k.startswith("contract:"))
            requests = result.run["requests"]
            print(f"{latency:>6}ms {concurrency:5d} {wall:8.1f} {contract:9.1f} "
                  f"{timings.get('suites', 0):7.1f} {requests:9d} {requests / wall:7.1f} "
                  f"{first / wall:8.2f}x {_cpu(used) - _cpu(cpu):7.1f} "
                  f"{_cpu(used, children=True) - _cpu(cpu, children=True):6.1f} "
                  f"{result.verdict:>14}")
            if args.stages:
                stages.print()
    return 0


class Stages:
    """A progress listener that cuts a run into its stages (and the contract pass into its
    schemathesis phases) and notes, at each cut, what the supplier's latency middleware has
    counted so far."""

    def __init__(self, counter: Any) -> None:
        self.counter = counter  # LatencyMiddleware, or None at latency 0
        self.cuts: list[tuple[str, float, int, float]] = []  # stage, start, requests, busy s

    def _mark(self, label: str) -> None:
        if not self.cuts or self.cuts[-1][0] != label:
            self.cuts.append((label, time.monotonic(), *self._counts()))

    def _counts(self) -> tuple[int, float]:
        return (self.counter.requests, self.counter.busy_s) if self.counter else (0, 0.0)

    def __call__(self, event: str, progress: Any) -> None:
        stage = progress.message.split(" (")[0]
        self._mark(f"{stage}: {progress.step}" if progress.step else stage)

    def close(self) -> None:
        self._mark("(end)")

    def print(self) -> None:
        for (label, start, requests, busy), (_, end, requests_after, busy_after) in pairwise(
                self.cuts):
            seconds = end - start
            if seconds < 0.05:
                continue
            held = f"{(busy_after - busy) / seconds:5.2f}" if self.counter else "    -"
            print(f"{'':8} {seconds:8.1f} s {requests_after - requests:6d} requests "
                  f"{held} at once  {label}")


def _cpu(times: os.times_result, *, children: bool = False) -> float:
    """CPU seconds (user + system) of this process, or of its waited-for children."""
    return times.children_user + times.children_system if children \
        else times.user + times.system


if __name__ == "__main__":
    sys.exit(main())
