"""Profile ztc-1.3 (Zaaktypecataloguscomponent, Catalogi API 1.3.1).

The profile names every official Catalogi rule (tested, or not_tested with a reason). Its
whole runs, clean and with the Catalogi defects (defect_tables.CATALOGI), are in
test_whole_runs.py.
"""

from __future__ import annotations

from conformance.profiles import load_profile

PROFILE = "ztc-1.3"
RULES = [f"ztc-{n:03d}" for n in range(1, 17)]


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
