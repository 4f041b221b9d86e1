"""The Autorisaties profile ac-1.0: its rule coverage.

Its whole runs, clean and with the Autorisaties defect (defect_tables.AUTORISATIES), are in
test_whole_runs.py.
"""

from __future__ import annotations

from conformance.profiles import load_profile

PROFILE = "ac-1.0"
RULES = ["ac-001", "ac-002", "ac-003"]


def test_profile_tests_every_autorisaties_rule():
    profile = load_profile(PROFILE)
    assert [s.api for s in profile.tested_standards()] == ["autorisaties"]
    assert profile.gemma["component"] == "Zaakregistratiecomponent"
    assert "Autorisaties API-standaard" in profile.gemma["aanbevolen"]
    reqs = {r.id: r for r in profile.requirements}
    for rule in RULES:
        assert reqs[rule].checks and not reqs[rule].not_tested, f"{rule} must be tested"
