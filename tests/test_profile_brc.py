"""The Besluiten profile brc-1.1: its rule coverage and the reference supplier's Besluiten API.

The supplier tests talk to the Besluiten API directly, so a broken rule shows up here without
the harness in between. The whole runs, clean and with the Besluiten defects
(defect_tables.BESLUITEN), are in test_whole_runs.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conformance_fixtures.reference_supplier import ReferenceServer
from defect_tables import BESLUITEN
from test_reference_supplier import (
    CLIENT_ID,
    SECRET,
    Client,
    World,
    build_world,
    conforms,
    problem,
    selectielijst_refs,
    spec_paths,  # noqa: F401  (fixture)
    zaaktype_body,
)

from conformance.profiles import load_profile
from conformance.zgw import make_rsin

PROFILE = "brc-1.1"
RULES = [f"brc-{n:03d}" for n in range(1, 10)]
UNTESTABLE = {"brc-004"}  # aardRelatie is not in the 1.1.0 contracts (see the profile)


def test_profile_covers_every_besluiten_rule():
    profile = load_profile(PROFILE)
    assert profile.id == PROFILE
    assert [s.api for s in profile.tested_standards()] == ["besluiten"]
    assert profile.gemma["component"] == "Zaakregistratiecomponent"
    assert "Besluiten API-standaard" in profile.gemma["verplicht"]
    reqs = {r.id: r for r in profile.requirements}
    for rule in RULES:
        assert rule in reqs, f"{rule} has no requirement"
        req = reqs[rule]
        if rule in UNTESTABLE:
            assert req.not_tested and not req.checks, rule
        else:
            assert req.checks and not req.not_tested, f"{rule} must be tested"
    oas = {r.id for r in profile.requirements if r.id.startswith("BRC-OAS-")}
    drc_oas = {r.id.replace("DRC-", "BRC-") for r in load_profile("drc-1.4").requirements
               if r.id.startswith("DRC-OAS-")}
    assert oas == drc_oas


# -- the reference supplier's Besluiten API, directly ----------------------------------------------
class Besluiten:
    """A world with a published besluittype that the world's zaaktype names."""

    def __init__(self, c: Client) -> None:
        self.c = c
        self.world: World = build_world(c, identificatie="ZT-1", domein="BRC")
        self.besluittype = self.publish(self.besluittype_of([self.world.iot]))
        self.zaaktype = self.published_zaaktype([self.besluittype])

    def besluittype_of(self, iots: list[str]) -> str:
        return self.c.create(self.c.url("catalogi", "/besluittypen"), {
            "catalogus": self.world.catalogus, "omschrijving": "Besluit", "beginGeldigheid":
            "2024-01-01", "publicatieIndicatie": False, "informatieobjecttypen": iots})["url"]

    def publish(self, url: str) -> str:
        resp = self.c.post(url + "/publish", {})
        assert resp.status_code == 200, resp.text
        return url

    def published_zaaktype(self, besluittypen: list[str]) -> str:
        """A second published zaaktype in the world's catalogus, naming ``besluittypen``."""
        c = self.c
        url = c.create(c.url("catalogi", "/zaaktypen"), {
            **zaaktype_body(self.world.catalogus, "ZT-BRC"), "besluittypen": besluittypen})["url"]
        # its zaken may be deelzaken of each other (the supplier checks zrc-013's deelzaaktypen)
        assert c.request("PATCH", url, json={"deelzaaktypen": [url]}).status_code == 200
        for n, name in ((1, "Start"), (2, "Eind")):
            c.create(c.url("catalogi", "/statustypen"),
                     {"zaaktype": url, "omschrijving": name, "volgnummer": n})
        c.create(c.url("catalogi", "/roltypen"),
                 {"zaaktype": url, "omschrijving": "B", "omschrijvingGeneriek": "behandelaar"})
        c.create(c.url("catalogi", "/resultaattypen"), {
            "zaaktype": url, "omschrijving": "R", "besluittypen": [], **selectielijst_refs(url),
            "archiefnominatie": "vernietigen", "archiefactietermijn": "P10Y"})
        return self.publish(url)

    def zaak(self) -> str:
        return self.c.create(self.c.url("zaken", "/zaken"), {
            "bronorganisatie": "002220647", "verantwoordelijkeOrganisatie": "002220647",
            "zaaktype": self.zaaktype, "startdatum": "2024-01-01"})["url"]

    def besluit_body(self, **overrides: Any) -> dict[str, Any]:
        return {"verantwoordelijkeOrganisatie": "002220647", "besluittype": self.besluittype,
                "datum": "2024-01-01", "ingangsdatum": "2024-01-01", **overrides}

    def besluit(self, **overrides: Any) -> dict[str, Any]:
        return self.c.create(self.c.url("besluiten", "/besluiten"), self.besluit_body(**overrides))


@pytest.fixture(scope="module")
def brc(spec_paths: dict[str, Path]) -> Iterator[Besluiten]:  # noqa: F811
    with ReferenceServer(spec_paths=spec_paths, client_id=CLIENT_ID, secret=SECRET) as srv:
        yield Besluiten(Client(srv))


def test_supplier_besluit_rules(brc: Besluiten, spec_paths: dict[str, Path]) -> None:  # noqa: F811
    c = brc.c
    path = c.url("besluiten", "/besluiten")
    resp = c.post(path, brc.besluit_body())
    assert resp.status_code == 201 and not conforms(spec_paths, "besluiten", "besluit_create",
                                                    resp)
    besluit = resp.json()
    assert besluit["identificatie"]  # brc-002: generated
    problem(c.post(path, brc.besluit_body(identificatie=besluit["identificatie"])), 400,
            "identificatie", "identificatie-niet-uniek")
    c.create(path, brc.besluit_body(identificatie=besluit["identificatie"],
                                    verantwoordelijkeOrganisatie=make_rsin(random.Random(1))))
    concept = brc.besluittype_of([brc.world.iot])
    problem(c.post(path, brc.besluit_body(besluittype=concept)), 400, "besluittype",
            "not-published")  # brc-001
    problem(c.post(path, brc.besluit_body(besluittype=brc.world.zaaktype)), 400, "besluittype",
            "invalid-resource")
    other = brc.publish(brc.besluittype_of([brc.world.iot]))
    problem(c.request("PATCH", besluit["url"], json={"besluittype": other}), 400, "besluittype",
            "wijzigen-niet-toegelaten")
    problem(c.request("PATCH", besluit["url"], json={"identificatie": "X"}), 400,
            "identificatie", "wijzigen-niet-toegelaten")
    listed = c.get(path, params={"identificatie": besluit["identificatie"]})
    assert listed.status_code == 200 and listed.json()["count"] == 2
    assert not conforms(spec_paths, "besluiten", "besluit_list", listed)
    assert c.get(path, params={"expand": "besluittype"}).status_code == 200  # a $ref parameter


def test_supplier_besluit_on_zaak(brc: Besluiten) -> None:
    c = brc.c
    zaak = brc.zaak()
    besluit = brc.besluit(zaak=zaak)
    mirrored = c.get(zaak + "/besluiten").json()
    assert [m["besluit"] for m in mirrored] == [besluit["url"]]  # brc-006
    problem(c.request("PATCH", besluit["url"], json={"zaak": brc.zaak()}), 400, "zaak",
            "wijzigen-niet-toegelaten")
    foreign = brc.publish(brc.besluittype_of([brc.world.iot]))
    problem(c.post(c.url("besluiten", "/besluiten"), brc.besluit_body(
        besluittype=foreign, zaak=zaak)), 400, "nonFieldErrors", "zaaktype-mismatch")  # brc-007
    deelzaak = c.create(c.url("zaken", "/zaken"), {
        "bronorganisatie": "002220647", "verantwoordelijkeOrganisatie": "002220647",
        "zaaktype": brc.zaaktype, "startdatum": "2024-01-01", "hoofdzaak": brc.zaak()})
    on_deelzaak = brc.besluit(zaak=deelzaak["url"])
    # a zaak whose besluiten (or whose deelzaken's besluiten) remain is not deleted: they
    # would point at nothing (409, as Zaken 1.5.1 declares; Open Zaak refuses it too)
    for doomed, blocking in ((zaak, besluit), (deelzaak["hoofdzaak"], on_deelzaak)):
        refused = problem(c.request("DELETE", doomed), 409)
        assert refused["code"] == "pending-besluit-relation"
        assert c.get(doomed).status_code == 200
        assert c.request("DELETE", blocking["url"]).status_code == 204  # brc-009
        assert c.get(blocking["zaak"] + "/besluiten").json() == []  # the mirror goes too
        assert c.request("DELETE", doomed).status_code == 204
    assert c.get(zaak).status_code == 404 and c.get(deelzaak["url"]).status_code == 404


def test_supplier_besluitinformatieobjecten(brc: Besluiten,
                                            spec_paths: dict[str, Path]) -> None:  # noqa: F811
    c = brc.c
    besluit = brc.besluit()
    bios = c.url("besluiten", "/besluitinformatieobjecten")
    problem(c.post(bios, {"besluit": besluit["url"], "informatieobject": besluit["url"]}), 400,
            "informatieobject", "invalid-resource")  # brc-003
    resp = c.post(bios, {"besluit": besluit["url"], "informatieobject": brc.world.document})
    assert resp.status_code == 201, resp.text
    assert not conforms(spec_paths, "besluiten", "besluitinformatieobject_create", resp)
    relation = resp.json()
    oio = c.get(c.url("documenten", "/objectinformatieobjecten"),
                params={"object": besluit["url"]}).json()
    assert [(o["informatieobject"], o["objectType"]) for o in oio] == [
        (brc.world.document, "besluit")]  # brc-005
    problem(c.request("DELETE", brc.world.document), 400)  # drc-008: still related
    trail = c.get(besluit["url"] + "/audittrail").json()
    assert [e["resourceUrl"] for e in trail] == [besluit["url"], relation["url"]]
    entry = c.get(f"{besluit['url']}/audittrail/{trail[0]['uuid']}")
    assert entry.status_code == 200 and entry.json()["actie"] == "create"
    other_iot = c.create(c.url("catalogi", "/informatieobjecttypen"), {
        "catalogus": brc.world.catalogus, "omschrijving": "Ander", "beginGeldigheid":
        "2024-01-01", "vertrouwelijkheidaanduiding": "openbaar",
        "informatieobjectcategorie": "x"}, status=200)["url"]
    brc.publish(other_iot)
    document = c.get(brc.world.document).json()
    foreign_doc = c.create(c.url("documenten", "/enkelvoudiginformatieobjecten"), {
        **{k: document[k] for k in ("bronorganisatie", "creatiedatum", "titel", "auteur",
                                    "taal")}, "informatieobjecttype": other_iot})["url"]
    problem(c.post(bios, {"besluit": besluit["url"], "informatieobject": foreign_doc}), 400,
            "nonFieldErrors", "missing-besluittype-informatieobjecttype-relation")  # brc-008
    assert c.request("DELETE", besluit["url"]).status_code == 204  # brc-009: a hard delete
    assert c.get(relation["url"]).status_code == 404
    assert c.get(besluit["url"] + "/audittrail").status_code == 404
    assert c.get(c.url("documenten", "/objectinformatieobjecten"),
                 params={"object": besluit["url"]}).json() == []


@pytest.mark.parametrize("defect", sorted(BESLUITEN))
def test_supplier_defect(spec_paths: dict[str, Path], defect: str) -> None:  # noqa: F811
    with ReferenceServer(spec_paths=spec_paths, client_id=CLIENT_ID, secret=SECRET,
                         defects=frozenset({defect})) as srv:
        brc = Besluiten(Client(srv))
        zaak = brc.zaak()
        foreign = brc.publish(brc.besluittype_of([brc.world.iot]))
        wrong = brc.c.post(brc.c.url("besluiten", "/besluiten"),
                           brc.besluit_body(besluittype=foreign, zaak=zaak))
        besluit = brc.besluit(zaak=zaak)
        mirrored = [m["besluit"] for m in brc.c.get(zaak + "/besluiten").json()]
        if defect == "besluittype-not-in-zaaktype":
            assert wrong.status_code == 201 and wrong.json()["url"] in mirrored
        else:
            assert wrong.status_code == 400 and besluit["url"] not in mirrored and not mirrored

