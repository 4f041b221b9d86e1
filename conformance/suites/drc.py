"""Documenten API 1.4.2: the generic ZGW rules on documents, and the rules drc-001..009.

Sources: https://vng-realisatie.github.io/gemma-zaken/standaard/documenten/ (the behaviour
rules), the generic "Eisen en uitgangspunten" on .../standaard/ (pagination, OAS discovery,
HTTP caching) and the Documenten API 1.4.2 OAS itself (problem+json, API-version, RSIN,
lock). Every test makes its own data through ``factory``; the run prepared a published
zaaktype with a published informatieobjecttype (``zaaktype_set``) before the suites started.
Updates of a document need its lock (drc-009), so tests that change a document lock it first.
"""

from __future__ import annotations

import math
import uuid
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ..auth import jwt_zgw_token
from ..client import ApiClient
from ..zgw import Factory, ZaaktypeSet, invalid_rsin
from ._helpers import (
    MAX_PAGES,
    adopt,
    body_or_none,
    create,
    expect_status,
    fetch,
    json_object,
    link_on_target,
    list_urls,
    page_shape,
    problem,
    rejected_field,
    summary,
    validation_problem,
    where,
)

DOCS = "enkelvoudiginformatieobjecten"


def _unknown_uuid(factory: Factory) -> str:
    return str(uuid.UUID(int=factory.rng.getrandbits(128), version=4))


def _urls(items: list[dict[str, Any]]) -> list[Any]:
    return [i.get("url") for i in items]


def _document_body(factory: Factory, iot: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "bronorganisatie": factory.rsin(),
        "creatiedatum": date.today().isoformat(),
        "titel": "Conformance document",
        "auteur": "Conformance harness",
        "taal": "nld",
        "informatieobjecttype": iot,
        "vertrouwelijkheidaanduiding": "openbaar",
    }
    body.update(overrides)
    return body


def _post_document(documenten: ApiClient, factory: Factory, body: dict[str, Any]
                   ) -> httpx.Response:
    """POST a document; whatever the supplier creates (rightly or not) is cleaned up."""
    resp = documenten.post(DOCS, body)
    adopt(factory, documenten, resp)
    return resp


def _lock(documenten: ApiClient, document: dict[str, Any], what: str) -> str:
    resp = documenten.post(f"{document['url']}/lock", {})
    expect_status(resp, 200, f"{what}: POST {{document}}/lock of an unlocked document")
    lock = json_object(resp, what).get("lock")
    assert isinstance(lock, str) and lock, (
        f"{what}: POST /lock must return the lock id in 'lock' (a non-empty string), got "
        f"{summary(resp)}"
    )
    return lock


def _unlock(documenten: ApiClient, document: dict[str, Any], lock: str | None, what: str
            ) -> None:
    resp = documenten.post(f"{document['url']}/unlock", {"lock": lock} if lock else {})
    expect_status(resp, 204, what)


def _locked_patch(documenten: ApiClient, document: dict[str, Any], body: dict[str, Any],
                  what: str) -> httpx.Response:
    """PATCH a document the way the standard prescribes: lock, change, unlock."""
    lock = _lock(documenten, document, what)
    try:
        return documenten.patch(document["url"], {**body, "lock": lock})
    finally:
        _unlock(documenten, document, lock, f"{what}: unlock after the change")


def _zaak_with_document(factory: Factory, types: ZaaktypeSet) -> tuple[dict[str, Any], ...]:
    if factory.zaken is None:
        pytest.skip("the target has no Zaken API to relate documents to")
    document = factory.document(types.informatieobjecttype)
    zaak = factory.zaak(types.zaaktype)
    return zaak, document


# --- generic ZGW rules on the Documenten API --------------------------------------------------


def test_pagination(documenten: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet) -> None:
    """GET /enkelvoudiginformatieobjecten is paginated as {count, next, previous, results}."""
    for _ in range(2):
        factory.document(zaaktype_set.informatieobjecttype)
    what = f"pagination of GET /{DOCS}"
    first = documenten.get(DOCS)
    page1 = page_shape(first, what)
    assert page1["count"] >= 2, (
        f"{what}: two documents were just created, but 'count' of {where(first)} is "
        f"{page1['count']}"
    )
    assert page1["previous"] is None, (
        f"{what}: the first page has no previous page, so 'previous' must be null; got "
        f"{page1['previous']!r}"
    )
    seen = [i.get("url") if isinstance(i, dict) else i for i in page1["results"]]
    body, pages = page1, 1
    while body["next"] and pages < MAX_PAGES:
        link_on_target(body["next"], documenten, "next", what)
        assert parse_qs(urlsplit(body["next"]).query).get("page") == [str(pages + 1)], (
            f"{what}: 'next' of page {pages} must be the list URL with page={pages + 1}, got "
            f"{body['next']!r}"
        )
        body = page_shape(documenten.get(body["next"]), what)
        pages += 1
        seen.extend(i.get("url") if isinstance(i, dict) else i for i in body["results"])
    if body["next"] is None:
        assert len(seen) == page1["count"], (
            f"{what}: 'count' is {page1['count']} but walking all {pages} page(s) via 'next' "
            f"gave {len(seen)} items"
        )
    explicit = page_shape(documenten.get(DOCS, params={"page": 1}), what)
    assert explicit["count"] == page1["count"] and _urls(explicit["results"]) == _urls(
        page1["results"]), (
        f"{what}: GET /{DOCS}?page=1 must give the same result as GET /{DOCS}; got count "
        f"{explicit['count']} vs {page1['count']}"
    )
    size = len(page1["results"]) or 1
    last = 1 if page1["next"] is None else math.ceil(page1["count"] / size)
    for page in (0, last + 1):
        resp = documenten.get(DOCS, params={"page": page})
        assert 400 <= resp.status_code < 500, (
            f"{what}: page={page} does not exist (the first page is 1, the last {last}); "
            f"expected a 4xx error from {where(resp)}, got {summary(resp)}"
        )
        problem(resp, f"{what}, page={page}")


def test_unknown_query_parameter_rejected(documenten: ApiClient) -> None:
    """A query parameter that is not in the OAS is refused with HTTP 400."""
    validation_problem(documenten.get(DOCS, params={"nonexistentParam": "1"}),
                       "unknown query parameter on the documents list")


def test_documented_filters_applied(documenten: ApiClient, factory: Factory,
                                    zaaktype_set: ZaaktypeSet) -> None:
    """The filters bronorganisatie and identificatie of GET /enkelvoudiginformatieobjecten work."""
    r1, r2 = factory.rsin(), factory.rsin()
    while r2 == r1:
        r2 = factory.rsin()
    one = factory.document(zaaktype_set.informatieobjecttype, bronorganisatie=r1)
    two = factory.document(zaaktype_set.informatieobjecttype, bronorganisatie=r2,
                           identificatie=f"CONF-{factory.tag()}")
    cases = [({"bronorganisatie": r1}, one, two),
             ({"identificatie": two["identificatie"]}, two, one)]
    for params, present, absent in cases:
        what = f"filter {'&'.join(f'{k}={v}' for k, v in params.items())}"
        items, _ = list_urls(documenten, DOCS, params, what)
        assert present["url"] in _urls(items), (
            f"{what}: the list must contain document {present['url']}, but it is not among "
            f"the {len(items)} results"
        )
        assert absent["url"] not in _urls(items), (
            f"{what}: the list must not contain document {absent['url']}; the filter was not "
            "applied"
        )


def test_errors_are_problem_json(documenten: ApiClient, factory: Factory) -> None:
    """Errors are application/problem+json with code, title, status, detail and instance."""
    validation_problem(_post_document(documenten, factory, {}),
                       f"POST /{DOCS} with an empty body")
    missing = documenten.get(f"{DOCS}/{_unknown_uuid(factory)}")
    expect_status(missing, 404, "GET of a document that does not exist")
    problem(missing, "GET of a document that does not exist")
    anonymous = documenten.get(DOCS, auth=False)
    if anonymous.status_code in (401, 403):
        problem(anonymous, f"GET /{DOCS} without a token")


def test_api_version_header(documenten: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet,
                            api_version: dict[str, str]) -> None:
    """Responses of the Documenten API carry API-version with its implemented version."""
    expected = api_version["documenten"]

    def check(resp: httpx.Response) -> None:
        got = resp.headers.get("API-version")
        assert got == expected, (
            f"API-version header on HTTP {resp.status_code} from {where(resp)}: expected "
            f"{expected!r}, got {got!r}"
        )

    check(documenten.get(DOCS))
    check(_post_document(documenten, factory,
                         _document_body(factory, zaaktype_set.informatieobjecttype)))
    check(_post_document(documenten, factory, {}))
    check(documenten.get(f"{DOCS}/{_unknown_uuid(factory)}"))


def test_etag_head_conditional(documenten: ApiClient, factory: Factory,
                               zaaktype_set: ZaaktypeSet) -> None:
    """Documents have an ETag; HEAD and If-None-Match (304) work as HTTP caching says."""
    document = factory.document(zaaktype_set.informatieobjecttype)
    got = documenten.get(document["url"])
    expect_status(got, 200, "GET of a document")
    etag = got.headers.get("ETag")
    assert etag, f"GET {document['url']} must carry an ETag header, got none"
    head = documenten.head(document["url"])
    expect_status(head, 200, "HEAD of a document")
    assert head.headers.get("ETag") == etag, (
        f"HEAD {document['url']} must return the same ETag as GET ({etag!r}), got "
        f"{head.headers.get('ETag')!r}"
    )
    assert not head.content, (
        f"HEAD {document['url']} must not return a body, got {len(head.content)} bytes"
    )
    cached = documenten.get(document["url"], headers={"If-None-Match": etag})
    expect_status(cached, 304, f"GET with If-None-Match: {etag} (the current ETag)")
    stale = documenten.get(document["url"],
                           headers={"If-None-Match": '"conformance-not-the-etag"'})
    expect_status(stale, 200, "GET with If-None-Match of another ETag")
    patched = _locked_patch(documenten, document, {"titel": "Conformance, gewijzigd"},
                            "PATCH of a document's titel")
    expect_status(patched, 200, "PATCH of a locked document's titel with its lock")
    after = documenten.get(document["url"])
    expect_status(after, 200, "GET of a document after PATCH")
    assert after.headers.get("ETag") and after.headers.get("ETag") != etag, (
        f"after a PATCH of {document['url']} changed its JSON, the ETag must change, got "
        f"{after.headers.get('ETag')!r}, before {etag!r}"
    )


def test_jwt_zgw_auth(documenten: ApiClient, suite_context: Any, factory: Factory) -> None:
    """Only a JWT-ZGW token (HS256) of a known client, signed with its secret, is accepted."""
    if suite_context.auth_type != "jwt-zgw":
        pytest.skip(f"the target uses auth type {suite_context.auth_type!r}, not jwt-zgw")
    client_id, secret = suite_context.client_id, suite_context.secret
    if not client_id or not secret:
        raise RuntimeError("the run has no client_id/secret for JWT-ZGW (CONFORMANCE_RUN_SECRET)")

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    valid = documenten.get(DOCS, auth=False, headers=bearer(jwt_zgw_token(client_id, secret)))
    expect_status(valid, 200, f"GET /{DOCS} with a valid JWT-ZGW token")
    wrong = f"not-the-secret-{factory.tag()}-{factory.tag()}"
    refusals = {
        "without a token": {},
        "with a token signed with a wrong secret": bearer(jwt_zgw_token(client_id, wrong)),
        "with a token for an unknown client_id": bearer(
            jwt_zgw_token(f"conformance-unknown-{factory.tag()}", secret)),
    }
    for case, headers in refusals.items():
        what = f"GET /{DOCS} {case}"
        resp = documenten.get(DOCS, auth=False, headers=headers)
        expect_status(resp, (401, 403), what)
        problem(resp, what)


def test_rsin_elfproef(documenten: ApiClient, factory: Factory,
                       zaaktype_set: ZaaktypeSet) -> None:
    """The bronorganisatie of a document must be an RSIN passing the 11-test."""
    for value, why in ((invalid_rsin(factory.rsin()), "fails the 11-test"),
                       (factory.rsin()[:8], "has 8 digits"), ("ABCDEFGHI", "has letters")):
        body = _document_body(factory, zaaktype_set.informatieobjecttype, bronorganisatie=value)
        rejected_field(_post_document(documenten, factory, body), "bronorganisatie",
                       f"POST /{DOCS} with bronorganisatie={value!r}, which {why}")


def test_openapi_discovery(documenten: ApiClient, api_version: dict[str, str]) -> None:
    """The API serves its OAS at {API root}/openapi.json, without authentication."""
    what = "GET {Documenten API root}/openapi.json without a token"
    resp = documenten.get("openapi.json", auth=False)
    expect_status(resp, 200, what)
    doc = body_or_none(resp)
    assert isinstance(doc, dict) and str(doc.get("openapi", "")).startswith("3."), (
        f"{what}: the body must be a JSON OpenAPI 3.x document, got "
        f"{resp.headers.get('content-type')!r}: {resp.text[:120]!r}"
    )
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    assert info.get("version") == api_version["documenten"], (
        f"{what}: info.version must be the implemented version {api_version['documenten']!r}, "
        f"got {info.get('version')!r}"
    )


# --- Documenten API behaviour rules -----------------------------------------------------------


def test_drc_001_informatieobjecttype_must_resolve(documenten: ApiClient, factory: Factory,
                                                   zaaktype_set: ZaaktypeSet) -> None:
    """drc-001: informatieobjecttype resolves, is an informatieobjecttype and is published."""
    ok = _post_document(documenten, factory,
                        _document_body(factory, zaaktype_set.informatieobjecttype))
    expect_status(ok, 201, f"POST /{DOCS} with a published informatieobjecttype")
    base = zaaktype_set.informatieobjecttype.rsplit("/", 1)[0]
    concept = factory.informatieobjecttype(zaaktype_set.catalogus, publish=False)
    cases = [
        (f"{base}/{_unknown_uuid(factory)}", "does not exist"),
        (zaaktype_set.zaaktype, "is a zaaktype, not an informatieobjecttype"),
        (concept["url"], "is a concept (not published)"),
    ]
    for iot, why in cases:
        body = _document_body(factory, zaaktype_set.informatieobjecttype,
                              informatieobjecttype=iot)
        rejected_field(_post_document(documenten, factory, body), "informatieobjecttype",
                       f"POST /{DOCS} with informatieobjecttype {iot}, which {why}")
    document = json_object(ok, f"POST /{DOCS} with a published informatieobjecttype")
    what = "PATCH of a document to a concept informatieobjecttype"
    rejected_field(_locked_patch(documenten, document, {"informatieobjecttype": concept["url"]},
                                 what), "informatieobjecttype", what)


def test_drc_002_object_must_resolve(documenten: ApiClient, factory: Factory,
                                     zaaktype_set: ZaaktypeSet) -> None:
    """drc-002: the object of an objectinformatieobject must resolve (else 400 on object)."""
    zaak, document = _zaak_with_document(factory, zaaktype_set)
    missing = f"{zaak['url'].rsplit('/', 1)[0]}/{_unknown_uuid(factory)}"
    resp = documenten.post("objectinformatieobjecten", {
        "informatieobject": document["url"], "object": missing, "objectType": "zaak"})
    adopt(factory, documenten, resp)
    rejected_field(resp, "object",
                   f"POST /objectinformatieobjecten with object {missing}, a zaak that does "
                   "not exist")


def test_drc_003_relation_unique(documenten: ApiClient, factory: Factory,
                                 zaaktype_set: ZaaktypeSet) -> None:
    """drc-003: (object, informatieobject) is unique among the objectinformatieobjecten."""
    zaak, document = _zaak_with_document(factory, zaaktype_set)
    factory.zaakinformatieobject(zaak["url"], document["url"])
    what = "objectinformatieobjecten of a document linked to one zaak"
    resp = documenten.get("objectinformatieobjecten",
                          params={"informatieobject": document["url"]})
    expect_status(resp, 200, what)
    items = body_or_none(resp)
    items = items.get("results") if isinstance(items, dict) else items
    matching = [i for i in items or [] if isinstance(i, dict) and i.get("object") == zaak["url"]]
    assert len(matching) == 1, (
        f"{what}: after the Zaken API linked the document to zaak {zaak['url']} (zrc-005), "
        f"{where(resp)} must list exactly one relation with that zaak, got {len(matching)}"
    )
    again = documenten.post("objectinformatieobjecten", {
        "informatieobject": document["url"], "object": zaak["url"], "objectType": "zaak"})
    adopt(factory, documenten, again)
    validation_problem(again, "POST /objectinformatieobjecten for a relation that exists")


def test_drc_004_relation_must_exist_in_source(documenten: ApiClient, factory: Factory,
                                               zaaktype_set: ZaaktypeSet) -> None:
    """drc-004: an objectinformatieobject needs the relation in the Zaken API first."""
    zaak, document = _zaak_with_document(factory, zaaktype_set)
    resp = documenten.post("objectinformatieobjecten", {
        "informatieobject": document["url"], "object": zaak["url"], "objectType": "zaak"})
    adopt(factory, documenten, resp)
    validation_problem(resp, "POST /objectinformatieobjecten for a zaak and document that "
                             "the Zaken API does not relate (no zaakinformatieobject)")


def test_drc_005_ontvangstdatum_status(documenten: ApiClient, factory: Factory,
                                       zaaktype_set: ZaaktypeSet) -> None:
    """drc-005: with an ontvangstdatum, status in_bewerking/ter_vaststelling is refused."""
    iot = zaaktype_set.informatieobjecttype
    received = date.today().isoformat()
    for status in ("in_bewerking", "ter_vaststelling"):
        body = _document_body(factory, iot, ontvangstdatum=received, status=status)
        rejected_field(_post_document(documenten, factory, body), "status",
                       f"POST /{DOCS} with ontvangstdatum and status {status}")
    body = _document_body(factory, iot, ontvangstdatum=received, status="definitief")
    expect_status(_post_document(documenten, factory, body), 201,
                  f"POST /{DOCS} with ontvangstdatum and status definitief")
    document = factory.document(iot, ontvangstdatum=received)
    resp = _locked_patch(documenten, document, {"status": "in_bewerking"},
                         "PATCH of a received document to status in_bewerking")
    rejected_field(resp, "status", "PATCH of a received document to status in_bewerking")


def test_drc_006_indicatie_gebruiksrecht(documenten: ApiClient, factory: Factory,
                                         zaaktype_set: ZaaktypeSet) -> None:
    """drc-006: indicatieGebruiksrecht is true while gebruiksrechten exist, else null."""
    document = factory.document(zaaktype_set.informatieobjecttype)

    def indicatie(moment: str) -> Any:
        return fetch(documenten, document["url"], f"GET of the document {moment}").get(
            "indicatieGebruiksrecht", "(absent)")

    got = indicatie("just created without gebruiksrechten")
    assert got is None, (
        f"drc-006: a new document without gebruiksrechten must have indicatieGebruiksrecht "
        f"null, got {got!r}"
    )
    rechten = []
    for n in (1, 2):
        rechten.append(create(factory, documenten, "gebruiksrechten", {
            "informatieobject": document["url"], "startdatum": "2024-01-01T00:00:00Z",
            "omschrijvingVoorwaarden": f"Conformance voorwaarde {n}",
        }, f"POST /gebruiksrechten (number {n}) for a document"))
        got = indicatie(f"after creating gebruiksrecht number {n}")
        assert got is True, (
            f"drc-006: after creating gebruiksrecht number {n} for {document['url']}, "
            f"indicatieGebruiksrecht must be true, got {got!r}"
        )
    for n, recht in enumerate(rechten, 1):
        resp = documenten.delete(recht["url"])
        expect_status(resp, 204, f"DELETE of gebruiksrecht number {n}")
        got = indicatie(f"after deleting gebruiksrecht {n} of 2")
        expected = True if n < len(rechten) else None
        assert got is expected, (
            f"drc-006: after deleting gebruiksrecht {n} of {len(rechten)} of {document['url']}, "
            f"indicatieGebruiksrecht must be {'true' if expected else 'null'}, got {got!r}"
        )


def test_drc_007_vertrouwelijkheid_derived(documenten: ApiClient, factory: Factory,
                                           zaaktype_set: ZaaktypeSet) -> None:
    """drc-007: without a vertrouwelijkheidaanduiding, a document gets its type's."""
    iot = factory.create(factory.catalogi, "informatieobjecttypen", {
        "catalogus": zaaktype_set.catalogus,
        "omschrijving": f"Conformance vertrouwelijk {factory.tag()}",
        "vertrouwelijkheidaanduiding": "zaakvertrouwelijk",
        "beginGeldigheid": date.today().isoformat(),
        "informatieobjectcategorie": "test",
    })
    factory.publish(iot["url"])
    body = _document_body(factory, iot["url"])
    body.pop("vertrouwelijkheidaanduiding")
    created = create(factory, documenten, DOCS, body,
                     f"POST /{DOCS} without vertrouwelijkheidaanduiding")
    stored = fetch(documenten, created["url"], "GET of the document")
    assert stored.get("vertrouwelijkheidaanduiding") == "zaakvertrouwelijk", (
        f"drc-007: a document of an informatieobjecttype with vertrouwelijkheidaanduiding "
        f"zaakvertrouwelijk, created without one, must get zaakvertrouwelijk; got "
        f"{stored.get('vertrouwelijkheidaanduiding')!r}"
    )
    explicit = create(factory, documenten, DOCS,
                      _document_body(factory, iot["url"], vertrouwelijkheidaanduiding="geheim"),
                      f"POST /{DOCS} with vertrouwelijkheidaanduiding geheim")
    assert explicit.get("vertrouwelijkheidaanduiding") == "geheim", (
        f"drc-007: an explicit vertrouwelijkheidaanduiding geheim must be kept, got "
        f"{explicit.get('vertrouwelijkheidaanduiding')!r}"
    )


def test_drc_008_delete_refused_while_related(documenten: ApiClient, zaken: ApiClient,
                                              factory: Factory,
                                              zaaktype_set: ZaaktypeSet) -> None:
    """drc-008: a document cannot be deleted while an objectinformatieobject relates it."""
    zaak, document = _zaak_with_document(factory, zaaktype_set)
    zio = factory.zaakinformatieobject(zaak["url"], document["url"])
    refused = documenten.delete(document["url"])
    validation_problem(refused, "DELETE of a document that a zaak still relates "
                                "(objectinformatieobject exists)")
    fetch(documenten, document["url"], "GET of the document after the refused DELETE")
    expect_status(zaken.delete(zio["url"]), 204, "DELETE of the zaakinformatieobject")
    expect_status(documenten.delete(document["url"]), 204,
                  "DELETE of the document after its last relation was removed")


def test_drc_008_delete_is_hard(documenten: ApiClient, factory: Factory,
                                zaaktype_set: ZaaktypeSet) -> None:
    """drc-008: deleting a document removes it, its gebruiksrechten and its audit trail."""
    document = factory.document(zaaktype_set.informatieobjecttype)
    recht = create(factory, documenten, "gebruiksrechten", {
        "informatieobject": document["url"], "startdatum": "2024-01-01T00:00:00Z",
        "omschrijvingVoorwaarden": "Conformance voorwaarde",
    }, "POST /gebruiksrechten for a document")
    expect_status(documenten.delete(document["url"]), 204, "DELETE of an unrelated document")
    expect_status(documenten.get(document["url"]), 404, "GET of the deleted document")
    expect_status(documenten.get(recht["url"]), 404,
                  "GET of a gebruiksrecht of the deleted document (a hard delete removes it)")
    trail = documenten.get(f"{document['url']}/audittrail")
    if trail.status_code == 200:
        entries = body_or_none(trail)
        assert not entries, (
            f"drc-008: the audit trail of a deleted document must be gone, but "
            f"{where(trail)} still lists {len(entries) if isinstance(entries, list) else '?'} "
            "entries"
        )
    else:
        expect_status(trail, 404, "GET of the audit trail of the deleted document")


def test_drc_009_update_requires_lock(documenten: ApiClient, factory: Factory,
                                      zaaktype_set: ZaaktypeSet) -> None:
    """drc-009: PUT/PATCH need the document's current lock id; else HTTP 400."""
    document = factory.document(zaaktype_set.informatieobjecttype)
    full = _document_body(factory, zaaktype_set.informatieobjecttype,
                          bronorganisatie=document["bronorganisatie"],
                          identificatie=document["identificatie"], titel="Gewijzigd")
    validation_problem(documenten.patch(document["url"], {"titel": "Gewijzigd"}),
                       "PATCH of an unlocked document without a lock")
    validation_problem(documenten.put(document["url"], {**full, "lock": uuid.uuid4().hex}),
                       "PUT of an unlocked document with an invented lock")
    lock = _lock(documenten, document, "drc-009")
    try:
        validation_problem(documenten.patch(document["url"], {"titel": "Gewijzigd"}),
                           "PATCH of a locked document without the lock")
        validation_problem(
            documenten.patch(document["url"], {"titel": "Gewijzigd", "lock": f"x{lock}"}),
            "PATCH of a locked document with a wrong lock")
        validation_problem(documenten.put(document["url"], full),
                           "PUT of a locked document without the lock")
        resp = documenten.patch(document["url"], {"titel": "Gewijzigd", "lock": lock})
        expect_status(resp, 200, "PATCH of a locked document with its lock")
        resp = documenten.put(document["url"], {**full, "lock": lock})
        expect_status(resp, 200, "PUT of a locked document with its lock")
    finally:
        _unlock(documenten, document, lock, "POST /unlock with the document's lock")
    validation_problem(documenten.patch(document["url"], {"titel": "Weer", "lock": lock}),
                       "PATCH of a document, after unlock, with its former lock")


def test_drc_009_lock_unlock_cycle(documenten: ApiClient, factory: Factory,
                                   zaaktype_set: ZaaktypeSet) -> None:
    """drc-009: lock gives an id and sets locked; a second lock is refused; unlock releases."""
    document = factory.document(zaaktype_set.informatieobjecttype)
    assert document.get("locked") is False, (
        f"drc-009: a new document must have locked false, got {document.get('locked')!r}"
    )
    first = _lock(documenten, document, "drc-009 lock")
    state = fetch(documenten, document["url"], "GET of a locked document")
    assert state.get("locked") is True, (
        f"drc-009: after POST /lock the document must show locked true, got "
        f"{state.get('locked')!r}"
    )
    validation_problem(documenten.post(f"{document['url']}/lock", {}),
                       "POST /lock of a document that is already locked")
    # forced unlock: without the lock id (the harness's client holds all scopes)
    _unlock(documenten, document, None, "POST /unlock without a lock id (forced unlock)")
    state = fetch(documenten, document["url"], "GET of a document after a forced unlock")
    assert state.get("locked") is False, (
        f"drc-009: after a forced unlock the document must show locked false, got "
        f"{state.get('locked')!r}"
    )
    second = _lock(documenten, document, "drc-009 lock again")
    assert second != first, (
        f"drc-009: each lock must get a new, unguessable lock id; got {first!r} twice"
    )
    _unlock(documenten, document, second, "POST /unlock with the lock id")
    state = fetch(documenten, document["url"], "GET of a document after unlock")
    assert state.get("locked") is False, (
        f"drc-009: after POST /unlock the document must show locked false, got "
        f"{state.get('locked')!r}"
    )


def _multipart(fields: dict[str, bytes], boundary: str) -> bytes:
    out = b""
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\""
                + ("; filename=\"deel.bin\"\r\nContent-Type: application/octet-stream"
                   if name == "inhoud" else "") + "\r\n\r\n").encode() + value + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def test_chunked_upload(documenten: ApiClient, factory: Factory,
                        zaaktype_set: ZaaktypeSet) -> None:
    """A document's content can be uploaded in bestandsdelen, then unlocked and downloaded.

    POST without inhoud but with bestandsomvang locks the document and lists the parts;
    each part is PUT (multipart/form-data with the lock); unlock before all parts are in is
    refused; after the unlock the download is the joined content.
    """
    size = 2500
    content = bytes((i * 7 + 3) % 256 for i in range(size))
    body = _document_body(factory, zaaktype_set.informatieobjecttype, bestandsomvang=size,
                          bestandsnaam="conformance.bin", formaat="application/octet-stream")
    created = create(factory, documenten, DOCS, body,
                     f"POST /{DOCS} with bestandsomvang {size} and no inhoud (upload in parts)")
    lock = created.get("lock")
    assert isinstance(lock, str) and lock, (
        f"a document created for an upload in parts must come back locked with its 'lock' id, "
        f"got lock={lock!r}"
    )
    parts = created.get("bestandsdelen")
    assert isinstance(parts, list) and parts and all(isinstance(p, dict) for p in parts), (
        f"a document created with bestandsomvang {size} and no inhoud must list its "
        f"bestandsdelen, got {parts!r}"
    )
    parts = sorted(parts, key=lambda p: p.get("volgnummer", 0))
    sizes = [p.get("omvang") for p in parts]
    assert all(isinstance(n, int) and n > 0 for n in sizes) and sum(sizes) == size, (
        f"the omvang of the bestandsdelen must add up to bestandsomvang {size}, got {sizes}"
    )
    early = documenten.post(f"{created['url']}/unlock", {"lock": lock})
    validation_problem(early, "POST /unlock with the lock before all bestandsdelen are uploaded")
    boundary = f"conformance{factory.tag()}"
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    wrong = documenten.request("PUT", parts[0]["url"], headers=headers, content=_multipart(
        {"lock": f"x{lock}".encode(), "inhoud": content[:sizes[0]]}, boundary))
    validation_problem(wrong, "PUT of a bestandsdeel with a wrong lock")
    offset = 0
    for part in parts:
        chunk = content[offset:offset + part["omvang"]]
        offset += part["omvang"]
        resp = documenten.request("PUT", part["url"], headers=headers, content=_multipart(
            {"lock": lock.encode(), "inhoud": chunk}, boundary))
        what = f"PUT of bestandsdeel {part.get('volgnummer')} ({len(chunk)} bytes) with the lock"
        expect_status(resp, 200, what)
        assert json_object(resp, what).get("voltooid") is True, (
            f"{what}: the answer must show voltooid true, got {summary(resp)}"
        )
    _unlock(documenten, created, lock, "POST /unlock with the lock after all bestandsdelen")
    stored = fetch(documenten, created["url"], "GET of the document after the upload")
    assert stored.get("locked") is False and not stored.get("bestandsdelen"), (
        f"after the unlock the upload is complete: locked false and no bestandsdelen, got "
        f"locked={stored.get('locked')!r}, bestandsdelen={stored.get('bestandsdelen')!r}"
    )
    assert isinstance(stored.get("inhoud"), str), (
        f"after the upload the document's 'inhoud' must be its download URL, got "
        f"{stored.get('inhoud')!r}"
    )
    download = documenten.get(stored["inhoud"])
    expect_status(download, 200, "GET of the download URL of the uploaded document")
    assert download.content == content, (
        f"the download of {created['url']} must be the {size} bytes uploaded in "
        f"{len(parts)} parts; got {len(download.content)} bytes"
        + (" (different content)" if len(download.content) == size else "")
    )
