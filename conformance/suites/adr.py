"""The technical API Design Rules (Logius ADR 2.1), checked on the live API and its document.

Source: https://gitdocumentatie.logius.nl/publicatie/api/adr/2.1.0/ (rule ids ``/core/...``).
Every test runs against each API the profile tests (``apis_under_test``), whatever standard
it implements: a ZGW API inside ``zrc-1.5`` or any API with an OpenAPI document in
``adr-2.1``. Rules that can be seen at run time are checked live; the others are checked on
the document the supplier publishes at ``<API root>/openapi.json``. Every probe is derived
from that document (which path, which query parameter), so no rule assumes ZGW.
"""

from __future__ import annotations

import re
import socket
import ssl
import uuid
import warnings
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from ..adr_document import (
    DATE_FORMATS,
    broken_refs,
    date_props,
    info_version,
    missing_contact,
    non_camel_query_keys,
    non_kebab_paths,
    non_semver_version,
    non_standard_methods,
    operations,
    resolve,
    servers_without_major_version,
    slashed_paths,
    undeclared_invalid_input,
    unformatted_dates,
)
from ..client import ApiClient
from ._helpers import body_or_none, media_type, version_of, where

FORMAT_PATTERNS = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "date-time": re.compile(
        r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?$"),
    "time": re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?$"),
}
#: every test here only reads (GET requests, the published document): the run may check them
#: beside the contract pass (engine/beside.py)
READS_ONLY = True
PROBLEM_TYPES = ("application/problem+json", "application/problem+xml")
INVALID_VALUE = "conformance-not-a-valid-value"
MAX_PROBES = 5


# --- the published document and probes derived from it ------------------------------------


def published(client: ApiClient) -> dict[str, Any]:
    """The API's OpenAPI document: anonymously when possible (publish-openapi judges that),
    else with credentials, so the document rules stay decidable either way."""
    statuses = []
    for auth in (False, True):
        resp = client.get("openapi.json", auth=auth)
        doc = body_or_none(resp)
        if resp.status_code == 200 and isinstance(doc, dict):
            return doc
        statuses.append(f"HTTP {resp.status_code}")
    raise RuntimeError(f"the OpenAPI document {client.base_url}/openapi.json cannot be read "
                       f"({', '.join(statuses)}); rules checked on it cannot be decided")


def example_query(doc: dict[str, Any], params: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Values for the required query parameters, from the document's own examples (or the
    first enum value, or the default); None when one has none (the path cannot be probed)."""
    query: dict[str, Any] = {}
    for p in params:
        if p.get("in") != "query" or not p.get("required"):
            continue
        schema = resolve(doc, p.get("schema") or {})
        schema = schema if isinstance(schema, dict) else {}
        for value in (p.get("example"), schema.get("example"),
                      (schema.get("enum") or [None])[0], schema.get("default")):
            if value is not None:
                query[p["name"]] = value
                break
        else:
            return None
    return query


def live_resource(client: ApiClient, doc: dict[str, Any]) -> tuple[str, httpx.Response]:
    """A GET path of the document without path parameters that answers 2xx (the probe target);
    required query parameters get the document's example values."""
    tried = []
    for path, method, _op, params in operations(doc):
        if method != "get" or "{" in path or path in ("/", "/openapi.json", "/openapi.yaml"):
            continue
        query = example_query(doc, params)
        if query is None:
            continue
        resp = client.get(path.lstrip("/"), params=query or None)
        if 200 <= resp.status_code < 300:
            return path, resp
        tried.append(f"{where(resp)}: HTTP {resp.status_code}")
        if len(tried) >= MAX_PROBES:
            break
    raise RuntimeError("no GET operation without path parameters of the document answers 2xx "
                       f"({'; '.join(tried) or 'the document has none'}), so there is no "
                       "resource to probe")


def invalid_query(doc: dict[str, Any]) -> tuple[str, str, str] | None:
    """(path, parameter, why) of a GET query parameter whose schema a bad value breaks."""
    for path, method, _op, params in operations(doc):
        if method != "get" or "{" in path:
            continue
        for p in params:
            if p.get("in") != "query":
                continue
            schema = resolve(doc, p.get("schema") or {})
            kind, fmt = schema.get("type"), schema.get("format")
            if kind in ("integer", "number"):
                return path, p["name"], f"{kind}"
            if kind == "string" and (fmt in DATE_FORMATS or "enum" in schema):
                return path, p["name"], f"format {fmt}" if fmt else "an enum"
    return None


def _probe_unknown(client: ApiClient) -> httpx.Response:
    return client.get(f"conformance-no-such-resource-{uuid.uuid4().hex[:8]}")


# --- /core/publish-openapi ------------------------------------------------------------------


def test_publish_openapi(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/publish-openapi: <root>/openapi.json anonymous, parseable, CORS *; yaml equal."""
    for client in apis_under_test.values():
        what = f"GET {client.base_url}/openapi.json without credentials"
        resp = client.get("openapi.json", auth=False, headers={"Origin": "https://example.org"})
        assert resp.status_code == 200, (
            f"{what}: the OpenAPI document must be publicly available, got HTTP "
            f"{resp.status_code}")
        doc = body_or_none(resp)
        assert isinstance(doc, dict) and "openapi" in doc, (
            f"{what}: the body must be a parseable OpenAPI (JSON) document, got "
            f"{media_type(resp) or 'no Content-Type'}: {resp.text[:120]!r}")
        allow = resp.headers.get("Access-Control-Allow-Origin")
        assert allow == "*", (
            f"{what}: the document must be readable from any origin "
            f"(Access-Control-Allow-Origin: *), got {allow!r}")
        as_yaml = client.get("openapi.yaml", auth=False)
        if as_yaml.status_code == 200:
            try:
                other = yaml.safe_load(as_yaml.text)
            except yaml.YAMLError as exc:
                raise AssertionError(f"GET {client.base_url}/openapi.yaml: published but not "
                                     f"parseable YAML: {exc}") from None
            assert other == doc, (
                f"{client.base_url}/openapi.yaml is published but differs from openapi.json; "
                "both must describe the same API")


# --- /core/version-header -------------------------------------------------------------------


def test_version_header(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/version-header: API-Version on every response (errors too) equals info.version."""
    for client in apis_under_test.values():
        doc = published(client)
        expected = version_of(info_version(doc), f"{client.base_url}/openapi.json")
        responses = [client.get("openapi.json", auth=False), client.get(client.base_url),
                     _probe_unknown(client)]
        path, ok = live_resource(client, doc)
        responses.append(ok)
        responses.append(client.get(path.lstrip("/"), auth=False))
        bad = invalid_query(doc)
        if bad:
            responses.append(client.get(bad[0].lstrip("/"), params={bad[1]: INVALID_VALUE}))
        for resp in responses:
            got = resp.headers.get("API-Version")
            assert got == expected, (
                f"API-Version header on HTTP {resp.status_code} from {where(resp)}: expected "
                f"the document's info.version {expected!r}, got {got!r}")


# --- /core/no-trailing-slash ----------------------------------------------------------------


def test_no_trailing_slash(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/no-trailing-slash: no path ends in '/', and '<path>/' answers 404, no redirect."""
    for client in apis_under_test.values():
        doc = published(client)
        slashed = slashed_paths(doc)
        assert not slashed, (
            f"the document of {client.base_url} has paths ending in '/': {', '.join(slashed[:5])}")
        path, _ = live_resource(client, doc)
        resp = client.get(path.lstrip("/") + "/")
        assert not 300 <= resp.status_code < 400, (
            f"{where(resp)} (a trailing slash) must answer 404, not redirect: got HTTP "
            f"{resp.status_code} to {resp.headers.get('Location')!r}")
        assert resp.status_code == 404, (
            f"{where(resp)} (a trailing slash) must answer 404, got HTTP {resp.status_code}")


# --- /core/error-handling -------------------------------------------------------------------


def _problem_details(resp: httpx.Response, what: str) -> None:
    ctype = media_type(resp)
    assert ctype in PROBLEM_TYPES, (
        f"{what}: HTTP {resp.status_code} from {where(resp)} must be "
        f"application/problem+json (or +xml), got {ctype or 'no Content-Type'}: "
        f"{resp.text[:120]!r}")
    if ctype == "application/problem+json":
        body = body_or_none(resp)
        assert isinstance(body, dict), f"{what}: the problem+json body of {where(resp)} is not " \
                                       f"a JSON object: {resp.text[:120]!r}"
        missing = [k for k in ("status", "title", "detail") if k not in body]
        assert not missing, (
            f"{what}: the problem details of HTTP {resp.status_code} from {where(resp)} lack "
            f"{', '.join(missing)}; got keys {sorted(body)}")
        assert body["status"] == resp.status_code, (
            f"{what}: problem 'status' {body['status']!r} differs from the HTTP status "
            f"{resp.status_code} of {where(resp)}")


def test_problem_details(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/error-handling/problem-details: 400, 401/403 and 404 are problem details."""
    for client in apis_under_test.values():
        doc = published(client)
        missing = _probe_unknown(client)
        assert missing.status_code == 404, (
            f"{where(missing)} names no resource and must answer 404, got HTTP "
            f"{missing.status_code}")
        _problem_details(missing, "an unknown resource")
        bad = invalid_query(doc)
        if bad:
            resp = client.get(bad[0].lstrip("/"), params={bad[1]: INVALID_VALUE})
            if 400 <= resp.status_code < 500:  # whether it is 400 is the invalid-input rule
                _problem_details(resp, f"query parameter {bad[1]} with an invalid value")
        path, _ = live_resource(client, doc)
        anonymous = client.get(path.lstrip("/"), auth=False)
        if anonymous.status_code in (401, 403):  # an API without access control has none
            _problem_details(anonymous, "a request without credentials")


def test_invalid_input(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/error-handling/invalid-input: invalid input gives 400, and the document says so."""
    for client in apis_under_test.values():
        doc = published(client)
        undeclared = undeclared_invalid_input(doc)
        assert not undeclared, (
            f"the document of {client.base_url} declares no 400 response for operations that "
            f"take query parameters or a body: {', '.join(undeclared[:8])}")
        bad = invalid_query(doc)
        if bad is None:  # nothing typed to break: the document part decides
            continue
        resp = client.get(bad[0].lstrip("/"), params={bad[1]: INVALID_VALUE})
        assert resp.status_code == 400, (
            f"{where(resp)}: {bad[1]} must be {bad[2]}, so {INVALID_VALUE!r} is invalid input "
            f"and must answer 400, got HTTP {resp.status_code}")


# --- versioning -------------------------------------------------------------------------------


def test_uri_version(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/uri-version: the base URL and servers[].url carry the major version only."""
    for client in apis_under_test.values():
        doc = published(client)
        version = info_version(doc)
        major = version.split(".", 1)[0]
        base = urlsplit(client.base_url).path.rstrip("/")
        found = re.search(r"/v(\d+)$", base)
        assert found, (
            f"the API root {client.base_url} must end in /v<major> (e.g. /v1)")
        assert found.group(1) == major, (
            f"the API root {client.base_url} says major version v{found.group(1)}, but "
            f"info.version is {version!r}")
        for url in servers_without_major_version(doc):
            raise AssertionError(
                f"servers[].url {url!r} must contain the major version only (/v{major})")


def test_semver(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/semver: info.version is a semantic version (MAJOR.MINOR.PATCH)."""
    for client in apis_under_test.values():
        doc = published(client)
        version = info_version(doc)
        assert not non_semver_version(doc), (
            f"info.version of {client.base_url}/openapi.json must be a semantic version "
            f"(e.g. 1.0.0), got {version!r}")


# --- transport --------------------------------------------------------------------------------


def test_security_headers(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/transport/security-headers: the API root answers with the security headers."""
    for client in apis_under_test.values():
        resp = client.get(client.base_url)
        h = resp.headers
        problems = []
        if "no-store" not in h.get("Cache-Control", "").lower():
            problems.append(f"Cache-Control: no-store (got {h.get('Cache-Control')!r})")
        if "frame-ancestors 'none'" not in h.get("Content-Security-Policy", ""):
            problems.append("Content-Security-Policy: frame-ancestors 'none' "
                            f"(got {h.get('Content-Security-Policy')!r})")
        if not h.get("Content-Type"):
            problems.append("Content-Type")
        if h.get("X-Content-Type-Options", "").lower() != "nosniff":
            problems.append(f"X-Content-Type-Options: nosniff "
                            f"(got {h.get('X-Content-Type-Options')!r})")
        if h.get("X-Frame-Options", "").upper() != "DENY":
            problems.append(f"X-Frame-Options: DENY (got {h.get('X-Frame-Options')!r})")
        if client.base_url.startswith("https://") and not h.get("Strict-Transport-Security"):
            problems.append("Strict-Transport-Security")
        assert not problems, (
            f"{where(resp)} (the API root, HTTP {resp.status_code}) lacks the security "
            f"header(s) {'; '.join(problems)}")


def _handshake(host: str, port: int, version: ssl.TLSVersion) -> bool:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with warnings.catch_warnings():  # offering TLS 1.0/1.1 is the point of the probe
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = context.maximum_version = version
    except (ValueError, ssl.SSLError):
        return False  # this client cannot even offer it
    try:
        with socket.create_connection((host, port), timeout=10) as sock, \
                context.wrap_socket(sock, server_hostname=host):
            return True
    except (ssl.SSLError, OSError):
        return False


def test_tls(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/transport/tls: https only; TLS 1.2 or 1.3 offered, TLS 1.0 and 1.1 refused (NCSC)."""
    checked = 0
    for client in apis_under_test.values():
        parts = urlsplit(client.base_url)
        host = parts.hostname or ""
        if parts.scheme == "http":
            if host in ("127.0.0.1", "localhost", "::1"):
                continue
            raise AssertionError(f"{client.base_url} is served over plain http; APIs must use "
                                 "TLS (https)")
        port = parts.port or 443
        modern = [v for v in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3)
                  if _handshake(host, port, v)]
        assert modern, f"{host}:{port} accepts neither TLS 1.2 nor TLS 1.3"
        legacy = [v.name for v in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1)
                  if _handshake(host, port, v)]
        assert not legacy, (
            f"{host}:{port} still accepts {', '.join(legacy)}, which the NCSC TLS guidelines "
            "classify as phase-out")
        checked += 1
    if not checked:
        pytest.skip("not applicable: the target is plain http on loopback (a local test "
                    "setup); TLS is checked on https targets")


# --- checked on the published document ---------------------------------------------------------


def test_doc_openapi(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/doc-openapi: OpenAPI 3.x, and every internal $ref resolves."""
    for client in apis_under_test.values():
        doc = published(client)
        assert str(doc.get("openapi", "")).startswith("3."), (
            f"{client.base_url}/openapi.json must be OpenAPI 3 or later, got "
            f"openapi={doc.get('openapi')!r}")
        assert isinstance(doc.get("info"), dict) and isinstance(doc.get("paths"), dict), (
            f"{client.base_url}/openapi.json lacks 'info' or 'paths'")
        broken = broken_refs(doc)
        assert not broken, (
            f"{client.base_url}/openapi.json has $refs that do not resolve: "
            f"{', '.join(broken[:5])}")


def test_doc_openapi_contact(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/doc-openapi-contact: info.contact names who to contact (name, email or url)."""
    for client in apis_under_test.values():
        doc = published(client)
        info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
        assert not missing_contact(doc), (
            f"{client.base_url}/openapi.json has no info.contact (name, email or url), got "
            f"{info.get('contact')!r}")


def test_http_methods(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/http-methods: only GET, POST, PUT, PATCH and DELETE operations."""
    for client in apis_under_test.values():
        other = non_standard_methods(published(client))
        assert not other, (
            f"{client.base_url}/openapi.json has operations with other HTTP methods than "
            f"GET/POST/PUT/PATCH/DELETE: {', '.join(other[:8])}"
            + (f" (and {len(other) - 8} more)" if len(other) > 8 else ""))


def test_path_segments_kebab_case(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/path-segments-kebab-case: literal path segments are lowercase kebab-case."""
    for client in apis_under_test.values():
        bad = non_kebab_paths(published(client))
        assert not bad, (
            f"{client.base_url}/openapi.json has path segments that are not kebab-case: "
            f"{', '.join(bad[:8])}")


def test_query_keys_camel_case(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/query-keys-camel-case: query parameter names are camelCase."""
    for client in apis_under_test.values():
        bad = non_camel_query_keys(published(client))
        assert not bad, (
            f"{client.base_url}/openapi.json has {len(bad)} query key(s) that are not "
            f"camelCase: {', '.join(bad[:8])}" + (" ..." if len(bad) > 8 else ""))


def _item_schema(doc: dict[str, Any], op: dict[str, Any]) -> dict[str, Any] | None:
    ok = resolve(doc, (op.get("responses") or {}).get("200") or {})
    content = (ok.get("content") or {}) if isinstance(ok, dict) else {}
    schema = resolve(doc, (content.get("application/json") or {}).get("schema") or {})
    if not isinstance(schema, dict):
        return None
    results = resolve(doc, (schema.get("properties") or {}).get("results") or {})
    if isinstance(results, dict) and results.get("type") == "array":
        return resolve(doc, results.get("items") or {})
    if schema.get("type") == "array":
        return resolve(doc, schema.get("items") or {})
    return schema


def test_date_time_format(apis_under_test: dict[str, ApiClient]) -> None:
    """/core/date-time/format: dates are strings with format date/date-time/time, and the
    values in responses have that ISO 8601 / RFC 3339 form."""
    for client in apis_under_test.values():
        doc = published(client)
        unformatted = unformatted_dates(doc)
        assert not unformatted, (
            f"{client.base_url}/openapi.json has date/time properties without format "
            f"date, date-time or time: {', '.join(unformatted[:8])}")
        path, resp = live_resource(client, doc)
        op = next(o for p, m, o, _ in operations(doc) if p == path and m == "get")
        item = _item_schema(doc, op)
        body = body_or_none(resp)
        items = body.get("results") if isinstance(body, dict) and "results" in body else body
        items = items if isinstance(items, list) else [items]
        formats = {trail.split(".", 1)[1]: prop["format"]
                   for trail, prop in (date_props(doc, item, "x") if item else [])
                   if prop.get("format") in DATE_FORMATS and "." not in trail.split(".", 1)[1]}
        for obj in items[:20]:
            if not isinstance(obj, dict):
                continue
            for name, fmt in formats.items():
                value = obj.get(name)
                if value is None:
                    continue
                assert isinstance(value, str) and FORMAT_PATTERNS[fmt].match(value), (
                    f"{where(resp)}: '{name}' is declared format {fmt}, but the response "
                    f"holds {value!r}")
