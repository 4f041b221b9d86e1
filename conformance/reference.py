"""The embedded references, started on loopback for `run` and `serve-reference`.

The reference supplier (the ZGW provider APIs) and the reference consumer (the receiving side
of notifications) live in ``fixtures/`` (package ``conformance_fixtures``); this module only
finds the supplier's specs (through the same pinned-spec resolution as a run), hands each its
credentials, and picks the one a profile tests: a profile that tests the API ``webhook`` (a
notification consumer, e.g. nrc-ontvangen-1.0) gets the consumer, every other the supplier.
"""

from __future__ import annotations

import secrets as secrets_module
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from . import __version__
from .engine.data_verwerkingen import NORMAL_CLIENT, NORMAL_SCOPES
from .profiles import Profile, load_profile
from .specs import SpecResolver
from .targets import AUTHORIZATION, AuthConfig, ExtraClient, Supplier, Target

DEFAULT_CLIENT_ID = "conformance"
EMBEDDED_NOTIFICATION_WAIT_S = 3.0
RESTRICTED_NAME = "restricted"
RESTRICTED_CLIENT_ID = "conformance-restricted"
NORMAL_CLIENT_ID = "conformance-vwl-normaal"
#: how a target file serve-reference wrote starts (it may replace such a file, no other)
TARGET_FILE_HEADER = "# The reference supplier"
#: where a hand-started reference supplier's clients take their secrets from (serve-reference)
SECRET_ENVS = {"main": "CONFORMANCE_SECRET", RESTRICTED_NAME: "CONFORMANCE_SECRET_2",
               "vwl-normaal": "CONFORMANCE_SECRET_3"}
#: API the supplier serves -> the profile whose pinned spec (baseline version) it serves.
SPEC_PROFILES: dict[str, str] = {
    "zaken": "zrc-1.5",
    "catalogi": "zrc-1.5",
    "documenten": "zrc-1.5",
    "besluiten": "brc-1.1",
    "autorisaties": "ac-1.0",
    "notificaties": "nrc-1.0",
    "vwl-bewerking": "vwl-0.9",
    "vwl-inzage": "vwl-0.9",
}
APIS = tuple(SPEC_PROFILES)
#: the lists outside the ZGW APIs it also serves (conformance.external_lists reads them)
LIST_APIS = ("selectielijst", "referentielijsten")
#: the API name under which a profile tests a notification consumer's webhook
CONSUMER_API = "webhook"


def reference_spec_paths(resolver: SpecResolver) -> dict[str, Path]:
    profiles = {pid: load_profile(pid) for pid in set(SPEC_PROFILES.values())}
    return {api: resolver.resolve(profiles[pid].standards[api].openapi)
            for api, pid in SPEC_PROFILES.items()}


def defects() -> dict[str, str]:
    from conformance_fixtures.reference_supplier import DEFECTS

    return dict(DEFECTS)


@contextmanager
def embedded_target(resolver: SpecResolver, defect_names: frozenset[str] = frozenset(),
                    apis: tuple[str, ...] = APIS, latency_ms: int = 0) -> Iterator[Target]:
    """Start the reference supplier with a fresh random secret; yield a target for it that
    names ``apis`` (all it serves by default; fewer make the rules that need the others
    not applicable, which is cheaper where those rules are not the point) and, always, its
    own Selectielijst and Referentielijsten (``LIST_APIS``), which its catalogue and zaken
    refer to. ``latency_ms`` delays each answer, concurrently, as a real supplier's would be
    (benchmarks of the real-supplier regime; 0: none)."""
    with embedded_supplier(resolver, defect_names, apis, latency_ms) as (_, target):
        yield target


@contextmanager
def embedded_supplier(resolver: SpecResolver, defect_names: frozenset[str] = frozenset(),
                      apis: tuple[str, ...] = APIS, latency_ms: int = 0
                      ) -> Iterator[tuple[Any, Target]]:
    """embedded_target, with the running ReferenceServer beside the target: for a benchmark
    that reads what the supplier saw (its ``latency`` middleware's counters)."""
    from conformance_fixtures.reference_supplier import ReferenceServer

    auth = reference_auth({})
    with ReferenceServer(**server_credentials(auth), spec_paths=reference_spec_paths(resolver),
                         defects=defect_names, latency_ms=latency_ms) as server:
        yield server, Target(
            supplier=Supplier("Referentieleverancier (ingebouwd)", "GEMMA conformance reference "
                              "supplier", "embedded"),
            environment="test",
            apis={api: server.api_url(api) for api in (*apis, *LIST_APIS)},
            auth=auth,
            source="embedded reference supplier",
            embedded_reference=True,
            # it delivers notifications on loopback within milliseconds
            notifications={"wait_s": EMBEDDED_NOTIFICATION_WAIT_S},
        )


def reference_auth(environ: Mapping[str, str], main_secret: str | None = None) -> AuthConfig:
    """The reference supplier's three clients: the main one; ``restricted``, without rights
    of its own (the scope rules give it an applicatie); ``vwl-normaal``, with only the normal
    Verwerkingenlogging scopes, as its administrator would set them. Each secret comes from
    ``main_secret`` (the main one), else its variable in ``environ`` (SECRET_ENVS), else is
    generated (its source says so)."""
    def secret(name: str) -> tuple[str, str]:
        given = main_secret if name == "main" and main_secret else environ.get(SECRET_ENVS[name])
        if given:
            return given, ("given" if given == main_secret else f"env:{SECRET_ENVS[name]}")
        return secrets_module.token_urlsafe(32), "generated"

    restricted = ExtraClient(RESTRICTED_NAME, RESTRICTED_CLIENT_ID, *secret(RESTRICTED_NAME))
    normaal = ExtraClient(NORMAL_CLIENT, NORMAL_CLIENT_ID, *secret(NORMAL_CLIENT))
    return AuthConfig("jwt-zgw", DEFAULT_CLIENT_ID, *secret("main"), clients=(restricted, normaal))


def server_credentials(auth: AuthConfig) -> dict[str, Any]:
    """ReferenceServer / serve_forever keyword arguments for the clients of ``auth``."""
    return {"client_id": auth.client_id, "secret": auth.secret,
            "clients": {c.client_id: c.secret for c in auth.clients},
            "client_scopes": {c.client_id: frozenset(NORMAL_SCOPES)
                              for c in auth.clients if c.name == NORMAL_CLIENT}}


def reference_target_file(base_url: str, api_url: Callable[[str], str], auth: AuthConfig
                          ) -> str:
    """A complete target file for a hand-started reference supplier: every API it serves,
    its lists, and its three clients, each secret read from its variable (SECRET_ENVS)."""
    envs = {DEFAULT_CLIENT_ID: SECRET_ENVS["main"],
            **{c.client_id: SECRET_ENVS[c.name] for c in auth.clients}}
    document = {
        "supplier": {"name": "Referentieleverancier", "product": "GEMMA conformance reference "
                     "supplier", "version": __version__},
        "environment": "test",
        "apis": {api: {"base_url": api_url(api)} for api in (*APIS, *LIST_APIS)},
        "auth": {"type": "jwt-zgw", "client_id": auth.client_id,
                 "secret_env": envs[auth.client_id or ""],
                 "clients": [{"name": c.name, "client_id": c.client_id,
                              "secret_env": envs[c.client_id]} for c in auth.clients]},
        # it delivers notifications on loopback within milliseconds
        "notifications": {"wait_s": EMBEDDED_NOTIFICATION_WAIT_S},
    }
    header = (f"{TARGET_FILE_HEADER} on {base_url}, written by `conformance serve-reference "
              "--write-target`.\n# Certify it with `conformance run --target <this file>` "
              f"while it runs, with {', '.join(envs.values())} set as it printed them.\n")
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def tests_a_consumer(profile: Profile) -> bool:
    """Whether the profile certifies a notification consumer (its tested API is ``webhook``)."""
    return any(s.api == CONSUMER_API for s in profile.tested_standards())


def consumer_defects() -> dict[str, str]:
    from conformance_fixtures.reference_consumer import DEFECTS

    return dict(DEFECTS)


def defects_for(profile: Profile) -> dict[str, str]:
    """The defect switches of the reference the profile certifies by default."""
    return consumer_defects() if tests_a_consumer(profile) else defects()


@contextmanager
def embedded_consumer_target(defect_names: frozenset[str] = frozenset()) -> Iterator[Target]:
    """Start the reference consumer with a fresh random Authorization value; yield its target:
    the webhook as ``apis.webhook``, that value as auth, and the kanalen it consumes."""
    from conformance_fixtures.reference_consumer import ReferenceConsumer

    with ReferenceConsumer(defects=defect_names) as consumer:
        yield Target(
            supplier=Supplier("Referentieconsument (ingebouwd)", "GEMMA conformance reference "
                              "consumer", "embedded"),
            environment="test",
            apis={CONSUMER_API: consumer.callback_url},
            auth=AuthConfig(AUTHORIZATION, None, consumer.auth_value, "generated"),
            source="embedded reference consumer",
            embedded_reference=True,
            notifications={"kanalen": list(consumer.kanalen)},
        )


@contextmanager
def embedded_for(profile: Profile, resolver: SpecResolver,
                 defect_names: frozenset[str] = frozenset(),
                 apis: tuple[str, ...] = APIS, latency_ms: int = 0) -> Iterator[Target]:
    """The embedded reference the profile certifies: the consumer or the supplier.
    ``latency_ms`` (the supplier only) delays each of its answers, as in embedded_target."""
    if tests_a_consumer(profile):
        if latency_ms:
            raise ValueError("latency_ms applies to the reference supplier, not the consumer")
        with embedded_consumer_target(defect_names) as target:
            yield target
    else:
        with embedded_target(resolver, defect_names, apis, latency_ms) as target:
            yield target
