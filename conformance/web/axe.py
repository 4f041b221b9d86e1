"""axe-core as bundled by axe-playwright-python: its identity, and its own rule metadata.

The mapping from WCAG success criteria to axe-core rules is never typed by hand: it is read
from the rules' tags (``wcag111`` -> 1.1.1) in the axe-core build the harness runs, with the
rule selection axe-core itself uses for "WCAG 2.1 AA": the version tags wcag2a, wcag2aa,
wcag21a and wcag21aa, minus the rules axe-core marks experimental or deprecated
(``axe._audit.tagExclude``). Reading the metadata needs a JavaScript engine, so it is done in
the same headless Chromium the runs use.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from .wcag import CRITERIA

#: axe-core's tags for WCAG 2.0/2.1 level A and AA (version tags do not nest: all four)
VERSION_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
_SC_TAG = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")
_VERSION_LINE = re.compile(r"/\*!\s*axe\s+v(\d+\.\d+\.\d+)")


@dataclass(frozen=True)
class Engine:
    """The axe-core build a run uses: what the profile pins and results.json records."""

    name: str
    version: str
    sha256: str
    binding: str  # the Python package that bundles it, with its version

    def summary(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "sha256": self.sha256,
                "binding": self.binding}


@cache
def axe_script() -> str:
    """The bundled ``axe.min.js`` (imported lazily: only web runs need it)."""
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


@cache
def engine() -> Engine:
    from importlib.metadata import version

    script = axe_script()
    found = _VERSION_LINE.search(script[:200])
    return Engine(name="axe-core", version=found.group(1) if found else "unknown",
                  sha256=hashlib.sha256(script.encode("utf-8")).hexdigest(),
                  binding=f"axe-playwright-python {version('axe-playwright-python')}")


@dataclass(frozen=True)
class Rule:
    id: str
    tags: tuple[str, ...]
    help: str

    @property
    def criteria(self) -> tuple[str, ...]:
        """The success criteria the rule's tags name (``wcag1412`` -> ``1.4.12``)."""
        found = []
        for tag in self.tags:
            match = _SC_TAG.match(tag)
            if match:
                found.append(".".join(match.groups()))
        return tuple(found)


def read_rules(page: Any) -> list[Rule]:
    """The active WCAG 2.1 A/AA rules of the bundled axe-core, read in a Playwright page.

    Active: carrying one of :data:`VERSION_TAGS` and none of the tags axe-core excludes by
    default from a tag selection (experimental, deprecated).
    """
    page.evaluate(axe_script())
    excluded = set(page.evaluate("axe._audit.tagExclude"))
    rules = page.evaluate("axe.getRules()")
    return sorted((Rule(r["ruleId"], tuple(r["tags"]), r.get("help", "")) for r in rules
                   if set(r["tags"]) & set(VERSION_TAGS) and not set(r["tags"]) & excluded),
                  key=lambda r: r.id)


def criteria_rules(rules: list[Rule]) -> dict[str, list[str]]:
    """Success criterion -> the ids of the rules that test it, for the 50 A/AA criteria.

    A rule may test several criteria (link-name: 2.4.4 and 4.1.2); tags naming a criterion
    outside A/AA (e.g. wcag213, 2.1.3 at AAA) are left out: see :func:`other_criteria`.
    """
    mapping: dict[str, list[str]] = {c.id: [] for c in CRITERIA}
    for rule in rules:
        for sc in rule.criteria:
            if sc in mapping:
                mapping[sc].append(rule.id)
    return {sc: sorted(ids) for sc, ids in mapping.items()}


def other_criteria(rules: list[Rule]) -> dict[str, list[str]]:
    """Criteria outside the 50 that active rules also name (AAA ones), for the record."""
    known = {c.id for c in CRITERIA}
    other: dict[str, list[str]] = {}
    for rule in rules:
        for sc in rule.criteria:
            if sc not in known:
                other.setdefault(sc, []).append(rule.id)
    return other
