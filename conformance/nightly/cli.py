"""The `nightly` and `history` commands (registered on the main `conformance` parser)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..engine.budget import BUDGETS
from ..errors import TargetUnreachable, UsageError
from . import DEFAULT_DB


def register(sub: argparse._SubParsersAction) -> None:
    nightly = sub.add_parser("nightly", help="check every supplier of a registry; keep history, "
                             "alert on regressions, write the dashboard")
    nightly.add_argument("registry", type=Path, help="registry file (.yaml)")
    nightly.add_argument("--db", default=DEFAULT_DB, help=f"history database URL (default "
                         f"{DEFAULT_DB}; PostgreSQL: postgresql://user:pw@host/db)")
    nightly.add_argument("--out", type=Path, default=Path("site"),
                         help="dashboard folder; runs are kept under OUT/runs (default site)")
    nightly.add_argument("--budget", choices=BUDGETS, default="quick",
                         help="budget of each run unless the supplier's safety sets one")
    nightly.add_argument("--shard", default="1/1", help="K/N: this worker checks the K-th of N "
                         "deterministic parts of the pairs (default 1/1: all)")
    nightly.add_argument("--parallel-runs", "--concurrency", dest="parallel_runs", type=int,
                         default=2, metavar="N", help="runs at the same time on this machine "
                         "(default 2; --concurrency is its old name)")
    nightly.add_argument("--nightly-id", help="id of this nightly (default: UTC date + registry "
                         "digest); rerunning the same id resumes it")
    nightly.add_argument("--webhook", action="append", default=[], metavar="URL",
                         help="POST a JSON event per regression and status change (repeatable)")
    nightly.add_argument("--lang", choices=("nl", "en"), default="nl")
    nightly.add_argument("--spec-dir", help="folder with the pinned OpenAPI files")
    nightly.add_argument("--offline", action="store_true", help="never download specs")
    nightly.add_argument("--no-dashboard", action="store_true",
                         help="skip writing OUT/index.html (e.g. on all but one shard)")
    nightly.add_argument("--register", type=Path, metavar="DIR", help="public register to "
                         "feed: a suspended certificate gets a suspend entry, a recovered one "
                         "an unsuspend entry (needs --register-key)")
    nightly.add_argument("--register-key", type=Path, metavar="PEM",
                         help="the register's private key")
    nightly.set_defaults(func=_cmd_nightly)

    history = sub.add_parser("history", help="past nightly runs, regressions and certificate "
                             "status; optionally write the dashboard")
    history.add_argument("--db", default=DEFAULT_DB, help=f"history database URL (default "
                         f"{DEFAULT_DB})")
    history.add_argument("--supplier", help="only this supplier")
    history.add_argument("--profile", help="only this profile")
    history.add_argument("--window", type=int, default=3,
                         help="status window (default 3; the registry's when --registry)")
    history.add_argument("--limit", type=int, default=20, help="runs shown per pair")
    history.add_argument("--json", action="store_true", help="machine-readable output")
    history.add_argument("--out", type=Path, help="also write the dashboard into this folder")
    history.add_argument("--registry", type=Path, help="registry file: dashboard title, "
                         "certificates held and status window")
    history.add_argument("--lang", choices=("nl", "en"), default="nl")
    history.set_defaults(func=_cmd_history)


def _cmd_nightly(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from .dashboard import render_dashboard
    from .registry import load_registry
    from .runner import NightlyOptions, run_nightly
    from .shard import parse_shard
    from .store import open_store

    if args.parallel_runs < 1:
        raise UsageError("--parallel-runs must be 1 or more")
    if (args.register is None) != (args.register_key is None):
        raise UsageError("--register and --register-key go together: the register's entries "
                         "are signed with its key")
    registry = load_registry(args.registry)
    shard = parse_shard(args.shard)
    store = open_store(args.db)
    try:
        options = NightlyOptions(out=args.out.resolve(), budget=args.budget, shard=shard,
                                 parallel_runs=args.parallel_runs, nightly_id=args.nightly_id,
                                 webhooks=args.webhook, lang=args.lang, spec_dir=args.spec_dir,
                                 offline=args.offline, register=args.register,
                                 register_key=args.register_key)
        try:
            summary = run_nightly(registry, store, options,
                                  log=lambda m: print(m, file=sys.stderr, flush=True))
            if not args.no_dashboard:
                page = render_dashboard(store, options.out, registry=registry, lang=args.lang)
                print(f"dashboard {page}")
        except SQLAlchemyError as exc:
            raise TargetUnreachable(
                f"the history database failed during the nightly: {str(exc).splitlines()[0]}; "
                "finished runs are kept: start the nightly again with the same --nightly-id "
                "to resume") from None
    finally:
        store.close()
    for change in summary.regressions:
        print(f"REGRESSION {change.supplier} {change.profile}: {', '.join(change.regressions)}"
              f" (status {change.status_before} -> {change.status_after})")
    for change in summary.changes:
        if change.recoveries:
            print(f"recovered  {change.supplier} {change.profile}: "
                  f"{', '.join(change.recoveries)}")
    for change in summary.unchecked:
        print(f"UNCHECKED  {change.supplier} {change.profile}: {change.run.outcome}: "
              f"{change.run.reason}")
    for error in summary.register_errors:
        print(f"REGISTER   {error}")
    failed = [n for n in summary.notifications if not n["delivered"]]
    print(f"nightly {summary.nightly_id}: {len(summary.changes)} of {summary.pairs} pair(s) "
          f"done ({summary.skipped} from an earlier attempt), {len(summary.regressions)} "
          f"with regressions, {len(summary.unchecked)} not checked; "
          f"{len(summary.notifications) - len(failed)} webhook(s) delivered, "
          f"{len(failed)} failed")
    return summary.exit_code


def _cmd_history(args: argparse.Namespace) -> int:
    from .dashboard import render_dashboard
    from .status import certificate_status, change_of
    from .store import open_store

    registry = None
    if args.registry:
        from .registry import load_registry

        registry = load_registry(args.registry)
        args.window = registry.window
    store = open_store(args.db)
    try:
        runs = store.runs(supplier=args.supplier, profile=args.profile)
        if args.out:
            page = render_dashboard(store, args.out, registry=registry, window=args.window,
                                    lang=args.lang)
            print(f"dashboard {page}", file=sys.stderr)
    finally:
        store.close()
    if not runs:
        what = " ".join(f"{k} {v}" for k, v in (("supplier", args.supplier),
                                                  ("profile", args.profile)) if v)
        print(f"no runs in the history{' for ' + what if what else ''}", file=sys.stderr)
        return 0
    by_pair: dict[tuple[str, str], list] = {}
    for r in runs:
        by_pair.setdefault((r.supplier, r.profile), []).append(r)
    report = []
    for (supplier, profile), pair_runs in sorted(by_pair.items()):
        rows = []
        for r in pair_runs[-args.limit:]:
            change = change_of(pair_runs, r, args.window)
            rows.append({"nightly": r.nightly_id, "finished_at": r.finished_at.isoformat(),
                         "outcome": r.outcome, "must": f"{r.must_passed}/{r.must_total}",
                         "should": f"{r.should_passed}/{r.should_total}",
                         "regressions": change.regressions, "recoveries": change.recoveries,
                         "status": change.status_after, "reason": r.reason,
                         "artefacts": r.artefacts})
        report.append({"supplier": supplier, "profile": profile,
                       "status": certificate_status(pair_runs, args.window), "runs": rows})
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    for pair in report:
        print(f"{pair['supplier']} {pair['profile']}: certificate status {pair['status']}")
        for row in pair["runs"]:
            extra = ""
            if row["regressions"]:
                extra += f"  REGRESSION {', '.join(row['regressions'])}"
            if row["recoveries"]:
                extra += f"  recovered {', '.join(row['recoveries'])}"
            print(f"  {row['finished_at'][:16]}  {row['nightly']:24} {row['outcome']:15} "
                  f"MUST {row['must']:>7}  SHOULD {row['should']:>7}  -> {row['status']}{extra}")
    return 0
