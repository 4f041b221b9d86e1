"""Domain-valid data for generated ZGW requests.

Schema-valid is not valid in ZGW: a random ``zaaktype`` URL is rightly refused
(zrc-001), a random 9-digit ``bronorganisatie`` fails the 11-test, a second
resultaat on one zaak is refused. Left alone, schemathesis would report each such
refusal as "valid data rejected". So, for the POSITIVE parts of a generated case
only, references are pointed at objects the run prepared on the target and RSINs
are made valid; negative parts stay as generated. Operations not listed here are
left untouched.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation

from ..profiles import Profile
from ..zgw import Factory, ZaaktypeSet

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
MEDEWERKER = {"identificatie": "conformance", "achternaam": "Harness"}
# zaakobject.object points into an external registry; the harness never fetches it.
PLACEHOLDER_OBJECT = "https://example.org/objecten/conformance"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def positive_query(case: Any, ignored: list[dict[str, str]], dates: set[str] | tuple[str, ...],
                   rng: random.Random) -> bool:
    """Make the positive query of ``case`` domain-valid; False when it was generated negative.

    Leaves out the profile's ``ignored_query`` parameters and gives date-typed filters
    (plain strings in the OAS) a real date. Adapters add their API's own rules after it.
    """
    if not case.query or _negative(case.meta, ParameterLocation.QUERY):
        return False
    operation_id = case.operation.definition.raw.get("operationId", "")
    for rule in ignored:
        if rule.get("operation") in (None, operation_id):
            case.query.pop(rule["param"], None)
    for name in dates:
        if name in case.query:
            day = date(2020, 1, 1) + timedelta(days=rng.randrange(3000))
            case.query[name] = day.isoformat()
    return True


def date_query_params(spec: dict[str, Any]) -> dict[str, set[str]]:
    """Query parameters the OAS types as plain strings but whose example is a date.

    The ZGW specs declare date filters (``startdatum__gt``) as ``type: string``
    without ``format: date``; implementations rightly refuse non-dates with 400.
    """
    found: dict[str, set[str]] = {}
    for item in spec.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            for param in op.get("parameters", []):
                schema = param.get("schema", {}) if isinstance(param, dict) else {}
                if (param.get("in") == "query" and schema.get("type") == "string"
                        and "format" not in schema
                        and ISO_DATE.match(str(schema.get("example", "")))):
                    found.setdefault(op["operationId"], set()).add(param["name"])
    return found


@dataclass
class DataAdapter:
    """Rewrites positive request bodies; one per contract pass."""

    factory: Factory
    types: ZaaktypeSet
    zaak_url: str
    document_url: str | None
    ignored_query: list[dict[str, str]] = field(default_factory=list)
    date_query: dict[str, set[str]] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    owners: dict[str, dict[str, Any]] = field(default_factory=dict)  # sub-resource URL -> its body
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def adapt(self, case: Any) -> None:
        operation_id = case.operation.definition.raw.get("operationId", "")
        meta = case.meta
        positive_query(case, self.ignored_query, self.date_query.get(operation_id, ()), self.rng)
        if not isinstance(case.body, dict) or _negative(meta, ParameterLocation.BODY):
            return
        resource, _, action = operation_id.partition("_")
        with self._lock:
            self._adapt_body(resource, action, case)

    def _adapt_body(self, resource: str, action: str, case: Any) -> None:
        body: dict[str, Any] = case.body
        # `_expand` is what a server embeds in its answers (ZGW expand); the OAS does not mark
        # it readOnly, so generated bodies carry it, deep and with overlapping oneOf geometry
        body.pop("_expand", None)
        for name in DROP_FIELDS.get(resource, ()):
            body.pop(name, None)
        if resource == "zaak":
            for name in RSIN_FIELDS:
                if name in body or action in ("create", "update"):
                    body[name] = self.factory.rsin()
            body["zaaktype"] = self.types.zaaktype
            known = self.owners.get(_path_url(case)) if action != "create" else None
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
        previous = self.owners.get(_path_url(case)) if action != "create" else None
        if previous is not None:
            # zaak (and the document of a ZIO) cannot change on update: keep the originals
            for name in ("zaak", "informatieobject"):
                if name in previous:
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
            if not body.get("object") and not body.get("objectIdentificatie"):
                body["object"] = PLACEHOLDER_OBJECT
        elif resource == "zaakinformatieobject" and previous is None and self.document_url:
            body["informatieobject"] = self.document_url
        if action == "partial_update":
            body.pop("zaak", None)
            body.pop("informatieobject", None)

    def remember(self, created: dict[str, Any]) -> None:
        """Keep what the target returned for an object, for later updates of it."""
        if isinstance(created, dict) and isinstance(created.get("url"), str):
            self.owners[created["url"]] = created

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
              and _path_url(case) == self.zaak_url):
            with self._lock:
                self.zaak_url = self.new_zaak()


def _negative(meta: Any, location: ParameterLocation) -> bool:
    return meta is not None and meta.is_negative_at(location)


def _path_url(case: Any) -> str:
    return case.operation.schema.get_base_url().rstrip("/") + case.formatted_path


def prepare_zaken(profile: Profile, factory: Factory, specs: dict[str, dict[str, Any]],
                  prep: Any, seed: int) -> None:
    """A published zaaktype with its types, a zaak and a document; the zaken data adapter."""
    types = factory.zaaktype_set()
    prep.fixtures["zaaktype_set"] = dataclasses.asdict(types)
    zaak = factory.zaak(types.zaaktype)
    document = factory.document(types.informatieobjecttype) if factory.documenten else None
    adapter = DataAdapter(factory=factory, types=types, zaak_url=zaak["url"],
                          document_url=document["url"] if document else None,
                          ignored_query=profile.contract.get("ignored_query", []),
                          date_query=date_query_params(specs.get("zaken", {})),
                          rng=random.Random(seed))
    adapter.remember(zaak)
    prep.adapters["zaken"] = adapter


_active: Any = None  # the adapter of the running contract pass (adapt/observe)


@contextlib.contextmanager
def active(adapter: Any) -> Iterator[None]:
    """Make ``adapter`` the one the global hooks use for the duration of a pass."""
    global _active
    previous, _active = _active, adapter
    try:
        yield
    finally:
        _active = previous


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    if _active is not None:
        _active.adapt(case)


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    if _active is not None:
        _active.observe(case, response)
