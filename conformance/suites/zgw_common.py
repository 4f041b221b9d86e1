"""Generic rules that hold for every ZGW API (run here against the Zaken API).

Sources: "Eisen en uitgangspunten die voor alle API's gelden" on
https://vng-realisatie.github.io/gemma-zaken/standaard/ (pagination, OAS discovery),
the filter-parameter rules on the Autorisaties page, the HTTP-caching section of the
Zaken page, and the OAS itself (problem+json, API-version, CRS headers, RSIN).
One test per rule; each makes its own data through ``factory``.
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
from ..zgw import Factory, ZaaktypeSet, invalid_rsin
from ._helpers import (
    MAX_PAGES,
    adopt,
    body_or_none,
    expect_status,
    link_on_target,
    list_urls,
    page_shape,
    problem,
    rejected_field,
    summary,
    validation_problem,
    where,
)


def _unknown_uuid(factory: Factory) -> str:
    return str(uuid.UUID(int=factory.rng.getrandbits(128), version=4))


def _urls(items: list[dict[str, Any]]) -> list[Any]:
    return [i.get("url") for i in items]


# --- pagination --------------------------------------------------------------------------


def test_pagination(zaken: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet) -> None:
    """List endpoints are paginated as {count, next, previous, results}, first page 1."""
    for _ in range(2):
        factory.zaak(zaaktype_set.zaaktype)
    what = "pagination of GET /zaken"
    first = zaken.get("zaken")
    page1 = page_shape(first, what)
    assert page1["count"] >= 2, (
        f"{what}: two zaken were just created, but 'count' of {where(first)} is "
        f"{page1['count']}"
    )
    assert page1["previous"] is None, (
        f"{what}: the first page has no previous page, so 'previous' must be null; got "
        f"{page1['previous']!r}"
    )

    # Walk the next links: count must equal what can be walked through (bounded).
    seen = [i.get("url") if isinstance(i, dict) else i for i in page1["results"]]
    body, pages = page1, 1
    while body["next"] and pages < MAX_PAGES:
        link_on_target(body["next"], zaken, "next", what)
        page_number = parse_qs(urlsplit(body["next"]).query).get("page")
        assert page_number == [str(pages + 1)], (
            f"{what}: 'next' of page {pages} must be the list URL with page={pages + 1}, got "
            f"{body['next']!r}"
        )
        resp = zaken.get(body["next"])
        body = page_shape(resp, what)
        pages += 1
        if body["previous"] is not None:
            link_on_target(body["previous"], zaken, "previous", what)
        seen.extend(i.get("url") if isinstance(i, dict) else i for i in body["results"])
    if body["next"] is None:
        assert len(seen) == page1["count"], (
            f"{what}: 'count' is {page1['count']} but walking all {pages} page(s) via 'next' "
            f"gave {len(seen)} items"
        )
        assert len(set(map(str, seen))) == len(seen), (
            f"{what}: walking the pages gave {len(seen) - len(set(map(str, seen)))} duplicate "
            "item(s): pages overlap"
        )
    else:
        link_on_target(body["next"], zaken, "next", what)
        assert len(page1["results"]) <= page1["count"], (
            f"{what}: page 1 holds {len(page1['results'])} items but 'count' is "
            f"{page1['count']}"
        )

    # /zaken and /zaken?page=1 MUST give the same result.
    explicit = page_shape(zaken.get("zaken", params={"page": 1}), what)
    assert explicit["count"] == page1["count"] and _urls(explicit["results"]) == _urls(
        page1["results"]
    ) and explicit["next"] == page1["next"], (
        f"{what}: GET /zaken?page=1 must give the same result as GET /zaken; got count "
        f"{explicit['count']} vs {page1['count']}, next {explicit['next']!r} vs "
        f"{page1['next']!r}, {len(explicit['results'])} vs {len(page1['results'])} items"
    )

    # Page 0 and a page beyond the last one are errors.
    size = len(page1["results"]) or 1
    last = 1 if page1["next"] is None else math.ceil(page1["count"] / size)
    for page in (0, last + 1):
        resp = zaken.get("zaken", params={"page": page})
        assert 400 <= resp.status_code < 500, (
            f"{what}: page={page} does not exist (the first page is 1, the last {last}); "
            f"expected a 4xx error from {where(resp)}, got {summary(resp)}"
        )
        problem(resp, f"{what}, page={page}")


def test_unknown_query_parameter_rejected(zaken: ApiClient) -> None:
    """A query parameter that is not in the OAS is refused with HTTP 400."""
    what = "unknown query parameter"
    resp = zaken.get("zaken", params={"nonexistentParam": "1"})
    validation_problem(resp, what)


def test_documented_filters_applied(zaken: ApiClient, factory: Factory,
                                    zaaktype_set: ZaaktypeSet) -> None:
    """The documented list filters of GET /zaken are applied, not ignored."""
    r1 = factory.rsin()
    r2 = factory.rsin()
    while r2 == r1:
        r2 = factory.rsin()
    # A zaaktype valid since 2020, so a zaak of it may start in 2020.
    old = factory.zaaktype_set(beginGeldigheid="2020-01-01", versiedatum="2020-01-01")
    recent = factory.zaak(zaaktype_set.zaaktype, bronorganisatie=r1)
    early = factory.zaak(old.zaaktype, bronorganisatie=r2, startdatum="2020-06-01")

    def check(params: dict[str, Any], present: dict[str, Any], absent: dict[str, Any],
              rule: str) -> list[dict[str, Any]]:
        what = f"filter {'&'.join(f'{k}={v}' for k, v in params.items())}"
        items, _ = list_urls(zaken, "zaken", params, what)
        urls = _urls(items)
        assert present["url"] in urls, (
            f"{what}: the list must contain zaak {present['url']} ({rule}), but it is not "
            f"among the {len(urls)} results"
        )
        assert absent["url"] not in urls, (
            f"{what}: the list must not contain zaak {absent['url']} ({rule}); the filter "
            "was not applied"
        )
        return items

    items = check({"bronorganisatie": r1}, recent, early, f"only bronorganisatie {r1}")
    others = sorted({str(i.get("bronorganisatie")) for i in items} - {r1})
    assert not others, (
        f"filter bronorganisatie={r1}: results with other bronorganisatie values came back: "
        f"{', '.join(others[:5])}"
    )
    unrelated = factory.rsin()
    check({"bronorganisatie__in": f"{r2},{unrelated}"}, early, recent,
          f"only bronorganisatie {r2} or {unrelated}")
    items, _ = list_urls(zaken, "zaken", {"bronorganisatie__in": f"{r1},{r2}"},
                         f"filter bronorganisatie__in={r1},{r2}")
    assert {recent["url"], early["url"]} <= set(_urls(items)), (
        f"filter bronorganisatie__in={r1},{r2} (comma-separated): both zaken must be listed, "
        f"got {len(items)} results without "
        f"{[u for u in (recent['url'], early['url']) if u not in _urls(items)]}"
    )
    check({"zaaktype": old.zaaktype}, early, recent, f"only zaaktype {old.zaaktype}")
    check({"bronorganisatie__in": f"{r1},{r2}", "startdatum__gt": "2021-01-01"}, recent,
          early, "only startdatum after 2021-01-01")


# --- errors and headers -------------------------------------------------------------------


def test_errors_are_problem_json(zaken: ApiClient, factory: Factory) -> None:
    """Errors are application/problem+json with code, title, status, detail and instance.

    ``type`` is optional in the standard's ``Fout`` schema (RFC 7807: default
    ``about:blank``), so it is checked only for its form when present.
    """
    bad = zaken.post("zaken", {})
    adopt(factory, zaken, bad)
    validation_problem(bad, "POST /zaken with an empty body")

    missing = zaken.get(f"zaken/{_unknown_uuid(factory)}")
    expect_status(missing, 404, "GET of a zaak that does not exist")
    problem(missing, "GET of a zaak that does not exist")

    anonymous = zaken.get("zaken", auth=False)
    # Whether a missing token is refused at all is the ZGW-jwt-auth rule; this rule checks
    # the form of the refusal whenever there is one.
    if anonymous.status_code in (401, 403):
        problem(anonymous, "GET /zaken without a token")


def test_api_version_header(zaken: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet,
                            api_version: dict[str, str]) -> None:
    """Responses carry the header API-version with the implemented version of the standard.

    Checked on a list (200), a create (201), a refused create (400) and an unknown zaak (404).
    """
    expected = api_version["zaken"]

    def check(resp: Any) -> None:
        # Whatever the status (other rules judge those), every response carries the header.
        got = resp.headers.get("API-version")
        assert got == expected, (
            f"API-version header on HTTP {resp.status_code} from {where(resp)}: expected "
            f"{expected!r}, got {got!r}"
        )

    check(zaken.get("zaken"))
    created = zaken.post("zaken", factory.zaak_body(zaaktype_set.zaaktype))
    adopt(factory, zaken, created)
    check(created)
    invalid = zaken.post("zaken", {})
    adopt(factory, zaken, invalid)
    check(invalid)
    check(zaken.get(f"zaken/{_unknown_uuid(factory)}"))


def test_crs_headers(zaken: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet) -> None:
    """Accept-Crs/Content-Crs are required (412 without) and only EPSG:4326 is served (406)."""
    resp = zaken.get("zaken", headers={"Accept-Crs": None})
    expect_status(resp, 412, "GET /zaken without the required Accept-Crs header")

    resp = zaken.post("zaken", factory.zaak_body(zaaktype_set.zaaktype),
                      headers={"Content-Crs": None})
    adopt(factory, zaken, resp)
    expect_status(resp, 412, "POST /zaken without the required Content-Crs header")

    resp = zaken.get("zaken", headers={"Accept-Crs": "EPSG:28992"})
    expect_status(resp, 406, "GET /zaken asking for an unsupported CRS (Accept-Crs: EPSG:28992)")

    resp = zaken.get("zaken", headers={"Accept-Crs": "EPSG:4326"})
    expect_status(resp, 200, "GET /zaken with Accept-Crs: EPSG:4326")
    got = resp.headers.get("Content-Crs")
    assert got == "EPSG:4326", (
        f"GET /zaken with Accept-Crs: EPSG:4326 must answer with header Content-Crs: "
        f"EPSG:4326, got {got!r}"
    )


def test_etag_head_conditional(zaken: ApiClient, factory: Factory,
                               zaaktype_set: ZaaktypeSet) -> None:
    """Detail resources have an ETag; HEAD and If-None-Match (304) work as HTTP caching says."""
    zaak = factory.zaak(zaaktype_set.zaaktype)
    got = zaken.get(zaak["url"])
    expect_status(got, 200, "GET of a zaak")
    etag = got.headers.get("ETag")
    assert etag, f"GET {zaak['url']} must carry an ETag header, got none"

    head = zaken.head(zaak["url"])
    expect_status(head, 200, "HEAD of a zaak")
    assert head.headers.get("ETag") == etag, (
        f"HEAD {zaak['url']} must return the same ETag as GET ({etag!r}), got "
        f"{head.headers.get('ETag')!r}"
    )
    assert not head.content, (
        f"HEAD {zaak['url']} must not return a body, got {len(head.content)} bytes"
    )

    cached = zaken.get(zaak["url"], headers={"If-None-Match": etag})
    expect_status(cached, 304, f"GET with If-None-Match: {etag} (the current ETag)")
    stale = zaken.get(zaak["url"], headers={"If-None-Match": '"conformance-not-the-etag"'})
    expect_status(stale, 200, "GET with If-None-Match of another ETag")

    planned = (date.today() + timedelta(days=30)).isoformat()
    patched = zaken.patch(zaak["url"], {"einddatumGepland": planned})
    expect_status(patched, 200, f"PATCH of a zaak's einddatumGepland to {planned}")
    after = zaken.get(zaak["url"])
    expect_status(after, 200, "GET of a zaak after PATCH")
    if body_or_none(after) == body_or_none(got):
        raise RuntimeError(
            "the PATCH left the zaak's JSON unchanged, so whether the ETag follows the "
            "representation cannot be decided"
        )
    assert after.headers.get("ETag") and after.headers.get("ETag") != etag, (
        f"after a PATCH of {zaak['url']} changed its JSON, the ETag must change (it is "
        f"computed on the JSON representation), got {after.headers.get('ETag')!r}, before "
        f"{etag!r}"
    )


def test_jwt_zgw_auth(zaken: ApiClient, suite_context: Any, factory: Factory) -> None:
    """Only a JWT-ZGW token (HS256) of a known client, signed with its secret, is accepted."""
    if suite_context.auth_type != "jwt-zgw":
        pytest.skip(f"the target uses auth type {suite_context.auth_type!r}, not jwt-zgw")
    client_id, secret = suite_context.client_id, suite_context.secret
    if not client_id or not secret:
        raise RuntimeError("the run has no client_id/secret for JWT-ZGW (CONFORMANCE_RUN_SECRET)")

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    valid = zaken.get("zaken", auth=False, headers=bearer(jwt_zgw_token(client_id, secret)))
    expect_status(valid, 200, "GET /zaken with a valid JWT-ZGW token")

    wrong_secret = f"not-the-secret-{factory.tag()}-{factory.tag()}"
    refusals = {
        "without a token": {},
        "with a token signed with a wrong secret": bearer(jwt_zgw_token(client_id, wrong_secret)),
        "with a token for an unknown client_id": bearer(
            jwt_zgw_token(f"conformance-unknown-{factory.tag()}", secret)),
    }
    for case, headers in refusals.items():
        what = f"GET /zaken {case}"
        resp = zaken.get("zaken", auth=False, headers=headers)
        expect_status(resp, (401, 403), what)
        problem(resp, what)


def test_rsin_elfproef(zaken: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet) -> None:
    """bronorganisatie and verantwoordelijkeOrganisatie must be RSINs passing the 11-test."""
    cases = [
        ("bronorganisatie", invalid_rsin(factory.rsin()), "fails the 11-test"),
        ("verantwoordelijkeOrganisatie", invalid_rsin(factory.rsin()), "fails the 11-test"),
        ("bronorganisatie", factory.rsin()[:8], "has 8 digits"),
        ("bronorganisatie", "ABCDEFGHI", "has letters"),
    ]
    for field, value, why in cases:
        body = factory.zaak_body(zaaktype_set.zaaktype, **{field: value})
        resp = zaken.post("zaken", body)
        adopt(factory, zaken, resp)
        rejected_field(resp, field, f"POST /zaken with {field}={value!r}, which {why}")


def test_openapi_discovery(zaken: ApiClient, api_version: dict[str, str]) -> None:
    """The API serves its OAS at {API root}/openapi.json, without authentication."""
    what = "GET {API root}/openapi.json without a token"
    resp = zaken.get("openapi.json", auth=False)
    expect_status(resp, 200, what)
    doc = body_or_none(resp)
    assert isinstance(doc, dict), (
        f"{what}: the body must be a JSON OpenAPI document, got "
        f"{resp.headers.get('content-type')!r}: {resp.text[:120]!r}"
    )
    assert str(doc.get("openapi", "")).startswith("3."), (
        f"{what}: 'openapi' must be a 3.x version, got {doc.get('openapi')!r}"
    )
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    assert info.get("version") == api_version["zaken"], (
        f"{what}: info.version must be the implemented version {api_version['zaken']!r}, got "
        f"{info.get('version')!r}"
    )
