"""Profiles: load, validate (JSON Schema + cross-references) and list them.

A profile is data. It names requirements and the checks that prove them; the
checks themselves live in the engine (schemathesis checks) and in
``conformance.suites`` (pytest tests).
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ProfileError
from .parts import api_part, client_part
from .yamlfile import YamlDocument, parse_yaml, validate_with_schema

# The schemathesis checks a profile may name (schemathesis 4.32, plus ours).
SCHEMATHESIS_CHECKS = frozenset({
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
    "positive_data_acceptance", "missing_required_header", "unsupported_method",
    "allow_header_conformance", "use_after_free", "ensure_resource_availability",
    "ignored_auth",
})


@dataclass(frozen=True)
class PinnedSpec:
    url: str
    sha256: str
    file: str


@dataclass(frozen=True)
class RefMapping:
    ref: str
    spec: PinnedSpec


@dataclass(frozen=True)
class WebStandard:
    """A standard for web pages (WCAG), tested in a browser by a pinned axe-core build.

    ``not_exercised`` and ``needs_review`` are the profile's declared reasons (nl, en) for a
    criterion that was neither passed nor failed: none of its rules found anything to check,
    or axe-core left what it found to a person. Such a criterion is disclosed, never passed.
    """

    url: str
    engine: dict[str, str]  # name, version, sha256 of the script the run must use
    not_exercised: dict[str, str]
    needs_review: dict[str, str]


@dataclass
class Standard:
    api: str
    name: str
    version: str
    openapi: PinnedSpec  # empty (url/sha256/file "") when ``from_target`` or ``web``
    role: str = "tested"
    refs: list[RefMapping] = field(default_factory=list)
    depends: list[str] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    # no pinned spec: the run reads ``<API root>/openapi.json`` of the target itself
    from_target: bool = False
    #: operationId -> why the contract pass leaves it out ({nl, en}, shown on the certificate)
    excluded: dict[str, dict[str, str]] = field(default_factory=dict)
    web: WebStandard | None = None  # web pages instead of an API (conformance.web)


@dataclass(frozen=True)
class SchemathesisCheck:
    api: str
    checks: tuple[str, ...]
    operations: tuple[str, ...] | None  # None: every operation of the standard
    #: counts only where the generated traffic gave it something to judge (a stateful or
    #: coverage-phase check); another check of the requirement must exercise it for certain
    when_applied: bool = False

    def ids(self) -> list[str]:
        return [f"schemathesis:{self.api}:{c}" for c in self.checks]


@dataclass(frozen=True)
class SuiteCheck:
    ref: str  # "conformance.suites.zrc:test_name"

    @property
    def module(self) -> str:
        return self.ref.split(":", 1)[0]

    @property
    def function(self) -> str:
        return self.ref.split(":", 1)[1]

    def ids(self) -> list[str]:
        return [f"suite:{self.ref}"]


@dataclass(frozen=True)
class AxeCheck:
    """axe-core rules run on every page of a web target; ``axe:<rule>`` per rule."""

    rules: tuple[str, ...]

    def ids(self) -> list[str]:
        return [f"axe:{r}" for r in self.rules]


@dataclass
class Requirement:
    id: str
    level: str
    class_: str
    title: dict[str, str]
    source: str
    checks: list[SchemathesisCheck | SuiteCheck | AxeCheck]
    not_tested: str | None = None
    not_tested_text: dict[str, str] | None = None  # the reason in Dutch and English, if given
    # set on requirements taken from an included profile (e.g. adr-2.1 inside zrc-1.5)
    part: str | None = None  # id of the included profile the requirement comes from
    inherited: str | None = None  # the standard itself breaks the rule: reported, not counted
    #: aspects (engine/triage.py ASPECTS) whose deviations count against this requirement only
    owns: tuple[str, ...] = ()


@dataclass
class ConformanceClass:
    name: str
    required: bool
    title: dict[str, str]


@dataclass
class Profile:
    id: str
    title: dict[str, str]
    version: str
    gemma: dict[str, Any]
    standards: dict[str, Standard]
    classes: dict[str, ConformanceClass]
    requirements: list[Requirement]
    contract: dict[str, Any]
    source: str
    sha256: str
    includes: list[dict[str, Any]] = field(default_factory=list)  # id, version, sha256
    #: ``requires``: {"apis": {api: reason}, "clients": {name: reason}} the component must offer
    requires: dict[str, dict[str, str]] = field(default_factory=dict)

    def missing_parts(self, apis: set[str], clients: set[str]) -> list[dict[str, str]]:
        """What the profile requires that a target with these APIs and clients leaves out."""
        required = self.requires
        found = [{"part": api_part(api), "reason": why}
                 for api, why in (required.get("apis") or {}).items() if api not in apis]
        found += [{"part": client_part(name), "reason": why}
                  for name, why in (required.get("clients") or {}).items() if name not in clients]
        return found

    def required_classes(self) -> set[str]:
        return {c.name for c in self.classes.values() if c.required}

    def tested_standards(self) -> list[Standard]:
        return [s for s in self.standards.values() if s.role == "tested"]

    @property
    def web(self) -> WebStandard | None:
        """The web standard of a web profile (pages in a browser), None for an API profile."""
        return next((s.web for s in self.standards.values() if s.web is not None), None)

    def summary(self) -> dict[str, Any]:
        """The profile part of results.json."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "sha256": self.sha256,
            "provenance": provenance(self.id, self.version, self.sha256),
            "gemma": self.gemma,
            "classes": {c.name: {"required": c.required, "title": c.title}
                        for c in self.classes.values()},
            "standards": [_standard_summary(s) for s in self.standards.values()],
            **({"includes": [dict(i) for i in self.includes]} if self.includes else {}),
        }


def _standard_summary(s: Standard) -> dict[str, Any]:
    if s.web is not None:  # no OpenAPI: the criteria's text and the checking engine
        return {"api": s.api, "name": s.name, "version": s.version, "url": s.web.url,
                "sha256": None, "engine": dict(s.web.engine)}
    if s.from_target:  # filled in by the run with what the target published
        return {"api": s.api, "name": s.name, "version": s.version, "url": "", "sha256": None,
                "from_target": True}
    return {"api": s.api, "name": s.name, "version": s.version, "url": s.openapi.url,
            "sha256": s.openapi.sha256,
            "refs": [{"ref": r.ref, "url": r.spec.url, "sha256": r.spec.sha256}
                     for r in s.refs]}


def _schema() -> dict[str, Any]:
    text = resources.files("conformance").joinpath("schemas/profile.schema.json").read_text("utf-8")
    return json.loads(text)


#: (text digest, source, include chain) -> parsed profile. Parsing a large profile with line
#: numbers and its includes costs about a second; a process that runs many checks (the nightly
#: runner, the test suite) parses each text once. Callers get a copy, never the cached object.
_PARSED: dict[tuple[str, str, tuple[str, ...]], Profile] = {}


def parse_profile(text: str, source: str, _including: tuple[str, ...] = ()) -> Profile:
    """Parse and validate a profile; every problem is a ``ProfileError('file:line: ...')``."""
    key = (hashlib.sha256(text.encode("utf-8")).hexdigest(), source, _including)
    if key not in _PARSED:
        _PARSED[key] = _parse_profile(text, source, _including)
    return copy.deepcopy(_PARSED[key])


def _parse_profile(text: str, source: str, _including: tuple[str, ...]) -> Profile:
    doc = parse_yaml(text, source, ProfileError)
    if not isinstance(doc.data, dict):
        raise ProfileError(f"{source}:1: a profile is a YAML mapping (id, title, standards, ...)")
    _check_requirement_forms(doc)
    validate_with_schema(doc, _schema(), ProfileError, "profile")
    profile = _build(doc, hashlib.sha256(text.encode("utf-8")).hexdigest())
    _check_references(profile, doc)
    from .gemma import check_profile_gemma  # the GEMMA map: certified standards must exist

    check_profile_gemma(profile.gemma, doc.where)
    for i, inc in enumerate(doc.data.get("includes", [])):
        _include(profile, inc, doc.where(["includes", i]), (*_including, profile.id))
    return profile


def _include(profile: Profile, inc: dict[str, Any], where: str,
             chain: tuple[str, ...]) -> None:
    """Merge an included profile's requirements with their applicability.

    ``class`` puts them in one of the including profile's classes (so that profile decides
    whether they count for its certificate); without it the included classes come along.

    ``applies`` (the default) runs and counts the rule; ``inherited: <reason>`` runs and
    reports it but never counts it against the supplier (the standard itself breaks the
    rule); ``not_applicable: <reason>`` discloses it untested.
    """
    name = inc["profile"]
    beside = Path(where.split(":", 1)[0]).parent / name  # a file next to the including one
    if name.endswith((".yaml", ".yml")) and not Path(name).is_absolute() and beside.is_file():
        name = str(beside)
    if len(chain) > 1:  # also stops a profile that includes itself
        raise ProfileError(f"{where}: '{chain[-1]}' is included by '{chain[0]}' and includes "
                           f"'{name}' itself; include that directly (one level of includes)")
    try:
        included = _load(name, chain)
    except ProfileError as exc:
        raise ProfileError(f"{where}: cannot include profile '{name}': {exc}") from None
    if included.id == profile.id:
        raise ProfileError(f"{where}: profile '{profile.id}' includes itself")
    ids = {r.id for r in included.requirements}
    applicability: dict[str, Any] = inc.get("applicability", {})
    unknown = sorted(set(applicability) - ids)
    if unknown:
        raise ProfileError(f"{where}: applicability names {', '.join(unknown)}, which profile "
                           f"'{name}' does not have (it has {', '.join(sorted(ids))})")
    own = {r.id for r in profile.requirements}
    into = inc.get("class")  # the including profile's class the rules count in, or their own
    if into is not None and into not in profile.classes:
        raise ProfileError(f"{where}: class '{into}' is not under 'classes' "
                           f"({', '.join(profile.classes)})")
    if into is None:
        for cname, cls in included.classes.items():
            profile.classes.setdefault(cname, cls)
    for req in included.requirements:
        if req.id in own:
            raise ProfileError(f"{where}: requirement id '{req.id}' of '{name}' is also a "
                               f"requirement of '{profile.id}'; ids are stable keys")
        rule = applicability.get(req.id, "applies")
        applies = not (isinstance(rule, dict) and "not_applicable" in rule)
        if applies and any(isinstance(c, SchemathesisCheck) for c in req.checks):
            raise ProfileError(f"{where}: requirement '{req.id}' of '{name}' uses a schemathesis "
                               "check over the included profile's own API; mark it "
                               "not_applicable (the including profile tests its pinned standard)")
        req.part = included.id
        req.class_ = into or req.class_
        if isinstance(rule, dict) and "inherited" in rule:
            req.inherited = rule["inherited"]
        elif isinstance(rule, dict) and "not_applicable" in rule:
            req.checks, req.not_tested = [], f"not applicable: {rule['not_applicable']}"
        profile.requirements.append(req)
    profile.includes.append({"id": included.id, "version": included.version,
                             "sha256": included.sha256, "title": included.title})


def load_profile_file(path: Path) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read profile: {exc}") from None
    return parse_profile(text, str(path))


def builtin_profile_ids() -> list[str]:
    files = resources.files("conformance.builtin_profiles")
    return sorted(p.name[:-5] for p in files.iterdir() if p.name.endswith(".yaml"))


def builtin_profile(profile_id: str) -> tuple[str, str] | None:
    """(version, sha256 of its text) of the built-in profile with this id, else None."""
    if profile_id not in builtin_profile_ids():
        return None
    profile = _builtin(profile_id, ())
    return profile.version, profile.sha256


def provenance(profile_id: str, version: str, sha256: str) -> str:
    """Whether a profile is the published built-in profile of its id (``builtin``), a changed
    copy of it (``changed``: same id and version, other text), a built-in id at another
    version than this tool has (``other_version``) or a profile of its own (``custom``)."""
    builtin = builtin_profile(profile_id)
    if builtin is None:
        return "custom"
    builtin_version, builtin_sha256 = builtin
    if sha256 == builtin_sha256:
        return "builtin"
    return "changed" if version == builtin_version else "other_version"


def load_profile(name_or_path: str) -> Profile:
    """A built-in profile by id (``zrc-1.5``) or a profile file by path."""
    return _load(name_or_path, ())


def _load(name_or_path: str, chain: tuple[str, ...]) -> Profile:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(f"{path}: cannot read profile: {exc}") from None
        return parse_profile(text, str(path), chain)
    if name_or_path not in builtin_profile_ids():
        known = ", ".join(builtin_profile_ids())
        raise ProfileError(
            f"unknown profile '{name_or_path}': built-in profiles are {known}; "
            "or give the path of a profile file"
        )
    return _builtin(name_or_path, chain)


def _builtin(profile_id: str, chain: tuple[str, ...]) -> Profile:
    resource = resources.files("conformance.builtin_profiles").joinpath(f"{profile_id}.yaml")
    return parse_profile(resource.read_text("utf-8"), f"profiles/{profile_id}.yaml", chain)


def _check_requirement_forms(doc: YamlDocument) -> None:
    """Give the two commonest mistakes a plainer message than the schema's oneOf would."""
    reqs = doc.data.get("requirements")
    if not isinstance(reqs, list):
        return
    for i, req in enumerate(reqs):
        if not isinstance(req, dict):
            continue
        rid = req.get("id", f"#{i + 1}")
        has_checks = bool(req.get("checks"))
        if not has_checks and "not_tested" not in req:
            raise ProfileError(
                f"{doc.where(['requirements', i])}: requirement '{rid}' has neither checks nor "
                "not_tested: add at least one check, or 'not_tested: <reason>'"
            )
        if has_checks and "not_tested" in req:
            raise ProfileError(
                f"{doc.where(['requirements', i, 'not_tested'])}: requirement '{rid}' has checks "
                "and not_tested: keep one"
            )


def _pinned(d: dict[str, Any] | None) -> PinnedSpec:
    if d is None or d.get("from_target"):
        return PinnedSpec(url="", sha256="", file="")
    return PinnedSpec(url=d["url"], sha256=d["sha256"], file=d["file"])


def _build(doc: YamlDocument, sha256: str) -> Profile:
    d = doc.data
    standards = {
        api: Standard(
            api=api, name=s["name"], version=str(s["version"]),
            openapi=_pinned(s.get("openapi")), role=s.get("role", "tested"),
            refs=[RefMapping(r["ref"], PinnedSpec(r["url"], r["sha256"], r["file"]))
                  for r in s.get("refs", [])],
            depends=list(s.get("depends", [])), operations=list(s.get("operations", [])),
            from_target=bool((s.get("openapi") or {}).get("from_target")),
            excluded=dict(s.get("excluded", {})),
            web=WebStandard(url=s["web"]["url"], engine=dict(s["web"]["engine"]),
                            not_exercised=s["web"]["not_exercised"],
                            needs_review=s["web"]["needs_review"]) if "web" in s else None,
        )
        for api, s in d["standards"].items()
    }
    classes = {
        name: ConformanceClass(name, c["required"], c["title"]) for name, c in d["classes"].items()
    }
    requirements = []
    for r in d["requirements"]:
        checks: list[SchemathesisCheck | SuiteCheck | AxeCheck] = []
        for c in r.get("checks", []):
            if "schemathesis" in c:
                s = c["schemathesis"]
                ops = tuple(s["operations"]) if "operations" in s else None
                checks.append(SchemathesisCheck(s["api"], tuple(s["checks"]), ops,
                                                bool(s.get("when_applied", False))))
            elif "axe" in c:
                checks.append(AxeCheck(tuple(c["axe"]["rules"])))
            else:
                checks.append(SuiteCheck(c["suite"]))
        reason = r.get("not_tested")
        requirements.append(Requirement(
            id=r["id"], level=r["level"], class_=r["class"], title=r["title"], source=r["source"],
            checks=checks, not_tested=reason["en"] if isinstance(reason, dict) else reason,
            not_tested_text=dict(reason) if isinstance(reason, dict) else None,
            owns=tuple(r.get("owns", ())),
        ))
    return Profile(
        id=d["id"], title=d["title"], version=str(d["version"]), gemma=d["gemma"],
        standards=standards, classes=classes, requirements=requirements,
        contract=d.get("contract", {}), source=doc.source, sha256=sha256,
        requires={k: dict(v) for k, v in (d.get("requires") or {}).items()},
    )


def _check_references(profile: Profile, doc: YamlDocument) -> None:
    """Cross-references the schema cannot express: ids, classes, apis, checks, suites."""
    seen: set[str] = set()
    for i, req in enumerate(profile.requirements):
        where = doc.where(["requirements", i])
        if req.id in seen:
            raise ProfileError(
                f"{where}: requirement id '{req.id}' is used twice; ids are stable keys")
        seen.add(req.id)
        if req.class_ not in profile.classes:
            raise ProfileError(
                f"{doc.where(['requirements', i, 'class'])}: requirement '{req.id}' names class "
                f"'{req.class_}', which is not under 'classes' ({', '.join(profile.classes)})"
            )
        if req.checks and all(getattr(c, "when_applied", False) for c in req.checks):
            raise ProfileError(
                f"{where}: requirement '{req.id}' has only when_applied checks, so it might "
                "never be exercised; add a check that always runs (e.g. a suite test)")
        for j, check in enumerate(req.checks):
            cwhere = doc.where(["requirements", i, "checks", j])
            if (profile.web is None) == isinstance(check, AxeCheck):
                raise ProfileError(
                    f"{cwhere}: requirement '{req.id}': "
                    + ("axe checks need a standard with 'web' (pages in a browser)"
                       if profile.web is None else "a web profile runs axe checks only"))
            if isinstance(check, SchemathesisCheck):
                _check_schemathesis(profile, req, check, cwhere)
            elif isinstance(check, SuiteCheck):
                _check_suite(req, check, cwhere)
    _check_spec_gaps(profile, doc)
    web = [api for api, std in profile.standards.items() if std.web is not None]
    if web and (len(profile.standards) > 1 or doc.data.get("includes")):
        raise ProfileError(f"{doc.where(['standards', web[0]])}: a web profile has one "
                           "standard (its 'web' one) and includes no other profile")
    if not any(c.required for c in profile.classes.values()):
        raise ProfileError(f"{doc.where(['classes'])}: at least one class must be required: true")
    for api, std in profile.standards.items():
        for dep in std.depends:
            if dep not in profile.standards:
                raise ProfileError(
                    f"{doc.where(['standards', api, 'depends'])}: standard '{api}' depends on "
                    f"'{dep}', which the profile does not pin under 'standards'"
                )


def _check_spec_gaps(profile: Profile, doc: YamlDocument) -> None:
    """A spec gap names operations the profile tests (or 'all')."""
    known = {op for std in profile.tested_standards() for op in std.operations}
    for i, rule in enumerate(profile.contract.get("spec_gaps", [])):
        ops = rule.get("operations")
        unknown = sorted(set(ops) - known) if known and isinstance(ops, list) else []
        if unknown:
            raise ProfileError(
                f"{doc.where(['contract', 'spec_gaps', i, 'operations'])}: spec gap names "
                f"operation(s) {', '.join(unknown)}, which the profile does not test (its "
                "standards' operations)")


def _check_schemathesis(profile: Profile, req: Requirement, check: SchemathesisCheck,
                        where: str) -> None:
    std = profile.standards.get(check.api)
    if std is None:
        raise ProfileError(
            f"{where}: requirement '{req.id}' checks api '{check.api}', which is not under "
            f"'standards' ({', '.join(profile.standards)})"
        )
    for name in check.checks:
        if name not in SCHEMATHESIS_CHECKS:
            raise ProfileError(
                f"{where}: requirement '{req.id}' names unknown schemathesis check '{name}'; "
                f"known: {', '.join(sorted(SCHEMATHESIS_CHECKS))}"
            )
    for op in check.operations or ():
        if std.operations and op not in std.operations:
            raise ProfileError(
                f"{where}: requirement '{req.id}' names operation '{op}', which is not in "
                f"standards.{check.api}.operations"
            )


def _check_suite(req: Requirement, check: SuiteCheck, where: str) -> None:
    try:
        module = importlib.import_module(check.module)
    except ImportError as exc:
        raise ProfileError(
            f"{where}: requirement '{req.id}' names suite module '{check.module}', which cannot "
            f"be imported: {exc}"
        ) from None
    if not callable(getattr(module, check.function, None)):
        raise ProfileError(
            f"{where}: requirement '{req.id}' names '{check.ref}', but {check.module} has no "
            f"test '{check.function}'"
        )
