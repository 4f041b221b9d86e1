"""Test data on a Verwerkingenlogging API: verwerkingsacties, and the contract pass's adapter.

The harness writes what it needs through the target's own Bewerking API (a log has nothing
else to write with) and marks it vervallen afterwards with DELETE, the API's only way to
remove an action (logical, never physical: a real log keeps it). Persons are test BSNs.

Schema-valid is not domain-valid here either. For the POSITIVE parts of a generated case only
(negative parts stay as generated):

- lists ask for the prepared person, in a period around the prepared action, so answers hold
  items whose structure the schema checks can judge;
- ``GET``/``PUT``/``DELETE /verwerkingsacties/{actieId}`` and ``GET
  /verwerkte-objecten/{id}`` name an action or object that exists, unless the id came from
  the supplier itself (the stateful phase's links); a DELETE gets a fresh action of its own;
- ``PATCH ?verwerkingId=`` names a verwerking with an action of its own, made for it;
- a new action is never ``opgeheven`` (always 403, vwl-021), and a PUT carries every element
  the action holds and its own verwerkte objecten (vwl-029), as the standard requires.
"""

from __future__ import annotations

import contextlib
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from schemathesis.core.parameters import ParameterLocation

from ..client import ApiClient
from ..parts import client_part, lacks
from ..profiles import Profile
from ..zgw import Factory, FixtureError, rsin_is_valid
from .adapters import DataAdapter, negative, path_url

BEWERKING, INZAGE = "vwl-bewerking", "vwl-inzage"
#: the further client (auth.clients) the supplier gave only the normal scopes
NORMAL_CLIENT = "vwl-normaal"
NORMAL_SCOPES = ("read:normal", "create:normal", "update:normal", "delete:normal")
NO_NORMAL_CLIENT = lacks(
    client_part(NORMAL_CLIENT), "without a client with only the scopes read:normal, "
    "create:normal, update:normal and delete:normal, what such a client may not do cannot "
    f"be tried (add one under auth.clients with name: {NORMAL_CLIENT})")
#: the elements of a verwerkingsactie a client writes (OAS-W ``Verwerkingsactie``)
ELEMENTS = ("actieNaam", "handelingNaam", "verwerkingNaam", "verwerkingId",
            "verwerkingsactiviteitId", "verwerkingsactiviteitUrl", "vertrouwelijkheid",
            "bewaartermijn", "uitvoerder", "systeem", "gebruiker", "gegevensbron",
            "soortAfnemerId", "afnemerId", "verwerkingsactiviteitIdAfnemer",
            "verwerkingsactiviteitUrlAfnemer", "verwerkingIdAfnemer", "tijdstip")
PERSON_KEYS = ("objecttype", "soortObjectId", "objectId")
#: what a consumer of the Inzage API sends with each call (facts §4, B9177): the harness's own
#: (fictional) OIN and verwerkingsactiviteit, so a log that insists on them can log the inzage
CONSUMER_HEADERS = {
    "OIN": "00000009999999999999",
    "VerwerkingsactiviteitId": "0c9b6bd4-6b0e-4d3a-9d55-3f2f3b1a7c10",
    "VerwerkingsactiviteitUrl": "https://gemma-conformance.example/verwerkingsactiviteiten/"
                                "0c9b6bd4-6b0e-4d3a-9d55-3f2f3b1a7c10",
}
#: the operations that answer with a whole action (lists show only the asked person's objects)
WHOLE_ACTIONS = ("verwerkingsactie_create", "verwerkingsactie_read", "verwerkingsactie_update")
INZAGE_OPERATIONS = ("verwerkte-objecten_list", "verwerktobject_read")


def fictional_bsn(rng: random.Random) -> str:
    """A BSN that passes the 11-test in the 99999xxxx range of the BRP test persons, so no
    real citizen's number ends up in a supplier's log."""
    while True:
        candidate = f"99999{rng.randrange(10_000):04d}"
        if rsin_is_valid(candidate):
            return candidate


def moment(day: date, time: str = "12:00:00", offset: str = "+01:00") -> str:
    """A tijdstip with an explicit offset, as the standard requires."""
    return f"{day.isoformat()}T{time}{offset}"


def person_query(person: dict[str, str]) -> dict[str, str]:
    return {key: person[key] for key in PERSON_KEYS}


@dataclass
class VerwerkingenLog:
    """Writes verwerkingsacties through the Bewerking API and remembers them for clean-up."""

    bewerking: ApiClient
    rng: random.Random
    #: (client, URL) of what was made; shared with the run's Factory during preparation
    created: list[tuple[ApiClient, str]] = field(default_factory=list)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def tag(self) -> str:
        return self.uuid()[:8]

    def person(self) -> dict[str, str]:
        return {"objecttype": "persoon", "soortObjectId": "BSN",
                "objectId": fictional_bsn(self.rng)}

    def body(self, *persons: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """A minimal valid action: the required elements and a name."""
        return {"actieNaam": f"Conformance {self.tag()}", "vertrouwelijkheid": "normaal",
                "tijdstip": moment(date.today() - timedelta(days=1)),
                "verwerkteObjecten": [dict(p) for p in persons], **fields}

    def full_body(self, *persons: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """An action with every element filled in."""
        tag = self.tag()
        return self.body(*persons, **{
            "actieNaam": f"Raadplegen {tag}", "handelingNaam": "Intake",
            "verwerkingNaam": "Conformancetest", "verwerkingId": self.uuid(),
            "verwerkingsactiviteitId": self.uuid(),
            "verwerkingsactiviteitUrl": f"https://example.org/var/verwerkingsactiviteiten/{tag}",
            "bewaartermijn": "P10Y", "uitvoerder": "00000001234567890000",
            "systeem": f"Conformance systeem {tag}", "gebruiker": f"gebruiker-{tag}",
            "gegevensbron": f"Conformance bron {tag}", "soortAfnemerId": "OIN",
            "afnemerId": "00000009876543210000", "verwerkingsactiviteitIdAfnemer": self.uuid(),
            "verwerkingsactiviteitUrlAfnemer": f"https://example.org/afnemer/{tag}",
            "verwerkingIdAfnemer": self.uuid(), **fields})

    def adopt(self, resp: httpx.Response, client: ApiClient | None = None) -> dict[str, Any] | None:
        """Remember an action the supplier answered with (made or changed), for clean-up."""
        if resp.status_code not in (200, 201):
            return None
        with contextlib.suppress(ValueError):
            body = resp.json()
            if isinstance(body, dict) and isinstance(body.get("url"), str):
                entry = (client or self.bewerking, body["url"])
                if entry not in self.created:
                    self.created.append(entry)
                return body
        return None

    def create(self, body: dict[str, Any], client: ApiClient | None = None) -> dict[str, Any]:
        """POST an action the supplier must accept (any 2xx with the action: whether the
        status is the documented one is the contract checks' business)."""
        resp = (client or self.bewerking).post("verwerkingsacties", body)
        made = self.adopt(resp, client)
        if made is None:
            raise FixtureError(f"logging a verwerkingsactie on {self.bewerking.base_url} "
                               f"answered {resp.status_code}: {resp.text[:500]}")
        return made

    def cleanup(self) -> list[dict[str, Any]]:
        """DELETE what was made, newest first (logical: the action becomes vervallen)."""
        report = []
        for client, url in reversed(self.created):
            try:
                status = client.delete(url).status_code
            except Exception as exc:  # noqa: BLE001 - clean-up reports, it does not fail
                report.append({"url": url, "removed": False, "error": type(exc).__name__})
                continue
            report.append({"url": url, "removed": status in (200, 204, 400, 404),
                           "status": status})
        self.created.clear()
        return report


@dataclass(kw_only=True)
class VerwerkingenAdapter(DataAdapter):
    """Rewrites the positive parts of generated cases of both APIs; one per contract pass.
    (Its own path rule: actions are found by actieId, not by the base class's URL match.)"""

    log: VerwerkingenLog
    person: dict[str, str]
    day: date  # the prepared actions' day
    activiteit: str
    shared: dict[str, Any]  # the prepared action GET and PUT point at
    seen: set[str] = field(default_factory=set)  # ids the supplier itself answered with

    def adapt(self, case: Any) -> None:
        operation = case.operation.definition.raw.get("operationId", "")
        if operation in INZAGE_OPERATIONS:  # not in the OAS: every call carries them
            case.headers = {**CONSUMER_HEADERS, **(case.headers or {})}
        with self._lock:
            if self.positive_query(case):
                self._query(operation, case.query)
            if case.path_parameters and not negative(
                    case.meta, ParameterLocation.PATH) and self._path(operation,
                                                                      case.path_parameters):
                self.pointed.add(case.id)
            if isinstance(case.body, dict) and not negative(case.meta, ParameterLocation.BODY):
                self._body(operation, case)

    def _query(self, operation: str, query: dict[str, Any]) -> None:
        if operation in ("verwerkingsactie_list", "verwerkte-objecten_list"):
            query.update(person_query(self.person))
            if "beginDatum" in query:
                query["beginDatum"] = (self.day - timedelta(self.rng.randrange(30))).isoformat()
            if "eindDatum" in query:
                query["eindDatum"] = (self.day + timedelta(1 + self.rng.randrange(30))).isoformat()
            if "verwerkingsactiviteitId" in query:
                query["verwerkingsactiviteitId"] = self.activiteit
        elif operation == "verwerkingsactie_list_patch":
            query["verwerkingId"] = self._fresh_verwerking()

    def _path(self, operation: str, params: dict[str, Any]) -> bool:
        """Name an action or object that exists; True when the id was set here."""
        name = "verwerktObjectId" if operation == "verwerktobject_read" else "actieId"
        if str(params.get(name, "")).lower() in self.seen:
            return False  # the supplier's own id (a link of the stateful phase): as it is
        if operation in ("verwerkingsactie_read", "verwerkingsactie_update"):
            params[name] = self.shared["actieId"]
            return True
        if operation == "verwerkingsactie_delete":
            with contextlib.suppress(FixtureError, httpx.HTTPError):  # else: as generated
                params[name] = self.log.create(self.log.body(self.person))["actieId"]
                return True
            return False
        if operation == "verwerktobject_read":  # as the action holds them now (a PUT of
            current = self._known(self.shared["url"]) or self.shared  # another case may
            objects = current.get("verwerkteObjecten") or [{}]        # have replaced them)
            if objects[0].get("verwerktObjectId"):
                params[name] = objects[0]["verwerktObjectId"]
                return True
        return False

    def _body(self, operation: str, case: Any) -> None:
        body: dict[str, Any] = case.body
        if operation == "verwerkingsactie_create" and body.get("vertrouwelijkheid") == "opgeheven":
            body["vertrouwelijkheid"] = "normaal"  # never allowed on a new action (vwl-021)
        elif operation == "verwerkingsactie_update":
            known = self._known(path_url(case))
            if known is None:
                return  # the action is gone: a 404 is as valid an answer as any
            for name in ELEMENTS:  # vwl-029: every element the action holds
                if name not in body and known.get(name) not in (None, ""):
                    body[name] = known[name]
            if body.get("vertrouwelijkheid") == "opgeheven" != known.get("vertrouwelijkheid"):
                body["vertrouwelijkheid"] = known.get("vertrouwelijkheid") or "normaal"
            if path_url(case) == self.shared["url"]:
                # the Inzage API's reads point at this action: once it was confidential it
                # would stay hidden from them (vwl-037), so it stays normaal
                body["vertrouwelijkheid"] = "normaal"
            body["verwerkteObjecten"] = [dict(o) for o in known.get("verwerkteObjecten") or []]

    def _fresh_verwerking(self) -> str:
        """A verwerking with one action of its own: other cases may change or delete the
        actions of any verwerking the pass has seen."""
        verwerking = self.log.uuid()
        with contextlib.suppress(FixtureError, httpx.HTTPError):  # else: one without actions
            self.log.create(self.log.body(self.person, verwerkingId=verwerking))
        return verwerking

    def _known(self, url: str) -> dict[str, Any] | None:
        """The whole action as the supplier holds it now (another case may have changed it,
        or only a list showed part of it); None when it is gone."""
        with contextlib.suppress(httpx.HTTPError, ValueError):
            resp = self.log.bewerking.get(url)
            if resp.status_code == 200:
                self.remember(resp.json())
                return self.owners.get(url)
            if resp.status_code in (400, 404, 410):
                return None
        return self.owners.get(url)

    def remember(self, rep: Any) -> None:
        """A whole action as the Bewerking API answered it (what a later PUT starts from)."""
        if isinstance(rep, dict) and isinstance(rep.get("url"), str) and "actieId" in rep:
            self.owners[rep["url"]] = rep
        self.note(rep)

    def note(self, rep: Any) -> None:
        """The ids of actions and objects in an answer (lists show only part of an action)."""
        if not isinstance(rep, dict):
            return
        for key in ("actieId", "verwerktObjectId"):
            if isinstance(rep.get(key), str):
                self.seen.add(rep[key].lower())
        for obj in rep.get("verwerkteObjecten") or []:
            self.note(obj)
        self.note(rep.get("verwerkingsactie"))

    def observe(self, case: Any, response: Any) -> None:
        """Remember what the supplier answered with; what the pass creates is cleaned up. The
        shared action follows a PUT (a new version may have a new actieId) and is made anew
        when a test deleted it."""
        operation = case.operation.definition.raw.get("operationId", "")
        if (operation == "verwerkingsactie_delete" and response.status_code == 204
                and path_url(case) == self.shared["url"]):
            with self._lock, contextlib.suppress(FixtureError, httpx.HTTPError):
                self.shared = self.log.create(self.log.full_body(
                    self.person, tijdstip=moment(self.day),
                    verwerkingsactiviteitId=self.activiteit))
                self.remember(self.shared)
        if response.status_code not in (200, 201):
            return
        with contextlib.suppress(ValueError, AttributeError):
            body = response.json()
            if not isinstance(body, dict):
                return
            with self._lock:
                if operation in WHOLE_ACTIONS:
                    self.remember(body)
                if operation == "verwerkingsactie_update" and path_url(case) == \
                        self.shared["url"]:
                    self.shared = body
                for rep in body.get("results") or []:
                    self.note(rep)
                self.note(body)
                if operation == "verwerkingsactie_create" and isinstance(body.get("url"), str):
                    self.log.created.append((self.log.bewerking, body["url"]))


def prepare_verwerkingen(profile: Profile, factory: Factory, specs: dict[str, dict[str, Any]],
                         prep: Any, seed: int) -> None:
    """A person with an action to read and change, and the adapter both APIs share; what the
    run logs is marked vervallen afterwards."""
    for api in (BEWERKING, INZAGE):
        if api in prep.adapters:  # both APIs name this preparer; the second reuses the first
            prep.adapters.setdefault(BEWERKING, prep.adapters[api])
            prep.adapters.setdefault(INZAGE, prep.adapters[api])
            return
    client = prep.clients.get(BEWERKING)
    if client is None:
        raise FixtureError("the target has no Bewerking API (apis.vwl-bewerking in the target "
                           "file): the harness writes the log it inspects through it")
    log = VerwerkingenLog(client, random.Random(seed), created=factory.created)
    person = log.person()
    day = datetime.now(UTC).date() - timedelta(days=1)
    activiteit = log.uuid()
    shared = log.create(log.full_body(person, tijdstip=moment(day),
                                      verwerkingsactiviteitId=activiteit))
    adapter = VerwerkingenAdapter(factory=factory, log=log, person=person, day=day,
                                  activiteit=activiteit, shared=shared, rng=random.Random(seed))
    adapter.remember(shared)
    prep.adapters[BEWERKING] = prep.adapters[INZAGE] = adapter
