"""The Documenten profile drc-1.4: its rule coverage, and whole runs against the reference supplier.

The clean supplier must be certified conformant; each Documenten defect switch must make the
run not conformant, failing exactly the requirement(s) that defect breaks (the table below).
"""

from __future__ import annotations

import pytest
from runs import CORE_APIS, assert_clean, assert_defect, certify

from conformance.profiles import load_profile
from conformance.reference import defects

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
    result = certify(PROFILE, resolver, tmp_path)
    assert_clean(result)


@pytest.mark.slow
@pytest.mark.parametrize("defect", sorted(DEFECT_TABLE))
def test_each_defect_fails_exactly_its_requirements(resolver, tmp_path, defect):
    must_fail, may_fail = DEFECT_TABLE[defect]
    assert_defect(certify(PROFILE, resolver, tmp_path, defect, apis=CORE_APIS), defect,
                  must_fail, may_fail)
