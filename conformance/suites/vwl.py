"""The rules that hold for both Verwerkingenlogging APIs (vwl-040 ... vwl-043).

Source: the two OAS files (security ``JWT-Claims``, ``Fout``/``ValidatieFout``, the
``API-version`` header on every response, the list envelope) and ``docs/api-write/index.md``,
``docs/api-read/index.md`` (JWT bearer; a scope mismatch is 403). The facts file numbers them
vwl-040..043. Each test checks both APIs; what a client may do per scope is the business of
the rules that name the scope (vwl-020, 024, 029 ... 037), not of vwl-040.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from ..client import ApiClient
from ..engine.data_verwerkingen import BEWERKING, INZAGE, VerwerkingenLog, person_query
from ._helpers import MAX_PAGES, link_on_target, page_shape, problem, validation_problem, where
from ._vwl import ACTIES, DAY_2, OBJECTEN
from .generic_checks import check_jwt_zgw_auth


def _inzage_query(person: dict[str, Any]) -> dict[str, str]:
    return {**person_query(person), "beginDatum": DAY_2.isoformat(),
            "eindDatum": (DAY_2 + timedelta(1)).isoformat()}


def test_vwl_040_bearer_jwt_required(vwl_bewerking: ApiClient, vwl_inzage: ApiClient,
                                     vwl_log: VerwerkingenLog, suite_context: Any) -> None:
    """vwl-040: every operation needs a bearer JWT of a known client, signed with its secret
    (the JWT-ZGW form the standard recommends through the ZGW Autorisaties API)."""
    person = vwl_log.person()
    check_jwt_zgw_auth(vwl_bewerking, vwl_log, ACTIES, suite_context, person_query(person))
    check_jwt_zgw_auth(vwl_inzage, vwl_log, OBJECTEN, suite_context, _inzage_query(person))


def test_vwl_041_errors_are_problem_json(vwl_bewerking: ApiClient, vwl_inzage: ApiClient,
                                         vwl_log: VerwerkingenLog) -> None:
    """vwl-041: errors are application/problem+json with the ``Fout`` members (code, title,
    status, detail, instance); a 400 is a ``ValidatieFout`` with ``invalidParams``."""
    resp = vwl_bewerking.post(ACTIES, {})
    vwl_log.adopt(resp)
    validation_problem(resp, f"POST /{ACTIES} with an empty body")
    validation_problem(vwl_bewerking.get(ACTIES),
                       f"GET /{ACTIES} without the required objecttype, soortObjectId, objectId")
    validation_problem(vwl_inzage.get(OBJECTEN, params=person_query(vwl_log.person())),
                       f"GET /{OBJECTEN} without the required beginDatum and eindDatum")
    for client, path in ((vwl_bewerking, ACTIES), (vwl_inzage, OBJECTEN)):
        missing = client.get(f"{path}/{vwl_log.uuid()}")
        if missing.status_code != 404:  # whether it must be 404 is the contract's business
            assert 400 <= missing.status_code < 500, (
                f"GET of an id that does not exist: expected a 4xx error from "
                f"{where(missing)}, got HTTP {missing.status_code}")
        problem(missing, f"GET /{path}/<an id that does not exist>")
        anonymous = client.get(path, auth=False)
        if anonymous.status_code in (401, 403):  # whether it must refuse is vwl-040
            problem(anonymous, f"GET /{path} without a token")


def test_vwl_042_api_version_header(vwl_bewerking: ApiClient, vwl_inzage: ApiClient,
                                    vwl_log: VerwerkingenLog, api_version: dict[str, str]
                                    ) -> None:
    """vwl-042: every response, errors too, carries API-version with the implemented version
    (both OAS files declare the header on every response)."""
    person = vwl_log.person()
    made = vwl_bewerking.post(ACTIES, vwl_log.body(person))
    vwl_log.adopt(made)
    checked: list[tuple[str, httpx.Response]] = [
        (BEWERKING, made),
        (BEWERKING, vwl_bewerking.get(ACTIES, params=person_query(person))),
        (BEWERKING, vwl_bewerking.get(ACTIES)),
        (BEWERKING, vwl_bewerking.get(f"{ACTIES}/{uuid.uuid4()}")),
        (BEWERKING, vwl_bewerking.get(ACTIES, auth=False)),
        (INZAGE, vwl_inzage.get(OBJECTEN, params=_inzage_query(person))),
        (INZAGE, vwl_inzage.get(OBJECTEN)),
        (INZAGE, vwl_inzage.get(f"{OBJECTEN}/{uuid.uuid4()}")),
        (INZAGE, vwl_inzage.get(OBJECTEN, auth=False)),
    ]
    for api, resp in checked:
        got = resp.headers.get("API-version")
        assert got == api_version[api], (
            f"API-version header on HTTP {resp.status_code} from {where(resp)}: expected "
            f"{api_version[api]!r}, got {got!r}")


@pytest.mark.alone  # walks the whole list: 'count' against the pages
def test_vwl_043_list_envelope(vwl_bewerking: ApiClient, vwl_inzage: ApiClient,
                               vwl_log: VerwerkingenLog) -> None:
    """vwl-043: both lists answer {count, next, previous, results}; walking ``next`` gives
    ``count`` items, and links stay on the API."""
    person = vwl_log.person()
    for _ in range(2):
        vwl_log.create(vwl_log.body(person, tijdstip=f"{DAY_2.isoformat()}T12:00:00+01:00"))
    for client, path, query in ((vwl_bewerking, ACTIES, person_query(person)),
                                (vwl_inzage, OBJECTEN, _inzage_query(person))):
        what = f"the list GET /{path} of a person with two actions"
        body = page_shape(client.get(path, params=query), what)
        assert body["count"] >= 2 and body["previous"] is None, (
            f"{what}: expected count >= 2 and previous null on the first page, got count "
            f"{body['count']!r}, previous {body['previous']!r}")
        count, seen, pages = body["count"], len(body["results"]), 1
        while body["next"] and pages < MAX_PAGES:
            link_on_target(body["next"], client, "next", what)
            body = page_shape(client.get(body["next"]), what)
            seen, pages = seen + len(body["results"]), pages + 1
        if body["next"] is None:
            assert seen == count, (
                f"{what}: 'count' is {count} but the {pages} page(s) hold {seen} items")
