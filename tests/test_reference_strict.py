"""The reference supplier is as strict as the market's real implementation (Open Zaak 1.30).

Its own Selectielijst and Referentielijsten, the references into them that a catalogue and a
zaak must get right, the deelzaaktypen a hoofdzaak's zaaktype allows, URL list filters that
must name an existing object, zaakobjecttypen and verzendingen, and the defect switches that
play Open Zaak's variants. Tested as a client sees it, on a real server on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from conformance_fixtures.reference_supplier import ReferenceServer
from test_reference_supplier import (  # noqa: F401  (c, server, spec_paths, world: fixtures)
    CLIENT_ID,
    RSIN,
    SECRET,
    Client,
    World,
    build_world,
    c,
    catalogus_body,
    conforms,
    document_body,
    problem,
    selectielijst_refs,
    server,
    spec_paths,
    world,
    zaak_body,
    zaaktype_body,
)

from conformance.auth import TokenSource
from conformance.client import ApiClient, Limits
from conformance.external_lists import AFLEIDINGSWIJZEN, discover
from conformance.reference import embedded_target

PROCESTERMIJNEN = {"", "nihil", "ingeschatte_bestaansduur_procesobject", "vast_te_leggen_datum"}
FOREIGN_RESULTAAT = ("https://selectielijst.openzaak.nl/api/v1/resultaten/"
                     "cc5ae4e3-a9e6-4386-bcee-46be4986a829")
#: the query parameters whose URL must name an object of the supplier (the issue's list)
OBJECT_FILTERS = {"zaak", "zaaktype", "statustype", "resultaattype", "roltype", "eigenschap",
                  "informatieobject", "informatieobjecttype", "besluit", "besluittype",
                  "catalogus"}


def lists_root(client: Client, service: str) -> str:
    return client.server.api_url(service)


def anonymous(url: str, **kw: Any) -> httpx.Response:
    return httpx.get(url, timeout=10, **kw)


@pytest.fixture(scope="module")
def sl(c: Client) -> dict[str, Any]:  # noqa: F811
    """The supplier's Selectielijst as a client reads it: procestypen, their resultaten."""
    root = lists_root(c, "selectielijst")
    procestypen = anonymous(root + "/procestypen").json()
    resultaten = {p["url"]: anonymous(root + "/resultaten", params={"procesType": p["url"]}
                                      ).json()["results"] for p in procestypen}
    return {"procestypen": procestypen, "resultaten": resultaten,
            "omschrijving": anonymous(root + "/resultaattypeomschrijvingen").json()[0]["url"]}


def resultaat(sl: dict[str, Any], procestype: int, procestermijn: str) -> str:
    url = sl["procestypen"][procestype]["url"]
    return next(r["url"] for r in sl["resultaten"][url] if r["procestermijn"] == procestermijn)


# -- the embedded Selectielijst and Referentielijsten ---------------------------------------------
def test_selectielijst_serves_procestypen_resultaten_and_omschrijvingen(c: Client) -> None:  # noqa: F811
    root = lists_root(c, "selectielijst")
    procestypen = anonymous(root + "/procestypen")  # anonymous, as the public service
    assert procestypen.status_code == 200 and procestypen.headers["content-type"] == \
        "application/json"
    assert isinstance(procestypen.json(), list) and len(procestypen.json()) == 2
    years = {p["jaar"] for p in procestypen.json()}
    assert len(years) == 2
    year = min(years)
    assert [p["jaar"] for p in anonymous(root + "/procestypen", params={"jaar": year}).json()
            ] == [year]
    problem(anonymous(root + "/procestypen", params={"jaar": "twintig"}), 400, "jaar")
    page = anonymous(root + "/resultaten").json()
    assert set(page) == {"count", "next", "previous", "results"} and page["count"] == 8
    assert page["next"] is None and page["previous"] is None
    for procestype in procestypen.json():
        assert {"url", "nummer", "jaar", "naam", "omschrijving"} <= procestype.keys()
        mine = anonymous(root + "/resultaten", params={"procesType": procestype["url"]}).json()
        assert mine["count"] == 4
        assert {r["procestermijn"] for r in mine["results"]} == PROCESTERMIJNEN
        for item in mine["results"]:
            assert set(item) == {"url", "procesType", "nummer", "volledigNummer", "naam",
                                 "omschrijving", "procestermijn", "procestermijnWeergave",
                                 "bewaartermijn", "waardering"}
            assert item["procesType"] == procestype["url"]
            assert item["waardering"] in ("vernietigen", "blijvend_bewaren")
            assert anonymous(item["url"]).json() == item
    problem(anonymous(root + "/resultaten", params={"procesType": FOREIGN_RESULTAAT}), 400,
            "procesType")
    omschrijvingen = anonymous(root + "/resultaattypeomschrijvingen").json()
    assert len(omschrijvingen) == 3
    assert all({"url", "omschrijving", "definitie", "opmerking"} <= o.keys()
               for o in omschrijvingen)


def test_referentielijsten_serve_communicatiekanalen(c: Client) -> None:  # noqa: F811
    root = lists_root(c, "referentielijsten")
    page = anonymous(root + "/communicatiekanalen").json()
    assert page["count"] == 3 and page["next"] is None
    for kanaal in page["results"]:
        assert set(kanaal) == {"url", "naam", "omschrijving"}
        assert anonymous(kanaal["url"]).json() == kanaal
        head = httpx.head(kanaal["url"])
        assert head.status_code == 200 and head.content == b""
    problem(anonymous(root + "/communicatiekanalen", params={"page": "2"}), 404)
    problem(anonymous(root + "/communicatiekanalen", params={"naam": "Balie"}), 400, "naam",
            "unknown-parameters")
    problem(anonymous(root + "/communicatiekanalen/" + "0" * 8 + "-0000-0000-0000-" + "0" * 12),
            404)
    problem(anonymous(root + "/kanalen"), 404)
    assert httpx.post(root + "/communicatiekanalen", json={}).status_code == 405


def test_the_harness_reads_the_lists_of_the_embedded_target(resolver) -> None:
    """The embedded target names both lists; the harness's discovery takes its values there."""
    with embedded_target(resolver, apis=("catalogi",)) as target:
        assert {"catalogi", "selectielijst", "referentielijsten"} == set(target.apis)
        limits = Limits(origins=target.origins(), timeout_s=10)
        clients = {name: ApiClient(target.apis[name], limits, TokenSource(target.auth))
                   for name in ("selectielijst", "referentielijsten")}
        lists = discover({}, clients)
        for client in clients.values():
            client.close()
    root = target.apis["selectielijst"]
    assert "apis.selectielijst" in lists.source
    assert lists.procestype and lists.procestype.startswith(root + "/procestypen/")
    assert lists.resultaattypeomschrijving.startswith(root + "/resultaattypeomschrijvingen/")
    assert {r.procestermijn for r in lists.resultaten} == PROCESTERMIJNEN
    assert all(lists.resultaat_for(how).allows(how) for how in AFLEIDINGSWIJZEN)
    assert (lists.communicatiekanaal or "").startswith(
        target.apis["referentielijsten"] + "/communicatiekanalen/")


# -- Catalogi: the Selectielijst references ----------------------------------------------------
def _zaaktype(c: Client, world: World, identificatie: str, **extra: Any) -> str:  # noqa: F811
    return c.create(c.url("catalogi", "/zaaktypen"),
                    {**zaaktype_body(world.catalogus, identificatie), **extra})["url"]


def _resultaattype(c: Client, zaaktype: str, **extra: Any) -> httpx.Response:  # noqa: F811
    return c.post(c.url("catalogi", "/resultaattypen"), {
        "zaaktype": zaaktype, "omschrijving": "Resultaat", "besluittypen": [],
        "archiefnominatie": "vernietigen", "archiefactietermijn": "P10Y",
        **selectielijst_refs(zaaktype), **extra})


def test_selectielijst_references_must_be_the_suppliers_own(
        c: Client, world: World, sl: dict[str, Any]) -> None:  # noqa: F811
    foreign_procestype = "https://selectielijst.openzaak.nl/api/v1/procestypen/" + "1" * 8 + \
        "-1111-1111-1111-" + "1" * 12
    problem(c.post(c.url("catalogi", "/zaaktypen"), {
        **zaaktype_body(world.catalogus, "ZT-SL"), "selectielijstProcestype": foreign_procestype}),
        400, "selectielijstProcestype", "bad-url")
    # a resultaat is not a procestype, even of the supplier's own list
    problem(c.post(c.url("catalogi", "/zaaktypen"), {
        **zaaktype_body(world.catalogus, "ZT-SL"),
        "selectielijstProcestype": resultaat(sl, 0, "")}), 400, "selectielijstProcestype",
        "bad-url")
    zaaktype = _zaaktype(c, world, "ZT-SL")
    problem(_resultaattype(c, zaaktype, selectielijstklasse=FOREIGN_RESULTAAT), 400,
            "selectielijstklasse", "bad-url")
    problem(_resultaattype(c, zaaktype, selectielijstklasse=sl["procestypen"][0]["url"]), 400,
            "selectielijstklasse", "bad-url")
    problem(_resultaattype(c, zaaktype, resultaattypeomschrijving=FOREIGN_RESULTAAT), 400,
            "resultaattypeomschrijving", "bad-url")
    made = _resultaattype(c, zaaktype)
    assert made.status_code == 201, made.text
    # any loopback alias of the supplier's own address names the same list item
    alias = resultaat(sl, 0, "").replace("127.0.0.1", "localhost")
    assert _resultaattype(c, zaaktype, selectielijstklasse=alias,
                          omschrijving="Alias").status_code == 201


def test_selectielijstklasse_must_be_of_the_zaaktypes_procestype(
        c: Client, world: World, sl: dict[str, Any]) -> None:  # noqa: F811
    zaaktype = _zaaktype(c, world, "ZT-PT")  # procestype 0 (zaaktype_body)
    problem(_resultaattype(c, zaaktype, selectielijstklasse=resultaat(sl, 1, "")), 400,
            "selectielijstklasse", "procestype-mismatch")
    body = zaaktype_body(world.catalogus, "ZT-NO-PT")
    del body["selectielijstProcestype"]
    without = c.create(c.url("catalogi", "/zaaktypen"), body)["url"]
    problem(_resultaattype(c, without), 400, "selectielijstklasse", "procestype-mismatch")
    other = _zaaktype(c, world, "ZT-PT-2",
                      selectielijstProcestype=sl["procestypen"][1]["url"])
    assert _resultaattype(c, other, selectielijstklasse=resultaat(sl, 1, "")).status_code == 201


BRONDATUM = {  # consistent per afleidingswijze (ztc-004..008)
    "afgehandeld": {},
    "termijn": {"procestermijn": "P5Y"},
    "eigenschap": {"datumkenmerk": "vervaldatum"},
    "hoofdzaak": {},
}
#: procestermijn -> afleidingswijzen it allows, of those in BRONDATUM
ALLOWED = {
    "": {"afgehandeld", "termijn", "eigenschap", "hoofdzaak"},
    "nihil": {"afgehandeld"},
    "ingeschatte_bestaansduur_procesobject": {"termijn"},
    "vast_te_leggen_datum": {"termijn", "eigenschap", "hoofdzaak"},
}


@pytest.mark.parametrize("procestermijn", sorted(ALLOWED))
def test_afleidingswijze_must_fit_the_procestermijn(
        c: Client, world: World, sl: dict[str, Any], procestermijn: str) -> None:  # noqa: F811
    zaaktype = _zaaktype(c, world, f"ZT-AW-{procestermijn[:10] or 'leeg'}")
    klasse = resultaat(sl, 0, procestermijn)
    for how, extra in BRONDATUM.items():
        resp = _resultaattype(c, zaaktype, omschrijving=f"Resultaat {how}",
                              selectielijstklasse=klasse,
                              brondatumArchiefprocedure={"afleidingswijze": how, **extra})
        if how in ALLOWED[procestermijn]:
            assert resp.status_code == 201, (how, resp.text)
        else:
            problem(resp, 400, "brondatumArchiefprocedure.afleidingswijze",
                    "invalid-afleidingswijze-for-procestermijn")


def test_brondatum_archiefprocedure_is_required_unless_blijvend_bewaren(
        c: Client, world: World) -> None:  # noqa: F811
    zaaktype = _zaaktype(c, world, "ZT-BRON")
    problem(_resultaattype(c, zaaktype, brondatumArchiefprocedure=None), 400,
            "brondatumArchiefprocedure", "required")
    body = {**selectielijst_refs(zaaktype), "zaaktype": zaaktype, "omschrijving": "Zonder",
            "besluittypen": []}
    del body["brondatumArchiefprocedure"]
    problem(c.post(c.url("catalogi", "/resultaattypen"), body), 400,
            "brondatumArchiefprocedure", "required")
    kept = c.post(c.url("catalogi", "/resultaattypen"),
                  {**body, "archiefnominatie": "blijvend_bewaren"})
    assert kept.status_code == 201, kept.text
    made = _resultaattype(c, zaaktype, omschrijving="Met")
    assert made.status_code == 201, made.text
    url = made.json()["url"]
    full = {k: v for k, v in made.json().items() if k != "brondatumArchiefprocedure"}
    problem(c.request("PUT", url, json=full), 400, "brondatumArchiefprocedure", "required")
    patched = c.request("PATCH", url, json={"toelichting": "alleen dit"})
    assert patched.status_code == 200, patched.text


# -- Catalogi: deelzaaktypen; Zaken: the hoofdzaak's zaaktype must allow the deelzaak ------------
def _published(c: Client, world: World, identificatie: str, **extra: Any) -> str:  # noqa: F811
    """A published zaaktype in the world's catalogus (what publishing needs, no more)."""
    url = _zaaktype(c, world, identificatie, **extra)
    for number, name in ((1, "Start"), (2, "Eind")):
        c.create(c.url("catalogi", "/statustypen"),
                 {"zaaktype": url, "omschrijving": name, "volgnummer": number})
    c.create(c.url("catalogi", "/roltypen"),
             {"zaaktype": url, "omschrijving": "B", "omschrijvingGeneriek": "behandelaar"})
    assert _resultaattype(c, url).status_code == 201
    assert c.post(url + "/publish").status_code == 200
    return url


def test_a_hoofdzaak_closes_last_and_settles_its_deelzaaks_archive_date(
        c: Client, world: World, sl: dict[str, Any]) -> None:  # noqa: F811
    """As the VNG reference and Open Zaak: no eindstatus on a hoofdzaak with an open
    deelzaak (deelzaken-not-closed); a deelzaak whose archive term starts at the hoofdzaak's
    einddatum gets its archiefactiedatum when the hoofdzaak closes (zrc-021), and loses it
    when the hoofdzaak is reopened."""
    zaaktype = _zaaktype(c, world, "ZT-HZ")
    assert c.request("PATCH", zaaktype, json={"deelzaaktypen": [zaaktype]}).status_code == 200
    start, end = (c.create(c.url("catalogi", "/statustypen"), {
        "zaaktype": zaaktype, "omschrijving": name, "volgnummer": n})["url"]
        for n, name in ((1, "Start"), (2, "Eind")))
    c.create(c.url("catalogi", "/roltypen"),
             {"zaaktype": zaaktype, "omschrijving": "B", "omschrijvingGeneriek": "behandelaar"})
    plain = _resultaattype(c, zaaktype).json()["url"]
    via_hoofdzaak = _resultaattype(
        c, zaaktype, omschrijving="Via hoofdzaak", selectielijstklasse=resultaat(sl, 0, ""),
        brondatumArchiefprocedure={"afleidingswijze": "hoofdzaak"}).json()["url"]
    assert c.post(zaaktype + "/publish").status_code == 200
    zaken = c.url("zaken", "/zaken")
    hoofd = c.create(zaken, {**zaak_body(world), "zaaktype": zaaktype})["url"]
    deel = c.create(zaken, {**zaak_body(world), "zaaktype": zaaktype, "hoofdzaak": hoofd})["url"]

    def close(zaak: str, resultaattype: str, day: str) -> httpx.Response:
        c.create(c.url("zaken", "/resultaten"), {"zaak": zaak, "resultaattype": resultaattype})
        return c.post(c.url("zaken", "/statussen"), {
            "zaak": zaak, "statustype": end, "datumStatusGezet": f"{day}T10:00:00Z"})

    problem(close(hoofd, plain, "2024-03-05"), 400, "nonFieldErrors", "deelzaken-not-closed")
    assert close(deel, via_hoofdzaak, "2024-03-04").status_code == 201
    assert c.get(deel).json()["archiefactiedatum"] is None  # the hoofdzaak is still open
    assert c.post(c.url("zaken", "/statussen"), {
        "zaak": hoofd, "statustype": end, "datumStatusGezet": "2024-03-05T10:00:00Z",
    }).status_code == 201
    assert c.get(deel).json()["archiefactiedatum"] == "2034-03-05"  # hoofdzaak's + P10Y
    assert c.post(c.url("zaken", "/statussen"), {
        "zaak": hoofd, "statustype": start, "datumStatusGezet": "2024-03-06T10:00:00Z",
    }).status_code == 201
    assert c.get(deel).json()["archiefactiedatum"] is None


def test_an_eigenschaps_lengte_follows_its_formaat_and_its_naam_is_unique(
        c: Client, world: World) -> None:  # noqa: F811
    """As Open Zaak (the ImZTC's rule): tekst 0-255, getal 'n,m', datum 8, datum_tijd 14; one
    eigenschap of a naam per zaaktype."""
    zaaktype = _zaaktype(c, world, "ZT-EIG")
    url = c.url("catalogi", "/eigenschappen")

    def body(naam: str, formaat: str, lengte: str) -> dict[str, Any]:
        return {"zaaktype": zaaktype, "naam": naam, "definitie": "Conformance",
                "specificatie": {"formaat": formaat, "lengte": lengte, "kardinaliteit": "1",
                                 "waardenverzameling": []}}

    for formaat, good, bad in (("tekst", "255", "256"), ("getal", "5,2", "vijf"),
                               ("datum", "8", "10"), ("datum_tijd", "14", "8")):
        problem(c.post(url, body(f"{formaat}-fout", formaat, bad)), 400,
                "specificatie.lengte", "invalid")
        assert c.post(url, body(formaat, formaat, good)).status_code == 201, formaat
    problem(c.post(url, body("tekst", "tekst", "20")), 400, "naam", "unique")
    # kardinaliteit a whole number above 0 or N; groep letters, digits, _ and spaces
    for naam, specificatie, field in (("k0", {"kardinaliteit": "0"}, "kardinaliteit"),
                                      ("kx", {"kardinaliteit": "F86"}, "kardinaliteit"),
                                      ("gx", {"groep": "a-b"}, "groep")):
        made = body(naam, "tekst", "20")
        made["specificatie"].update(specificatie)
        problem(c.post(url, made), 400, f"specificatie.{field}", "invalid")
    fine = body("kn", "tekst", "20")
    fine["specificatie"].update({"kardinaliteit": "N", "groep": "Groep_1 a"})
    assert c.post(url, fine).status_code == 201


def test_a_referentieproces_link_is_a_web_address(c: Client, world: World) -> None:  # noqa: F811
    """format uri takes "a:b"; a supplier's URL field (Open Zaak) wants a web address."""
    for link, status in (("a:b", 400), ("http://0", 400),
                         ("https://processen.example.nl/p1", 201)):
        resp = c.post(c.url("catalogi", "/zaaktypen"), {
            **zaaktype_body(world.catalogus, f"ZT-LINK-{status}"),
            "referentieproces": {"naam": "Proces", "link": link}})
        if status == 400:
            problem(resp, 400, "referentieproces.link", "invalid")
        else:
            assert resp.status_code == 201, resp.text


def test_catalogi_filters_typed_as_text_take_a_url(
        c: Client, world: World) -> None:  # noqa: F811
    """Typed as plain strings in Catalogi 1.3.1; their values are an informatieobjecttype's
    or a zaaktype's URL."""
    url = c.url("catalogi", "/besluittypen")
    iot = c.get(c.url("catalogi", "/informatieobjecttypen"), params={"status": "alles"}
                ).json()["results"][0]["url"]
    for name, good in (("informatieobjecttypen", iot), ("zaaktypen", world.zaaktype)):
        problem(c.get(url, params={name: "brief"}), 400, name, "invalid")
        assert c.get(url, params={name: good}).status_code == 200, name
    problem(c.get(c.url("catalogi", "/resultaattypen"), params={"zaaktype": "brief"}), 400,
            "zaaktype", "invalid")


def test_deelzaaktypen_are_zaaktypen_of_the_same_catalogus(c: Client, world: World) -> None:  # noqa: F811
    problem(c.post(c.url("catalogi", "/zaaktypen"), {
        **zaaktype_body(world.catalogus, "ZT-DZ"),
        "deelzaaktypen": [c.url("catalogi", "/zaaktypen/" + "0" * 8 + "-0000-0000-0000-"
                                + "0" * 12)]}), 400, "deelzaaktypen.0", "does-not-exist")
    other = build_world(c, identificatie="ZT-ELDERS", domein="ELDER")
    problem(c.post(c.url("catalogi", "/zaaktypen"), {
        **zaaktype_body(world.catalogus, "ZT-DZ"), "deelzaaktypen": [other.zaaktype]}), 400,
        "deelzaaktypen.0", "relations-incorrect-catalogus")
    made = c.create(c.url("catalogi", "/zaaktypen"), {
        **zaaktype_body(world.catalogus, "ZT-DZ"), "deelzaaktypen": [world.zaaktype]})
    assert made["deelzaaktypen"] == [world.zaaktype]
    related = {"zaaktype": "https://elders.example/catalogi/api/v1/zaaktypen/1",
               "aardRelatie": "vervolg", "toelichting": ""}
    patched = c.request("PATCH", made["url"], json={"gerelateerdeZaaktypen": [related]})
    assert patched.json()["gerelateerdeZaaktypen"] == [related]  # another catalogue's is fine


def test_deelzaak_needs_a_zaaktype_its_hoofdzaak_allows(c: Client, world: World) -> None:  # noqa: F811
    deel_type = _published(c, world, "ZT-DEEL")
    hoofd_type = _published(c, world, "ZT-HOOFD", deelzaaktypen=[deel_type])
    hoofd = c.create(c.url("zaken", "/zaken"), {**zaak_body(world), "zaaktype": hoofd_type})
    deel = c.create(c.url("zaken", "/zaken"),
                    {**zaak_body(world), "zaaktype": deel_type, "hoofdzaak": hoofd["url"]})
    assert deel["hoofdzaak"] == hoofd["url"]
    # the other way round: the deelzaak type names no deelzaaktypen
    other = c.create(c.url("zaken", "/zaken"), {**zaak_body(world), "zaaktype": deel_type})
    problem(c.post(c.url("zaken", "/zaken"),
                   {**zaak_body(world), "zaaktype": hoofd_type, "hoofdzaak": other["url"]}),
            400, "hoofdzaak", "invalid-deelzaaktype")
    loose = c.create(c.url("zaken", "/zaken"), {**zaak_body(world), "zaaktype": hoofd_type})
    problem(c.request("PATCH", loose["url"], json={"hoofdzaak": other["url"]}), 400,
            "hoofdzaak", "invalid-deelzaaktype")


def test_an_overige_definition_and_its_object_must_be_fetchable(
        c: Client, world: World, sl: dict[str, Any]) -> None:  # noqa: F811
    """Open Zaak fetches a zaakobject's objectTypeOverigeDefinitie.url and its object, to check
    the one against the other: a URL it cannot fetch is bad-url, no object is required."""
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))
    fetchable = sl["procestypen"][0]["url"]

    def body(url: str, **extra: Any) -> dict[str, Any]:
        return {"zaak": zaak["url"], "objectType": "overige", "objectTypeOverigeDefinitie": {
            "url": url, "schema": ".", "objectData": "."}, **extra}

    made = c.post(c.url("zaken", "/zaakobjecten"), body(fetchable, object=zaak["url"]))
    assert made.status_code == 201, made.text
    problem(c.post(c.url("zaken", "/zaakobjecten"),
                   body("https://elders.example/objecttypen/1", object=fetchable)),
            400, "objectTypeOverigeDefinitie.url", "bad-url")
    problem(c.post(c.url("zaken", "/zaakobjecten"),
                   body(fetchable, object="https://elders.example/objecten/1")),
            400, "object", "bad-url")
    problem(c.post(c.url("zaken", "/zaakobjecten"),
                   body(fetchable, objectIdentificatie={"overigeData": {}})),
            400, "object", "required")


def test_a_zaaktype_retrieve_on_a_day_outside_its_validity_is_not_found(
        c: Client, world: World) -> None:  # noqa: F811
    """Catalogi zaaktype_retrieve filters "het zelf" on datumGeldigheid (Open Zaak: 404)."""
    url = _zaaktype(c, world, "ZT-GELDIG", beginGeldigheid="2024-01-01",
                    eindeGeldigheid="2024-12-31")
    for day, status in (("2024-01-01", 200), ("2024-12-31", 200), ("2023-12-31", 404),
                        ("2025-01-01", 404)):
        got = c.get(url, params={"datumGeldigheid": day})
        assert got.status_code == status, (day, got.text)
    assert c.get(url).status_code == 200  # without the parameter: any day


def test_a_search_bodys_filters_keep_the_lengths_of_the_list_filters(c: Client) -> None:  # noqa: F811
    """ZaakZoek gives inpA_nummer no maxLength, GET /zaken's filter of that name 10."""
    name = "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpA_nummer"
    assert c.post(c.url("zaken", "/zaken/_zoek"), {name: "1" * 10}).status_code == 200
    problem(c.post(c.url("zaken", "/zaken/_zoek"), {name: "1" * 11}), 400, name, "max_length")


def test_a_types_validity_ends_on_or_after_it_begins(c: Client, world: World) -> None:  # noqa: F811
    url = _zaaktype(c, world, "ZT-EINDE", beginGeldigheid="2024-01-01")
    problem(c.request("PATCH", url, json={"eindeGeldigheid": "2023-12-31"}), 400,
            "nonFieldErrors", "date-mismatch")  # judged with the stored begin
    assert c.request("PATCH", url, json={"eindeGeldigheid": "2024-01-01"}).status_code == 200
    problem(c.post(c.url("catalogi", "/zaaktypen"), {
        **zaaktype_body(world.catalogus, "ZT-OBJECT"), "beginObject": "2024-01-02",
        "eindeObject": "2024-01-01"}), 400, "nonFieldErrors", "date-mismatch")


def test_a_ziot_update_that_leaves_its_informatieobjecttype_alone_stands(
        c: Client, world: World) -> None:  # noqa: F811
    """The relation is made once (a foreign key in Open Zaak): renaming the
    informatieobjecttype afterwards does not make an unrelated update of it fail."""
    zaaktype = _zaaktype(c, world, "ZT-ZIOT-FK")
    iot = c.create(c.url("catalogi", "/informatieobjecttypen"), {
        "catalogus": world.catalogus, "omschrijving": "Voor", "beginGeldigheid": "2024-01-01",
        "vertrouwelijkheidaanduiding": "openbaar", "informatieobjectcategorie": "brief"},
        status=200)
    ziot = c.create(c.url("catalogi", "/zaaktype-informatieobjecttypen"), {
        "zaaktype": zaaktype, "informatieobjecttype": "Voor", "volgnummer": 1,
        "richting": "inkomend"})
    assert c.request("PATCH", iot["url"], json={"omschrijving": "Na"}).status_code == 200
    assert c.request("PATCH", ziot["url"], json={"volgnummer": 2}).status_code == 200
    problem(c.request("PATCH", ziot["url"], json={"informatieobjecttype": "Weg"}), 400,
            "informatieobjecttype", "does-not-exist")


def test_required_text_must_not_be_blank(c: Client, world: World) -> None:  # noqa: F811
    """As DRF-based suppliers do: required text "" or whitespace is refused with ``blank``,
    on create and on a partial update; blank optional text is fine."""
    for blank in ("", "  "):
        problem(c.post(c.url("catalogi", "/zaaktypen"), {
            **zaaktype_body(world.catalogus, "ZT-BLANK"), "omschrijving": blank}), 400,
            "omschrijving", "blank")
        problem(c.post(c.url("catalogi", "/zaaktypen"), {
            **zaaktype_body(world.catalogus, "ZT-BLANK"),
            "referentieproces": {"naam": blank}}), 400, "referentieproces.naam", "blank")
    concept = c.create(c.url("catalogi", "/zaaktypen"), zaaktype_body(world.catalogus, "ZT-B2"))
    problem(c.request("PATCH", concept["url"], json={"doel": ""}), 400, "doel", "blank")
    made = c.create(c.url("zaken", "/zaken"), {**zaak_body(world), "toelichting": ""})
    assert made["toelichting"] == ""
    problem(c.post(c.url("documenten", "/enkelvoudiginformatieobjecten"), {
        **document_body(world.iot), "trefwoorden": ["bouw", " "]}), 400, "trefwoorden.1",
        "blank")


def test_bestandsomvang_is_the_contents_size_and_a_locked_document_stays(
        c: Client, world: World) -> None:  # noqa: F811
    """As Open Zaak and the VNG reference: a bestandsomvang that contradicts the content is
    refused (file-size), on create and on an update that keeps the content; a locked
    document is not deleted (destroy-locked) until it is unlocked."""
    docs = c.url("documenten", "/enkelvoudiginformatieobjecten")
    problem(c.post(docs, {**document_body(world.iot), "bestandsomvang": 99}), 400,
            "bestandsomvang", "file-size")
    doc = c.create(docs, {**document_body(world.iot), "bestandsomvang": 5})  # "hallo"
    assert doc["bestandsomvang"] == 5
    lock = c.post(doc["url"] + "/lock").json()["lock"]
    problem(c.request("PATCH", doc["url"], json={"bestandsomvang": 7, "lock": lock}), 400,
            "bestandsomvang", "file-size")
    new = c.request("PATCH", doc["url"], json={"inhoud": "aGFsbG8gZGFhcg==", "lock": lock})
    assert new.status_code == 200 and new.json()["bestandsomvang"] == 10  # "hallo daar"
    problem(c.request("DELETE", doc["url"]), 400, "nonFieldErrors", "destroy-locked")
    assert c.post(doc["url"] + "/unlock", {"lock": lock}).status_code == 204
    assert c.request("DELETE", doc["url"]).status_code == 204


# -- Zaken: references into the lists ----------------------------------------------------------
def test_zaak_list_references_must_be_the_suppliers_own(
        c: Client, world: World, sl: dict[str, Any]) -> None:  # noqa: F811
    kanaal = anonymous(lists_root(c, "referentielijsten") + "/communicatiekanalen"
                       ).json()["results"][0]["url"]
    problem(c.post(c.url("zaken", "/zaken"), zaak_body(
        world, communicatiekanaal="https://referentielijsten.example/communicatiekanalen/1")),
        400, "communicatiekanaal", "bad-url")
    problem(c.post(c.url("zaken", "/zaken"), zaak_body(world, selectielijstklasse=kanaal)),
            400, "selectielijstklasse", "bad-url")
    made = c.create(c.url("zaken", "/zaken"), zaak_body(
        world, communicatiekanaal=kanaal, selectielijstklasse=resultaat(sl, 0, "nihil")))
    assert made["communicatiekanaal"] == kanaal


# -- URL list filters name objects that exist ------------------------------------------------
def _object_filters(spec_paths: dict[str, Path]) -> list[tuple[str, str, str]]:  # noqa: F811
    """(api, list path, parameter) for every URL filter of the pinned files that names an
    object of the supplier."""
    found = []
    for api, path in spec_paths.items():
        doc = yaml.load(path.read_text(encoding="utf-8"),
                        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for template, item in doc["paths"].items():
            op = item.get("get")
            if not op or "{" in template:
                continue
            for param in op.get("parameters", []):
                schema = param.get("schema", {})
                if (param.get("in") == "query" and schema.get("format") == "uri"
                        and param["name"] in OBJECT_FILTERS):
                    found.append((api, template, param["name"]))
    return found


def test_url_filters_that_name_nothing_are_refused(
        c: Client, world: World, spec_paths: dict[str, Path]) -> None:  # noqa: F811
    filters = _object_filters(spec_paths)
    # (no pinned file has an eigenschap or informatieobjecttype filter of format uri)
    assert {name for _, _, name in filters} == OBJECT_FILTERS - {"eigenschap",
                                                                "informatieobjecttype"}
    gone = c.url("zaken", "/zaken/" + "0" * 8 + "-0000-0000-0000-" + "0" * 12)
    for api, template, name in filters:
        for value in ("https://ux.dod8.dev", gone, world.document if name != "informatieobject"
                      else world.zaaktype):
            resp = c.get(c.url(api, template), params={name: value})
            problem(resp, 400, name, "invalid")


@pytest.mark.parametrize(("api", "path", "name", "field"), [
    ("zaken", "/zaken", "zaaktype", "zaaktype"),
    ("zaken", "/statussen", "statustype", "statustype_start"),
    ("catalogi", "/statustypen", "zaaktype", "zaaktype"),
    ("catalogi", "/zaaktypen", "catalogus", "catalogus"),
    ("documenten", "/gebruiksrechten", "informatieobject", "document"),
    ("besluiten", "/besluiten", "besluittype", None),
])
def test_url_filters_that_name_an_object_select(
        c: Client, world: World, api: str, path: str, name: str, field: str | None  # noqa: F811
) -> None:
    value = getattr(world, field) if field else c.create(c.url("catalogi", "/besluittypen"), {
        "catalogus": world.catalogus, "omschrijving": "Filter", "publicatieIndicatie": False,
        "informatieobjecttypen": [], "beginGeldigheid": "2024-01-01"})["url"]
    resp = c.get(c.url(api, path), params={name: value, "status": "alles"} if api == "catalogi"
                 else {name: value})
    assert resp.status_code == 200, resp.text
    listed = resp.json()  # (gebruiksrechten are a bare array in Documenten 1.4.2)
    found = listed["results"] if isinstance(listed, dict) else listed
    assert isinstance(found, list)
    if api == "catalogi":  # the world's zaaktype has statustypen, its catalogus a zaaktype
        assert found, resp.url


def test_external_url_filters_accept_any_url(c: Client) -> None:  # noqa: F811
    """betrokkene, object, objecttype ... point outside the ZGW APIs: no object to check."""
    for api, path, name in (("zaken", "/rollen", "betrokkene"),
                            ("zaken", "/zaakobjecten", "object"),
                            ("catalogi", "/zaakobjecttypen", "objecttype"),
                            ("documenten", "/verzendingen", "betrokkene")):
        resp = c.get(c.url(api, path), params={name: "https://elders.example/x/1"})
        assert resp.status_code == 200 and resp.json()["count"] == 0, (path, resp.text)


# -- Catalogi 1.3.1: zaakobjecttypen -------------------------------------------------------------
def _zaakobjecttype_body(w: World, zaaktype: str, **extra: Any) -> dict[str, Any]:
    return {"zaaktype": zaaktype, "catalogus": w.catalogus, "anderObjecttype": False,
            "objecttype": "https://objecttypen.example/api/v2/objecttypes/1",
            "relatieOmschrijving": "Melding over", "beginGeldigheid": "2024-01-01", **extra}


def test_zaakobjecttypen(c: Client, world: World, spec_paths: dict[str, Path]) -> None:  # noqa: F811
    zaaktype = _zaaktype(c, world, "ZT-ZOT")
    created = c.post(c.url("catalogi", "/zaakobjecttypen"), _zaakobjecttype_body(world, zaaktype))
    assert conforms(spec_paths, "catalogi", "zaakobjecttype_create", created) == [], created.text
    zot = created.json()
    assert created.headers["Location"] == zot["url"] and zot["zaaktypeIdentificatie"] == "ZT-ZOT"
    assert c.get(zaaktype).json()["zaakobjecttypen"] == [zot["url"]]
    got = c.get(zot["url"])
    assert conforms(spec_paths, "catalogi", "zaakobjecttype_retrieve", got) == []
    assert got.json() == zot
    head = c.request("HEAD", zot["url"])
    assert head.status_code == 200 and head.content == b"" and head.headers["ETag"]
    full = c.request("PUT", zot["url"], json=_zaakobjecttype_body(
        world, zaaktype, relatieOmschrijving="Gewijzigd", beginGeldigheid="2024-02-01"))
    assert conforms(spec_paths, "catalogi", "zaakobjecttype_update", full) == [], full.text
    part = c.request("PATCH", zot["url"], json={"anderObjecttype": True})
    assert conforms(spec_paths, "catalogi", "zaakobjecttype_partial_update", part) == []
    assert part.json()["relatieOmschrijving"] == "Gewijzigd" and part.json()["anderObjecttype"]
    for params, expected in (
            ({"zaaktype": zaaktype}, 1), ({"catalogus": world.catalogus}, 1),
            ({"anderObjecttype": "true"}, 1), ({"anderObjecttype": "false"}, 0),
            ({"relatieOmschrijving": "Gewijzigd"}, 1), ({"zaaktypeIdentificatie": "ZT-ZOT"}, 1),
            ({"datumBeginGeldigheid": "2024-02-01"}, 1),
            ({"datumBeginGeldigheid": "2024-01-01"}, 0),
            ({"datumGeldigheid": "2024-03-01"}, 1), ({"datumGeldigheid": "2023-03-01"}, 0)):
        listed = c.get(c.url("catalogi", "/zaakobjecttypen"), params={**params,
                                                                       "zaaktype": zaaktype})
        assert conforms(spec_paths, "catalogi", "zaakobjecttype_list", listed) == []
        assert listed.json()["count"] == expected, (params, listed.json())
    other = build_world(c, identificatie="ZT-ZOT-ELDERS", domein="ZOTEL")
    problem(c.post(c.url("catalogi", "/zaakobjecttypen"), _zaakobjecttype_body(
        world, zaaktype, catalogus=other.catalogus)), 400, "catalogus",
        "relations-incorrect-catalogus")
    problem(c.post(c.url("catalogi", "/zaakobjecttypen"), {}), 400, "objecttype", "required")
    gone = c.request("DELETE", zot["url"])
    assert gone.status_code in (200, 204) and c.get(zot["url"]).status_code == 404


def test_zaakobjecttypen_are_frozen_with_their_published_zaaktype(
        c: Client, world: World) -> None:  # noqa: F811
    """ztc-010: no new, changed or removed child type once the zaaktype is published."""
    zaaktype = _zaaktype(c, world, "ZT-ZOT-PUB")
    zot = c.create(c.url("catalogi", "/zaakobjecttypen"), _zaakobjecttype_body(world, zaaktype))
    for number, name in ((1, "Start"), (2, "Eind")):
        c.create(c.url("catalogi", "/statustypen"),
                 {"zaaktype": zaaktype, "omschrijving": name, "volgnummer": number})
    c.create(c.url("catalogi", "/roltypen"),
             {"zaaktype": zaaktype, "omschrijving": "B", "omschrijvingGeneriek": "behandelaar"})
    assert _resultaattype(c, zaaktype).status_code == 201
    assert c.post(zaaktype + "/publish").status_code == 200
    problem(c.post(c.url("catalogi", "/zaakobjecttypen"),
                   _zaakobjecttype_body(world, zaaktype)), 400, "zaaktype",
            "non-concept-zaaktype")
    problem(c.request("PATCH", zot["url"], json={"relatieOmschrijving": "Nee"}), 400,
            "zaaktype", "non-concept-zaaktype")
    problem(c.request("DELETE", zot["url"]), 400, "zaaktype", "non-concept-zaaktype")


# -- Documenten 1.4.2: verzendingen --------------------------------------------------------------
def _verzending_body(document: str, **extra: Any) -> dict[str, Any]:
    return {"informatieobject": document, "aardRelatie": "geadresseerde",
            "betrokkene": "https://klanten.example/api/v1/klanten/1",
            "contactPersoon": "https://medewerkers.example/api/v1/medewerkers/1",
            "contactpersoonnaam": "A. Ambtenaar", "verzenddatum": "2024-03-02",
            "emailadres": "inwoner@example.org", **extra}


def test_verzendingen(c: Client, world: World, spec_paths: dict[str, Path]) -> None:  # noqa: F811
    document = c.create(c.url("documenten", "/enkelvoudiginformatieobjecten"),
                        document_body(world.iot))["url"]
    created = c.post(c.url("documenten", "/verzendingen"), _verzending_body(document))
    assert conforms(spec_paths, "documenten", "verzending_create", created) == [], created.text
    verzending = created.json()
    assert verzending["informatieobject"] == document
    got = c.get(verzending["url"])
    assert conforms(spec_paths, "documenten", "verzending_retrieve", got) == []
    head = c.request("HEAD", verzending["url"])
    assert head.status_code == 200 and head.content == b""
    full = c.request("PUT", verzending["url"], json=_verzending_body(
        document, aardRelatie="afzender", ontvangstdatum="2024-03-04"))
    assert conforms(spec_paths, "documenten", "verzending_update", full) == [], full.text
    part = c.request("PATCH", verzending["url"], json={"toelichting": "Per post"})
    assert conforms(spec_paths, "documenten", "verzending_partial_update", part) == []
    assert part.json()["aardRelatie"] == "afzender" and part.json()["toelichting"] == "Per post"
    for params, expected in (({"informatieobject": document}, 1),
                             ({"aardRelatie": "afzender"}, 1),
                             ({"aardRelatie": "geadresseerde"}, 0),
                             ({"betrokkene": "https://klanten.example/api/v1/klanten/1"}, 1)):
        listed = c.get(c.url("documenten", "/verzendingen"),
                       params={**params, "informatieobject": document})
        assert conforms(spec_paths, "documenten", "verzending_list", listed) == []
        assert listed.json()["count"] == expected, (params, listed.json())
    problem(c.post(c.url("documenten", "/verzendingen"),
                   _verzending_body("https://elders.example/documenten/1")), 400,
            "informatieobject", "bad-url")
    problem(c.post(c.url("documenten", "/verzendingen"), {}), 400, "aardRelatie", "required")
    second = c.create(c.url("documenten", "/verzendingen"), _verzending_body(document))
    assert c.request("DELETE", second["url"]).status_code == 204
    assert c.get(second["url"]).status_code == 404
    # a document's delete is hard (drc-008): its verzendingen go with it
    assert c.request("DELETE", document).status_code == 204
    assert c.get(verzending["url"]).status_code == 404


# -- defect switches: Open Zaak 1.30's variants ---------------------------------------------------
@pytest.fixture
def defective(spec_paths: dict[str, Path], request: pytest.FixtureRequest  # noqa: F811
              ) -> Iterator[tuple[Client, bool]]:
    """A fresh server with the defect named by the test's parameter, or without it:
    (a client, whether the defect is on)."""
    name, switched_on = request.param
    with ReferenceServer(spec_paths=spec_paths, client_id=CLIENT_ID, secret=SECRET,
                         defects=frozenset({name} if switched_on else ())) as srv:
        yield Client(srv), switched_on


def _with_and_without(name: str) -> Any:
    return pytest.mark.parametrize("defective", [(name, True), (name, False)], indirect=True,
                                   ids=[name, "clean"])


def _concept_with_iot(client: Client) -> tuple[str, dict[str, Any]]:
    """A concept zaaktype and a published informatieobjecttype of its catalogus."""
    cat = client.create(client.url("catalogi", "/catalogussen"), catalogus_body())["url"]
    zaaktype = client.create(client.url("catalogi", "/zaaktypen"),
                             zaaktype_body(cat, "ZT-ZIOT"))["url"]
    iot = client.create(client.url("catalogi", "/informatieobjecttypen"), {
        "catalogus": cat, "omschrijving": "Brief", "vertrouwelijkheidaanduiding": "openbaar",
        "beginGeldigheid": "2024-01-01", "informatieobjectcategorie": "brief"}, status=200)
    assert client.post(iot["url"] + "/publish").status_code == 200
    return zaaktype, iot


@_with_and_without("ziot-informatieobjecttype-url")
def test_defect_ziot_informatieobjecttype_url(defective: tuple[Client, bool]) -> None:
    c, broken = defective  # noqa: F811
    zaaktype, iot = _concept_with_iot(c)
    link = {"zaaktype": zaaktype, "volgnummer": 1, "richting": "inkomend"}
    by_name = c.post(c.url("catalogi", "/zaaktype-informatieobjecttypen"),
                     {**link, "informatieobjecttype": iot["omschrijving"]})
    by_url = c.post(c.url("catalogi", "/zaaktype-informatieobjecttypen"),
                    {**link, "informatieobjecttype": iot["url"], "volgnummer": 2})
    if broken:
        problem(by_name, 400, "informatieobjecttype")  # what the pinned file types is refused
        assert by_url.status_code == 201, by_url.text
        assert by_url.json()["informatieobjecttype"] == iot["url"]
    else:
        assert by_name.status_code == 201, by_name.text
        problem(by_url, 400, "informatieobjecttype", "does-not-exist")
    # either way the link holds: the zaaktype lists the informatieobjecttype
    assert iot["url"] in c.get(zaaktype).json()["informatieobjecttypen"]


@_with_and_without("resultaattype-filters-camel-case")
def test_defect_resultaattype_filters_camel_case(defective: tuple[Client, bool]) -> None:
    c, broken = defective  # noqa: F811
    snake = {"datum_geldigheid": "2024-06-01", "zaaktype_identificatie": "ZT-ZIOT"}
    camel = {"datumGeldigheid": "2024-06-01", "zaaktypeIdentificatie": "ZT-ZIOT"}
    for name, value in snake.items():
        resp = c.get(c.url("catalogi", "/resultaattypen"), params={name: value})
        if broken:  # the pinned file's names are unknown to it
            problem(resp, 400, name, "unknown-parameters")
        else:
            assert resp.status_code == 200, resp.text
    for name, value in camel.items():
        resp = c.get(c.url("catalogi", "/resultaattypen"), params={name: value})
        assert resp.status_code == (200 if broken else 400), (name, resp.text)
    # only the resultaattypen: the other lists keep the pinned file's names
    assert c.get(c.url("catalogi", "/roltypen"),
                 params={"datumGeldigheid": "2024-06-01"}).status_code == 200


@_with_and_without("catalogi-status-codes")
def test_defect_catalogi_status_codes(defective: tuple[Client, bool]) -> None:
    c, broken = defective  # noqa: F811
    cat = c.create(c.url("catalogi", "/catalogussen"), catalogus_body())["url"]
    zaaktype = c.create(c.url("catalogi", "/zaaktypen"), zaaktype_body(cat, "ZT-STATUS"))["url"]
    made = c.post(c.url("catalogi", "/informatieobjecttypen"), {
        "catalogus": cat, "omschrijving": "Notitie", "vertrouwelijkheidaanduiding": "openbaar",
        "beginGeldigheid": "2024-01-01", "informatieobjectcategorie": "notitie"})
    assert made.status_code == (201 if broken else 200), made.text
    assert made.json()["omschrijving"] == "Notitie"
    for url in (zaaktype, made.json()["url"]):
        gone = c.request("DELETE", url)
        assert gone.status_code == (204 if broken else 200), gone.text
        assert not broken or gone.content == b""
        assert c.get(url).status_code == 404
    # other operations keep the statuses of the file (a catalogus: 201)
    assert c.post(c.url("catalogi", "/catalogussen"),
                  {**catalogus_body(), "domein": "TWEE"}).status_code == 201


@_with_and_without("errors-as-json")
def test_defect_errors_as_json(defective: tuple[Client, bool]) -> None:
    c, broken = defective  # noqa: F811
    expected = "application/json" if broken else "application/problem+json"
    for resp in (c.get(c.url("zaken", "/nothing")),                    # 404 of a route
                 c.post(c.url("catalogi", "/catalogussen"), {}),        # 400
                 httpx.get(c.url("catalogi", "/zaaktypen")),            # 403
                 httpx.get(c.server.base_url + "/elders"),              # 404 outside the APIs
                 httpx.get(lists_root(c, "selectielijst") + "/nothing")):
        assert resp.status_code >= 400
        assert resp.headers["content-type"] == expected, resp.request.url
        body = resp.json()  # the body is the same problem document
        assert {"type", "code", "title", "status", "detail", "instance"} <= body.keys()
    ok = c.get(c.url("catalogi", "/catalogussen"))
    assert ok.status_code == 200 and ok.headers["content-type"] == "application/json"


@_with_and_without("openapi-version-suffix")
def test_defect_openapi_version_suffix(defective: tuple[Client, bool],
                                       spec_paths: dict[str, Path]) -> None:  # noqa: F811
    c, broken = defective  # noqa: F811
    for api, version in (("zaken", "1.5.1"), ("catalogi", "1.3.1"), ("besluiten", "1.1.0")):
        as_json = httpx.get(c.url(api, "/openapi.json"))
        as_yaml = httpx.get(c.url(api, "/openapi.yaml"))
        published = f"{version} (1)" if broken else version
        assert as_json.json()["info"]["version"] == published
        assert as_json.headers["API-version"] == version
        assert c.get(c.url(api, "/nothing-here")).headers["API-version"] == version
        official = _load_yaml(spec_paths[api].read_text(encoding="utf-8"))
        official["info"]["version"] = published
        assert _load_yaml(as_yaml.text) == official  # nothing else differs


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@_with_and_without("empty-string-for-null-uri")
def test_defect_empty_string_for_null_uri(defective: tuple[Client, bool],
                                          spec_paths: dict[str, Path]) -> None:  # noqa: F811
    c, broken = defective  # noqa: F811
    w = build_world(c)
    zaak = c.post(c.url("zaken", "/zaken"), zaak_body(w))
    document = c.get(w.document)
    rol = c.post(c.url("zaken", "/rollen"), {
        "zaak": zaak.json()["url"], "roltype": w.roltype, "betrokkeneType": "medewerker",
        "roltoelichting": "behandelaar", "betrokkeneIdentificatie": {"identificatie": "m1"}})
    for resp, operation, fields in (
            (zaak, "zaak_create", ("communicatiekanaal", "selectielijstklasse")),
            (document, "enkelvoudiginformatieobject_retrieve", ("link",)),
            (rol, "rol_create", ("betrokkene",))):
        api = "documenten" if "informatieobject" in operation else "zaken"
        problems = conforms(spec_paths, api, operation, resp)
        for name in fields:
            if broken:
                assert resp.json()[name] == "", (operation, name)
                assert any(p.startswith(f"{name}:") for p in problems), (name, problems)
            else:  # no value: left out (the schema has no null for these)
                assert name not in resp.json(), (operation, name)
        if not broken:
            assert problems == [], (operation, problems)
    zaaktype = c.get(w.zaaktype).json()
    assert zaaktype["selectielijstProcestype"]  # it has one: never blanked
    assert (zaaktype["referentieproces"].get("link") == "") is broken
    # a value that is there stays as it is
    kanaal = anonymous(lists_root(c, "referentielijsten") + "/communicatiekanalen"
                       ).json()["results"][0]["url"]
    with_kanaal = c.create(c.url("zaken", "/zaken"), zaak_body(w, communicatiekanaal=kanaal))
    assert with_kanaal["communicatiekanaal"] == kanaal
