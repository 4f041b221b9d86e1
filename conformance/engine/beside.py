"""Suites that only read run in a child of their own, beside the contract pass.

The contract pass writes on the supplier for minutes; checks that only read (the API Design
Rules: the published document, headers, error bodies of GET requests) need none of its state,
so they need not wait for it. A suite module says so with ``READS_ONLY = True``. The child
borrows one of the run's concurrent-request places with its share of the rate and of the
request budget (``Limits.lend_place``) for as long as it runs, so the run as a whole keeps to
the target's safety policy. A run with one place (``max_concurrency: 1``) runs them after the
contract pass, with the other suites, as before.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable

from ..client import Limits
from ..safety import SafetyPolicy
from .suites import SuiteOutcome

#: what starts the child: (the borrowed policy, its budget, the stop event) -> its outcome
Start = Callable[[SafetyPolicy, "int | None", threading.Event], SuiteOutcome]


def reads_only(ref: str) -> bool:
    """Whether the suite test ``module:function`` only reads (its module declares it)."""
    return bool(getattr(importlib.import_module(ref.split(":")[0]), "READS_ONLY", False))


class BesideContract:
    """One child running read-only suites while the caller runs the contract pass.

    Use as a context manager around the contract pass and ask ``outcome()`` at its end;
    leaving the block returns the place in any case, and leaving it early (an error, Ctrl-C)
    stops the child first.
    """

    def __init__(self, limits: Limits, start: Start) -> None:
        self._limits, self._start = limits, start
        self._stop = threading.Event()
        self._loan = contextlib.ExitStack()
        self._result: SuiteOutcome | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> BesideContract:
        policy, budget = self._loan.enter_context(self._limits.lend_place())
        self._thread = threading.Thread(target=self._run, args=(policy, budget),
                                        name="suites-beside-contract", daemon=True)
        self._thread.start()
        return self

    def _run(self, policy: SafetyPolicy, budget: int | None) -> None:
        try:
            self._result = self._start(policy, budget, self._stop)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self._error = exc

    def outcome(self) -> SuiteOutcome:
        """The child's outcome, once it ends; its requests now count against the budget."""
        self._end()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        self._limits.requests_elsewhere += self._result.requests
        return self._result

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:  # the run stops: so does the child, at once
            self._stop.set()
        self._end()

    def _end(self) -> None:
        """Wait for the child's thread and give the place back (once; later calls no-op)."""
        if self._thread is not None:
            self._thread.join()
        self._loan.close()
