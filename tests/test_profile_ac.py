"""The Autorisaties profile ac-1.0: its rule coverage, and whole runs against the reference
supplier.

The clean supplier must be certified conformant; each Autorisaties defect switch must make the
run not conformant, failing exactly the requirement(s) that defect breaks (the table below).
"""

from __future__ import annotations

import pytest
from runs import assert_clean, assert_defect, certify

from conformance.profiles import load_profile
from conformance.reference import defects

PROFILE = "ac-1.0"
RULES = ["ac-001", "ac-002", "ac-003"]

# defect -> (requirements that must fail, requirements that may also fail as a direct
# consequence of the same defect). Anything else failing is a false alarm.
DEFECT_TABLE: dict[str, tuple[set[str], set[str]]] = {
    "client-id-reuse-accepted": ({"ac-001"}, set()),
}


def test_profile_tests_every_autorisaties_rule():
    profile = load_profile(PROFILE)
    assert [s.api for s in profile.tested_standards()] == ["autorisaties"]
    assert profile.gemma["component"] == "Zaakregistratiecomponent"
    assert "Autorisaties API-standaard" in profile.gemma["aanbevolen"]
    reqs = {r.id: r for r in profile.requirements}
    for rule in RULES:
        assert reqs[rule].checks and not reqs[rule].not_tested, f"{rule} must be tested"


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
    assert_defect(certify(PROFILE, resolver, tmp_path, defect), defect, must_fail, may_fail)
