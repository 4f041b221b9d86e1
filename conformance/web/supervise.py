"""Run the browser process (:mod:`conformance.web.scan`) within the run's time bounds.

The browser runs in a child process, so a page whose script never yields, a browser that
hangs or crashes, or Playwright itself can never stall the run: the parent watches the
child's event file, kills the child (and with it the browser) when one page overruns its
bound or the run's bound has passed, records that page as undecided, and starts a new child
for the pages still to do.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..safety import SafetyPolicy
from .browser import chromium_path
from .scan import EXIT_LOGIN_FAILED, LOGIN_VALUES_ENV
from .site import WebSite

POLL_S = 0.05
START_GRACE_S = 20.0  # starting Python, Playwright and the browser, logging in
MAX_SHOTS = 40  # screenshots per run: the first failing page of each rule x viewport, at most


@dataclass
class PageScan:
    """One page at one viewport: axe-core's results, or why there are none."""

    page: str
    url: str
    viewport: str
    rules: dict[str, Any] | None = None
    shots: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    status: int | None = None
    seconds: float = 0.0


@dataclass
class ScanOutcome:
    scans: list[PageScan]
    browser: str | None
    requests: int
    refused: list[str]
    notes: list[str]


def scan_site(site: WebSite, rules: list[str], policy: SafetyPolicy, work_dir: Path,
              shots_dir: Path, deadline: float | None) -> ScanOutcome:
    """Every page of ``site`` at every viewport, checked with ``rules``; never raises for
    what the target does (a page that fails is a ``PageScan`` with an ``error``)."""
    chromium_path()  # a missing browser is a usage error before anything starts
    # the child runs in work_dir: a relative --out (the default, reports/...) must not be
    # resolved a second time from there
    work_dir, shots_dir = work_dir.resolve(), shots_dir.resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(vi, pi) for vi in range(len(site.viewports)) for pi in range(len(site.pages))]
    done: dict[tuple[int, int], PageScan] = {}
    state = _State()
    while True:
        todo = [job for job in jobs if job not in done]
        if not todo:
            break
        if deadline is not None and time.monotonic() >= deadline:
            for job in todo:
                done[job] = _scan(site, job, error="not checked: the run's time bound had "
                                                   "passed")
            break
        progress = _child(site, rules, policy, todo, work_dir, shots_dir, deadline, done, state)
        if not progress:  # the browser could not even start a page: no retry would help
            for job in [j for j in jobs if j not in done]:
                done[job] = _scan(site, job, error=state.failure or "the browser process failed")
            break
    return ScanOutcome(scans=[done[job] for job in jobs], browser=state.browser,
                       requests=state.requests, refused=state.refused, notes=state.notes)


@dataclass
class _State:
    browser: str | None = None
    requests: int = 0
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shots: set[str] = field(default_factory=set)  # "rule@viewport" with a screenshot
    failure: str | None = None
    children: int = 0


def _child(site: WebSite, rules: list[str], policy: SafetyPolicy, todo: list[tuple[int, int]],
           work_dir: Path, shots_dir: Path, deadline: float | None,
           done: dict[tuple[int, int], PageScan], state: _State) -> bool:
    """One browser process over ``todo``; True when it finished or started at least a job."""
    state.children += 1
    context_file = work_dir / f"scan-{state.children}.json"
    events_file = work_dir / f"scan-{state.children}.jsonl"
    context_file.write_text(json.dumps({
        "origin": site.origin, "pages": [{"name": p.name, "url": p.url} for p in site.pages],
        "viewports": [{"name": v.name, "width": v.width, "height": v.height}
                      for v in site.viewports],
        "login": site.login.form() if site.login else None, "jobs": todo,
        "page_timeout_s": site.page_timeout_s, "rules": rules, "shots_dir": str(shots_dir),
        "max_shots": max(0, MAX_SHOTS - len(state.shots)), "shot_done": sorted(state.shots),
        "methods": sorted(policy.methods),
        "request_budget": None if policy.request_budget is None
        else max(0, policy.request_budget - state.requests),
        "requests_per_second": policy.requests_per_second, "insecure_tls": policy.insecure_tls,
    }), encoding="utf-8")
    events_file.touch()
    env = {k: v for k, v in os.environ.items() if k != LOGIN_VALUES_ENV}
    env[LOGIN_VALUES_ENV] = json.dumps(list(site.login.values) if site.login else [])
    log = work_dir / f"scan-{state.children}.log"
    with open(log, "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "conformance.web.scan", str(context_file), str(events_file)],
            env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
            cwd=work_dir)
    reader = _Events(events_file)
    current: tuple[int, int] | None = None
    since = time.monotonic()
    bound = START_GRACE_S + site.page_timeout_s
    progressed = False
    killed_for: str | None = None
    while True:
        for event in reader.read():
            kind = event["event"]
            if kind == "browser":
                state.browser = event["version"]
            elif kind == "login":
                state.requests += event.get("requests", 0)
                state.refused.extend(event.get("refused", []))
                if not event["ok"]:
                    state.failure = f"the login step failed: {event['error']}"
            elif kind == "start":
                current, since, bound = tuple(event["job"]), time.monotonic(), site.page_timeout_s
                progressed = True
            elif kind == "page":
                job = tuple(event["job"])
                done[job] = _from_event(site, job, event)
                state.requests += event.get("requests", 0)
                state.refused.extend(event.get("refused", []))
                viewport = site.viewports[job[0]].name
                state.shots |= {f"{rule}@{viewport}" for rule in event.get("shots") or {}}
                current, since, bound = None, time.monotonic(), site.page_timeout_s + 5
                progressed = True
        code = proc.poll()
        if code is not None:
            break
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            killed_for = "the run's time bound passed while the page was being checked"
        elif now - since > bound:
            killed_for = (f"the page did not finish loading and checking within "
                          f"{site.page_timeout_s:g} s (web.page_timeout_s)" if current else
                          f"the browser did not start{' and log in' if site.login else ''} "
                          f"within {bound:g} s")
        if killed_for:
            _kill(proc)
            break
        time.sleep(POLL_S)
    for event in reader.read():  # what the child wrote last
        if event["event"] == "page":
            done[tuple(event["job"])] = _from_event(site, tuple(event["job"]), event)
    if current is not None and current not in done:
        why = killed_for or f"the browser process ended ({_tail(log)})"
        done[current] = _scan(site, current, error=why)
        state.notes.append(f"{site.pages[current[1]].url} at "
                           f"{site.viewports[current[0]].label()}: {why}")
    if proc.returncode == EXIT_LOGIN_FAILED or (state.failure and not progressed):
        return False
    if not progressed:
        state.failure = killed_for or f"the browser process failed: {_tail(log)}"
    return progressed


class _Events:
    """Reads the complete lines the child appended since the last read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def read(self) -> list[dict[str, Any]]:
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        end = data.rfind(b"\n") + 1
        self.offset += end
        return [json.loads(line) for line in data[:end].splitlines() if line.strip()]


def _from_event(site: WebSite, job: tuple[int, int], event: dict[str, Any]) -> PageScan:
    scan = _scan(site, job, error=event.get("error"))
    scan.rules = None if scan.error else event.get("rules")
    scan.shots = event.get("shots") or {}
    scan.status = event.get("status")
    scan.seconds = event.get("seconds", 0.0)
    scan.url = event.get("url") or scan.url
    return scan


def _scan(site: WebSite, job: tuple[int, int], error: str | None = None) -> PageScan:
    page = site.pages[job[1]]
    return PageScan(page=page.name, url=page.url, viewport=site.viewports[job[0]].label(),
                    error=error)


def _kill(proc: subprocess.Popen) -> None:
    """The child and everything in its session (the browser exits when its pipe closes)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _tail(log: Path) -> str:
    """What the child said last: the exception line of a traceback, else its last lines."""
    try:
        lines = [ln.strip() for ln in
                 log.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "no output"
    if any(ln.startswith("Traceback (most recent call last)") for ln in lines):
        return lines[-1][:500]
    return " | ".join(lines[-3:])[:500] or "no output"
