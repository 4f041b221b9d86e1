"""Whole certification runs against the embedded reference supplier, for every profile.

The clean supplier must be certified conformant by each profile; every defect switch must
make its profile's run not conformant, failing the requirement(s) that defect breaks and no
other MUST requirement (defect_tables.py), so the harness neither misses a deviation nor
cries wolf. The scope rules have runs of their own (test_scopes.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from defect_tables import (
    ALL_TABLES,
    AUTORISATIES,
    BESLUITEN,
    CATALOGI,
    CATALOGI_GROUPS,
    CATALOGI_NOTIFICATIONS,
    CONSUMER_TABLES,
    DOCUMENTEN,
    DOCUMENTEN_GROUPS,
    NOTIFICATIES,
    NOTIFICATIONS,
    NRC_ONTVANGEN,
    NRC_ONTVANGEN_SHOULD,
    VERWERKINGEN,
    VERWERKINGEN_GROUPS,
    WEB,
    WEB_GROUPS,
    WEB_REVIEW,
    ZAKEN,
    ZAKEN_GROUPS,
    Table,
)
from runs import (
    CORE_APIS,
    SEED,
    assert_clean,
    assert_defect,
    assert_should_defect,
    certify,
    certify_web,
    require_chromium,
)

from conformance.profiles import load_profile
from conformance.reference import APIS, consumer_defects, defects

#: every profile the reference supplier serves, each certified with all its APIs, and the
#: receiving side of notifications, certified on the reference consumer
PROFILES = ["zrc-1.5", "ztc-1.3", "drc-1.4", "brc-1.1", "ac-1.0", "nrc-1.0", "vwl-0.9",
            "nrc-ontvangen-1.0"]
#: the profiles certified on the reference consumer (its own defect switches)
CONSUMER_PROFILES = {"nrc-ontvangen-1.0"}
#: profiles whose runs make nothing the API cannot delete again (no published types)
FULLY_CLEANED = {"nrc-1.0", "vwl-0.9", "nrc-ontvangen-1.0"}
FULL_CLEANUP = re.compile(r"cleanup: (\d+) of \1 objects the run created were removed")


@dataclass(frozen=True)
class DefectRun:
    """One run of ``profile`` with ``defects`` switched on, on the APIs its rules need."""

    profile: str
    defects: tuple[str, ...]
    table: Table
    apis: tuple[str, ...] = APIS

    def __str__(self) -> str:
        return f"{self.profile}:{'+'.join(self.defects)}"


def _alone(profile: str, table: Table, apis: tuple[str, ...] = APIS) -> list[DefectRun]:
    return [DefectRun(profile, (d,), table, apis) for d in sorted(table)]


#: switches whose requirements need an API beyond the core three
EXTRA_APIS = {"archive-date-from-einddatum": ("besluiten",)}  # zrc-021-besluit


def _zaken_apis(group: tuple[str, ...]) -> tuple[str, ...]:
    return CORE_APIS + tuple(api for d in group for api in EXTRA_APIS.get(d, ()))


#: the Verwerkingenlogging profile needs nothing of the ZGW APIs
VWL_APIS = ("vwl-bewerking", "vwl-inzage")


# A defect run needs only the APIs its rules live in: without Autorisaties and Notificaties
# the scope and notification rules are not applicable, and the run is about half as long.
DEFECT_RUNS: list[DefectRun] = [
    *(DefectRun("zrc-1.5", group, ZAKEN, _zaken_apis(group)) for group in ZAKEN_GROUPS),
    # ztc-009..011 are tried by a client without the geforceerd scopes: Autorisaties needed
    # the last group also proves the notification switch on Catalogi's own kanalen, and the
    # Documenten group the kenmerken switch: neither reaches the others' rules, and sharing a
    # run (with the Notificaties API) saves one whole run each
    *(DefectRun("ztc-1.3", group, CATALOGI, (*CORE_APIS, "autorisaties"))
      for group in CATALOGI_GROUPS[:-1]),
    DefectRun("ztc-1.3", (*CATALOGI_GROUPS[-1], *CATALOGI_NOTIFICATIONS),
              {**CATALOGI, **CATALOGI_NOTIFICATIONS}),
    *(DefectRun("drc-1.4", (*group, "notifications-missing-kenmerken"),
                {**DOCUMENTEN, **NOTIFICATIONS}) for group in DOCUMENTEN_GROUPS),
    DefectRun("drc-1.4", ("notifications-not-sent",), NOTIFICATIONS),
    *_alone("brc-1.1", BESLUITEN),
    *_alone("ac-1.0", AUTORISATIES),
    *_alone("nrc-1.0", NOTIFICATIES),
    *(DefectRun("vwl-0.9", group, VERWERKINGEN, VWL_APIS) for group in VERWERKINGEN_GROUPS),
    # each alone: its switches change one answer of one small webhook, runs take seconds
    *_alone("nrc-ontvangen-1.0", NRC_ONTVANGEN),
]


def test_tables_name_every_switch():
    """Every defect switch is proven by a whole run (here, or the scope runs); only the
    notification switch (the source APIs' kanalen and Catalogi's own) and the two generic
    switches the Verwerkingenlogging profile sees through its own rules are in two tables."""
    tables = [set(t) for t in ALL_TABLES.values()]
    assert set().union(*tables) == set(defects())
    twice = {d for d in defects() if sum(d in t for t in tables) > 1}
    assert twice == {"notifications-not-sent", "no-api-version", "auth-bypass"}
    assert len(ZAKEN) >= 12


def test_defect_runs_cover_the_tables_once():
    ran = [(run.profile, d) for run in DEFECT_RUNS for d in run.defects]
    assert len(ran) == len(set(ran))  # no run twice
    assert {d for p, d in ran if p not in CONSUMER_PROFILES} == (
        set(defects()) - set(ALL_TABLES["scopes"]))
    assert {run.profile for run in DEFECT_RUNS} == set(PROFILES)
    assert {d for run in DEFECT_RUNS if run.profile == "vwl-0.9" for d in run.defects} == \
        set(VERWERKINGEN)
    assert {d for run in DEFECT_RUNS if run.profile == "ztc-1.3" for d in run.defects} == \
        set(CATALOGI) | set(CATALOGI_NOTIFICATIONS)
    assert {d for run in DEFECT_RUNS if run.profile == "zrc-1.5" for d in run.defects} == \
        set(ZAKEN)
    assert {d for run in DEFECT_RUNS if run.profile == "drc-1.4" for d in run.defects} == \
        set(DOCUMENTEN) | set(NOTIFICATIONS)


def test_consumer_tables_name_every_consumer_switch_once():
    tables = [set(t) for t in CONSUMER_TABLES.values()]
    assert set().union(*tables) == set(consumer_defects())
    assert sum(len(t) for t in tables) == len(consumer_defects())
    ran = {d for run in DEFECT_RUNS if run.profile in CONSUMER_PROFILES for d in run.defects}
    assert ran == set(NRC_ONTVANGEN)


def test_grouped_defects_break_disjoint_requirements():
    """Defects sharing a run must not touch the same requirement, or one could hide the
    other (a switch that stopped working would still show its requirement failing)."""
    for run in DEFECT_RUNS:
        touched = [run.table[d][0] | run.table[d][1] for d in run.defects]
        assert sum(len(t) for t in touched) == len(set().union(*touched)), str(run)


@pytest.mark.slow
# zrc-1.5's clean whole run is test_run_artefacts' signed run (a hand-started supplier's target)
@pytest.mark.parametrize("profile", [p for p in PROFILES if p != "zrc-1.5"])
def test_clean_reference_supplier_is_conformant(resolver, tmp_path, profile):
    result = certify(profile, resolver, tmp_path)
    assert_clean(result)
    assert result.run["seed"] == SEED and result.run["budget"] == "quick"
    if profile in FULLY_CLEANED:  # e.g. the harness's abonnementen, its webhook's included
        assert any(FULL_CLEANUP.fullmatch(note) for note in result.run["notes"]), \
            result.run["notes"]


@pytest.mark.slow
@pytest.mark.parametrize("run", DEFECT_RUNS, ids=str)
def test_each_defect_fails_exactly_its_requirements(resolver, tmp_path, run):
    must_fail = set().union(*(run.table[d][0] for d in run.defects))
    may_fail = set().union(*(run.table[d][1] for d in run.defects))
    result = certify(run.profile, resolver, tmp_path, *run.defects, apis=run.apis)
    assert_defect(result, str(run), must_fail, may_fail)
    if "ziot-informatieobjecttype-url" in run.defects:  # the preparation worked around it
        workaround = next(f for f in result.findings if f["kind"] == "workaround")
        assert workaround["text"]["nl"].startswith(
            "de leverancier weigerde zaakinformatieobjecttype.informatieobjecttype als "
            "omschrijving en aanvaardde het als url"), workaround
        assert workaround["text"]["en"] == workaround["message"]
    if run.profile == "zrc-1.5" and "besluiten" not in run.apis:
        # the profile requires a Besluiten API: without it the besluit derivations were not
        # exercised (undecided), never passed nor waved through as not applicable
        besluit = next(r for r in result.requirements if r.id == "zrc-021-besluit")
        assert besluit.outcome == "error", (besluit.outcome, besluit.message)
        assert "not exercised: the target leaves out API besluiten" in besluit.message
        assert any(m["part"] == "API besluiten" for m in result.missing_parts)


# -- the accessibility profile against the reference web application -------------------------
#: the one criterion with axe-core rules that a conformant page cannot exercise: its rules
#: (blink, marquee) match only elements that fail it when shown
UNEXERCISABLE = {"wcag-2.2.2"}


def _web_touched(defect: str) -> set[str]:
    return WEB[defect][0] if defect in WEB else WEB_REVIEW[defect]


def test_web_tables_name_every_switch():
    from conformance_fixtures.web_app import DEFECTS, REVIEW_DEFECTS

    assert set(WEB) == set(DEFECTS) and set(WEB_REVIEW) == set(REVIEW_DEFECTS)
    for name, (must, may) in WEB.items():  # the table says what the switch itself declares
        assert must == {f"wcag-{DEFECTS[name][0]}"} and may == set(), name
    for name, criteria in WEB_REVIEW.items():
        assert criteria == {f"wcag-{REVIEW_DEFECTS[name][0]}"}, name
    grouped = [d for group in WEB_GROUPS for d in group]
    assert sorted(grouped) == sorted([*WEB, *WEB_REVIEW])  # every switch runs, once
    for group in WEB_GROUPS:
        touched = [_web_touched(d) for d in group]
        assert sum(map(len, touched)) == len(set().union(*touched)), group


@pytest.mark.slow
def test_clean_reference_web_app_is_conformant_for_every_decidable_criterion(tmp_path, cli):
    """The README's command certifies the embedded web application: every criterion with an
    axe-core rule that a conformant page can exercise passes; the others are disclosed."""
    import json

    require_chromium()
    profile = load_profile("digitoegankelijk-wcag21aa")
    # a relative --out, as the README's default reports/... is: the browser child runs elsewhere
    run = cli("run", "--profile", "digitoegankelijk-wcag21aa", "--seed", str(SEED),
              "--out", "out", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    tmp_path = tmp_path / "out"
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "conformant"
    outcomes = {r["id"]: r for r in data["requirements"]}
    with_rules = {r.id for r in profile.requirements if r.checks}
    passed = {i for i, r in outcomes.items() if r["outcome"] == "passed"}
    assert passed == with_rules - UNEXERCISABLE, sorted(with_rules - passed)
    for rid in UNEXERCISABLE:  # disclosed as not exercised: never passed
        assert outcomes[rid]["outcome"] == "skipped"
        assert outcomes[rid]["not_tested_text"] == profile.web.not_exercised
    human = [r for r in data["requirements"] if not r["checks"]]
    assert len(human) == 31 and all(r["outcome"] == "skipped" and r["not_tested_text"]["nl"]
                                    .startswith("Menselijke toets nodig") for r in human)
    for rid in passed:  # each passed criterion: a rule that applied and passed, none failed
        checks = outcomes[rid]["checks"]
        assert any(c["outcome"] == "passed" and c["executed"] > 0 for c in checks), rid
        assert all(c["outcome"] in ("passed", "skipped") for c in checks), rid
    assert data["findings"] == []  # nothing left to review by hand on the clean app
    assert data["run"]["notes"][0].startswith("14 of 14 page views checked")
    assert data["run"]["requests"] > 14 and not (tmp_path / "screenshots").exists()
    page = (tmp_path / "certificate.html").read_text(encoding="utf-8")
    assert "Wat deze automatische test wel en niet laat zien" in page
    assert ('<tr data-count="passed"><td>Automatisch gehaald (geen fout gevonden)</td><td>18<'
            in page)


@pytest.mark.slow
@pytest.mark.parametrize("group", WEB_GROUPS, ids="+".join)
def test_each_web_defect_fails_exactly_its_criterion(tmp_path, group):
    """Each failing switch fails its criterion (evidence: the element, the page, an outlined
    screenshot) and nothing else; each review switch takes its criterion's pass away."""
    import hashlib

    profile = load_profile("digitoegankelijk-wcag21aa")
    must_fail = set().union(*(WEB[d][0] for d in group if d in WEB))
    reviewed = set().union(*(WEB_REVIEW[d] for d in group if d in WEB_REVIEW))
    result = certify_web(tmp_path, *group)
    assert_defect(result, "+".join(group), must_fail, set())
    outcomes = {r.id: r for r in result.requirements}
    for rid in must_fail:
        rules = {c.id.removeprefix("axe:") for c in outcomes[rid].checks if c.outcome == "failed"}
        shots = [e.element for e in outcomes[rid].evidence if "screenshot" in e.element]
        assert shots, f"{rid}: no evidence with a screenshot"
        for element in (e.element for e in outcomes[rid].evidence):
            assert element["rule"] in rules and element["html"].startswith("<"), element
            assert element["viewport"] in ("desktop 1280×800", "mobile 375×667")
        for element in shots:
            shot = (tmp_path / element["screenshot"]).read_bytes()
            assert shot[:3] == b"\xff\xd8\xff"  # a JPEG
            assert hashlib.sha256(shot).hexdigest() == element["screenshot_sha256"]
    for rid in reviewed:  # never failed, never passed: a human audit, with findings
        assert outcomes[rid].outcome == "skipped", (rid, outcomes[rid].message)
        assert outcomes[rid].not_tested_text == profile.web.needs_review
    flagged = {f["message"].split(":")[0] for f in result.findings}
    assert flagged == {rid.removeprefix("wcag-") for rid in reviewed}


@pytest.mark.slow
@pytest.mark.parametrize("defect", sorted(NRC_ONTVANGEN_SHOULD))
def test_each_should_defect_fails_only_its_should_rule(resolver, tmp_path, defect):
    """A consumer that breaks only what the NRCs in use need (not the standard's text) stays
    conformant; its SHOULD rule fails, with evidence, and nothing else does."""
    result = certify("nrc-ontvangen-1.0", resolver, tmp_path, defect)
    assert_should_defect(result, defect, NRC_ONTVANGEN_SHOULD[defect][0])
