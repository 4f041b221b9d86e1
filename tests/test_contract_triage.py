"""Triage of schemathesis failures that never reached the server as invalid requests."""

from __future__ import annotations

from conformance.engine.contract import _harness_artefact, _informational_rule

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


def test_informational_rules_match_on_every_given_field():
    rules = [{"check": "status_code_conformance", "status": 304, "reason": "r1"},
             {"check": "missing_required_header", "message_contains": "Got 403", "reason": "r2"}]
    assert _informational_rule(rules, "status_code_conformance", "zaak_retrieve", 304, "")
    assert not _informational_rule(rules, "status_code_conformance", "zaak_retrieve", 400, "")
    assert _informational_rule(rules, "missing_required_header", "x", 403, "... Got 403 when")
    assert not _informational_rule(rules, "missing_required_header", "x", 200, "accepted")
