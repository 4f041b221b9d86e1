"""Catalogi API 1.3.1 rules (profile ztc-1.3): the generic ZGW rules run against the
Catalogi API, and the behaviour rules ztc-004 ... ztc-016 of the Catalogi standard
(https://vng-realisatie.github.io/gemma-zaken/standaard/catalogi/).

One test per rule; each makes its own catalogus and types through ``factory`` (what it
publishes cannot be deleted again: ztc-009, reported by the cleanup).
"""

from __future__ import annotations

import math
import uuid
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from ..auth import jwt_zgw_token
from ..client import ApiClient
from ..engine.data_catalogi import consistent_brondatum
from ..zgw import Factory, invalid_rsin
from ._helpers import (
    MAX_PAGES,
    adopt,
    body_or_none,
    create,
    expect_status,
    fetch,
    link_on_target,
    list_urls,
    page_shape,
    problem,
    rejected_field,
    summary,
    validation_problem,
    where,
)

NON_CONCEPT = "Het zaaktype is gepubliceerd"


def _unknown_uuid(factory: Factory) -> str:
    return str(uuid.UUID(int=factory.rng.getrandbits(128), version=4))


def _refused(resp: Any, what: str) -> None:
    """A write the standard forbids: HTTP 400 with problem+json ``invalidParams``."""
    expect_status(resp, 400, what)


def _concept_zaaktype(factory: Factory, catalogus: str, **overrides: Any) -> dict[str, Any]:
    return factory.create(factory.catalogi, "zaaktypen",
                          factory.zaaktype_body(catalogus, **overrides))


# --- generic ZGW rules on the Catalogi API ----------------------------------------------------


def test_pagination(catalogi: ApiClient, factory: Factory) -> None:
    """List endpoints are paginated as {count, next, previous, results}, first page 1."""
    for _ in range(2):
        factory.catalogus()
    what = "pagination of GET /catalogussen"
    first = catalogi.get("catalogussen")
    page1 = page_shape(first, what)
    assert page1["count"] >= 2, (
        f"{what}: two catalogussen were just created, but 'count' of {where(first)} is "
        f"{page1['count']}"
    )
    assert page1["previous"] is None, (
        f"{what}: the first page has no previous page, so 'previous' must be null; got "
        f"{page1['previous']!r}"
    )
    seen = [i.get("url") if isinstance(i, dict) else i for i in page1["results"]]
    body, pages = page1, 1
    while body["next"] and pages < MAX_PAGES:
        link_on_target(body["next"], catalogi, "next", what)
        assert parse_qs(urlsplit(body["next"]).query).get("page") == [str(pages + 1)], (
            f"{what}: 'next' of page {pages} must be the list URL with page={pages + 1}, got "
            f"{body['next']!r}"
        )
        body = page_shape(catalogi.get(body["next"]), what)
        pages += 1
        seen.extend(i.get("url") if isinstance(i, dict) else i for i in body["results"])
    if body["next"] is None:
        assert len(seen) == page1["count"], (
            f"{what}: 'count' is {page1['count']} but walking all {pages} page(s) via 'next' "
            f"gave {len(seen)} items"
        )
    explicit = page_shape(catalogi.get("catalogussen", params={"page": 1}), what)
    assert explicit["count"] == page1["count"] and explicit["next"] == page1["next"] and [
        i.get("url") for i in explicit["results"]] == [i.get("url") for i in page1["results"]], (
        f"{what}: GET /catalogussen?page=1 must give the same result as GET /catalogussen"
    )
    size = len(page1["results"]) or 1
    last = 1 if page1["next"] is None else math.ceil(page1["count"] / size)
    for page in (0, last + 1):
        resp = catalogi.get("catalogussen", params={"page": page})
        assert 400 <= resp.status_code < 500, (
            f"{what}: page={page} does not exist (the first page is 1, the last {last}); "
            f"expected a 4xx error from {where(resp)}, got {summary(resp)}"
        )
        problem(resp, f"{what}, page={page}")


def test_unknown_query_parameter_rejected(catalogi: ApiClient) -> None:
    """A query parameter that is not in the OAS is refused with HTTP 400."""
    validation_problem(catalogi.get("zaaktypen", params={"nonexistentParam": "1"}),
                       "unknown query parameter on GET /zaaktypen")


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
    bad = catalogi.post("zaaktypen", {})
    adopt(factory, catalogi, bad)
    validation_problem(bad, "POST /zaaktypen with an empty body")
    missing = catalogi.get(f"zaaktypen/{_unknown_uuid(factory)}")
    expect_status(missing, 404, "GET of a zaaktype that does not exist")
    problem(missing, "GET of a zaaktype that does not exist")
    anonymous = catalogi.get("zaaktypen", auth=False)
    if anonymous.status_code in (401, 403):
        problem(anonymous, "GET /zaaktypen without a token")


def test_api_version_header(catalogi: ApiClient, factory: Factory,
                            api_version: dict[str, str]) -> None:
    """Responses carry the header API-version with the implemented version (1.3.1)."""
    expected = api_version["catalogi"]

    def check(resp: Any) -> None:
        got = resp.headers.get("API-version")
        assert got == expected, (
            f"API-version header on HTTP {resp.status_code} from {where(resp)}: expected "
            f"{expected!r}, got {got!r}"
        )

    check(catalogi.get("catalogussen"))
    catalogus = factory.catalogus()["url"]
    created = catalogi.post("zaaktypen", factory.zaaktype_body(catalogus))
    adopt(factory, catalogi, created)
    check(created)
    invalid = catalogi.post("zaaktypen", {})
    adopt(factory, catalogi, invalid)
    check(invalid)
    check(catalogi.get(f"zaaktypen/{_unknown_uuid(factory)}"))


def test_etag_head_conditional(catalogi: ApiClient, factory: Factory) -> None:
    """Detail resources have an ETag; HEAD and If-None-Match (304) work as HTTP caching says."""
    zaaktype = _concept_zaaktype(factory, factory.catalogus()["url"])
    url = zaaktype["url"]
    got = catalogi.get(url)
    expect_status(got, 200, "GET of a zaaktype")
    etag = got.headers.get("ETag")
    assert etag, f"GET {url} must carry an ETag header, got none"
    head = catalogi.head(url)
    expect_status(head, 200, "HEAD of a zaaktype")
    assert head.headers.get("ETag") == etag, (
        f"HEAD {url} must return the same ETag as GET ({etag!r}), got {head.headers.get('ETag')!r}"
    )
    assert not head.content, f"HEAD {url} must not return a body, got {len(head.content)} bytes"
    expect_status(catalogi.get(url, headers={"If-None-Match": etag}), 304,
                  f"GET with If-None-Match: {etag} (the current ETag)")
    expect_status(catalogi.get(url, headers={"If-None-Match": '"conformance-not-the-etag"'}),
                  200, "GET with If-None-Match of another ETag")
    patched = catalogi.patch(url, {"omschrijving": f"Gewijzigd {factory.tag()}"})
    expect_status(patched, 200, "PATCH of a concept zaaktype's omschrijving")
    after = catalogi.get(url)
    expect_status(after, 200, "GET of a zaaktype after PATCH")
    if body_or_none(after) == body_or_none(got):
        raise RuntimeError("the PATCH left the zaaktype's JSON unchanged; cannot decide")
    assert after.headers.get("ETag") and after.headers.get("ETag") != etag, (
        f"after a PATCH of {url} changed its JSON, the ETag must change, got "
        f"{after.headers.get('ETag')!r}, before {etag!r}"
    )


def test_jwt_zgw_auth(catalogi: ApiClient, suite_context: Any, factory: Factory) -> None:
    """Only a JWT-ZGW token (HS256) of a known client, signed with its secret, is accepted."""
    if suite_context.auth_type != "jwt-zgw":
        pytest.skip(f"the target uses auth type {suite_context.auth_type!r}, not jwt-zgw")
    client_id, secret = suite_context.client_id, suite_context.secret
    if not client_id or not secret:
        raise RuntimeError("the run has no client_id/secret for JWT-ZGW (CONFORMANCE_RUN_SECRET)")

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    valid = catalogi.get("zaaktypen", auth=False, headers=bearer(jwt_zgw_token(client_id, secret)))
    expect_status(valid, 200, "GET /zaaktypen with a valid JWT-ZGW token")
    refusals = {
        "without a token": {},
        "with a token signed with a wrong secret": bearer(
            jwt_zgw_token(client_id, f"not-the-secret-{factory.tag()}-{factory.tag()}")),
        "with a token for an unknown client_id": bearer(
            jwt_zgw_token(f"conformance-unknown-{factory.tag()}", secret)),
    }
    for case, headers in refusals.items():
        what = f"GET /zaaktypen {case}"
        resp = catalogi.get("zaaktypen", auth=False, headers=headers)
        expect_status(resp, (401, 403), what)
        problem(resp, what)


def test_rsin_elfproef(catalogi: ApiClient, factory: Factory) -> None:
    """The rsin of a catalogus must pass the 11-test."""
    for value, why in ((invalid_rsin(factory.rsin()), "fails the 11-test"),
                       (factory.rsin()[:8], "has 8 digits"), ("ABCDEFGHI", "has letters")):
        resp = catalogi.post("catalogussen", {"domein": factory.tag()[:5].upper(), "rsin": value,
                                              "contactpersoonBeheerNaam": "Conformance"})
        adopt(factory, catalogi, resp)
        rejected_field(resp, "rsin", f"POST /catalogussen with rsin={value!r}, which {why}")


def test_openapi_discovery(catalogi: ApiClient, api_version: dict[str, str]) -> None:
    """The API serves its OAS at {API root}/openapi.json, without authentication."""
    what = "GET {API root}/openapi.json without a token"
    resp = catalogi.get("openapi.json", auth=False)
    expect_status(resp, 200, what)
    doc = body_or_none(resp)
    assert isinstance(doc, dict) and str(doc.get("openapi", "")).startswith("3."), (
        f"{what}: the body must be a JSON OpenAPI 3.x document, got {resp.text[:120]!r}"
    )
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    assert info.get("version") == api_version["catalogi"], (
        f"{what}: info.version must be {api_version['catalogi']!r}, got {info.get('version')!r}"
    )


# --- ztc-004 .. ztc-008: brondatumArchiefprocedure consistency ---------------------------------


def _resultaattype_body(factory: Factory, zaaktype: str, proc: dict[str, Any]) -> dict[str, Any]:
    return {
        "zaaktype": zaaktype, "omschrijving": f"Resultaat {factory.tag()[:6]}",
        "resultaattypeomschrijving": factory.selectielijst_omschrijving,
        "selectielijstklasse": factory.selectielijst_klasse, "besluittypen": [],
        "brondatumArchiefprocedure": proc,
    }


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


def test_ztc_009_published_types_are_frozen(catalogi: ApiClient, factory: Factory) -> None:
    """A published zaaktype or informatieobjecttype cannot be PUT, PATCHed (except
    eindeGeldigheid) or DELETEd: 400."""
    catalogus = factory.catalogus()["url"]
    types = factory.zaaktype_set(catalogus)
    current = fetch(catalogi, types.zaaktype, "GET of a published zaaktype")
    put_body = factory.zaaktype_body(catalogus, identificatie=current.get("identificatie"),
                                     omschrijving="Gewijzigd")
    _refused(catalogi.put(types.zaaktype, put_body), "PUT of a published zaaktype")
    _refused(catalogi.patch(types.zaaktype, {"omschrijving": "Gewijzigd"}),
             "PATCH of the omschrijving of a published zaaktype")
    _refused(catalogi.delete(types.zaaktype), "DELETE of a published zaaktype")
    still = fetch(catalogi, types.zaaktype, "GET of a published zaaktype after refused writes")
    assert still.get("omschrijving") == current.get("omschrijving"), (
        f"a refused PATCH changed the published zaaktype's omschrijving to "
        f"{still.get('omschrijving')!r}"
    )
    end = (date.today() + timedelta(days=365)).isoformat()
    resp = catalogi.patch(types.zaaktype, {"eindeGeldigheid": end})
    expect_status(resp, 200, f"PATCH of only eindeGeldigheid={end} of a published zaaktype")
    _refused(catalogi.patch(types.informatieobjecttype, {"omschrijving": "Gewijzigd"}),
             "PATCH of the omschrijving of a published informatieobjecttype")
    _refused(catalogi.delete(types.informatieobjecttype),
             "DELETE of a published informatieobjecttype")


def test_ztc_010_no_child_changes_on_published(catalogi: ApiClient, factory: Factory) -> None:
    """Child types of a published zaaktype cannot be created, changed or deleted: 400."""
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
        resp = catalogi.post(path, body)
        adopt(factory, catalogi, resp)
        _refused(resp, f"POST /{path} for a published zaaktype")
    _refused(catalogi.patch(types.statustypen[0], {"omschrijving": "Gewijzigd"}),
             "PATCH of a statustype of a published zaaktype")
    _refused(catalogi.delete(types.roltype), "DELETE of a roltype of a published zaaktype")
    fetch(catalogi, types.roltype, "GET of a roltype of a published zaaktype after a refused "
          "DELETE")


def test_ztc_011_no_new_relation_to_published(catalogi: ApiClient, factory: Factory) -> None:
    """ztc-011a/c (historiemodel): a child type may not be moved onto a published zaaktype;
    a concept zaaktype MAY be linked to a published informatieobjecttype."""
    catalogus = factory.catalogus()["url"]
    published = factory.zaaktype_set(catalogus)
    concept = _concept_zaaktype(factory, catalogus)["url"]
    roltype = create(factory, catalogi, "roltypen", {
        "zaaktype": concept, "omschrijving": "Adviseur", "omschrijvingGeneriek": "adviseur",
    }, "POST /roltypen for a concept zaaktype")
    resp = catalogi.put(roltype["url"], {"zaaktype": published.zaaktype,
                                         "omschrijving": "Adviseur",
                                         "omschrijvingGeneriek": "adviseur"})
    _refused(resp, "PUT of a roltype of a concept zaaktype onto a published zaaktype")
    iot = fetch(catalogi, published.informatieobjecttype, "GET of a published "
                "informatieobjecttype")
    create(factory, catalogi, "zaaktype-informatieobjecttypen", {
        "zaaktype": concept, "informatieobjecttype": iot.get("omschrijving"), "volgnummer": 1,
        "richting": "inkomend",
    }, "POST /zaaktype-informatieobjecttypen linking a concept zaaktype to a published "
       "informatieobjecttype")


def test_ztc_012_publish_needs_published_relations(catalogi: ApiClient,
                                                   factory: Factory) -> None:
    """A zaaktype related to a concept informatieobjecttype cannot be published (400); once
    that informatieobjecttype is published, it can (200, concept false)."""
    catalogus = factory.catalogus()["url"]
    types = factory.zaaktype_set(catalogus, publish=False)
    draft = factory.informatieobjecttype(catalogus, publish=False)
    create(factory, catalogi, "zaaktype-informatieobjecttypen", {
        "zaaktype": types.zaaktype, "informatieobjecttype": draft["omschrijving"],
        "volgnummer": 2, "richting": "uitgaand",
    }, "POST /zaaktype-informatieobjecttypen with a concept informatieobjecttype")
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
    resp = catalogi.post("zaaktype-informatieobjecttypen", {
        "zaaktype": zaaktype, "informatieobjecttype": foreign["omschrijving"], "volgnummer": 1,
        "richting": "inkomend"})
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
