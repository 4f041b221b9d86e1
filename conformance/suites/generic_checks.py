"""The generic ZGW rules, written once and run against any ZGW API.

Sources: "Eisen en uitgangspunten die voor alle API's gelden" on
https://vng-realisatie.github.io/gemma-zaken/standaard/ (pagination, OAS discovery, HTTP
caching), the filter rules on the Autorisaties page, and each API's OAS (problem+json,
API-version, RSIN, JWT-ZGW). These are plain functions, not tests: each API's suite module
has one short test per rule that calls them with its own resource (``path``) and a way to
make an item, so the profiles keep naming ``conformance.suites.<api>:test_<rule>``.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ..auth import jwt_zgw_token
from ..client import ApiClient
from ..zgw import Factory, invalid_rsin
from ._helpers import (
    MAX_PAGES,
    adopt,
    body_or_none,
    error_format,
    expect_status,
    fetch,
    link_on_target,
    list_urls,
    page_shape,
    problem,
    refusal,
    rejected_field,
    summary,
    validation_problem,
    version_of,
    where,
)


class Tags(Protocol):
    """What makes the run's seeded random tags (a ZGW ``Factory``, a ``VerwerkingenLog``)."""

    def tag(self) -> str: ...


def unknown_uuid(factory: Factory) -> str:
    """A random UUID4 from the run's seeded generator (reproducible with the seed)."""
    return str(uuid.UUID(int=factory.rng.getrandbits(128), version=4))


def urls_of(items: list[Any]) -> list[Any]:
    """The ``url`` of each listed item (an item that is a bare URL stands for itself)."""
    return [i.get("url") if isinstance(i, dict) else i for i in items]


def post_adopted(client: ApiClient, factory: Factory, path: str, body: Any) -> httpx.Response:
    """POST; whatever the supplier creates (rightly or not) is cleaned up after the run."""
    resp = client.post(path, body)
    adopt(factory, client, resp)
    return resp


def check_pagination(client: ApiClient, path: str, make_item: Callable[[], Any],
                     noun: str = "items") -> None:
    """``GET path`` is paginated as {count, next, previous, results}; the first page is 1.

    Two items are made first; ``count`` must equal what walking ``next`` gives (bounded by
    MAX_PAGES), pages must not overlap, ``?page=1`` equals no page, and page 0 and the page
    after the last are 4xx problems.
    """
    for _ in range(2):
        make_item()
    what = f"pagination of GET /{path}"
    first = client.get(path)
    page1 = page_shape(first, what)
    assert page1["count"] >= 2, (
        f"{what}: two {noun} were just created, but 'count' of {where(first)} is "
        f"{page1['count']}"
    )
    assert page1["previous"] is None, (
        f"{what}: the first page has no previous page, so 'previous' must be null; got "
        f"{page1['previous']!r}"
    )
    seen = urls_of(page1["results"])
    body, pages = page1, 1
    while body["next"] and pages < MAX_PAGES:
        link_on_target(body["next"], client, "next", what)
        assert parse_qs(urlsplit(body["next"]).query).get("page") == [str(pages + 1)], (
            f"{what}: 'next' of page {pages} must be the list URL with page={pages + 1}, got "
            f"{body['next']!r}"
        )
        body = page_shape(client.get(body["next"]), what)
        pages += 1
        if body["previous"] is not None:
            link_on_target(body["previous"], client, "previous", what)
        seen.extend(urls_of(body["results"]))
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
        link_on_target(body["next"], client, "next", what)
        assert len(page1["results"]) <= page1["count"], (
            f"{what}: page 1 holds {len(page1['results'])} items but 'count' is "
            f"{page1['count']}"
        )
    explicit = page_shape(client.get(path, params={"page": 1}), what)
    assert explicit["count"] == page1["count"] and explicit["next"] == page1["next"] and urls_of(
        explicit["results"]) == urls_of(page1["results"]), (
        f"{what}: GET /{path}?page=1 must give the same result as GET /{path}; got count "
        f"{explicit['count']} vs {page1['count']}, next {explicit['next']!r} vs "
        f"{page1['next']!r}, {len(explicit['results'])} vs {len(page1['results'])} items"
    )
    size = len(page1["results"]) or 1
    last = 1 if page1["next"] is None else math.ceil(page1["count"] / size)
    for page in (0, last + 1):
        resp = client.get(path, params={"page": page})
        assert 400 <= resp.status_code < 500, (
            f"{what}: page={page} does not exist (the first page is 1, the last {last}); "
            f"expected a 4xx error from {where(resp)}, got {summary(resp)}"
        )
        error_format(resp, f"{what}, page={page}")


def check_unknown_query_parameter_rejected(client: ApiClient, path: str) -> None:
    """A query parameter that is not in the OAS is refused with HTTP 400."""
    refusal(client.get(path, params={"nonexistentParam": "1"}), 400,
            f"unknown query parameter on GET /{path}")


def check_filter_applied(client: ApiClient, path: str, params: dict[str, Any],
                         present: dict[str, Any], absent: dict[str, Any], noun: str,
                         rule: str = "") -> list[dict[str, Any]]:
    """``GET path?params`` lists ``present`` and not ``absent`` (a documented filter is applied,
    not ignored); returns the listed items for further checks."""
    what = f"filter {'&'.join(f'{k}={v}' for k, v in params.items())}"
    items, _ = list_urls(client, path, params, what)
    urls = urls_of(items)
    why = f" ({rule})" if rule else ""
    assert present["url"] in urls, (
        f"{what}: the list must contain {noun} {present['url']}{why}, but it is not among "
        f"the {len(urls)} results"
    )
    assert absent["url"] not in urls, (
        f"{what}: the list must not contain {noun} {absent['url']}{why}; the filter was not "
        "applied"
    )
    return items


def check_organisation_and_identificatie_filters(
        client: ApiClient, path: str, factory: Factory, make: Callable[..., dict[str, Any]],
        organisation_field: str, noun: str) -> None:
    """The organisation (RSIN) and identificatie filters of a main resource's list work: of
    two objects of different organisations, each filter lists the one and not the other."""
    r1, r2 = factory.two_rsins()
    one = make(**{organisation_field: r1})
    two = make(**{organisation_field: r2, "identificatie": f"CONF-{factory.tag()}"})
    for params, present, absent in (({organisation_field: r1}, one, two),
                                    ({"identificatie": two["identificatie"]}, two, one)):
        check_filter_applied(client, path, params, present, absent, noun)


def check_errors_are_problem_json(client: ApiClient, factory: Factory, path: str,
                                  noun: str) -> None:
    """Errors are application/problem+json with code, title, status, detail and instance.

    Checked on a create with an empty body (400), an item that does not exist (404) and, when
    the API refuses it, a request without a token (whether it must refuse is the JWT rule).
    """
    validation_problem(post_adopted(client, factory, path, {}),
                       f"POST /{path} with an empty body")
    missing = client.get(f"{path}/{unknown_uuid(factory)}")
    expect_status(missing, 404, f"GET of a {noun} that does not exist")
    problem(missing, f"GET of a {noun} that does not exist")
    anonymous = client.get(path, auth=False)
    if anonymous.status_code in (401, 403):
        problem(anonymous, f"GET /{path} without a token")


def check_api_version_header(client: ApiClient, factory: Factory, path: str, expected: str,
                             valid_body: Any) -> None:
    """Every response carries API-version with the implemented version, whatever its status.

    Checked on a list (200), a create (201), a refused create (400) and an unknown item (404).
    """
    def check(resp: httpx.Response) -> None:
        got = resp.headers.get("API-version")
        assert got == expected, (
            f"API-version header on HTTP {resp.status_code} from {where(resp)}: expected "
            f"{expected!r}, got {got!r}"
        )

    check(client.get(path))
    check(post_adopted(client, factory, path, valid_body))
    check(post_adopted(client, factory, path, {}))
    check(client.get(f"{path}/{unknown_uuid(factory)}"))


def check_etag_head_conditional(client: ApiClient, url: str, noun: str,
                                change: Callable[[], httpx.Response]) -> None:
    """A detail resource has an ETag; HEAD and If-None-Match (304) work as HTTP caching says,
    and the ETag follows the JSON representation after ``change`` (a successful update)."""
    got = client.get(url)
    expect_status(got, 200, f"GET of a {noun}")
    etag = got.headers.get("ETag")
    assert etag, f"GET {url} must carry an ETag header, got none"
    head = client.head(url)
    expect_status(head, 200, f"HEAD of a {noun}")
    assert head.headers.get("ETag") == etag, (
        f"HEAD {url} must return the same ETag as GET ({etag!r}), got "
        f"{head.headers.get('ETag')!r}"
    )
    stray = client.body_after_head(url)
    assert not stray, (f"HEAD {url} must not return a body (RFC 9110 §9.3.2), but "
                       f"{len(stray)} bytes followed the headers: {stray[:80]!r}")
    expect_status(client.get(url, headers={"If-None-Match": etag}), 304,
                  f"GET with If-None-Match: {etag} (the current ETag)")
    expect_status(client.get(url, headers={"If-None-Match": '"conformance-not-the-etag"'}),
                  200, "GET with If-None-Match of another ETag")
    expect_status(change(), 200, f"update of a {noun}")
    after = client.get(url)
    expect_status(after, 200, f"GET of a {noun} after an update")
    if body_or_none(after) == body_or_none(got):
        raise RuntimeError(f"the update left the {noun}'s JSON unchanged, so whether the ETag "
                           "follows the representation cannot be decided")
    assert after.headers.get("ETag") and after.headers.get("ETag") != etag, (
        f"after an update of {url} changed its JSON, the ETag must change (it is computed on "
        f"the JSON representation), got {after.headers.get('ETag')!r}, before {etag!r}"
    )


def check_jwt_zgw_auth(client: ApiClient, factory: Tags, path: str,
                       suite_context: Any, params: dict[str, Any] | None = None) -> None:
    """Only a JWT-ZGW token (HS256) of a known client, signed with its secret, is accepted.

    ``params``: the query a valid request needs (a list with required filters)."""
    if suite_context.auth_type != "jwt-zgw":
        pytest.skip(f"the target uses auth type {suite_context.auth_type!r}, not jwt-zgw")
    client_id, secret = suite_context.client_id, suite_context.secret
    if not client_id or not secret:
        raise RuntimeError("the run has no client_id/secret for JWT-ZGW (CONFORMANCE_RUN_SECRET)")

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    valid = client.get(path, auth=False, params=params,
                       headers=bearer(jwt_zgw_token(client_id, secret)))
    expect_status(valid, 200, f"GET /{path} with a valid JWT-ZGW token")
    refusals = {
        "without a token": {},
        "with a token signed with a wrong secret": bearer(
            jwt_zgw_token(client_id, f"not-the-secret-{factory.tag()}-{factory.tag()}")),
        "with a token for an unknown client_id": bearer(
            jwt_zgw_token(f"conformance-unknown-{factory.tag()}", secret)),
    }
    for case, headers in refusals.items():
        what = f"GET /{path} {case}"
        refusal(client.get(path, auth=False, params=params, headers=headers), (401, 403), what)


def check_rsin_elfproef(client: ApiClient, factory: Factory, path: str, field: str,
                        body_with: Callable[[str], Any]) -> None:
    """An RSIN field must hold 9 digits that pass the 11-test; ``body_with(value)`` is an
    otherwise valid create body with ``field`` set to value."""
    for value, why in ((invalid_rsin(factory.rsin()), "fails the 11-test"),
                       (factory.rsin()[:8], "has 8 digits"), ("ABCDEFGHI", "has letters")):
        rejected_field(post_adopted(client, factory, path, body_with(value)), field,
                       f"POST /{path} with {field}={value!r}, which {why}")


def check_openapi_discovery(client: ApiClient, expected_version: str, api_name: str) -> None:
    """The API serves its OAS at {API root}/openapi.json, without authentication, with
    info.version the implemented version."""
    what = f"GET {{{api_name} root}}/openapi.json without a token"
    resp = client.get("openapi.json", auth=False)
    expect_status(resp, 200, what)
    doc = body_or_none(resp)
    assert isinstance(doc, dict) and str(doc.get("openapi", "")).startswith("3."), (
        f"{what}: the body must be a JSON OpenAPI 3.x document, got "
        f"{resp.headers.get('content-type')!r}: {resp.text[:120]!r}"
    )
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    version = version_of(str(info.get("version", "")), what)
    assert version == expected_version, (
        f"{what}: info.version must be the implemented version {expected_version!r}, got "
        f"{info.get('version')!r}"
    )


def check_created_can_be_read(client: ApiClient, made: dict[str, dict[str, Any]]) -> None:
    """Each object the API just created is there to read (200, the same url): what
    schemathesis's ensure_resource_availability judges only when a generated chain creates
    and reads, made certain here for each kind."""
    for noun, obj in made.items():
        what = f"GET of a {noun} the API just created"
        body = fetch(client, obj["url"], what)
        assert body.get("url") == obj["url"], (
            f"{what}: the answer must describe {obj['url']}, got url {body.get('url')!r}")


def check_deleted_is_gone(client: ApiClient, made: dict[str, dict[str, Any]]) -> None:
    """DELETE of each object answers 2xx and the object is gone (404, no soft delete): what
    schemathesis's use_after_free judges only when a generated chain deletes and reads."""
    for noun, obj in made.items():
        resp = client.delete(obj["url"])
        expect_status(resp, (200, 204), f"DELETE of a {noun}")
        expect_status(client.get(obj["url"]), 404, f"GET of the {noun} just deleted")


def check_content_type_required(client: ApiClient, factory: Factory, path: str,
                                body: dict[str, Any]) -> None:
    """A write whose JSON body comes without the required Content-Type header is refused
    (415, as the OAS declares), never read as if it were JSON."""
    resp = client.post(path, content=json.dumps(body).encode("utf-8"),
                       headers={"Content-Type": None})
    adopt(factory, client, resp)
    expect_status(resp, 415, f"POST /{path} with a JSON body but no Content-Type header")
