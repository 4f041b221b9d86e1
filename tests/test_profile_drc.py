"""The Documenten profile drc-1.4: its rule coverage, and whole runs against the reference supplier.

The clean supplier must be certified conformant; each Documenten defect switch must make the
run not conformant, failing exactly the requirement(s) that defect breaks (the table below).
"""

from __future__ import annotations

import pytest

from conformance.engine.execute import RunOptions, execute
from conformance.profiles import load_profile
from conformance.reference import defects, embedded_target

SEED = 20261128
PROFILE = "drc-1.4"
RULES = [f"drc-{n:03d}" for n in range(1, 10)]
# rules the profile must test (not merely list)
MUST_TEST = {"drc-001", "drc-005", "drc-006", "drc-007", "drc-008", "drc-009",
             "DRC-bestandsdelen"}

# defect -> (requirements that must fail, requirements that may also fail as a direct
# consequence of the same defect). Anything else failing is a false alarm.
DEFECT_TABLE: dict[str, tuple[set[str], set[str]]] = {
    "update-without-lock": ({"drc-009"}, set()),
    "gebruiksrechten-indicatie-stale": ({"drc-006"}, set()),
    "iot-concept-accepted": ({"drc-001"}, set()),
}


def certify(resolver, tmp_path, *defect_names: str):
    profile = load_profile(PROFILE)
    with embedded_target(resolver, frozenset(defect_names)) as target:
        return execute(profile, target, RunOptions(seed=SEED, budget="quick",
                                                   out_dir=tmp_path, resolver=resolver))


def _by_outcome(result, outcome: str, level: str = "MUST") -> set[str]:
    return {r.id for r in result.requirements if r.outcome == outcome and r.level == level}


def test_profile_covers_every_documenten_rule():
    profile = load_profile(PROFILE)
    assert profile.id == PROFILE
    assert [s.api for s in profile.tested_standards()] == ["documenten"]
    reqs = {r.id: r for r in profile.requirements}
    for rule in RULES:
        assert rule in reqs, f"{rule} has no requirement"
        req = reqs[rule]
        assert req.checks or req.not_tested, rule
    for rule in MUST_TEST:
        assert reqs[rule].checks and not reqs[rule].not_tested, f"{rule} must be tested"
    for rule in ("drc-010", "drc-011", "drc-012", "drc-013", "drc-014"):
        assert reqs[rule].not_tested, rule
    oas = {r.id for r in profile.requirements if r.id.startswith("DRC-OAS-")}
    zrc_oas = {r.id.replace("ZRC-", "DRC-") for r in load_profile("zrc-1.5").requirements
               if r.id.startswith("ZRC-OAS-")}
    assert oas == zrc_oas


def test_defect_table_names_known_switches():
    assert set(DEFECT_TABLE) <= set(defects())


@pytest.mark.slow
def test_clean_reference_supplier_is_conformant(resolver, tmp_path):
    result = certify(resolver, tmp_path)
    assert _by_outcome(result, "failed") == set(), [
        (r.id, r.message, [e.message for e in r.evidence]) for r in result.requirements
        if r.outcome == "failed"]
    assert _by_outcome(result, "error") == set(), [
        (r.id, r.message) for r in result.requirements if r.outcome == "error"]
    assert result.verdict == "conformant"
    for req in result.requirements:
        if req.not_tested is None:
            assert req.checks and all(c.outcome == "passed" and c.executed > 0
                                      for c in req.checks), req.id


@pytest.mark.slow
@pytest.mark.parametrize("defect", sorted(DEFECT_TABLE))
def test_each_defect_fails_exactly_its_requirements(resolver, tmp_path, defect):
    must_fail, may_fail = DEFECT_TABLE[defect]
    result = certify(resolver, tmp_path, defect)
    failed = _by_outcome(result, "failed")
    assert result.verdict == "not_conformant", (result.verdict, result.verdict_reason)
    assert must_fail <= failed, f"{defect}: expected {sorted(must_fail)}, got {sorted(failed)}"
    unrelated = failed - must_fail - may_fail
    assert not unrelated, f"{defect}: unrelated MUST requirements failed: " + "; ".join(
        f"{r.id}: {r.message}" for r in result.requirements if r.id in unrelated)
    for req in result.requirements:
        if req.id in must_fail:
            assert req.evidence, f"{req.id} failed without evidence"
