"""Run every (supplier, profile) pair of a nightly, a bounded number at a time.

Each pair is an ordinary ``conformance run`` in a child process with its own wall-clock
bound: a supplier that hangs is killed at its own deadline and never holds a slot longer,
and a crash in one run cannot take the others down. Its results.json is the record. A
record is written the moment a pair finishes, so a killed nightly, started again with the
same id, skips what is done and loses nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import EXIT_CONFORMANT, EXIT_INCOMPLETE, EXIT_NOT_CONFORMANT
from .register_feed import RegisterFeed
from .registry import Pair, Registry
from .shard import ALL, Shard, select
from .status import Change, change_of
from .store import HistoryStore, RunRecord
from .webhooks import Notifier, events_of

RUNS_DIR = "runs"
POLL_S = 0.1
_VERDICT_OF_EXIT = {0: "conformant", 1: "not_conformant", 3: "incomplete"}


@dataclass
class NightlyOptions:
    out: Path
    budget: str = "quick"
    shard: Shard = ALL
    parallel_runs: int = 2  # runs at the same time on this machine
    nightly_id: str | None = None
    webhooks: list[str] = field(default_factory=list)
    lang: str = "nl"
    spec_dir: str | None = None
    offline: bool = False
    webhook_options: dict[str, Any] = field(default_factory=dict)
    register: Path | None = None  # the public register to feed (suspend / unsuspend)
    register_key: Path | None = None


@dataclass
class NightlySummary:
    nightly_id: str
    pairs: int  # in this shard
    skipped: int  # finished by an earlier attempt of the same nightly
    recorded: list[RunRecord]
    changes: list[Change]  # for every run of this nightly in this shard
    notifications: list[dict[str, Any]]
    register_errors: list[str] = field(default_factory=list)  # entries that could not be written

    @property
    def regressions(self) -> list[Change]:
        return [c for c in self.changes if c.regressions]

    @property
    def unchecked(self) -> list[Change]:
        return [c for c in self.changes if c.run is not None and not c.run.checked]

    @property
    def exit_code(self) -> int:
        """1 a regression, else 3 a pair could not be checked or a register entry could not
        be written, else 0 (see docs/nightly.md)."""
        if self.regressions:
            return EXIT_NOT_CONFORMANT
        if self.unchecked or self.register_errors:
            return EXIT_INCOMPLETE
        return EXIT_CONFORMANT


def default_nightly_id(registry: Registry, now: datetime | None = None) -> str:
    """The UTC date plus the registry's digest: one nightly per day per registry version."""
    day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    return f"{day}-{registry.digest[:8]}"


@dataclass
class _Job:
    pair: Pair
    proc: subprocess.Popen
    run_dir: Path
    started_at: datetime
    deadline: float
    budget: str


def run_nightly(registry: Registry, store: HistoryStore, options: NightlyOptions,
                log: Callable[[str], None] = print) -> NightlySummary:
    nightly_id = options.nightly_id or default_nightly_id(registry)
    mine = select(registry.pairs(), options.shard)
    feed: RegisterFeed | None = None
    if options.register is not None:  # checked before anything runs
        feed = RegisterFeed(options.register, options.register_key, registry, mine,
                            window=registry.window, lang=options.lang, log=log)
    store.begin_nightly(nightly_id, registry.digest, _now())
    done = store.finished_pairs(nightly_id)
    if feed is not None and done:  # a resumed nightly: what its killed attempt may have missed
        for change in _changes(store, nightly_id, done & {p.key for p in mine},
                               registry.window):
            feed.apply(change, nightly_id, change.run.artefacts if change.run else "")
    todo = [p for p in mine if p.key not in done]
    skipped = len(mine) - len(todo)
    log(f"nightly {nightly_id}: {len(mine)} pair(s) in shard {options.shard}, "
        f"{len(mine) - len(todo)} already finished, {len(todo)} to run")
    notifier = Notifier(options.webhooks + list(registry.webhooks), **options.webhook_options)
    recorded: list[RunRecord] = []
    running: list[_Job] = []
    busy: dict[str, int] = {}
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        while todo or running:
            for pair in list(todo):
                if len(running) >= options.parallel_runs:
                    break
                if busy.get(pair.supplier.name, 0) >= pair.supplier.safety.parallel_runs:
                    continue
                todo.remove(pair)
                running.append(_start(pair, nightly_id, options))
                busy[pair.supplier.name] = busy.get(pair.supplier.name, 0) + 1
            time.sleep(POLL_S)
            for job in list(running):
                code = job.proc.poll()
                timed_out = code is None and time.monotonic() > job.deadline
                if code is None and not timed_out:
                    continue
                if timed_out:
                    _kill(job.proc)
                running.remove(job)
                busy[job.pair.supplier.name] -= 1
                record = _record(job, nightly_id, options.out, None if timed_out else code)
                if store.record_run(record):
                    recorded.append(record)
                    _notify(store, record, registry, nightly_id, notifier, feed)
                log(f"  {record.supplier:20} {record.profile:14} {record.outcome:15} "
                    f"{(record.finished_at - record.started_at).total_seconds():6.1f} s"
                    + (f"  ({record.reason})" if record.reason else ""))
    finally:
        for job in running:  # interrupted: no orphan keeps testing a supplier
            _kill(job.proc)
        signal.signal(signal.SIGTERM, previous_term)
        notifications = notifier.close()
        store.record_notifications(notifications)
    changes = _changes(store, nightly_id, {p.key for p in mine}, registry.window)
    return NightlySummary(nightly_id, len(mine), skipped, recorded, changes, notifications,
                          feed.errors if feed is not None else [])


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _start(pair: Pair, nightly_id: str, options: NightlyOptions) -> _Job:
    rel = Path(RUNS_DIR) / _slug(nightly_id) / _slug(pair.supplier.name) / _slug(pair.profile.key)
    run_dir = options.out / rel
    if run_dir.exists():  # left by an attempt that was killed before it finished
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    safety = pair.supplier.safety
    budget = safety.budget or options.budget
    cmd = [sys.executable, "-m", "conformance", "run", "--profile", pair.profile.arg,
           "--target", str(pair.supplier.target), "--out", str(run_dir), "--budget", budget,
           "--timeout", str(safety.request_timeout_s), "--lang", options.lang]
    if options.spec_dir:
        cmd += ["--spec-dir", options.spec_dir]
    if options.offline:
        cmd.append("--offline")
    with open(run_dir / "nightly-run.log", "wb") as logfile:
        proc = subprocess.Popen(cmd, stdout=logfile, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                preexec_fn=_die_with_parent)
    return _Job(pair, proc, run_dir, _now(), time.monotonic() + safety.timeout_s, budget)


def _find_prctl():
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(None, use_errno=True).prctl
    return None


_PRCTL = _find_prctl()  # looked up here: a forked child must not call dlopen


def _die_with_parent() -> None:
    """Linux: the run gets SIGKILL when the nightly dies, even by SIGKILL (no orphans)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _kill(proc: subprocess.Popen) -> None:
    """Kill the run and its children (its own process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in text)[:100]


def _record(job: _Job, nightly_id: str, out: Path, code: int | None) -> RunRecord:
    """The history record of a finished (or killed) run, from its results.json."""
    record = RunRecord(nightly_id=nightly_id, supplier=job.pair.supplier.name,
                       profile=job.pair.profile.key, started_at=job.started_at,
                       finished_at=_now(), outcome="unchecked", exit_code=code,
                       artefacts=job.run_dir.relative_to(out).as_posix(), budget=job.budget)
    if code is None:
        record.reason = (f"killed after {job.pair.supplier.safety.timeout_s:g} s "
                         "(the supplier's time bound)")
        return record
    results = job.run_dir / "results.json"
    try:
        data = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record.reason = f"no results (exit {code}): {_last_line(job.run_dir)}"
        return record
    record.outcome = data.get("verdict") or _VERDICT_OF_EXIT.get(code, "unchecked")
    record.reason = "" if record.outcome == "conformant" else str(data.get("verdict_reason", ""))
    record.seed = (data.get("run") or {}).get("seed")
    for req in data.get("requirements", []):
        outcome = req["outcome"]
        if req.get("inherited"):
            outcome = "inherited"  # the standard breaks it: never the supplier's regression
        elif req.get("waiver") and outcome == "failed":
            outcome = "waived"
        record.requirements[req["id"]] = (req["level"], outcome)
        if outcome in ("inherited", "not_tested") or req.get("not_tested"):
            continue
        passed = outcome in ("passed", "waived")
        if req["level"] == "MUST":
            record.must_total += 1
            record.must_passed += passed
        elif req["level"] == "SHOULD":
            record.should_total += 1
            record.should_passed += passed
    return record


def _last_line(run_dir: Path) -> str:
    try:
        lines = (run_dir / "nightly-run.log").read_text(encoding="utf-8",
                                                       errors="replace").strip().splitlines()
    except OSError:
        return "no output"
    errors = [line for line in lines if line.startswith("error:")]
    return (errors or lines or ["no output"])[-1][:300]


def _notify(store: HistoryStore, record: RunRecord, registry: Registry, nightly_id: str,
            notifier: Notifier, feed: RegisterFeed | None = None) -> None:
    history = store.runs(supplier=record.supplier, profile=record.profile)
    change = change_of(history, record, registry.window)
    if feed is not None:
        feed.apply(change, nightly_id, record.artefacts)
    cert = registry.certificate(record.supplier, record.profile)
    for event in events_of(change, nightly_id, record.artefacts, cert.id if cert else None):
        notifier.send(event)


def _changes(store: HistoryStore, nightly_id: str, keys: set[tuple[str, str]],
             window: int) -> list[Change]:
    """The change each run of this nightly (this shard's pairs) made."""
    changes = []
    for run in store.runs(nightly_id=nightly_id, with_requirements=False):
        if (run.supplier, run.profile) not in keys:
            continue
        history = store.runs(supplier=run.supplier, profile=run.profile)
        current = next(r for r in history if r.id == run.id)
        change = change_of(history, current, window)
        change.run = current
        changes.append(change)
    return changes
