"""Test data on a Notificaties API: the harness's kanaal, its webhook, and the contract adapter.

Kanalen cannot be deleted (Notificaties 1.0 has no DELETE on /kanaal), so the harness uses one
kanaal of its own, ``HARNESS_KANAAL``, made on the first run and reused by later ones. Its
webhook receiver (:mod:`.webhook`) lives from preparation to clean-up, subscribed by an
abonnement that the clean-up removes: an NRC may check a callbackUrl when subscribing (Open
Notificaties does), so generated abonnementen must name a live receiver too.

For the POSITIVE parts of generated requests only: abonnementen call the harness's receiver on
kanalen that exist with filters those kanalen have; notifications go to the harness's kanaal
with its kenmerken; a new kanaal gets a name not used before. Negative parts stay as generated.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from schemathesis.core.parameters import ParameterLocation

from ..client import ApiClient
from ..profiles import Profile
from ..zgw import Factory, FixtureError
from .adapters import DataAdapter, negative
from .webhook import CallbackSettings, WebhookReceiver

HARNESS_KANAAL = "gemma-conformance"
HARNESS_FILTERS = ("bronorganisatie", "vertrouwelijkheidaanduiding")
#: the kanalen the source APIs register, with the kenmerken their OAS documents
SOURCE_KANALEN: dict[str, tuple[str, ...]] = {
    "zaken": ("bronorganisatie", "zaaktype", "vertrouwelijkheidaanduiding"),
    "documenten": ("bronorganisatie", "informatieobjecttype", "vertrouwelijkheidaanduiding"),
    "besluiten": ("verantwoordelijkeOrganisatie", "besluittype"),
}
#: the kanalen the Catalogi API publishes its types on; the kenmerk of each is the catalogus
CATALOGI_KANALEN: tuple[str, ...] = ("zaaktypen", "informatieobjecttypen", "besluittypen")


def find_kanaal(client: ApiClient, naam: str) -> dict[str, Any] | None:
    """The kanaal named ``naam`` (``GET /kanaal?naam=``), or None."""
    resp = client.get("kanaal", params={"naam": naam})
    if resp.status_code != 200:
        raise FixtureError(f"GET {client.base_url}/kanaal?naam={naam} answered "
                           f"{resp.status_code}: {resp.text[:300]}")
    found = resp.json()
    items = found.get("results", []) if isinstance(found, dict) else found
    return next((k for k in items if isinstance(k, dict) and k.get("naam") == naam), None)


def harness_kanaal(client: ApiClient) -> dict[str, Any]:
    """The harness's own kanaal, registered once and reused by every later run."""
    kanaal = find_kanaal(client, HARNESS_KANAAL)
    if kanaal is not None:
        return kanaal
    resp = client.post("kanaal", {"naam": HARNESS_KANAAL, "filters": list(HARNESS_FILTERS)})
    if resp.status_code not in (200, 201):
        raise FixtureError(f"registering kanaal {HARNESS_KANAAL!r} on {client.base_url} "
                           f"answered {resp.status_code}: {resp.text[:300]}")
    return resp.json()


def subscribe(factory: Factory | None, client: ApiClient, receiver: WebhookReceiver,
              kanalen: list[dict[str, Any]]) -> dict[str, Any]:
    """An abonnement calling ``receiver`` with its auth value; removed with the factory's data
    (or by :func:`unsubscribe` when there is no factory)."""
    body = {"callbackUrl": receiver.callback_url, "auth": receiver.auth_value,
            "kanalen": kanalen}
    if factory is not None:
        return factory.create(client, "abonnement", body)
    resp = client.post("abonnement", body)
    if resp.status_code not in (200, 201):
        raise FixtureError(f"subscribing to {[k['naam'] for k in kanalen]} on "
                           f"{client.base_url} answered {resp.status_code}: {resp.text[:300]}")
    return resp.json()


def unsubscribe(client: ApiClient, abonnement: dict[str, Any]) -> None:
    """Best effort: the abonnement of a run must not outlive it."""
    with contextlib.suppress(Exception):  # clean-up never fails a run
        client.delete(abonnement["url"])


@dataclass(kw_only=True)
class NotificatiesAdapter(DataAdapter):
    """Rewrites positive Notificaties request bodies; one per contract pass (the factory
    removes generated abonnementen with the run's data)."""

    callback_url: str
    auth_value: str
    kanaal: dict[str, Any]
    client: ApiClient | None = None
    #: the run's own abonnement (its receiver's): never a generated DELETE's target
    own_abonnement: str = ""
    _count: int = 0

    def kept(self) -> set[str]:
        return {self.own_abonnement, str(self.kanaal.get("url") or "")}

    def adapt(self, case: Any) -> None:
        operation_id = case.operation.definition.raw.get("operationId", "")
        self.positive_query(case)
        with self._lock:
            self.positive_path(case)
        if negative(case.meta, ParameterLocation.BODY) or not isinstance(case.body, dict):
            return
        body: dict[str, Any] = case.body
        resource, _, action = operation_id.partition("_")
        if resource == "abonnement" and action in ("create", "update", "partial_update"):
            if "callbackUrl" in body or action != "partial_update":
                body["callbackUrl"] = self.callback_url
            if "auth" in body or action != "partial_update":
                body["auth"] = self.auth_value
            if "kanalen" in body or action != "partial_update":
                body["kanalen"] = [{"naam": self.kanaal["naam"], "filters": self._filters(
                    (g.get("filters") if isinstance(g, dict) else None) or {})}
                    for g in (body.get("kanalen") or [{}])[:3]]
        elif resource == "kanaal" and action == "create":
            with self._lock:
                self._count += 1
                suffix = f"-{self.rng.getrandbits(32):08x}{self._count}"
            body["naam"] = (str(body.get("naam") or "k")[: 50 - len(suffix)] + suffix)
        elif resource == "notificaties":
            body["kanaal"] = self.kanaal["naam"]
            body["kenmerken"] = self._filters(body.get("kenmerken") or {})

    def _filters(self, generated: Any) -> dict[str, str]:
        """The kanaal's own filter keys, with generated (or simple) string values."""
        values = list(generated.values()) if isinstance(generated, dict) else []
        names = list(self.kanaal.get("filters") or [])
        return {name: str(values[i]) if i < len(values) else "conformance"
                for i, name in enumerate(names[: max(1, len(values))])}

    def observe(self, case: Any, response: Any) -> None:
        """Remember what was made; generated abonnementen call the run's receiver: remove
        them with the run's data."""
        operation_id = case.operation.definition.raw.get("operationId", "")
        if not operation_id.endswith("_create") or response.status_code not in (200, 201) \
                or self.client is None:
            return
        with contextlib.suppress(ValueError, AttributeError):
            made = response.json()
            self.remember(made)
            url = made.get("url")
            if operation_id == "abonnement_create" and isinstance(url, str) and \
                    url.startswith(self.client.base_url + "/"):
                self.factory.created.append((self.client, url))


def prepare_notificaties(profile: Profile, factory: Factory, specs: dict[str, dict[str, Any]],
                         prep: Any, seed: int) -> None:
    """The harness's kanaal, a subscribed webhook receiver, and the contract adapter."""
    client = prep.clients.get("notificaties")
    if client is None:
        raise FixtureError("the target has no Notificaties API to prepare")
    kanaal = harness_kanaal(client)
    settings = CallbackSettings.from_target(prep.notifications)
    try:
        receiver = WebhookReceiver(settings).start()
    except OSError as exc:
        raise FixtureError(
            f"the webhook receiver cannot listen on {settings.listen_host}:{settings.port} "
            f"({exc}); set notifications.listen_host/port in the target file") from None
    prep.closers.append(receiver.stop)
    own = subscribe(factory, client, receiver, [{"naam": kanaal["naam"]}])
    prep.fixtures["notificaties"] = {"kanaal": {"naam": kanaal["naam"], "url": kanaal.get("url"),
                                                "filters": list(kanaal.get("filters") or [])}}
    adapter = NotificatiesAdapter(
        callback_url=receiver.callback_url, auth_value=receiver.auth_value, kanaal=kanaal,
        factory=factory, client=client, own_abonnement=str(own.get("url") or ""),
        ignored_query=profile.contract.get("ignored_query", []), rng=random.Random(seed))
    adapter.remember(kanaal)
    adapter.remember(own)
    prep.adapters["notificaties"] = adapter


@contextlib.contextmanager
def subscribed_receiver(client: ApiClient, settings: CallbackSettings,
                        kanalen: list[str]) -> Iterator[WebhookReceiver]:
    """A receiver subscribed (no filters) to those of ``kanalen`` the target has; the
    abonnement is removed and the receiver stopped afterwards. ``receiver.kanalen`` names the
    kanalen it was subscribed to."""
    existing = [naam for naam in kanalen if find_kanaal(client, naam) is not None]
    with WebhookReceiver(settings) as receiver:
        receiver.kanalen = existing  # type: ignore[attr-defined]
        abonnement = (subscribe(None, client, receiver, [{"naam": n} for n in existing])
                      if existing else None)
        try:
            yield receiver
        finally:
            if abonnement is not None:
                unsubscribe(client, abonnement)
