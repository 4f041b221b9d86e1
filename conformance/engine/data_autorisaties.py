"""Data for the Autorisaties API and the scope rules: applicaties for a restricted client.

The scope rules (zrc-006, zrc-007/-008 scopes, ztc-014, drc-009 forced unlock) need a second
client whose rights the harness chooses. A target names it under ``auth.clients``; the harness
gives it an applicatie through the target's Autorisaties API (with the main client's rights),
asks as that client, and afterwards removes the applicatie (or restores the one the client
already had). Without an Autorisaties API or a
second client these rules cannot be tested: the suites say "not applicable" with the reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pytest

from ..auth import TokenSource
from ..client import ApiClient, Limits
from ..parts import api_part, client_part, lacks
from ..profiles import Profile
from ..targets import AuthConfig
from ..zgw import Factory, FixtureError, default_headers
from .adapters import DataAdapter

RESTRICTED = "restricted"  # the name of the further client the scope rules use
NO_AC = lacks(api_part("autorisaties"), "without an Autorisaties API the harness cannot give "
              "a client limited rights (add the API under 'apis: autorisaties')")
NO_CLIENT = lacks(client_part(RESTRICTED), "without a second client the harness cannot ask "
                  "with limited rights (add one under auth.clients, name: restricted)")


def prepare_autorisaties(profile: Profile, factory: Factory, specs: dict[str, dict[str, Any]],
                         prep: Any, seed: int) -> None:
    """A published zaaktype, so zrc autorisaties can name a zaaktype the target knows; the
    contract adapter, which reads the applicaties the target lists."""
    if "zaaktype_set" not in prep.fixtures:
        prep.fixtures["zaaktype_set"] = dataclasses.asdict(factory.zaaktype_set())
    adapter = AutorisatiesAdapter(factory=factory, client_id=prep.client_id or "",
                                  ignored_query=profile.contract.get("ignored_query", []))
    client = prep.clients.get("autorisaties")
    resp = client.get("applicaties") if client is not None else None
    if resp is not None and resp.status_code == 200:
        with contextlib.suppress(ValueError, AttributeError):
            for applicatie in resp.json().get("results") or []:
                adapter.remember(applicatie)
    prep.adapters["autorisaties"] = adapter


@dataclass(kw_only=True)
class AutorisatiesAdapter(DataAdapter):
    """The contract pass reads applicaties only (ac-1.0): filters name the harness's client,
    paths the applicaties the target lists."""

    client_id: str

    def url_filters(self) -> dict[str, str]:
        return {"clientId": self.client_id, "clientIds": self.client_id}

    def adapt(self, case: Any) -> None:
        self.positive_query(case)
        with self._lock:
            self.positive_path(case)


def zrc(zaaktype: str, scopes: list[str], level: str = "zeer_geheim") -> dict[str, Any]:
    return {"component": "zrc", "scopes": scopes, "zaaktype": zaaktype,
            "maxVertrouwelijkheidaanduiding": level}


def drc(informatieobjecttype: str, scopes: list[str], level: str = "zeer_geheim"
        ) -> dict[str, Any]:
    return {"component": "drc", "scopes": scopes, "informatieobjecttype": informatieobjecttype,
            "maxVertrouwelijkheidaanduiding": level}


@dataclass
class Autorisaties:
    """The Autorisaties API (as the main client) and a restricted client to give rights to."""

    ac: ApiClient
    apis: dict[str, str]
    limits: Limits
    client_id: str | None = None
    secret: str | None = field(default=None, repr=False)
    made: list[str] = field(default_factory=list)  # applicatie URLs to remove afterwards
    originals: list[dict[str, Any]] = field(default_factory=list)  # to restore afterwards
    granted: str | None = None  # the restricted client's applicatie during this test
    clients: list[ApiClient] = field(default_factory=list)
    #: the test's own clients: the restricted ones join them, so failures show their exchanges
    registry: dict[str, ApiClient] = field(default_factory=dict)

    def require_client(self) -> None:
        if not self.client_id or not self.secret:
            pytest.skip(NO_CLIENT)

    def applicatie(self, client_ids: list[str], *, label: str = "Conformance harness (test)",
                   autorisaties: list[dict[str, Any]] | None = None,
                   alles: bool = False) -> Any:
        """POST an applicatie; the response is returned as is (the test judges it)."""
        body: dict[str, Any] = {"clientIds": client_ids, "label": label,
                                "heeftAlleAutorisaties": alles,
                                "autorisaties": autorisaties or []}
        resp = self.ac.post("applicaties", body)
        if resp.status_code in (200, 201):
            url = resp.json().get("url")
            if isinstance(url, str):
                self.made.append(url)
        return resp

    def grant(self, autorisaties: list[dict[str, Any]]) -> dict[str, ApiClient]:
        """Give the restricted client exactly these autorisaties; API clients acting as it.

        An applicatie the client already has is changed (PUT) and restored afterwards, never
        deleted; otherwise one is made and removed afterwards.
        """
        self.require_client()
        assert self.client_id is not None
        body = {"clientIds": [self.client_id], "label": "Conformance harness (restricted)",
                "heeftAlleAutorisaties": False, "autorisaties": autorisaties}
        if self.granted is None:
            existing = self._existing(self.client_id)
            if existing is not None:
                self.originals.append(existing)
                self.granted = existing["url"]
        if self.granted is None:
            resp = self.applicatie([self.client_id], label=body["label"],
                                   autorisaties=autorisaties)
            if resp.status_code in (200, 201):
                self.granted = resp.json()["url"]
        else:
            resp = self.ac.put(self.granted, {**body, "clientIds": self._ids(self.granted)})
        if resp.status_code not in (200, 201):
            raise FixtureError(f"giving client {self.client_id} an applicatie answered "
                               f"{resp.status_code}: {resp.text[:500]}")
        tokens = TokenSource(AuthConfig("jwt-zgw", self.client_id, self.secret))
        made = {api: ApiClient(url, self.limits, tokens,
                               default_headers=default_headers(api))
                for api, url in self.apis.items()}
        self.clients.extend(made.values())
        self.registry.update({f"{RESTRICTED}:{api}": c for api, c in made.items()})
        return made

    def _ids(self, url: str) -> list[str]:
        """The client ids of an applicatie as they were (a PUT keeps the other ids)."""
        for original in self.originals:
            if original["url"] == url:
                return list(original.get("clientIds") or [self.client_id])
        return [str(self.client_id)]

    def _existing(self, client_id: str) -> dict[str, Any] | None:
        resp = self.ac.get("applicaties", params={"clientIds": client_id})
        if resp.status_code != 200:
            raise FixtureError(f"listing the applicaties of client {client_id} answered "
                               f"{resp.status_code}: {resp.text[:500]}")
        found = [a for a in resp.json().get("results") or []
                 if isinstance(a, dict) and client_id in (a.get("clientIds") or [])]
        return found[0] if found else None

    def cleanup(self) -> None:
        """Remove the applicaties this test made, restore the ones it changed (best effort),
        and close the clients."""
        for url in reversed(self.made):
            with contextlib.suppress(Exception):  # cleanup must not hide the test's outcome
                self.ac.delete(url)
        for original in self.originals:
            restored = {k: original.get(k) for k in ("clientIds", "label",
                                                     "heeftAlleAutorisaties")}
            restored["autorisaties"] = [
                {k: v for k, v in a.items() if k != "componentWeergave"}
                for a in original.get("autorisaties") or [] if isinstance(a, dict)]
            with contextlib.suppress(Exception):
                self.ac.put(original["url"], restored)
        self.made.clear()
        self.originals.clear()
        self.granted = None
        for client in self.clients:
            client.close()
