"""Notifications the harness delivers to a consumer's webhook, playing the NRC.

A notification consumer (profile nrc-ontvangen) offers one URL, registered as the
abonnement's ``callbackUrl``, and only ever receives what an NRC routes to it: messages that
ZGW sources published on the kanalen it subscribed to, with ``Authorization`` set to the
abonnement's ``auth``. Generated traffic must look like that, or a conformant consumer gets
blamed for refusing what no NRC would send (DESIGN §12: our test data, not the supplier):

- the path: the consumer API's ``/{webhooks_path}`` is pinned to the callback URL itself
  (every case; the URL is not part of the standard, and a generated path is just a 404);
- for the POSITIVE parts of a body only: ``kanaal`` is one the consumer consumes,
  ``hoofdObject``/``resourceUrl`` are http(s) URLs of that kanaal's source (on a reserved
  ``.invalid`` host, so a consumer that dereferences them contacts nobody), and strings carry
  no control characters (no source publishes them). ``resource``, ``actie``, ``aanmaakdatum``
  and ``kenmerken`` keep their generated values: the consumer must take any of those (nrc-c-007).

Negative parts stay as generated: they are what the consumer must refuse with 400 (nrc-c-006).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from schemathesis.core.parameters import ParameterLocation

from ..errors import UsageError
from ..profiles import Profile
from ..targets import origin_of
from ..zgw import Factory, make_rsin
from .adapters import DataAdapter, negative
from .data_notificaties import CATALOGI_KANALEN, SOURCE_KANALEN

#: the kenmerken each ZGW kanaal documents (the sources' OAS info.description)
KANAAL_KENMERKEN: dict[str, tuple[str, ...]] = {
    **SOURCE_KANALEN, **{k: ("catalogus",) for k in CATALOGI_KANALEN}, "autorisaties": ()}
#: per kanaal: its source API, the resource a notification is typically about, its collection
KANAAL_RESOURCE: dict[str, tuple[str, str, str]] = {
    "zaken": ("zaken", "zaak", "zaken"),
    "documenten": ("documenten", "enkelvoudiginformatieobject", "enkelvoudiginformatieobjecten"),
    "besluiten": ("besluiten", "besluit", "besluiten"),
    "zaaktypen": ("catalogi", "zaaktype", "zaaktypen"),
    "informatieobjecttypen": ("catalogi", "informatieobjecttype", "informatieobjecttypen"),
    "besluittypen": ("catalogi", "besluittype", "besluittypen"),
    "autorisaties": ("autorisaties", "applicatie", "applicaties"),
}
#: kenmerken whose value is the URL of a catalogue object: their collection in the Catalogi API
CATALOGI_KENMERKEN = {"zaaktype": "zaaktypen", "informatieobjecttype": "informatieobjecttypen",
                      "besluittype": "besluittypen", "catalogus": "catalogussen"}
RESERVED_HOST = "conformance.invalid"  # RFC 2606: never resolves, so nobody is contacted
URL_FIELDS = ("hoofdObject", "resourceUrl")


def kanalen_of(notifications: dict[str, Any], where: str) -> list[str]:
    """The kanalen the target says the component consumes (``notifications.kanalen``)."""
    kanalen = list((notifications or {}).get("kanalen") or [])
    if not kanalen:
        raise UsageError(
            f"{where}: the target names no kanalen the component consumes; add "
            "'notifications: {kanalen: [zaken, ...]}' (the kanalen of its abonnementen)")
    return kanalen


def source_url(kanaal: str) -> str:
    """An http(s) URL of an object of the kanaal's source API, on a reserved host."""
    api, _, collection = KANAAL_RESOURCE.get(kanaal, (kanaal, "object", "objecten"))
    return f"https://{api}.{RESERVED_HOST}/{api}/api/v1/{collection}/{uuid.uuid4()}"


def now_rfc3339(offset_s: float = 0) -> str:
    moment = datetime.now(UTC) + timedelta(seconds=offset_s)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def notification(kanaal: str, rng: random.Random, *, actie: str = "create",
                 kenmerken: dict[str, str] | None = None) -> dict[str, Any]:
    """A realistic message as a ZGW source publishes it and an NRC routes it (unique URLs)."""
    _, kind, _ = KANAAL_RESOURCE.get(kanaal, (kanaal, "object", "objecten"))
    main = source_url(kanaal)
    if kenmerken is None:
        kenmerken = {name: _kenmerk_value(name, rng) for name in KANAAL_KENMERKEN.get(kanaal, ())}
    return {"kanaal": kanaal, "hoofdObject": main, "resource": kind, "resourceUrl": main,
            "actie": actie, "aanmaakdatum": now_rfc3339(), "kenmerken": kenmerken}


def _kenmerk_value(name: str, rng: random.Random) -> str:
    if name in ("bronorganisatie", "verantwoordelijkeOrganisatie"):
        return make_rsin(rng)
    if name == "vertrouwelijkheidaanduiding":
        return rng.choice(("openbaar", "intern", "vertrouwelijk"))
    collection = CATALOGI_KENMERKEN.get(name, "objecten")
    return f"https://catalogi.{RESERVED_HOST}/catalogi/api/v1/{collection}/{uuid.uuid4()}"


def callback_url(base_url: str, notifications: dict[str, Any]) -> str:
    """The URL the consumer registered: ``apis.webhook.base_url``, or
    ``notifications.callback_url`` where that differs (e.g. it ends in '/', which a base URL
    loses); it must stay on the webhook's origin, the only one the harness contacts."""
    given = (notifications or {}).get("callback_url")
    if not given:
        return base_url
    if origin_of(given) != origin_of(base_url):
        raise UsageError(f"target file: notifications.callback_url {given} is not on the origin "
                         f"of apis.webhook ({origin_of(base_url)}); the harness only contacts "
                         "the origins of the target's apis")
    return given


def webhook_path(base_url: str, callback: str) -> str:
    """The value of ``{webhooks_path}`` that makes schemathesis call exactly ``callback``.

    schemathesis joins the base URL (with a '/' added) and the path by URL resolution, so the
    value climbs from the base URL's folder to the root and names the callback's path:
    ``../../../api/v1/notificaties`` for ``http://host/api/v1/notificaties``.
    """
    depth = len([s for s in urlsplit(base_url.rstrip("/") + "/").path.split("/") if s])
    return "../" * depth + urlsplit(callback).path.lstrip("/")


def _clean(text: str) -> str:
    """Without control characters (no source publishes them), never empty."""
    return "".join(c for c in text if c.isprintable()) or "x"


@dataclass(kw_only=True)
class WebhookAdapter(DataAdapter):
    """Pins the webhook's path and makes positive bodies what an NRC would route."""

    path_value: str
    kanalen: list[str]

    def adapt(self, case: Any) -> None:
        if case.path_parameters is not None and "webhooks_path" in case.path_parameters:
            case.path_parameters["webhooks_path"] = self.path_value
            self.pointed.add(case.id)  # the registered callback itself: it exists
        if negative(case.meta, ParameterLocation.BODY) or not isinstance(case.body, dict):
            return
        body: dict[str, Any] = case.body
        with self._lock:
            kanaal = self.rng.choice(self.kanalen)
        body["kanaal"] = kanaal
        for name in URL_FIELDS:
            body[name] = source_url(kanaal)
        for name in ("resource", "actie"):
            if isinstance(body.get(name), str):
                body[name] = _clean(body[name])[:100]
        if isinstance(body.get("kenmerken"), dict):
            body["kenmerken"] = {_clean(str(k)): _clean(v)[:1000]
                                 for k, v in body["kenmerken"].items() if isinstance(v, str)}

    def observe(self, case: Any, response: Any) -> None:
        """Nothing to remember: a webhook creates nothing the harness could read back."""


def prepare_webhook(profile: Profile, factory: Factory, specs: dict[str, dict[str, Any]],
                    prep: Any, seed: int) -> None:
    """The kanalen the consumer consumes, and the contract adapter for its webhook."""
    kanalen = kanalen_of(prep.notifications, "target file")
    base_url = prep.clients["webhook"].base_url
    callback = callback_url(base_url, prep.notifications)
    prep.fixtures["webhook"] = {"kanalen": kanalen, "callback_url": callback}
    prep.adapters["webhook"] = WebhookAdapter(factory=factory,
                                              path_value=webhook_path(base_url, callback),
                                              kanalen=kanalen, rng=random.Random(seed))
