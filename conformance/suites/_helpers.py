"""Shared assertions for the suites.

Every assertion here states a supplier obligation and, when it fails, says what
was expected and what came back (method, path, status, error code, invalid
fields), because the message becomes the evidence on the certificate. Anything
that is the harness's own trouble raises a plain exception instead (an "error"
verdict: undecided, never "passed").
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..client import ApiClient
from ..targets import origin_of
from ..zgw import Factory

PROBLEM_JSON = "application/problem+json"
#: The members the standard's ``Fout`` schema requires (``type`` is optional there).
PROBLEM_FIELDS = ("code", "title", "status", "detail", "instance")
MAX_PAGES = 5


def where(resp: httpx.Response) -> str:
    """``GET /zaken/api/v1/zaken?page=2``: the request in a line, without credentials."""
    url = resp.request.url
    query = url.query.decode("ascii", "replace") if url.query else ""
    return f"{resp.request.method} {url.path}{'?' + query if query else ''}"


def media_type(resp: httpx.Response) -> str:
    return resp.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def body_or_none(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except (ValueError, UnicodeDecodeError):
        return None


def invalid_params(body: Any) -> list[dict[str, Any]]:
    """The ``invalidParams`` entries of a body, or [] when there are none (no assertion)."""
    if not isinstance(body, dict) or not isinstance(body.get("invalidParams"), list):
        return []
    return [p for p in body["invalidParams"] if isinstance(p, dict)]


def summary(resp: httpx.Response) -> str:
    """What came back, in one line: status, error code and the fields named invalid."""
    text = f"HTTP {resp.status_code}"
    ctype = media_type(resp)
    if ctype:
        text += f" ({ctype})"
    body = body_or_none(resp)
    if isinstance(body, dict) and ("code" in body or "invalidParams" in body):
        text += f" code={body.get('code')!r}"
        params = invalid_params(body)
        if params:
            text += " invalidParams=[" + ", ".join(
                f"{p.get('name')}: {p.get('code')}" for p in params[:8]) + "]"
        elif body.get("detail"):
            text += f" detail={str(body.get('detail'))[:160]!r}"
    elif resp.content:
        snippet = resp.text[:200].replace("\n", " ")
        text += f" body={snippet!r}"
    return text


def expect_status(resp: httpx.Response, expected: int | Collection[int], what: str) -> None:
    allowed = (expected,) if isinstance(expected, int) else tuple(expected)
    shown = " or ".join(str(s) for s in allowed)
    assert resp.status_code in allowed, (
        f"{what}: expected HTTP {shown} from {where(resp)}, got {summary(resp)}"
    )


def json_object(resp: httpx.Response, what: str) -> dict[str, Any]:
    body = body_or_none(resp)
    assert isinstance(body, dict), (
        f"{what}: expected a JSON object from {where(resp)}, got HTTP {resp.status_code} "
        f"{media_type(resp) or 'without Content-Type'}: {resp.text[:200]!r}"
    )
    return body


def problem(resp: httpx.Response, what: str) -> dict[str, Any]:
    """Assert an ``application/problem+json`` error body with the ``Fout`` members."""
    assert media_type(resp) == PROBLEM_JSON, (
        f"{what}: expected Content-Type {PROBLEM_JSON} on HTTP {resp.status_code} from "
        f"{where(resp)}, got {media_type(resp) or 'no Content-Type'}"
    )
    body = json_object(resp, what)
    missing = [name for name in PROBLEM_FIELDS if name not in body]
    assert not missing, (
        f"{what}: the problem+json body of HTTP {resp.status_code} from {where(resp)} lacks "
        f"{', '.join(missing)} (required: {', '.join(PROBLEM_FIELDS)}); got keys "
        f"{sorted(body)}"
    )
    assert body["status"] == resp.status_code, (
        f"{what}: problem+json 'status' must equal the HTTP status {resp.status_code} of "
        f"{where(resp)}, got {body['status']!r}"
    )
    for name in ("code", "title", "detail", "instance"):
        assert isinstance(body[name], str), (
            f"{what}: problem+json '{name}' of {where(resp)} must be a string, got "
            f"{type(body[name]).__name__} {body[name]!r}"
        )
    if "type" in body:
        assert isinstance(body["type"], str), (
            f"{what}: problem+json 'type' of {where(resp)} must be a string (a URI), got "
            f"{body['type']!r}"
        )
    return body


def validation_problem(resp: httpx.Response, what: str) -> dict[str, Any]:
    """Assert a 400 ``ValidatieFout``: problem+json plus well-formed ``invalidParams``."""
    expect_status(resp, 400, what)
    body = problem(resp, what)
    params = body.get("invalidParams")
    assert isinstance(params, list) and params, (
        f"{what}: a 400 from {where(resp)} must list the offending input in 'invalidParams' "
        f"(a non-empty array), got {params!r}"
    )
    for entry in params:
        assert isinstance(entry, dict) and all(
            isinstance(entry.get(key), str) for key in ("name", "code", "reason")
        ), (
            f"{what}: each invalidParams entry from {where(resp)} needs string name, code and "
            f"reason, got {json.dumps(entry)[:200]}"
        )
    return body


def names_field(params: Iterable[dict[str, Any]], field: str) -> bool:
    """Does an ``invalidParams`` list name ``field`` (or an item of it, ``field.0``)?"""
    return any(p.get("name") == field or str(p.get("name", "")).startswith(field + ".")
               for p in params)


def rejected_field(resp: httpx.Response, field: str, what: str) -> None:
    """Assert HTTP 400 whose ``invalidParams`` names ``field``.

    The body's full problem+json form is the ZGW-problem-json rule's business, so it is
    not re-checked here: a rule test fails only for its own rule.
    """
    expect_status(resp, 400, what)
    params = invalid_params(body_or_none(resp))
    assert names_field(params, field), (
        f"{what}: the 400 from {where(resp)} must name '{field}' in invalidParams, got "
        f"{summary(resp)}"
    )


def adopt(factory: Factory, client: ApiClient, resp: httpx.Response) -> dict[str, Any] | None:
    """Register an object the supplier created (rightly or wrongly) for cleanup."""
    if resp.status_code not in (200, 201):
        return None
    body = body_or_none(resp)
    if isinstance(body, dict) and isinstance(body.get("url"), str):
        factory.created.append((client, body["url"]))
        return body
    return None


def create(factory: Factory, client: ApiClient, path: str, body: dict[str, Any],
           what: str) -> dict[str, Any]:
    """POST that the supplier MUST accept; the object is cleaned up afterwards.

    201 is the right status, but 200 still shows acceptance: a wrong success status is the
    OAS status-code rule's finding, not the business rule's.
    """
    resp = client.post(path, body)
    adopt(factory, client, resp)
    expect_status(resp, (201, 200), what)
    created = json_object(resp, what)
    assert isinstance(created.get("url"), str), (
        f"{what}: the answer from {where(resp)} must carry the new object's 'url', got keys "
        f"{sorted(created)}"
    )
    return created


def fetch(client: ApiClient, url: str, what: str) -> dict[str, Any]:
    """GET an object the supplier MUST be able to return (200, JSON object)."""
    resp = client.get(url)
    expect_status(resp, 200, what)
    return json_object(resp, what)


def page_shape(resp: httpx.Response, what: str) -> dict[str, Any]:
    """Assert the ZGW pagination body ``{count, next, previous, results}``."""
    expect_status(resp, 200, what)
    body = json_object(resp, what)
    missing = [k for k in ("count", "next", "previous", "results") if k not in body]
    assert not missing, (
        f"{what}: a list response must be {{count, next, previous, results}}; "
        f"{where(resp)} lacks {', '.join(missing)} (keys: {sorted(body)})"
    )
    assert isinstance(body["count"], int) and not isinstance(body["count"], bool) \
        and body["count"] >= 0, (
            f"{what}: 'count' of {where(resp)} must be a non-negative integer, got "
            f"{body['count']!r}"
        )
    assert isinstance(body["results"], list), (
        f"{what}: 'results' of {where(resp)} must be an array, got "
        f"{type(body['results']).__name__}"
    )
    for key in ("next", "previous"):
        assert body[key] is None or isinstance(body[key], str), (
            f"{what}: '{key}' of {where(resp)} must be null or a URL, got {body[key]!r}"
        )
    return body


def link_on_target(link: str, client: ApiClient, key: str, what: str) -> None:
    """Assert a pagination link is an absolute URL on the API's own origin."""
    parts = urlsplit(link)
    assert parts.scheme in ("http", "https") and parts.netloc, (
        f"{what}: '{key}' must be an absolute URL, got {link!r}"
    )
    assert origin_of(link) == origin_of(client.base_url), (
        f"{what}: '{key}' must stay on the API's origin {origin_of(client.base_url)}, got "
        f"{link!r} (not followed)"
    )


def list_items(resp: httpx.Response, what: str) -> list[dict[str, Any]]:
    """The items of a 200 list answer that may or may not be paginated (each API's OAS
    decides): ``results`` of a page, or the array itself."""
    expect_status(resp, 200, what)
    body = body_or_none(resp)
    items = body.get("results") if isinstance(body, dict) else body
    assert isinstance(items, list), f"{what}: {where(resp)} must return a list, got {body!r}"
    return [i for i in items if isinstance(i, dict)]


def list_urls(client: ApiClient, path: str, params: dict[str, Any], what: str,
              max_pages: int = MAX_PAGES) -> tuple[list[dict[str, Any]], bool]:
    """Walk a filtered list (at most ``max_pages``); return its items and whether it ended."""
    resp = client.get(path, params=params)
    body = page_shape(resp, what)
    items = [i for i in body["results"] if isinstance(i, dict)]
    pages = 1
    while body["next"] and pages < max_pages:
        link_on_target(body["next"], client, "next", what)
        body = page_shape(client.get(body["next"]), what)
        items.extend(i for i in body["results"] if isinstance(i, dict))
        pages += 1
    return items, body["next"] is None
