"""Besluiten API 1.1.0: the generic ZGW rules on besluiten, and the rules brc-001..009.

Sources: https://vng-realisatie.github.io/gemma-zaken/standaard/besluiten/ (the behaviour
rules), the generic "Eisen en uitgangspunten" on .../standaard/ (pagination, OAS discovery,
audit trail) and the Besluiten API 1.1.0 OAS itself (problem+json, API-version, RSIN). The run
prepared a published besluittype that a published zaaktype names and whose
informatieobjecttype the documents of a besluit must have (``besluiten_types``); every test
makes its own besluiten, zaken and documents through ``factory``. The cross-API rules need the
target's Zaken API (brc-006, brc-007) and Documenten API (brc-003, brc-005, brc-008).
"""

from __future__ import annotations

from typing import Any

import pytest

from ..client import ApiClient
from ..engine.data_besluiten import BesluitenSet
from ..parts import api_part, lacks
from ..zgw import Factory
from ._helpers import (
    body_or_none,
    create,
    expect_status,
    fetch,
    list_items,
    refusal,
    rejected_field,
    where,
)
from .generic_checks import (
    check_api_version_header,
    check_errors_are_problem_json,
    check_jwt_zgw_auth,
    check_openapi_discovery,
    check_organisation_and_identificatie_filters,
    check_pagination,
    check_rsin_elfproef,
    check_unknown_query_parameter_rejected,
    post_adopted,
    unknown_uuid,
)

BESLUITEN = "besluiten"
RELATIONS = "besluitinformatieobjecten"


@pytest.fixture
def besluiten_types(suite_context: Any) -> BesluitenSet:
    """The published besluittype (and its types) the run prepared before the suites."""
    data = suite_context.fixtures.get("besluiten")
    if not data:
        raise RuntimeError("the run prepared no besluittype (see the run's preparation errors)")
    return BesluitenSet(**data)


def _needs(factory: Factory, api: str, rule: str) -> None:
    if getattr(factory, api) is None:
        pytest.skip(lacks(api_part(api), f"{rule} needs the target's {api.capitalize()} API"))


def _list(client: ApiClient, path: str, params: dict[str, Any], what: str) -> list[Any]:
    return list_items(client.get(path, params=params), what)


def _besluit_on_zaak(factory: Factory, types: BesluitenSet) -> tuple[dict[str, Any], ...]:
    _needs(factory, "zaken", "the rule")
    zaak = factory.zaak(types.zaaktype)
    return zaak, factory.besluit(types.besluittype, zaak=zaak["url"])


# --- generic ZGW rules on the Besluiten API ---------------------------------------------------


@pytest.mark.alone  # walks the whole list: 'count' against the pages
def test_pagination(besluiten: ApiClient, factory: Factory,
                    besluiten_types: BesluitenSet) -> None:
    """GET /besluiten is paginated as {count, next, previous, results}."""
    check_pagination(besluiten, BESLUITEN, lambda: factory.besluit(besluiten_types.besluittype),
                     "besluiten")


def test_unknown_query_parameter_rejected(besluiten: ApiClient) -> None:
    """A query parameter that is not in the OAS is refused with HTTP 400."""
    check_unknown_query_parameter_rejected(besluiten, BESLUITEN)


def test_documented_filters_applied(besluiten: ApiClient, factory: Factory,
                                    besluiten_types: BesluitenSet) -> None:
    """The filters verantwoordelijkeOrganisatie and identificatie of GET /besluiten work."""
    check_organisation_and_identificatie_filters(
        besluiten, BESLUITEN, factory,
        lambda **fields: factory.besluit(besluiten_types.besluittype, **fields),
        "verantwoordelijkeOrganisatie", "besluit")


def test_errors_are_problem_json(besluiten: ApiClient, factory: Factory) -> None:
    """Errors are application/problem+json with code, title, status, detail and instance."""
    check_errors_are_problem_json(besluiten, factory, BESLUITEN, "besluit")


def test_api_version_header(besluiten: ApiClient, factory: Factory,
                            besluiten_types: BesluitenSet, api_version: dict[str, str]) -> None:
    """Responses of the Besluiten API carry API-version with its implemented version."""
    check_api_version_header(besluiten, factory, BESLUITEN, api_version["besluiten"],
                             factory.besluit_body(besluiten_types.besluittype))


def test_jwt_zgw_auth(besluiten: ApiClient, suite_context: Any, factory: Factory) -> None:
    """Only a JWT-ZGW token (HS256) of a known client, signed with its secret, is accepted."""
    check_jwt_zgw_auth(besluiten, factory, BESLUITEN, suite_context)


def test_rsin_elfproef(besluiten: ApiClient, factory: Factory,
                       besluiten_types: BesluitenSet) -> None:
    """The verantwoordelijkeOrganisatie of a besluit must be an RSIN passing the 11-test."""
    check_rsin_elfproef(besluiten, factory, BESLUITEN, "verantwoordelijkeOrganisatie",
                        lambda value: factory.besluit_body(besluiten_types.besluittype,
                                                           verantwoordelijkeOrganisatie=value))


def test_openapi_discovery(besluiten: ApiClient, api_version: dict[str, str]) -> None:
    """The API serves its OAS at {API root}/openapi.json, without authentication."""
    check_openapi_discovery(besluiten, api_version["besluiten"], "Besluiten API")


def test_audittrail(besluiten: ApiClient, factory: Factory,
                    besluiten_types: BesluitenSet) -> None:
    """Every write on a besluit and its documents is in the besluit's audit trail."""
    _needs(factory, "documenten", "the audit trail of a besluit's documents")
    besluit = factory.besluit(besluiten_types.besluittype)
    changed = besluiten.patch(besluit["url"], {"toelichting": "Conformance, gewijzigd"})
    expect_status(changed, 200, "PATCH of a besluit's toelichting")
    document = factory.document(besluiten_types.informatieobjecttype)
    relation = factory.besluitinformatieobject(besluit["url"], document["url"])
    what = "GET {besluit}/audittrail after create, PATCH and a besluitinformatieobject"
    resp = besluiten.get(f"{besluit['url']}/audittrail")
    expect_status(resp, 200, what)
    entries = body_or_none(resp)
    assert isinstance(entries, list), f"{what}: {where(resp)} must return a list"
    found = {str(e.get("resourceUrl")) for e in entries if isinstance(e, dict)}
    for url, write in ((besluit["url"], "the creation and change of the besluit"),
                       (relation["url"], "the creation of its besluitinformatieobject")):
        assert url in found, (
            f"{what}: the trail must record {write} (resourceUrl {url}), got resourceUrls "
            f"{sorted(found)}")
    wrong = [e.get("hoofdObject") for e in entries
             if isinstance(e, dict) and e.get("hoofdObject") != besluit["url"]]
    assert not wrong, f"{what}: every entry's hoofdObject must be the besluit, got {wrong}"
    assert len([e for e in entries if isinstance(e, dict)
                and e.get("resourceUrl") == besluit["url"]]) >= 2, (
        f"{what}: both the creation and the PATCH of the besluit must be recorded")


# --- Besluiten API behaviour rules --------------------------------------------------------------


def test_brc_001_besluittype_must_resolve(besluiten: ApiClient, factory: Factory,
                                          besluiten_types: BesluitenSet) -> None:
    """brc-001: besluittype resolves, is a published besluittype and cannot change."""
    types = besluiten_types
    besluit = create(factory, besluiten, BESLUITEN, factory.besluit_body(types.besluittype),
                     f"POST /{BESLUITEN} with a published besluittype")
    base = types.besluittype.rsplit("/", 1)[0]
    concept = factory.besluittype(types.catalogus, [types.informatieobjecttype], publish=False)
    cases = [
        (f"{base}/{unknown_uuid(factory)}", "does not exist"),
        (types.zaaktype, "is a zaaktype, not a besluittype"),
        (concept["url"], "is a concept (not published)"),
    ]
    for besluittype, why in cases:
        resp = post_adopted(besluiten, factory, BESLUITEN,
                            factory.besluit_body(besluittype))
        rejected_field(resp, "besluittype",
                       f"POST /{BESLUITEN} with besluittype {besluittype}, which {why}")
    other = factory.besluittype(types.catalogus, [types.informatieobjecttype])
    what = "PATCH of a besluit to another published besluittype"
    rejected_field(besluiten.patch(besluit["url"], {"besluittype": other["url"]}),
                   "besluittype", what)
    after = fetch(besluiten, besluit["url"], "GET of the besluit after the refused PATCH")
    assert after.get("besluittype") == types.besluittype, (
        f"{what}: the refused change must leave the besluittype {types.besluittype}, got "
        f"{after.get('besluittype')!r}")


def test_brc_002_identificatie_unique(besluiten: ApiClient, factory: Factory,
                                      besluiten_types: BesluitenSet) -> None:
    """brc-002: (verantwoordelijkeOrganisatie, identificatie) is unique, generated when
    absent, and neither can change."""
    types = besluiten_types
    generated = create(factory, besluiten, BESLUITEN, factory.besluit_body(types.besluittype),
                       f"POST /{BESLUITEN} without identificatie")
    assert isinstance(generated.get("identificatie"), str) and generated["identificatie"], (
        f"POST /{BESLUITEN} without identificatie: the server must generate one, got "
        f"{generated.get('identificatie')!r}")
    organisatie, ident = generated["verantwoordelijkeOrganisatie"], generated["identificatie"]
    duplicate = post_adopted(besluiten, factory, BESLUITEN, factory.besluit_body(
        types.besluittype, verantwoordelijkeOrganisatie=organisatie, identificatie=ident))
    rejected_field(duplicate, "identificatie",
                   f"POST /{BESLUITEN} with identificatie {ident!r} that organisation "
                   f"{organisatie} already uses")
    other = factory.rsin()
    while other == organisatie:
        other = factory.rsin()
    create(factory, besluiten, BESLUITEN, factory.besluit_body(
        types.besluittype, verantwoordelijkeOrganisatie=other, identificatie=ident),
        f"POST /{BESLUITEN} with identificatie {ident!r} for another organisation "
        "(unique per organisation only)")
    for name, value in (("identificatie", f"CONF-{factory.tag()}"),
                        ("verantwoordelijkeOrganisatie", other)):
        refusal(besluiten.patch(generated["url"], {name: value}), 400,
                           f"PATCH of a besluit's {name} (may not change)")
    after = fetch(besluiten, generated["url"], "GET of the besluit after the refused changes")
    assert (after.get("identificatie"), after.get("verantwoordelijkeOrganisatie")) == (
        ident, organisatie), (
        f"brc-002: refused changes must leave identificatie {ident!r} and "
        f"verantwoordelijkeOrganisatie {organisatie!r}, got "
        f"{after.get('identificatie')!r}, {after.get('verantwoordelijkeOrganisatie')!r}")


def test_brc_003_informatieobject_must_resolve(besluiten: ApiClient, factory: Factory,
                                               besluiten_types: BesluitenSet) -> None:
    """brc-003: the informatieobject of a besluitinformatieobject must resolve (else 400)."""
    _needs(factory, "documenten", "brc-003")
    besluit = factory.besluit(besluiten_types.besluittype)
    document = factory.document(besluiten_types.informatieobjecttype)
    base = document["url"].rsplit("/", 1)[0]
    for informatieobject, why in ((f"{base}/{unknown_uuid(factory)}", "does not exist"),
                                  (besluit["url"], "is a besluit, not a document")):
        resp = post_adopted(besluiten, factory, RELATIONS,
                            {"besluit": besluit["url"], "informatieobject": informatieobject})
        rejected_field(resp, "informatieobject",
                       f"POST /{RELATIONS} with informatieobject {informatieobject}, which {why}")
    create(factory, besluiten, RELATIONS,
           {"besluit": besluit["url"], "informatieobject": document["url"]},
           f"POST /{RELATIONS} with an existing document of the besluittype's type")


def test_brc_005_relation_mirrored_in_documenten(documenten: ApiClient, besluiten: ApiClient,
                                                 factory: Factory,
                                                 besluiten_types: BesluitenSet) -> None:
    """brc-005: a besluitinformatieobject shows as an objectinformatieobject (besluit)."""
    besluit = factory.besluit(besluiten_types.besluittype)
    document = factory.document(besluiten_types.informatieobjecttype)
    relation = factory.besluitinformatieobject(besluit["url"], document["url"])
    what = "objectinformatieobjecten of a document a besluit records"
    mirrored = [o for o in _list(documenten, "objectinformatieobjecten",
                                 {"informatieobject": document["url"]}, what)
                if o.get("object") == besluit["url"]]
    assert len(mirrored) == 1 and mirrored[0].get("objectType") == "besluit", (
        f"{what}: after POST /{RELATIONS} linked document {document['url']} to besluit "
        f"{besluit['url']}, the Documenten API must list exactly one objectinformatieobject "
        f"with that object and objectType 'besluit', got {mirrored}")
    expect_status(besluiten.delete(relation["url"]), 204, f"DELETE of the {RELATIONS[:-2]}")
    left = [o for o in _list(documenten, "objectinformatieobjecten",
                             {"informatieobject": document["url"]}, what)
            if o.get("object") == besluit["url"]]
    assert not left, (
        f"{what}: after DELETE of the besluitinformatieobject the Documenten API must no "
        f"longer list the relation, got {left}")


def test_brc_006_besluit_on_zaak_mirrored(zaken: ApiClient, besluiten: ApiClient,
                                          factory: Factory,
                                          besluiten_types: BesluitenSet) -> None:
    """brc-006: a besluit with a zaak shows under /zaken/{uuid}/besluiten; zaak cannot change."""
    zaak, besluit = _besluit_on_zaak(factory, besluiten_types)
    what = "GET {zaak}/besluiten of a zaak that a besluit was just made for"
    linked = [b.get("besluit") for b in _list(zaken, f"{zaak['url']}/besluiten", {}, what)]
    assert besluit["url"] in linked, (
        f"{what}: the Zaken API must list besluit {besluit['url']} under its zaak "
        f"{zaak['url']}, got {linked}")
    other = factory.zaak(besluiten_types.zaaktype)
    rejected_field(besluiten.patch(besluit["url"], {"zaak": other["url"]}), "zaak",
                   "PATCH of a besluit to another zaak (zaak may not change)")


def test_brc_007_besluittype_in_zaaktype(besluiten: ApiClient, factory: Factory,
                                         besluiten_types: BesluitenSet) -> None:
    """brc-007: a besluit on a zaak needs a besluittype of that zaak's zaaktype."""
    types = besluiten_types
    _needs(factory, "zaken", "brc-007")
    zaak = factory.zaak(types.zaaktype)
    create(factory, besluiten, BESLUITEN,
           factory.besluit_body(types.besluittype, zaak=zaak["url"]),
           f"POST /{BESLUITEN} on a zaak whose zaaktype names the besluittype")
    foreign = factory.besluittype(types.catalogus, [types.informatieobjecttype])
    resp = post_adopted(besluiten, factory, BESLUITEN,
                        factory.besluit_body(foreign["url"], zaak=zaak["url"]))
    refusal(resp, 400, f"POST /{BESLUITEN} with besluittype {foreign['url']}, which the "
                             f"zaaktype {types.zaaktype} of the zaak does not name")


def test_brc_008_informatieobjecttype_in_besluittype(besluiten: ApiClient, factory: Factory,
                                                     besluiten_types: BesluitenSet) -> None:
    """brc-008: a besluit's document must have one of the besluittype's informatieobjecttypen."""
    types = besluiten_types
    _needs(factory, "documenten", "brc-008")
    besluit = factory.besluit(types.besluittype)
    foreign_type = factory.informatieobjecttype(types.catalogus)
    document = factory.document(foreign_type["url"])
    resp = post_adopted(besluiten, factory, RELATIONS,
                        {"besluit": besluit["url"], "informatieobject": document["url"]})
    refusal(resp, 400, f"POST /{RELATIONS} for a document of informatieobjecttype "
                             f"{foreign_type['url']}, which the besluittype does not name")


def test_brc_009_delete_is_hard(besluiten: ApiClient, factory: Factory,
                                besluiten_types: BesluitenSet) -> None:
    """brc-009: deleting a besluit removes it, its relations, its audit trail and the mirror."""
    _needs(factory, "documenten", "brc-009")
    zaak, besluit = _besluit_on_zaak(factory, besluiten_types)
    document = factory.document(besluiten_types.informatieobjecttype)
    relation = factory.besluitinformatieobject(besluit["url"], document["url"])
    expect_status(besluiten.delete(besluit["url"]), 204, "DELETE of a besluit")
    expect_status(besluiten.get(besluit["url"]), 404, "GET of the deleted besluit")
    expect_status(besluiten.get(relation["url"]), 404,
                  "GET of a besluitinformatieobject of the deleted besluit (a hard delete "
                  "removes it)")
    trail = besluiten.get(f"{besluit['url']}/audittrail")
    if trail.status_code == 200:
        entries = body_or_none(trail)
        assert not entries, (
            f"brc-009: the audit trail of a deleted besluit must be gone, but {where(trail)} "
            f"still lists {len(entries) if isinstance(entries, list) else '?'} entries")
    else:
        expect_status(trail, 404, "GET of the audit trail of the deleted besluit")
    zaken = factory.zaken
    if zaken is None:  # _besluit_on_zaak skipped already; this keeps the type checker honest
        raise RuntimeError("the target has no Zaken API")
    what = "GET {zaak}/besluiten after its besluit was deleted"
    linked = [b.get("besluit") for b in _list(zaken, f"{zaak['url']}/besluiten", {}, what)]
    assert besluit["url"] not in linked, (
        f"{what}: the Zaken API still lists the deleted besluit {besluit['url']}")
