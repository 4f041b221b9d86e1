"""The run's progress channel (conformance/engine/progress.py)."""

from __future__ import annotations

import pytest
from runs import certify

from conformance.engine.progress import Progress

CONTRACT = "contract pass over autorisaties (schemathesis, budget quick)"

class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _heard(progress: Progress) -> list[tuple]:
    """Every event with the figures as they were at that moment."""
    heard: list[tuple] = []
    progress._listeners.append(lambda event, p: heard.append(
        (event, p.message, p.unit, p.step, p.done, p.total, p.requests, p.failures,
         p.phase_failures)))
    return heard


def test_a_run_reports_operations_tests_requests_and_failures(resolver, tmp_path):
    """A real run (ac-1.0, with a defect the contract pass sees and one a suite test sees):
    each schemathesis phase's operations done reach the total, the suites' tests done
    reach theirs, requests only grow (the suites' child counts too), failures are counted."""
    progress = Progress()
    heard = _heard(progress)
    certify("ac-1.0", resolver, tmp_path, "plain-text-errors", "client-id-reuse-accepted",
            progress=progress)
    phases = [h[1] for h in heard if h[0] == "phase"]
    assert phases == ["checking that the target answers", "preparing test data on the target",
                      CONTRACT, "business-rule suites (11 tests)",
                      "removing the test data the run created"]
    assert [h[1] for h in heard if h[0] == "end"] == phases  # every phase ends, once
    contract = [h for h in heard if h[1] == CONTRACT]
    for step in ("coverage", "fuzzing"):
        done = [h[4] for h in contract if h[3] == step]
        assert done == sorted(done) and done[-1] == 3, (step, done)  # 3 operations in scope
        assert {h[5] for h in contract if h[3] == step} == {3}
    requests = [h[6] for h in heard]
    assert requests == sorted(requests)
    assert contract[-1][6] > contract[0][6] + 20, "the contract pass's requests not counted"
    assert contract[-1][8] > 0, "the contract pass's failed checks were not counted"
    suites = [h for h in heard if h[1].startswith("business-rule suites")]
    assert suites[-1][4] == suites[-1][5] == 11
    assert suites[-1][6] > suites[0][6], "the suites' requests (in the child) not counted"
    assert suites[-1][8] >= 1, "the failed ac-001 test was not counted"
    assert heard[-1][7] == contract[-1][8] + suites[-1][8]  # the run's failures: both


def test_a_plain_callback_still_hears_each_phase():
    heard: list[str] = []
    progress = Progress.of(heard.append)
    progress.phase("one")
    progress.advance(done=1, total=2, failures=1)
    progress.phase("two", unit="tests", total=2)
    progress.finish()
    assert heard == ["one", "two"]


def test_figures_per_phase_and_for_the_run():
    clock, sent = FakeClock(), [0]
    progress = Progress(clock=clock)
    progress.count_requests(lambda: sent[0])
    progress.phase("contract pass over zaken", unit="operations")
    progress.advance(total=49, done=12, failures=2)
    sent[0], clock.now = 1290, clock.now + 10
    progress.advance(done=49, failures=3)
    assert progress.rate() == pytest.approx(129.0)
    progress.finish()
    clock.now += 5  # a finished phase's figures stand still
    assert progress.summary() == ("contract pass over zaken: 49 operations, 1290 requests, "
                                  "3 failures, 10.0 s")
    progress.phase("business-rule suites (4 tests)", unit="tests", total=4)
    sent[0] += 10
    progress.advance(done=2, failures=1)
    assert (progress.failures, progress.phase_failures, progress.phase_requests) == (4, 1, 10)
    assert progress.summary().startswith("business-rule suites (4 tests): 2 of 4 tests, ")
    progress.phase("removing the test data the run created")
    assert progress.summary() is None  # counts nothing: no summary line


def test_a_broken_view_never_stops_a_run():
    def broken(event, progress):
        raise RuntimeError("terminal gone")

    progress = Progress(broken)
    with pytest.warns(UserWarning, match="progress view stopped: RuntimeError"):
        progress.phase("one")
    progress.phase("two")  # the view is dropped, the run goes on
    assert progress.message == "two"
