"""Reading the Verwerkingenlogging APIs, shared by the vwl suites (vwl.py, vwl_*.py).

Tests find an action by what it holds (its person, a unique ``actieNaam``), never by its
``actieId`` alone: the standard leaves open whether a changed action keeps its ``actieId``
(facts §6.6), so a test that relied on it would judge a choice the standard allows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import httpx

from ..client import ApiClient
from ..engine.data_verwerkingen import ELEMENTS, person_query
from ._helpers import expect_status, json_object, list_urls, where

ACTIES = "verwerkingsacties"
OBJECTEN = "verwerkte-objecten"
#: an unknown or vervallen id: the text says 400, the OAS 404 (facts §6.5); 410 is declared
GONE = (400, 404, 410)
#: days far from today, so nothing the log writes itself (the logged inzage) falls in them
DAY_1, DAY_2, DAY_3 = date(2024, 3, 10), date(2024, 3, 20), date(2024, 3, 30)


def actions(client: ApiClient, person: dict[str, Any], what: str,
            **params: Any) -> list[dict[str, Any]]:
    """The Bewerking API's list for one person (every page, at most a few)."""
    items, _ = list_urls(client, ACTIES, {**person_query(person), **params}, what)
    return items


def objects(client: ApiClient, person: dict[str, Any], begin: date, end: date, what: str,
            **params: Any) -> list[dict[str, Any]]:
    """The Inzage API's list of one person's verwerkte objecten in [begin, end)."""
    query = {**person_query(person), "beginDatum": begin.isoformat(),
             "eindDatum": end.isoformat(), **params}
    items, _ = list_urls(client, OBJECTEN, query, what)
    return items


def named(items: list[dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    """The actions (or objects, by their embedded action) that carry one of these names."""
    return [i for i in items if (i.get("verwerkingsactie") or i).get("actieNaam") in names]


def put_body(rep: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A PUT of an action as read: every element it holds (vwl-029) and its objects."""
    body = {k: rep[k] for k in ELEMENTS if rep.get(k) not in (None, "")}
    body["verwerkteObjecten"] = [dict(o) for o in rep.get("verwerkteObjecten") or []]
    return {**body, **changes}


def read(client: ApiClient, url: str, what: str) -> dict[str, Any]:
    resp = client.get(url)
    expect_status(resp, 200, what)
    return json_object(resp, what)


def changed(resp: httpx.Response, what: str) -> None:
    """A change the harness needs to set up a rule's situation; not accepted means the
    rule cannot be decided (its own rule judges the refusal)."""
    if not 200 <= resp.status_code < 300:
        raise RuntimeError(f"{what}: {where(resp)} answered HTTP {resp.status_code}, so this "
                           f"rule cannot be decided: {resp.text[:300]}")


def instant(value: Any) -> datetime | None:
    """A date-time with an offset, parsed; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.utcoffset() is not None else None
