"""Domain-valid data for generated Besluiten API requests, and the run's besluit fixtures.

As for every API (adapters.py): schema-valid is not valid. A random ``besluittype`` URL
is rightly refused (brc-001), a random ``verantwoordelijkeOrganisatie`` fails the 11-test, a
``zaak`` must exist and have the besluittype in its zaaktype (brc-007), and a
besluitinformatieobject needs an existing besluit and a document whose type the besluittype
allows (brc-003, brc-008), once per pair. So, for the POSITIVE parts of a generated case only,
references point at objects the run prepared; negative parts stay as generated.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from schemathesis.core.parameters import ParameterLocation

from ..profiles import Profile
from ..zgw import Factory, FixtureError
from .adapters import DataAdapter, date_query_params, negative, path_url

# Besluit fields the server owns or that must stay as they are (brc-001, brc-002, brc-006).
KEEP_ON_UPDATE = ("besluittype", "zaak", "identificatie", "verantwoordelijkeOrganisatie")


@dataclass
class BesluitenSet:
    """The published types a besluit needs, as URLs on the target."""

    catalogus: str
    besluittype: str  # published; named by the zaaktype below
    informatieobjecttype: str  # published; named by the besluittype (brc-008)
    zaaktype: str  # published; its besluittypen hold the besluittype (brc-007)


def besluiten_set(factory: Factory) -> tuple[BesluitenSet, Any]:
    """A catalogus with a published besluittype that a published zaaktype names.

    Returns the set and the zaaktype's ``ZaaktypeSet`` (for zaken of that zaaktype).
    """
    catalogus = factory.catalogus()["url"]
    iot = factory.informatieobjecttype(catalogus)["url"]
    besluittype = factory.besluittype(catalogus, [iot])["url"]
    types = factory.zaaktype_set(catalogus, besluittypen=[besluittype])
    return BesluitenSet(catalogus, besluittype, iot, types.zaaktype), types


@dataclass(kw_only=True)
class BesluitenAdapter(DataAdapter):
    """Rewrites positive Besluiten request bodies; one per contract pass."""

    types: BesluitenSet
    besluit_url: str | None = None
    #: a zaak and a document on the target, for the ``zaak`` and ``informatieobject`` filters
    #: (a URL that names no such object is rightly refused); empty without those APIs
    zaak_url: str = ""
    document_url: str = ""

    def url_filters(self) -> dict[str, str]:
        besluit = ""
        with contextlib.suppress(FixtureError), self._lock:
            besluit = self._besluit()  # the prepared one, or a new one once it was deleted
        return {"besluittype": self.types.besluittype, "besluit": besluit,
                "informatieobjecttype": self.types.informatieobjecttype,
                "zaak": self.zaak_url, "informatieobject": self.document_url}

    def adapt(self, case: Any) -> None:
        operation_id = case.operation.definition.raw.get("operationId", "")
        self.positive_query(case)
        with self._lock:
            self.positive_path(case)
        if not isinstance(case.body, dict) or negative(case.meta, ParameterLocation.BODY):
            return
        resource, _, action = operation_id.partition("_")
        with self._lock:
            if resource == "besluit" and action in ("create", "update", "partial_update"):
                self._adapt_besluit(action, case)
            elif resource == "besluitinformatieobject" and action == "create":
                self._adapt_relation(case)

    def kept(self) -> set[str]:
        return {self.besluit_url} if self.besluit_url else set()

    def make(self, case: Any) -> bool:
        resource = case.operation.definition.raw.get("operationId", "").partition("_")[0]
        f = self.factory
        try:
            if resource == "besluit":
                made = f.besluit(self.types.besluittype)
            elif resource == "besluitinformatieobject":
                made = f.besluitinformatieobject(
                    self._besluit(), f.document(self.types.informatieobjecttype)["url"])
            else:
                return False
        except FixtureError:
            return False
        self.remember(made)
        return True

    def _adapt_besluit(self, action: str, case: Any) -> None:
        body: dict[str, Any] = case.body
        body.pop("_expand", None)
        body.pop("identificatie", None)  # generated and unique per organisation (brc-002)
        body.pop("zaak", None)  # a zaak only with a matching zaaktype (brc-006/007): suites
        if isinstance(body.get("datum"), str) and body["datum"] > date.today().isoformat():
            # the beslisdatum (AWB) is when it was decided: never a date still to come
            # (Open Zaak: future_not_allowed)
            body["datum"] = date.today().isoformat()
        known = (self.current(path_url(case), self.factory.besluiten)
                 if action != "create" else None)
        if known is not None:
            # unchanged values: Besluiten 1.1.0's PATCH body is the full Besluit schema (its
            # required fields included), so leaving them out would make the body invalid
            for name in KEEP_ON_UPDATE:
                if known.get(name) and (name in body or action != "partial_update"):
                    body[name] = known[name]
                elif action == "partial_update":
                    body.pop(name, None)
            return
        if "verantwoordelijkeOrganisatie" in body or action != "partial_update":
            body["verantwoordelijkeOrganisatie"] = self.factory.rsin()
        if "besluittype" in body or action != "partial_update":
            body["besluittype"] = self.types.besluittype

    def _adapt_relation(self, case: Any) -> None:
        """One relation per (besluit, document): a fresh document of the allowed type."""
        body: dict[str, Any] = case.body
        body["besluit"] = self._besluit()
        body["informatieobject"] = self.factory.document(self.types.informatieobjecttype)["url"]

    def _besluit(self) -> str:
        if self.besluit_url is None:
            besluit = self.factory.besluit(self.types.besluittype)
            self.remember(besluit)
            self.besluit_url = besluit["url"]
        return self.besluit_url

    def observe(self, case: Any, response: Any) -> None:
        """Remember what was made or changed; forget the prepared besluit once deleted.

        What the pass creates is removed after the run with the rest (newest first, so a
        besluit's documents are free to go once its relations are gone).
        """
        method = case.method.upper()
        status = response.status_code
        if method in ("POST", "PUT", "PATCH") and status in (200, 201):
            with contextlib.suppress(ValueError, AttributeError):
                created = response.json()
                self.remember(created)
                if method == "POST" and isinstance(created.get("url"), str):
                    with self._lock:
                        self.factory.created.append((self.factory.besluiten, created["url"]))
        elif method == "DELETE" and status in (200, 204):
            url = path_url(case)
            self.owners.pop(url, None)
            if url == self.besluit_url:
                with self._lock:
                    self.besluit_url = None


def prepare_besluiten(profile: Profile, factory: Factory, specs: dict[str, dict[str, Any]],
                      prep: Any, seed: int) -> None:
    """Published besluittype, informatieobjecttype and zaaktype; a besluit; the adapter."""
    if factory.besluiten is None:
        raise FixtureError("the target has no Besluiten API (apis.besluiten in the target file)")
    types, zaaktype_set = besluiten_set(factory)
    prep.fixtures.setdefault("zaaktype_set", dataclasses.asdict(zaaktype_set))
    prep.fixtures["besluiten"] = dataclasses.asdict(types)
    adapter = BesluitenAdapter(factory=factory, types=types,
                               zaak_url=factory.zaak(zaaktype_set.zaaktype)["url"]
                               if factory.zaken is not None else "",
                               document_url=factory.document(types.informatieobjecttype)["url"]
                               if factory.documenten is not None else "",
                               ignored_query=profile.contract.get("ignored_query", []),
                               date_query=date_query_params(specs.get("besluiten", {})),
                               rng=random.Random(seed))
    adapter._besluit()
    prep.adapters["besluiten"] = adapter
