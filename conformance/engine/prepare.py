"""Prepare the data a run needs on the target, per tested API.

Each tested API names a preparer (``PREPARERS``): a function that creates through
the target's own APIs what valid requests must refer to, and returns the fixtures
for the suites and a data adapter for the contract pass. A failure here makes the
run incomplete, never conformant.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..client import ApiClient, ClientLimitError
from ..external_lists import ExternalLists, ListsError, discover
from ..profiles import Profile
from ..zgw import Factory, FixtureError


@dataclass
class Preparation:
    factory: Factory | None = None
    fixtures: dict[str, Any] = field(default_factory=dict)
    adapters: dict[str, Any] = field(default_factory=dict)  # api -> data adapter
    error: str | None = None
    clients: dict[str, ApiClient] = field(default_factory=dict)
    notifications: dict[str, Any] = field(default_factory=dict)  # the target's webhook settings
    closers: list[Callable[[], None]] = field(default_factory=list)  # run at clean-up
    notes: list[str] = field(default_factory=list)  # for results.json run.notes
    client_id: str | None = None  # the run's own client (its applicatie is one of the listed)


Preparer = Callable[[Profile, Factory, dict[str, dict[str, Any]], Preparation, int], None]

# tested api -> "module:function"; a preparer adds fixtures and adapters to the Preparation
PREPARERS: dict[str, str] = {
    "zaken": "conformance.engine.data_zaken:prepare_zaken",
    "catalogi": "conformance.engine.data_catalogi:prepare_catalogi",
    "documenten": "conformance.engine.data_documenten:prepare_documenten",
    "autorisaties": "conformance.engine.data_autorisaties:prepare_autorisaties",
    "besluiten": "conformance.engine.data_besluiten:prepare_besluiten",
    "notificaties": "conformance.engine.data_notificaties:prepare_notificaties",
    "vwl-bewerking": "conformance.engine.data_verwerkingen:prepare_verwerkingen",
    "vwl-inzage": "conformance.engine.data_verwerkingen:prepare_verwerkingen",
    "webhook": "conformance.engine.data_webhook:prepare_webhook",  # a notification consumer
}
NEEDS_NO_CATALOGI = {"notificaties", "vwl-bewerking", "vwl-inzage", "webhook"}


def prepare(profile: Profile, clients: dict[str, ApiClient], seed: int,
            specs: dict[str, dict[str, Any]],
            notifications: dict[str, Any] | None = None,
            options: dict[str, Any] | None = None, client_id: str | None = None
            ) -> Preparation:
    apis = [s.api for s in profile.tested_standards() if s.api in PREPARERS]
    if not apis or ("catalogi" not in clients and set(apis) - NEEDS_NO_CATALOGI):
        return Preparation()
    # (an NRC-only target has no Catalogi API: its preparer makes nothing there)
    prep = Preparation(clients=clients, notifications=notifications or {}, client_id=client_id)
    lists = _external_lists(options or {}, clients, prep.notes)
    prep.factory = Factory(catalogi=clients.get("catalogi"), zaken=clients.get("zaken"),  # type: ignore[arg-type]
                           documenten=clients.get("documenten"), rng=random.Random(seed),
                           besluiten=clients.get("besluiten"), lists=lists)
    prep.fixtures["external_lists"] = lists.to_dict()
    factory = prep.factory
    try:
        for api in apis:
            module, _, name = PREPARERS[api].partition(":")
            preparer: Preparer = getattr(importlib.import_module(module), name)
            preparer(profile, factory, specs, prep, seed)
    except (FixtureError, httpx.HTTPError, ClientLimitError, ValueError, KeyError) as exc:
        prep.error = f"{type(exc).__name__}: {exc}"
    prep.fixtures["forms"] = dict(factory.forms)  # the suites' factories use the same forms
    return prep


def _external_lists(options: dict[str, Any], clients: dict[str, ApiClient],
                    notes: list[str]) -> ExternalLists:
    """The Selectielijst / Referentielijsten values of the run; a service named in the target
    that gives none is noted, and the next source is used."""
    try:
        lists = discover(options, clients)
    except (ListsError, httpx.HTTPError, ClientLimitError, ValueError) as exc:
        notes.append(f"reference lists: the service named in the target gave no usable values "
                     f"({type(exc).__name__}: {exc}); the next source was used")
        rest = {k: v for k, v in clients.items() if k not in ("selectielijst", "referentielijsten")}
        lists = discover({}, rest)
    notes.append(f"reference lists (Selectielijst, Referentielijsten) from {lists.source}")
    return lists


