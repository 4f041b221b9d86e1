"""Profile ztc-1.3 (Zaaktypecataloguscomponent, Catalogi API 1.3.1).

The profile names every official Catalogi rule (tested, or not_tested with a reason); the
clean reference supplier is certified conformant; each Catalogi defect switch makes the run
not conformant, failing exactly the requirement(s) it breaks (the table below).
"""

from __future__ import annotations

import pytest

from conformance.engine.execute import RunOptions, execute
from conformance.profiles import load_profile
from conformance.reference import embedded_target

SEED = 20261128
PROFILE = "ztc-1.3"
RULES = [f"ztc-{n:03d}" for n in range(1, 17)]

# defect -> (requirements that must fail, requirements that may also fail as a direct
# consequence of the same defect). Anything else failing is a false alarm.
DEFECT_TABLE: dict[str, tuple[set[str], set[str]]] = {
    "published-zaaktype-editable": ({"ztc-009"}, set()),
    "child-type-on-published-zaaktype": ({"ztc-010"}, set()),
    "overlapping-validity": ({"ztc-016"}, set()),
}


def certify(resolver, tmp_path, *defect_names: str):
    profile = load_profile(PROFILE)
    with embedded_target(resolver, frozenset(defect_names)) as target:
        return execute(profile, target, RunOptions(seed=SEED, budget="quick",
                                                   out_dir=tmp_path, resolver=resolver))


def _by_outcome(result, outcome: str, level: str = "MUST") -> set[str]:
    return {r.id for r in result.requirements if r.outcome == outcome and r.level == level}


def test_profile_covers_every_catalogi_rule():
    profile = load_profile(PROFILE)
    assert profile.gemma["component"] == "Zaaktypecataloguscomponent"
    assert "Catalogi API-standaard" in profile.gemma["verplicht"]
    assert profile.required_classes() == {"basis"}
    by_id = {r.id: r for r in profile.requirements}
    for rule in RULES:
        assert rule in by_id, rule
        req = by_id[rule]
        assert req.checks or (req.not_tested and len(req.not_tested) > 40), rule
    tested = {r for r in RULES if by_id[r].checks}
    assert {"ztc-009", "ztc-010", "ztc-012", "ztc-016"} <= tested
    assert {f"ZTC-OAS-{s}" for s in ("schema", "status", "positive", "negative")} <= set(by_id)
    for req in profile.requirements:
        assert req.title["nl"] and req.title["en"] and req.source.startswith("http")
    ops = profile.standards["catalogi"].operations
    assert "zaaktype_publish" in ops and "resultaattype_create" in ops


def test_defect_table_names_catalogi_switches():
    from conformance.reference import defects

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
