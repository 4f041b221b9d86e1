"""Domain-valid data for generated Documenten API requests.

As for every API (adapters.py): schema-valid is not valid. A random
``informatieobjecttype`` URL is rightly refused (drc-001), a random ``bronorganisatie``
fails the 11-test, an ``ontvangstdatum`` with status ``in_bewerking`` is refused (drc-005),
``inhoud`` must be base64, an update needs the document's lock (drc-009) and a gebruiksrecht
must point at an existing document. So, for the POSITIVE parts of a generated case only,
references point at objects the run prepared and the rules' preconditions are met; negative
parts stay as generated.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from schemathesis.core import NotSet
from schemathesis.core.parameters import ParameterLocation

from ..client import ClientLimitError
from ..profiles import Profile
from ..zgw import Factory, FixtureError, ZaaktypeSet
from .adapters import DataAdapter, date_query_params, from_link, negative, path_url

DOCUMENT = "enkelvoudiginformatieobject"
LANGUAGES = ("nld", "eng", "fry", "ger", "fre")
# Document fields that point outside the target, or that the standard lets only the server
# set: positive cases leave them out rather than invent values the target must refuse.
DROP_FIELDS = {
    DOCUMENT: ("link", "indicatieGebruiksrecht", "identificatie"),
}
RECEIVED_REFUSED = ("in_bewerking", "ter_vaststelling")  # drc-005
# Query parameters the OAS types as plain strings that filter date-time fields (django-filter
# refuses non-dates with 400): positive cases send a date-time.
DATETIME_QUERY = {
    "gebruiksrechten_list": {f"{name}__{lookup}" for name in ("startdatum", "einddatum")
                             for lookup in ("lt", "lte", "gt", "gte")},
    "enkelvoudiginformatieobject_retrieve": {"registratieOp"},
    "enkelvoudiginformatieobject_download": {"registratieOp"},
}


@dataclass(kw_only=True)
class DocumentenAdapter(DataAdapter):
    """Rewrites positive Documenten request bodies; one per contract pass."""

    types: ZaaktypeSet
    document_url: str
    #: documents a zaak or besluit refers to (seen in objectinformatieobjecten): the
    #: standard forbids deleting them, so no positive DELETE names one
    linked: set[str] = dataclasses.field(default_factory=set)

    def url_filters(self) -> dict[str, str]:
        return {"informatieobject": self.document_url,
                "informatieobjecttype": self.types.informatieobjecttype}

    def adapt(self, case: Any) -> None:
        operation_id = case.operation.definition.raw.get("operationId", "")
        meta = case.meta
        if self.positive_query(case):
            for name in DATETIME_QUERY.get(operation_id, ()):
                if name == "registratieOp" and name in case.query:
                    case.query[name] = _registered_by_now()
                elif name in case.query:
                    day = date(2020, 1, 1) + timedelta(days=self.rng.randrange(3000))
                    case.query[name] = f"{day.isoformat()}T12:00:00Z"
            if "versie" in case.query:  # the first version always exists (and is not
                case.query["versie"] = 1     # necessarily the one registered now)
                case.query.pop("registratieOp", None)
        resource, _, action = operation_id.partition("_")
        with self._lock:
            if action == "download" and case.path_parameters and not negative(
                    meta, ParameterLocation.PATH) and not from_link(case):
                self._with_content(case)  # another case may have removed a document's inhoud
                if case.query and "registratieOp" in case.query:
                    case.query["registratieOp"] = _registered_by_now()  # after it was made
            elif resource == DOCUMENT and action == "destroy" and from_link(case) and \
                    path_url(case) in self.linked:
                self.positive_path(case, relinked=True)  # a link led to a related document
            else:
                self.positive_path(case)
        if resource == DOCUMENT and action == "lock" and not negative(
                meta, ParameterLocation.BODY):
            with self._lock:  # a second lock is rightly refused (drc-009): release it first
                self._force_unlock(path_url(case).rsplit("/", 1)[0])
        elif resource == DOCUMENT and action == "destroy" and not negative(
                meta, ParameterLocation.PATH):
            with self._lock:  # a locked document is rightly not deleted (destroy-locked);
                self._force_unlock(path_url(case))  # the pass's own updates locked it
        if negative(meta, ParameterLocation.BODY):
            return
        if (case.body is None or isinstance(case.body, NotSet)) and resource == DOCUMENT \
                and action == "partial_update":
            # an update without a body still needs the lock (drc-009): send just that
            case.body = {}
            case.media_type = case.media_type or "application/json"
        if not isinstance(case.body, dict):
            return
        with self._lock:
            if resource == DOCUMENT and action in ("create", "update", "partial_update"):
                self._adapt_document(action, case)
            elif resource == "gebruiksrechten" and action in ("create", "update",
                                                              "partial_update"):
                self._adapt_gebruiksrecht(action, case)

    def kept(self) -> set[str]:
        return {self.document_url, *self.linked}

    def _with_content(self, case: Any) -> None:
        """Point a download at a document that has content: a fresh one."""
        with contextlib.suppress(FixtureError, httpx.HTTPError, ClientLimitError):
            made = self.factory.document(self.types.informatieobjecttype)
            self.remember(made)
            case.path_parameters["uuid"] = made["url"].rstrip("/").rsplit("/", 1)[-1]
            self.pointed.add(case.id)

    def make(self, case: Any) -> bool:
        resource = case.operation.definition.raw.get("operationId", "").partition("_")[0]
        f = self.factory
        try:
            if resource == DOCUMENT:
                self.remember(f.document(self.types.informatieobjecttype))
            elif resource == "objectinformatieobject" and f.zaken is not None:
                # the Documenten side of a zaak-document relation the Zaken API registers
                document = f.document(self.types.informatieobjecttype)["url"]
                f.zaakinformatieobject(f.zaak(self.types.zaaktype)["url"], document)
                resp = f.documenten.get("objectinformatieobjecten",  # type: ignore[union-attr]
                                        params={"informatieobject": document})
                for item in resp.json() if resp.status_code == 200 else []:
                    self.remember(item)
                self.linked.add(document)
            elif resource == "gebruiksrechten":
                document = f.document(self.types.informatieobjecttype)["url"]
                self.remember(f.create(f.documenten, "gebruiksrechten", {
                    "informatieobject": document, "startdatum": "2024-01-01T00:00:00Z",
                    "omschrijvingVoorwaarden": "Conformance"}))
            else:
                return False
        except FixtureError:
            return False
        return True

    def _adapt_document(self, action: str, case: Any) -> None:
        body: dict[str, Any] = case.body
        for name in DROP_FIELDS[DOCUMENT]:
            body.pop(name, None)
        if "bronorganisatie" in body or action != "partial_update":
            body["bronorganisatie"] = self.factory.rsin()
        if "informatieobjecttype" in body or action != "partial_update":
            body["informatieobjecttype"] = self.types.informatieobjecttype
        if "taal" in body or action != "partial_update":
            body["taal"] = self.rng.choice(LANGUAGES)
        if body.get("inhoud") is not None:
            # bestandsomvang is the content's size: a supplier compares the two (Open Zaak:
            # 400 file-size), on a PATCH with the stored size when the body names none
            content = f"conformance {self.factory.tag()}".encode()
            body["inhoud"] = base64.b64encode(content).decode()
            body["bestandsomvang"] = len(content)
        elif action != "create":
            # no new content: a new bestandsomvang would contradict the stored content's size
            # (without content on a create it rightly asks for an upload in parts)
            body.pop("bestandsomvang", None)
        if body.get("ontvangstdatum") and body.get("status") in RECEIVED_REFUSED:
            body.pop("ontvangstdatum")
        if action == "create":
            return
        url = path_url(case)
        body["lock"] = self._lock_of(url)
        known = self.owners.get(url)
        if known is not None:
            if action == "partial_update":
                # the stored status may forbid an ontvangstdatum and the other way round
                if body.get("ontvangstdatum") and known.get("status") in RECEIVED_REFUSED:
                    body.pop("ontvangstdatum")
                if body.get("status") in RECEIVED_REFUSED and known.get("ontvangstdatum"):
                    body.pop("status")
                body.pop("bronorganisatie", None)
            else:
                body["bronorganisatie"] = known.get("bronorganisatie", body["bronorganisatie"])
        if action == "update" and body.get("status") in RECEIVED_REFUSED:
            # a PUT that leaves ontvangstdatum out keeps the stored one (DRF, Open Zaak), which
            # such a status contradicts (invalid_for_received): say it is empty
            body["ontvangstdatum"] = None
            if known is not None and known.get("ontvangstdatum"):
                # Open Zaak 1.30 reads that null as "keep the stored date" too and refuses the
                # status, where a PUT replaces the document: a disagreement
                # (docs/real-suppliers.md), so the valid body leaves the status as stored
                body.pop("status")

    def _force_unlock(self, url: str) -> None:
        client = self.factory.documenten
        if client is not None and url.startswith(client.base_url + "/"):
            client.post(f"{url}/unlock", {})

    def _lock_of(self, url: str) -> str:
        """A fresh lock id of the document (drc-009): whatever lock it had is released first.

        Generated lock/unlock requests change the lock between updates, so a remembered id
        may be stale; the harness's client may force an unlock.
        """
        client = self.factory.documenten
        if client is None:
            return ""
        client.post(f"{url}/unlock", {})
        resp = client.post(f"{url}/lock", {})
        lock = ""
        if resp.status_code == 200:
            with contextlib.suppress(ValueError, AttributeError):
                lock = str(resp.json().get("lock") or "")
        return lock

    def _adapt_gebruiksrecht(self, action: str, case: Any) -> None:
        body: dict[str, Any] = case.body
        known = (self.current(path_url(case), self.factory.documenten)
                 if action != "create" else None)
        if known is not None and known.get("informatieobject"):
            body["informatieobject"] = known["informatieobject"]  # cannot move to another one
        elif action == "partial_update":
            body.pop("informatieobject", None)
        else:
            body["informatieobject"] = self.document_url

    def observe(self, case: Any, response: Any) -> None:
        """Remember what was made or changed; replace the prepared document once deleted."""
        method = case.method.upper()
        status = response.status_code
        url = path_url(case)
        if case.operation.path.startswith("/objectinformatieobjecten") and status == 200:
            with contextlib.suppress(ValueError, AttributeError, TypeError):
                body = response.json()
                for item in body if isinstance(body, list) else [body]:
                    if isinstance(item.get("informatieobject"), str):
                        self.linked.add(item["informatieobject"])
        if method in ("POST", "PUT", "PATCH") and status in (200, 201):
            with contextlib.suppress(ValueError, AttributeError):
                self.remember(response.json())
        elif method == "DELETE" and status in (200, 204):
            self.owners.pop(url, None)
            if url == self.document_url:
                with self._lock:
                    document = self.factory.document(self.types.informatieobjecttype)
                    self.remember(document)
                    self.document_url = document["url"]


def _registered_by_now() -> str:
    """A registratieOp by which every document made so far is registered: an earlier moment
    precedes the document (404). Rounded up, as the supplier's clock counts microseconds."""
    return (datetime.now(UTC) + timedelta(seconds=2)).isoformat(timespec="seconds")


def prepare_documenten(profile: Profile, factory: Factory, specs: dict[str, dict[str, Any]],
                       prep: Any, seed: int) -> None:
    """A catalogus with a published zaaktype and informatieobjecttype, a document; the adapter.

    The zaaktype (catalogi only) lets the suites relate documents to zaken (drc-002..004,
    drc-008) when the target also offers the Zaken API.
    """
    types = factory.zaaktype_set()
    prep.fixtures.setdefault("zaaktype_set", dataclasses.asdict(types))
    document = factory.document(types.informatieobjecttype)
    prep.fixtures["documenten"] = {"document": document["url"]}
    adapter = DocumentenAdapter(factory=factory, types=types, document_url=document["url"],
                                ignored_query=profile.contract.get("ignored_query", []),
                                date_query=date_query_params(specs.get("documenten", {})),
                                rng=random.Random(seed))
    adapter.remember(document)
    prep.adapters["documenten"] = adapter
