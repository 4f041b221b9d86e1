"""Behaviour of a Notificaties API 1.0 (the notificatierouteringcomponent) itself.

Sources: the Notificaties API 1.0.0 OAS (``info.description``: kanalen are unique by name and
registered by their source; consumers subscribe per kanaal with filters on its kenmerken;
messages are routed unchanged to every subscriber) and the ZGW notification pages
(https://vng-realisatie.github.io/gemma-zaken/standaard/notificaties/). The harness acts as
both publisher and subscriber: its own kanaal (prepared once per target, kanalen cannot be
deleted) and webhook receivers on loopback, each with its own ``auth`` value.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from ..client import ApiClient
from ..engine.data_notificaties import subscribe
from ..engine.webhook import CallbackSettings, WebhookReceiver
from ..zgw import Factory
from ._helpers import (
    adopt,
    create,
    expect_status,
    fetch,
    rejected_field,
)
from .generic_checks import (
    check_api_version_header,
    check_created_can_be_read,
    check_deleted_is_gone,
    check_errors_are_problem_json,
    check_jwt_zgw_auth,
    check_openapi_discovery,
    check_unknown_query_parameter_rejected,
    unknown_uuid,
)

# the notification tests share the harness's webhook receiver: one worker runs them all
# (suite_turns)
pytestmark = pytest.mark.xdist_group("notifications")

#: how long a delivery may take (the NRC delivers asynchronously)
DELIVERY_TIMEOUT_S = 10.0
#: how long to wait, once the expected deliveries arrived, to see that no other comes
QUIET_S = 1.5
MESSAGE_FIELDS = ("kanaal", "hoofdObject", "resource", "resourceUrl", "actie", "aanmaakdatum")


@pytest.fixture
def nrc_factory(request: pytest.FixtureRequest, suite_context: Any,
                notificaties: ApiClient) -> Iterator[Factory]:
    """Seeded values and clean-up of what a test makes; an NRC needs no Catalogi API."""
    made = Factory(catalogi=None,  # type: ignore[arg-type]
                   rng=random.Random(f"{suite_context.seed}:{request.node.nodeid}"))
    yield made
    made.cleanup()


@pytest.fixture
def nrc_kanaal(suite_context: Any) -> dict[str, Any]:
    """The harness's own kanaal on the target (prepared before the suites)."""
    kanaal = suite_context.fixtures.get("notificaties", {}).get("kanaal")
    if not kanaal:
        raise RuntimeError("the run prepared no kanaal (see the run's preparation errors)")
    return kanaal


@pytest.fixture
def receivers(suite_context: Any) -> Iterator[Callable[[], WebhookReceiver]]:
    """Makes webhook receivers for one test; all stopped afterwards."""
    made: list[WebhookReceiver] = []

    def make() -> WebhookReceiver:
        receiver = WebhookReceiver(CallbackSettings.from_target(suite_context.notifications))
        made.append(receiver.start())
        return receiver

    yield make
    for receiver in made:
        receiver.stop()


def _message(factory: Factory, kanaal: dict[str, Any], **kenmerken: str) -> dict[str, Any]:
    tag = factory.tag()
    url = f"https://conformance.invalid/api/v1/objecten/{unknown_uuid(factory)}"
    return {"kanaal": kanaal["naam"], "hoofdObject": url, "resource": "object",
            "resourceUrl": url, "actie": f"create-{tag}", "aanmaakdatum": "2026-01-01T12:00:00Z",
            "kenmerken": kenmerken}


def _publish(client: ApiClient, message: dict[str, Any]) -> None:
    resp = client.post("notificaties", message)
    expect_status(resp, (200, 201, 202, 204),
                  f"POST /notificaties on kanaal {message['kanaal']!r}")


def _received(receiver: WebhookReceiver, message: dict[str, Any], what: str) -> dict[str, Any]:
    """The delivery of ``message`` (told apart by its unique actie), within the timeout."""
    got = receiver.wait_for(lambda m: m.get("actie") == message["actie"], DELIVERY_TIMEOUT_S)
    bad_auth = [d for d in receiver.rejected
                if isinstance(d.body, dict) and d.body.get("actie") == message["actie"]]
    assert not bad_auth, (
        f"{what}: the notification reached {receiver.callback_url} without the abonnement's "
        f"'auth' value as Authorization header (got "
        f"{'none' if not bad_auth[0].authorization else 'another value'})")
    assert got, (
        f"{what}: the notification was not delivered to the subscriber's callbackUrl within "
        f"{DELIVERY_TIMEOUT_S:.0f} s ({len(receiver.accepted)} other deliveries arrived)")
    return got[0]


def _same(field: str, sent: Any, got: Any) -> bool:
    """Equal; a date-time may come back in another ISO 8601 spelling of the same moment."""
    if field == "aanmaakdatum" and isinstance(sent, str) and isinstance(got, str):
        try:
            return (datetime.fromisoformat(sent.replace("Z", "+00:00"))
                    == datetime.fromisoformat(got.replace("Z", "+00:00")))
        except ValueError:
            return False
    return sent == got


# --- kanalen -------------------------------------------------------------------------------------
def test_kanaal_registration(notificaties: ApiClient, nrc_kanaal: dict[str, Any]) -> None:
    """A kanaal is registered once, is found by naam, and its name is unique."""
    naam = nrc_kanaal["naam"]
    resp = notificaties.get("kanaal", params={"naam": naam})
    expect_status(resp, 200, f"GET /kanaal?naam={naam}")
    found = resp.json()
    items = found.get("results", []) if isinstance(found, dict) else found
    assert isinstance(items, list) and [k.get("naam") for k in items if isinstance(k, dict)] \
        == [naam], f"GET /kanaal?naam={naam} must list exactly that kanaal, got {resp.text[:300]}"
    kanaal = items[0]
    assert set(kanaal.get("filters") or []) == set(nrc_kanaal["filters"]), (
        f"kanaal {naam!r} must keep the filters it was registered with "
        f"{nrc_kanaal['filters']}, got {kanaal.get('filters')!r}")
    assert isinstance(kanaal.get("url"), str), f"kanaal {naam!r} has no url: {kanaal}"
    again = fetch(notificaties, kanaal["url"], f"GET of kanaal {naam!r}")
    assert again.get("naam") == naam, f"GET {kanaal['url']} gave naam {again.get('naam')!r}"
    rejected_field(notificaties.post("kanaal", {"naam": naam}), "naam",
                   f"POST /kanaal with the existing naam {naam!r} (names are unique)")


# --- abonnementen --------------------------------------------------------------------------------
def test_abonnement_with_auth(notificaties: ApiClient, nrc_factory: Factory,
                              nrc_kanaal: dict[str, Any],
                              receivers: Callable[[], WebhookReceiver]) -> None:
    """An abonnement keeps its callbackUrl, auth value and kanalen with filters; it must name
    existing kanalen; it can be removed."""
    receiver = receivers()
    filters = {nrc_kanaal["filters"][0]: nrc_factory.rsin()} if nrc_kanaal["filters"] else {}
    body = {"callbackUrl": receiver.callback_url, "auth": receiver.auth_value,
            "kanalen": [{"naam": nrc_kanaal["naam"], "filters": filters}]}
    made = create(nrc_factory, notificaties, "abonnement", body, "POST /abonnement")
    stored = fetch(notificaties, made["url"], "GET of the new abonnement")
    assert stored.get("callbackUrl") == receiver.callback_url, (
        f"the abonnement must keep its callbackUrl {receiver.callback_url!r}, got "
        f"{stored.get('callbackUrl')!r}")
    groups = stored.get("kanalen") or []
    assert [(g.get("naam"), g.get("filters") or {}) for g in groups] == \
        [(nrc_kanaal["naam"], filters)], (
        f"the abonnement must keep kanalen [{nrc_kanaal['naam']!r} with filters {filters}], "
        f"got {groups!r}")
    if "auth" in stored:  # the OAS lists it; an NRC may keep the secret to itself
        assert stored["auth"] == receiver.auth_value, "the abonnement changed its 'auth' value"
    unknown = f"conformance-unknown-{nrc_factory.tag()}"
    resp = notificaties.post("abonnement", {**body, "kanalen": [{"naam": unknown}]})
    adopt(nrc_factory, notificaties, resp)
    expect_status(resp, 400, f"POST /abonnement on kanaal {unknown!r}, which does not exist")
    resp = notificaties.post("abonnement", {k: v for k, v in body.items() if k != "auth"})
    adopt(nrc_factory, notificaties, resp)
    rejected_field(resp, "auth", "POST /abonnement without 'auth'")
    gone = notificaties.delete(made["url"])
    expect_status(gone, 204, "DELETE of the abonnement")
    expect_status(notificaties.get(made["url"]), 404, "GET of the deleted abonnement")


def _abonnement(notificaties: ApiClient, factory: Factory, kanaal: dict[str, Any],
                receiver: WebhookReceiver) -> dict[str, Any]:
    return factory.create(notificaties, "abonnement", {
        "callbackUrl": receiver.callback_url, "auth": receiver.auth_value,
        "kanalen": [{"naam": kanaal["naam"]}]})


def test_notificaties_created_can_be_read(notificaties: ApiClient, nrc_factory: Factory,
                                          nrc_kanaal: dict[str, Any],
                                          receivers: Callable[[], WebhookReceiver]) -> None:
    """The kanaal and an abonnement can be read back (lifecycle.py says why)."""
    check_created_can_be_read(notificaties, {"kanaal": nrc_kanaal, "abonnement": _abonnement(
        notificaties, nrc_factory, nrc_kanaal, receivers())})


def test_notificaties_deleted_is_gone(notificaties: ApiClient, nrc_factory: Factory,
                                      nrc_kanaal: dict[str, Any],
                                      receivers: Callable[[], WebhookReceiver]) -> None:
    """An abonnement is gone once deleted (Notificaties 1.0 cannot delete kanalen)."""
    check_deleted_is_gone(notificaties, {"abonnement": _abonnement(
        notificaties, nrc_factory, nrc_kanaal, receivers())})


# --- routing and delivery ------------------------------------------------------------------------
def test_delivery_to_subscribers(notificaties: ApiClient, nrc_factory: Factory,
                                 nrc_kanaal: dict[str, Any],
                                 receivers: Callable[[], WebhookReceiver]) -> None:
    """A published notification reaches every subscriber of its kanaal unchanged, with the
    abonnement's auth value as Authorization header; an unknown kanaal is refused."""
    first, second = receivers(), receivers()
    for receiver in (first, second):
        subscribe(nrc_factory, notificaties, receiver, [{"naam": nrc_kanaal["naam"]}])
    kenmerken = {name: nrc_factory.rsin() for name in nrc_kanaal["filters"][:1]}
    message = _message(nrc_factory, nrc_kanaal, **kenmerken)
    _publish(notificaties, message)
    for n, receiver in enumerate((first, second), start=1):
        got = _received(receiver, message, f"subscriber {n} of kanaal {nrc_kanaal['naam']!r}")
        changed = {k: (message.get(k), got.get(k)) for k in (*MESSAGE_FIELDS, "kenmerken")
                   if not _same(k, message.get(k), got.get(k))}
        assert not changed, (
            f"the NRC must route a notification unchanged; subscriber {n} got other values "
            f"(sent, received): {changed}")
    unknown = {**message, "kanaal": f"conformance-unknown-{nrc_factory.tag()}"[:50]}
    resp = notificaties.post("notificaties", unknown)
    expect_status(resp, 400, f"POST /notificaties on kanaal {unknown['kanaal']!r}, "
                             "which does not exist")


def test_routing_filtered_on_kenmerken(notificaties: ApiClient, nrc_factory: Factory,
                                       nrc_kanaal: dict[str, Any],
                                       receivers: Callable[[], WebhookReceiver]) -> None:
    """A subscriber with filters gets only the notifications whose kenmerken match them."""
    if not nrc_kanaal["filters"]:
        raise RuntimeError(f"the harness's kanaal {nrc_kanaal['naam']!r} has no filters")
    key = nrc_kanaal["filters"][0]
    mine, other = nrc_factory.rsin(), nrc_factory.rsin()
    matching, filtered_out, unfiltered = receivers(), receivers(), receivers()
    subscribe(nrc_factory, notificaties, matching,
              [{"naam": nrc_kanaal["naam"], "filters": {key: mine}}])
    subscribe(nrc_factory, notificaties, filtered_out,
              [{"naam": nrc_kanaal["naam"], "filters": {key: other}}])
    subscribe(nrc_factory, notificaties, unfiltered, [{"naam": nrc_kanaal["naam"]}])
    message = _message(nrc_factory, nrc_kanaal, **{key: mine})
    _publish(notificaties, message)
    _received(matching, message, f"the subscriber filtering on {key}={mine}")
    _received(unfiltered, message, "the subscriber without filters")
    filtered_out.settle(QUIET_S)
    leaked = [m for m in filtered_out.messages() if m.get("actie") == message["actie"]]
    assert not leaked, (
        f"a notification with kenmerken {{{key!r}: {mine!r}}} was delivered to an abonnement "
        f"filtering on {key}={other!r}; the NRC must deliver only what matches the filters")


# --- generic ZGW rules on the Notificaties API ---------------------------------------------------
def test_unknown_query_parameter_rejected(notificaties: ApiClient) -> None:
    """A query parameter that is not in the OAS is refused with HTTP 400."""
    check_unknown_query_parameter_rejected(notificaties, "kanaal")


def test_errors_are_problem_json(notificaties: ApiClient, nrc_factory: Factory) -> None:
    """Errors are application/problem+json with code, title, status, detail and instance."""
    check_errors_are_problem_json(notificaties, nrc_factory, "abonnement", "abonnement")


def test_api_version_header(notificaties: ApiClient, nrc_factory: Factory,
                            nrc_kanaal: dict[str, Any], api_version: dict[str, str],
                            receivers: Callable[[], WebhookReceiver]) -> None:
    """Responses of the Notificaties API carry API-version with its implemented version."""
    receiver = receivers()
    check_api_version_header(notificaties, nrc_factory, "abonnement", api_version["notificaties"],
                             {"callbackUrl": receiver.callback_url, "auth": receiver.auth_value,
                              "kanalen": [{"naam": nrc_kanaal["naam"]}]})


def test_jwt_zgw_auth(notificaties: ApiClient, suite_context: Any, nrc_factory: Factory) -> None:
    """Only a JWT-ZGW token (HS256) of a known client, signed with its secret, is accepted."""
    check_jwt_zgw_auth(notificaties, nrc_factory, "kanaal", suite_context)


def test_openapi_discovery(notificaties: ApiClient, api_version: dict[str, str]) -> None:
    """The API serves its OAS at {API root}/openapi.json, without authentication."""
    check_openapi_discovery(notificaties, api_version["notificaties"], "Notificaties API")

