"""The run's progress channel (conformance/engine/progress.py) and how `conformance run`
shows it (conformance/progress_view.py): live on a terminal, plain lines elsewhere, nothing
with --quiet."""

from __future__ import annotations

import io
import re
import socket

import pytest
from conftest import run_cli
from rich.console import Console
from runs import certify

from conformance.engine.progress import Progress
from conformance.progress_view import LiveView, progress_view

CONTRACT = "contract pass over autorisaties (schemathesis, budget quick)"
SUMMARY = re.compile(r"^✓ (.+): (\d+) (operations|tests), (\d+) requests, (\d+) failures, "
                     r"[\d.]+ s$", re.M)


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


def test_the_live_view_shows_the_figures():
    clock, sent = FakeClock(), [0]
    progress = Progress(clock=clock)
    progress.count_requests(lambda: sent[0])
    progress.phase("contract pass over zaken (schemathesis, budget standard)",
                   unit="operations")
    progress.advance(total=49, step="fuzzing")
    sent[0], clock.now = 1290, clock.now + 72
    progress.advance(done=12, failures=3)
    console = Console(force_terminal=True, file=io.StringIO(), width=120)
    console.print(LiveView(progress))
    out = console.file.getvalue()
    assert "\x1b[" in out  # drawn for a terminal
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
    assert "contract pass over zaken (schemathesis, budget standard) · fuzzing" in text
    assert "operations 12/49" in text
    assert "requests 1290 · 17.9/s · failures 3 · elapsed 1:12" in text


def test_the_terminal_view_keeps_a_line_per_finished_phase():
    console = Console(force_terminal=True, file=io.StringIO(), width=120)
    with progress_view(io.StringIO(), console=console) as progress:
        progress.phase("checking that the target answers")
        progress.phase("contract pass over zaken", unit="operations", total=2)
        progress.advance(done=2, failures=1)
        progress.finish()
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", console.file.getvalue())
    assert "✓ checking that the target answers (" in text
    assert "✓ contract pass over zaken: 2 operations, 0 requests, 1 failures, " in text


def test_the_cli_off_a_terminal_prints_plain_lines(tmp_path):
    res = run_cli("run", "--profile", "ac-1.0", "--budget", "quick", "--seed", "7",
                  "--out", str(tmp_path / "run"))
    assert res.code == 0, res.stdout + res.stderr
    assert "\x1b" not in res.stderr + res.stdout  # no rich control codes in a pipe
    assert f"… {CONTRACT}\n" in res.stderr
    assert "… business-rule suites (11 tests)\n" in res.stderr
    summaries = {m[0]: m[1:] for m in SUMMARY.findall(res.stderr)}
    assert set(summaries) == {CONTRACT, "business-rule suites (11 tests)"}
    assert summaries[CONTRACT][:2] == ("3", "operations")
    assert summaries["business-rule suites (11 tests)"][:2] == ("11", "tests")
    assert all(int(s[2]) > 0 and s[3] == "0" for s in summaries.values())  # clean: 0 failures
    assert "verdict: CONFORMANT" in res.stdout  # the final summary as before


def test_quiet_prints_no_phase_lines(tmp_path):
    """An unreachable target ends the run in a second; without --quiet it prints its phase."""
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/autorisaties/api/v1"
    args = ("run", "--profile", "ac-1.0", "--target", url, "--seed", "7")
    loud = run_cli(*args, "--out", str(tmp_path / "loud"))
    assert "… checking that the target answers" in loud.stderr
    quiet = run_cli(*args, "--out", str(tmp_path / "quiet"), "--quiet")
    assert quiet.code == loud.code == 3, quiet.stdout + quiet.stderr
    assert "…" not in quiet.stderr and "✓" not in quiet.stderr, quiet.stderr
    assert "verdict: INCOMPLETE" in quiet.stdout  # the final summary still comes
