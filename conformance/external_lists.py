"""The lists outside the ZGW APIs that a supplier validates test data against.

A catalogus refers to the Selectielijst (a zaaktype's ``selectielijstProcestype``, a
resultaattype's ``selectielijstklasse`` and ``resultaattypeomschrijving``) and a zaak to the
Referentielijsten (``communicatiekanaal``). A supplier checks such a URL against the
Selectielijst / Referentielijsten API *it* is configured with (Open Zaak fetches it and
refuses what does not resolve), so the harness must use values from that same service.

Where the values come from, first that applies (recorded in the results as ``source``):

1. the target file names them (``options.selectielijst``, ``options.referentielijsten``);
2. the target file names the service (``apis.selectielijst`` / ``apis.referentielijsten``):
   the harness reads a procestype, its resultaten and the omschrijvingen from it;
3. the supplier's own published catalogue already uses some: a published zaaktype's
   procestype and one of its resultaattypen's selectielijstklasse and omschrijving;
4. the public VNG lists, as a last resort (a supplier configured with another service
   refuses them, and the refusal says so).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from .client import ApiClient, ClientLimitError

#: The public VNG Selectielijst (the hosted VNG-referentielijsten), the last resort.
VNG_SELECTIELIJST = "https://selectielijst.openzaak.nl/api/v1"
VNG_RESULTAAT = f"{VNG_SELECTIELIJST}/resultaten/cc5ae4e3-a9e6-4386-bcee-46be4986a829"
VNG_OMSCHRIJVING = (f"{VNG_SELECTIELIJST}/resultaattypeomschrijvingen/"
                    "e6a0c939-3404-45b0-88e3-76c94fb80ea7")

#: Selectielijst ``procestermijn`` -> the afleidingswijzen a resultaattype may then use
#: (the Selectielijst's own semantics, as Open Zaak enforces them): ``nihil`` leaves only
#: ``afgehandeld``, an estimated lifetime of the process object only ``termijn``, every other
#: term anything but ``afgehandeld``; an empty procestermijn does not constrain.
ONLY = {"nihil": {"afgehandeld"}, "ingeschatte_bestaansduur_procesobject": {"termijn"}}
AFLEIDINGSWIJZEN = frozenset({
    "afgehandeld", "ander_datumkenmerk", "eigenschap", "gerelateerde_zaak", "hoofdzaak",
    "ingangsdatum_besluit", "termijn", "vervaldatum_besluit", "zaakobject"})


def allowed_afleidingswijzen(procestermijn: str | None) -> frozenset[str]:
    """What a selectielijstklasse with this procestermijn allows (None: not known, so all)."""
    if not procestermijn:
        return AFLEIDINGSWIJZEN
    return frozenset(ONLY.get(procestermijn, AFLEIDINGSWIJZEN - {"afgehandeld"}))


@dataclass(frozen=True)
class Resultaat:
    """A Selectielijst resultaat (a selectielijstklasse) of the run's procestype."""

    url: str
    procestermijn: str | None = None  # None: not known (named in the target, or discovered)
    waardering: str | None = None  # vernietigen | blijvend_bewaren, when known
    #: afleidingswijzen the supplier is known to accept with it (from its own catalogue)
    accepted: tuple[str, ...] = ()

    def allows(self, afleidingswijze: str) -> bool:
        if self.accepted and self.procestermijn is None:
            return afleidingswijze in self.accepted
        return afleidingswijze in allowed_afleidingswijzen(self.procestermijn)


@dataclass
class ExternalLists:
    """The Selectielijst and Referentielijsten values a run puts in its test data."""

    #: None: no procestype is known, so zaaktypen are made without one
    procestype: str | None = None
    resultaten: list[Resultaat] = field(default_factory=lambda: [Resultaat(VNG_RESULTAAT)])
    resultaattypeomschrijving: str = VNG_OMSCHRIJVING
    #: None: no Referentielijsten API is known (zaken are made without a communicatiekanaal)
    communicatiekanaal: str | None = None
    source: str = "the public VNG Selectielijst (last resort)"

    def resultaat_for(self, afleidingswijze: str = "afgehandeld") -> Resultaat:
        """A resultaat of the procestype that allows ``afleidingswijze``; the first one when
        none is known to (the supplier's refusal then says why)."""
        fitting = [r for r in self.resultaten if r.allows(afleidingswijze)]
        return (fitting or self.resultaten)[0]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ExternalLists:
        if not data:
            return cls()
        data = dict(data)
        data["resultaten"] = [Resultaat(r["url"], r.get("procestermijn"), r.get("waardering"),
                                        tuple(r.get("accepted") or ()))
                              for r in data.get("resultaten") or []]
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class ListsError(Exception):
    """A service named in the target did not give usable values (what, where)."""


def discover(options: dict[str, Any], clients: dict[str, ApiClient]) -> ExternalLists:
    """The values a run uses, from the first source that has them (module docstring)."""
    lists = ExternalLists()
    named = options.get("selectielijst") or {}
    if named.get("resultaten"):
        lists = ExternalLists(
            procestype=named.get("procestype"),
            resultaten=[Resultaat(url) for url in named["resultaten"]],
            resultaattypeomschrijving=named.get("resultaattypeomschrijving", VNG_OMSCHRIJVING),
            source="the target file (options.selectielijst)")
    elif "selectielijst" in clients:
        lists = _from_selectielijst_api(clients["selectielijst"])
    elif "catalogi" in clients:
        lists = _from_catalogue(clients["catalogi"]) or lists
    kanaal = (options.get("referentielijsten") or {}).get("communicatiekanaal")
    if kanaal:
        lists.communicatiekanaal = kanaal
    elif "referentielijsten" in clients:
        lists.communicatiekanaal = _first_url(clients["referentielijsten"], "communicatiekanalen")
    return lists


def _results(client: ApiClient, path: str, params: dict[str, Any] | None = None
             ) -> list[dict[str, Any]]:
    """The items of a Selectielijst/Referentielijsten list: a bare array or a page of one."""
    resp = client.get(path, params=params, auth=False)
    if resp.status_code != 200:
        raise ListsError(f"GET {client.url(path)} answered HTTP {resp.status_code}")
    body = resp.json()
    items = body.get("results") if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise ListsError(f"GET {client.url(path)} gave no list")
    return [i for i in items if isinstance(i, dict) and isinstance(i.get("url"), str)]


def _first_url(client: ApiClient, path: str) -> str:
    items = _results(client, path)
    if not items:
        raise ListsError(f"{client.url(path)} is empty")
    return items[0]["url"]


def _from_selectielijst_api(client: ApiClient) -> ExternalLists:
    """A procestype with resultaten that allow every afleidingswijze between them (those with
    an empty procestermijn, which constrains nothing, first), from the named service."""
    best: tuple[int, str, list[Resultaat]] | None = None
    for procestype in _results(client, "procestypen"):
        resultaten = [Resultaat(r["url"], r.get("procestermijn") or "", r.get("waardering"))
                      for r in _results(client, "resultaten",
                                        {"procesType": procestype["url"]})
                      if r.get("procesType") in (None, procestype["url"])]
        if not resultaten:
            continue
        resultaten.sort(key=lambda r: (bool(r.procestermijn), r.procestermijn or ""))
        reach = len(set().union(*(allowed_afleidingswijzen(r.procestermijn)
                                  for r in resultaten)))
        if best is None or reach > best[0]:
            best = (reach, procestype["url"], resultaten)
        if reach == len(AFLEIDINGSWIJZEN):
            break
    if best is None:
        raise ListsError(f"the Selectielijst API at {client.base_url} lists no procestype "
                         "with resultaten")
    return ExternalLists(procestype=best[1], resultaten=best[2],
                         resultaattypeomschrijving=_first_url(client,
                                                              "resultaattypeomschrijvingen"),
                         source=f"the Selectielijst API at {client.base_url} (apis.selectielijst)")


def _from_catalogue(catalogi: ApiClient) -> ExternalLists | None:
    """What the supplier's published catalogue already uses: the procestype of a published
    zaaktype and the selectielijstklasse of one of its resultaattypen."""
    try:
        resp = catalogi.get("zaaktypen", params={"status": "definitief"})
        zaaktypen = resp.json().get("results", []) if resp.status_code == 200 else []
        for zaaktype in zaaktypen[:20]:
            procestype = zaaktype.get("selectielijstProcestype") if isinstance(
                zaaktype, dict) else None
            if not procestype:
                continue
            found = catalogi.get("resultaattypen", params={"zaaktype": zaaktype["url"]})
            for rt in (found.json().get("results", []) if found.status_code == 200 else []):
                klasse, omschrijving = rt.get("selectielijstklasse"), rt.get(
                    "resultaattypeomschrijving")
                how = (rt.get("brondatumArchiefprocedure") or {}).get("afleidingswijze")
                if klasse and omschrijving:
                    return ExternalLists(
                        procestype=procestype,
                        resultaten=[Resultaat(klasse, None, rt.get("archiefnominatie") or None,
                                              (how,) if how else ())],
                        resultaattypeomschrijving=omschrijving,
                        source=f"the supplier's own catalogue (zaaktype {zaaktype['url']})")
    except (httpx.HTTPError, ClientLimitError, ValueError, AttributeError, TypeError):
        return None
    return None
