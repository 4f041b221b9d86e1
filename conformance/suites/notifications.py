"""Notifications a source API must publish: writes on the supplier reach subscribers.

Source: each API's OAS (``info.description``, "### Notificaties": the kanaal, the main
resource, its kenmerken and the resources and actions that notify) and the ZGW rule that every
source API registers its kanaal at the NRC and publishes its events
(https://vng-realisatie.github.io/gemma-zaken/standaard/#notificaties). The harness subscribes
its loopback webhook (``notification_receiver``) through the target's Notificaties API, writes
through the API under test, and waits for the message. Without a Notificaties API on the
target these checks are not applicable (reported so, never passed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from ..client import ApiClient
from ..engine.webhook import WebhookReceiver
from ..zgw import Factory, ZaaktypeSet
from ._helpers import expect_status, fetch

# the notification tests share the harness's webhook receiver: one worker runs them all
# (suite_turns)
pytestmark = pytest.mark.xdist_group("notifications")

REQUIRED_FIELDS = ("kanaal", "hoofdObject", "resource", "resourceUrl", "actie", "aanmaakdatum")
UPDATE_ACTIONS = ("update", "partial_update")
#: kenmerken per kanaal (the OAS names them; Besluiten writes verantwoordelijke_organisatie)
KENMERKEN = {
    "zaken": ("bronorganisatie", "zaaktype", "vertrouwelijkheidaanduiding"),
    "documenten": ("bronorganisatie", "informatieobjecttype", "vertrouwelijkheidaanduiding"),
    "besluiten": ("verantwoordelijkeOrganisatie", "besluittype"),
}


def _subscribed(receiver: WebhookReceiver, kanaal: str) -> None:
    assert kanaal in getattr(receiver, "kanalen", []), (
        f"the kanaal {kanaal!r} is not registered at the target's Notificaties API "
        f"(GET /kanaal?naam={kanaal} found nothing): a source API registers its kanaal so that "
        "consumers can subscribe to it")


def _await(receiver: WebhookReceiver, kanaal: str, resource_url: str, actions: tuple[str, ...],
           what: str) -> dict[str, Any]:
    """The message about ``resource_url`` with one of ``actions``, within the timeout."""
    def about(message: dict[str, Any]) -> bool:
        return message.get("resourceUrl") == resource_url and message.get("actie") in actions

    wait_s = receiver.settings.wait_s  # the target file's notifications.wait_s (default 10)
    found = receiver.wait_for(about, wait_s)
    if not found:
        seen = [m for m in receiver.messages() if m.get("resourceUrl") == resource_url]
        hint = (f"; messages about it did arrive, with actie {[m.get('actie') for m in seen]}"
                if seen else "")
        refused = len(receiver.rejected)
        raise AssertionError(
            f"{what}: no notification with resourceUrl {resource_url} and actie "
            f"{' or '.join(actions)} arrived on kanaal {kanaal!r} within {wait_s:g} s"
            f"{hint}" + (f" ({refused} deliveries were refused for a wrong Authorization "
                         "value or body)" if refused else ""))
    message = found[0]
    missing = [f for f in REQUIRED_FIELDS if not isinstance(message.get(f), str) or not
               message.get(f)]
    assert not missing, f"{what}: the notification lacks {', '.join(missing)}: {message}"
    assert message["kanaal"] == kanaal, (
        f"{what}: the notification came on kanaal {message['kanaal']!r}, expected {kanaal!r}")
    assert _is_datetime(message["aanmaakdatum"]), (
        f"{what}: aanmaakdatum {message['aanmaakdatum']!r} is not an ISO 8601 date-time")
    return message


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _expect(message: dict[str, Any], what: str, **fields: str) -> None:
    wrong = {k: (v, message.get(k)) for k, v in fields.items() if message.get(k) != v}
    assert not wrong, f"{what}: wrong values in the notification (expected, got): {wrong}"


def _kenmerken(message: dict[str, Any], main: dict[str, Any], names: tuple[str, ...],
               what: str) -> None:
    got = message.get("kenmerken")
    assert isinstance(got, dict) and got, (
        f"{what}: the notification carries no kenmerken; the OAS names {', '.join(names)}, "
        "which subscribers filter on")
    wrong = {n: (main.get(n), got.get(n)) for n in names if str(got.get(n)) != str(main.get(n))}
    assert not wrong, (
        f"{what}: kenmerken must hold the main object's values (expected, got): {wrong}")


# --- Zaken API -----------------------------------------------------------------------------------
def test_zaken_writes_are_notified(notification_receiver: WebhookReceiver, zaken: ApiClient,
                                   factory: Factory, zaaktype_set: ZaaktypeSet) -> None:
    """Creating, changing and deleting a zaak, and adding a status, are published on kanaal
    ``zaken`` with hoofdObject, resource, resourceUrl, actie and aanmaakdatum."""
    _subscribed(notification_receiver, "zaken")
    zaak = factory.zaak(zaaktype_set.zaaktype)
    made = _await(notification_receiver, "zaken", zaak["url"], ("create",), "POST /zaken")
    _expect(made, "POST /zaken", hoofdObject=zaak["url"], resource="zaak")
    expect_status(zaken.patch(zaak["url"], {"omschrijving": "Conformance notificatie"}), 200,
                  "PATCH of the zaak")
    changed = _await(notification_receiver, "zaken", zaak["url"], UPDATE_ACTIONS,
                     "PATCH of the zaak")
    _expect(changed, "PATCH of the zaak", hoofdObject=zaak["url"], resource="zaak")
    status = factory.status(zaak["url"], zaaktype_set.statustypen[0])
    added = _await(notification_receiver, "zaken", status["url"], ("create",), "POST /statussen")
    _expect(added, "POST /statussen", hoofdObject=zaak["url"], resource="status")
    other = factory.zaak(zaaktype_set.zaaktype)
    expect_status(zaken.delete(other["url"]), 204, "DELETE of a zaak")
    gone = _await(notification_receiver, "zaken", other["url"], ("destroy",), "DELETE of a zaak")
    _expect(gone, "DELETE of a zaak", hoofdObject=other["url"], resource="zaak")


def test_zaken_notification_kenmerken(notification_receiver: WebhookReceiver, zaken: ApiClient,
                                      factory: Factory, zaaktype_set: ZaaktypeSet) -> None:
    """Notifications about a zaak and its status carry the zaak's kenmerken (bronorganisatie,
    zaaktype, vertrouwelijkheidaanduiding), on which subscribers filter."""
    _subscribed(notification_receiver, "zaken")
    zaak = fetch(zaken, factory.zaak(zaaktype_set.zaaktype)["url"], "GET of the new zaak")
    names = KENMERKEN["zaken"]
    made = _await(notification_receiver, "zaken", zaak["url"], ("create",), "POST /zaken")
    _kenmerken(made, zaak, names, "POST /zaken")
    status = factory.status(zaak["url"], zaaktype_set.statustypen[0])
    added = _await(notification_receiver, "zaken", status["url"], ("create",), "POST /statussen")
    _kenmerken(added, zaak, names, "POST /statussen (kenmerken of its zaak)")


# --- Documenten API ------------------------------------------------------------------------------
def test_documenten_writes_are_notified(notification_receiver: WebhookReceiver,
                                        documenten: ApiClient, factory: Factory,
                                        zaaktype_set: ZaaktypeSet) -> None:
    """Creating and deleting a document are published on kanaal ``documenten``."""
    _subscribed(notification_receiver, "documenten")
    document = factory.document(zaaktype_set.informatieobjecttype)
    made = _await(notification_receiver, "documenten", document["url"], ("create",),
                  "POST /enkelvoudiginformatieobjecten")
    _expect(made, "POST /enkelvoudiginformatieobjecten", hoofdObject=document["url"],
            resource="enkelvoudiginformatieobject")
    expect_status(documenten.delete(document["url"]), 204, "DELETE of a document")
    gone = _await(notification_receiver, "documenten", document["url"], ("destroy",),
                  "DELETE of a document")
    _expect(gone, "DELETE of a document", hoofdObject=document["url"],
            resource="enkelvoudiginformatieobject")


def test_documenten_notification_kenmerken(notification_receiver: WebhookReceiver,
                                           documenten: ApiClient, factory: Factory,
                                           zaaktype_set: ZaaktypeSet) -> None:
    """Notifications about a document carry its kenmerken (bronorganisatie,
    informatieobjecttype, vertrouwelijkheidaanduiding)."""
    _subscribed(notification_receiver, "documenten")
    made_doc = factory.document(zaaktype_set.informatieobjecttype)
    document = fetch(documenten, made_doc["url"], "GET of the new document")
    made = _await(notification_receiver, "documenten", document["url"], ("create",),
                  "POST /enkelvoudiginformatieobjecten")
    _kenmerken(made, document, KENMERKEN["documenten"], "POST /enkelvoudiginformatieobjecten")


# --- Besluiten API -------------------------------------------------------------------------------
def test_besluiten_writes_are_notified(notification_receiver: WebhookReceiver,
                                       besluiten: ApiClient, factory: Factory) -> None:
    """Creating a besluit is published on kanaal ``besluiten`` with the besluit's kenmerken
    (verantwoordelijkeOrganisatie, besluittype); deleting it is published too."""
    _subscribed(notification_receiver, "besluiten")
    catalogus = factory.catalogus()["url"]
    iot = factory.informatieobjecttype(catalogus)["url"]
    besluit = factory.besluit(factory.besluittype(catalogus, [iot])["url"])
    made = _await(notification_receiver, "besluiten", besluit["url"], ("create",),
                  "POST /besluiten")
    _expect(made, "POST /besluiten", hoofdObject=besluit["url"], resource="besluit")
    _kenmerken(made, besluit, KENMERKEN["besluiten"], "POST /besluiten")
    expect_status(besluiten.delete(besluit["url"]), 204, "DELETE of a besluit")
    _await(notification_receiver, "besluiten", besluit["url"], ("destroy",),
           "DELETE of a besluit")


# --- Catalogi API --------------------------------------------------------------------------------
def test_catalogi_writes_are_notified(catalogi_notification_receiver: WebhookReceiver,
                                      catalogi: ApiClient, factory: Factory) -> None:
    """Creating, changing and deleting a zaaktype is published on kanaal ``zaaktypen``, a new
    informatieobjecttype on ``informatieobjecttypen`` and a new besluittype on
    ``besluittypen``, each with the kenmerk catalogus (the OAS: "Deze API publiceert
    notificaties op het kanaal `zaaktypen`" ...)."""
    receiver = catalogi_notification_receiver
    for kanaal in ("zaaktypen", "informatieobjecttypen", "besluittypen"):
        _subscribed(receiver, kanaal)
    catalogus = factory.catalogus()["url"]
    zaaktype = factory.create(catalogi, "zaaktypen", factory.zaaktype_body(catalogus))
    made = _await(receiver, "zaaktypen", zaaktype["url"], ("create",), "POST /zaaktypen")
    _expect(made, "POST /zaaktypen", hoofdObject=zaaktype["url"], resource="zaaktype")
    _kenmerken(made, zaaktype, ("catalogus",), "POST /zaaktypen")
    expect_status(catalogi.patch(zaaktype["url"], {"omschrijving": "Conformance notificatie"}),
                  200, "PATCH of a concept zaaktype")
    _await(receiver, "zaaktypen", zaaktype["url"], UPDATE_ACTIONS, "PATCH of the zaaktype")
    iot = factory.informatieobjecttype(catalogus, publish=False)
    made = _await(receiver, "informatieobjecttypen", iot["url"], ("create",),
                  "POST /informatieobjecttypen")
    _kenmerken(made, iot, ("catalogus",), "POST /informatieobjecttypen")
    besluittype = factory.besluittype(catalogus, [], publish=False)
    made = _await(receiver, "besluittypen", besluittype["url"], ("create",),
                  "POST /besluittypen")
    _kenmerken(made, besluittype, ("catalogus",), "POST /besluittypen")
    # Catalogi 1.3.1 declares 200 (with an empty object) for this delete; 204 is as good
    expect_status(catalogi.delete(zaaktype["url"]), (200, 204), "DELETE of a concept zaaktype")
    _await(receiver, "zaaktypen", zaaktype["url"], ("destroy",), "DELETE of the zaaktype")
