"""Triage: what a failed check of the contract pass is evidence of.

Every failed (operation, check) of the schemathesis pass is one of:

- a **deviation**: the supplier broke the rule the check stands for (it counts);
- a **spec gap**: the official OAS and the standard's own text disagree and the supplier
  follows the text (the profile's ``contract.spec_gaps``: each names its check, operations,
  statuses, the case it forgives and why; and, for every profile, a PATCH that only left
  out what a partial update may leave out, partial_update.py); reported as a finding, never
  counted;
- a **harness artefact**: the "invalid" request never reached the server as invalid (a
  header the HTTP client sent anyway, a read-only property ...); reported, never counted;
- an **aspect** owned by another requirement: an error body in the wrong format seen by the
  content-type check is the error-format rule's (ZGW-problem-json), a 5xx seen by the
  status-code check is the server-error rule's. The deviation counts once, against the
  requirement that owns the aspect (attribute.py); the observing check does not fail for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .partial_update import REASON as PARTIAL_UPDATE

#: aspects a requirement may own (profile ``owns:``); each names what the deviation is about
ASPECTS = {
    "error-format": "the format of error answers (application/problem+json, the Fout members)",
    "server-error": "answers with a server error (HTTP 5xx)",
    "version-format": "the form of the OAS info.version (a plain semantic version)",
}
#: checks that judge a response's form, for which an error answer's form is the error-format
#: aspect (the form of an error belongs to the error rules, not to the contract check)
_FORM_CHECKS = frozenset({"content_type_conformance", "response_schema_conformance"})


@dataclass(frozen=True)
class Triage:
    kind: str  # deviation | spec_gap | harness_artefact | aspect | conditional
    reason: str = ""
    aspect: str | None = None
    #: the reason in Dutch and English, for a finding the certificate shows
    text: dict[str, str] | None = None


def _found(kind: str, text: dict[str, str] | str) -> Triage:
    """A finding's triage: ``text`` as {nl, en} (a profile's reason may still be English
    only)."""
    said = text if isinstance(text, dict) else {"en": text}
    return Triage(kind, said.get("en") or said.get("nl", ""), text=said)


DEVIATION = Triage("deviation")


def triage(check: str, operation: str, status: int | None, text: str,
           request: Any, rules: list[dict[str, Any]], *, pointed: bool = True,
           left_out: bool = False) -> Triage:
    """Classify one failed check (``request`` is the schemathesis interaction's request;
    ``pointed``: the case's path named an object the run knew to exist; ``left_out``: the
    case was a PATCH whose only invalid part was what it left out, partial_update.py)."""
    if status == 404 and check == "positive_data_acceptance" and not pointed:
        return Triage("conditional", "404 for a generated or earlier deleted id: that no "
                                     "object has it is no refusal of valid data")
    if status == 304 and check == "positive_data_acceptance" and _case_matches(
            {"request_header": "If-None-Match"}, request):
        # a conditional GET for what the client holds: "not modified" (RFC 9110 §13.1.2) is
        # what the standard's HTTP caching requires, not a refusal of valid data
        return Triage("conditional", "304 Not Modified to a request with If-None-Match")
    if status is not None and status >= 500 and check != "not_a_server_error":
        return Triage("aspect", "a server error", "server-error")
    rule = spec_gap_rule(rules, check, operation, status, text, request)
    if rule is not None:
        return _found("spec_gap", rule["reason"])
    if check == "missing_required_header" and request is not None:
        left_out = _left_out_headers(text) or set()
        unsent = left_out - {str(name).lower() for name in dict(request.headers)}
        if left_out and not unsent:
            return _found("harness_artefact", SENT_ANYWAY)
        if unsent == {"content-type"} and not request.body:
            return _found("harness_artefact", NO_CONTENT)
    if check == "negative_data_rejection" and left_out:
        return _found("spec_gap", PARTIAL_UPDATE)
    if check == "negative_data_rejection" and request is not None and \
            _only_empty_filters(text, request):
        return _found("spec_gap", EMPTY_FILTER)
    if check in ("negative_data_rejection", "missing_required_header") and \
            request is not None and str(getattr(request, "method", "")).upper() == "DELETE" \
            and _only_crs(text):
        return _found("spec_gap", CRS_ON_DELETE)
    if check == "negative_data_rejection" and request is not None:
        reason = harness_artefact(text, request.headers, has_body=bool(request.body),
                                  sent_json=_is_json(request.body))
        if reason is not None:
            return _found("harness_artefact", reason)
    if check in _FORM_CHECKS and status is not None and status >= 400:
        return Triage("aspect", "the form of an error answer", "error-format")
    return DEVIATION


def spec_gap_rule(rules: list[dict[str, Any]], check: str, operation: str, status: int | None,
                  text: str, request: Any = None) -> dict[str, Any] | None:
    """The profile's spec-gap rule that forgives exactly this failure, if any."""
    for rule in rules:
        if rule["check"] != check:
            continue
        operations = rule.get("operations", "all")
        if operations != "all" and operation not in operations:
            continue
        if status not in rule.get("statuses", ()):
            continue
        if rule.get("message_contains", "") not in text:
            continue
        if not _case_matches(rule.get("when") or {}, request):
            continue
        return rule
    return None


def _case_matches(when: dict[str, Any], request: Any) -> bool:
    """The request condition of a rule: a header it carried, a query parameter it had or
    left out."""
    if not when:
        return True
    if request is None:
        return False
    header = when.get("request_header")
    if header is not None:
        sent = {str(name).lower() for name in dict(request.headers)}
        if header.lower() not in sent:
            return False
    params = parse_qs(urlsplit(str(getattr(request, "uri", ""))).query, keep_blank_values=True)
    if when.get("query") is not None and when["query"] not in params:
        return False
    if when.get("query_absent") is not None and when["query_absent"] in params:
        return False
    return not (when.get("has_query") and not params)


_WAS = re.compile(r"\(was ([^)]*)\)")
#: the coverage phase's and the missing-header check's phrasings of a header left out
_MISSING_AT = re.compile(r"Missing `([^`]+)` at header")
_MISSING_CHECK = re.compile(r"missing required '([^']+)' header")
NO_CONTENT = {
    "nl": "geen Content-Type bij een verzoek zonder body, waar het niets zou beschrijven",
    "en": "no Content-Type on a request without a body, where it would describe nothing"}
SENT_ANYWAY = {
    "nl": "een verplichte header die het gegenereerde verzoek wegliet, stuurde de HTTP-client "
          "toch mee",
    "en": "a required header the generated case left out was sent by the HTTP client anyway"}
READ_ONLY = {
    "nl": "een alleen-lezen eigenschap in de body, die servers bij invoer negeren",
    "en": "a read-only property in the body, which servers ignore on input"}
RANDOM_AS_JSON = {
    "nl": "een body met het label 'willekeurige bytes, geen JSON' die als geldige JSON werd "
          "verstuurd",
    "en": "a body labelled 'random bytes, not JSON' that was sent as well-formed JSON"}
WRONG_CONTENT = {
    "nl": "een verkeerd Content-Type bij een verzoek zonder body, dat dus niets beschrijft",
    "en": "a wrong Content-Type on a request without a body, so describing nothing"}
POSITIVE_CASE = {
    "nl": "het gegenereerde 'ongeldige' verzoek had volgens het schema geen ongeldig deel "
          "(schemathesis noemt het zelf een positief testgeval); dat het werd aangenomen, is "
          "geen bewijs tegen de leverancier",
    "en": "the generated 'negative' request had no invalid part by the schema (schemathesis "
          "reports it as a positive test case), so accepting it is no evidence against the "
          "supplier"}
VALID_AFTER_ALL = {
    "nl": "het verzoek dat de server bereikte was geldig; de enige 'ongeldige' delen: ",
    "en": "the request that reached the server was valid; its only 'invalid' parts: "}


#: how schemathesis names a query parameter in the invalid part of a negative case
_QUERY_PARAMETER = re.compile(r"parameter `([^`]+)` in query")
EMPTY_FILTER = {
    "nl": "een lege filterwaarde (?zaak=) lezen ZGW-leveranciers als 'geen filter' (Django "
          "REST framework met django-filter, zoals Open Zaak 1.30: 200 met de hele lijst); de "
          "OAS geeft het filter een URI-vorm, maar de standaard zegt niet dat een lege waarde "
          "ongeldig is",
    "en": "an empty filter value (?zaak=) is read as 'no filter' by ZGW suppliers (Django REST "
          "framework with django-filter, as Open Zaak 1.30: 200 with the whole list); the OAS "
          "gives the filter a URI form, but the standard does not say an empty value is "
          "invalid"}


CRS = frozenset({"accept-crs", "content-crs"})
CRS_ON_DELETE = {
    "nl": "Accept-Crs en Content-Crs beschrijven de geometrie in een body; een DELETE stuurt "
          "en krijgt er geen. De OAS maakt ze verplicht bij elke zaak-operatie, maar Open Zaak "
          "1.30 verwijdert de zaak ook zonder (of met een andere waarde): 204",
    "en": "Accept-Crs and Content-Crs describe the geometry in a body; a DELETE sends and gets "
          "none. The OAS makes them required on every zaak operation, but Open Zaak 1.30 "
          "deletes the zaak without them (or with another value) too: 204"}
_HEADER_NAMED = re.compile(r"`([^`]+)` (?:in|at) header")


def invalid_parts(text: str) -> list[str]:
    """The invalid parts a failed negative case's message names ("Invalid component: ...",
    one per line when there are several)."""
    _, _, component = text.partition("Invalid component:")
    return [p for p in re.split(r"\n\s*-\s*|\n", component) if p.strip()]


def _only_crs(text: str) -> bool:
    """Was every invalid part of this case a CRS header left out or given another value?"""
    parts = invalid_parts(text)
    if not parts:  # the missing-header check's own phrasing
        missing = _MISSING_CHECK.search(text)
        return missing is not None and missing.group(1).lower() in CRS
    for part in parts:
        left_out = _left_out_headers(part)
        named = _HEADER_NAMED.search(part)
        if left_out is not None:
            if not left_out or not left_out <= CRS:
                return False
        elif named is None or named.group(1).lower() not in CRS:
            return False
    return True


def _only_empty_filters(text: str, request: Any) -> bool:
    """Was every invalid part of this negative case a query parameter sent empty?"""
    parts = invalid_parts(text)
    names = {m.group(1) for p in parts for m in [_QUERY_PARAMETER.search(p)] if m}
    if not parts or not names or any(_QUERY_PARAMETER.search(p) is None for p in parts):
        return False
    params = parse_qs(urlsplit(str(getattr(request, "uri", ""))).query, keep_blank_values=True)
    return all(params.get(name) == [""] for name in names)


def _left_out_headers(violation: str) -> set[str] | None:
    """The headers a violation says the case left out (lower case), or None."""
    if "header" in violation and "violates `required`" in violation:
        was = _WAS.search(violation)
        if was:
            return {h.strip().lower() for h in was.group(1).split(",")}
    missing = _MISSING_AT.search(violation) or _MISSING_CHECK.search(violation)
    return {missing.group(1).lower()} if missing else None


def harness_artefact(text: str, sent_headers: dict[str, Any], *, has_body: bool = True,
                     sent_json: bool = False) -> dict[str, str] | None:
    """Why a 'schema-violating request accepted' is no evidence ({nl, en}), or None when it
    is.

    Five cases never reach the server as invalid: a required header the case left out but
    the HTTP client sent anyway (Content-Type with a JSON body); a read-only property in the
    body, which servers ignore on input (the OAS marks it readOnly, not forbidden); a case
    schemathesis itself reports as "positive test case" (no invalid part found in what it
    sent); a wrong or missing Content-Type on a request without a body, where it describes
    nothing (RFC 9110 §8.3) and DRF-based suppliers such as Open Zaak ignore it; and a body labelled
    "random bytes" that went out as well-formed JSON (a stateful step can carry the label of
    a syntax mutation with the JSON body of an earlier step).
    """
    violations = invalid_parts(text)
    if not violations:
        return None
    if [v.strip() for v in violations] == ["positive test case"]:
        return POSITIVE_CASE
    sent = {name.lower() for name in sent_headers}
    harmless: list[dict[str, str]] = []
    for violation in violations:
        left_out = _left_out_headers(violation)
        unsent = left_out - sent if left_out is not None else None
        if unsent == set():
            harmless.append(SENT_ANYWAY)
        elif not has_body and unsent == {"content-type"}:
            harmless.append(NO_CONTENT)
        elif "body" in violation and "violates `not` at /properties/" in violation:
            harmless.append(READ_ONLY)
        elif sent_json and "invalid syntax: random bytes" in violation.lower():
            harmless.append(RANDOM_AS_JSON)
        elif not has_body and "`Content-Type` in header" in violation:
            harmless.append(WRONG_CONTENT)
        else:
            return None
    return {lang: VALID_AFTER_ALL[lang] + "; ".join(dict.fromkeys(h[lang] for h in harmless))
            for lang in ("nl", "en")}


def _is_json(body: Any) -> bool:
    """Does a sent request body parse as JSON?"""
    if not body:
        return False
    try:
        json.loads(body)
    except (ValueError, TypeError):
        return False
    return True
