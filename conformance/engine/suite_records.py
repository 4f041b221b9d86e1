"""The records of the suites' tests, from the process that runs them to the results file.

A test's record (outcome, message, evidence) is made where the test ran and travels on its
report (``user_properties``): with several xdist workers (suite_turns) only the controller
reports, so it is the one that writes the results, the clean-up and the progress files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from ..client import Limits
from ..suites._helpers import NotJudged, take_deviations

CLEANUP_FILE = "suite-cleanup.json"  # beside the results file: what the tests made, removed?
PROGRESS_FILE = "suite-progress.json"  # beside it too: tests done so far, for the parent
#: what the fixtures of the tests in this process removed (or failed to), not yet reported
REMOVALS: list[dict[str, Any]] = []

#: what travels on a test's reports (``user_properties``, which xdist hands from a worker to
#: the process that writes the results): its record, what its fixtures removed, and the
#: requests its process has sent so far
RECORD, REMOVED, SENT = "conformance-record", "conformance-removed", "conformance-sent"


class Capture:
    """In the process that runs the tests (the child itself, or each xdist worker): puts
    each test's record on its report."""

    def __init__(self) -> None:
        self.limits: Limits | None = None  # the session's, once a test has used it

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]):
        outcome = yield
        report = outcome.get_result()
        self.limits = self.limits or getattr(item, "funcargs", {}).get("_limits")
        extra: list[tuple[str, Any]] = []
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            extra.append((RECORD, self._record(item, call, report)))
        if report.when == "teardown" and REMOVALS:
            extra.append((REMOVED, REMOVALS[:]))
            REMOVALS.clear()
        sent = self.limits.requests_sent if self.limits is not None else 0
        extra.append((SENT, [os.environ.get("PYTEST_XDIST_WORKER", ""), sent]))
        # a new list: pytest hands the item's own list to each of its reports
        report.user_properties = [*report.user_properties, *extra]

    def _record(self, item: pytest.Item, call: pytest.CallInfo[None],
                report: pytest.TestReport) -> dict[str, Any]:
        func = getattr(item, "function", None)
        ref = f"{func.__module__}:{func.__name__}" if func else item.nodeid
        if report.passed:
            outcome, message = "passed", ""
        elif report.skipped:
            outcome = "skipped"
            longrepr = report.longrepr
            message = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        else:
            exc = call.excinfo.value if call.excinfo else None
            outcome = "failed" if isinstance(exc, AssertionError) else "error"
            message = _message(exc)
            if isinstance(exc, NotJudged):  # another rule's deviation kept it from judging
                message = str(exc)
        evidence = []
        if outcome in ("failed", "error"):
            clients = getattr(item, "funcargs", {}).get("_conformance_clients")
            exchanges = []
            for client in (clients or {}).values():
                exchanges.extend(client.exchanges)
            exchanges.sort(key=lambda e: e.order)
            for exchange in exchanges[-2:]:
                evidence.append(exchange.evidence())
        record = {"nodeid": item.nodeid, "ref": ref, "outcome": outcome, "message": message,
                  "evidence": evidence, "deviations": take_deviations()}
        if outcome == "error" and isinstance(getattr(call.excinfo, "value", None), NotJudged):
            record["aspect"] = call.excinfo.value.aspect  # type: ignore[union-attr]
        return record



class Recorder:
    """In the process that reports (the child, or the xdist controller): gathers what the
    reports carry and writes the results, the clean-up and the progress files."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records: dict[str, dict[str, Any]] = {}
        self.removed: list[dict[str, Any]] = []
        self.sent: dict[str, int] = {}  # worker -> requests it sent so far
        self.total = 0

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = len(session.items)

    @pytest.hookimpl(optionalhook=True)  # only with xdist loaded (several workers)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self.total = len(ids)  # every worker collects all tests

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for key, value in report.user_properties:
            if key == RECORD:
                self.records[value["nodeid"]] = value
            elif key == REMOVED:
                self.removed.extend(value)
            elif key == SENT:
                worker, sent = value
                self.sent[worker] = max(self.sent.get(worker, 0), sent)

    def pytest_runtest_logfinish(self) -> None:
        """After each test (teardown included): how far the suites are, for the parent's
        progress view; replaced whole, so the parent never reads half a file."""
        failed = sum(r["outcome"] == "failed" for r in self.records.values())
        tmp = self.path.with_name(PROGRESS_FILE + ".tmp")
        tmp.write_text(json.dumps({"done": len(self.records), "total": self.total,
                                   "failed": failed, "requests": sum(self.sent.values())}),
                       encoding="utf-8")
        os.replace(tmp, self.path.with_name(PROGRESS_FILE))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.path.write_text(json.dumps(list(self.records.values()), indent=1), encoding="utf-8")
        self.path.with_name(CLEANUP_FILE).write_text(json.dumps(self.removed + REMOVALS),
                                                     encoding="utf-8")


def _message(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown failure"
    text = str(exc).strip() or type(exc).__name__
    first = text.splitlines()[0] if isinstance(exc, AssertionError) else text
    if not isinstance(exc, AssertionError):
        first = f"{type(exc).__name__}: {first}"
    return first[:2000]
