"""Profile ztc-1.3 (Zaaktypecataloguscomponent, Catalogi API 1.3.1).

The profile names every official Catalogi rule (tested, or not_tested with a reason); the
clean reference supplier is certified conformant; each Catalogi defect switch makes the run
not conformant, failing exactly the requirement(s) it breaks (the table below).
"""

from __future__ import annotations

import pytest
from runs import CORE_APIS, assert_clean, assert_defect, certify

from conformance.profiles import load_profile

PROFILE = "ztc-1.3"
RULES = [f"ztc-{n:03d}" for n in range(1, 17)]

# defect -> (requirements that must fail, requirements that may also fail as a direct
# consequence of the same defect). Anything else failing is a false alarm.
DEFECT_TABLE: dict[str, tuple[set[str], set[str]]] = {
    "published-zaaktype-editable": ({"ztc-009"}, set()),
    "child-type-on-published-zaaktype": ({"ztc-010"}, set()),
    "overlapping-validity": ({"ztc-016"}, set()),
}




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
    result = certify(PROFILE, resolver, tmp_path)
    assert_clean(result)


@pytest.mark.slow
@pytest.mark.parametrize("defect", sorted(DEFECT_TABLE))
def test_each_defect_fails_exactly_its_requirements(resolver, tmp_path, defect):
    must_fail, may_fail = DEFECT_TABLE[defect]
    assert_defect(certify(PROFILE, resolver, tmp_path, defect, apis=CORE_APIS), defect,
                  must_fail, may_fail)
