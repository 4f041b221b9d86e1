"""Targets: the supplier environment a run is pointed at.

Credentials are referenced, not stored: ``secret_env`` names an environment
variable. A literal ``secret`` works (handy for a local test box) but warns,
because target files get committed and mailed around.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import TargetError
from .redact import for_redaction, weakness
from .safety import SafetyPolicy, policy_from_target
from .web.site import WebSite, parse_site, site_from_url
from .yamlfile import read_yaml, validate_with_schema

DEFAULT_SECRET_ENV = "CONFORMANCE_SECRET"
#: auth type whose secret is itself the Authorization header value (a webhook's ``auth``)
AUTHORIZATION = "authorization"


@dataclass(frozen=True)
class Supplier:
    name: str
    product: str
    version: str


@dataclass(frozen=True)
class AuthConfig:
    type: str  # "jwt-zgw" | "authorization" (a fixed header value, e.g. a webhook's) | "none"
    client_id: str | None = None
    secret: str | None = field(default=None, repr=False)  # never printed
    secret_source: str | None = None  # "env:NAME" or "file" (literal in the target file)
    clients: tuple[ExtraClient, ...] = ()  # further clients (authorisation rules, zrc-006)

    def client_ids(self) -> list[str]:
        return [c for c in [self.client_id, *(x.client_id for x in self.clients)] if c]

    def weak_secrets(self) -> list[tuple[str, str]]:
        """(client id, why) for each client whose secret is weak (redact.weakness)."""
        pairs = [(self.client_id, self.secret), *((c.client_id, c.secret) for c in self.clients)]
        found = [(client_id or "", weakness(secret, self.client_ids()))
                 for client_id, secret in pairs if secret]
        return [(client_id, why) for client_id, why in found if why]


@dataclass(frozen=True)
class ExtraClient:
    """A further client of the supplier, e.g. ``restricted``: the harness gives it limited
    autorisaties through the Autorisaties API to test the scope rules (zrc-006, ztc-014 ...)."""

    name: str
    client_id: str
    secret: str = field(repr=False)  # never printed
    secret_source: str | None = None


@dataclass
class Target:
    supplier: Supplier
    environment: str
    apis: dict[str, str]  # api name -> base URL without trailing slash
    auth: AuthConfig
    source: str
    embedded_reference: bool = False
    safety: SafetyPolicy = field(default_factory=SafetyPolicy)
    #: where the harness's webhook receiver listens and how the supplier reaches it
    #: (``notifications:``: listen_host, port, callback_host; engine.webhook.CallbackSettings)
    notifications: dict[str, Any] = field(default_factory=dict)
    #: ``options:``: Selectielijst / Referentielijsten values (conformance.external_lists)
    options: dict[str, Any] = field(default_factory=dict)
    #: web pages to test in a browser (``web:``; profiles with a web standard)
    web: WebSite | None = None

    def origins(self) -> set[str]:
        """scheme://host:port of every API and of the web pages; the only places the
        harness may contact."""
        found = {origin_of(url) for url in self.apis.values()}
        return found | ({self.web.origin} if self.web else set())

    def secrets(self) -> list[str]:
        """Every secret of the target, as redaction treats it (weak ones: as credentials only)."""
        found = [for_redaction(s, self.auth.client_ids())
                 for s in [self.auth.secret, *(c.secret for c in self.auth.clients)] if s]
        return found + (self.web.secrets() if self.web else [])

    def summary(self) -> dict[str, Any]:
        """The target part of results.json: no credential in it."""
        return {
            "supplier": {"name": self.supplier.name, "product": self.supplier.product,
                         "version": self.supplier.version},
            "environment": self.environment,
            "apis": dict(self.apis),
            "auth_type": self.auth.type,
            "client_id": self.auth.client_id,
            "embedded_reference": self.embedded_reference,
            **({"web": self.web.summary()} if self.web else {}),
        }


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _schema() -> dict[str, Any]:
    text = resources.files("conformance").joinpath("schemas/target.schema.json").read_text("utf-8")
    return json.loads(text)


def load_target_file(path: Path, environ: dict[str, str] | None = None) -> Target:
    env = os.environ if environ is None else environ
    doc = read_yaml(path, TargetError)
    if not isinstance(doc.data, dict):
        raise TargetError(
            f"{path}:1: a target file is a YAML mapping (supplier, environment, apis)")
    if "apis" not in doc.data and "web" not in doc.data:
        raise TargetError(f"{path}:1: a target file names 'apis' (the API roots an API profile "
                          "tests) or 'web' (the pages a web profile tests), or both")
    validate_with_schema(doc, _schema(), TargetError, "target")
    d = doc.data
    auth = _auth(d.get("auth") or {"type": "none"}, doc.where(["auth"]), env)
    web = (parse_site(d["web"], lambda p: doc.where(["web", *p]), env)
           if "web" in d else None)
    return Target(
        supplier=Supplier(**{k: str(v) for k, v in d["supplier"].items()}),
        environment=d["environment"],
        apis={name: a["base_url"].rstrip("/") for name, a in d.get("apis", {}).items()},
        auth=auth,
        source=str(path),
        safety=policy_from_target(d["environment"], d.get("safety"), d.get("tls")),
        notifications=dict(d.get("notifications") or {}),
        options=dict(d.get("options") or {}),
        web=web,
    )


def _auth(a: dict[str, Any], where: str, env: os._Environ[str] | dict[str, str]) -> AuthConfig:
    if a["type"] == "none":
        return AuthConfig("none")
    if a["type"] == AUTHORIZATION:
        return _fixed_authorization(a, where, env)
    if "client_id" not in a:
        raise TargetError(f"{where}: auth type {a['type']} needs a client_id")
    if "secret_env" in a and "secret" in a:
        raise TargetError(f"{where}: give secret_env or secret, not both")
    if "secret_env" in a:
        name = a["secret_env"]
        value = env.get(name)
        if not value:
            raise TargetError(
                f"{where}: the secret for client '{a['client_id']}' is read from environment "
                f"variable {name}, which is not set. Set it (export {name}=...) and run again."
            )
        auth = AuthConfig(a["type"], a["client_id"], value, f"env:{name}",
                          _clients(a, where, env))
        _warn_weak(auth, where)
        return auth
    if "secret" in a:
        warnings.warn(
            f"{where}: the target file holds a literal secret; prefer secret_env so the file "
            "can be shared without the credential", stacklevel=2,
        )
        auth = AuthConfig(a["type"], a["client_id"], a["secret"], "file", _clients(a, where, env))
        _warn_weak(auth, where)
        return auth
    raise TargetError(f"{where}: auth type {a['type']} needs secret_env (or a literal secret)")


def _warn_weak(auth: AuthConfig, where: str) -> None:
    """A weak secret still certifies, with a warning: it is the supplier's test box, but the
    buyer should know that anyone who knows the client id can sign its tokens."""
    for client_id, why in auth.weak_secrets():
        warnings.warn(
            f"{where}: the secret of client '{client_id}' is weak ({why}): whoever knows "
            "the client id can sign tokens for it. Give the client a random secret of 32 "
            "or more characters. (Evidence masks this secret only where it stands as a "
            "credential, not every occurrence of the word.)", stacklevel=3)


def _fixed_authorization(a: dict[str, Any], where: str,
                         env: os._Environ[str] | dict[str, str]) -> AuthConfig:
    """``type: authorization``: the exact ``Authorization`` value the supplier expects (what a
    consumer registers as an abonnement's ``auth``), from an environment variable."""
    name = a.get("secret_env")
    if not name:
        raise TargetError(f"{where}: auth type authorization needs secret_env, the environment "
                          "variable that holds the Authorization value (e.g. 'Bearer ...')")
    value = env.get(name)
    if not value:
        raise TargetError(
            f"{where}: the Authorization value is read from environment variable {name}, which "
            f"is not set. Set it to the value the webhook expects (export {name}='Token ...') "
            "and run again.")
    return AuthConfig(AUTHORIZATION, None, value, f"env:{name}")


def _clients(a: dict[str, Any], where: str, env: os._Environ[str] | dict[str, str]
             ) -> tuple[ExtraClient, ...]:
    """``auth.clients``: further clients, each with its own secret from the environment."""
    found: list[ExtraClient] = []
    for i, c in enumerate(a.get("clients") or []):
        here = f"{where}.clients[{i}]"
        if c["client_id"] == a["client_id"] or any(
                c["client_id"] == f.client_id or c["name"] == f.name for f in found):
            raise TargetError(f"{here}: client '{c['name']}' ({c['client_id']}) repeats another "
                              "client's name or client_id; every client must be distinct")
        value = env.get(c["secret_env"])
        if not value:
            raise TargetError(
                f"{here}: the secret for client '{c['client_id']}' is read from environment "
                f"variable {c['secret_env']}, which is not set. Set it (export "
                f"{c['secret_env']}=...) or remove the client, and run again.")
        found.append(ExtraClient(c["name"], c["client_id"], value, f"env:{c['secret_env']}"))
    return tuple(found)


def target_from_url(url: str, api: str, *, client_id: str | None,
                    environ: dict[str, str] | None = None) -> Target:
    """``--target URL``: one API, credentials from CONFORMANCE_SECRET when it is set."""
    env = os.environ if environ is None else environ
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError(
            f"--target {url!r}: expected a target file (.yaml) or an http(s) base URL such as "
            "https://api.example.nl/zaken/api/v1"
        )
    secret = env.get(DEFAULT_SECRET_ENV)
    auth = (AuthConfig("jwt-zgw", client_id or "conformance", secret, f"env:{DEFAULT_SECRET_ENV}")
            if secret else AuthConfig("none"))
    host = parts.hostname
    return Target(
        supplier=Supplier(name=host, product=host, version="unknown"),
        environment="test",
        apis={api: url.rstrip("/")},
        auth=auth,
        source=url,
    )


def target_from_page(url: str) -> Target:
    """``--target URL`` for a web profile: that page at the default viewports, no login."""
    site = site_from_url(url)
    host = urlsplit(url).hostname or url
    return Target(supplier=Supplier(name=host, product=host, version="unknown"),
                  environment="test", apis={}, auth=AuthConfig("none"), source=url, web=site)
