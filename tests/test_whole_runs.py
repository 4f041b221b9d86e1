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
    CATALOGI_NOTIFICATIONS,
    DOCUMENTEN,
    NOTIFICATIES,
    NOTIFICATIONS,
    VERWERKINGEN,
    VERWERKINGEN_GROUPS,
    ZAKEN,
    ZAKEN_GROUPS,
    Table,
)
from runs import CORE_APIS, SEED, assert_clean, assert_defect, certify

from conformance.reference import APIS, defects

#: every profile the reference supplier serves, each certified with all its APIs
PROFILES = ["zrc-1.5", "ztc-1.3", "drc-1.4", "brc-1.1", "ac-1.0", "nrc-1.0", "vwl-0.9"]
#: profiles whose runs make nothing the API cannot delete again (no published types)
FULLY_CLEANED = {"nrc-1.0", "vwl-0.9"}
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
    *_alone("ztc-1.3", CATALOGI, CORE_APIS),
    *_alone("ztc-1.3", CATALOGI_NOTIFICATIONS),
    *_alone("drc-1.4", DOCUMENTEN, CORE_APIS),
    *_alone("drc-1.4", NOTIFICATIONS),
    *_alone("brc-1.1", BESLUITEN),
    *_alone("ac-1.0", AUTORISATIES),
    *_alone("nrc-1.0", NOTIFICATIES),
    *(DefectRun("vwl-0.9", group, VERWERKINGEN, VWL_APIS) for group in VERWERKINGEN_GROUPS),
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
    assert {d for _, d in ran} == set(defects()) - set(ALL_TABLES["scopes"])
    assert {run.profile for run in DEFECT_RUNS} == set(PROFILES)
    assert {d for run in DEFECT_RUNS if run.profile == "vwl-0.9" for d in run.defects} == \
        set(VERWERKINGEN)


def test_grouped_defects_break_disjoint_requirements():
    """Defects sharing a run must not touch the same requirement, or one could hide the
    other (a switch that stopped working would still show its requirement failing)."""
    for run in DEFECT_RUNS:
        touched = [run.table[d][0] | run.table[d][1] for d in run.defects]
        assert sum(len(t) for t in touched) == len(set().union(*touched)), str(run)


@pytest.mark.slow
@pytest.mark.parametrize("profile", PROFILES)
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
    if run.profile == "zrc-1.5" and "besluiten" not in run.apis:
        # without a Besluiten API the besluit derivations are disclosed, never passed
        besluit = next(r for r in result.requirements if r.id == "zrc-021-besluit")
        assert besluit.outcome == "skipped", (besluit.outcome, besluit.message)
        assert besluit.not_tested.startswith("not applicable: the target has no Besluiten API")
