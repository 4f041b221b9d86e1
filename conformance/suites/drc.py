"""Documenten API 1.4.2: the generic ZGW rules on documents, and the rules drc-001..009.

Sources: https://vng-realisatie.github.io/gemma-zaken/standaard/documenten/ (the behaviour
rules), the generic "Eisen en uitgangspunten" on .../standaard/ (pagination, OAS discovery,
HTTP caching) and the Documenten API 1.4.2 OAS itself (problem+json, API-version, RSIN,
lock). Every test makes its own data through ``factory``; the run prepared a published
zaaktype with a published informatieobjecttype (``zaaktype_set``) before the suites started.
Updates of a document need its lock (drc-009), so tests that change a document lock it first.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import pytest

from ..client import ApiClient
from ..parts import api_part, lacks
from ..zgw import Factory, ZaaktypeSet
from ._helpers import (
    URL_CODES,
    adopt,
    body_or_none,
    create,
    expect_status,
    fetch,
    json_object,
    refusal,
    rejected_field,
    summary,
    where,
)
from .generic_checks import (
    check_api_version_header,
    check_errors_are_problem_json,
    check_etag_head_conditional,
    check_jwt_zgw_auth,
    check_openapi_discovery,
    check_organisation_and_identificatie_filters,
    check_pagination,
    check_rsin_elfproef,
    check_unknown_query_parameter_rejected,
    unknown_uuid,
)

DOCS = "enkelvoudiginformatieobjecten"


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
        pytest.skip(lacks(api_part("zaken"), "there is no Zaken API to relate documents to"))
    document = factory.document(types.informatieobjecttype)
    zaak = factory.zaak(types.zaaktype)
    return zaak, document


# --- generic ZGW rules on the Documenten API --------------------------------------------------


@pytest.mark.alone  # walks the whole list: 'count' against the pages
def test_pagination(documenten: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet) -> None:
    """GET /enkelvoudiginformatieobjecten is paginated as {count, next, previous, results}."""
    check_pagination(documenten, DOCS,
                     lambda: factory.document(zaaktype_set.informatieobjecttype), "documents")


def test_unknown_query_parameter_rejected(documenten: ApiClient) -> None:
    """A query parameter that is not in the OAS is refused with HTTP 400."""
    check_unknown_query_parameter_rejected(documenten, DOCS)


def test_documented_filters_applied(documenten: ApiClient, factory: Factory,
                                    zaaktype_set: ZaaktypeSet) -> None:
    """The filters bronorganisatie and identificatie of GET /enkelvoudiginformatieobjecten work."""
    check_organisation_and_identificatie_filters(
        documenten, DOCS, factory,
        lambda **fields: factory.document(zaaktype_set.informatieobjecttype, **fields),
        "bronorganisatie", "document")


def test_errors_are_problem_json(documenten: ApiClient, factory: Factory) -> None:
    """Errors are application/problem+json with code, title, status, detail and instance."""
    check_errors_are_problem_json(documenten, factory, DOCS, "document")


def test_api_version_header(documenten: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet,
                            api_version: dict[str, str]) -> None:
    """Responses of the Documenten API carry API-version with its implemented version."""
    check_api_version_header(documenten, factory, DOCS, api_version["documenten"],
                             _document_body(factory, zaaktype_set.informatieobjecttype))


def test_etag_head_conditional(documenten: ApiClient, factory: Factory,
                               zaaktype_set: ZaaktypeSet) -> None:
    """Documents have an ETag; HEAD and If-None-Match (304) work as HTTP caching says."""
    document = factory.document(zaaktype_set.informatieobjecttype)
    check_etag_head_conditional(documenten, document["url"], "document", lambda: _locked_patch(
        documenten, document, {"titel": "Conformance, gewijzigd"}, "PATCH of a document's titel"))


def test_jwt_zgw_auth(documenten: ApiClient, suite_context: Any, factory: Factory) -> None:
    """Only a JWT-ZGW token (HS256) of a known client, signed with its secret, is accepted."""
    check_jwt_zgw_auth(documenten, factory, DOCS, suite_context)


def test_rsin_elfproef(documenten: ApiClient, factory: Factory,
                       zaaktype_set: ZaaktypeSet) -> None:
    """The bronorganisatie of a document must be an RSIN passing the 11-test."""
    check_rsin_elfproef(documenten, factory, DOCS, "bronorganisatie", lambda value: _document_body(
        factory, zaaktype_set.informatieobjecttype, bronorganisatie=value))


def test_openapi_discovery(documenten: ApiClient, api_version: dict[str, str]) -> None:
    """The API serves its OAS at {API root}/openapi.json, without authentication."""
    check_openapi_discovery(documenten, api_version["documenten"], "Documenten API")



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
        (f"{base}/{unknown_uuid(factory)}", "does not exist"),
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
    missing = f"{zaak['url'].rsplit('/', 1)[0]}/{unknown_uuid(factory)}"
    resp = documenten.post("objectinformatieobjecten", {
        "informatieobject": document["url"], "object": missing, "objectType": "zaak"})
    adopt(factory, documenten, resp)
    rejected_field(resp, "object",
                   f"POST /objectinformatieobjecten with object {missing}, a zaak that does "
                   "not exist", codes=URL_CODES)


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
    refusal(again, 400, "POST /objectinformatieobjecten for a relation that exists")


def test_drc_004_relation_must_exist_in_source(documenten: ApiClient, factory: Factory,
                                               zaaktype_set: ZaaktypeSet) -> None:
    """drc-004: an objectinformatieobject needs the relation in the Zaken API first."""
    zaak, document = _zaak_with_document(factory, zaaktype_set)
    resp = documenten.post("objectinformatieobjecten", {
        "informatieobject": document["url"], "object": zaak["url"], "objectType": "zaak"})
    adopt(factory, documenten, resp)
    refusal(resp, 400, "POST /objectinformatieobjecten for a zaak and document that "
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
    refusal(refused, 400, "DELETE of a document that a zaak still relates "
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
    refusal(documenten.patch(document["url"], {"titel": "Gewijzigd"}), 400,
                       "PATCH of an unlocked document without a lock")
    refusal(documenten.put(document["url"], {**full, "lock": uuid.uuid4().hex}), 400,
                       "PUT of an unlocked document with an invented lock")
    lock = _lock(documenten, document, "drc-009")
    try:
        refusal(documenten.patch(document["url"], {"titel": "Gewijzigd"}), 400,
                           "PATCH of a locked document without the lock")
        refusal(
            documenten.patch(document["url"], {"titel": "Gewijzigd", "lock": f"x{lock}"}), 400,
            "PATCH of a locked document with a wrong lock")
        refusal(documenten.put(document["url"], full), 400,
                           "PUT of a locked document without the lock")
        resp = documenten.patch(document["url"], {"titel": "Gewijzigd", "lock": lock})
        expect_status(resp, 200, "PATCH of a locked document with its lock")
        resp = documenten.put(document["url"], {**full, "lock": lock})
        expect_status(resp, 200, "PUT of a locked document with its lock")
    finally:
        _unlock(documenten, document, lock, "POST /unlock with the document's lock")
    refusal(documenten.patch(document["url"], {"titel": "Weer", "lock": lock}), 400,
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
    refusal(documenten.post(f"{document['url']}/lock", {}), 400,
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
    refusal(early, 400, "POST /unlock with the lock before all bestandsdelen are uploaded")
    boundary = f"conformance{factory.tag()}"
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    wrong = documenten.request("PUT", parts[0]["url"], headers=headers, content=_multipart(
        {"lock": f"x{lock}".encode(), "inhoud": content[:sizes[0]]}, boundary))
    refusal(wrong, 400, "PUT of a bestandsdeel with a wrong lock")
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
