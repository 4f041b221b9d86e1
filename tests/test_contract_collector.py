"""A check that crashed is undecided, never a pass (issue 12, point 5).

Schemathesis ends a check node in ``Status.ERROR`` when the check itself raised; the pass
folds that into its tallies (contract.py) and attribution makes the requirement ``error``.
Driven through the real collector and attribution with a recorded scenario of one
operation: the same scenario without the crashed node passes.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from schemathesis.engine import Status

from conformance.engine.attribute import attribute
from conformance.engine.contract import ContractOutcome, ContractSettings, _Collector
from conformance.engine.suites import SuiteOutcome
from conformance.profiles import load_profile

CHECK = "not_a_server_error"
LABEL = "GET /zaken"


def _scenario(statuses: list[Status], answer: int = 200, check: str = CHECK) -> SimpleNamespace:
    """A recorded scenario: one positive GET /zaken per status, answered ``answer``, each
    with a node of ``check`` in that status."""
    cases, interactions, checks = {}, {}, {}
    for n, status in enumerate(statuses):
        case = SimpleNamespace(operation=SimpleNamespace(label=LABEL), path_parameters={},
                               meta=SimpleNamespace(generation=SimpleNamespace(
                                   mode=SimpleNamespace(value="positive"))))
        cases[f"c{n}"] = SimpleNamespace(value=case)
        interactions[f"c{n}"] = SimpleNamespace(
            response=SimpleNamespace(status_code=answer, headers={}),
            request=SimpleNamespace(headers={}, uri="http://127.0.0.1/zaken", body=None))
        checks[f"c{n}"] = [SimpleNamespace(name=check, status=status, failure_info=None)]
    return SimpleNamespace(label=LABEL, cases=cases, interactions=interactions, checks=checks)


def _judged(statuses: list[Status], answer: int = 200, check: str = CHECK,
            requirement: str = "ZRC-OAS-server-error"):
    profile = load_profile("zrc-1.5")
    profile = dataclasses.replace(profile, requirements=[
        r for r in profile.requirements if r.id == requirement])
    outcome = ContractOutcome("zaken", {}, [], [], 0, 0.0, scope=["zaak_list"])
    settings = ContractSettings(api="zaken", base_url="http://127.0.0.1", operations=[],
                                checks={check}, seed=1, budget=None, headers={},
                                profile_checks={}, spec_gaps=[], secrets=[])
    collector = _Collector({LABEL: "zaak_list"}, settings, outcome, adapter=None)
    collector.scenario(_scenario(statuses, answer, check))
    outcome.tallies = dict(collector.tallies)
    suites = SuiteOutcome(records={}, errors=[], duration_s=0.0, report_html=None)
    (result,), _ = attribute(profile, {"zaken": outcome}, suites, None)
    return outcome.tally("zaak_list", check), result


def test_a_crashed_check_is_undecided_not_passed():
    tally, result = _judged([Status.SUCCESS, Status.ERROR])
    assert (tally.applied, tally.errors, tally.failures) == (1, 1, 0)
    assert result.outcome == "error", result.message
    assert "crashed on 1 response" in result.checks[0].message


def test_the_same_scenario_without_the_crash_passes():
    tally, result = _judged([Status.SUCCESS, Status.SUCCESS])
    assert (tally.applied, tally.errors) == (2, 0)
    assert result.outcome == "passed", result.message


def test_valid_requests_that_only_crashed_leave_the_valid_data_rule_undecided():
    """Every valid request answered 500: the server-error rule's deviation, counted there
    once; the valid-data rule was not exercised (undecided), not failed for it (Open Zaak's
    documenten _zoek at concurrency 4 failed both)."""
    _, crashed = _judged([Status.SKIP, Status.SKIP], answer=500,
                         check="positive_data_acceptance", requirement="ZRC-OAS-positive")
    assert crashed.outcome == "error", crashed.message
    assert "zaak_list (its 2 valid requests got a server error)" in crashed.message
    _, refused = _judged([Status.SKIP, Status.SKIP], answer=400,
                         check="positive_data_acceptance", requirement="ZRC-OAS-positive")
    assert refused.outcome == "failed", refused.message
    assert "valid data was never accepted by zaak_list (2 valid requests)" in refused.message


def test_the_coverage_row_counts_valid_requests_answered_with_a_server_error():
    """What the certificate's coverage table shows: a 5xx to a valid request is neither
    judged nor accepted, and counted as such, so an operation with no judged request says
    why."""
    outcome = ContractOutcome("zaken", {}, [], [], 0, 0.0, scope=["zaak_list"])
    settings = ContractSettings(api="zaken", base_url="http://127.0.0.1", operations=[],
                                checks={CHECK}, seed=1, budget=None, headers={},
                                profile_checks={}, spec_gaps=[], secrets=[])
    collector = _Collector({LABEL: "zaak_list"}, settings, outcome, adapter=None)
    collector.scenario(_scenario([Status.SKIP, Status.SKIP], 500, CHECK))
    collector.scenario(_scenario([Status.SKIP], 200, CHECK))
    (row,) = outcome.coverage()
    assert (row["requests"], row["positive"], row["judged"], row["accepted"],
            row["crashed"]) == (3, 3, 1, 1, 2)
    assert row["statuses"] == {"200": 1, "500": 2}
