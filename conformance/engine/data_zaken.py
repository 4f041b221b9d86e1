"""Domain-valid data for generated Zaken API requests (adapters.py says why).

A random ``zaaktype`` URL is rightly refused (zrc-001), a random 9-digit
``bronorganisatie`` fails the 11-test, a second resultaat on one zaak is refused, a
deelzaak needs a zaaktype its hoofdzaak's zaaktype names (zrc-013). For the positive
parts of a generated case, references point at the published zaaktype and the zaak
the run prepared, RSINs are valid, filters name objects that exist.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from schemathesis.core.parameters import ParameterLocation

from ..profiles import Profile
from ..zgw import Factory, FixtureError, ZaaktypeSet
from .adapters import DataAdapter, date_query_params, negative, path_url
from .data_besluiten import besluiten_set

RSIN_FIELDS = ("bronorganisatie", "verantwoordelijkeOrganisatie", "opdrachtgevendeOrganisatie")
# Fields that point at registries outside the target (Selectielijst, BAG, referentielijsten,
# other zaken): positive cases leave them out rather than invent values the target must refuse.
DROP_FIELDS = {
    "zaak": ("hoofdzaak", "relevanteAndereZaken", "communicatiekanaal", "selectielijstklasse",
             "zaakgeometrie", "productenOfDiensten", "kenmerken"),
    "rol": ("betrokkene",),
    "zaakobject": ("zaakobjecttype",),
    "status": ("gezetdoor",),
    "zaakinformatieobject": ("status",),
}
# A betrokkene must be identified somehow (betrokkene URL or betrokkeneIdentificatie).
#: a valid jq expression (the identity): objectTypeOverigeDefinitie's schema and objectData
#: are jq expressions (the OAS says so; Open Zaak checks them)
JQ_IDENTITY = "."
MEDEWERKER = {"identificatie": "conformance", "achternaam": "Harness"}


def _list_max_lengths(spec: dict[str, Any]) -> dict[str, int]:
    """GET /zaken's query parameters that have a maxLength, with it."""
    listing = spec.get("paths", {}).get("/zaken", {}).get("get", {})
    return {p["name"]: p["schema"]["maxLength"] for p in listing.get("parameters", [])
            if isinstance(p, dict) and isinstance(p.get("schema"), dict)
            and "maxLength" in p["schema"]}


@dataclass(kw_only=True)
class ZakenAdapter(DataAdapter):
    """Rewrites positive Zaken requests; one per contract pass."""

    types: ZaaktypeSet
    zaak_url: str
    document_url: str | None
    #: GET /zaken's filter lengths, read from the pass's spec at the first search
    _zoek_lengths: dict[str, int] | None = field(default=None, init=False)

    def url_filters(self) -> dict[str, str]:
        t = self.types
        return {"zaak": self.zaak_url, "zaaktype": t.zaaktype, "statustype": t.statustypen[0],
                "resultaattype": t.resultaattype, "roltype": t.roltype,
                "eigenschap": t.eigenschap, "informatieobject": self.document_url or ""}

    def adapt(self, case: Any) -> None:
        operation_id = case.operation.definition.raw.get("operationId", "")
        meta = case.meta
        self.positive_query(case)
        resource, _, action = operation_id.partition("_")
        with self._lock:
            self.positive_path(case)
            if isinstance(case.body, dict) and not negative(meta, ParameterLocation.BODY):
                self._adapt_body(resource, action, case)

    def kept(self) -> set[str]:
        return {self.zaak_url}

    def make(self, case: Any) -> bool:
        """A zaak's sub-resource of the operation's kind, on a zaak of its own."""
        resource = case.operation.definition.raw.get("operationId", "").partition("_")[0]
        f, t = self.factory, self.types
        makers = {
            "zaak": lambda: f.zaak(t.zaaktype),
            "status": lambda: f.status(self.new_zaak(), t.statustypen[0]),
            "resultaat": lambda: f.resultaat(self.new_zaak(), t.resultaattype),
            "rol": lambda: f.rol(self.new_zaak(), t.roltype),
            "zaakobject": lambda: f.zaakobject(self.new_zaak()),
            "zaakinformatieobject": lambda: f.zaakinformatieobject(
                self.new_zaak(), f.document(t.informatieobjecttype)["url"]),
            "zaakeigenschap": lambda: f.zaakeigenschap(f.zaak(t.zaaktype), t.eigenschap),
            "audittrail": self._audittrail,
            "zaakbesluit": self._zaakbesluit,
        }
        if resource not in makers or (resource == "zaakinformatieobject"
                                      and f.documenten is None):
            return False
        try:
            made = makers[resource]()
        except FixtureError:
            return False
        for item in made if isinstance(made, list) else [made]:
            self.remember(item)
        return True

    def _audittrail(self) -> list[dict[str, Any]]:
        """The audit trail of the prepared zaak (its creation is in it), as objects with urls."""
        resp = self.factory.zaken.get(f"{self.zaak_url}/audittrail")  # type: ignore[union-attr]
        entries = resp.json() if resp.status_code == 200 else []
        return [{**e, "url": f"{self.zaak_url}/audittrail/{e['uuid']}"}
                for e in entries if isinstance(e, dict) and e.get("uuid")]

    def _zaakbesluit(self) -> list[dict[str, Any]]:
        """A besluit on a zaak (the Besluiten API mirrors it under the zaak, brc-006)."""
        f = self.factory
        if f.besluiten is None:
            return []
        types, zaaktype_set = besluiten_set(f)
        zaak = f.zaak(zaaktype_set.zaaktype)
        f.besluit(types.besluittype, zaak=zaak["url"])
        resp = f.zaken.get(f"{zaak['url']}/besluiten")  # type: ignore[union-attr]
        return [b for b in (resp.json() if resp.status_code == 200 else [])
                if isinstance(b, dict) and isinstance(b.get("url"), str)]

    def _adapt_body(self, resource: str, action: str, case: Any) -> None:
        body: dict[str, Any] = case.body
        # `_expand` is what a server embeds in its answers (ZGW expand); the OAS does not mark
        # it readOnly, so generated bodies carry it, deep and with overlapping oneOf geometry
        body.pop("_expand", None)
        if action == "_zoek":
            if self._zoek_lengths is None:
                self._zoek_lengths = _list_max_lengths(case.operation.schema.raw_schema)
            self._adapt_zoek(body, self._zoek_lengths)
            return
        for name in DROP_FIELDS.get(resource, ()):
            body.pop(name, None)
        if resource == "zaakeigenschap":
            zaak = case.operation.schema.get_base_url().rstrip("/") + \
                f"/zaken/{case.path_parameters.get('zaak_uuid', '')}"
            if (self._current(zaak) or {}).get("zaaktype", self.types.zaaktype) != \
                    self.types.zaaktype and self.zaak_url:
                # the run's eigenschap belongs to its zaaktype: a zaak of another zaaktype
                # rightly refuses it (zaaktype-mismatch); use the run's zaak
                zaak = self.zaak_url
                case.path_parameters["zaak_uuid"] = zaak.rstrip("/").rsplit("/", 1)[-1]
            if "zaak" in body or action != "partial_update":
                body["zaak"] = zaak  # the zaak of the path
            if "eigenschap" in body or action != "partial_update":
                body["eigenschap"] = self.types.eigenschap
            if "waarde" in body or action != "partial_update":
                body["waarde"] = str(body.get("waarde") or "conformance")[:100]
            return
        if resource == "zaak":
            for name in RSIN_FIELDS:
                if name in body or action in ("create", "update"):
                    body[name] = self.factory.rsin()
            known = self._current(path_url(case)) if action != "create" else None
            # the zaaktype of a zaak cannot change (zrc-001): an update keeps its own
            body["zaaktype"] = (known or {}).get("zaaktype") or self.types.zaaktype
            if known is not None and "identificatie" in body:
                body["identificatie"] = known.get("identificatie")  # cannot change on update
            if body.get("archiefstatus") not in (None, "nog_te_archiveren"):
                body["archiefstatus"] = "nog_te_archiveren"  # zrc-022 needs archived documents
            # zrc-014: no laatsteBetaaldatum with betalingsindicatie nvt, also when a partial
            # update leaves an nvt the zaak already has
            indicatie = body.get("betalingsindicatie", (known or {}).get("betalingsindicatie"))
            if indicatie == "nvt":
                body.pop("laatsteBetaaldatum", None)
            elif body.get("laatsteBetaaldatum"):
                body["laatsteBetaaldatum"] = "2020-01-01T12:00:00Z"  # may not lie in the future
            if action == "partial_update":
                body.pop("zaaktype", None)
            return
        if resource not in ("status", "resultaat", "rol", "zaakobject", "zaakinformatieobject"):
            return
        # what the target holds for the object (read once when the run did not make it)
        previous = self._current(path_url(case)) if action != "create" else None
        if previous is not None:
            # zaak (and the document of a ZIO) cannot change on update: keep the originals
            # (and a zaakobject's kind of object: Open Zaak refuses a new objectType, a
            # relation to another kind of object being a new relation)
            for name in ("zaak", "informatieobject", "objectType"):
                if name in previous and (name in body or action != "partial_update"):
                    body[name] = previous[name]
        elif resource in ("resultaat", "zaakinformatieobject"):
            # one resultaat per zaak, one ZIO per (zaak, document): a fresh zaak each time
            body["zaak"] = self.new_zaak()
        else:
            body["zaak"] = self.zaak_url
        if resource == "status":
            body["statustype"] = self.types.statustypen[0]  # final status needs a resultaat
            body["datumStatusGezet"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        elif resource == "resultaat":
            body["resultaattype"] = self.types.resultaattype
        elif resource == "rol":
            body["roltype"] = self.types.roltype
            if not body.get("betrokkeneIdentificatie"):
                body["betrokkeneType"] = "medewerker"
                body["betrokkeneIdentificatie"] = dict(MEDEWERKER)
        elif resource == "zaakobject":
            if body.get("objectType") == "overige":
                body.setdefault("objectTypeOverige", "conformance")
            elif "objectType" in body:  # the overige fields describe only an 'overige' object
                body.pop("objectTypeOverige", None)
                body.pop("objectTypeOverigeDefinitie", None)
            definitie = body.get("objectTypeOverigeDefinitie")
            if isinstance(definitie, dict):  # (also in a PATCH that leaves objectType out)
                # schema and objectData are jq expressions on the JSON its url gives, which a
                # supplier fetches (Open Zaak) as it fetches the object
                definitie.update({k: JQ_IDENTITY for k in ("schema", "objectData")
                                  if k in definitie})
                definitie["url"] = self.factory.resolvable_object(
                    self.document_url or self.zaak_url)
            # schemathesis draws the body from the base ZaakObject schema, where
            # objectIdentificatie is no property at all: what it puts there is any JSON, never
            # the form the discriminator's schema for the objectType asks (an object with,
            # e.g., kvkNummer and handelsnaam), which a supplier rightly refuses; the object
            # URL identifies the object instead, one the supplier can fetch (Open Zaak:
            # bad-url for one it cannot)
            body.pop("objectIdentificatie", None)
            body["object"] = self.factory.resolvable_object(self.document_url or self.zaak_url)
        elif resource == "zaakinformatieobject" and previous is None and self.document_url:
            body["informatieobject"] = self.document_url
        if action == "partial_update":
            body.pop("zaak", None)
            body.pop("informatieobject", None)

    def _current(self, url: str) -> dict[str, Any] | None:
        return self.current(url, self.factory.zaken)

    def _adapt_zoek(self, body: dict[str, Any], max_lengths: dict[str, int]) -> None:
        """POST /zaken/_zoek: the list filters as a body; filters name what the run made and
        keep the lengths GET /zaken gives them (the pinned ZaakZoek gives none; Open Zaak
        applies the list's: an inpA_nummer is at most 10 characters)."""
        for name in ("zaakgeometrie", "expand", "ordering"):
            body.pop(name, None)  # a geometry, expand paths and orderings the supplier chooses
        for name, limit in max_lengths.items():
            if isinstance(body.get(name), str):
                body[name] = body[name][:limit]
        filters = self.url_filters()
        for name in list(body):
            base = name.split("__", 1)[0]
            if base in filters:
                body[name] = [filters[base]] if name.endswith("__in") else filters[base]
            elif base in RSIN_FIELDS:
                rsin = self.factory.rsin()
                body[name] = [rsin] if name.endswith("__in") else rsin
            elif base.endswith("datum") or base.endswith("Afdoening") or \
                    base == "einddatumGepland":
                if name.endswith("__isnull"):
                    body[name] = bool(body[name])
                else:
                    body[name] = (date(2020, 1, 1) + timedelta(
                        days=self.rng.randrange(3000))).isoformat()
            elif name == "uuid__in":
                body[name] = [self.zaak_url.rstrip("/").rsplit("/", 1)[-1]]
        if not any(value not in (None, "", [], {}) for value in body.values()):
            # a search without any parameter: Open Zaak refuses it (empty_search_body), the
            # OAS allows it; valid data here asks for something (the run's zaaktype)
            body["zaaktype"] = self.types.zaaktype

    def new_zaak(self) -> str:
        zaak = self.factory.zaak(self.types.zaaktype)
        self.remember(zaak)
        return zaak["url"]

    def observe(self, case: Any, response: Any) -> None:
        """Remember what the target holds now (created and updated objects); re-create the
        prepared zaak if a test deleted it."""
        method = case.method.upper()
        if (method == "POST" and response.status_code == 201) or (
                method in ("PUT", "PATCH") and response.status_code == 200):
            with contextlib.suppress(ValueError, AttributeError):
                self.remember(response.json())
        elif (method == "DELETE" and response.status_code in (200, 204)
              and path_url(case) == self.zaak_url):
            with self._lock:
                self.zaak_url = self.new_zaak()


def prepare_zaken(profile: Profile, factory: Factory, specs: dict[str, dict[str, Any]],
                  prep: Any, seed: int) -> None:
    """A published zaaktype with its types, a zaak and a document; the zaken data adapter."""
    types = factory.zaaktype_set(own_deelzaaktype=True)  # zrc-013: deelzaken of its own kind
    prep.fixtures["zaaktype_set"] = dataclasses.asdict(types)
    zaak = factory.zaak(types.zaaktype)
    document = factory.document(types.informatieobjecttype) if factory.documenten else None
    adapter = ZakenAdapter(factory=factory, types=types, zaak_url=zaak["url"],
                          document_url=document["url"] if document else None,
                          ignored_query=profile.contract.get("ignored_query", []),
                          date_query=date_query_params(specs.get("zaken", {})),
                          rng=random.Random(seed))
    adapter.remember(zaak)
    prep.adapters["zaken"] = adapter
