"""Run the profile's business-rule suites in a child pytest process.

A child process keeps the suites' pytest session apart from whatever process
runs the harness (including the harness's own test run), gives assertion
rewriting to the suite modules, and lets pytest-html write the technical log.
The secret reaches the child through its environment, never its command line.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .progress import Progress
from .suite_plugin import CLIENT_SECRETS_ENV, SECRET_ENV
from .suite_records import CLEANUP_FILE, PROGRESS_FILE

SUITE_TIMEOUT_S = 1800
TURN_LOCK = "suite-turns.lock"  # the lock whose turns the workers' tests take (suite_turns)
POLL_S = 0.5  # how often the parent reads the child's progress file


@dataclass
class SuiteOutcome:
    records: dict[str, list[dict[str, Any]]]  # "module:function" -> records (one per test item)
    errors: list[str]
    duration_s: float
    report_html: Path | None
    cleanup: list[dict[str, Any]] = field(default_factory=list)  # what the tests made, removed?
    requests: int = 0  # the requests the child sent (its own Limits)

    def joined(self, other: SuiteOutcome) -> SuiteOutcome:
        """This outcome and another child's (other refs) as one; the report stays this one's."""
        return SuiteOutcome({**self.records, **other.records}, [*self.errors, *other.errors],
                            self.duration_s + other.duration_s,
                            self.report_html or other.report_html,
                            [*self.cleanup, *other.cleanup], self.requests + other.requests)


def _module_file(module: str) -> str:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"suite module {module} cannot be found")
    return spec.origin


def _harness_root() -> str | None:
    """The folder holding this copy of ``conformance``, when it is not an installed one.

    The child collects the suite files of this copy (``_module_file``) but would import
    ``conformance`` itself, its plugin first, from wherever its interpreter finds it: a
    checkout run next to another installed copy would then collect nothing from the suite
    files ("found no collectors"). An installed copy needs nothing (and its site-packages
    must not come before the standard library).
    """
    root = Path(__file__).resolve().parents[2]
    installed = {Path(p).resolve() for p in (*site.getsitepackages(), site.getusersitepackages())}
    return None if root in installed else str(root)


def run_suites(refs: list[str], context: dict[str, Any], secret: str | None, work_dir: Path,
               report_html: Path | None, title: str, timeout_s: float = SUITE_TIMEOUT_S,
               client_secrets: dict[str, str] | None = None,
               progress: Progress | None = None, workers: int = 1,
               stop: threading.Event | None = None, count_tests: bool = True) -> SuiteOutcome:
    """Run the named tests (``module:function``); one record list per ref. ``progress``
    hears the requests the child sent and (``count_tests``) the tests done and failed, as the
    child reports them. With ``workers`` > 1 the child runs its tests side by side in that
    many pytest-xdist workers (suite_turns), each keeping to its share of the run's safety
    policy. Setting ``stop`` ends the child at once (the run was interrupted)."""
    started = time.monotonic()
    if not refs:
        return SuiteOutcome({}, [], 0.0, None)
    work_dir = work_dir.resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    report_html = report_html.resolve() if report_html is not None else None
    ctx_file = work_dir / "suite-context.json"
    res_file = work_dir / "suite-results.json"
    ini = work_dir / "pytest.ini"
    if workers > 1:
        context = {**context, "workers": workers, "turn_lock": str(work_dir / TURN_LOCK)}
    ctx_file.write_text(json.dumps({**context, "title": title}), encoding="utf-8")
    ini.write_text("[pytest]\n", encoding="utf-8")
    node_ids = [f"{_module_file(r.split(':')[0])}::{r.split(':')[1]}" for r in refs]
    args = [sys.executable, "-m", "pytest", "-c", str(ini), "--rootdir", str(work_dir),
            "-p", "conformance.engine.suite_plugin", "-p", "no:cacheprovider",
            # only the plugins the suites need: autoloading every installed plugin
            # (schemathesis, hypothesis, playwright ...) costs seconds per run
            "-p", "pytest_metadata.plugin", "-p", "pytest_html.plugin",
            "--conformance-context", str(ctx_file), "--conformance-results", str(res_file),
            "-q", "--no-header",
            # the suites live inside the installed package, i.e. inside a virtualenv,
            # which pytest otherwise refuses to collect from
            "--collect-in-virtualenv"]
    if workers > 1:
        args += ["-p", "xdist.plugin", "-n", str(workers), "--dist", "loadgroup"]
    if report_html is not None:
        args += [f"--html={report_html}", "--self-contained-html"]
    env = {k: v for k, v in os.environ.items() if k not in (SECRET_ENV, CLIENT_SECRETS_ENV)}
    if client_secrets:  # the target's further clients (auth.clients), by name
        env[CLIENT_SECRETS_ENV] = json.dumps(client_secrets)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (_harness_root(), env.get("PYTHONPATH"))))
    if secret:
        env[SECRET_ENV] = secret
    errors: list[str] = []
    child = _ChildProgress(work_dir / PROGRESS_FILE, progress, count_tests)
    # cwd: not the caller's folder, whose own copy of `conformance` (a checkout) would
    # shadow the installed package the suite files are collected from
    with subprocess.Popen(args + node_ids, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, cwd=work_dir) as proc:
        output = _wait(proc, timeout_s, child.read, stop)
    if output is None and stop is not None and stop.is_set():
        errors.append("the suites were stopped: the run was interrupted")
    elif output is None:
        errors.append(f"the suites did not finish within {timeout_s:.0f} s and were stopped")
    child.read()
    if output is not None and proc.returncode not in (0, 1):
        tail = "".join(output).strip().splitlines()[-5:]
        errors.append(f"suite run ended with pytest exit code {proc.returncode}: "
                      + " | ".join(tail))
    records: dict[str, list[dict[str, Any]]] = {}
    if res_file.exists():
        for record in json.loads(res_file.read_text(encoding="utf-8")):
            records.setdefault(record["ref"], []).append(record)
    cleanup_file = work_dir / CLEANUP_FILE
    cleanup = json.loads(cleanup_file.read_text(encoding="utf-8")) if cleanup_file.exists() else []
    # the scratch files are not artefacts: read, then gone (only the swept artefacts remain)
    shutil.rmtree(work_dir, ignore_errors=True)
    return SuiteOutcome(records, errors, time.monotonic() - started,
                        report_html if report_html and report_html.exists() else None, cleanup,
                        child.requests)


def _wait(proc: subprocess.Popen[str], timeout_s: float, tick: Callable[[], None],
          stop: threading.Event | None = None) -> tuple[str, str] | None:
    """The child's (stdout, stderr) once it ends, calling ``tick`` every POLL_S meanwhile;
    None when it outlived ``timeout_s`` or ``stop`` was set, and was killed."""
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                return proc.communicate(
                    timeout=max(0.0, min(POLL_S, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:  # nothing is lost: the next call reads on
                tick()
                if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
                    proc.kill()
                    proc.communicate()
                    return None
    except BaseException:  # e.g. Ctrl-C: no suite child outlives the run (as subprocess.run)
        proc.kill()
        raise


class _ChildProgress:
    """Hands what the child wrote to its progress file (suite_plugin) on to the run's
    Progress: tests done of the total, failed tests, and its requests (the child has
    Limits of its own, so they are counted here, not in the run's)."""

    def __init__(self, path: Path, progress: Progress | None, count_tests: bool = True) -> None:
        self.path, self.progress, self.count_tests = path, progress, count_tests
        self.requests = 0
        path.unlink(missing_ok=True)  # never a figure of an earlier run
        if progress is not None:
            progress.count_requests(lambda: self.requests)

    def read(self) -> None:
        if not self.path.exists():
            return
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        self.requests = state["requests"]
        if self.progress is not None and self.count_tests:
            self.progress.advance(done=state["done"], total=state["total"] or None,
                                  failures=state["failed"])
