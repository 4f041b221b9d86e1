"""Autorisaties API 1.0.0: the rules ac-001..003, the consumer lookup and an applicatie's life.

Source: https://vng-realisatie.github.io/gemma-zaken/standaard/autorisaties/ (the behaviour
rules) and the Autorisaties API 1.0.0 OAS. Every test makes its own applicaties with fresh
client ids (through the ``autorisaties`` fixture, which removes them afterwards); zrc
autorisaties name the zaaktype the run prepared (``zaaktype_set``).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from ..engine.data_autorisaties import Autorisaties, drc, zrc
from ..zgw import Factory, ZaaktypeSet
from ._helpers import (
    body_or_none,
    expect_status,
    fetch,
    json_object,
    list_urls,
    rejected_field,
    summary,
    where,
)
from .generic_checks import (
    check_api_version_header,
    check_errors_are_problem_json,
    check_jwt_zgw_auth,
    check_openapi_discovery,
    check_pagination,
    check_unknown_query_parameter_rejected,
)

APPLICATIES = "applicaties"
#: where a supplier may name an ac-002 violation
AC_002_FIELDS = ("nonFieldErrors", "autorisaties", "heeftAlleAutorisaties")


def _client_id() -> str:
    return f"conformance-{uuid.uuid4().hex[:12]}"


def _made(helper: Autorisaties, client_ids: list[str], what: str, **kw: Any
          ) -> dict[str, Any]:
    resp = helper.applicatie(client_ids, **kw)
    expect_status(resp, 201, what)
    return json_object(resp, what)


def test_ac_001_client_id_unique(autorisaties: Autorisaties, zaaktype_set: ZaaktypeSet):
    """ac-001: a client id already in an applicatie is refused (400) on create and update."""
    shared, other = _client_id(), _client_id()
    read = [zrc(zaaktype_set.zaaktype, ["zaken.lezen"])]
    _made(autorisaties, [shared], "ac-001: a first applicatie with a new client id",
          autorisaties=read)
    again = autorisaties.applicatie([shared], autorisaties=read)
    rejected_field(again, "clientIds", "ac-001: a second applicatie with the same client id")
    second = _made(autorisaties, [other], "ac-001: a second applicatie with its own client id",
                   autorisaties=read)
    moved = autorisaties.ac.patch(second["url"], {"clientIds": [other, shared]})
    rejected_field(moved, "clientIds",
                   "ac-001: changing an applicatie to take another applicatie's client id")
    owners, _ = list_urls(autorisaties.ac, "applicaties", {"clientIds": shared},
                          "ac-001: the applicaties listing the shared client id")
    assert len([a for a in owners if shared in (a.get("clientIds") or [])]) == 1, (
        f"ac-001: client id {shared} must belong to exactly one applicatie, found "
        f"{[a.get('url') for a in owners]}")


def test_ac_002_autorisaties_xor_alle(autorisaties: Autorisaties, zaaktype_set: ZaaktypeSet):
    """ac-002: heeftAlleAutorisaties and autorisaties exclude each other; one is required."""
    read = [zrc(zaaktype_set.zaaktype, ["zaken.lezen"])]
    both = autorisaties.applicatie([_client_id()], autorisaties=read, alles=True)
    _refused(both, "ac-002: an applicatie with autorisaties and heeftAlleAutorisaties",
             *AC_002_FIELDS)
    neither = autorisaties.applicatie([_client_id()], autorisaties=[], alles=False)
    _refused(neither, "ac-002: an applicatie with no autorisaties and heeftAlleAutorisaties "
                      "false", *AC_002_FIELDS)
    alles = _made(autorisaties, [_client_id()], "ac-002: an applicatie with only "
                                                "heeftAlleAutorisaties", alles=True)
    assert alles.get("heeftAlleAutorisaties") is True, (
        f"ac-002: the new applicatie must keep heeftAlleAutorisaties true, got "
        f"{alles.get('heeftAlleAutorisaties')!r}")
    _made(autorisaties, [_client_id()], "ac-002: an applicatie with only autorisaties",
          autorisaties=read)
    add = autorisaties.ac.patch(alles["url"], {"autorisaties": read})
    _refused(add, "ac-002: adding autorisaties to an applicatie that has all of them",
             *AC_002_FIELDS)


def test_ac_003_required_fields_per_component(autorisaties: Autorisaties,
                                              zaaktype_set: ZaaktypeSet):
    """ac-003: zrc needs zaaktype + maxVertrouwelijkheidaanduiding, drc informatieobjecttype +
    maxVertrouwelijkheidaanduiding, brc besluittype; ztc needs neither."""
    full_zrc = zrc(zaaktype_set.zaaktype, ["zaken.lezen"])
    full_drc = drc(zaaktype_set.informatieobjecttype, ["documenten.lezen"])
    for component, full, field in (
            ("zrc", full_zrc, "zaaktype"), ("zrc", full_zrc, "maxVertrouwelijkheidaanduiding"),
            ("drc", full_drc, "informatieobjecttype"),
            ("drc", full_drc, "maxVertrouwelijkheidaanduiding"),
            ("brc", {"component": "brc", "scopes": ["besluiten.lezen"]}, "besluittype")):
        partial = {k: v for k, v in full.items() if k != field}
        resp = autorisaties.applicatie([_client_id()], autorisaties=[partial])
        _refused(resp, f"ac-003: a {component} autorisatie without {field}", field,
                 "autorisaties")
    made = _made(autorisaties, [_client_id()], "ac-003: complete zrc, drc and ztc autorisaties",
                 autorisaties=[full_zrc, full_drc,
                               {"component": "ztc", "scopes": ["catalogi.lezen"]}])
    got = {a.get("component"): a for a in made.get("autorisaties") or []
           if isinstance(a, dict)}
    assert set(got) == {"zrc", "drc", "ztc"}, (
        f"ac-003: the applicatie must return its three autorisaties, got {sorted(got)}")
    assert got["zrc"].get("maxVertrouwelijkheidaanduiding") == "zeer_geheim", (
        f"ac-003: the zrc autorisatie must keep maxVertrouwelijkheidaanduiding, got "
        f"{got['zrc']}")


def _refused(resp: Any, what: str, *names: str) -> None:
    """HTTP 400 naming one of ``names`` (or an item below it) in invalidParams.

    Open Zaak names ``autorisaties.0.zaaktype``; naming the bare field or ``nonFieldErrors``
    for a rule on the whole applicatie is as clear.
    """
    rejected_field(resp, names, what)


def test_applicatie_consumer_lookup(autorisaties: Autorisaties, zaaktype_set: ZaaktypeSet):
    """GET /applicaties/consumer?clientId= answers the applicatie holding that client id."""
    client_id = _client_id()
    made = _made(autorisaties, [client_id], "a new applicatie for the consumer lookup",
                 autorisaties=[zrc(zaaktype_set.zaaktype, ["zaken.lezen"])])
    resp = autorisaties.ac.get("applicaties/consumer", params={"clientId": client_id})
    expect_status(resp, 200, "the consumer lookup of a known client id")
    body = body_or_none(resp)
    # the 1.0.0 OAS types the answer as an array of applicaties; Open Zaak answers the object
    found = body if isinstance(body, list) else [body]
    urls = [a.get("url") for a in found if isinstance(a, dict)]
    assert urls == [made["url"]], (
        f"the consumer lookup {where(resp)} must answer exactly the applicatie {made['url']}, "
        f"got {summary(resp)}")
    unknown = autorisaties.ac.get("applicaties/consumer", params={"clientId": _client_id()})
    expect_status(unknown, 404, "the consumer lookup of a client id no applicatie has")


def test_applicatie_lifecycle_and_filter(autorisaties: Autorisaties, zaaktype_set: ZaaktypeSet):
    """An applicatie can be read, filtered on clientIds, replaced, changed and deleted."""
    client_id = _client_id()
    read = [zrc(zaaktype_set.zaaktype, ["zaken.lezen"])]
    made = _made(autorisaties, [client_id], "a new applicatie", autorisaties=read)
    got = fetch(autorisaties.ac, made["url"], "the new applicatie")
    assert got.get("clientIds") == [client_id] and got.get("autorisaties"), (
        f"the applicatie must return its clientIds and autorisaties, got {got}")
    listed, _ = list_urls(autorisaties.ac, "applicaties", {"clientIds": client_id},
                          "the applicaties filtered on the new client id")
    assert [a.get("url") for a in listed] == [made["url"]], (
        f"filtering on clientIds={client_id} must give only the new applicatie, got "
        f"{[a.get('url') for a in listed]}")
    replaced = autorisaties.ac.put(made["url"], {
        "clientIds": [client_id], "label": "Conformance harness (replaced)",
        "heeftAlleAutorisaties": False,
        "autorisaties": [zrc(zaaktype_set.zaaktype, ["zaken.lezen", "zaken.bijwerken"])]})
    expect_status(replaced, 200, "replacing the applicatie (PUT)")
    assert json_object(replaced, "PUT").get("label") == "Conformance harness (replaced)", (
        f"PUT must store the new label, got {summary(replaced)}")
    patched = autorisaties.ac.patch(made["url"], {"label": "Conformance harness (patched)"})
    expect_status(patched, 200, "changing the label (PATCH)")
    deleted = autorisaties.ac.delete(made["url"])
    expect_status(deleted, 204, "deleting the applicatie")
    gone = autorisaties.ac.get(made["url"])
    expect_status(gone, 404, "reading the deleted applicatie")


# --- Generic ZGW rules on the Autorisaties API (shared checks, one line each) ---------------


def _body(zaaktype_set: ZaaktypeSet) -> dict[str, Any]:
    return {"clientIds": [_client_id()], "label": "Conformance harness (test)",
            "heeftAlleAutorisaties": False,
            "autorisaties": [zrc(zaaktype_set.zaaktype, ["zaken.lezen"])]}


@pytest.mark.alone  # walks the whole list: 'count' against the pages
def test_pagination(autorisaties: Autorisaties, zaaktype_set: ZaaktypeSet) -> None:
    """GET /applicaties is paginated as {count, next, previous, results}."""
    check_pagination(autorisaties.ac, APPLICATIES, lambda: _made(
        autorisaties, [_client_id()], "an applicatie for the pagination check",
        autorisaties=[zrc(zaaktype_set.zaaktype, ["zaken.lezen"])]), "applicaties")


def test_unknown_query_parameter_rejected(autorisaties: Autorisaties) -> None:
    """A query parameter that is not in the OAS is refused with HTTP 400."""
    check_unknown_query_parameter_rejected(autorisaties.ac, APPLICATIES)


def test_errors_are_problem_json(autorisaties: Autorisaties, factory: Factory) -> None:
    """Errors of the Autorisaties API are application/problem+json."""
    check_errors_are_problem_json(autorisaties.ac, factory, APPLICATIES, "applicatie")


def test_api_version_header(autorisaties: Autorisaties, factory: Factory,
                            zaaktype_set: ZaaktypeSet, api_version: dict[str, str]) -> None:
    """Responses of the Autorisaties API carry API-version with its implemented version."""
    check_api_version_header(autorisaties.ac, factory, APPLICATIES, api_version["autorisaties"],
                             _body(zaaktype_set))


def test_jwt_zgw_auth(autorisaties: Autorisaties, suite_context: Any, factory: Factory) -> None:
    """Only a JWT-ZGW token (HS256) of a known client, signed with its secret, is accepted."""
    check_jwt_zgw_auth(autorisaties.ac, factory, APPLICATIES, suite_context)


def test_openapi_discovery(autorisaties: Autorisaties, api_version: dict[str, str]) -> None:
    """The API serves its OAS at {API root}/openapi.json, without authentication."""
    check_openapi_discovery(autorisaties.ac, api_version["autorisaties"], "Autorisaties API")
