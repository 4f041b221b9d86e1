"""The embedded references, started on loopback for `run` and `serve-reference`.

The reference supplier (the ZGW provider APIs) and the reference consumer (the receiving side
of notifications) live in ``fixtures/`` (package ``conformance_fixtures``); this module only
finds the supplier's specs (through the same pinned-spec resolution as a run), hands each its
credentials, and picks the one a profile tests: a profile that tests the API ``webhook`` (a
notification consumer, e.g. nrc-ontvangen-1.0) gets the consumer, every other the supplier.
"""

from __future__ import annotations

import secrets as secrets_module
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .profiles import Profile, load_profile
from .specs import SpecResolver
from .targets import AUTHORIZATION, AuthConfig, ExtraClient, Supplier, Target

DEFAULT_CLIENT_ID = "conformance"
DEFAULT_SECRET = "reference-secret-change-me"
EMBEDDED_NOTIFICATION_WAIT_S = 3.0
RESTRICTED_NAME = "restricted"
RESTRICTED_CLIENT_ID = "conformance-restricted"
NORMAL_CLIENT_ID = "conformance-vwl-normaal"
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
                    apis: tuple[str, ...] = APIS) -> Iterator[Target]:
    """Start the reference supplier with a fresh random secret; yield a target for it that
    names ``apis`` (all it serves by default; fewer make the rules that need the others
    not applicable, which is cheaper where those rules are not the point) and, always, its
    own Selectielijst and Referentielijsten (``LIST_APIS``), which its catalogue and zaken
    refer to."""
    from conformance_fixtures.reference_supplier import ReferenceServer

    from .engine.data_verwerkingen import NORMAL_CLIENT, NORMAL_SCOPES

    secret = secrets_module.token_urlsafe(32)
    # a second client without rights of its own: the scope rules give it an applicatie
    restricted = ExtraClient(RESTRICTED_NAME, RESTRICTED_CLIENT_ID,
                             secrets_module.token_urlsafe(32), "generated")
    # a third with only the normal Verwerkingenlogging scopes, as its administrator set them
    normaal = ExtraClient(NORMAL_CLIENT, NORMAL_CLIENT_ID, secrets_module.token_urlsafe(32),
                          "generated")
    server = ReferenceServer(spec_paths=reference_spec_paths(resolver),
                             client_id=DEFAULT_CLIENT_ID, secret=secret, defects=defect_names,
                             clients={c.client_id: c.secret for c in (restricted, normaal)},
                             client_scopes={normaal.client_id: frozenset(NORMAL_SCOPES)})
    with server:
        yield Target(
            supplier=Supplier("Referentieleverancier (ingebouwd)", "GEMMA conformance reference "
                              "supplier", "embedded"),
            environment="test",
            apis={api: server.api_url(api) for api in (*apis, *LIST_APIS)},
            auth=AuthConfig("jwt-zgw", DEFAULT_CLIENT_ID, secret, "generated",
                            clients=(restricted, normaal)),
            source="embedded reference supplier",
            embedded_reference=True,
            # it delivers notifications on loopback within milliseconds
            notifications={"wait_s": EMBEDDED_NOTIFICATION_WAIT_S},
        )


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
                 apis: tuple[str, ...] = APIS) -> Iterator[Target]:
    """The embedded reference the profile certifies: the consumer or the supplier."""
    if tests_a_consumer(profile):
        with embedded_consumer_target(defect_names) as target:
            yield target
    else:
        with embedded_target(resolver, defect_names, apis) as target:
            yield target
