"""ZGW domain knowledge the harness needs to make valid data.

The RSIN 11-test and factories that build the objects a Zaken provider needs
(catalogus, published zaaktype with its types, documents, zaken and their
sub-resources) through the target's own APIs, as Open Zaak requires: types live in
the target's catalogi, complete enough to publish. Everything made is recorded so
it can be removed afterwards.
"""

from __future__ import annotations

import base64
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx

from .cleanup import remove_all, urls_in
from .client import ApiClient
from .external_lists import ExternalLists

# ztc-004..008: which brondatumArchiefprocedure fields MUST have a value per afleidingswijze
# (all others MUST NOT).
BRONDATUM_NEEDS = {
    "datumkenmerk": {"eigenschap", "zaakobject", "ander_datumkenmerk"},
    "objecttype": {"zaakobject", "ander_datumkenmerk"},
    "registratie": {"ander_datumkenmerk"},
    "procestermijn": {"termijn"},
}
_FILLERS = {"datumkenmerk": "conformance", "objecttype": "overige", "registratie": "conformance",
            "procestermijn": "P10Y"}
_EMPTY = {"datumkenmerk": "", "objecttype": "", "registratie": "", "procestermijn": None}
ARCHIEFACTIETERMIJN = "P10Y"  # of every resultaattype the harness makes
#: the Zaken API needs these on every request (zaakgeometrie; 412 without them)
CRS_HEADERS = {"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}


def default_headers(api: str) -> dict[str, str]:
    """The headers every request to this ZGW API carries (a fresh dict)."""
    return dict(CRS_HEADERS) if api == "zaken" else {}


def consistent_brondatum(value: Any) -> dict[str, Any]:
    """A brondatumArchiefprocedure that keeps the given afleidingswijze but obeys
    ztc-004..008 (and leaves einddatumBekend false where ztc-005 forbids it)."""
    proc = dict(value) if isinstance(value, dict) else {}
    how = proc.get("afleidingswijze")
    if not isinstance(how, str):
        how = "afgehandeld"
    proc["afleidingswijze"] = how
    for name, needed_for in BRONDATUM_NEEDS.items():
        proc[name] = _FILLERS[name] if how in needed_for else _EMPTY[name]
    if how in ("afgehandeld", "termijn") or not isinstance(proc.get("einddatumBekend"), bool):
        proc["einddatumBekend"] = False
    return proc


def rsin_is_valid(value: str) -> bool:
    """The RSIN/BSN 11-test: weights 9..2 and -1 on the last digit, sum divisible by 11."""
    if len(value) != 9 or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], range(9, 1, -1), strict=True))
    return (total - int(value[8])) % 11 == 0


def make_rsin(rng: random.Random) -> str:
    """A random RSIN that passes the 11-test."""
    while True:
        head = [rng.randrange(10) for _ in range(8)]
        last = sum(d * w for d, w in zip(head, range(9, 1, -1), strict=True)) % 11
        if last < 10:
            return "".join(map(str, head)) + str(last)


def invalid_rsin(valid: str) -> str:
    """Same length and digits only, but failing the 11-test (last digit changed)."""
    last = (int(valid[-1]) + 1) % 10
    candidate = valid[:-1] + str(last)
    return candidate if not rsin_is_valid(candidate) else valid[:-1] + str((last + 1) % 10)


class FixtureError(Exception):
    """The target refused to create a fixture the run needs; the run cannot decide."""

    def __init__(self, message: str, evidence: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.evidence = evidence  # the refused exchange (redacted), when there was one


#: Where the pinned OpenAPI file and real suppliers disagree on a field's form: the form the
#: file prescribes first, then the alternative a supplier may accept instead, and why.
FORMS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "zaakinformatieobjecttype.informatieobjecttype": (
        ("omschrijving", "url"), {
            "nl": "het vastgepinde OpenAPI-bestand van Catalogi 1.3.1 typeert "
                  "zaaktype-informatieobjecttypen.informatieobjecttype als tekst van hoogstens "
                  "100 tekens, de omschrijving van het informatieobjecttype (het historiemodel "
                  "van 1.3); Open Zaak 1.30 wil de URL van het informatieobjecttype",
            "en": "the pinned Catalogi 1.3.1 OpenAPI file types zaaktype-informatieobjecttypen."
                  "informatieobjecttype as a string of at most 100 characters, the "
                  "informatieobjecttype's omschrijving (the 1.3 historiemodel); Open Zaak 1.30 "
                  "wants the informatieobjecttype's URL"}),
    "zaaktype.deelzaaktypen": (
        ("url", "identificatie"), {
            "nl": "het vastgepinde OpenAPI-bestand van Catalogi 1.3.1 typeert "
                  "zaaktype.deelzaaktypen als URL's van zaaktypen; een leverancier die het "
                  "historiemodel van 1.3 volgt noemt ze bij hun identificatie",
            "en": "the pinned Catalogi 1.3.1 OpenAPI file types zaaktype.deelzaaktypen as URLs "
                  "of zaaktypen; a supplier following the 1.3 historiemodel names them by "
                  "identificatie"}),
}


@dataclass
class ZaaktypeSet:
    """A published zaaktype and the types under it, all as URLs on the target."""

    catalogus: str
    zaaktype: str
    statustypen: list[str]  # ordered by volgnummer; the last one is the final status
    resultaattype: str
    roltype: str
    eigenschap: str
    informatieobjecttype: str


def fresh_domein() -> str:
    """A catalogue's domein: five capitals (Open Zaak: "Voer alleen hoofdletters in"), not from
    the seeded rng, so a rerun with the same seed does not collide with the last run's."""
    fresh = random.Random(uuid.uuid4().int)
    return "".join(fresh.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(5))


@dataclass
class Factory:
    """Creates valid ZGW objects through the target's APIs and remembers them."""

    catalogi: ApiClient
    zaken: ApiClient | None = None
    documenten: ApiClient | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    created: list[tuple[ApiClient, str]] = field(default_factory=list)
    #: the Selectielijst / Referentielijsten values the supplier validates against
    lists: ExternalLists = field(default_factory=ExternalLists)
    besluiten: ApiClient | None = None
    #: where the standard allows two forms, the one this supplier accepts (FORMS)
    forms: dict[str, str] = field(default_factory=dict)
    #: refusals the run worked around, as evidence (conformance.engine.prepare reports them)
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: created URL -> the URLs its creation body named: what must go before it (cleanup.py);
    #: an object appended to ``created`` by hand has none known, and waits for all newer
    refers: dict[str, frozenset[str]] = field(default_factory=dict)

    def rsin(self) -> str:
        return make_rsin(self.rng)

    def two_rsins(self) -> tuple[str, str]:
        """Two different RSINs: two organisations a filter must tell apart."""
        first = self.rsin()
        second = self.rsin()
        while second == first:
            second = self.rsin()
        return first, second

    def tag(self) -> str:
        return uuid.UUID(int=self.rng.getrandbits(128)).hex[:10]

    def create(self, client: ApiClient | None, path: str, body: dict[str, Any],
               expect: tuple[int, ...] = (200, 201)) -> dict[str, Any]:
        """POST and return the created object.

        Any 2xx carrying the object is taken: whether the status is the documented
        one is judged by the contract checks, not by the data the harness needs.
        """
        if client is None:
            raise FixtureError(f"the target has no API to create {path} in")
        try:
            resp = client.post(path, body)
        except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
            # test data, not a judgement: a connection the supplier broke as it recycled a
            # worker gets one more try (a duplicate object harms nothing; the client's own
            # retry covers judged requests only where that is safe)
            resp = client.post(path, body)
        if resp.status_code not in expect:
            raise FixtureError(
                f"creating {path} on {client.base_url} answered {resp.status_code}: "
                f"{resp.text[:500]}", client.exchanges[-1].evidence() if client.exchanges
                else None)
        data = resp.json()
        if isinstance(data, dict) and isinstance(data.get("url"), str):
            self.refers[data["url"]] = urls_in(body)
            self.created.append((client, data["url"]))
        return data

    # --- Catalogi -------------------------------------------------------------

    def catalogus(self) -> dict[str, Any]:
        # (domein, rsin) is unique on the target: not from the seeded rng, so a rerun with the
        # same seed against a supplier that kept its data does not collide with the last run
        return self.create(self.catalogi, "catalogussen", {
            "domein": fresh_domein(), "rsin": self.rsin(),
            "contactpersoonBeheerNaam": "GEMMA conformance harness",
        })

    def zaaktype_body(self, catalogus: str, **overrides: Any) -> dict[str, Any]:
        today = date.today().isoformat()
        body = {
            "identificatie": f"CONF-{self.tag()}",
            "omschrijving": "Conformance test zaaktype",
            "vertrouwelijkheidaanduiding": "openbaar",
            "doel": "Testen van conformiteit",
            "aanleiding": "Conformance run",
            "indicatieInternOfExtern": "extern",
            "handelingInitiator": "aanvragen",
            "onderwerp": "Conformance",
            "handelingBehandelaar": "behandelen",
            "doorlooptijd": "P30D",
            "opschortingEnAanhoudingMogelijk": False,
            "verlengingMogelijk": False,
            "publicatieIndicatie": False,
            "productenOfDiensten": [],
            "referentieproces": {"naam": "Conformance"},
            "verantwoordelijke": "Conformance harness",
            "beginGeldigheid": today,
            "versiedatum": today,
            "catalogus": catalogus,
            "besluittypen": [],
            "gerelateerdeZaaktypen": [],
            "deelzaaktypen": [],
        }
        if self.lists.procestype:  # a resultaattype's selectielijstklasse must be of it
            body["selectielijstProcestype"] = self.lists.procestype
        body.update(overrides)
        return body

    def resultaattype_body(self, zaaktype: str, afleidingswijze: str = "afgehandeld",
                           **overrides: Any) -> dict[str, Any]:
        """A resultaattype complete enough for the strictest supplier: a selectielijstklasse
        of the zaaktype's procestype that allows the afleidingswijze, the archive nomination
        and term, and a brondatumArchiefprocedure consistent with the afleidingswijze."""
        resultaat = self.lists.resultaat_for(afleidingswijze)
        body = {
            "zaaktype": zaaktype, "omschrijving": "Toegekend",
            "resultaattypeomschrijving": self.lists.resultaattypeomschrijving,
            "selectielijstklasse": resultaat.url,
            "archiefnominatie": resultaat.waardering or "vernietigen",
            "archiefactietermijn": ARCHIEFACTIETERMIJN,
            "brondatumArchiefprocedure": consistent_brondatum(
                {"afleidingswijze": afleidingswijze}),
            "besluittypen": [],
        }
        body.update(overrides)
        return body

    def informatieobjecttype(self, catalogus: str, publish: bool = True) -> dict[str, Any]:
        iot = self.create(self.catalogi, "informatieobjecttypen", {
            "catalogus": catalogus,
            "omschrijving": f"Conformance document {self.tag()}",
            "vertrouwelijkheidaanduiding": "openbaar",
            "beginGeldigheid": date.today().isoformat(),
            "informatieobjectcategorie": "test",
        })
        if publish:
            self.publish(iot["url"])
        return iot

    def publish(self, url: str) -> dict[str, Any]:
        resp = self.catalogi.post(url.rstrip("/") + "/publish", {})
        if resp.status_code != 200:
            raise FixtureError(f"publishing {url} answered {resp.status_code}: {resp.text[:500]}",
                               self.catalogi.exchanges[-1].evidence()
                               if self.catalogi.exchanges else None)
        return resp.json()

    def zaaktype_set(self, catalogus: str | None = None, *, publish: bool = True,
                     own_deelzaaktype: bool = False, **zaaktype_overrides: Any) -> ZaaktypeSet:
        """A zaaktype complete enough to publish (Open Zaak's preconditions) and published.

        ``own_deelzaaktype``: the zaaktype names itself in ``deelzaaktypen``, so a zaak of it
        may be the hoofdzaak of another (a supplier checks that the deelzaak's zaaktype is
        one of the hoofdzaak's zaaktype's deelzaaktypen)."""
        catalogus = catalogus or self.catalogus()["url"]
        iot = self.informatieobjecttype(catalogus)
        zaaktype = self.create(self.catalogi, "zaaktypen",
                               self.zaaktype_body(catalogus, **zaaktype_overrides))["url"]
        statustypen = [
            self.create(self.catalogi, "statustypen", {
                "zaaktype": zaaktype, "omschrijving": name, "volgnummer": n,
            })["url"]
            for n, name in ((1, "Ontvangen"), (2, "Afgehandeld"))
        ]
        resultaattype = self.create(self.catalogi, "resultaattypen",
                                    self.resultaattype_body(zaaktype))["url"]
        roltype = self.create(self.catalogi, "roltypen", {
            "zaaktype": zaaktype, "omschrijving": "Behandelaar",
            "omschrijvingGeneriek": "behandelaar",
        })["url"]
        eigenschap = self.create(self.catalogi, "eigenschappen", {
            "zaaktype": zaaktype, "naam": f"kenmerk{self.tag()[:4]}", "definitie": "Test kenmerk",
            "specificatie": {"formaat": "tekst", "lengte": "100", "kardinaliteit": "1",
                             "waardenverzameling": []},
        })["url"]
        self.zaaktype_informatieobjecttype(zaaktype, iot)
        if own_deelzaaktype:
            self.own_deelzaaktype(zaaktype)
        if publish:
            self.publish(zaaktype)
        return ZaaktypeSet(catalogus, zaaktype, statustypen, resultaattype, roltype, eigenschap,
                           iot["url"])

    def own_deelzaaktype(self, zaaktype: str) -> None:
        """Let a concept zaaktype name itself in ``deelzaaktypen`` (in the accepted form)."""
        def attempt() -> dict[str, Any]:
            value = zaaktype
            if self.forms["zaaktype.deelzaaktypen"] == "identificatie":
                value = self.catalogi.get(zaaktype).json()["identificatie"]
            resp = self.catalogi.patch(zaaktype, {"deelzaaktypen": [value]})
            if resp.status_code != 200:
                raise FixtureError(f"naming {zaaktype} its own deelzaaktype answered "
                                   f"{resp.status_code}: {resp.text[:500]}",
                                   self.catalogi.exchanges[-1].evidence()
                                   if self.catalogi.exchanges else None)
            return resp.json()

        self._in_accepted_form("zaaktype.deelzaaktypen", "catalogi",
                               "zaaktype_partial_update", attempt)

    def iot_reference(self, iot: dict[str, Any], *, pinned: bool = False) -> str:
        """How a zaaktype-informatieobjecttype names its informatieobjecttype on this supplier
        (FORMS: the omschrijving, as the pinned file says, unless it accepts only the URL);
        ``pinned``: always the pinned file's form (what a contract pass must see accepted)."""
        key = "zaakinformatieobjecttype.informatieobjecttype"
        form = FORMS[key][0][0] if pinned else self.forms.get(key, FORMS[key][0][0])
        return iot["url"] if form == "url" else iot["omschrijving"]

    def ziot_body(self, zaaktype: str, iot: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        body = {"zaaktype": zaaktype, "informatieobjecttype": self.iot_reference(iot),
                "volgnummer": 1, "richting": "inkomend"}
        body.update(overrides)
        return body

    def zaaktype_informatieobjecttype(self, zaaktype: str, iot: dict[str, Any]
                                      ) -> dict[str, Any]:
        """Link the informatieobjecttype to the zaaktype, in the form the supplier accepts."""
        return self._in_accepted_form(
            "zaakinformatieobjecttype.informatieobjecttype", "catalogi",
            "zaakinformatieobjecttype_create",
            lambda: self.create(self.catalogi, "zaaktype-informatieobjecttypen",
                                self.ziot_body(zaaktype, iot)))

    def _in_accepted_form(self, key: str, api: str, operation: str,
                          attempt: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Run ``attempt`` in the form of ``key`` the supplier accepts (FORMS).

        The pinned file's form first; refused, the alternative; accepted, that form is used
        from then on and the refusal is kept as a finding with its evidence.
        """
        if key in self.forms:
            return attempt()
        forms, why = FORMS[key]
        refused: FixtureError | None = None
        for form in forms:
            self.forms[key] = form
            try:
                made = attempt()
            except FixtureError as exc:
                refused = refused or exc
                continue
            if refused is not None:
                text = {"nl": f"de leverancier weigerde {key} als {forms[0]} en aanvaardde "
                              f"het als {form}: {why['nl']}. {refused}",
                        "en": f"the supplier refused {key} as the {forms[0]} and accepted it "
                              f"as the {form}: {why['en']}. {refused}"}
                self.findings.append({
                    "kind": "workaround", "api": api, "operation": operation, "count": 1,
                    "message": text["en"], "text": text, "evidence": refused.evidence})
            return made
        del self.forms[key]
        raise refused  # type: ignore[misc]

    def besluittype(self, catalogus: str, informatieobjecttypen: list[str],
                    publish: bool = True) -> dict[str, Any]:
        """A besluittype whose besluiten may be recorded in documents of these types."""
        besluittype = self.create(self.catalogi, "besluittypen", {
            "catalogus": catalogus,
            "omschrijving": f"Conformance besluit {self.tag()}",
            "publicatieIndicatie": False,
            "informatieobjecttypen": informatieobjecttypen,
            "beginGeldigheid": date.today().isoformat(),
        })
        if publish:
            besluittype = self.publish(besluittype["url"])
        return besluittype

    # --- Besluiten ------------------------------------------------------------

    def besluit_body(self, besluittype: str, **overrides: Any) -> dict[str, Any]:
        today = date.today().isoformat()
        body = {
            "verantwoordelijkeOrganisatie": self.rsin(),
            "besluittype": besluittype,
            "datum": today,
            "ingangsdatum": today,
            "toelichting": "Conformance besluit",
        }
        body.update(overrides)
        return body

    def besluit(self, besluittype: str, **overrides: Any) -> dict[str, Any]:
        return self.create(self.besluiten, "besluiten", self.besluit_body(besluittype, **overrides))

    def besluitinformatieobject(self, besluit: str, informatieobject: str) -> dict[str, Any]:
        return self.create(self.besluiten, "besluitinformatieobjecten", {
            "besluit": besluit, "informatieobject": informatieobject,
        })

    # --- Documenten -----------------------------------------------------------

    def document(self, informatieobjecttype: str, **overrides: Any) -> dict[str, Any]:
        body = {
            "bronorganisatie": self.rsin(),
            "creatiedatum": date.today().isoformat(),
            "titel": "Conformance document",
            "auteur": "Conformance harness",
            "taal": "nld",
            "informatieobjecttype": informatieobjecttype,
            "vertrouwelijkheidaanduiding": "openbaar",
            "formaat": "text/plain",
            "bestandsnaam": "conformance.txt",
            "inhoud": base64.b64encode(b"conformance").decode(),
        }
        body.update(overrides)
        return self.create(self.documenten, "enkelvoudiginformatieobjecten", body)

    # --- Zaken ----------------------------------------------------------------

    def zaak_body(self, zaaktype: str, **overrides: Any) -> dict[str, Any]:
        body = {
            "bronorganisatie": self.rsin(),
            "verantwoordelijkeOrganisatie": self.rsin(),
            "zaaktype": zaaktype,
            "startdatum": date.today().isoformat(),
            "omschrijving": "Conformance zaak",
        }
        body.update(overrides)
        return body

    def zaak(self, zaaktype: str, **overrides: Any) -> dict[str, Any]:
        return self.create(self.zaken, "zaken", self.zaak_body(zaaktype, **overrides))

    def status(self, zaak: str, statustype: str, when: datetime | None = None) -> dict[str, Any]:
        moment = (when or datetime.now(UTC)).isoformat().replace("+00:00", "Z")
        return self.create(self.zaken, "statussen", {
            "zaak": zaak, "statustype": statustype, "datumStatusGezet": moment,
        })

    def resultaat(self, zaak: str, resultaattype: str) -> dict[str, Any]:
        return self.create(self.zaken, "resultaten", {
            "zaak": zaak, "resultaattype": resultaattype, "toelichting": "Conformance",
        })

    def rol(self, zaak: str, roltype: str) -> dict[str, Any]:
        return self.create(self.zaken, "rollen", {
            "zaak": zaak, "roltype": roltype, "betrokkeneType": "medewerker",
            "roltoelichting": "Conformance",
            "betrokkeneIdentificatie": {"identificatie": "conformance", "achternaam": "Harness"},
        })

    def resolvable_object(self, fallback: str) -> str:
        """A zaakobject's ``object`` the supplier can resolve without credentials (it may
        fetch it: Open Zaak does, and its own API answers it 403): the run's Selectielijst
        procestype where there is one, else ``fallback``."""
        return self.lists.procestype or fallback

    def zaakobject(self, zaak: str) -> dict[str, Any]:
        """A zaakobject of the zaak, its object one the supplier can resolve."""
        return self.create(self.zaken, "zaakobjecten", {
            "zaak": zaak, "objectType": "overige", "objectTypeOverige": "conformance",
            "object": self.resolvable_object(zaak)})

    def zaakinformatieobject(self, zaak: str, informatieobject: str) -> dict[str, Any]:
        return self.create(self.zaken, "zaakinformatieobjecten", {
            "zaak": zaak, "informatieobject": informatieobject,
        })

    def zaakeigenschap(self, zaak: dict[str, Any], eigenschap: str,
                       waarde: str = "waarde") -> dict[str, Any]:
        return self.create(self.zaken, f"zaken/{zaak['uuid']}/zaakeigenschappen", {
            "zaak": zaak["url"], "eigenschap": eigenschap, "waarde": waarde,
        })

    # --- Cleanup --------------------------------------------------------------

    def cleanup(self) -> list[dict[str, Any]]:
        """Delete what was made, newest first and, where nothing refers to an object any
        more, several at once (the run's max_concurrency; cleanup.py); report each, newest
        first (best effort, never raises)."""
        entries = list(reversed(self.created))
        concurrency = min((c.limits.policy.max_concurrency for c, _ in entries), default=1)
        report = remove_all(entries, [url for _, url in entries], self.refers, _remove,
                            concurrency)
        self.created.clear()
        self.refers.clear()
        return report


def _remove(entry: tuple[ApiClient, str]) -> dict[str, Any]:
    """DELETE one object the run made; what happened, as the cleanup report shows it."""
    client, url = entry
    try:
        status = client.delete(url).status_code
        if status == 400 and "/enkelvoudiginformatieobjecten/" in url:
            # a document the run left locked is not deleted (destroy-locked)
            client.post(f"{url}/unlock", {})
            status = client.delete(url).status_code
    except Exception as exc:  # noqa: BLE001 - cleanup reports, it does not fail the run
        return {"url": url, "removed": False, "error": type(exc).__name__}
    return {"url": url, "removed": status in (200, 204, 404), "status": status}
