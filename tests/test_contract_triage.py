"""Triage: what a failed contract check is evidence of (engine/triage.py)."""

from __future__ import annotations

from types import SimpleNamespace

import schemathesis
import yaml
from conftest import SPEC_DIR

from conformance.engine.partial_update import only_left_out
from conformance.engine.triage import harness_artefact as _harness_artefact
from conformance.engine.triage import spec_gap_rule, triage
from conformance.profiles import load_profile


def _request(uri: str = "http://x/zaken", **headers: str) -> SimpleNamespace:
    return SimpleNamespace(uri=uri, headers=headers, body=None)

SENT = {"Content-Type": "application/json", "Accept-Crs": "EPSG:4326",
        "Content-Crs": "EPSG:4326", "Authorization": "[REDACTED]"}


def test_header_the_client_sent_anyway_is_an_artefact():
    text = ("Schema-violating request accepted\nInvalid component: in header - violates "
            "`required` (was Content-Type, Accept-Crs, Content-Crs)")
    assert _harness_artefact(text, SENT) is not None


def test_header_really_missing_is_a_failure():
    text = ("Schema-violating request accepted\nInvalid component: in header - violates "
            "`required` (was Content-Type, Accept-Crs)")
    sent = {k: v for k, v in SENT.items() if k != "Accept-Crs"}
    assert _harness_artefact(text, sent) is None


def test_read_only_property_alone_is_an_artefact_but_not_with_a_real_violation():
    only_read_only = ("Invalid component:\n  - header: violates `required` (was Content-Type)\n"
                      "  - body: violates `not` at /properties/url")
    assert _harness_artefact(only_read_only, SENT) is not None
    with_real = only_read_only + "\n  - body: violates `maxLength` at /properties/toelichting"
    assert _harness_artefact(with_real, SENT) is None
    assert _harness_artefact("Schema-violating request accepted", SENT) is None


def test_a_negative_case_schemathesis_calls_positive_is_no_evidence():
    text = ("Schema-violating request accepted: Invalid data should have been rejected\n"
            "Expected: 400, 401, 403\nInvalid component: positive test case")
    assert _harness_artefact(text, SENT) is not None
    with_real = text + "\n  - body: violates `maxLength` at /properties/toelichting"
    assert _harness_artefact(with_real, SENT) is None


def test_wrong_content_type_without_a_body_is_no_evidence():
    """Content-Type describes the content; with none there is nothing to reject (Open Zaak,
    like any DRF service, ignores it then). With a body it must be rejected."""
    text = ("Schema-violating request accepted: Invalid data should have been rejected\n"
            "Expected: 400, 401, 403, 404, 406, 409, 415, 422\n"
            "Invalid component: parameter `Content-Type` in header - violates `enum` at "
            "/properties/Content-Type")
    assert _harness_artefact(text, {"Content-Type": "Q0"}, has_body=False) is not None
    assert _harness_artefact(text, {"Content-Type": "Q0"}, has_body=True) is None
    with_real = text + "\n  - parameter `Accept-Crs` in header - violates `enum`"
    assert _harness_artefact(with_real, {"Content-Type": "Q0"}, has_body=False) is None
    # the coverage phase's own phrasing, and the missing-header check's (brc-1.1, seed 601,
    # budget standard: a bodyless PATCH of a besluit without Content-Type, answered 200)
    missing = ("Schema-violating request accepted: Invalid data should have been rejected\n"
               "Invalid component: Missing `Content-Type` at header")
    assert _harness_artefact(missing, {}, has_body=False) is not None
    assert _harness_artefact(missing, {}, has_body=True) is None
    header = ("Missing required header accepted: Got 200 when missing required "
              "'Content-Type' header, expected 400, 401, 403, 406, 412, 415, 422")
    bodyless = SimpleNamespace(uri="http://x/besluiten/1", headers={}, body=None)
    assert triage("missing_required_header", "besluit_partial_update", 200, header, bodyless,
                  []).kind == "harness_artefact"
    with_body = SimpleNamespace(uri="http://x/besluiten/1", headers={}, body='{"a": 1}')
    assert triage("missing_required_header", "besluit_partial_update", 200, header, with_body,
                  []).kind == "deviation"


def test_a_header_the_case_left_out_but_the_client_sent_is_no_evidence_in_any_phrasing():
    """drc-1.4 and ztc-1.3, budget standard, seed 601: a PATCH and a PUT whose case left out
    Content-Type, sent with it and a JSON body all the same, accepted."""
    sent = SimpleNamespace(uri="http://x/y/1", headers={"Content-Type": "application/json"},
                           body='{"lock": "x"}')
    coverage = ("Schema-violating request accepted: Invalid data should have been rejected\n"
                "Invalid component: Missing `Content-Type` at header")
    assert _harness_artefact(coverage, sent.headers) is not None
    assert _harness_artefact(coverage, {"Accept": "*/*"}) is None  # really left out
    header = ("Missing required header accepted: Got 200 when missing required "
              "'Content-Type' header, expected 400, 401, 403, 406, 412, 415, 422")
    assert triage("missing_required_header", "x", 200, header, sent, []).kind == \
        "harness_artefact"
    unsent = SimpleNamespace(uri="http://x/y/1", headers={}, body='{"lock": "x"}')
    assert triage("missing_required_header", "x", 200, header, unsent, []).kind == "deviation"
    auth = "Got 200 when missing required 'Authorization' header"
    assert triage("missing_required_header", "x", 200, auth,
                  SimpleNamespace(uri="http://x/y", headers={}, body=None), []).kind == \
        "deviation"


def test_no_content_type_without_a_body_is_no_evidence():
    """A bodyless PATCH without Content-Type (the reference and Open Zaak take it as an empty
    partial update): a false alarm at concurrency 4, seed 403. Any other header missing, or a
    body sent, keeps it evidence."""
    text = ("Schema-violating request accepted: Invalid data should have been rejected\n"
            "Invalid component: in header - violates `required` (was Content-Type, "
            "Accept-Crs, Content-Crs)")
    crs = {"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}
    assert _harness_artefact(text, crs, has_body=False) is not None
    assert _harness_artefact(text, crs, has_body=True) is None
    assert _harness_artefact(text, {"Accept-Crs": "EPSG:4326"}, has_body=False) is None


def test_random_bytes_sent_as_json_is_no_evidence_but_real_random_bytes_are():
    """A stateful step can carry the 'random bytes' label with an earlier step's JSON body
    (seen on the reference's notificaties pass): what reached the server was JSON."""
    text = ("Schema-violating request accepted: Invalid data should have been rejected\n"
            "Invalid component: in body - invalid syntax: random bytes")
    request = SimpleNamespace(uri="http://x/abonnement/1", headers=SENT,
                              body=b'{"callbackUrl": "http://127.0.0.1/cb", "kanalen": []}')
    found = triage("negative_data_rejection", "abonnement_partial_update", 200, text,
                   request, [])
    assert found.kind == "harness_artefact" and "well-formed JSON" in found.reason
    request.body = b"\xfe\x00{not json"
    assert triage("negative_data_rejection", "abonnement_partial_update", 200, text,
                  request, []).kind == "deviation"


def test_spec_gap_rules_forgive_exactly_the_case_they_name():
    rules = [
        {"check": "status_code_conformance", "operations": ["zaak_retrieve"],
         "statuses": [304], "when": {"request_header": "If-None-Match"}, "reason": "r1"},
        {"check": "status_code_conformance", "operations": ["zaak_list"], "statuses": [404],
         "when": {"query": "page"}, "reason": "r2"},
        {"check": "status_code_conformance", "operations": ["zaak_retrieve"],
         "statuses": [400], "when": {"has_query": True}, "reason": "r3"},
        {"check": "missing_required_header", "operations": "all", "statuses": [403],
         "message_contains": "Got 403", "reason": "r4"}]
    conditional = _request(**{"If-None-Match": '"abc"'})
    assert spec_gap_rule(rules, "status_code_conformance", "zaak_retrieve", 304, "", conditional)
    # 304 without If-None-Match, on another operation, or another status: no spec gap
    assert not spec_gap_rule(rules, "status_code_conformance", "zaak_retrieve", 304, "",
                             _request())
    assert not spec_gap_rule(rules, "status_code_conformance", "zaak_list", 304, "", conditional)
    assert not spec_gap_rule(rules, "status_code_conformance", "zaak_retrieve", 400, "",
                             conditional)
    # a list's 404 only for a page that does not exist
    assert spec_gap_rule(rules, "status_code_conformance", "zaak_list", 404, "",
                         _request("http://x/zaken?page=9"))
    assert not spec_gap_rule(rules, "status_code_conformance", "zaak_list", 404, "",
                             _request("http://x/zaken?bronorganisatie=1"))
    # a detail's 400 only when the request had a query
    assert spec_gap_rule(rules, "status_code_conformance", "zaak_retrieve", 400, "",
                         _request("http://x/zaken/1?foo=1"))
    assert not spec_gap_rule(rules, "status_code_conformance", "zaak_retrieve", 400, "",
                             _request("http://x/zaken/1"))
    assert spec_gap_rule(rules, "missing_required_header", "x", 403, "... Got 403 when")
    assert not spec_gap_rule(rules, "missing_required_header", "x", 200, "accepted")


def test_an_error_answers_form_belongs_to_the_error_format_rule():
    verdict = triage("content_type_conformance", "zaak_retrieve", 404, "Undocumented", None, [])
    assert (verdict.kind, verdict.aspect) == ("aspect", "error-format")
    ok = triage("content_type_conformance", "zaak_retrieve", 200, "Undocumented", None, [])
    assert ok.kind == "deviation"


def test_a_server_error_belongs_to_the_server_error_rule_once():
    verdict = triage("positive_data_acceptance", "zaak_create", 500, "rejected", None, [])
    assert (verdict.kind, verdict.aspect) == ("aspect", "server-error")
    assert triage("not_a_server_error", "zaak_create", 500, "", None, []).kind == "deviation"


def test_a_404_for_a_made_up_id_is_no_refusal_of_valid_data():
    assert triage("positive_data_acceptance", "zaak_retrieve", 404, "", None, [],
                  pointed=False).kind == "conditional"
    assert triage("positive_data_acceptance", "zaak_retrieve", 404, "", None, [],
                  pointed=True).kind == "deviation"
    inm = _request(**{"If-None-Match": '"e"'})
    assert triage("positive_data_acceptance", "zaak_retrieve", 304, "", inm, []).kind == \
        "conditional"
    assert triage("positive_data_acceptance", "zaak_retrieve", 304, "", _request(),
                  []).kind == "deviation"


def test_a_rule_may_forgive_only_requests_that_left_a_query_parameter_out():
    rules = [{"check": "status_code_conformance", "operations": ["applicatie_consumer"],
              "statuses": [400], "when": {"query_absent": "clientId"}, "reason": "r"}]
    assert spec_gap_rule(rules, "status_code_conformance", "applicatie_consumer", 400, "",
                         _request("http://x/applicaties/consumer"))
    assert not spec_gap_rule(rules, "status_code_conformance", "applicatie_consumer", 400, "",
                             _request("http://x/applicaties/consumer?clientId=abc"))


# What the built-in profiles forgive, in the shapes the clean reference's answers had in the
# budget-standard false-alarm round (seeds 601-602) and Open Zaak 1.30 gives too.
def _gaps(profile_id: str) -> list[dict]:
    return load_profile(profile_id).contract["spec_gaps"]


def _operation(spec_file: str, path: str, method: str = "PATCH") -> SimpleNamespace:
    """A case of a pinned spec's operation, as far as partial_update reads it."""
    spec = yaml.safe_load((SPEC_DIR / spec_file).read_text(encoding="utf-8"))
    return SimpleNamespace(operation=schemathesis.openapi.from_dict(spec)[path][method])


def _sent(body: str | None, method: str = "PATCH") -> SimpleNamespace:
    return SimpleNamespace(method=method, body=body, uri="http://x/y/1", headers={})


REJECT = "Invalid data should have been rejected\nExpected: 400, 404, 422\nInvalid component: "


def test_a_patch_that_only_left_out_properties_or_its_body_is_a_spec_gap():
    """The older OAS files give PATCH the full schema (required properties, required body);
    a partial update that leaves them out is valid by the standard. Anything else invalid
    in the same request is still a deviation."""
    nrc = _operation("notificaties-1.0.0.yaml", "/abonnement/{uuid}")
    brc = _operation("besluiten-1.1.0.yaml", "/besluiten/{uuid}")
    vwl = _operation("verwerkingenlogging-bewerking-0.9.0.yaml", "/verwerkingsacties")
    forgiven = [
        (nrc, _sent('{"auth": "Bearer x"}'), "Missing required property: kanalen"),
        (nrc, _sent(None), "Missing request body"),
        (brc, _sent('{"toelichting": "t"}'), "in body - violates `required` at /$ref"),
        (vwl, _sent(None), "Missing request body")]
    for case, request, component in forgiven:
        assert only_left_out(case, request, REJECT + component), component
        assert triage("negative_data_rejection", "x", 200, REJECT + component, request, [],
                      left_out=True).kind == "spec_gap"
    deviations = [
        # a nested object's required property: the array is replaced whole
        (nrc, _sent('{"kanalen": [{"filters": {}}]}'), "Missing required property: naam"),
        (nrc, _sent('{"auth": 5}'), "in body - violates `type`"),
        (nrc, _sent('{"callbackUrl": "no uri"}'), "in body - violates `format`"),
        (nrc, _sent('{"auth": "x"}', "PUT"), "Missing required property: kanalen"),
        (nrc, _sent(None), "parameter `uuid` in path - not a UUID"),
        (brc, _sent('{"toelichting": "t"}'), "\n  - in body - x\n  - in query - y")]
    for case, request, component in deviations:
        assert not only_left_out(case, request, REJECT + component), component
    assert triage("negative_data_rejection", "x", 200, REJECT + "in body - violates `type`",
                  _sent('{"auth": 5}'), []).kind == "deviation"


def test_ac_consumer_without_client_id_and_nrc_notificatie_without_json_are_spec_gaps():
    ac = _gaps("ac-1.0")
    without = _request("http://x/autorisaties/api/v1/applicaties/consumer")
    assert triage("status_code_conformance", "applicatie_consumer", 400,
                  "Undocumented status code: Received: 400", without, ac).kind == "spec_gap"
    assert triage("status_code_conformance", "applicatie_consumer", 409,
                  "Undocumented status code: Received: 409", without, ac).kind == "deviation"
    nrc = _gaps("nrc-1.0")
    assert triage("status_code_conformance", "notificaties_create", 415,
                  "Undocumented status code: Received: 415", _request(), nrc).kind == "spec_gap"
    assert triage("status_code_conformance", "kanaal_create", 415,
                  "Undocumented status code: Received: 415", _request(), nrc).kind == "deviation"


def test_an_empty_filter_value_accepted_is_a_spec_gap_but_any_other_invalid_filter_is_not():
    """Open Zaak 1.30, brc-1.1 at budget standard: GET /besluiten?zaak= answered 200 with the
    whole list (django-filter reads an empty value as no filter); the OAS's URI form does not
    make the standard say an empty value is invalid."""
    text = ("Schema-violating request accepted: Invalid data should have been rejected\n"
            "Invalid component: parameter `zaak` in query - zaak: Value not matching the 'uri' "
            "format")
    empty = _request("http://x/besluiten?zaak=")
    assert triage("negative_data_rejection", "besluit_list", 200, text, empty, []).kind == \
        "spec_gap"
    wrong = _request("http://x/besluiten?zaak=not-a-uri")
    assert triage("negative_data_rejection", "besluit_list", 200, text, wrong, []).kind == \
        "deviation"
    also_header = text + "\n  - parameter `Accept-Crs` in header - violates `enum`"
    assert triage("negative_data_rejection", "besluit_list", 200, also_header, empty,
                  []).kind == "deviation"


def test_crs_headers_on_a_delete_are_a_spec_gap_and_nowhere_else():
    """Open Zaak 1.30, zrc-1.5 quick, concurrency 4: DELETE /zaken/{uuid} without Accept-Crs
    and Content-Crs, or with another value, answered 204; a DELETE has no geometry."""
    left_out = ("Schema-violating request accepted: Invalid data should have been rejected\n"
                "Invalid component: in header - violates `required` (was Accept-Crs, "
                "Content-Crs)")
    other = ("Schema-violating request accepted: Invalid data should have been rejected\n"
             "Invalid component: parameter `Accept-Crs` in header - violates `enum` at "
             "/properties/Accept-Crs")
    check = "Got 204 when missing required 'Content-Crs' header, expected 400, 412"
    delete = SimpleNamespace(method="DELETE", uri="http://x/zaken/1", headers={}, body=None)
    for name, text in (("negative_data_rejection", left_out),
                       ("negative_data_rejection", other), ("missing_required_header", check)):
        assert triage(name, "zaak_destroy", 204, text, delete, []).kind == "spec_gap", text
    patch = SimpleNamespace(method="PATCH", uri="http://x/zaken/1", headers={}, body="{}")
    assert triage("negative_data_rejection", "zaak_partial_update", 200, other, patch,
                  []).kind == "deviation"
    with_auth = left_out.replace("Content-Crs)", "Content-Crs, Authorization)")
    assert triage("negative_data_rejection", "zaak_destroy", 204, with_auth, delete,
                  []).kind == "deviation"
