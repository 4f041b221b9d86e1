"""The Documenten profile drc-1.4: its rule coverage.

Its whole runs, clean and with the Documenten and notification defects
(defect_tables.DOCUMENTEN, NOTIFICATIONS), are in test_whole_runs.py.
"""

from __future__ import annotations

from conformance.profiles import load_profile

PROFILE = "drc-1.4"
RULES = [f"drc-{n:03d}" for n in range(1, 10)]
# rules the profile must test (not merely list)
MUST_TEST = {"drc-001", "drc-005", "drc-006", "drc-007", "drc-008", "drc-009",
             "DRC-bestandsdelen"}


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
