"""Zaken API behaviour rules (the "specificatie van gedrag", zrc-NNN).

Source: https://vng-realisatie.github.io/gemma-zaken/standaard/zaken/#zrc-001 and
onwards. One test per rule; each makes its own zaken (and, where a rule needs a
second zaaktype, its own published zaaktype) through ``factory``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..client import ApiClient
from ..zgw import Factory, ZaaktypeSet
from ._helpers import (
    adopt,
    create,
    expect_status,
    fetch,
    page_shape,
    rejected_field,
    where,
)

try:  # Dutch local time, in which a provider may take the date of a moment
    AMSTERDAM: ZoneInfo | None = ZoneInfo("Europe/Amsterdam")
except ZoneInfoNotFoundError:  # no tz database on this machine: UTC dates only
    AMSTERDAM = None
SINGULAR = {"statussen": "status", "rollen": "rol", "resultaten": "resultaat",
            "zaakobjecten": "zaakobject", "zaakinformatieobjecten": "zaakinformatieobject"}


def _moment(minutes_ago: int) -> tuple[str, datetime]:
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes_ago)
    return when.isoformat().replace("+00:00", "Z"), when


def _status_body(zaak: str, statustype: str, stamp: str) -> dict[str, Any]:
    return {"zaak": zaak, "statustype": statustype, "datumStatusGezet": stamp}


def _field(obj: dict[str, Any], name: str, what: str) -> Any:
    assert name in obj, f"{what}: the zaak must always contain '{name}', got keys {sorted(obj)}"
    return obj[name]


# --- zrc-001, zrc-002, zrc-009 ------------------------------------------------------------


def test_zrc_001_zaaktype_must_resolve(zaken: ApiClient, catalogi: ApiClient, factory: Factory,
                                       zaaktype_set: ZaaktypeSet) -> None:
    """zaaktype must be the URL of an existing, published zaaktype in the Catalogi API."""
    create(factory, zaken, "zaken", factory.zaak_body(zaaktype_set.zaaktype),
           "POST /zaken with a published zaaktype")
    missing = catalogi.url(f"zaaktypen/{uuid.UUID(int=factory.rng.getrandbits(128), version=4)}")
    concept = factory.zaaktype_set(publish=False).zaaktype
    cases = [
        (missing, "a zaaktype URL that does not exist (404 in the Catalogi API)"),
        (zaaktype_set.catalogus, "a URL that resolves but is a catalogus, not a zaaktype"),
        (concept, "a concept (unpublished) zaaktype"),
    ]
    for url, why in cases:
        resp = zaken.post("zaken", factory.zaak_body(url))
        adopt(factory, zaken, resp)
        rejected_field(resp, "zaaktype", f"POST /zaken with {why}: {url}")
    # the rule holds for updates too (the Postman suite's zrc-001 PUT and PATCH cases)
    zaak = factory.zaak(zaaktype_set.zaaktype)
    body = factory.zaak_body(missing, bronorganisatie=zaak["bronorganisatie"],
                             identificatie=zaak["identificatie"])
    rejected_field(zaken.put(zaak["url"], body), "zaaktype",
                   f"PUT {zaak['url']} with {cases[0][1]}: {missing}")
    rejected_field(zaken.patch(zaak["url"], {"zaaktype": missing}), "zaaktype",
                   f"PATCH {zaak['url']} with {cases[0][1]}: {missing}")


def test_zrc_002_identificatie_unique(zaken: ApiClient, factory: Factory,
                                      zaaktype_set: ZaaktypeSet) -> None:
    """identificatie is unique within a bronorganisatie and is generated when omitted."""
    bron = factory.rsin()
    identificatie = f"CONF-{factory.tag()}"
    factory.zaak(zaaktype_set.zaaktype, bronorganisatie=bron, identificatie=identificatie)
    resp = zaken.post("zaken", factory.zaak_body(zaaktype_set.zaaktype, bronorganisatie=bron,
                                                 identificatie=identificatie))
    adopt(factory, zaken, resp)
    rejected_field(resp, "identificatie",
                   f"POST /zaken repeating bronorganisatie {bron} + identificatie {identificatie}")
    # ... and an update may not make a second zaak with that pair either (Postman zrc-002)
    other = factory.zaak(zaaktype_set.zaaktype, bronorganisatie=bron)
    repeat = factory.zaak_body(zaaktype_set.zaaktype, bronorganisatie=bron,
                               identificatie=identificatie)
    rejected_field(zaken.put(other["url"], repeat), "identificatie",
                   f"PUT {other['url']} repeating identificatie {identificatie}")
    rejected_field(zaken.patch(other["url"], {"identificatie": identificatie}), "identificatie",
                   f"PATCH {other['url']} repeating identificatie {identificatie}")

    generated = []
    for n in (1, 2):
        what = f"POST /zaken without identificatie (zaak {n})"
        zaak = create(factory, zaken, "zaken", factory.zaak_body(zaaktype_set.zaaktype,
                                                                 bronorganisatie=bron), what)
        value = zaak.get("identificatie")
        assert isinstance(value, str) and value, (
            f"{what}: the provider must generate an identificatie, got {value!r}"
        )
        generated.append(value)
    assert generated[0] != generated[1], (
        f"generated identificaties within bronorganisatie {bron} must be unique, got "
        f"{generated[0]!r} twice"
    )


def test_zrc_009_vertrouwelijkheid_derived(zaken: ApiClient, factory: Factory) -> None:
    """vertrouwelijkheidaanduiding defaults to the zaaktype's and is always in the zaak."""
    zs = factory.zaaktype_set(vertrouwelijkheidaanduiding="beperkt_openbaar")
    derived = factory.zaak(zs.zaaktype)
    what = "zaak created without vertrouwelijkheidaanduiding (zaaktype: beperkt_openbaar)"
    got = _field(fetch(zaken, derived["url"], what), "vertrouwelijkheidaanduiding", what)
    assert got == "beperkt_openbaar", (
        f"{what}: vertrouwelijkheidaanduiding must be taken from the zaaktype "
        f"('beperkt_openbaar'), got {got!r}"
    )
    explicit = factory.zaak(zs.zaaktype, vertrouwelijkheidaanduiding="intern")
    what = "zaak created with vertrouwelijkheidaanduiding 'intern'"
    got = _field(fetch(zaken, explicit["url"], what), "vertrouwelijkheidaanduiding", what)
    assert got == "intern", f"{what}: the given value must be kept, got {got!r}"


# --- zrc-007, zrc-008: closing and reopening ----------------------------------------------


def test_zrc_007_closing_sets_einddatum(zaken: ApiClient, factory: Factory,
                                        zaaktype_set: ZaaktypeSet) -> None:
    """Setting the final status closes the zaak: einddatum follows from datumStatusGezet."""
    zaak = factory.zaak(zaaktype_set.zaaktype)
    factory.resultaat(zaak["url"], zaaktype_set.resultaattype)
    first_stamp, _ = _moment(3)
    create(factory, zaken, "statussen",
           _status_body(zaak["url"], zaaktype_set.statustypen[0], first_stamp),
           "POST /statussen with the zaaktype's first statustype")
    what = "zaak after its first (non-final) status"
    einddatum = _field(fetch(zaken, zaak["url"], what), "einddatum", what)
    assert einddatum is None, f"{what}: einddatum must stay null, got {einddatum!r}"

    final_stamp, final_at = _moment(2)
    create(factory, zaken, "statussen",
           _status_body(zaak["url"], zaaktype_set.statustypen[-1], final_stamp),
           "closing: POST /statussen with the final statustype (the zaak has a resultaat)")
    what = f"zaak after the final status with datumStatusGezet {final_stamp}"
    einddatum = _field(fetch(zaken, zaak["url"], what), "einddatum", what)
    # The date of datumStatusGezet; a provider may take it in UTC or in Dutch local time.
    allowed = {final_at.date().isoformat()}
    if AMSTERDAM is not None:
        allowed.add(final_at.astimezone(AMSTERDAM).date().isoformat())
    assert einddatum in allowed, (
        f"{what}: einddatum must be the date of the final status "
        f"({' or '.join(sorted(allowed))}), got {einddatum!r}"
    )


def test_zrc_007_closing_needs_a_resultaat(zaken: ApiClient, factory: Factory,
                                          zaaktype_set: ZaaktypeSet) -> None:
    """The final status of a zaak without a resultaat is refused (400); the zaak stays open."""
    zaak = factory.zaak(zaaktype_set.zaaktype)
    stamp, _ = _moment(2)
    resp = zaken.post("statussen", _status_body(zaak["url"], zaaktype_set.statustypen[-1], stamp))
    if resp.status_code in (200, 201):
        factory.created.append((zaken, resp.json().get("url", "")))
    expect_status(resp, 400, "zrc-007: the final status of a zaak that has no resultaat")
    what = "zaak after its final status was refused"
    einddatum = _field(fetch(zaken, zaak["url"], what), "einddatum", what)
    assert einddatum is None, f"{what}: the zaak must stay open (einddatum null), got {einddatum!r}"


def test_zrc_008_reopening_clears_einddatum(zaken: ApiClient, factory: Factory,
                                            zaaktype_set: ZaaktypeSet) -> None:
    """Reopening (a non-final status after the final one) nulls einddatum and archive fields."""
    zaak = factory.zaak(zaaktype_set.zaaktype, archiefnominatie="vernietigen",
                        archiefactiedatum=(date.today() + timedelta(days=3650)).isoformat())
    factory.resultaat(zaak["url"], zaaktype_set.resultaattype)
    factory.status(zaak["url"], zaaktype_set.statustypen[0], when=_moment(3)[1])
    factory.status(zaak["url"], zaaktype_set.statustypen[-1], when=_moment(2)[1])
    what = "zaak after its final status"
    closed = fetch(zaken, zaak["url"], what)
    if _field(closed, "einddatum", what) is None:
        raise RuntimeError(
            "precondition: the zaak did not close (einddatum null after the final status); "
            "zrc-008 cannot be decided, see zrc-007"
        )

    reopen_stamp, _ = _moment(1)
    create(factory, zaken, "statussen",
           _status_body(zaak["url"], zaaktype_set.statustypen[0], reopen_stamp),
           "reopening: POST /statussen with a non-final statustype on a closed zaak")
    what = "zaak after reopening"
    reopened = fetch(zaken, zaak["url"], what)
    for name in ("einddatum", "archiefactiedatum", "archiefnominatie"):
        value = _field(reopened, name, what)
        assert value is None, f"{what}: {name} must be null, got {value!r}"


# --- zrc-013, zrc-014 ---------------------------------------------------------------------


def test_zrc_013_hoofdzaak_rules(zaken: ApiClient, factory: Factory,
                                 zaaktype_set: ZaaktypeSet) -> None:
    """hoofdzaak must be a zaak that is not itself a deelzaak, and never the zaak itself."""
    zt = zaaktype_set.zaaktype
    hoofdzaak = factory.zaak(zt)
    deelzaak = create(factory, zaken, "zaken", factory.zaak_body(zt, hoofdzaak=hoofdzaak["url"]),
                      "POST /zaken with hoofdzaak = an existing zaak")
    what = "hoofdzaak after a deelzaak was created"
    deelzaken = _field(fetch(zaken, hoofdzaak["url"], what), "deelzaken", what)
    assert isinstance(deelzaken, list) and deelzaak["url"] in deelzaken, (
        f"{what}: deelzaken of {hoofdzaak['url']} must list {deelzaak['url']}, got {deelzaken!r}"
    )

    resp = zaken.post("zaken", factory.zaak_body(zt, hoofdzaak=deelzaak["url"]))
    adopt(factory, zaken, resp)
    rejected_field(resp, "hoofdzaak",
                   "POST /zaken with hoofdzaak = a deelzaak (no deelzaak of a deelzaak)")

    solo = factory.zaak(zt)
    resp = zaken.patch(solo["url"], {"hoofdzaak": solo["url"]})
    rejected_field(resp, "hoofdzaak", "PATCH of a zaak with hoofdzaak = the zaak itself")


def test_zrc_014_betalingsindicatie_nvt(zaken: ApiClient, factory: Factory,
                                        zaaktype_set: ZaaktypeSet) -> None:
    """betalingsindicatie 'nvt' excludes laatsteBetaaldatum; switching to nvt clears it."""
    paid = _moment(60)[0]
    resp = zaken.post("zaken", factory.zaak_body(zaaktype_set.zaaktype, betalingsindicatie="nvt",
                                                 laatsteBetaaldatum=paid))
    adopt(factory, zaken, resp)
    what = "POST /zaken with betalingsindicatie 'nvt' and a laatsteBetaaldatum"
    rejected_field(resp, ("laatsteBetaaldatum", "betalingsindicatie", "nonFieldErrors"), what)

    zaak = factory.zaak(zaaktype_set.zaaktype, betalingsindicatie="geheel",
                        laatsteBetaaldatum=paid)
    resp = zaken.patch(zaak["url"], {"betalingsindicatie": "nvt"})
    what = "PATCH betalingsindicatie 'nvt' on a zaak with a laatsteBetaaldatum"
    expect_status(resp, 200, what)
    stored = fetch(zaken, zaak["url"], what)
    assert _field(stored, "laatsteBetaaldatum", what) is None, (
        f"{what}: laatsteBetaaldatum must become null, got {stored.get('laatsteBetaaldatum')!r}"
    )


# --- zrc-016 .. zrc-020: related types must belong to the zaak's zaaktype -----------------


def _zaak_and_other(factory: Factory, zs: ZaaktypeSet) -> tuple[dict[str, Any], ZaaktypeSet]:
    return factory.zaak(zs.zaaktype), factory.zaaktype_set()


def test_zrc_016_statustype_of_zaaktype(zaken: ApiClient, factory: Factory,
                                        zaaktype_set: ZaaktypeSet) -> None:
    """A status's statustype must belong to the zaak's zaaktype."""
    zaak, other = _zaak_and_other(factory, zaaktype_set)
    stamp = _moment(1)[0]
    create(factory, zaken, "statussen", _status_body(zaak["url"], zaaktype_set.statustypen[0],
                                                     stamp),
           "POST /statussen with a statustype of the zaak's own zaaktype")
    resp = zaken.post("statussen", _status_body(zaak["url"], other.statustypen[0], stamp))
    adopt(factory, zaken, resp)
    expect_status(resp, 400, f"POST /statussen with a statustype of another zaaktype "
                             f"({other.statustypen[0]})")


def test_zrc_017_informatieobjecttype_of_zaaktype(zaken: ApiClient, documenten: ApiClient,
                                                  factory: Factory,
                                                  zaaktype_set: ZaaktypeSet) -> None:
    """A linked document's informatieobjecttype must belong to the zaak's zaaktype."""
    # ``documenten`` is requested so the test is skipped when the target has no Documenten API.
    zaak, other = _zaak_and_other(factory, zaaktype_set)
    own_doc = factory.document(zaaktype_set.informatieobjecttype)
    foreign_doc = factory.document(other.informatieobjecttype)
    create(factory, zaken, "zaakinformatieobjecten",
           {"zaak": zaak["url"], "informatieobject": own_doc["url"]},
           "POST /zaakinformatieobjecten with a document of an informatieobjecttype of the "
           "zaak's own zaaktype")
    resp = zaken.post("zaakinformatieobjecten",
                      {"zaak": zaak["url"], "informatieobject": foreign_doc["url"]})
    adopt(factory, zaken, resp)
    expect_status(resp, 400, "POST /zaakinformatieobjecten with a document whose "
                             f"informatieobjecttype belongs to another zaaktype "
                             f"({other.informatieobjecttype})")


def test_zrc_018_eigenschap_of_zaaktype(zaken: ApiClient, factory: Factory,
                                        zaaktype_set: ZaaktypeSet) -> None:
    """A zaakeigenschap's eigenschap must belong to the zaak's zaaktype."""
    zaak, other = _zaak_and_other(factory, zaaktype_set)
    path = f"zaken/{zaak['uuid']}/zaakeigenschappen"

    def body(eigenschap: str) -> dict[str, Any]:
        return {"zaak": zaak["url"], "eigenschap": eigenschap, "waarde": "conformance"}

    create(factory, zaken, path, body(zaaktype_set.eigenschap),
           "POST /zaken/{uuid}/zaakeigenschappen with an eigenschap of the zaak's own zaaktype")
    resp = zaken.post(path, body(other.eigenschap))
    adopt(factory, zaken, resp)
    expect_status(resp, 400, "POST /zaken/{uuid}/zaakeigenschappen with an eigenschap of "
                             f"another zaaktype ({other.eigenschap})")


def test_zrc_019_roltype_of_zaaktype(zaken: ApiClient, factory: Factory,
                                     zaaktype_set: ZaaktypeSet) -> None:
    """A rol's roltype must belong to the zaak's zaaktype."""
    zaak, other = _zaak_and_other(factory, zaaktype_set)

    def body(roltype: str) -> dict[str, Any]:
        return {"zaak": zaak["url"], "roltype": roltype, "betrokkeneType": "medewerker",
                "roltoelichting": "Conformance",
                "betrokkeneIdentificatie": {"identificatie": "conformance",
                                            "achternaam": "Harness"}}

    create(factory, zaken, "rollen", body(zaaktype_set.roltype),
           "POST /rollen with a roltype of the zaak's own zaaktype")
    resp = zaken.post("rollen", body(other.roltype))
    adopt(factory, zaken, resp)
    expect_status(resp, 400, f"POST /rollen with a roltype of another zaaktype ({other.roltype})")


def test_zrc_020_resultaattype_of_zaaktype(zaken: ApiClient, factory: Factory,
                                           zaaktype_set: ZaaktypeSet) -> None:
    """A resultaat's resultaattype must belong to the zaak's zaaktype."""
    own_zaak, other = _zaak_and_other(factory, zaaktype_set)
    # A zaak has one resultaat, so the foreign type is tried on a second zaak.
    bare_zaak = factory.zaak(zaaktype_set.zaaktype)

    def body(zaak: dict[str, Any], resultaattype: str) -> dict[str, Any]:
        return {"zaak": zaak["url"], "resultaattype": resultaattype, "toelichting": "Conformance"}

    create(factory, zaken, "resultaten", body(own_zaak, zaaktype_set.resultaattype),
           "POST /resultaten with a resultaattype of the zaak's own zaaktype")
    resp = zaken.post("resultaten", body(bare_zaak, other.resultaattype))
    adopt(factory, zaken, resp)
    expect_status(resp, 400, "POST /resultaten with a resultaattype of another zaaktype "
                             f"({other.resultaattype})")


# --- zrc-023 --------------------------------------------------------------------------------


def test_zrc_023_delete_is_hard(zaken: ApiClient, factory: Factory,
                                zaaktype_set: ZaaktypeSet) -> None:
    """Deleting a zaak removes it and its deelzaken, statussen, rollen, resultaat,
    zaakobjecten and zaakinformatieobjecten (and with them the Documenten API's side of the
    relation); the document itself stays."""
    zaak = factory.zaak(zaaktype_set.zaaktype)
    deelzaak = create(factory, zaken, "zaken", factory.zaak_body(
        zaaktype_set.zaaktype, hoofdzaak=zaak["url"]), "POST /zaken: a deelzaak of the zaak")
    related = {
        "statussen": factory.status(zaak["url"], zaaktype_set.statustypen[0],
                                    when=_moment(1)[1]),
        "rollen": factory.rol(zaak["url"], zaaktype_set.roltype),
        "resultaten": factory.resultaat(zaak["url"], zaaktype_set.resultaattype),
        "zaakobjecten": factory.create(zaken, "zaakobjecten", {
            "zaak": zaak["url"], "objectType": "adres", "relatieomschrijving": "Conformance",
            "objectIdentificatie": {"identificatie": f"conf-{factory.tag()}",
                                    "wplWoonplaatsNaam": "Utrecht",
                                    "gorOpenbareRuimteNaam": "Conformancestraat",
                                    "huisnummer": 1},
        }),
    }
    document = None
    if factory.documenten is not None:  # the profile requires it; without, the run is incomplete
        document = factory.document(zaaktype_set.informatieobjecttype)["url"]
        related["zaakinformatieobjecten"] = factory.zaakinformatieobject(zaak["url"], document)
    resp = zaken.delete(zaak["url"])
    expect_status(resp, 204, "DELETE of a zaak")

    gone = zaken.get(zaak["url"])
    expect_status(gone, 404, "GET of the deleted zaak")
    expect_status(zaken.get(deelzaak["url"]), 404, "GET of the deelzaak of the deleted zaak")
    if document is not None:
        what = "GET /objectinformatieobjecten?object=<deleted zaak> in the Documenten API"
        resp = factory.documenten.get("objectinformatieobjecten",  # type: ignore[union-attr]
                                      params={"object": zaak["url"]})
        if resp.status_code != 400:  # a refused filter on a URL that is gone shows it, too
            expect_status(resp, 200, what)
            left = resp.json() if isinstance(resp.json(), list) else []
            assert not left, (f"{what}: the Documenten API must no longer relate the document "
                              f"to the deleted zaak, got {len(left)} relation(s)")
        expect_status(factory.documenten.get(document),  # type: ignore[union-attr]
                      200, "GET of the document of the deleted zaak (a document outlives it)")
    for path, obj in related.items():
        resp = zaken.get(obj["url"])
        expect_status(resp, 404, f"GET of the {SINGULAR[path]} of the deleted zaak "
                                 "(no soft deletes)")
    for path in related:
        what = f"GET /{path}?zaak=<deleted zaak>"
        resp = zaken.get(path, params={"zaak": zaak["url"]})
        if resp.status_code == 400:
            # A provider may validate the filter value and refuse the URL of a zaak that no
            # longer exists; that, too, shows the zaak is gone.
            rejected_field(resp, "zaak", what)
            continue
        listed = page_shape(resp, what)
        # ``count`` itself is the pagination rule's business; here no item may remain.
        assert not listed["results"] and listed["next"] is None, (
            f"{what}: the list must be empty after the zaak was deleted, got "
            f"{len(listed['results'])} item(s) (count {listed['count']}, next "
            f"{listed['next']!r}) from {where(resp)}"
        )

