"""A real-supplier round in one command: certify a target with every ZGW profile.

    python benchmarks/real_supplier.py --target oz.yaml [--seeds 1,2,3] [--budget quick]
        [--standard zrc-1.5] [--concurrency 1,4] [--out reports/real]
        [--summaries docs/real-suppliers]

Runs `conformance run` per profile and seed (the same command a user types), then prints per
run the verdict, the wall time and the number of requests, and per failed or undecided MUST
requirement one line of evidence (request and answer). With ``--summaries`` it also keeps each
run's results.json without the evidence (verdict, requirement outcomes and messages, coverage,
findings, run record) as the record of the round. ``--concurrency 1,4`` makes each run once
per number of requests in flight (at most the target file's safety.max_concurrency), for the
wall-time comparison; by default each run uses the target file's.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

PROFILES = ("zrc-1.5", "ztc-1.3", "drc-1.4", "brc-1.1", "ac-1.0")


def _evidence_line(req: dict) -> str:
    for item in req.get("evidence") or []:
        request, response = item.get("request") or {}, item.get("response") or {}
        if request:
            body = (response.get("body") or "").replace("\n", " ")[:160]
            return (f"{item.get('operation') or ''} {request.get('method')} "
                    f"{request.get('url')} -> {response.get('status')} {body}").strip()
        if item.get("message"):
            return str(item["message"]).replace("\n", " ")[:240]
    return (req.get("message") or "").replace("\n", " ")[:240]


def _summary(results: dict) -> dict:
    """results.json without the evidence: what the record keeps."""
    return {
        "verdict": results["verdict"], "verdict_reason": results.get("verdict_reason"),
        "summary": results.get("summary"), "missing_parts": results.get("missing_parts"),
        "profile": {k: results["profile"].get(k) for k in ("id", "version", "sha256",
                                                           "provenance")},
        "target": {"supplier": results["target"].get("supplier")},
        "run": {k: results["run"].get(k) for k in ("seed", "budget", "duration_s", "requests",
                                                   "tool_version", "timings", "notes",
                                                   "safety")},
        "requirements": [{k: r.get(k) for k in ("id", "level", "outcome", "message",
                                                "not_tested", "inherited")}
                         for r in results["requirements"]],
        "coverage": results.get("coverage"),
        "findings": [{k: f.get(k) for k in ("kind", "api", "operation", "check", "count",
                                            "message")} for f in results.get("findings") or []],
    }


def run_one(target: str, profile: str, budget: str, seed: int, out: Path,
            concurrency: int | None = None) -> dict | None:
    tail = f"-c{concurrency}" if concurrency else ""
    folder = out / f"{profile}-{budget}-{seed}{tail}"
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--target", target, "--profile", profile,
         "--budget", budget, "--seed", str(seed), "--out", str(folder),
         *(["--concurrency", str(concurrency)] if concurrency else [])],
        capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    results_file = folder / "results.json"
    if not results_file.exists():
        print(f"{profile} {budget} seed {seed}: no results (exit {proc.returncode}): "
              f"{proc.stderr.strip()[-400:]}")
        return None
    results = json.loads(results_file.read_text(encoding="utf-8"))
    run = results["run"]
    print(f"{profile} {budget} seed {seed}: {results['verdict']} (exit {proc.returncode}), "
          f"{wall:.0f} s wall, {run.get('requests')} requests, concurrency "
          f"{(run.get('safety') or {}).get('max_concurrency')}")
    for req in results["requirements"]:
        if req["level"] == "MUST" and req["outcome"] in ("failed", "error") and \
                not req.get("inherited"):
            print(f"  {req['outcome']:6} {req['id']}: {_evidence_line(req)}")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="the supplier's target file")
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--budget", default="quick")
    parser.add_argument("--standard", default="zrc-1.5",
                        help="profiles also run once at budget standard (comma-separated)")
    parser.add_argument("--out", type=Path, default=Path("reports/real-supplier"))
    parser.add_argument("--summaries", type=Path, help="keep results.json summaries here")
    parser.add_argument("--concurrency", default="",
                        help="requests in flight, comma-separated: each run once per value")
    args = parser.parse_args()
    concurrencies = [int(c) for c in args.concurrency.split(",") if c] or [None]
    seeds = [int(s) for s in args.seeds.split(",") if s]
    plan = [(p, args.budget, s) for p in args.profiles.split(",") for s in seeds]
    plan += [(p, "standard", seeds[0]) for p in args.standard.split(",") if p]
    for (profile, budget, seed), concurrency in itertools.product(plan, concurrencies):
        results = run_one(args.target, profile, budget, seed, args.out, concurrency)
        if results is not None and args.summaries:
            args.summaries.mkdir(parents=True, exist_ok=True)
            tail = f"-c{concurrency}" if concurrency else ""
            (args.summaries / f"{profile}-{budget}-{seed}{tail}.json").write_text(
                json.dumps(_summary(results), indent=1, ensure_ascii=False) + "\n",
                encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
