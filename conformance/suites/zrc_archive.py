"""Zaken API archiving rules: zrc-021 (derive the archive fields at closing) and zrc-022
(archiving a zaak needs the archive fields and archived documents).

Source: https://vng-realisatie.github.io/gemma-zaken/standaard/zaken/#zrc-021 and #zrc-022.
zrc-021 is the largest block of the old Postman suite (sub-scenarios per
``afleidingswijze``); each tested afleidingswijze has its own test here, on one published
zaaktype with a resultaattype per afleidingswijze (archiefnominatie ``vernietigen``,
archiefactietermijn ten years). The two besluit dates (``ingangsdatum_besluit``,
``vervaldatum_besluit``) need the target's Besluiten API and are a requirement of their own
(zrc-021-besluit), not applicable without it. Not tested: ``zaakobject`` (the datumkenmerk
lives in the registration the zaakobject points to, outside the ZGW APIs).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from ..client import ApiClient
from ..parts import api_part, lacks
from ..zgw import ARCHIEFACTIETERMIJN, Factory, ZaaktypeSet
from ._helpers import expect_status, fetch, refusal, summary

try:  # Dutch local time, in which a provider may take the date of a moment
    AMSTERDAM: ZoneInfo | None = ZoneInfo("Europe/Amsterdam")
except ZoneInfoNotFoundError:
    AMSTERDAM = None
TERM_YEARS = int(ARCHIEFACTIETERMIJN.strip("PY"))  # of every resultaattype the harness makes
PROCESTERMIJN_YEARS = 5  # for afleidingswijze termijn
EIGENSCHAP_DATE = "2020-03-15"  # the value of the date-kenmerk eigenschap


def plus_years(start: date, years: int) -> date:
    """``start`` + P{years}Y, 29 February landing on 28 February like ISO 8601 durations."""
    year = start.year + years
    return start.replace(year=year, day=min(start.day, calendar.monthrange(year, start.month)[1]))


@dataclass
class ArchiveTypes:
    """A published zaaktype with a resultaattype that derives the archive date one way."""

    types: ZaaktypeSet
    resultaattype: str
    datumkenmerk: str  # naam of the zaaktype's eigenschap (holds a date for 'eigenschap')


def archive_types(factory: Factory, how: str, **zaaktype_overrides: Any) -> ArchiveTypes:
    types = factory.zaaktype_set(publish=False, **zaaktype_overrides)
    naam = factory.catalogi.get(types.eigenschap).json()["naam"]
    body = factory.resultaattype_body(types.zaaktype, how, omschrijving=f"Archief {how}"[:30],
                                      archiefnominatie="vernietigen")
    procedure = body["brondatumArchiefprocedure"]
    if how == "eigenschap":
        procedure["datumkenmerk"] = naam
    if how == "termijn":
        procedure["procestermijn"] = f"P{PROCESTERMIJN_YEARS}Y"
    resultaattype = factory.create(factory.catalogi, "resultaattypen", body)["url"]
    if how == "hoofdzaak":  # the deelzaak has the hoofdzaak's zaaktype
        factory.own_deelzaaktype(types.zaaktype)
    factory.publish(types.zaaktype)
    return ArchiveTypes(types, resultaattype, naam)


def _end_dates(moment: datetime) -> set[date]:
    """The einddatum a provider may derive from a datumStatusGezet (UTC or Dutch date)."""
    dates = {moment.date()}
    if AMSTERDAM is not None:
        dates.add(moment.astimezone(AMSTERDAM).date())
    return dates


def _close(factory: Factory, zaak: dict[str, Any], types: ZaaktypeSet,
           resultaattype: str) -> datetime:
    """Give the zaak a resultaat and its final status; return the final moment."""
    now = datetime.now(UTC).replace(microsecond=0)
    factory.resultaat(zaak["url"], resultaattype)
    factory.status(zaak["url"], types.statustypen[0], when=now - timedelta(minutes=3))
    final = now - timedelta(minutes=2)
    factory.status(zaak["url"], types.statustypen[-1], when=final)
    return final


def _archived_fields(zaken: ApiClient, zaak: dict[str, Any], how: str) -> dict[str, Any]:
    what = f"zrc-021 ({how}): the zaak after closing with a resultaat of that afleidingswijze"
    closed = fetch(zaken, zaak["url"], what)
    if not closed.get("einddatum"):
        raise RuntimeError(f"precondition: {what} has no einddatum (see zrc-007); "
                           "the archive derivation cannot be decided")
    assert closed.get("archiefnominatie") == "vernietigen", (
        f"{what}: archiefnominatie must be taken from the resultaattype ('vernietigen'), got "
        f"{closed.get('archiefnominatie')!r}"
    )
    return closed


def _assert_archiefactiedatum(closed: dict[str, Any], brondata: set[date], how: str,
                              basis: str) -> None:
    expected = {plus_years(d, TERM_YEARS).isoformat() for d in brondata}
    got = closed.get("archiefactiedatum")
    assert got in expected, (
        f"zrc-021 ({how}): archiefactiedatum must be {basis} + archiefactietermijn "
        f"P{TERM_YEARS}Y = {' or '.join(sorted(expected))}, got {got!r}"
    )


def _closed_zaak(factory: Factory, how: str, **overrides: Any
                 ) -> tuple[dict[str, Any], datetime]:
    archive = archive_types(factory, how)
    zaak = factory.zaak(archive.types.zaaktype, **overrides)
    return zaak, _close(factory, zaak, archive.types, archive.resultaattype)


def test_zrc_021_afgehandeld(zaken: ApiClient, factory: Factory) -> None:
    """afgehandeld: the archive term starts at the zaak's einddatum."""
    zaak, final = _closed_zaak(factory, "afgehandeld")
    closed = _archived_fields(zaken, zaak, "afgehandeld")
    _assert_archiefactiedatum(closed, _end_dates(final), "afgehandeld", "einddatum")


def test_zrc_021_termijn(zaken: ApiClient, factory: Factory) -> None:
    """termijn: the archive term starts at einddatum + the procestermijn."""
    zaak, final = _closed_zaak(factory, "termijn")
    closed = _archived_fields(zaken, zaak, "termijn")
    _assert_archiefactiedatum(closed, {plus_years(d, PROCESTERMIJN_YEARS)
                                       for d in _end_dates(final)}, "termijn",
                              f"einddatum + procestermijn P{PROCESTERMIJN_YEARS}Y")


def test_zrc_021_eigenschap(zaken: ApiClient, factory: Factory) -> None:
    """eigenschap: the archive term starts at the date in the zaak's eigenschap named by
    datumkenmerk."""
    archive = archive_types(factory, "eigenschap")
    zaak = factory.zaak(archive.types.zaaktype)
    factory.zaakeigenschap(zaak, archive.types.eigenschap, waarde=EIGENSCHAP_DATE)
    _close(factory, zaak, archive.types, archive.resultaattype)
    closed = _archived_fields(zaken, zaak, "eigenschap")
    _assert_archiefactiedatum(closed, {date.fromisoformat(EIGENSCHAP_DATE)}, "eigenschap",
                              f"the eigenschap '{archive.datumkenmerk}' "
                              f"({EIGENSCHAP_DATE})")


def test_zrc_021_hoofdzaak(zaken: ApiClient, factory: Factory) -> None:
    """hoofdzaak: the archive term of a deelzaak starts at its hoofdzaak's einddatum.

    The deelzaak closes first: a hoofdzaak closes after its deelzaken (the VNG reference
    and Open Zaak refuse otherwise, deelzaken-not-closed), and its closing settles the
    deelzaak's archiefactiedatum."""
    archive = archive_types(factory, "hoofdzaak")
    types = archive.types
    hoofdzaak = factory.zaak(types.zaaktype)
    deelzaak = factory.zaak(types.zaaktype, hoofdzaak=hoofdzaak["url"])
    _close(factory, deelzaak, types, archive.resultaattype)
    _close(factory, hoofdzaak, types, types.resultaattype)
    hoofd_einddatum = fetch(zaken, hoofdzaak["url"], "the closed hoofdzaak").get("einddatum")
    if not hoofd_einddatum:
        raise RuntimeError("precondition: the closed hoofdzaak has no einddatum (see zrc-007)")
    closed = _archived_fields(zaken, deelzaak, "hoofdzaak")
    _assert_archiefactiedatum(closed, {date.fromisoformat(hoofd_einddatum[:10])}, "hoofdzaak",
                              f"the hoofdzaak's einddatum {hoofd_einddatum}")


def test_zrc_021_gerelateerde_zaak(zaken: ApiClient, factory: Factory,
                                   zaaktype_set: ZaaktypeSet) -> None:
    """gerelateerde_zaak: the archive term starts at the (latest) einddatum of the zaken in
    relevanteAndereZaken."""
    other = factory.zaak(zaaktype_set.zaaktype)
    _close(factory, other, zaaktype_set, zaaktype_set.resultaattype)
    other_einddatum = fetch(zaken, other["url"], "the closed related zaak").get("einddatum")
    if not other_einddatum:
        raise RuntimeError("precondition: the closed related zaak has no einddatum")
    zaak, _ = _closed_zaak(factory, "gerelateerde_zaak", relevanteAndereZaken=[
        {"url": other["url"], "aardRelatie": "onderwerp"}])
    closed = _archived_fields(zaken, zaak, "gerelateerde_zaak")
    _assert_archiefactiedatum(closed, {date.fromisoformat(other_einddatum[:10])},
                              "gerelateerde_zaak", f"the related zaak's einddatum "
                              f"{other_einddatum}")


def test_zrc_021_ander_datumkenmerk(zaken: ApiClient, factory: Factory) -> None:
    """ander_datumkenmerk: the date lives outside the zaak, so archiefactiedatum stays empty
    (to be set by the archivist) while archiefnominatie is still derived."""
    zaak, _ = _closed_zaak(factory, "ander_datumkenmerk")
    closed = _archived_fields(zaken, zaak, "ander_datumkenmerk")
    assert closed.get("archiefactiedatum") is None, (
        "zrc-021 (ander_datumkenmerk): the brondatum is not in the zaak, so archiefactiedatum "
        f"cannot be derived and must stay null, got {closed.get('archiefactiedatum')!r}"
    )


# Two besluiten on the zaak; the first made has the later date, so a provider that takes the
# last (or first) besluit instead of the latest date is caught either way.
BESLUIT_DATES = {
    "ingangsdatum_besluit": ({"ingangsdatum": "2022-02-10"}, {"ingangsdatum": "2021-05-01"}),
    "vervaldatum_besluit": ({"ingangsdatum": "2021-01-01", "vervaldatum": "2024-06-30"},
                            {"ingangsdatum": "2021-01-01", "vervaldatum": "2023-01-31"}),
}


def _besluit_derivation(zaken: ApiClient, factory: Factory, how: str) -> None:
    """The archive term starts at the latest ingangsdatum/vervaldatum of the zaak's besluiten."""
    if factory.besluiten is None:
        pytest.skip(lacks(api_part("besluiten"), "the harness cannot give a zaak besluiten to "
                          f"derive the archive date from ({how}); add apis.besluiten to the "
                          "target file"))
    catalogus = factory.catalogus()["url"]
    besluittype = factory.besluittype(catalogus, [])["url"]
    archive = archive_types(factory, how, catalogus=catalogus, besluittypen=[besluittype])
    zaak = factory.zaak(archive.types.zaaktype)
    field = how.removesuffix("_besluit")
    for dates in BESLUIT_DATES[how]:
        factory.besluit(besluittype, zaak=zaak["url"], datum="2021-01-01", **dates)
    _close(factory, zaak, archive.types, archive.resultaattype)
    closed = _archived_fields(zaken, zaak, how)
    latest = max(d[field] for d in BESLUIT_DATES[how])
    _assert_archiefactiedatum(closed, {date.fromisoformat(latest)}, how,
                              f"the latest {field} of the zaak's two besluiten ({latest})")


def test_zrc_021_ingangsdatum_besluit(zaken: ApiClient, factory: Factory) -> None:
    """ingangsdatum_besluit: the archive term starts at the latest ingangsdatum of the
    zaak's besluiten."""
    _besluit_derivation(zaken, factory, "ingangsdatum_besluit")


def test_zrc_021_vervaldatum_besluit(zaken: ApiClient, factory: Factory) -> None:
    """vervaldatum_besluit: the archive term starts at the latest vervaldatum of the zaak's
    besluiten."""
    _besluit_derivation(zaken, factory, "vervaldatum_besluit")


# --- zrc-022 ---------------------------------------------------------------------------------


def test_zrc_022_archiving_needs_fields_and_archived_documents(
        zaken: ApiClient, documenten: ApiClient, factory: Factory,
        zaaktype_set: ZaaktypeSet) -> None:
    """archiefstatus other than nog_te_archiveren needs archiefnominatie, archiefactiedatum
    and every related document at status gearchiveerd."""
    bare = factory.zaak(zaaktype_set.zaaktype)
    what = "zrc-022: PATCH archiefstatus=gearchiveerd on a zaak without archive fields"
    refusal(zaken.patch(bare["url"], {"archiefstatus": "gearchiveerd"}), 400, what)

    zaak = factory.zaak(zaaktype_set.zaaktype, archiefnominatie="vernietigen",
                        archiefactiedatum=(date.today() + timedelta(days=3650)).isoformat())
    document = factory.document(zaaktype_set.informatieobjecttype)
    factory.zaakinformatieobject(zaak["url"], document["url"])
    what = ("zrc-022: PATCH archiefstatus=gearchiveerd on a zaak with archive fields whose "
            "document is not gearchiveerd")
    refusal(zaken.patch(zaak["url"], {"archiefstatus": "gearchiveerd"}), 400, what)

    lock = documenten.post(f"{document['url']}/lock", {})
    expect_status(lock, 200, "locking the zaak's document to archive it")
    archived = documenten.patch(document["url"], {"status": "gearchiveerd",
                                                  "lock": lock.json().get("lock")})
    expect_status(archived, 200, "PATCH of the zaak's document to status gearchiveerd")
    documenten.post(f"{document['url']}/unlock", {"lock": lock.json().get("lock")})
    resp = zaken.patch(zaak["url"], {"archiefstatus": "gearchiveerd"})
    assert resp.status_code == 200, (
        "zrc-022: with archiefnominatie, archiefactiedatum and every document gearchiveerd, "
        f"PATCH archiefstatus=gearchiveerd must succeed, got {summary(resp)}"
    )
