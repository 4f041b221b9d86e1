"""The Notificaties profile nrc-1.0: its shape.

Its whole runs (the clean supplier, its Notificaties API delivering to the harness's loopback
webhooks, and the routing defect of defect_tables.NOTIFICATIES) are in test_whole_runs.py.
"""

from __future__ import annotations

from conformance.profiles import SuiteCheck, load_profile
from conformance.reference import SPEC_PROFILES

PROFILE = "nrc-1.0"
BEHAVIOUR = {"NRC-kanaal", "NRC-abonnement", "NRC-delivery", "NRC-routing-filters"}


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
