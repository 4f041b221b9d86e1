"""`conformance profiles new`: a valid starting profile for any OpenAPI-based standard.

From the standard's pinned OpenAPI document (hash-checked) and a GEMMA component it writes the
parts that follow from the document alone: the contract requirements whose checks apply to its
operations, the API Design Rules with per-rule applicability (a rule the document itself breaks
is "inherited": run and reported, never counted against a supplier), and the component's
Verplicht/Aanbevolen standards from the GEMMA map. The behaviour rules of the standard need a
person: the file says where, in comments, and validates as it is (docs/profiles.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from . import adr_document as adr
from .errors import ProfileError, SpecError, UsageError
from .gemma import load_map
from .profiles import PinnedSpec, Profile, parse_profile
from .specs import SpecResolver, load_yaml_spec

PLACEHOLDER_HOST = "https://example.invalid/"  # a file given without --url: say where it lives
FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class SpecSource:
    """The standard's document, read and hash-checked, with where it is published."""

    doc: dict[str, Any]
    url: str
    sha256: str
    file: str
    url_given: bool


def read_spec(spec: str, sha256: str, file_name: str | None, url: str | None,
              resolver: SpecResolver) -> SpecSource:
    """A local file (hash-checked here) or an https URL (spec dir, cache, or a hash-checked
    download through :class:`SpecResolver`)."""
    sha256 = sha256.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise UsageError(f"--sha256 {sha256!r}: give the 64 hex digits of the file's sha256 "
                         "(e.g. `sha256sum openapi.yaml`)")
    if spec.startswith(("http://", "https://")):
        if not spec.startswith("https://"):
            raise UsageError(f"--spec {spec}: a standard is pinned by an https URL")
        name = _file_name(file_name or PurePosixPath(urlsplit(spec).path).name)
        path = resolver.resolve(PinnedSpec(spec, sha256, name))
        return SpecSource(load_yaml_spec(path), spec, sha256, name, True)
    path = Path(spec)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"--spec {path}: cannot read the file ({exc}); give an OpenAPI file or "
                         "an https URL") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise SpecError(f"{path}: its sha256 is {actual}, not the --sha256 {sha256} you gave. "
                        "Check that this is the standard's published file, then give its hash.")
    name = _file_name(file_name or path.name)
    if url is not None and not url.startswith("https://"):
        raise UsageError(f"--url {url}: where the standard publishes the file (https)")
    return SpecSource(load_yaml_spec(path), url or PLACEHOLDER_HOST + name, sha256, name,
                      url is not None)


def _file_name(name: str) -> str:
    cleaned = FILE_NAME.sub("-", name).strip("-.") or "openapi.yaml"
    return cleaned


# --- what the document says ---------------------------------------------------------------


def _responses(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for _p, _m, op, _params in adr.operations(doc):
        for response in (op.get("responses") or {}).values():
            response = adr.resolve(doc, response)
            if isinstance(response, dict):
                found.append(response)
    return found


def _has_security(doc: dict[str, Any]) -> bool:
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    used = bool(doc.get("security")) or any(op.get("security") for _p, _m, op, _ in
                                              adr.operations(doc))
    return bool(schemes) and used


def _creates_then_reads(doc: dict[str, Any]) -> bool:
    ops = {(p, m) for p, m, _op, _ in adr.operations(doc)}
    return any(m == "post" and any(q.startswith(p.rstrip("/") + "/{") and (q, "get") in ops
                                   for q, _ in ops) for p, m in ops)


def _deletes_then_reads(doc: dict[str, Any]) -> bool:
    ops = {(p, m) for p, m, _op, _ in adr.operations(doc)}
    return any(m == "delete" and (p, "get") in ops for p, m in ops)


#: (suffix, schemathesis check, title nl, title en, applies to the document, why)
CONTRACT: list[tuple[str, str, str, str, Callable[[dict[str, Any]], bool], str]] = [
    ("schema", "response_schema_conformance",
     "Antwoorden hebben de gegevensstructuur die de {title} voorschrijft",
     "Responses have the data structure the {title} prescribes",
     lambda d: any(c.get("schema") for r in _responses(d)
                   for c in (r.get("content") or {}).values() if isinstance(c, dict)),
     "responses declare a schema"),
    ("status", "status_code_conformance",
     "Antwoorden gebruiken alleen de statuscodes die de {title} kent",
     "Responses use only the status codes the {title} defines",
     lambda d: True, "every operation declares its responses"),
    ("content-type", "content_type_conformance",
     "Antwoorden hebben het afgesproken gegevensformaat (Content-Type)",
     "Responses have the agreed data format (Content-Type)",
     lambda d: any(r.get("content") for r in _responses(d)), "responses declare content"),
    ("headers", "response_headers_conformance",
     "Antwoorden bevatten de verplichte kopregels (headers)",
     "Responses carry the required headers",
     lambda d: any(r.get("headers") for r in _responses(d)),
     "responses declare headers (required ones must come, every one must fit its schema)"),
    ("server-error", "not_a_server_error",
     "Het systeem geeft geen interne serverfouten (HTTP 5xx)",
     "The system gives no internal server errors (HTTP 5xx)",
     lambda d: True, "every API"),
    ("negative", "negative_data_rejection", "Ongeldige verzoeken worden geweigerd",
     "Invalid requests are refused",
     lambda d: any(params or "requestBody" in op for _p, _m, op, params in adr.operations(d)),
     "operations take parameters or a body"),
    ("positive", "positive_data_acceptance", "Geldige verzoeken worden geaccepteerd",
     "Valid requests are accepted", lambda d: True, "every API"),
    ("availability", "ensure_resource_availability",
     "Wat is aangemaakt, is daarna ook op te vragen",
     "What was created can be retrieved afterwards", _creates_then_reads,
     "a POST creates what a GET on its path reads"),
    ("deletion", "use_after_free", "Wat is verwijderd, is daarna niet meer op te vragen",
     "What was deleted can no longer be retrieved", _deletes_then_reads,
     "a DELETE removes what a GET on the same path reads"),
    ("auth", "ignored_auth", "Zonder geldige inloggegevens is er geen toegang",
     "There is no access without valid credentials", _has_security,
     "the document declares security"),
    ("required-headers", "missing_required_header",
     "Verzoeken zonder verplichte kopregels (headers) worden geweigerd",
     "Requests without required headers are refused",
     lambda d: any(p.get("in") == "header" and p.get("required")
                   for _p, _m, _op, params in adr.operations(d) for p in params),
     "operations require request headers"),
]

#: checks that judge only what the generated traffic happens to do (stateful chains, the
#: coverage phase): the scaffold leaves them as a TODO until a suite test makes them certain
BY_CHANCE = frozenset({"ensure_resource_availability", "use_after_free",
                       "missing_required_header"})

#: ADR rule -> (finder over the document, what the standard itself does when it breaks it)
ADR_DOCUMENT_RULES: dict[str, tuple[Callable[[dict[str, Any]], list[str]], str]] = {
    "ADR-no-trailing-slash": (adr.slashed_paths, "has paths ending in '/'"),
    "ADR-invalid-input": (adr.undeclared_invalid_input,
                          "declares no 400 response for operations that take input"),
    "ADR-uri-version": (adr.servers_without_major_version,
                        "has servers[].url without /v<major> or with more than the major"),
    "ADR-semver": (adr.non_semver_version, "has an info.version that is no semantic version"),
    "ADR-doc-openapi": (lambda d: ([] if str(d.get("openapi", "")).startswith("3.") else
                                   [f"openapi {d.get('openapi')!r}"]) + adr.broken_refs(d),
                        "is no OpenAPI 3 document with resolving $refs"),
    "ADR-doc-openapi-contact": (adr.missing_contact, "has no info.contact (name, email or url)"),
    "ADR-http-methods": (adr.non_standard_methods,
                         "defines operations with methods other than GET/POST/PUT/PATCH/DELETE"),
    "ADR-path-segments-kebab-case": (adr.non_kebab_paths,
                                     "has path segments that are not kebab-case"),
    "ADR-query-keys-camel-case": (adr.non_camel_query_keys,
                                  "names query parameters that are not camelCase"),
    "ADR-date-time-format": (adr.unformatted_dates,
                             "has date/time properties without format date, date-time or time"),
}


def adr_applicability(doc: dict[str, Any], standard: str) -> dict[str, str]:
    """ADR rule -> why it is inherited, for each rule the document itself breaks."""
    inherited = {}
    for rule, (finder, what) in ADR_DOCUMENT_RULES.items():
        found = finder(doc)
        if found:
            shown = ", ".join(str(f) for f in found[:6]) + (" ..." if len(found) > 6 else "")
            inherited[rule] = f"{standard} itself {what} ({len(found)}: {shown})"
    return inherited


def contract_checks(doc: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(suffix, check, title nl, title en, why) of the contract checks that apply."""
    return [(s, c, nl, en, why) for s, c, nl, en, applies, why in CONTRACT if applies(doc)]


# --- the profile text --------------------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML scalar that reads back as exactly ``text`` (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _api_key(title: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", title.lower()) if w not in ("api", "standaard")]
    return "-".join(words)[:30].strip("-") or "api"


@dataclass(frozen=True)
class Scaffold:
    text: str
    profile: Profile
    inherited: dict[str, str]
    contract: list[str]


def scaffold(source: SpecSource, component: str, profile_id: str, *, api: str | None = None,
             certifies: list[str] | None = None) -> Scaffold:
    gmap = load_map()
    found = gmap.find_component(component)
    if found is None and component not in gmap.interface_providers:
        close = gmap.suggest(component)
        raise UsageError(f"--component {component!r} is not a GEMMA reference component in use"
                         + (f"; did you mean {' or '.join(map(repr, close))}?" if close else
                            "; `conformance gemma` lists them"))
    component = found or component
    links = gmap.components.get(component, {"verplicht": [], "aanbevolen": []})
    info = source.doc.get("info") if isinstance(source.doc.get("info"), dict) else {}
    title = str(info.get("title") or "API")
    version = str(info.get("version") or "0")
    api = api or _api_key(title)
    standard = f"{title} {version}"
    ops = [op["operationId"] for _p, _m, op, _ in adr.operations(source.doc)
           if isinstance(op.get("operationId"), str)]
    unnamed = [f"{m.upper()} {p}" for p, m, op, _ in adr.operations(source.doc)
               if not isinstance(op.get("operationId"), str)]
    external = sorted({r.split("#", 1)[0] for r in adr.refs(source.doc) if not r.startswith("#")})
    checks = contract_checks(source.doc)
    inherited = adr_applicability(source.doc, standard)
    lines = _header(source, component, profile_id, title, version, standard)
    lines += _gemma(component, links, certifies or [])
    lines += _standards(api, title, version, source, ops, unnamed, external)
    lines += ["", "classes:", "  basis:", "    required: true", "    title: {nl: Basis, en: Core}",
              "", *CONTRACT_TODO]
    lines += _includes(inherited)
    lines += _requirements(api, title, source.url, checks)
    text = "\n".join(lines) + "\n"
    try:
        profile = parse_profile(text, f"{profile_id}.yaml")
    except ProfileError as exc:  # what we wrote must load; a failure here is our bug
        raise UsageError(f"the scaffolded profile does not validate: {exc}") from None
    return Scaffold(text, profile, inherited, [c for _s, c, *_ in checks])  # incl. the TODO ones


def _header(source: SpecSource, component: str, profile_id: str, title: str, version: str,
            standard: str) -> list[str]:
    where = source.url if source.url_given else f"{source.file} (TODO: its published https URL)"
    return [
        f"# Conformance profile scaffolded by `conformance profiles new` on {date.today()} from",
        f"# {where}, sha256 {source.sha256}.",
        "# What follows from the document is filled in; the TODO comments mark what needs a",
        "# person (docs/profiles.md: from scaffold to profile). It validates as it is.",
        f"id: {profile_id}",
        "title:",
        f"  nl: {_q(f'{component} — {standard}')}",
        f"  en: {_q(f'{component} — {standard}')}",
        'version: "0.1"  # the profile\'s own version; raise it with every change',
        "description:",
        f"  nl: {_q(f'Toetst of een {component} de {standard} correct aanbiedt: het API-contract (OpenAPI) en de API Design Rules. TODO: de gedragsregels van de standaard.')}",  # noqa: E501
        f"  en: {_q(f'Tests whether a {component} correctly provides the {standard}: the API contract (OpenAPI) and the API Design Rules. TODO: the behaviour rules of the standard.')}",  # noqa: E501
    ]


def _gemma(component: str, links: dict[str, list[str]], certifies: list[str]) -> list[str]:
    lines = ["# The component's standards in the GEMMA model (conformance gemma), names as GEMMA",
             "# spells them.", "gemma:", f"  component: {_q(component)}"]
    for role in ("verplicht", "aanbevolen"):
        if links[role]:
            lines += [f"  {role}:", *(f"    - {_q(s)}" for s in links[role])]
    if certifies:
        lines += ["  certifies:", *(f"    - {_q(s)}" for s in certifies)]
    else:
        lines += ["  # TODO: the GEMMA standard(s) this profile certifies, once its requirements",
                  "  # test them (one of the names above), e.g.:",
                  "  # certifies:", "  #   - <standard>"]
    return lines


def _standards(api: str, title: str, version: str, source: SpecSource, ops: list[str],
               unnamed: list[str], external: list[str]) -> list[str]:
    lines = ["", "standards:", f"  {api}:", f"    name: {_q(title)}", f"    version: {_q(version)}",
             "    role: tested", "    openapi:"]
    if not source.url_given:
        lines.append("      # TODO: the https URL where the standard publishes this file")
    lines += [f"      url: {_q(source.url)}", f"      sha256: {source.sha256}",
              f"      file: {source.file}"]
    if external:
        lines += ["    # TODO: the document refers to other files; map each to a pinned file",
                  "    # (refs: [{ref, url, sha256, file}], see zrc-1.5.yaml), or runs stop:",
                  *(f"    #   {ref}" for ref in external)]
    if ops:
        lines += ["    # The operations the component must offer (all of the document's; remove",
                  "    # the ones the standard makes optional). The contract pass covers these.",
                  "    operations:", *(f"      - {op}" for op in ops)]
    if unnamed:
        lines += ["    # Without an operationId, so not in the contract pass: "
                  + ", ".join(unnamed[:8])]
    return lines


CONTRACT_TODO = [
    "# TODO (optional): what the standard expects of the contract pass where the generic checks",
    "# assume otherwise, so a conformant supplier gets no false failures, e.g.",
    "# contract:",
    "#   checks:",
    "#     negative_data_rejection: {expected-statuses: [400, 401, 403, 404, 422]}",
    "#   informational:",
    "#     - {check: status_code_conformance, status: 404, operation: <id>, reason: <why>}",
]


def _includes(inherited: dict[str, str]) -> list[str]:
    lines = ["", "# The API Design Rules 2.1 on the tested API. A rule the standard's own document",
             "# breaks is inherited: run and reported, never counted against the supplier.",
             "includes:", "  - profile: adr-2.1", "    class: basis", "    applicability:",
             "      ADR-OAS-conformance:",
             "        not_applicable: the OAS requirements test the API against the pinned "
             "standard, which is stricter than the supplier's own document"]
    for rule, why in inherited.items():
        lines += [f"      {rule}:", f"        inherited: {_q(why)}"]
    return lines


def _requirements(api: str, title: str, url: str,
                  checks: list[tuple[str, str, str, str, str]]) -> list[str]:
    lines = ["", "requirements:",
             "  # --- The OpenAPI contract (schemathesis over the operations above) -------------"]
    by_chance = [c for c in checks if c[1] in BY_CHANCE]
    for suffix, check, nl, en, why in (c for c in checks if c[1] not in BY_CHANCE):
        lines += [f"  - id: OAS-{suffix}  # applies: {why}", "    level: MUST", "    class: basis",
                  "    title:", f"      nl: {_q(nl.format(title=title))}",
                  f"      en: {_q(en.format(title=title))}", f"    source: {_q(url)}",
                  "    checks:", f"      - schemathesis: {{api: {api}, checks: [{check}]}}"]
    for suffix, check, nl, en, why in by_chance:
        lines += [
            "",
            f"  # TODO OAS-{suffix}: {check} judges only what the generated traffic happens to",
            "  # do (create then read, delete then read, leave a header out); at a small budget",
            "  # it may never do so, and a rule that was not exercised is never passed. Write a",
            "  # suite test that does it once for certain (see conformance/suites/lifecycle.py),",
            "  # then add the requirement with both checks:",
            f"  # - id: OAS-{suffix}  # applies: {why}",
            "  #   level: MUST",
            "  #   class: basis",
            f"  #   title: {{nl: {_q(nl.format(title=title))}, en: {_q(en.format(title=title))}}}",
            f"  #   source: {_q(url)}",
            "  #   checks:",
            "  #     - suite: conformance.suites.<module>:test_<what it makes certain>",
            f"  #     - schemathesis: {{api: {api}, checks: [{check}], when_applied: true}}",
        ]
    lines += [
        "",
        "  # --- TODO: the behaviour rules of the standard ------------------------------------",
        "  # One requirement per numbered rule of the standard's text, each with checks (a test",
        "  # in a suite module) or `not_tested: <why>`, so coverage can list it, e.g.",
        "  # - id: xyz-001",
        "  #   level: MUST",
        "  #   class: basis",
        "  #   title: {nl: ..., en: ...}",
        "  #   source: https://<the rule in the standard's text>",
        "  #   checks:",
        "  #     - suite: conformance.suites.<module>:test_<rule>",
    ]
    return lines
