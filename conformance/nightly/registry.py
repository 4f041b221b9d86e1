"""The registry file: which suppliers a shared-service centre checks, against what, how gently.

Paths in it (targets, profile files) are relative to the registry file, so a centre keeps
one folder under version control. Errors point at ``file:line`` like every other input.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..engine.budget import BUDGETS
from ..errors import UsageError
from ..profiles import builtin_profile_ids, load_profile
from ..yamlfile import parse_yaml, validate_with_schema

DEFAULT_WINDOW = 3
DEFAULT_TIMEOUT_S = 1800.0
DEFAULT_REQUEST_TIMEOUT_S = 15.0


class RegistryError(UsageError):
    """The registry file is invalid; the message starts with ``file:line:`` (exit 2)."""


@dataclass(frozen=True)
class Safety:
    """How hard and how long the nightly may test one supplier."""

    budget: str | None = None  # None: the --budget of the command
    timeout_s: float = DEFAULT_TIMEOUT_S
    request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S
    #: runs against this supplier at the same time (each keeps to its target's own
    #: max_concurrency requests in flight); the registry's old name for it is `concurrency`
    parallel_runs: int = 1


@dataclass(frozen=True)
class Certificate:
    id: str
    url: str | None = None
    valid_until: str | None = None


@dataclass(frozen=True)
class ProfileRef:
    arg: str  # what `conformance run --profile` gets: a built-in id or an absolute file path
    key: str  # the profile's id: the name the history keeps


@dataclass(frozen=True)
class SupplierEntry:
    name: str
    target: Path  # absolute
    profiles: tuple[ProfileRef, ...]
    safety: Safety
    certificates: dict[str, Certificate] = field(default_factory=dict)


@dataclass(frozen=True)
class Pair:
    """One (supplier, profile) check of a nightly."""

    supplier: SupplierEntry
    profile: ProfileRef

    @property
    def key(self) -> tuple[str, str]:
        return (self.supplier.name, self.profile.key)


@dataclass(frozen=True)
class Registry:
    source: Path
    digest: str  # sha256 of the file's bytes: part of the default nightly id
    title: str
    suppliers: tuple[SupplierEntry, ...]
    window: int
    webhooks: tuple[str, ...]

    def pairs(self) -> list[Pair]:
        return sorted((Pair(s, p) for s in self.suppliers for p in s.profiles),
                      key=lambda pair: pair.key)

    def certificate(self, supplier: str, profile_key: str) -> Certificate | None:
        for s in self.suppliers:
            if s.name == supplier:
                return s.certificates.get(profile_key)
        return None


def _is_file(profile: str) -> bool:
    return profile.endswith((".yaml", ".yml"))


def _schema() -> dict[str, Any]:
    text = resources.files("conformance").joinpath("schemas/registry.schema.json").read_text(
        "utf-8")
    return json.loads(text)


def load_registry(path: Path) -> Registry:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegistryError(f"{path}: registry file not found; check the path") from None
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read registry: {exc}") from None
    doc = parse_yaml(raw.decode("utf-8", errors="replace"), str(path), RegistryError)
    if not isinstance(doc.data, dict):
        raise RegistryError(f"{path}:1: a registry is a YAML mapping with a 'suppliers' list")
    validate_with_schema(doc, _schema(), RegistryError, "registry")
    data = doc.data
    base = path.resolve().parent
    defaults = _safety(data.get("defaults") or {}, Safety())
    suppliers: list[SupplierEntry] = []
    seen: dict[str, int] = {}
    known_profiles: dict[str, str] = {}  # profile id -> file, to refuse two files with one id
    for i, s in enumerate(data["suppliers"]):
        where = doc.where(["suppliers", i])
        if s["name"] in seen:
            raise RegistryError(f"{where}: supplier name '{s['name']}' is used twice (also "
                                f"entry {seen[s['name']] + 1}); names identify a history")
        seen[s["name"]] = i
        target = (base / s["target"]).resolve()
        if not target.is_file():
            raise RegistryError(f"{doc.where(['suppliers', i, 'target'])}: target file "
                                f"{s['target']} not found (looked for {target}); paths are "
                                "relative to the registry file")
        profiles: list[ProfileRef] = []
        by_given: dict[str, str] = {}
        for j, p in enumerate(s["profiles"]):
            pwhere = doc.where(["suppliers", i, "profiles", j])
            ref = _profile(p, base, pwhere)
            if known_profiles.setdefault(ref.key, ref.arg) != ref.arg:
                raise RegistryError(f"{pwhere}: profile '{p}' has the id '{ref.key}', like "
                                    f"{known_profiles[ref.key]}; the history could not tell "
                                    "them apart. Give one of them another id.")
            if ref in profiles:
                raise RegistryError(f"{pwhere}: profile '{p}' is listed twice")
            profiles.append(ref)
            by_given[p] = ref.key
        certs = {}
        for pid, c in (s.get("certificates") or {}).items():
            if pid not in by_given and pid not in by_given.values():
                raise RegistryError(f"{doc.where(['suppliers', i, 'certificates', pid])}: "
                                    f"certificate for profile '{pid}', which is not among "
                                    f"this supplier's profiles {s['profiles']}")
            certs[by_given.get(pid, pid)] = Certificate(
                str(c["id"]), c.get("url"),
                str(c["valid_until"]) if c.get("valid_until") is not None else None)
        suppliers.append(SupplierEntry(s["name"], target, tuple(profiles),
                                       _safety(s.get("safety") or {}, defaults), certs))
    return Registry(
        source=path, digest=hashlib.sha256(raw).hexdigest(),
        title=str(data.get("title") or "Nachtelijke conformiteitscontrole"),
        suppliers=tuple(suppliers),
        window=int((data.get("status") or {}).get("window", DEFAULT_WINDOW)),
        webhooks=tuple(data.get("webhooks") or ()),
    )


def _profile(given: str, base: Path, where: str) -> ProfileRef:
    """A built-in id stays an id; a file becomes an absolute path, loaded once to validate it."""
    if not _is_file(given):
        if given not in builtin_profile_ids():
            raise RegistryError(f"{where}: unknown profile '{given}'; built-in profiles are "
                                f"{', '.join(builtin_profile_ids())}, or give a profile file "
                                "(.yaml) relative to the registry")
        return ProfileRef(given, given)
    path = (base / given).resolve()
    if not path.is_file():
        raise RegistryError(f"{where}: profile file {given} not found (looked for {path})")
    try:
        profile = load_profile(str(path))
    except UsageError as exc:
        raise RegistryError(f"{where}: profile {given} is invalid: {exc}") from None
    return ProfileRef(str(path), profile.id)


def _safety(d: dict[str, Any], base: Safety) -> Safety:
    budget = d.get("budget", base.budget)
    assert budget is None or budget in BUDGETS  # the schema's enum
    return Safety(budget=budget,
                  timeout_s=float(d.get("timeout_s", base.timeout_s)),
                  request_timeout_s=float(d.get("request_timeout_s", base.request_timeout_s)),
                  parallel_runs=int(d.get("parallel_runs", d.get("concurrency",
                                                                 base.parallel_runs))))
