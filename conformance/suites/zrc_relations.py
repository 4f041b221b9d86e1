"""Zaken API rules on what a zaak refers to: zrc-003, zrc-004, zrc-005 (the
zaak-informatieobject relation and its mirror in the Documenten API), zrc-011 (related
zaken), zrc-012 (gegevensgroepen) and zrc-015 (producten of diensten).

Source: https://vng-realisatie.github.io/gemma-zaken/standaard/zaken/#zrc-003 and onwards.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..client import ApiClient
from ..zgw import Factory, ZaaktypeSet
from ._helpers import (
    adopt,
    body_or_none,
    create,
    expect_status,
    fetch,
    rejected_field,
    summary,
)
from .generic_checks import unknown_uuid

HOORT_BIJ = "Hoort bij, omgekeerd: kent"  # aardRelatieWeergave of every zaakinformatieobject


def _missing(url: str, factory: Factory) -> str:
    """A URL of the same collection as ``url`` that names nothing."""
    return f"{url.rsplit('/', 1)[0]}/{unknown_uuid(factory)}"


def _zio(factory: Factory, zaken: ApiClient, types: ZaaktypeSet
         ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    zaak = factory.zaak(types.zaaktype)
    document = factory.document(types.informatieobjecttype)
    zio = create(factory, zaken, "zaakinformatieobjecten",
                 {"zaak": zaak["url"], "informatieobject": document["url"]},
                 "POST /zaakinformatieobjecten relating a document of the zaaktype's "
                 "informatieobjecttype to the zaak")
    return zaak, document, zio


def test_zrc_003_informatieobject_must_resolve(zaken: ApiClient, documenten: ApiClient,
                                               factory: Factory,
                                               zaaktype_set: ZaaktypeSet) -> None:
    """A zaakinformatieobject's informatieobject must be a document that exists."""
    zaak = factory.zaak(zaaktype_set.zaaktype)
    document = factory.document(zaaktype_set.informatieobjecttype)
    for url, why in ((_missing(document["url"], factory), "a document that does not exist"),
                     (zaak["url"], "a zaak, not a document")):
        resp = zaken.post("zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": url})
        adopt(factory, zaken, resp)
        rejected_field(resp, "informatieobject",
                       f"POST /zaakinformatieobjecten with informatieobject = {why}")


def test_zrc_004_relation_fields(zaken: ApiClient, documenten: ApiClient, factory: Factory,
                                 zaaktype_set: ZaaktypeSet) -> None:
    """aardRelatie is 'hoort_bij', registratiedatum is set by the server, and zaak and
    informatieobject cannot change on update."""
    zaak, document, zio = _zio(factory, zaken, zaaktype_set)
    what = "the new zaakinformatieobject"
    assert zio.get("aardRelatieWeergave") == HOORT_BIJ, (
        f"{what}: aardRelatieWeergave must be {HOORT_BIJ!r} (aardRelatie hoort_bij), got "
        f"{zio.get('aardRelatieWeergave')!r}"
    )
    registered = str(zio.get("registratiedatum") or "")
    today = date.today()
    assert registered[:10] in {(today + timedelta(days=d)).isoformat() for d in (-1, 0, 1)}, (
        f"{what}: registratiedatum must be set by the server to the moment of registration "
        f"(today), got {zio.get('registratiedatum')!r}"
    )
    other_zaak = factory.zaak(zaaktype_set.zaaktype)
    other_document = factory.document(zaaktype_set.informatieobjecttype)
    for field, value in (("zaak", other_zaak["url"]), ("informatieobject", other_document["url"])):
        body = {"zaak": zaak["url"], "informatieobject": document["url"], field: value}
        resp = zaken.put(zio["url"], body)
        rejected_field(resp, field, f"PUT of a zaakinformatieobject moving it to another {field}")
    unchanged = fetch(zaken, zio["url"], "the zaakinformatieobject after refused updates")
    assert (unchanged.get("zaak"), unchanged.get("informatieobject")) == (
        zaak["url"], document["url"]), (
        f"refused updates must leave the zaakinformatieobject as it was, got zaak "
        f"{unchanged.get('zaak')!r}, informatieobject {unchanged.get('informatieobject')!r}"
    )


def test_zrc_005_relation_mirrored_in_documenten(zaken: ApiClient, documenten: ApiClient,
                                                 factory: Factory,
                                                 zaaktype_set: ZaaktypeSet) -> None:
    """Creating a zaakinformatieobject creates the objectinformatieobject (objectType zaak) in
    the Documenten API; deleting it removes that again."""
    zaak, document, zio = _zio(factory, zaken, zaaktype_set)
    what = f"GET /objectinformatieobjecten?object={zaak['url']} after relating a document"
    items = _relations(documenten, zaak["url"], what)
    mirrored = [i for i in items if i.get("informatieobject") == document["url"]]
    assert len(mirrored) == 1, (
        f"{what}: exactly one objectinformatieobject for document {document['url']} must exist, "
        f"got {len(mirrored)} of {len(items)} results"
    )
    assert mirrored[0].get("objectType") == "zaak", (
        f"{what}: its objectType must be 'zaak', got {mirrored[0].get('objectType')!r}"
    )
    expect_status(zaken.delete(zio["url"]), 204, "DELETE of the zaakinformatieobject")
    what = f"GET /objectinformatieobjecten?object={zaak['url']} after the relation was deleted"
    items = _relations(documenten, zaak["url"], what)
    left = [i for i in items if i.get("informatieobject") == document["url"]]
    assert not left, f"{what}: the mirrored objectinformatieobject must be gone, got {left}"


def _relations(documenten: ApiClient, zaak: str, what: str) -> list[dict[str, Any]]:
    """GET /objectinformatieobjecten?object=zaak: a plain JSON array (not paginated)."""
    resp = documenten.get("objectinformatieobjecten", params={"object": zaak})
    expect_status(resp, 200, what)
    items = body_or_none(resp)
    assert isinstance(items, list) and all(isinstance(i, dict) for i in items), (
        f"{what}: the answer must be a JSON array of objectinformatieobjecten, got "
        f"{summary(resp)}"
    )
    return items


def test_zrc_011_relevante_andere_zaken_must_resolve(zaken: ApiClient, factory: Factory,
                                                     zaaktype_set: ZaaktypeSet) -> None:
    """Every relevanteAndereZaken URL must name an existing zaak (error name per item)."""
    other = factory.zaak(zaaktype_set.zaaktype)
    created = create(factory, zaken, "zaken", factory.zaak_body(
        zaaktype_set.zaaktype, relevanteAndereZaken=[{"url": other["url"],
                                                      "aardRelatie": "vervolg"}]),
        "POST /zaken with relevanteAndereZaken = an existing zaak")
    listed = [r.get("url") for r in created.get("relevanteAndereZaken") or []
              if isinstance(r, dict)]
    assert listed == [other["url"]], (
        f"the new zaak must list the related zaak {other['url']} in relevanteAndereZaken, got "
        f"{created.get('relevanteAndereZaken')!r}"
    )
    resp = zaken.post("zaken", factory.zaak_body(zaaktype_set.zaaktype, relevanteAndereZaken=[
        {"url": other["url"], "aardRelatie": "vervolg"},
        {"url": _missing(other["url"], factory), "aardRelatie": "onderwerp"}]))
    adopt(factory, zaken, resp)
    rejected_field(resp, "relevanteAndereZaken",
                   "POST /zaken whose second relevanteAndereZaken URL names no zaak")


def test_zrc_012_gegevensgroepen(zaken: ApiClient, factory: Factory,
                                 zaaktype_set: ZaaktypeSet) -> None:
    """verlenging and opschorting: null is the same as absent, and their fields are validated
    like any other (a verlenging without duur is refused)."""
    zaak = create(factory, zaken, "zaken", factory.zaak_body(
        zaaktype_set.zaaktype, verlenging=None, opschorting=None),
        "POST /zaken with verlenging: null and opschorting: null")
    plain = create(factory, zaken, "zaken", factory.zaak_body(zaaktype_set.zaaktype),
                   "POST /zaken without verlenging and opschorting")
    for group in ("verlenging", "opschorting"):
        assert _empty_group(zaak.get(group)) == _empty_group(plain.get(group)), (
            f"zrc-012: {group}: null must mean the same as leaving it out; with null the zaak "
            f"shows {zaak.get(group)!r}, without it {plain.get(group)!r}"
        )
    extended = zaken.patch(zaak["url"], {"verlenging": {"reden": "Conformance", "duur": "P5D"}})
    expect_status(extended, 200, "PATCH of a zaak with a complete verlenging")
    shown = (body_or_none(extended) or {}).get("verlenging") or {}
    assert shown.get("reden") == "Conformance", (
        f"zrc-012: the zaak must show the verlenging it was given, got {shown!r}"
    )
    cleared = zaken.patch(zaak["url"], {"verlenging": None})
    expect_status(cleared, 200, "PATCH of a zaak with verlenging: null")
    assert _empty_group((body_or_none(cleared) or {}).get("verlenging")), (
        "zrc-012: after verlenging: null the zaak must have no verlenging, got "
        f"{(body_or_none(cleared) or {}).get('verlenging')!r}"
    )
    resp = zaken.patch(zaak["url"], {"verlenging": {"reden": "Conformance"}})
    rejected_field(resp, ("verlenging", "duur"),
                   "zrc-012: PATCH of a zaak with a verlenging without duur")


def _empty_group(value: Any) -> bool:
    """A gegevensgroep that holds nothing: null, {} or only empty members (Open Zaak shows
    ``{"reden": "", "duur": null}``)."""
    return value is None or (isinstance(value, dict) and not any(
        v not in (None, "", False) for v in value.values()))


def test_zrc_015_producten_of_diensten_of_zaaktype(zaken: ApiClient, factory: Factory) -> None:
    """A zaak's productenOfDiensten must be a subset of its zaaktype's."""
    product = f"https://producten.example/api/v1/producten/{factory.tag()}"
    other = f"https://producten.example/api/v1/producten/{factory.tag()}"
    types = factory.zaaktype_set(productenOfDiensten=[product])
    create(factory, zaken, "zaken", factory.zaak_body(types.zaaktype,
                                                      productenOfDiensten=[product]),
           "POST /zaken with a product of the zaaktype")
    resp = zaken.post("zaken", factory.zaak_body(types.zaaktype,
                                                 productenOfDiensten=[product, other]))
    adopt(factory, zaken, resp)
    rejected_field(resp, "productenOfDiensten",
                   "POST /zaken with a product the zaaktype does not list")
