"""The API Design Rules (Logius ADR 2.1) that an OpenAPI document itself can break.

Pure functions over a parsed document, no HTTP: the ADR suite (``conformance.suites.adr``)
applies them to the document a supplier publishes, and ``conformance profiles new`` to a
standard's pinned document, to mark a rule "inherited" when the standard itself breaks it.
Each finder returns what breaks its rule (empty: nothing does).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: /core/http-methods: the standard methods (the Logius linter's nlgov:http-methods list)
STANDARD_METHODS = {"get", "post", "put", "patch", "delete"}
KEBAB_SEGMENT = re.compile(r"^_?[a-z0-9]+(-[a-z0-9]+)*$")  # the last segment may start with _
CAMEL_KEY = re.compile(r"^\$?[a-z][a-z\d]*([A-Z][a-z\d]*)*$")  # /core/query-keys-camel-case
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
    r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
#: property names that hold a date or time by their name (Dutch and English)
DATE_NAME = re.compile(r"(datum|tijdstip|date|datetime|timestamp)$", re.IGNORECASE)
DATE_FORMATS = {"date", "date-time", "time"}


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any],
                                                    list[dict[str, Any]]]]:
    """(path, method, operation, parameters incl. the path item's) for every operation."""
    paths = doc.get("paths") if isinstance(doc.get("paths"), dict) else {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        shared = [p for p in item.get("parameters", []) if isinstance(p, dict)]
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                own = [p for p in op.get("parameters", []) if isinstance(p, dict)]
                yield path, method, op, [resolve(doc, p) for p in [*shared, *own]]


def resolve(doc: dict[str, Any], node: Any) -> Any:
    """Follow an internal ``$ref`` (``#/...``); other nodes come back as they are."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 20:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return node
        target: Any = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        if target is None:
            return node
        node, seen = target, seen + 1
    return node


def info_version(doc: dict[str, Any]) -> str:
    """``info.version`` as text ('' when missing)."""
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    return str(info.get("version", ""))


def refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` value in the document, internal or not."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def date_props(doc: dict[str, Any], schema: Any, trail: str, depth: int = 0
               ) -> Iterator[tuple[str, dict[str, Any]]]:
    """(trail, property with its ``_name``) of every property of ``schema``, nested too."""
    schema = resolve(doc, schema)
    if not isinstance(schema, dict) or depth > 6:
        return
    for name, prop in (schema.get("properties") or {}).items():
        prop = resolve(doc, prop)
        if isinstance(prop, dict):
            yield f"{trail}.{name}", {**prop, "_name": name}
            yield from date_props(doc, prop, f"{trail}.{name}", depth + 1)
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key) or []:
            yield from date_props(doc, sub, trail, depth + 1)
    if isinstance(schema.get("items"), dict):
        yield from date_props(doc, schema["items"], f"{trail}[]", depth + 1)


def slashed_paths(doc: dict[str, Any]) -> list[str]:
    """/core/no-trailing-slash: paths that end in '/'."""
    return [p for p in (doc.get("paths") or {}) if p.endswith("/") and p != "/"]


def undeclared_invalid_input(doc: dict[str, Any]) -> list[str]:
    """/core/error-handling/invalid-input: operations with input but no 400 response."""
    return [f"{m.upper()} {p}" for p, m, op, params in operations(doc)
            if (any(x.get("in") == "query" for x in params) or "requestBody" in op)
            and "400" not in {str(c) for c in (op.get("responses") or {})}]


def servers_without_major_version(doc: dict[str, Any]) -> list[str]:
    """/core/uri-version: servers[].url without /v<major> or with more than the major."""
    urls = [str(s.get("url", "")) if isinstance(s, dict) else "" for s in doc.get("servers") or []]
    return [u for u in urls if not re.search(r"/v\d+(/|$)", u) or re.search(r"/v\d+\.\d", u)]


def non_semver_version(doc: dict[str, Any]) -> list[str]:
    """/core/semver: info.version when it is not a semantic version."""
    version = info_version(doc)
    return [] if SEMVER.match(version) else [version]


def broken_refs(doc: dict[str, Any]) -> list[str]:
    """/core/doc-openapi: internal $refs that do not resolve."""
    return sorted({ref for ref in refs(doc) if ref.startswith("#/")
                   and resolve(doc, {"$ref": ref}) == {"$ref": ref}})


def missing_contact(doc: dict[str, Any]) -> list[str]:
    """/core/doc-openapi-contact: ['info.contact'] when it names no name, email or url."""
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    contact = info.get("contact")
    ok = isinstance(contact, dict) and any(contact.get(k) for k in ("name", "email", "url"))
    return [] if ok else ["info.contact"]


def non_standard_methods(doc: dict[str, Any]) -> list[str]:
    """/core/http-methods: operations with other methods than GET/POST/PUT/PATCH/DELETE."""
    return sorted({f"{m.upper()} {p}" for p, m, _op, _ in operations(doc)
                   if m not in STANDARD_METHODS})


def non_kebab_paths(doc: dict[str, Any]) -> list[str]:
    """/core/path-segments-kebab-case: paths with a literal segment that is not kebab-case."""
    return sorted({p for p in (doc.get("paths") or {}) for seg in p.strip("/").split("/")
                   if seg and not seg.startswith("{") and not KEBAB_SEGMENT.match(seg)})


def non_camel_query_keys(doc: dict[str, Any]) -> list[str]:
    """/core/query-keys-camel-case: query parameter names that are not camelCase."""
    return sorted({str(x.get("name")) for _p, _m, _op, params in operations(doc) for x in params
                   if x.get("in") == "query" and not CAMEL_KEY.match(str(x.get("name")))})


def unformatted_dates(doc: dict[str, Any]) -> list[str]:
    """/core/date-time/format: date/time properties (by name) typed string without a format."""
    schemas = ((doc.get("components") or {}).get("schemas") or {})
    return sorted({trail for name, schema in schemas.items()
                   for trail, prop in date_props(doc, schema, name)
                   if DATE_NAME.search(prop["_name"]) and prop.get("type") == "string"
                   and prop.get("format") not in DATE_FORMATS})
