"""Benchmark: the harness's own CPU per request of the contract pass, against the engine's.

Certifies the embedded reference supplier with a profile's contract requirements only (the
schemathesis pass; no suites), under cProfile with a per-thread CPU clock in every thread,
and sums each function's own time by where its code lives:

- harness: ``conformance/`` (adapters, triage, evidence, redaction, the client layer);
- engine: schemathesis, hypothesis, hypothesis-jsonschema, jsonschema and their helpers;
- transport: requests, urllib3, httpx, h11, http.client, ssl, socket;
- supplier: the reference supplier and its server (uvicorn, starlette, asyncio), which run
  in the same process here and would not on a real target;
- other: what none of these called (start-up).

Time in the standard library and built-ins (isinstance, re, json, yaml, jwt ...) counts for
whoever called it, in proportion.

Prints each group's CPU seconds and milliseconds per request, and the harness's share of
the engine's (issue 13 asks for at most 10%). Profiling slows every function alike, so the
ratios count, not the absolute times.

    python benchmarks/own_overhead.py [--profile zrc-1.5] [--budget quick] [--seed 7]
                                      [--top 15]
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import os
import pstats
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("CONFORMANCE_SPEC_DIR", str(REPO.parent / "shared" / "specs"))

GROUPS = (  # first match wins: (group, path fragments)
    ("supplier", ("conformance_fixtures", "/fixtures/reference_supplier/", "uvicorn",
                  "starlette", "anyio", "asyncio")),
    ("harness", ("/conformance/",)),
    ("engine", ("schemathesis", "hypothesis", "jsonschema", "referencing", "rpds",
                "jsonschema_rs", "attrs", "pydantic")),
    ("transport", ("requests", "urllib3", "httpx", "httpcore", "h11", "http/client",
                   "ssl.py", "socket.py", "selectors.py", "email/")),
)


def group_of(filename: str) -> str:
    for name, fragments in GROUPS:
        if any(fragment in filename for fragment in fragments):
            return name
    return "other"


class _Attribution:
    """Which groups a function's own time belongs to: its own file's group, or, for the
    standard library and built-ins (isinstance, re, json, yaml ...), its callers' groups in
    proportion to the time it spent for each caller (a call cycle counts as other)."""

    def __init__(self, stats: dict) -> None:
        self.stats = stats
        self.memo: dict[tuple, dict[str, float]] = {}

    def of(self, key: tuple) -> dict[str, float]:
        if key in self.memo:
            return self.memo[key]
        group = group_of(key[0])
        if group != "other":
            return {group: 1.0}
        self.memo[key] = {"other": 1.0}  # while it is worked out: a cycle back to it
        callers = self.stats.get(key, (0, 0, 0, 0, {}))[4]
        weights = {caller: edge[2] for caller, edge in callers.items() if caller != key}
        total = sum(weights.values())
        result: dict[str, float] = {}
        for caller, weight in weights.items() if total else ():
            for name, share in self.of(caller).items():
                result[name] = result.get(name, 0.0) + share * weight / total
        self.memo[key] = result or {"other": 1.0}
        return self.memo[key]


def _profile_every_thread() -> list[cProfile.Profile]:
    """A CPU-time profiler in this thread and in each thread started from now on (the
    engine's, the embedded supplier's server); each counts its own thread's CPU."""
    profilers: list[cProfile.Profile] = []

    def start(*_: object) -> None:
        profiler = cProfile.Profile(time.thread_time)
        profilers.append(profiler)
        profiler.enable()  # replaces this hook in the new thread

    threading.setprofile(start)
    start()
    return profilers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="zrc-1.5")
    parser.add_argument("--budget", default="quick")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--top", type=int, default=15, help="the harness functions to list")
    args = parser.parse_args()

    from conformance.engine.execute import RunOptions, execute
    from conformance.profiles import load_profile
    from conformance.reference import embedded_for
    from conformance.specs import SpecResolver

    profile = load_profile(args.profile)
    contract_only = [r for r in profile.requirements
                     if r.checks and all(hasattr(c, "api") for c in r.checks)]
    profile = dataclasses.replace(profile, requirements=contract_only)
    resolver = SpecResolver(spec_dir=Path(os.environ["CONFORMANCE_SPEC_DIR"]),
                            cache_dir=None, offline=True)
    profilers = _profile_every_thread()
    with tempfile.TemporaryDirectory() as out, embedded_for(profile, resolver) as target:
        started, cpu = time.monotonic(), time.process_time()
        result = execute(profile, target, RunOptions(seed=args.seed, budget=args.budget,
                                                     out_dir=Path(out), resolver=resolver))
        wall, cpu = time.monotonic() - started, time.process_time() - cpu
    for profiler in profilers:
        profiler.disable()
    threading.setprofile(None)  # type: ignore[arg-type]
    requests = result.run["requests"]
    stats = pstats.Stats(*profilers)
    totals: dict[str, float] = {}
    harness: list[tuple[float, str]] = []
    shares = _Attribution(stats.stats)
    for key, (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        for group, share in shares.of(key).items():
            totals[group] = totals.get(group, 0.0) + own * share
        if group_of(key[0]) == "harness":
            harness.append((own, f"{Path(key[0]).name}:{key[1]} {key[2]}"))
    profiled = sum(totals.values()) or 1.0
    print(f"{args.profile}, budget {args.budget}, seed {args.seed}: {requests} requests, "
          f"verdict {result.verdict}, {wall:.1f} s wall, {cpu:.1f} s CPU (profiled)")
    print(f"{'group':10} {'CPU s':>8} {'share':>7} {'ms/request':>11}")
    for group in ("harness", "engine", "transport", "supplier", "other"):
        seconds = totals.get(group, 0.0)
        print(f"{group:10} {seconds:8.2f} {seconds / profiled:7.1%} "
              f"{1000 * seconds / max(requests, 1):11.2f}")
    engine = totals.get("engine", 0.0) or 1.0
    print(f"harness / engine: {totals.get('harness', 0.0) / engine:.1%} (goal: at most 10%)")
    print(f"the harness's {args.top} most expensive functions (own CPU s):")
    for own, where in sorted(harness, reverse=True)[:args.top]:
        print(f"  {own:7.2f}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
