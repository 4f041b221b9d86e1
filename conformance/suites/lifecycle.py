"""The contract's lifecycle properties, made certain for every kind of object an API holds.

schemathesis judges "what was created can be read" (ensure_resource_availability), "what was
deleted is gone" (use_after_free) and "a request without a required header is refused"
(missing_required_header) only when its generated traffic happens to create and read, delete
and read, or leave out a header; at a small budget it may never do so. These tests do it
once per kind of object, so the contract requirements are exercised at every budget; the
generated traffic adds to them where it applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..client import ApiClient
from ..engine.data_besluiten import BesluitenSet
from ..zgw import Factory, ZaaktypeSet
from .generic_checks import (
    check_content_type_required,
    check_created_can_be_read,
    check_deleted_is_gone,
)

Objects = dict[str, dict[str, Any]]


def _zaken_objects(factory: Factory, types: ZaaktypeSet, with_zaak: bool) -> Objects:
    def sub(noun: str, make: Callable[[str], dict[str, Any]]) -> tuple[str, dict[str, Any]]:
        return noun, make(factory.zaak(types.zaaktype)["url"])  # each on a zaak of its own

    made = dict([
        sub("rol", lambda z: factory.rol(z, types.roltype)),
        sub("resultaat", lambda z: factory.resultaat(z, types.resultaattype)),
        sub("zaakobject", factory.zaakobject),
    ])
    if factory.documenten is not None:
        made.update([sub("zaakinformatieobject", lambda z: factory.zaakinformatieobject(
            z, factory.document(types.informatieobjecttype)["url"]))])
    if with_zaak:  # a zaak's own deletion is zrc-023's; its statussen cannot be deleted
        made["zaak"] = factory.zaak(types.zaaktype)
        made["status"] = factory.status(made["zaak"]["url"], types.statustypen[0])
    return made


def test_zaken_created_can_be_read(zaken: ApiClient, factory: Factory,
                                   zaaktype_set: ZaaktypeSet) -> None:
    """Zaak, status, rol, resultaat, zaakobject and zaakinformatieobject can be read back."""
    check_created_can_be_read(zaken, _zaken_objects(factory, zaaktype_set, with_zaak=True))


def test_zaken_deleted_is_gone(zaken: ApiClient, factory: Factory,
                               zaaktype_set: ZaaktypeSet) -> None:
    """Rol, resultaat, zaakobject and zaakinformatieobject are gone once deleted."""
    check_deleted_is_gone(zaken, _zaken_objects(factory, zaaktype_set, with_zaak=False))


def test_zaken_content_type_required(zaken: ApiClient, factory: Factory,
                                     zaaktype_set: ZaaktypeSet) -> None:
    check_content_type_required(zaken, factory, "zaken",
                                factory.zaak_body(zaaktype_set.zaaktype))


def _catalogi_objects(factory: Factory) -> Objects:
    """Concept types of every kind (a published type cannot be deleted, ztc-009)."""
    catalogus = factory.catalogus()
    iot = factory.informatieobjecttype(catalogus["url"], publish=False)
    zaaktype = factory.create(factory.catalogi, "zaaktypen",
                              factory.zaaktype_body(catalogus["url"]))
    zt = zaaktype["url"]
    return {
        "catalogus": catalogus, "informatieobjecttype": iot, "zaaktype": zaaktype,
        "statustype": factory.create(factory.catalogi, "statustypen", {
            "zaaktype": zt, "omschrijving": "Ontvangen", "volgnummer": 1}),
        "roltype": factory.create(factory.catalogi, "roltypen", {
            "zaaktype": zt, "omschrijving": "Behandelaar", "omschrijvingGeneriek": "behandelaar"}),
        "resultaattype": factory.create(factory.catalogi, "resultaattypen",
                                        factory.resultaattype_body(zt)),
        "eigenschap": factory.create(factory.catalogi, "eigenschappen", {
            "zaaktype": zt, "naam": f"kenmerk{factory.tag()[:4]}", "definitie": "Kenmerk",
            "specificatie": {"formaat": "tekst", "lengte": "10", "kardinaliteit": "1",
                             "waardenverzameling": []}}),
        "zaaktype-informatieobjecttype": factory.zaaktype_informatieobjecttype(zt, iot),
        "besluittype": factory.besluittype(catalogus["url"], [], publish=False),
    }


def test_catalogi_created_can_be_read(catalogi: ApiClient, factory: Factory) -> None:
    """Every kind of type (and the catalogus) can be read back once created."""
    check_created_can_be_read(catalogi, _catalogi_objects(factory))


def test_catalogi_deleted_is_gone(catalogi: ApiClient, factory: Factory) -> None:
    """Concept types are gone once deleted (child types before their zaaktype)."""
    made = _catalogi_objects(factory)
    made.pop("catalogus")  # Catalogi 1.3 has no DELETE for catalogussen
    order = ["zaaktype-informatieobjecttype", "statustype", "roltype", "resultaattype",
             "eigenschap", "zaaktype", "besluittype", "informatieobjecttype"]
    check_deleted_is_gone(catalogi, {noun: made[noun] for noun in order})


def test_catalogi_content_type_required(catalogi: ApiClient, factory: Factory) -> None:
    check_content_type_required(catalogi, factory, "catalogussen", {
        "domein": factory.tag()[:5].upper(), "rsin": factory.rsin(),
        "contactpersoonBeheerNaam": "Conformance"})


def _documenten_objects(factory: Factory, types: ZaaktypeSet) -> Objects:
    document = factory.document(types.informatieobjecttype)
    recht = factory.create(factory.documenten, "gebruiksrechten", {
        "informatieobject": factory.document(types.informatieobjecttype)["url"],
        "startdatum": "2024-01-01T00:00:00Z", "omschrijvingVoorwaarden": "Conformance"})
    return {"gebruiksrecht": recht, "document": document}


def test_documenten_created_can_be_read(documenten: ApiClient, factory: Factory,
                                        zaaktype_set: ZaaktypeSet) -> None:
    check_created_can_be_read(documenten, _documenten_objects(factory, zaaktype_set))


def test_documenten_deleted_is_gone(documenten: ApiClient, factory: Factory,
                                    zaaktype_set: ZaaktypeSet) -> None:
    check_deleted_is_gone(documenten, _documenten_objects(factory, zaaktype_set))


def test_documenten_content_type_required(documenten: ApiClient, factory: Factory,
                                          zaaktype_set: ZaaktypeSet) -> None:
    body = {"bronorganisatie": factory.rsin(), "creatiedatum": "2024-01-01",
            "titel": "Conformance", "auteur": "Conformance", "taal": "nld",
            "informatieobjecttype": zaaktype_set.informatieobjecttype}
    check_content_type_required(documenten, factory, "enkelvoudiginformatieobjecten", body)


def _besluiten_objects(factory: Factory, types: BesluitenSet) -> Objects:
    besluit = factory.besluit(types.besluittype)
    relation = factory.besluitinformatieobject(
        besluit["url"], factory.document(types.informatieobjecttype)["url"])
    return {"besluitinformatieobject": relation, "besluit": besluit}


def _besluiten_set(suite_context: Any) -> BesluitenSet:
    data = suite_context.fixtures.get("besluiten")
    if not data:
        raise RuntimeError("the run prepared no besluittype (see the run's preparation notes)")
    return BesluitenSet(**data)


def test_besluiten_created_can_be_read(besluiten: ApiClient, factory: Factory,
                                       suite_context: Any) -> None:
    check_created_can_be_read(besluiten, _besluiten_objects(factory,
                                                            _besluiten_set(suite_context)))


def test_besluiten_deleted_is_gone(besluiten: ApiClient, factory: Factory,
                                   suite_context: Any) -> None:
    check_deleted_is_gone(besluiten, _besluiten_objects(factory, _besluiten_set(suite_context)))


def test_besluiten_content_type_required(besluiten: ApiClient, factory: Factory,
                                         suite_context: Any) -> None:
    check_content_type_required(besluiten, factory, "besluiten",
                                factory.besluit_body(_besluiten_set(suite_context).besluittype))
