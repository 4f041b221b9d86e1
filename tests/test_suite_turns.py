"""Suite tests side by side (conformance/engine/suite_turns.py): how many workers a run's
suites get, each worker's share of the safety policy, and that a test marked ``alone`` runs
while no other test runs, in a real child process with real xdist workers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.engine.suite_turns import seed_name, suite_workers
from conformance.engine.suites import run_suites
from conformance.safety import SafetyPolicy

SAMPLES = "suite_samples.turns"
CONTEXT = {"apis": {}, "auth_type": "none", "seed": 1, "environment": "test", "fixtures": {},
           "tested_apis": []}


def test_workers_follow_the_concurrency_the_tests_and_the_suppliers_answer_time():
    slow = 0.05  # a supplier answering in 50 ms: the tests wait on it
    assert suite_workers(1, 65, slow) == 1  # concurrency 1: one test at a time, as before
    assert suite_workers(4, 65, slow) == 4
    assert suite_workers(2, 65, slow) == 2
    assert suite_workers(8, 65, slow) == 4  # at most MAX_WORKERS processes
    assert suite_workers(4, 11, slow) == 1  # too few tests to pay for starting workers
    assert suite_workers(4, 16, slow) == 2
    # a supplier answering in a few ms: the harness's own CPU is what the tests wait for
    assert suite_workers(4, 65, 0.004) == 1
    assert suite_workers(4, 65, None) == 1  # nothing answered yet


def test_each_worker_keeps_to_its_share_of_the_policy():
    policy = SafetyPolicy(max_concurrency=4, requests_per_second=10.0)
    share = policy.share(4)
    assert (share.max_concurrency, share.requests_per_second) == (1, 2.5)
    three = policy.share(3)
    assert three.max_concurrency * 3 <= 4 and three.requests_per_second * 3 == pytest.approx(10)
    assert policy.share(1) is policy
    assert SafetyPolicy(max_concurrency=4).share(2).requests_per_second is None


def test_a_tests_data_does_not_depend_on_its_worker_group():
    assert seed_name("suites/zrc.py::test_x@alone") == seed_name("suites/zrc.py::test_x")


def _intervals(log: Path) -> list[tuple[str, bool, float, float]]:
    return [tuple(json.loads(line)) for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_alone_tests_run_while_no_other_test_runs(tmp_path: Path, monkeypatch):
    log = tmp_path / "turns.log"
    monkeypatch.setenv("TURNS_LOG", str(log))
    refs = [f"{SAMPLES}:test_beside_others", f"{SAMPLES}:test_alone",
            f"{SAMPLES}:test_fails_with_a_record"]
    outcome = run_suites(refs, CONTEXT, None, tmp_path / "work", None, "turns", workers=3)
    assert outcome.errors == []
    ran = _intervals(log)
    assert len(ran) == 9
    for name, alone, start, end in ran:
        if alone:
            overlapping = [o for o, _, s, e in ran if o != name and s < end and e > start]
            assert overlapping == [], f"{name} ran beside {overlapping}"
    beside = [(s, e) for _, alone, s, e in ran if not alone]
    assert any(s2 < e1 and e2 > s1 for i, (s1, e1) in enumerate(beside)
               for s2, e2 in beside[i + 1:]), "no two tests ran side by side"
    # every record reached the parent, from whichever worker ran the test
    outcomes = {ref: [r["outcome"] for r in records] for ref, records in outcome.records.items()}
    assert outcomes == {f"{SAMPLES}:test_beside_others": ["passed"] * 6,
                        f"{SAMPLES}:test_alone": ["passed"] * 2,
                        f"{SAMPLES}:test_fails_with_a_record": ["failed"]}
    failed = outcome.records[f"{SAMPLES}:test_fails_with_a_record"][0]
    assert failed["message"] == "a deviation, recorded from its worker"


@pytest.mark.slow
def test_a_run_on_a_slow_supplier_runs_its_suites_side_by_side_and_stays_conformant(
        resolver, tmp_path: Path):
    """brc-1.1 (21 tests: pagination alone, notifications on one worker) on the reference
    answering after 25 ms: the suites get 2 workers, every test's record and clean-up reach
    the results, and the clean supplier is conformant."""
    from conformance.engine.execute import RunOptions, execute
    from conformance.profiles import load_profile
    from conformance.reference import embedded_supplier

    with embedded_supplier(resolver, latency_ms=25) as (_server, target):
        result = execute(load_profile("brc-1.1"), target,
                         RunOptions(seed=7, budget="quick", out_dir=tmp_path, resolver=resolver))
    assert result.verdict == "conformant", [
        (r.id, r.message) for r in result.requirements if r.outcome in ("failed", "error")]
    assert result.run["suite_workers"] == 2 and result.run["mean_answer_ms"] >= 20
    suite_checks = {c.id: c.outcome for r in result.requirements for c in r.checks
                    if c.kind == "suite"}
    assert len(suite_checks) == 21 and set(suite_checks.values()) <= {"passed", "skipped"}
    assert any("suites cleanup" in note for note in result.run["notes"])
