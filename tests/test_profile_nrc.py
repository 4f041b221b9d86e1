"""The Notificaties profile nrc-1.0: its shape, and whole runs against the reference supplier.

The clean supplier (its Notificaties API delivering to the harness's loopback webhooks) must be
certified conformant; its NRC defect must make the run fail exactly the routing rule.
"""

from __future__ import annotations

import re

import pytest
from runs import assert_clean, assert_defect, certify

from conformance.profiles import SuiteCheck, load_profile
from conformance.reference import SPEC_PROFILES, defects

PROFILE = "nrc-1.0"
BEHAVIOUR = {"NRC-kanaal", "NRC-abonnement", "NRC-delivery", "NRC-routing-filters"}

# defect -> (requirements that must fail, requirements that may also fail as a direct
# consequence of the same defect). Anything else failing is a false alarm.
DEFECT_TABLE: dict[str, tuple[set[str], set[str]]] = {
    "nrc-filters-ignored": ({"NRC-routing-filters"}, set()),
}


def test_profile_tests_the_notificaties_api_and_its_behaviour():
    profile = load_profile(PROFILE)
    assert [s.api for s in profile.tested_standards()] == ["notificaties"]
    assert profile.standards["notificaties"].version == "1.0.0"
    assert profile.gemma["component"] == "Notificatierouteringcomponent"
    assert SPEC_PROFILES["notificaties"] == PROFILE  # the reference supplier serves this spec
    reqs = {r.id: r for r in profile.requirements}
    for rid in BEHAVIOUR:
        req = reqs[rid]
        assert req.level == "MUST" and req.class_ == "basis" and not req.not_tested, rid
        assert [c.module for c in req.checks if isinstance(c, SuiteCheck)] == \
            ["conformance.suites.nrc"], rid
    for rid in ("ZGW-pagination", "ZGW-etag", "NRC-delivery-retry"):
        assert reqs[rid].not_tested and not reqs[rid].checks, rid
    assert {r.id for r in profile.requirements if r.id.startswith("NRC-OAS-")} >= {
        "NRC-OAS-schema", "NRC-OAS-status", "NRC-OAS-negative", "NRC-OAS-positive"}


def test_defect_table_names_known_switches():
    assert set(DEFECT_TABLE) <= set(defects())


@pytest.mark.slow
def test_clean_reference_supplier_is_conformant(resolver, tmp_path):
    result = certify(PROFILE, resolver, tmp_path)
    assert_clean(result)
    # the harness's abonnementen (its webhook's and the generated ones) are all removed again
    assert any(re.fullmatch(r"cleanup: (\d+) of \1 objects the run created were removed", note)
               for note in result.run["notes"]), result.run["notes"]


@pytest.mark.slow
@pytest.mark.parametrize("defect", sorted(DEFECT_TABLE))
def test_each_defect_fails_exactly_its_requirements(resolver, tmp_path, defect):
    must_fail, may_fail = DEFECT_TABLE[defect]
    assert_defect(certify(PROFILE, resolver, tmp_path, defect), defect, must_fail, may_fail)
