"""Catalogi API 1.3.1 rules (profile ztc-1.3): the generic ZGW rules run against the
Catalogi API, and the behaviour rules ztc-004 ... ztc-016 of the Catalogi standard
(https://vng-realisatie.github.io/gemma-zaken/standaard/catalogi/).

One test per rule; each makes its own catalogus and types through ``factory`` (what it
publishes cannot be deleted again: ztc-009, reported by the cleanup).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from ..client import ApiClient
from ..engine.data_autorisaties import Autorisaties
from ..zgw import Factory, consistent_brondatum
from ._helpers import (
    adopt,
    create,
    expect_status,
    fetch,
    list_urls,
    rejected_field,
)
from .generic_checks import (
    check_api_version_header,
    check_errors_are_problem_json,
    check_etag_head_conditional,
    check_jwt_zgw_auth,
    check_openapi_discovery,
    check_pagination,
    check_rsin_elfproef,
    check_unknown_query_parameter_rejected,
)

NON_CONCEPT = "Het zaaktype is gepubliceerd"


def _refused(resp: Any, what: str) -> None:
    """A write the standard forbids: HTTP 400 with problem+json ``invalidParams``."""
    expect_status(resp, 400, what)


def _concept_zaaktype(factory: Factory, catalogus: str, **overrides: Any) -> dict[str, Any]:
    return factory.create(factory.catalogi, "zaaktypen",
                          factory.zaaktype_body(catalogus, **overrides))


# --- generic ZGW rules on the Catalogi API ----------------------------------------------------


@pytest.mark.alone  # walks the whole list: 'count' against the pages
def test_pagination(catalogi: ApiClient, factory: Factory) -> None:
    """List endpoints are paginated as {count, next, previous, results}, first page 1."""
    check_pagination(catalogi, "catalogussen", factory.catalogus, "catalogussen")


def test_unknown_query_parameter_rejected(catalogi: ApiClient) -> None:
    """A query parameter that is not in the OAS is refused with HTTP 400."""
    check_unknown_query_parameter_rejected(catalogi, "zaaktypen")


def test_status_filter(catalogi: ApiClient, factory: Factory) -> None:
    """The ``status`` filter (concept / definitief (default) / alles) and the ``catalogus``
    and ``identificatie`` filters of GET /zaaktypen are applied."""
    catalogus = factory.catalogus()["url"]
    published = factory.zaaktype_set(catalogus)
    concept = _concept_zaaktype(factory, catalogus)
    expectations = [
        ({"catalogus": catalogus}, {published.zaaktype}, {concept["url"]}),
        ({"catalogus": catalogus, "status": "definitief"}, {published.zaaktype},
         {concept["url"]}),
        ({"catalogus": catalogus, "status": "concept"}, {concept["url"]}, {published.zaaktype}),
        ({"catalogus": catalogus, "status": "alles"}, {concept["url"], published.zaaktype},
         set()),
        ({"catalogus": catalogus, "status": "alles", "identificatie": concept["identificatie"]},
         {concept["url"]}, {published.zaaktype}),
    ]
    for params, present, absent in expectations:
        what = f"filter {'&'.join(f'{k}={v}' for k, v in params.items())} on GET /zaaktypen"
        items, _ = list_urls(catalogi, "zaaktypen", params, what)
        urls = {i.get("url") for i in items}
        assert present <= urls, f"{what}: must list {sorted(present - urls)}"
        assert not absent & urls, f"{what}: must not list {sorted(absent & urls)}"


def test_errors_are_problem_json(catalogi: ApiClient, factory: Factory) -> None:
    """Errors are application/problem+json with code, title, status, detail and instance."""
    check_errors_are_problem_json(catalogi, factory, "zaaktypen", "zaaktype")


def test_api_version_header(catalogi: ApiClient, factory: Factory,
                            api_version: dict[str, str]) -> None:
    """Responses carry the header API-version with the implemented version (1.3.1)."""
    check_api_version_header(catalogi, factory, "zaaktypen", api_version["catalogi"],
                             factory.zaaktype_body(factory.catalogus()["url"]))


def test_etag_head_conditional(catalogi: ApiClient, factory: Factory) -> None:
    """Detail resources have an ETag; HEAD and If-None-Match (304) work as HTTP caching says."""
    url = _concept_zaaktype(factory, factory.catalogus()["url"])["url"]
    check_etag_head_conditional(catalogi, url, "concept zaaktype", lambda: catalogi.patch(
        url, {"omschrijving": f"Gewijzigd {factory.tag()}"}))


def test_jwt_zgw_auth(catalogi: ApiClient, suite_context: Any, factory: Factory) -> None:
    """Only a JWT-ZGW token (HS256) of a known client, signed with its secret, is accepted."""
    check_jwt_zgw_auth(catalogi, factory, "zaaktypen", suite_context)


def test_rsin_elfproef(catalogi: ApiClient, factory: Factory) -> None:
    """The rsin of a catalogus must pass the 11-test."""
    check_rsin_elfproef(catalogi, factory, "catalogussen", "rsin", lambda value: {
        "domein": factory.tag()[:5].upper(), "rsin": value,
        "contactpersoonBeheerNaam": "Conformance"})


def test_openapi_discovery(catalogi: ApiClient, api_version: dict[str, str]) -> None:
    """The API serves its OAS at {API root}/openapi.json, without authentication."""
    check_openapi_discovery(catalogi, api_version["catalogi"], "Catalogi API")


# --- ztc-004 .. ztc-008: brondatumArchiefprocedure consistency ---------------------------------


def _resultaattype_body(factory: Factory, zaaktype: str, proc: dict[str, Any]) -> dict[str, Any]:
    return factory.resultaattype_body(zaaktype, proc["afleidingswijze"],
                                      omschrijving=f"Resultaat {factory.tag()[:6]}",
                                      brondatumArchiefprocedure=proc)


def _brondatum_rule(catalogi: ApiClient, factory: Factory, field: str,
                    refused: list[tuple[str, Any]], accepted: list[tuple[str, Any]]) -> None:
    """Each (afleidingswijze, value of ``field``) in ``refused`` gives 400, each in
    ``accepted`` is created; every other field is consistent (ztc-004..008)."""
    zaaktype = _concept_zaaktype(factory, factory.catalogus()["url"])["url"]
    for how, value in refused:
        proc = {**consistent_brondatum({"afleidingswijze": how}), field: value}
        what = (f"POST /resultaattypen with brondatumArchiefprocedure.afleidingswijze={how!r} "
                f"and {field}={value!r}")
        resp = catalogi.post("resultaattypen", _resultaattype_body(factory, zaaktype, proc))
        adopt(factory, catalogi, resp)
        rejected_field(resp, "brondatumArchiefprocedure", what)
    for how, value in accepted:
        proc = {**consistent_brondatum({"afleidingswijze": how}), field: value}
        create(factory, catalogi, "resultaattypen", _resultaattype_body(factory, zaaktype, proc),
               f"POST /resultaattypen with afleidingswijze={how!r} and {field}={value!r}")


def test_ztc_004_datumkenmerk(catalogi: ApiClient, factory: Factory) -> None:
    """datumkenmerk MUST be set for eigenschap/zaakobject/ander_datumkenmerk, else MUST NOT."""
    _brondatum_rule(catalogi, factory, "datumkenmerk",
                    refused=[("eigenschap", ""), ("afgehandeld", "datum")],
                    accepted=[("eigenschap", "datum")])


def test_ztc_005_einddatum_bekend(catalogi: ApiClient, factory: Factory) -> None:
    """einddatumBekend MUST NOT be set for afleidingswijze afgehandeld or termijn."""
    _brondatum_rule(catalogi, factory, "einddatumBekend",
                    refused=[("afgehandeld", True), ("termijn", True)],
                    accepted=[("eigenschap", True)])


def test_ztc_006_objecttype(catalogi: ApiClient, factory: Factory) -> None:
    """objecttype MUST be set for zaakobject/ander_datumkenmerk, else MUST NOT."""
    _brondatum_rule(catalogi, factory, "objecttype",
                    refused=[("zaakobject", ""), ("afgehandeld", "pand")],
                    accepted=[("zaakobject", "pand")])


def test_ztc_007_registratie(catalogi: ApiClient, factory: Factory) -> None:
    """registratie MUST be set for ander_datumkenmerk, else MUST NOT."""
    _brondatum_rule(catalogi, factory, "registratie",
                    refused=[("ander_datumkenmerk", ""), ("eigenschap", "BRP")],
                    accepted=[("ander_datumkenmerk", "BRP")])


def test_ztc_008_procestermijn(catalogi: ApiClient, factory: Factory) -> None:
    """procestermijn MUST be set for termijn, else MUST NOT."""
    _brondatum_rule(catalogi, factory, "procestermijn",
                    refused=[("termijn", None), ("afgehandeld", "P5Y")],
                    accepted=[("termijn", "P5Y")])


# --- ztc-009 .. ztc-013, ztc-016: concepts, publishing, versions --------------------------------


#: what a catalogue's editor has: catalogi.geforceerd-schrijven (and -verwijderen) lets a client
#: change published types on purpose, so the rules are tried by a client without them
EDITOR = [{"component": "ztc", "scopes": ["catalogi.lezen", "catalogi.schrijven"]}]


@pytest.mark.alone  # changes the rights of the target's restricted client
def test_ztc_009_published_types_are_frozen(catalogi: ApiClient, factory: Factory,
                                            autorisaties: Autorisaties) -> None:
    """A published zaaktype or informatieobjecttype cannot be PUT, PATCHed (except
    eindeGeldigheid) or DELETEd: 400, for a client without the geforceerd scopes."""
    editor = autorisaties.grant(EDITOR)["catalogi"]
    catalogus = factory.catalogus()["url"]
    types = factory.zaaktype_set(catalogus)
    current = fetch(catalogi, types.zaaktype, "GET of a published zaaktype")
    put_body = factory.zaaktype_body(catalogus, identificatie=current.get("identificatie"),
                                     omschrijving="Gewijzigd")
    _refused(editor.put(types.zaaktype, put_body), "PUT of a published zaaktype")
    _refused(editor.patch(types.zaaktype, {"omschrijving": "Gewijzigd"}),
             "PATCH of the omschrijving of a published zaaktype")
    _refused(editor.delete(types.zaaktype), "DELETE of a published zaaktype")
    still = fetch(catalogi, types.zaaktype, "GET of a published zaaktype after refused writes")
    assert still.get("omschrijving") == current.get("omschrijving"), (
        f"a refused PATCH changed the published zaaktype's omschrijving to "
        f"{still.get('omschrijving')!r}"
    )
    end = (date.today() + timedelta(days=365)).isoformat()
    resp = editor.patch(types.zaaktype, {"eindeGeldigheid": end})
    expect_status(resp, 200, f"PATCH of only eindeGeldigheid={end} of a published zaaktype")
    _refused(editor.patch(types.informatieobjecttype, {"omschrijving": "Gewijzigd"}),
             "PATCH of the omschrijving of a published informatieobjecttype")
    _refused(editor.delete(types.informatieobjecttype),
             "DELETE of a published informatieobjecttype")


@pytest.mark.alone  # changes the rights of the target's restricted client
def test_ztc_010_no_child_changes_on_published(catalogi: ApiClient, factory: Factory,
                                               autorisaties: Autorisaties) -> None:
    """Child types of a published zaaktype cannot be created, changed or deleted: 400, for a
    client without the geforceerd scopes."""
    editor = autorisaties.grant(EDITOR)["catalogi"]
    types = factory.zaaktype_set()
    creates = {
        "statustypen": {"zaaktype": types.zaaktype, "omschrijving": "Extra", "volgnummer": 9},
        "roltypen": {"zaaktype": types.zaaktype, "omschrijving": "Extra",
                     "omschrijvingGeneriek": "adviseur"},
        "resultaattypen": _resultaattype_body(factory, types.zaaktype,
                                              consistent_brondatum({})),
        "eigenschappen": {"zaaktype": types.zaaktype, "naam": f"extra{factory.tag()[:4]}",
                          "definitie": "Extra", "specificatie": {
                              "formaat": "tekst", "lengte": "10", "kardinaliteit": "1",
                              "waardenverzameling": []}},
    }
    for path, body in creates.items():
        resp = editor.post(path, body)
        adopt(factory, catalogi, resp)  # removed by the main client, should it exist
        _refused(resp, f"POST /{path} for a published zaaktype")
    _refused(editor.patch(types.statustypen[0], {"omschrijving": "Gewijzigd"}),
             "PATCH of a statustype of a published zaaktype")
    _refused(editor.delete(types.roltype), "DELETE of a roltype of a published zaaktype")
    fetch(catalogi, types.roltype, "GET of a roltype of a published zaaktype after a refused "
          "DELETE")


@pytest.mark.alone  # changes the rights of the target's restricted client
def test_ztc_011_no_new_relation_to_published(catalogi: ApiClient, factory: Factory,
                                              autorisaties: Autorisaties) -> None:
    """ztc-011a/c (historiemodel): a child type may not be moved onto a published zaaktype;
    a concept zaaktype MAY be linked to a published informatieobjecttype (a client without
    the geforceerd scopes)."""
    editor = autorisaties.grant(EDITOR)["catalogi"]
    catalogus = factory.catalogus()["url"]
    published = factory.zaaktype_set(catalogus)
    concept = _concept_zaaktype(factory, catalogus)["url"]
    roltype = create(factory, catalogi, "roltypen", {
        "zaaktype": concept, "omschrijving": "Adviseur", "omschrijvingGeneriek": "adviseur",
    }, "POST /roltypen for a concept zaaktype")
    resp = editor.put(roltype["url"], {"zaaktype": published.zaaktype,
                                         "omschrijving": "Adviseur",
                                         "omschrijvingGeneriek": "adviseur"})
    _refused(resp, "PUT of a roltype of a concept zaaktype onto a published zaaktype")
    iot = fetch(catalogi, published.informatieobjecttype, "GET of a published "
                "informatieobjecttype")
    create(factory, catalogi, "zaaktype-informatieobjecttypen", factory.ziot_body(concept, iot),
           "POST /zaaktype-informatieobjecttypen linking a concept zaaktype to a published "
           "informatieobjecttype")


def test_ztc_012_publish_needs_published_relations(catalogi: ApiClient,
                                                   factory: Factory) -> None:
    """A zaaktype related to a concept informatieobjecttype cannot be published (400); once
    that informatieobjecttype is published, it can (200, concept false)."""
    catalogus = factory.catalogus()["url"]
    types = factory.zaaktype_set(catalogus, publish=False)
    draft = factory.informatieobjecttype(catalogus, publish=False)
    create(factory, catalogi, "zaaktype-informatieobjecttypen",
           factory.ziot_body(types.zaaktype, draft, volgnummer=2, richting="uitgaand"),
           "POST /zaaktype-informatieobjecttypen with a concept informatieobjecttype")
    publish = types.zaaktype.rstrip("/") + "/publish"
    _refused(catalogi.post(publish, {}),
             "publish of a zaaktype with a concept informatieobjecttype")
    assert fetch(catalogi, types.zaaktype, "GET of the zaaktype").get("concept") is True, (
        "a refused publish must leave the zaaktype a concept"
    )
    factory.publish(draft["url"])
    resp = catalogi.post(publish, {})
    expect_status(resp, 200, "publish of a complete zaaktype whose informatieobjecttypen are "
                  "all published")
    assert fetch(catalogi, types.zaaktype, "GET of the published zaaktype").get(
        "concept") is False, "after publish the zaaktype must have concept=false"


def test_ztc_013_no_relations_across_catalogi(catalogi: ApiClient, factory: Factory) -> None:
    """Types cannot be related across catalogi: 400."""
    home = factory.catalogus()["url"]
    other = factory.catalogus()["url"]
    zaaktype = _concept_zaaktype(factory, home)["url"]
    foreign = factory.informatieobjecttype(other, publish=True)
    resp = catalogi.post("zaaktype-informatieobjecttypen", factory.ziot_body(zaaktype, foreign))
    adopt(factory, catalogi, resp)
    _refused(resp, "POST /zaaktype-informatieobjecttypen with an informatieobjecttype of "
             "another catalogus")
    body = _resultaattype_body(factory, zaaktype, consistent_brondatum({}))
    body["informatieobjecttypen"] = [foreign["url"]]
    resp = catalogi.post("resultaattypen", body)
    adopt(factory, catalogi, resp)
    _refused(resp, "POST /resultaattypen with an informatieobjecttype of another catalogus")


def test_ztc_016_no_overlapping_published_versions(catalogi: ApiClient,
                                                   factory: Factory) -> None:
    """Published versions with the same identificatie may not overlap in validity: the
    overlapping publish is refused (400); after ending the first version it succeeds."""
    catalogus = factory.catalogus()["url"]
    identificatie = f"CONF-{factory.tag()}"
    today = date.today()
    first = factory.zaaktype_set(catalogus, identificatie=identificatie,
                                 beginGeldigheid=today.isoformat())
    later = (today + timedelta(days=30)).isoformat()
    second = factory.zaaktype_set(catalogus, publish=False, identificatie=identificatie,
                                  beginGeldigheid=later, versiedatum=later)
    publish = second.zaaktype.rstrip("/") + "/publish"
    _refused(catalogi.post(publish, {}),
             f"publish of a second version of {identificatie} from {later} while the first "
             "has no eindeGeldigheid (overlap)")
    end = (today + timedelta(days=29)).isoformat()
    expect_status(catalogi.patch(first.zaaktype, {"eindeGeldigheid": end}), 200,
                  f"PATCH of eindeGeldigheid={end} of the first published version")
    expect_status(catalogi.post(publish, {}), 200,
                  "publish of the second version after the first ends the day before")
