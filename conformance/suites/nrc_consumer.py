"""Behaviour of a notification consumer: the webhook a component offers the NRC (nrc-c-001 ...).

Sources: the consumer API ``notificaties-consumer`` 1.0.0-rc1 (C-OAS: ``POST /{webhooks_path}``
with a ``Notificatie``; 204, or 400/401/403 ``application/problem+json``), the ZGW notification
pages ("een endpoint registreren, beveiligd met een Authorization header") and what the NRCs in
use need to work with a consumer (the VNG reference NRC and Open Notificaties). The harness plays
the NRC: it POSTs to the callback URL with the Authorization value the target file names (the
abonnement's ``auth``), on the kanalen the component consumes. One deviation counts once: the
status rules judge statuses, ``nrc-c-012`` alone judges the form of error bodies.
"""

from __future__ import annotations

import base64
import random
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from ..client import ApiClient, ResponseTooSlow
from ..engine.data_webhook import (
    callback_url,
    kanalen_of,
    notification,
    now_rfc3339,
    source_url,
)
from ._helpers import expect_status, problem, summary, where

# the notification tests share the harness's webhook receiver: one worker runs them all
# (suite_turns)
pytestmark = pytest.mark.xdist_group("notifications")

#: the message both NRCs in use POST when an abonnement is made (facts §4), verbatim
NRC_TEST_MESSAGE: dict[str, Any] = {
    "kanaal": "test", "hoofdObject": "http://some.hoofdobject.nl/", "resource": "some_resource",
    "resourceUrl": "http://some.resource.nl/", "actie": "create",
    "aanmaakdatum": "2019-01-01T12:00:00Z", "kenmerken": {}}
#: Open Notificaties waits this long for a consumer (NOTIFICATION_REQUESTS_TIMEOUT)
NRC_TIMEOUT_S = 10.0
REFUSED = (401, 403)
MISSING = object()  # send no Authorization header at all


@dataclass(frozen=True)
class Webhook:
    """The consumer's callback URL and the run's client for its origin."""

    client: ApiClient
    url: str

    def deliver(self, message: Any, authorization: Any = None, *,
                content: bytes | None = None) -> httpx.Response:
        """POST as an NRC does: with the registered value (``None``), without Authorization
        (``MISSING``), or with the given value; ``content`` sends raw bytes as JSON."""
        headers: dict[str, str] = {}
        if content is not None:
            headers["Content-Type"] = "application/json"
        if authorization is not None and authorization is not MISSING:
            headers["Authorization"] = authorization
        return self.client.post(self.url, json_body=None if content is not None else message,
                                content=content, headers=headers, auth=authorization is None)


@pytest.fixture
def webhook(_conformance_clients: dict[str, ApiClient], suite_context: Any) -> Webhook:
    if "webhook" not in _conformance_clients:
        raise RuntimeError("the target has no 'webhook' API (the consumer's callback URL)")
    client = _conformance_clients["webhook"]
    return Webhook(client, callback_url(client.base_url, suite_context.notifications))


@pytest.fixture
def kanalen(suite_context: Any) -> list[str]:
    return kanalen_of(suite_context.notifications, "target file")


@pytest.fixture
def rng(request: pytest.FixtureRequest, suite_context: Any) -> random.Random:
    return random.Random(f"{suite_context.seed}:{request.node.nodeid}")


@pytest.fixture
def registered(suite_context: Any) -> str:
    """The Authorization value the consumer registered (never printed)."""
    if not suite_context.secret:
        raise RuntimeError("the target gives no Authorization value for the webhook (auth: "
                           "{type: authorization, secret_env: ...})")
    return suite_context.secret


def _accepted(resp: httpx.Response, what: str) -> None:
    assert 200 <= resp.status_code < 300, (
        f"{what}: a valid notification with the registered Authorization must be accepted "
        f"(2xx) by {where(resp)}, got {summary(resp)}")


# --- nrc-c-001, nrc-c-002: valid notifications --------------------------------------------------


def test_valid_notifications_accepted(webhook: Webhook, kanalen: list[str],
                                      rng: random.Random) -> None:
    """nrc-c-001: the webhook takes POST with a Notificatie of every kanaal it consumes."""
    for kanaal in kanalen:
        _accepted(webhook.deliver(notification(kanaal, rng, actie="update")),
                  f"kanaal {kanaal}, actie update")


def test_valid_notification_gets_204(webhook: Webhook, kanalen: list[str],
                                     rng: random.Random) -> None:
    """nrc-c-002: C-OAS declares 204 without a body as the only success answer."""
    for kanaal in kanalen:
        resp = webhook.deliver(notification(kanaal, rng, actie="partial_update"))
        expect_status(resp, 204, f"kanaal {kanaal}, actie partial_update (C-OAS: 204 No "
                      "Content)")
        assert not resp.content, (
            f"{where(resp)}: 204 carries no body, got {len(resp.content)} bytes")


def test_api_version_header(webhook: Webhook, kanalen: list[str], rng: random.Random) -> None:
    """nrc-c-002 (SHOULD): C-OAS declares the API-version header on every response."""
    answers = [webhook.deliver(notification(kanalen[0], rng)),
               webhook.deliver(notification(kanalen[0], rng), MISSING),
               webhook.deliver({"kanaal": kanalen[0]})]
    for resp in answers:
        assert resp.headers.get("API-version"), (
            f"HTTP {resp.status_code} from {where(resp)} has no API-version header, which "
            "the consumer API declares on every response")


# --- nrc-c-003 ... nrc-c-005: the endpoint is protected by exactly the registered value ----------


def test_missing_authorization_refused(webhook: Webhook, kanalen: list[str],
                                       rng: random.Random) -> None:
    """nrc-c-003: without Authorization the answer is 401 or 403."""
    resp = webhook.deliver(notification(kanalen[0], rng), MISSING)
    expect_status(resp, REFUSED, "a notification without Authorization header")


def test_missing_authorization_403(webhook: Webhook, kanalen: list[str],
                                   rng: random.Random) -> None:
    """nrc-c-003 (SHOULD): exactly 403, which the VNG reference NRC demands when subscribing."""
    resp = webhook.deliver(notification(kanalen[0], rng), MISSING)
    expect_status(resp, 403, "a notification without Authorization header (the reference "
                  "NRC's subscription check needs 403)")


def _scheme(value: str) -> tuple[str, str]:
    scheme, space, token = value.partition(" ")
    return (scheme, token) if space and token else ("", value)


def test_wrong_authorization_refused(webhook: Webhook, kanalen: list[str],
                                     registered: str, rng: random.Random) -> None:
    """nrc-c-004: another value (same scheme, another scheme, empty) gets 401 or 403."""
    scheme, token = _scheme(registered)
    other = secrets.token_urlsafe(max(8, len(token)))[: max(8, len(token))]
    basic = "Basic " + base64.b64encode(b"conformance:wrong").decode()
    wrong = {"a value of the same form with another token": f"{scheme} {other}".strip(),
             "a value with another scheme": basic if scheme.lower() != "basic"
             else f"Bearer {other}",
             "an empty value": ""}
    for what, value in wrong.items():
        if value == registered:
            continue
        resp = webhook.deliver(notification(kanalen[0], rng), value)
        expect_status(resp, REFUSED, f"Authorization: {what} (not the registered one)")


def test_only_the_registered_value_accepted(webhook: Webhook, kanalen: list[str],
                                            registered: str, rng: random.Random) -> None:
    """nrc-c-005: exactly the registered string, whatever its scheme: near misses are refused."""
    scheme, token = _scheme(registered)
    near = {"the registered value with a character added": registered + "x",
            "the registered value without its last character": registered[:-1]}
    if scheme:
        near["only the token of the registered value, without its scheme"] = token
    for what, value in near.items():
        resp = webhook.deliver(notification(kanalen[0], rng), value)
        expect_status(resp, REFUSED, f"Authorization: {what}")
    _accepted(webhook.deliver(notification(kanalen[0], rng)),
              "the registered Authorization value itself")


# --- nrc-c-006, nrc-c-007: what the schema refuses and what it allows -----------------------------


def malformed_bodies(kanaal: str) -> Iterator[tuple[str, Any, bytes | None]]:
    """(what, body, raw content) of bodies the consumer schema refuses."""
    def valid() -> dict[str, Any]:
        return {"kanaal": kanaal, "hoofdObject": source_url(kanaal),
                "resource": "zaak", "resourceUrl": source_url(kanaal), "actie": "create",
                "aanmaakdatum": now_rfc3339(), "kenmerken": {"bronorganisatie": "002220647"}}

    for name in ("kanaal", "hoofdObject", "resource", "resourceUrl", "actie", "aanmaakdatum"):
        body = valid()
        del body[name]
        yield f"without the required '{name}'", body, None
    for what, name, value in (
            ("'kanaal' as a number", "kanaal", 123),
            ("an empty 'kanaal'", "kanaal", ""),
            ("a 'kanaal' of 51 characters", "kanaal", "k" * 51),
            ("a 'hoofdObject' that is no URI", "hoofdObject", "geen uri"),
            ("an empty 'resourceUrl'", "resourceUrl", ""),
            ("a 'resource' of 101 characters", "resource", "r" * 101),
            ("an 'actie' of 101 characters", "actie", "a" * 101),
            ("an 'aanmaakdatum' that is no date-time", "aanmaakdatum", "gisteren"),
            ("an 'aanmaakdatum' on a day that does not exist", "aanmaakdatum",
             "2019-02-30T12:00:00Z"),
            ("'kenmerken' as text", "kenmerken", "bronorganisatie"),
            ("a kenmerk that is a number", "kenmerken", {"bronorganisatie": 2220647}),
            ("an empty kenmerk", "kenmerken", {"bronorganisatie": ""}),
            ("a kenmerk of 1001 characters", "kenmerken", {"bronorganisatie": "x" * 1001})):
        body = valid()
        body[name] = value
        yield what, body, None
    yield "a JSON array instead of an object", [valid()], None
    yield "a body that is not JSON", None, b'{"kanaal": "zaken", '
    yield "an empty body", None, b""


def test_malformed_bodies_rejected(webhook: Webhook, kanalen: list[str]) -> None:
    """nrc-c-006: what the Notificatie schema refuses gets 400."""
    for what, body, raw in malformed_bodies(kanalen[0]):
        resp = webhook.deliver(body, content=raw)
        expect_status(resp, 400, f"a notification {what} (with the registered Authorization)")


def test_kenmerken_optional_and_open(webhook: Webhook, kanalen: list[str],
                                     rng: random.Random) -> None:
    """nrc-c-007: kenmerken absent, empty or with keys no kanaal documents, and any actie."""
    kanaal = kanalen[0]
    cases: dict[str, dict[str, Any]] = {}
    message = notification(kanaal, rng)
    del message["kenmerken"]
    cases["without kenmerken"] = message
    cases["with empty kenmerken"] = notification(kanaal, rng, kenmerken={})
    extended = notification(kanaal, rng)
    extended["kenmerken"].update({"conformanceOnbekend": "x", "verantwoordelijke_organisatie":
                                  "002220647", "omschrijving": "é ü € — ✓ 北京"})
    cases["with kenmerken its kanaal does not document"] = extended
    cases["with a kenmerk of 1000 characters"] = notification(
        kanaal, rng, kenmerken={"conformanceLang": "x" * 1000})
    cases["with an actie no source uses (gewijzigd)"] = notification(kanaal, rng, actie="gewijzigd")
    cases["with an unknown actie"] = notification(kanaal, rng, actie="conformance-onbekend")
    for what, message in cases.items():
        _accepted(webhook.deliver(message), f"a notification on kanaal {kanaal} {what}")


# --- nrc-c-008 ... nrc-c-010: what the NRCs in use need ------------------------------------


def test_nrc_test_message_accepted(webhook: Webhook) -> None:
    """nrc-c-008: the NRC's subscription test message (kanaal 'test', placeholder URLs)."""
    _accepted(webhook.deliver(dict(NRC_TEST_MESSAGE)),
              "the test message an NRC posts when an abonnement is made (kanaal 'test')")


def test_duplicate_delivery_accepted(webhook: Webhook, kanalen: list[str],
                                     rng: random.Random) -> None:
    """nrc-c-009: the same message delivered twice (at-least-once delivery) is taken twice."""
    message = notification(kanalen[0], rng)
    _accepted(webhook.deliver(message), "the first delivery of a notification")
    _accepted(webhook.deliver(message), "a second delivery of the same notification (an NRC "
              "delivers at least once)")


def test_answers_within_nrc_timeout(webhook: Webhook, kanalen: list[str], suite_context: Any,
                                    rng: random.Random) -> None:
    """nrc-c-010 (SHOULD): the answer comes within Open Notificaties' 10 s."""
    if suite_context.timeout_s < NRC_TIMEOUT_S:
        raise RuntimeError(f"the run's time bound per request ({suite_context.timeout_s:g} s, "
                           f"--timeout) is below the {NRC_TIMEOUT_S:g} s this rule measures")
    for kanaal in kanalen:
        started = time.monotonic()
        try:
            resp = webhook.deliver(notification(kanaal, rng, actie="create"))
        except (ResponseTooSlow, httpx.TimeoutException):
            raise AssertionError(
                f"POST {webhook.url} (kanaal {kanaal}, actie create) got no complete answer "
                f"within {suite_context.timeout_s:g} s; Open Notificaties gives up after "
                f"{NRC_TIMEOUT_S:g} s and delivers again later") from None
        took = time.monotonic() - started
        assert took <= NRC_TIMEOUT_S, (
            f"{where(resp)} (kanaal {kanaal}, actie create) answered after {took:.1f} s; Open "
            f"Notificaties gives up after {NRC_TIMEOUT_S:g} s and counts the delivery failed")


# --- nrc-c-012: the form of error answers ---------------------------------------------------


def _validation_params(resp: httpx.Response, body: dict[str, Any]) -> None:
    """C-OAS names the list ``invalid-params``; the VNG reference receiver (vng-api-common)
    sends ``invalidParams``: either spelling is taken (facts, ambiguity 3)."""
    params = body.get("invalid-params", body.get("invalidParams"))
    assert isinstance(params, list) and params, (
        f"a 400 from {where(resp)} must list the offending input in 'invalid-params' (a "
        f"non-empty array; C-OAS ValidatieFout), got keys {sorted(body)}")
    for entry in params:
        assert isinstance(entry, dict) and all(
            isinstance(entry.get(k), str) for k in ("name", "code", "reason")), (
            f"each invalid-params entry from {where(resp)} needs string name, code and reason, "
            f"got {str(entry)[:200]}")


def test_errors_are_problem_json(webhook: Webhook, kanalen: list[str],
                                 rng: random.Random) -> None:
    """nrc-c-012: 401/403 are ``Fout``, 400 is ``ValidatieFout``, as application/problem+json.

    Only the error answers the consumer gives are judged; whether it should have refused is
    the business of the status rules (nrc-c-003, -004, -006).
    """
    answers = [("no Authorization", webhook.deliver(notification(kanalen[0], rng), MISSING)),
               ("a wrong Authorization", webhook.deliver(notification(kanalen[0], rng),
                                                 "Bearer conformance-wrong-value")),
               ("a notification without 'kanaal'", webhook.deliver({
                   k: v for k, v in notification(kanalen[0], rng).items() if k != "kanaal"}))]
    judged = 0
    for what, resp in answers:
        if resp.status_code < 400 or resp.status_code >= 500:
            continue
        body = problem(resp, f"the error answer to {what}")
        if resp.status_code == 400:
            _validation_params(resp, body)
        judged += 1
    if not judged:
        raise RuntimeError("the webhook refused none of the requests that must be refused, so "
                           "the form of its errors cannot be judged (see nrc-c-003/004/006)")
