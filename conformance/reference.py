"""The embedded reference supplier, started on loopback for `run` and `serve-reference`.

The supplier itself lives in ``fixtures/`` (package ``conformance_fixtures``); this
module only finds its specs (through the same pinned-spec resolution as a run)
and hands it credentials.
"""

from __future__ import annotations

import secrets as secrets_module
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .profiles import load_profile
from .specs import SpecResolver
from .targets import AuthConfig, Supplier, Target

DEFAULT_CLIENT_ID = "conformance"
DEFAULT_SECRET = "reference-secret-change-me"
#: API the supplier serves -> the profile whose pinned spec (baseline version) it serves.
SPEC_PROFILES: dict[str, str] = {
    "zaken": "zrc-1.5",
    "catalogi": "zrc-1.5",
    "documenten": "zrc-1.5",
}
APIS = tuple(SPEC_PROFILES)


def reference_spec_paths(resolver: SpecResolver) -> dict[str, Path]:
    profiles = {pid: load_profile(pid) for pid in set(SPEC_PROFILES.values())}
    return {api: resolver.resolve(profiles[pid].standards[api].openapi)
            for api, pid in SPEC_PROFILES.items()}


def defects() -> dict[str, str]:
    from conformance_fixtures.reference_supplier import DEFECTS

    return dict(DEFECTS)


@contextmanager
def embedded_target(resolver: SpecResolver, defect_names: frozenset[str] = frozenset()
                    ) -> Iterator[Target]:
    """Start the reference supplier with a fresh random secret; yield a target for it."""
    from conformance_fixtures.reference_supplier import ReferenceServer

    secret = secrets_module.token_urlsafe(32)
    server = ReferenceServer(spec_paths=reference_spec_paths(resolver),
                             client_id=DEFAULT_CLIENT_ID, secret=secret, defects=defect_names)
    with server:
        yield Target(
            supplier=Supplier("Referentieleverancier (ingebouwd)", "GEMMA conformance reference "
                              "supplier", "embedded"),
            environment="test",
            apis={api: server.api_url(api) for api in APIS},
            auth=AuthConfig("jwt-zgw", DEFAULT_CLIENT_ID, secret, "generated"),
            source="embedded reference supplier",
            embedded_reference=True,
        )
