"""The authorisation rules: what a client with limited autorisaties may see and do.

Sources: https://vng-realisatie.github.io/gemma-zaken/standaard/zaken/#zrc-006 (data is
filtered at the source by zaaktype and maxVertrouwelijkheidaanduiding; a missing scope gives
403), zrc-007/zrc-008 (a closed zaak changes only with ``zaken.geforceerd-bijwerken`` and
reopens only with ``zaken.heropenen``), catalogi ztc-014 (``zaken.lezen``/``documenten.lezen``
also read the Catalogi API) and documenten drc-009 (a forced unlock needs
``documenten.geforceerd-unlock``).

Each test gives the target's restricted client (``auth.clients``) an applicatie through the
Autorisaties API (``autorisaties`` fixture, removed afterwards), makes the data as the main
client and asks as the restricted one. Without an Autorisaties API or a second client the
tests skip as not applicable, so the rules are reported not tested, never passed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ..client import ApiClient
from ..engine.data_autorisaties import Autorisaties, drc, zrc
from ..zgw import Factory, ZaaktypeSet
from ._helpers import expect_status, fetch, list_items, list_urls, summary, where

# every test changes the rights of the target's restricted client: one at a time, and
# none beside another test (suite_turns)
pytestmark = pytest.mark.alone

REFUSED = (403,)  # JWT-ZGW: a missing scope or an unauthorised object is 403


def _stamp(minutes_ago: int) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes_ago)


def _urls(client: ApiClient, params: dict[str, Any], what: str, wanted: str | None = None
          ) -> list[Any]:
    """The zaken the list shows; ``wanted`` missing from a list longer than the pages read
    is undecided, not a failure (the rule's zaaktypen are the test's own, so it is short)."""
    items, ended = list_urls(client, "zaken", params, what)
    urls = [i.get("url") for i in items]
    if wanted is not None and wanted not in urls and not ended:
        raise RuntimeError(f"{what}: {wanted} is not on the first {len(urls)} results and the "
                           "list goes on; whether it is listed cannot be decided")
    return urls


def _closed_zaak(factory: Factory, zaken: ApiClient, types: ZaaktypeSet) -> dict[str, Any]:
    """A zaak with a resultaat and its final status (the precondition of zrc-007/-008)."""
    zaak = factory.zaak(types.zaaktype)
    factory.resultaat(zaak["url"], types.resultaattype)
    factory.status(zaak["url"], types.statustypen[0], when=_stamp(3))
    factory.status(zaak["url"], types.statustypen[-1], when=_stamp(2))
    if fetch(zaken, zaak["url"], "the zaak after its final status").get("einddatum") is None:
        raise RuntimeError("precondition: the zaak did not close (einddatum null after the "
                           "final status); the scope rule cannot be decided, see zrc-007")
    return zaak


# --- zrc-006 ------------------------------------------------------------------------------


def test_zrc_006_zaaktype_scope(zaken: ApiClient, factory: Factory,
                                autorisaties: Autorisaties) -> None:
    """A client with zaken.lezen for one zaaktype sees and reads only zaken of that type,
    and lists only their data (statussen, zaakinformatieobjecten)."""
    autorisaties.require_client()
    # both zaaktypen the test's own: the run's zaaktype may hold hundreds of zaken by now
    own_set, other_set = factory.zaaktype_set(), factory.zaaktype_set()
    own_type, other_type = own_set.zaaktype, other_set.zaaktype
    own = factory.zaak(own_type)
    other = factory.zaak(other_type)
    restricted = autorisaties.grant([zrc(own_type, ["zaken.lezen"])])["zaken"]
    what = "zrc-006: GET /zaken as a client with zaken.lezen for one zaaktype only"
    seen = _urls(restricted, {"zaaktype": own_type}, f"{what} (its own zaaktype)", own["url"])
    assert own["url"] in seen, (
        f"{what}: the zaak {own['url']} of the allowed zaaktype must be listed, got {seen}")
    hidden = _urls(restricted, {"zaaktype": other_type}, f"{what} (another zaaktype)")
    assert hidden == [], (
        f"{what}: zaken of zaaktype {other_type} must be filtered out at the source, but the "
        f"list shows {hidden}")
    search = restricted.post("zaken/_zoek", {"zaaktype__in": [own_type, other_type]})
    expect_status(search, 200, f"{what} (POST /zaken/_zoek)")
    found = [i.get("url") for i in search.json().get("results") or [] if isinstance(i, dict)]
    assert other["url"] not in found, (
        f"{what}: POST /zaken/_zoek must not return the zaak {other['url']} of another "
        f"zaaktype, got {found}")
    detail = restricted.get(other["url"])
    expect_status(detail, REFUSED, f"{what}: reading a zaak of another zaaktype")
    expect_status(restricted.get(own["url"]), 200, f"{what}: reading a zaak of its zaaktype")
    _zaak_data_filtered(factory, restricted, own, other, own_set, other_set)


def _zaak_data_filtered(factory: Factory, restricted: ApiClient, own: dict[str, Any],
                        other: dict[str, Any], own_set: ZaaktypeSet,
                        other_set: ZaaktypeSet) -> None:
    """A zaak's own data (statussen: a paginated list; zaakinformatieobjecten: a plain array)
    is filtered like the zaak: listed for the allowed zaaktype, never for another."""
    what = "zrc-006: as a client with zaken.lezen for one zaaktype only,"
    for zaak, types in ((own, own_set), (other, other_set)):
        factory.status(zaak["url"], types.statustypen[0], when=_stamp(1))
        document = factory.document(types.informatieobjecttype)
        factory.zaakinformatieobject(zaak["url"], document["url"])
    for path in ("statussen", "zaakinformatieobjecten"):
        seen = _zaak_data(restricted, path, own["url"], f"{what} GET /{path}?zaak=<its zaak>")
        assert seen, f"{what} GET /{path}?zaak={own['url']} must list that zaak's {path}"
        leaked = _zaak_data(restricted, path, other["url"],
                            f"{what} GET /{path}?zaak=<a zaak of another zaaktype>")
        assert not leaked, (
            f"{what} GET /{path}?zaak={other['url']} shows {len(leaked)} {path} of a zaak of "
            "another zaaktype; a zaak's data must be filtered at the source like the zaak")


def _zaak_data(client: ApiClient, path: str, zaak: str, what: str) -> list[Any]:
    """The items of a zaak's sub-resource list; a 403 shows nothing, so it counts as none."""
    resp = client.get(path, params={"zaak": zaak})
    return [] if resp.status_code in REFUSED else list_items(resp, what)


def test_zrc_006_vertrouwelijkheid_scope(zaken: ApiClient, factory: Factory,
                                         autorisaties: Autorisaties) -> None:
    """A client allowed up to 'openbaar' does not see or read a 'geheim' zaak of its type."""
    autorisaties.require_client()
    zt = factory.zaaktype_set().zaaktype  # the test's own: a short list
    public = factory.zaak(zt, vertrouwelijkheidaanduiding="openbaar")
    secret = factory.zaak(zt, vertrouwelijkheidaanduiding="geheim")
    restricted = autorisaties.grant([zrc(zt, ["zaken.lezen"], level="openbaar")])["zaken"]
    what = ("zrc-006: GET /zaken as a client with zaken.lezen up to "
            "maxVertrouwelijkheidaanduiding 'openbaar'")
    seen = _urls(restricted, {"zaaktype": zt}, what, public["url"])
    assert public["url"] in seen, f"{what}: the openbaar zaak {public['url']} must be listed"
    assert secret["url"] not in seen, (
        f"{what}: the geheim zaak {secret['url']} must be filtered out at the source, but it "
        "is listed")
    expect_status(restricted.get(secret["url"]), REFUSED, f"{what}: reading the geheim zaak")


def test_zrc_006_missing_scope_refused(zaken: ApiClient, factory: Factory,
                                       zaaktype_set: ZaaktypeSet,
                                       autorisaties: Autorisaties) -> None:
    """A client without zaken.lezen gets 403 on the zaken list and on a zaak."""
    autorisaties.require_client()
    zaak = factory.zaak(zaaktype_set.zaaktype)
    clients = autorisaties.grant([{"component": "ztc", "scopes": ["catalogi.lezen"]}])
    what = "zrc-006: a client whose applicatie has no Zaken API scope"
    expect_status(clients["zaken"].get("zaken"), REFUSED, f"{what}: GET /zaken")
    expect_status(clients["zaken"].get(zaak["url"]), REFUSED, f"{what}: GET the zaak")
    made = clients["zaken"].post("zaken", factory.zaak_body(zaaktype_set.zaaktype))
    if made.status_code in (200, 201):
        factory.created.append((zaken, made.json().get("url", "")))
    expect_status(made, REFUSED, f"{what}: POST /zaken")


# --- zrc-007, zrc-008: the scopes for closed zaken -----------------------------------------


def test_zrc_007_closed_zaak_needs_geforceerd_bijwerken(zaken: ApiClient, factory: Factory,
                                                        zaaktype_set: ZaaktypeSet,
                                                        autorisaties: Autorisaties) -> None:
    """zaken.bijwerken changes an open zaak; a closed one needs zaken.geforceerd-bijwerken."""
    autorisaties.require_client()
    zt = zaaktype_set.zaaktype
    open_zaak = factory.zaak(zt)
    closed = _closed_zaak(factory, zaken, zaaktype_set)
    plain = autorisaties.grant([zrc(zt, ["zaken.lezen", "zaken.bijwerken"])])["zaken"]
    change = {"toelichting": "Gewijzigd door de conformance harness"}
    expect_status(plain.patch(open_zaak["url"], change), 200,
                  "zrc-007: PATCH of an open zaak with zaken.bijwerken")
    refused = plain.patch(closed["url"], change)
    expect_status(refused, REFUSED, "zrc-007: PATCH of a closed zaak with zaken.bijwerken "
                                    "but without zaken.geforceerd-bijwerken")
    forced = autorisaties.grant([zrc(zt, ["zaken.lezen", "zaken.bijwerken",
                                          "zaken.geforceerd-bijwerken"])])["zaken"]
    expect_status(forced.patch(closed["url"], change), 200,
                  "zrc-007: PATCH of a closed zaak with zaken.geforceerd-bijwerken")


def test_zrc_008_reopening_needs_heropenen(zaken: ApiClient, factory: Factory,
                                           zaaktype_set: ZaaktypeSet,
                                           autorisaties: Autorisaties) -> None:
    """A non-final status on a closed zaak (reopening) needs the scope zaken.heropenen."""
    autorisaties.require_client()
    zt = zaaktype_set.zaaktype
    closed = _closed_zaak(factory, zaken, zaaktype_set)
    body = {"zaak": closed["url"], "statustype": zaaktype_set.statustypen[0],
            "datumStatusGezet": _stamp(1).isoformat().replace("+00:00", "Z")}
    scopes = ["zaken.lezen", "zaken.bijwerken", "zaken.statussen.toevoegen"]
    plain = autorisaties.grant([zrc(zt, scopes)])["zaken"]
    refused = plain.post("statussen", body)
    if refused.status_code in (200, 201):
        factory.created.append((zaken, refused.json().get("url", "")))
    expect_status(refused, REFUSED, "zrc-008: reopening a closed zaak without zaken.heropenen")
    allowed = autorisaties.grant([zrc(zt, [*scopes, "zaken.heropenen"])])["zaken"]
    reopened = allowed.post("statussen", body)
    if reopened.status_code in (200, 201):
        factory.created.append((zaken, reopened.json().get("url", "")))
    expect_status(reopened, (201, 200), "zrc-008: reopening a closed zaak with zaken.heropenen")
    after = fetch(zaken, closed["url"], "zrc-008: the zaak after reopening")
    assert after.get("einddatum") is None, (
        f"zrc-008: reopening must null einddatum, got {after.get('einddatum')!r}")


# --- ztc-014 --------------------------------------------------------------------------------


def test_ztc_014_read_scopes_grant_catalogi(catalogi: ApiClient, factory: Factory,
                                            autorisaties: Autorisaties) -> None:
    """A client with only zaken.lezen, or only documenten.lezen, may read the Catalogi API."""
    autorisaties.require_client()
    zaaktype_set = factory.zaaktype_set()  # (a Catalogi run prepares no zaaktype of its own)
    for scope, autorisatie, url in (
            ("zaken.lezen", zrc(zaaktype_set.zaaktype, ["zaken.lezen"]), zaaktype_set.zaaktype),
            ("documenten.lezen", drc(zaaktype_set.informatieobjecttype, ["documenten.lezen"]),
             zaaktype_set.informatieobjecttype)):
        restricted = autorisaties.grant([autorisatie])["catalogi"]
        what = f"ztc-014: a client with only {scope}"
        resp = restricted.get(url)
        expect_status(resp, 200, f"{what}: reading {url} in the Catalogi API")
        listing = restricted.get("zaaktypen", params={"catalogus": zaaktype_set.catalogus})
        expect_status(listing, 200, f"{what}: listing zaaktypen in the Catalogi API")


# --- drc-009: the forced unlock ---------------------------------------------------------


def test_drc_009_forced_unlock_needs_scope(documenten: ApiClient, factory: Factory,
                                           zaaktype_set: ZaaktypeSet,
                                           autorisaties: Autorisaties) -> None:
    """Unlocking without the lock id is refused without documenten.geforceerd-unlock."""
    autorisaties.require_client()
    iot = zaaktype_set.informatieobjecttype
    doc = factory.document(iot)
    lock_url = doc["url"].rstrip("/") + "/lock"
    unlock_url = doc["url"].rstrip("/") + "/unlock"
    locked = documenten.post(lock_url, {})
    expect_status(locked, 200, "drc-009: locking a new document")
    lock = locked.json().get("lock")
    try:
        scopes = ["documenten.lezen", "documenten.bijwerken", "documenten.lock"]
        plain = autorisaties.grant([drc(iot, scopes)])["documenten"]
        refused = plain.post(unlock_url, {})
        assert refused.status_code in (400, 403), (
            f"drc-009: an unlock without the lock id by a client without "
            f"documenten.geforceerd-unlock must be refused (400 or 403) by {where(refused)}, "
            f"got {summary(refused)}")
        expect_status(plain.post(unlock_url, {"lock": lock}), 204,
                      "drc-009: an unlock with the right lock id (documenten.lock)")
        expect_status(documenten.post(lock_url, {}), 200, "drc-009: locking the document again")
        forced = autorisaties.grant([drc(iot, [*scopes, "documenten.geforceerd-unlock"])])
        expect_status(forced["documenten"].post(unlock_url, {}), 204,
                      "drc-009: a forced unlock with documenten.geforceerd-unlock")
    finally:
        documenten.post(unlock_url, {})  # the main client may force it; cleanup deletes it
