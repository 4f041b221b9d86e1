"""Domain-valid data for generated Catalogi requests (profile ztc-1.3).

Schema-valid is not valid in a catalogus: a random ``catalogus`` URL is refused, a
9-digit ``rsin`` fails the 11-test, a statustype of a published zaaktype is refused
(ztc-010), a ``brondatumArchiefprocedure`` whose fields do not fit its
``afleidingswijze`` is refused (ztc-004..008). So, for the POSITIVE parts of a
generated case only, references are pointed at objects the run prepared on the
target (a catalogus, a concept zaaktype, a published informatieobjecttype), RSINs are
made valid, the archive parameters consistent, a type's validity ends after it begins, and a
besluittype gets an omschrijving of its own; negative parts stay as generated.
(adapters.py says why.)
"""

from __future__ import annotations

import contextlib
import itertools
import random
import re
from dataclasses import dataclass, field
from typing import Any

from schemathesis.core.parameters import ParameterLocation

from ..profiles import Profile
from ..zgw import Factory, consistent_brondatum, fresh_domein
from .adapters import DataAdapter, date_query_params, negative, path_url
from .unspecified_body import drop_unfit_fields, is_unspecified

CHILD_TYPES = ("statustype", "roltype", "resultaattype", "eigenschap", "zaakinformatieobjecttype",
               "zaakobjecttype")
#: types of their own in the catalogus (not under a zaaktype), each published like a zaaktype
CATALOGUE_TYPES = ("zaaktype", "informatieobjecttype", "besluittype")
#: (begin, end) date pairs of the types: an end before its begin is refused
DATE_PAIRS = (("beginGeldigheid", "eindeGeldigheid"), ("beginObject", "eindeObject"))
#: the object type a generated zaakobjecttype names (the Objecttypen API of the supplier is
#: not part of the standard's test; a URL is all the Catalogi API stores)
OBJECTTYPE = "https://objecttypen.example.nl/api/v2/objecttypes/" \
    "2b0ef0c4-8a4c-4e6f-9c6e-2f9e6c3f0a11"
# Fields that point at registries outside the target (Selectielijst, other zaaktypen,
# besluittypen the profile does not cover): positive cases leave them out or empty.
EMPTY_LISTS = {
    "zaaktype": ("besluittypen", "deelzaaktypen", "gerelateerdeZaaktypen"),
    "resultaattype": ("besluittypen",),
    "informatieobjecttype": (),
}
DROP_FIELDS = {
    "zaaktype": ("broncatalogus", "bronzaaktype"),
    "eigenschap": ("statustype",),
    "zaakinformatieobjecttype": ("statustype",),
    # the relations a zaakobjecttype shows are made from the other side (statustypen ...)
    "zaakobjecttype": ("resultaattypen", "statustypen"),
}
# Date filters the Catalogi OAS types as plain strings (no format, no example) although the
# standard filters by date: implementations rightly refuse non-dates with 400.
DATE_QUERY = ("datumGeldigheid", "datum_geldigheid", "datumBeginGeldigheid",
              "datumEindeGeldigheid")
IOT_REQUIRED = {"omschrijving": "Conformance document", "vertrouwelijkheidaanduiding": "openbaar",
                "beginGeldigheid": "2024-01-01", "informatieobjectcategorie": "test"}
STATUS_CHOICES = ("concept", "definitief", "alles")
#: an eigenschap's specificatie.lengte follows its formaat (ImZTC; Open Zaak checks it):
#: tekst 0-255 characters, getal "digits,decimals", datum 8, datum_tijd 14
LENGTE = {"tekst": "20", "getal": "5,2", "datum": "8", "datum_tijd": "14"}
@dataclass(kw_only=True)
class CatalogiAdapter(DataAdapter):
    """Rewrites positive Catalogi requests; one per contract pass."""

    catalogus: str
    concept_zaaktype: str
    informatieobjecttype: dict[str, Any]  # a published one in ``catalogus``
    frozen: set[str] = field(default_factory=set)  # published types and their child types
    _volgnummer: Any = field(default_factory=lambda: itertools.count(1000))

    def url_filters(self) -> dict[str, str]:
        return {"catalogus": self.catalogus, "zaaktype": self.concept_zaaktype,
                "informatieobjecttype": self.informatieobjecttype["url"],
                # typed as plain strings, but the URL of an informatieobjecttype, a zaaktype
                "informatieobjecttypen": self.informatieobjecttype["url"],
                "zaaktypen": self.concept_zaaktype}

    def adapt(self, case: Any) -> None:
        operation_id = case.operation.definition.raw.get("operationId", "")
        meta = case.meta
        if self.positive_query(case, DATE_QUERY):
            if "status" in case.query:  # typed as a free string; the standard knows three
                case.query["status"] = self.rng.choice(STATUS_CHOICES)
            if "anderObjecttype" in case.query:  # typed as a free string; a boolean filter
                case.query["anderObjecttype"] = self.rng.choice(("true", "false"))
        resource, _, action = operation_id.partition("_")
        if not negative(meta, ParameterLocation.PATH):
            with self._lock:
                self.positive_path(case)
                if action in ("retrieve", "headers") and case.query and \
                        "datumGeldigheid" in case.query and \
                        not negative(meta, ParameterLocation.QUERY):
                    # asks for the version valid on that day: a day the object is valid
                    # (another is rightly a 404: Open Zaak)
                    known = self.owners.get(path_url(case)) or {}
                    if known.get("beginGeldigheid"):
                        case.query["datumGeldigheid"] = known["beginGeldigheid"]
                    else:
                        case.query.pop("datumGeldigheid")
                if action == "publish":
                    self._publishable(resource, case)
                elif action in ("update", "partial_update", "destroy"):
                    self._writable(resource, action, case)
        if negative(meta, ParameterLocation.BODY):
            return
        if (resource, action) == ("informatieobjecttype", "update") and \
                not isinstance(case.body, dict):
            # The OAS makes this PUT body optional and unspecified; a full update needs one.
            case.body, case.media_type = {}, "application/json"
        if not isinstance(case.body, dict):
            return
        if is_unspecified(case.operation.definition.raw):
            drop_unfit_fields(case.body, case.operation.schema.raw_schema, resource)
        with self._lock:
            self._adapt_body(resource, action, case)

    def kept(self) -> set[str]:
        return {self.catalogus, self.concept_zaaktype, self.informatieobjecttype["url"]}

    def make(self, case: Any) -> bool:
        resource = case.operation.definition.raw.get("operationId", "").partition("_")[0]
        if resource == "catalogus":
            self.remember(self.factory.catalogus())
            return True
        return self._fresh(resource) is not None

    def _writable(self, resource: str, action: str, case: Any) -> None:
        """Point a positive write at an object that may be written.

        A published type (and every child type of a published zaaktype) refuses PUT, PATCH and
        DELETE (ztc-009, ztc-010), and deleting the prepared concept zaaktype would cascade to
        the child types the pass created under it. Such writes go to a fresh concept object
        of the same kind instead.
        """
        url = path_url(case)
        if self._published(url) or (action == "destroy" and url == self.concept_zaaktype):
            fresh = self._fresh(resource)
            if fresh:
                case.path_parameters["uuid"] = fresh.rstrip("/").rsplit("/", 1)[-1]

    def _published(self, url: str) -> bool:
        """A published type, or a child type of a published zaaktype: as seen in this pass,
        else as the target holds it (read once: e.g. the prepared zaaktype's own children)."""
        if url in self.frozen:
            return True
        known = self._current(url)
        if known is None:
            return False
        if known.get("concept") is False:
            return True
        zaaktype = known.get("zaaktype")
        if not isinstance(zaaktype, str) or not zaaktype:
            return False
        if zaaktype in self.frozen:
            return True
        parent = self._current(zaaktype)
        return parent is not None and parent.get("concept") is False

    def _current(self, url: str) -> dict[str, Any] | None:
        return self.current(url, self.factory.catalogi)

    def _fresh(self, resource: str) -> str | None:
        """A new concept object of this kind (under the prepared concept zaaktype)."""
        f, zaaktype = self.factory, self.concept_zaaktype

        def volgnummer() -> int:
            return next(self._volgnummer) % 999 + 1  # (a ZIOT's is at most 999)

        bodies: dict[str, tuple[str, Any]] = {
            "statustype": ("statustypen", lambda: {
                "zaaktype": zaaktype, "omschrijving": "Conformance", "volgnummer": volgnummer()}),
            "roltype": ("roltypen", lambda: {"zaaktype": zaaktype, "omschrijving": "Conformance",
                                             "omschrijvingGeneriek": "adviseur"}),
            "resultaattype": ("resultaattypen", lambda: f.resultaattype_body(
                zaaktype, omschrijving="Conformance")),
            "eigenschap": ("eigenschappen", lambda: {
                "zaaktype": zaaktype, "naam": f"conf{f.tag()[:6]}", "definitie": "Conformance",
                "specificatie": {"formaat": "tekst", "lengte": "10", "kardinaliteit": "1",
                                 "waardenverzameling": []}}),
            # (zaaktype, informatieobjecttype) is unique: a new concept one each time
            "zaakinformatieobjecttype": ("zaaktype-informatieobjecttypen", lambda: f.ziot_body(
                zaaktype, f.informatieobjecttype(self.catalogus, publish=False),
                volgnummer=volgnummer())),
            "zaakobjecttype": ("zaakobjecttypen", lambda: {
                "zaaktype": zaaktype, "catalogus": self.catalogus, "anderObjecttype": False,
                "objecttype": OBJECTTYPE, "relatieOmschrijving": "Conformance",
                "beginGeldigheid": "2024-01-01"}),
        }
        if resource == "zaaktype":
            return self.new_concept_zaaktype()
        if resource == "informatieobjecttype":
            made = f.informatieobjecttype(self.catalogus, publish=False)
        elif resource == "besluittype":
            made = f.besluittype(self.catalogus, [self.informatieobjecttype["url"]],
                                 publish=False)
        elif resource in bodies:
            path, body = bodies[resource]
            made = f.create(f.catalogi, path, body())
        else:
            return None
        self.remember(made)
        return made["url"]

    def _publishable(self, resource: str, case: Any) -> None:
        """Point a positive publish at a fresh type that may be published.

        Publishing has preconditions (ztc-012; Open Zaak: two statustypen, a resultaattype,
        a roltype) a generated request cannot know, and a published type refuses every later
        write of the pass (ztc-009). So each positive publish gets its own complete concept.
        """
        if resource == "zaaktype":
            url = self.factory.zaaktype_set(self.catalogus, publish=False).zaaktype
        elif resource == "informatieobjecttype":
            url = self.factory.informatieobjecttype(self.catalogus, publish=False)["url"]
        elif resource == "besluittype":
            url = self.factory.besluittype(self.catalogus, [self.informatieobjecttype["url"]],
                                           publish=False)["url"]
        else:
            return
        case.path_parameters["uuid"] = url.rstrip("/").rsplit("/", 1)[-1]

    def _adapt_body(self, resource: str, action: str, case: Any) -> None:
        body: dict[str, Any] = case.body
        partial = action == "partial_update"
        for name in DROP_FIELDS.get(resource, ()):
            body.pop(name, None)
        for name in EMPTY_LISTS.get(resource, ()):
            if name in body or not partial:
                body[name] = []
        if resource == "catalogus":
            body["rsin"] = self.factory.rsin()
            body["domein"] = fresh_domein()
            return
        # an end before its begin is no valid data. An update that sets one of the two is
        # judged with the object's other one (DRF keeps a field a PUT leaves out, as a PATCH
        # does; Open Zaak: date-mismatch), which the pass cannot know for sure: another worker
        # may have changed it meanwhile (a shared object at concurrency > 1; ztc-1.3, budget
        # quick, seed 702). So an update sets the pair together: an open end fits any begin.
        update = action in ("update", "partial_update")
        for begin, end in DATE_PAIRS:
            alone = update and (begin in body) != (end in body)
            reversed_ = bool(body.get(begin) and body.get(end)) and \
                str(body[end])[:10] < str(body[begin])[:10]
            if alone or reversed_:
                body[end] = None
        if resource == "besluittype":
            self._besluittype(body, partial)
            return
        if resource in CATALOGUE_TYPES:
            if "catalogus" in body or not partial:
                body["catalogus"] = self.catalogus
            if resource == "zaaktype":
                if "identificatie" in body or not partial:
                    known = self._current(path_url(case)) if action == "update" else None
                    body["identificatie"] = (known or {}).get("identificatie") or \
                        f"CONF-{self.factory.tag()}"
                if body.get("verlengingMogelijk") and not body.get("verlengingstermijn"):
                    body["verlengingstermijn"] = "P30D"
                proces = body.get("referentieproces")
                if isinstance(proces, dict) and proces.get("link"):
                    # format uri, which "a:b" is; a supplier's URL field wants a web address
                    proces["link"] = f"https://referentieprocessen.example.nl/{self.factory.tag()}"
                procestype = self.factory.lists.procestype  # the supplier's Selectielijst
                if procestype and ("selectielijstProcestype" in body or not partial):
                    body["selectielijstProcestype"] = procestype
                elif not procestype:
                    body.pop("selectielijstProcestype", None)
            else:
                if action == "update":
                    # the OAS leaves this PUT body unspecified ("Unspecified request body"); the
                    # standard's full update takes the InformatieObjectType representation
                    for name, value in IOT_REQUIRED.items():
                        if not isinstance(body.get(name), str) or not body[name]:
                            body[name] = value
                if "omschrijving" in body:
                    body["omschrijving"] = \
                        f"{str(body['omschrijving'])[:60]} {self.factory.tag()}"
            return
        if resource not in CHILD_TYPES:
            return
        previous = self._current(path_url(case)) if action != "create" else None
        if partial:
            body.pop("zaaktype", None)
        else:
            body["zaaktype"] = (previous or {}).get("zaaktype") or self.concept_zaaktype
        if resource == "statustype" and ("volgnummer" in body or not partial):
            body["volgnummer"] = next(self._volgnummer) % 9000 + 1
        elif resource == "resultaattype":
            self._resultaattype(body, partial)
        elif resource == "eigenschap":
            if "naam" in body or not partial:  # unique per zaaktype, at most 20 characters
                body["naam"] = f"{str(body.get('naam') or 'e')[:9]}{self.factory.tag()}"
            spec = body.get("specificatie")
            if isinstance(spec, dict):  # ImZTC's domains (Open Zaak checks them)
                if spec.get("formaat") in LENGTE:
                    spec["lengte"] = LENGTE[spec["formaat"]]
                if "kardinaliteit" in spec:  # a whole number above 0, or N (unlimited)
                    spec["kardinaliteit"] = self.rng.choice(("1", "2", "N"))
                if isinstance(spec.get("groep"), str):  # letters, digits, _ and spaces
                    spec["groep"] = re.sub(r"[^A-Za-z0-9 _]", "", spec["groep"])
        elif resource == "zaakobjecttype":
            if "catalogus" in body or not partial:
                body["catalogus"] = self.catalogus
            if "objecttype" in body or not partial:
                body["objecttype"] = OBJECTTYPE
        elif resource == "zaakinformatieobjecttype":
            if "informatieobjecttype" in body or not partial:
                # the pinned file's form: a supplier that refuses it refuses valid data (the
                # run's own fixtures use the form it accepts: Factory._in_accepted_form)
                body["informatieobjecttype"] = self.factory.iot_reference(
                    self.informatieobjecttype, pinned=True)
            if "volgnummer" in body or not partial:
                body["volgnummer"] = next(self._volgnummer) % 999 + 1  # at most 999

    def _besluittype(self, body: dict[str, Any], partial: bool) -> None:
        """In the run's catalogus, with its published informatieobjecttype, and an
        omschrijving of its own (it names the besluittype within the catalogus, as the
        identificatie names a zaaktype)."""
        if "catalogus" in body or not partial:
            body["catalogus"] = self.catalogus
        if "informatieobjecttypen" in body or not partial:
            body["informatieobjecttypen"] = [self.informatieobjecttype["url"]]
        if "omschrijving" in body or not partial:
            body["omschrijving"] = \
                f"{str(body.get('omschrijving') or 'Besluit')[:60]} {self.factory.tag()}"

    def _resultaattype(self, body: dict[str, Any], partial: bool) -> None:
        """The Selectielijst references the supplier knows, a selectielijstklasse that allows
        the generated afleidingswijze, and archive fields consistent with it (ztc-004..008)."""
        proc = body.get("brondatumArchiefprocedure")
        if proc is not None or not partial:
            proc = consistent_brondatum(proc)
            body["brondatumArchiefprocedure"] = proc
        complete = self.factory.resultaattype_body(
            "", (proc or {}).get("afleidingswijze") or "afgehandeld")
        for name in ("resultaattypeomschrijving", "selectielijstklasse", "archiefnominatie",
                     "archiefactietermijn"):
            if name in body or not partial:
                body[name] = complete[name]
        if "informatieobjecttypen" in body:
            body["informatieobjecttypen"] = [self.informatieobjecttype["url"]]

    def new_concept_zaaktype(self) -> str:
        zaaktype = self.factory.create(self.factory.catalogi, "zaaktypen",
                                       self.factory.zaaktype_body(self.catalogus))
        self.remember(zaaktype)
        return zaaktype["url"]

    def observe(self, case: Any, response: Any) -> None:
        """Remember created objects; make a new concept zaaktype when a test published or
        deleted the prepared one (child types need a concept zaaktype, ztc-010)."""
        method = case.method.upper()
        url = path_url(case)
        if method == "POST" and response.status_code in (200, 201) and \
                not url.endswith("/publish"):
            with contextlib.suppress(ValueError, AttributeError):
                self.remember(response.json())
        if method in ("PUT", "PATCH") and response.status_code == 200 and url in self.owners:
            # its validity may have moved: a later read asks for a day it is valid on
            with contextlib.suppress(ValueError, AttributeError):
                self.remember(response.json())
        if method == "POST" and response.status_code == 200 and url.endswith("/publish"):
            with contextlib.suppress(ValueError, AttributeError):
                published = response.json()
                self.frozen.add(published["url"])
                iots = published.get("informatieobjecttypen")  # 1.3.1: comma-separated string
                if isinstance(iots, str):
                    self.frozen.update(u.strip() for u in iots.split(",") if u.strip())
                for name in ("statustypen", "resultaattypen", "roltypen", "eigenschappen",
                             "zaakobjecttypen"):
                    self.frozen.update(u for u in published.get(name) or [] if isinstance(u, str))
        gone = (method == "DELETE" and response.status_code in (200, 204)
                and url == self.concept_zaaktype)
        published = (method == "POST" and response.status_code == 200
                     and url.rstrip("/") == self.concept_zaaktype + "/publish")
        if gone or published:
            with self._lock:
                self.concept_zaaktype = self.new_concept_zaaktype()


def prepare_catalogi(profile: Profile, factory: Factory, specs: dict[str, dict[str, Any]],
                     prep: Any, seed: int) -> None:
    """A catalogus with a published informatieobjecttype and a concept zaaktype; the
    catalogi data adapter. The suites make their own types (each test its own)."""
    catalogus = factory.catalogus()["url"]
    iot = factory.informatieobjecttype(catalogus, publish=True)
    adapter = CatalogiAdapter(factory=factory, catalogus=catalogus, concept_zaaktype="",
                              informatieobjecttype=iot,
                              ignored_query=profile.contract.get("ignored_query", []),
                              date_query=date_query_params(specs.get("catalogi", {})),
                              rng=random.Random(seed))
    adapter.concept_zaaktype = adapter.new_concept_zaaktype()
    adapter.frozen.add(iot["url"])
    adapter.remember({"url": catalogus})
    adapter.remember(iot)
    prep.fixtures["catalogi"] = {"catalogus": catalogus, "informatieobjecttype": iot["url"]}
    prep.adapters["catalogi"] = adapter
