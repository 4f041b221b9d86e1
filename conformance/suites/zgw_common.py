"""Generic rules that hold for every ZGW API (run here against the Zaken API).

Sources: "Eisen en uitgangspunten die voor alle API's gelden" on
https://vng-realisatie.github.io/gemma-zaken/standaard/ (pagination, OAS discovery),
the filter-parameter rules on the Autorisaties page, the HTTP-caching section of the
Zaken page, and the OAS itself (problem+json, API-version, CRS headers, RSIN).
One test per rule; each makes its own data through ``factory``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from ..client import ApiClient
from ..zgw import Factory, ZaaktypeSet
from ._helpers import adopt, expect_status, list_urls
from .generic_checks import (
    check_api_version_header,
    check_errors_are_problem_json,
    check_etag_head_conditional,
    check_filter_applied,
    check_jwt_zgw_auth,
    check_openapi_discovery,
    check_pagination,
    check_rsin_elfproef,
    check_unknown_query_parameter_rejected,
    urls_of,
)

# --- pagination --------------------------------------------------------------------------


@pytest.mark.alone  # walks the whole list: 'count' against the pages
def test_pagination(zaken: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet) -> None:
    """List endpoints are paginated as {count, next, previous, results}, first page 1."""
    check_pagination(zaken, "zaken", lambda: factory.zaak(zaaktype_set.zaaktype), "zaken")


def test_unknown_query_parameter_rejected(zaken: ApiClient) -> None:
    """A query parameter that is not in the OAS is refused with HTTP 400."""
    check_unknown_query_parameter_rejected(zaken, "zaken")


def test_documented_filters_applied(zaken: ApiClient, factory: Factory,
                                    zaaktype_set: ZaaktypeSet) -> None:
    """The documented list filters of GET /zaken are applied, not ignored."""
    r1, r2 = factory.two_rsins()
    # A zaaktype valid since 2020, so a zaak of it may start in 2020.
    old = factory.zaaktype_set(beginGeldigheid="2020-01-01", versiedatum="2020-01-01")
    recent = factory.zaak(zaaktype_set.zaaktype, bronorganisatie=r1)
    early = factory.zaak(old.zaaktype, bronorganisatie=r2, startdatum="2020-06-01")

    def check(params: dict[str, Any], present: dict[str, Any], absent: dict[str, Any],
              rule: str) -> list[dict[str, Any]]:
        return check_filter_applied(zaken, "zaken", params, present, absent, "zaak", rule)

    items = check({"bronorganisatie": r1}, recent, early, f"only bronorganisatie {r1}")
    others = sorted({str(i.get("bronorganisatie")) for i in items} - {r1})
    assert not others, (
        f"filter bronorganisatie={r1}: results with other bronorganisatie values came back: "
        f"{', '.join(others[:5])}"
    )
    unrelated = factory.rsin()
    check({"bronorganisatie__in": f"{r2},{unrelated}"}, early, recent,
          f"only bronorganisatie {r2} or {unrelated}")
    items, _ = list_urls(zaken, "zaken", {"bronorganisatie__in": f"{r1},{r2}"},
                         f"filter bronorganisatie__in={r1},{r2}")
    assert {recent["url"], early["url"]} <= set(urls_of(items)), (
        f"filter bronorganisatie__in={r1},{r2} (comma-separated): both zaken must be listed, "
        f"got {len(items)} results without "
        f"{[u for u in (recent['url'], early['url']) if u not in urls_of(items)]}"
    )
    check({"zaaktype": old.zaaktype}, early, recent, f"only zaaktype {old.zaaktype}")
    check({"bronorganisatie__in": f"{r1},{r2}", "startdatum__gt": "2021-01-01"}, recent,
          early, "only startdatum after 2021-01-01")


# --- errors and headers -------------------------------------------------------------------


def test_errors_are_problem_json(zaken: ApiClient, factory: Factory) -> None:
    """Errors are application/problem+json with code, title, status, detail and instance.

    ``type`` is optional in the standard's ``Fout`` schema (RFC 7807: default
    ``about:blank``), so it is checked only for its form when present.
    """
    check_errors_are_problem_json(zaken, factory, "zaken", "zaak")


def test_api_version_header(zaken: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet,
                            api_version: dict[str, str]) -> None:
    """Responses carry the header API-version with the implemented version of the standard."""
    check_api_version_header(zaken, factory, "zaken", api_version["zaken"],
                             factory.zaak_body(zaaktype_set.zaaktype))


def test_crs_headers(zaken: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet) -> None:
    """Accept-Crs/Content-Crs are required (412 without) and only EPSG:4326 is served (406)."""
    resp = zaken.get("zaken", headers={"Accept-Crs": None})
    expect_status(resp, 412, "GET /zaken without the required Accept-Crs header")

    resp = zaken.post("zaken", factory.zaak_body(zaaktype_set.zaaktype),
                      headers={"Content-Crs": None})
    adopt(factory, zaken, resp)
    expect_status(resp, 412, "POST /zaken without the required Content-Crs header")

    resp = zaken.get("zaken", headers={"Accept-Crs": "EPSG:28992"})
    expect_status(resp, 406, "GET /zaken asking for an unsupported CRS (Accept-Crs: EPSG:28992)")

    resp = zaken.get("zaken", headers={"Accept-Crs": "EPSG:4326"})
    expect_status(resp, 200, "GET /zaken with Accept-Crs: EPSG:4326")
    got = resp.headers.get("Content-Crs")
    assert got == "EPSG:4326", (
        f"GET /zaken with Accept-Crs: EPSG:4326 must answer with header Content-Crs: "
        f"EPSG:4326, got {got!r}"
    )


def test_etag_head_conditional(zaken: ApiClient, factory: Factory,
                               zaaktype_set: ZaaktypeSet) -> None:
    """Detail resources have an ETag; HEAD and If-None-Match (304) work as HTTP caching says."""
    zaak = factory.zaak(zaaktype_set.zaaktype)
    planned = (date.today() + timedelta(days=30)).isoformat()
    check_etag_head_conditional(zaken, zaak["url"], "zaak",
                                lambda: zaken.patch(zaak["url"], {"einddatumGepland": planned}))


def test_jwt_zgw_auth(zaken: ApiClient, suite_context: Any, factory: Factory) -> None:
    """Only a JWT-ZGW token (HS256) of a known client, signed with its secret, is accepted."""
    check_jwt_zgw_auth(zaken, factory, "zaken", suite_context)


def test_rsin_elfproef(zaken: ApiClient, factory: Factory, zaaktype_set: ZaaktypeSet) -> None:
    """bronorganisatie and verantwoordelijkeOrganisatie must be RSINs passing the 11-test."""
    for field in ("bronorganisatie", "verantwoordelijkeOrganisatie"):
        check_rsin_elfproef(zaken, factory, "zaken", field, lambda value, field=field:
                            factory.zaak_body(zaaktype_set.zaaktype, **{field: value}))


def test_openapi_discovery(zaken: ApiClient, api_version: dict[str, str]) -> None:
    """The API serves its OAS at {API root}/openapi.json, without authentication."""
    check_openapi_discovery(zaken, api_version["zaken"], "Zaken API")
