"""Suite tests side by side: several pytest-xdist workers in the suites' child process.

Most tests only touch objects they made themselves, so they may run at the same time. Two
kinds may not:

- a test marked ``alone`` runs while no other test runs. It walks a whole list ('count'
  must equal what the pages hold, pages must not overlap), which another test's creates
  would change under it, or it changes what other tests rely on (the rights of the
  target's restricted client). It holds the *turn lock* exclusively, every other test
  holds it shared; all ``alone`` tests go to one worker, one after another.
- tests of one ``xdist_group`` run on one worker, one after another: the notification
  tests share a webhook receiver, whose callback port the target file may fix.

Each worker keeps to an equal share of the run's safety policy, so that all of them
together keep to it (``SafetyPolicy.share``). With one worker nothing changes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

try:
    import fcntl
except ImportError:  # not POSIX: the suites run one at a time (suite_workers says 1)
    fcntl = None  # type: ignore[assignment]

ALONE = "alone"
ALONE_GROUP = "alone"
MARKERS = (
    f"{ALONE}: runs while no other suite test runs (walks a whole list, or changes what "
    "other tests rely on)",
    "xdist_group(name): tests of one group run on one worker, one after another",
)
#: fewest tests per worker: starting a worker costs about a second of CPU
TESTS_PER_WORKER = 8
MAX_WORKERS = 4
#: the supplier's mean answer time from which workers pay: below it the harness's own CPU
#: (a few ms per request, and a second to start each worker) is what a test waits for, and
#: on 2 cores more processes only share it (the embedded reference answers in a few ms)
SLOW_ANSWER_S = 0.02


def suite_workers(max_concurrency: int, tests: int, mean_answer_s: float | None) -> int:
    """How many workers run a run's suites: at most its concurrency, none that would get
    fewer than TESTS_PER_WORKER tests, and 1 for a supplier that answers faster than
    SLOW_ANSWER_S (or before any answer), or where the turn lock cannot work."""
    if fcntl is None or mean_answer_s is None or mean_answer_s < SLOW_ANSWER_S:
        return 1
    return max(1, min(max_concurrency, MAX_WORKERS, tests // TESTS_PER_WORKER))


def group_alone_tests(items: list[pytest.Item]) -> None:
    """Send every ``alone`` test to one worker (``--dist loadgroup``): while it waits for
    its turn, the other workers go on with the rest."""
    for item in items:
        if item.get_closest_marker(ALONE) is not None and \
                item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(ALONE_GROUP))


@contextlib.contextmanager
def turn(lock_path: str | None, *, alone: bool) -> Iterator[None]:
    """Hold the turn lock for one test: exclusively for an ``alone`` test, shared for the
    others. Without a lock (one worker) there is nothing to wait for."""
    if not lock_path or fcntl is None:
        yield
        return
    with open(lock_path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def seed_name(nodeid: str) -> str:
    """A test's node id without the ``@group`` xdist adds under ``--dist loadgroup``: the
    test's random data is the same with one worker or several."""
    return nodeid.split("@", 1)[0]
