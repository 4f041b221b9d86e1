"""The run's progress channel: what a run is doing, for whoever watches it.

The engine reports: ``phase`` when a stage starts (the message the CLI has always printed),
``advance`` as it goes (operations or tests done of a total, the failures seen so far). A view
listens: the CLI's live terminal view or its plain lines (``conformance/progress_view.py``).
Requests so far are not reported but read, from the counters the engine registers (the run's
``Limits``, the suites' child), so a view refreshing on its own clock shows them live.
No terminal code here: the engine also runs under the nightly, in tests and in CI.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Literal

#: "phase": a stage started; "advance": figures changed; "end": the stage before ended (its
#: figures are still there to read, e.g. for a summary line)
Event = Literal["phase", "advance", "end"]
Listener = Callable[[Event, "Progress"], None]


class Progress:
    """The current stage of one run and its figures; listeners hear every change.

    ``done``/``total`` count ``unit`` (operations in the contract pass, per schemathesis
    phase, named in ``step``; tests in the suites). ``failures`` counts the whole run so far:
    failed checks in the contract pass (as its collector counts them, triaged), failed tests
    in the suites. Not thread-safe for several reporters; one engine thread reports, any
    thread may read.
    """

    def __init__(self, *listeners: Listener,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.message = ""
        self.unit: str | None = None
        self.step: str | None = None
        self.done = 0
        self.total: int | None = None
        self.phase_failures = 0
        self._failures_before = 0
        self._sources: list[Callable[[], int]] = []
        self._requests_at_phase = 0
        self._clock = clock
        self.started = self.phase_started = clock()
        self._phase_ended: float | None = None  # a finished stage's figures stand still
        self._listeners = list(listeners)
        self._open = False

    @classmethod
    def of(cls, progress: Progress | Callable[[str], None] | None) -> Progress:
        """What ``execute`` reports to: a Progress as given, or one that hands each phase's
        message to a plain callback (how callers reported before this channel)."""
        if isinstance(progress, Progress):
            return progress
        if progress is None:
            return cls()
        callback = progress
        return cls(lambda event, p: callback(p.message) if event == "phase" else None)

    def count_requests(self, source: Callable[[], int]) -> None:
        """Add a counter of requests sent so far (``requests`` is the sum of them all)."""
        self._sources.append(source)

    @property
    def requests(self) -> int:
        return sum(source() for source in self._sources)

    @property
    def phase_requests(self) -> int:
        return self.requests - self._requests_at_phase

    @property
    def failures(self) -> int:
        return self._failures_before + self.phase_failures

    def elapsed(self) -> float:
        return self._clock() - self.started

    def phase_elapsed(self) -> float:
        end = self._clock() if self._phase_ended is None else self._phase_ended
        return end - self.phase_started

    def rate(self) -> float | None:
        """Requests per second over the current phase (None before a measurable time)."""
        seconds = self.phase_elapsed()
        return self.phase_requests / seconds if seconds > 0.05 else None

    def phase(self, message: str, *, unit: str | None = None,
              total: int | None = None) -> None:
        """A new stage starts (and the one before ends)."""
        self.finish()
        self._failures_before += self.phase_failures
        self.message, self.unit, self.total, self.step = message, unit, total, None
        self.done = self.phase_failures = 0
        self._requests_at_phase = self.requests
        self.phase_started, self._phase_ended = self._clock(), None
        self._open = True
        self._emit("phase")

    def advance(self, *, done: int | None = None, total: int | None = None,
                failures: int | None = None, step: str | None = None) -> None:
        """New figures for the current stage (``failures``: this stage's so far)."""
        if done is not None:
            self.done = done
        if total is not None:
            self.total = total
        if failures is not None:
            self.phase_failures = failures
        if step is not None:
            self.step = step
        self._emit("advance")

    def finish(self) -> None:
        """The current stage ends (once; a run calls it after its last stage)."""
        if self._open:
            self._open, self._phase_ended = False, self._clock()
            self._emit("end")

    def summary(self) -> str | None:
        """One line for a finished stage that counts something, e.g. ``contract pass over
        zaken (...): 49 operations, 1290 requests, 3 failures, 12.3 s``; None for the others."""
        if self.unit is None:
            return None
        count = (f"{self.done} {self.unit}" if self.total in (None, self.done)
                 else f"{self.done} of {self.total} {self.unit}")
        return (f"{self.message}: {count}, {self.phase_requests} requests, "
                f"{self.phase_failures} failures, {self.phase_elapsed():.1f} s")

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event, self)
            except Exception as exc:  # noqa: BLE001 - a broken view never changes a run
                self._listeners.remove(listener)
                warnings.warn(f"progress view stopped: {type(exc).__name__}: {exc}",
                              stacklevel=2)
