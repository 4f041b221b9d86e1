"""Shared assertions for the suites.

Every assertion here states a supplier obligation and, when it fails, says what
was expected and what came back (method, path, status, error code, invalid
fields), because the message becomes the evidence on the certificate. Anything
that is the harness's own trouble raises a plain exception instead (an "error"
verdict: undecided, never "passed").
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..client import ApiClient
from ..redact import redact_text, redact_url
from ..targets import origin_of
from ..zgw import Factory

PROBLEM_JSON = "application/problem+json"
#: The members the standard's ``Fout`` schema requires (``type`` is optional there).
PROBLEM_FIELDS = ("code", "title", "status", "detail", "instance")
MAX_PAGES = 5
#: the semantic version an info.version starts with ("1.5.1" of "1.5.1 (1)")
_LEADING_SEMVER = re.compile(r"^\s*v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)")


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


class NotJudged(Exception):
    """The rule could not be judged because of another rule's deviation (``aspect``): the
    test is undecided, and the deviation counts against the rule that owns the aspect."""

    def __init__(self, aspect: str, message: str) -> None:
        super().__init__(message)
        self.aspect = aspect


#: deviations of another rule's aspect that the running test saw (suite_plugin records them
#: with the test, and attribution counts them against the aspect's owner)
_DEVIATIONS: list[dict[str, Any]] = []


def deviation(aspect: str, message: str, resp: httpx.Response | None = None) -> None:
    """Note a deviation that belongs to another rule (engine/triage.py ASPECTS)."""
    entry: dict[str, Any] = {"aspect": aspect, "message": message}
    if resp is not None:
        entry["evidence"] = {
            "request": {"method": resp.request.method, "url": redact_url(str(resp.request.url)),
                        "headers": {}, "body": None},
            "response": {"status": resp.status_code,
                         "headers": {"content-type": resp.headers.get("content-type", "")},
                         "body": redact_text(resp.text[:1000]), "truncated": len(resp.text) > 1000},
        }
    _DEVIATIONS.append(entry)


def take_deviations() -> list[dict[str, Any]]:
    """The deviations noted since the last call (one test's)."""
    taken = list(_DEVIATIONS)
    _DEVIATIONS.clear()
    return taken


def problem_faults(resp: httpx.Response, *, validation: bool = False) -> list[str]:
    """What keeps an error answer from being the standard's ``Fout`` in problem+json
    (``validation``: a 400 ``ValidatieFout``, with a well-formed ``invalidParams`` list)."""
    if media_type(resp) != PROBLEM_JSON:
        return [f"Content-Type must be {PROBLEM_JSON} on HTTP {resp.status_code} from "
                f"{where(resp)}, got {media_type(resp) or 'no Content-Type'}"]
    body = body_or_none(resp)
    if not isinstance(body, dict):
        return [f"the error body of HTTP {resp.status_code} from {where(resp)} must be a JSON "
                f"object, got {resp.text[:120]!r}"]
    missing = [name for name in PROBLEM_FIELDS if name not in body]
    if missing:
        return [f"the problem+json body of HTTP {resp.status_code} from {where(resp)} lacks "
                f"{', '.join(missing)} (required: {', '.join(PROBLEM_FIELDS)}); got keys "
                f"{sorted(body)}"]
    faults = []
    if body["status"] != resp.status_code:
        faults.append(f"problem+json 'status' must equal the HTTP status {resp.status_code} of "
                      f"{where(resp)}, got {body['status']!r}")
    faults.extend(f"problem+json '{name}' of {where(resp)} must be a string, got "
                  f"{type(body[name]).__name__} {body[name]!r}"
                  for name in ("code", "title", "detail", "instance")
                  if not isinstance(body[name], str))
    if "type" in body and not isinstance(body["type"], str):
        faults.append(f"problem+json 'type' of {where(resp)} must be a string (a URI), got "
                      f"{body['type']!r}")
    if validation:
        faults.extend(_invalid_params_faults(resp, body))
    return faults


def _invalid_params_faults(resp: httpx.Response, body: dict[str, Any]) -> list[str]:
    params = body.get("invalidParams")
    if not isinstance(params, list) or not params:
        return [f"a 400 from {where(resp)} must list the offending input in 'invalidParams' "
                f"(a non-empty array), got {params!r}"]
    if not all(isinstance(p, dict) and all(isinstance(p.get(k), str)
                                           for k in ("name", "code", "reason"))
               for p in params):
        return [f"each invalidParams entry from {where(resp)} needs string name, code and "
                f"reason, got {json.dumps(params)[:200]}"]
    return []


def problem(resp: httpx.Response, what: str, *, validation: bool = False) -> dict[str, Any]:
    """Assert the standard's error format: ``application/problem+json`` with the ``Fout``
    members (``validation``: and a well-formed ``invalidParams``). The error-format rules' own
    test; every other rule uses :func:`refusal`."""
    faults = problem_faults(resp, validation=validation)
    assert not faults, f"{what}: {'; '.join(faults)}"
    return json_object(resp, what)


def validation_problem(resp: httpx.Response, what: str) -> dict[str, Any]:
    """Assert a 400 ``ValidatieFout`` in the standard's error format (the error-format rule's
    own test)."""
    expect_status(resp, 400, what)
    return problem(resp, what, validation=True)


def refusal(resp: httpx.Response, status: int | Collection[int], what: str) -> dict[str, Any]:
    """A behaviour rule's refusal: the status is the rule's business; the error format is
    the error-format rule's, so a fault there is noted as its deviation, not asserted here.
    Returns the error body (empty when it is not a JSON object)."""
    expect_status(resp, status, what)
    return error_format(resp, what)


def error_format(resp: httpx.Response, what: str) -> dict[str, Any]:
    """Note a fault in an error answer's format as the error-format rule's deviation; return
    the body (empty when it is not a JSON object)."""
    faults = problem_faults(resp, validation=resp.status_code == 400)
    if faults:
        deviation("error-format", f"{what}: {'; '.join(faults)}", resp)
    body = body_or_none(resp)
    return body if isinstance(body, dict) else {}


def version_of(info_version: str, what: str) -> str:
    """The version an OAS info.version states: itself, or, when it is not a plain semantic
    version but starts with one ("1.5.1 (1)"), that one, with the form noted as the
    version-format rule's deviation (ADR /core/semver), not the caller's."""
    match = _LEADING_SEMVER.match(info_version)
    if match and match.group(1) != info_version:
        deviation("version-format", f"{what}: info.version {info_version!r} is not a plain "
                  f"semantic version; it was read as {match.group(1)!r}")
        return match.group(1)
    return info_version


def names_field(params: Iterable[dict[str, Any]], field: str) -> bool:
    """Does an ``invalidParams`` list name ``field`` (or an item of it, ``field.0``)?"""
    return any(p.get("name") == field or str(p.get("name", "")).startswith(field + ".")
               for p in params)


#: the codes with which implementations refuse a reference URL that names no object of the
#: right kind: ``bad-url`` and ``invalid-resource`` (the VNG reference library), and Django's
#: ``does_not_exist`` (Open Zaak, for an object of its own)
URL_CODES = frozenset({"bad-url", "invalid-resource", "does_not_exist", "does-not-exist"})


def rejected_field(resp: httpx.Response, field: str | tuple[str, ...], what: str, *,
                   codes: Collection[str] = ()) -> None:
    """Assert HTTP 400 whose ``invalidParams`` names ``field`` (or one of several names),
    with one of ``codes`` when given (the refusal is for the reason the rule is about).

    The body's full problem+json form is the error-format rule's business: a fault there is
    noted as that rule's deviation; only when the body cannot say which field was refused is
    this rule not judged (undecided), never failed for it.
    """
    names = (field,) if isinstance(field, str) else field
    wanted = " or ".join(f"'{name}'" for name in names)
    body = refusal(resp, 400, what)
    params = invalid_params(body)
    if not params:
        raise NotJudged("error-format", f"{what}: the 400 from {where(resp)} does not say which "
                        f"input it refused (no invalidParams), so whether it refused "
                        f"{wanted} cannot be judged; got {summary(resp)}")
    assert any(names_field(params, name) for name in names), (
        f"{what}: the 400 from {where(resp)} must name {wanted} in invalidParams, got "
        f"{summary(resp)}"
    )
    if codes:
        found = {str(p.get("code")) for p in params
                 if any(names_field([p], name) for name in names)}
        assert found & set(codes), (
            f"{what}: the 400 from {where(resp)} must refuse {wanted} with code "
            f"{' or '.join(sorted(codes))}, got {summary(resp)}"
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
