"""The GEMMA landscape: which standards each reference component needs, and which of those
links a profile can certify.

The map (``conformance/data/gemma_map.json``) is generated from the GEMMA model extract by
``conformance/tools/gemma_map.py``. A profile says what it certifies in its own ``gemma:``
section (``certifies:``, the GEMMA standard names it tests). It covers the link
(component, standard) when it certifies the standard and either names that component or is
``generic`` (bound to no component: it certifies the standard for every component GEMMA links
it to, e.g. the receiving side of notifications). Nothing else is inferred.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from .errors import ProfileError

if TYPE_CHECKING:
    from .profiles import Profile

ROLES = ("verplicht", "aanbevolen")
ROLE_NAMES = {"verplicht": "Verplicht", "aanbevolen": "Aanbevolen"}


@dataclass(frozen=True)
class GemmaMap:
    """The shipped map: components in use with their links, and every GEMMA standard."""

    source: dict[str, Any]
    components: dict[str, dict[str, list[str]]]
    standards: dict[str, dict[str, Any]]
    interface_providers: list[str]

    def find_component(self, name: str) -> str | None:
        """The component's exact name (matched without regard to case), or None."""
        if name in self.components:
            return name
        lowered = {c.lower(): c for c in self.components}
        return lowered.get(name.strip().lower())

    def suggest(self, name: str, names: Iterable[str] | None = None) -> list[str]:
        pool = list(self.components if names is None else names)
        return difflib.get_close_matches(name, pool, n=3, cutoff=0.5)

    def link_count(self, role: str) -> int:
        return sum(len(links[role]) for links in self.components.values())


@functools.cache
def load_map() -> GemmaMap:
    text = resources.files("conformance").joinpath("data/gemma_map.json").read_text("utf-8")
    data = json.loads(text)
    return GemmaMap(data["source"], data["components"], data["standards"],
                    data["interface_providers"])


# --- what a profile certifies -------------------------------------------------------------


@dataclass(frozen=True)
class Certification:
    """One profile's claim: these standards, for its component (or for any, when generic)."""

    profile: str
    version: str
    component: str
    generic: bool
    certifies: tuple[str, ...]

    @classmethod
    def of(cls, profile: Profile) -> Certification:
        gemma = profile.gemma
        return cls(profile.id, profile.version, str(gemma.get("component", "")),
                   bool(gemma.get("generic")), tuple(gemma.get("certifies") or ()))

    def covers(self, component: str, standard: str) -> bool:
        return standard in self.certifies and (self.generic or self.component == component)


def check_profile_gemma(gemma: dict[str, Any], where: Callable[[list[str | int]], str]) -> None:
    """Cross-check a profile's ``gemma:`` section with the map (raises ``ProfileError``).

    Every certified name must be a GEMMA standard; a profile bound to an in-use component may
    only certify that component's own standards (a link GEMMA does not have cannot be covered).
    """
    gmap = load_map()
    component = gmap.find_component(str(gemma.get("component", "")))
    for i, name in enumerate(gemma.get("certifies") or []):
        if name not in gmap.standards:
            close = gmap.suggest(name, gmap.standards)
            raise ProfileError(
                f"{where(['gemma', 'certifies', i])}: '{name}' is not a GEMMA standard name"
                + (f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else
                   "; names are spelled exactly as GEMMA does (`conformance gemma COMPONENT` "
                   "lists a component's standards)"))
        if gemma.get("generic") or component is None:
            continue
        links = gmap.components[component]
        if name not in links["verplicht"] + links["aanbevolen"]:
            raise ProfileError(
                f"{where(['gemma', 'certifies', i])}: GEMMA does not link '{name}' to "
                f"{component} (its standards: "
                f"{', '.join(links['verplicht'] + links['aanbevolen']) or 'none'}); certify "
                "one of those, or set 'generic: true' for a profile that fits every component "
                "GEMMA links the standard to")


# --- coverage of the landscape --------------------------------------------------------------


def coverage(profiles: Iterable[Profile], component: str | None = None) -> dict[str, Any]:
    """The ``conformance gemma --json`` document (schema: schemas/gemma-coverage.schema.json).

    ``totals`` always count the whole landscape; ``components`` lists every component, or the
    one asked for.
    """
    gmap = load_map()
    certs = [Certification.of(p) for p in profiles]
    rows = []
    covered = {role: 0 for role in ROLES}
    for name, links in gmap.components.items():
        standards = []
        for role in ROLES:
            for standard in links[role]:
                by = [{"profile": c.profile, "version": c.version} for c in certs
                      if c.covers(name, standard)]
                covered[role] += bool(by)
                standards.append({"name": standard, "role": ROLE_NAMES[role], "covered_by": by})
        if component is None or name == component:
            rows.append({"name": name, "standards": standards,
                         **{role: {"links": len(links[role]),
                                   "covered": sum(1 for s in standards if s["covered_by"]
                                                  and s["role"] == ROLE_NAMES[role])}
                            for role in ROLES}})
    return {
        "gemma": {"model": gmap.source["model"], "commit": gmap.source["commit"],
                  "files": gmap.source["files"]},
        "profiles": [{"id": c.profile, "version": c.version, "component": c.component,
                      "generic": c.generic, "certifies": list(c.certifies),
                      "links": sum(1 for comp, links in gmap.components.items() for role in ROLES
                                   for s in links[role] if c.covers(comp, s))}
                     for c in certs],
        "totals": {"components": len(gmap.components),
                   **{role: {"links": gmap.link_count(role), "covered": covered[role]}
                      for role in ROLES}},
        "components": rows,
    }


def render_text(report: dict[str, Any]) -> str:
    g, totals = report["gemma"], report["totals"]
    lines = [f"GEMMA model {g['model']} @ {g['commit'][:12]}: {totals['components']} reference "
             "components in use", ""]
    width = max((len(s["name"]) for row in report["components"] for s in row["standards"]),
                default=0)
    for row in report["components"]:
        lines.append(f"{row['name']} — Verplicht {row['verplicht']['covered']} of "
                     f"{row['verplicht']['links']} covered, Aanbevolen "
                     f"{row['aanbevolen']['covered']} of {row['aanbevolen']['links']}")
        for s in row["standards"]:
            by = ", ".join(f"{c['profile']} ({c['version']})" for c in s["covered_by"]) or "-"
            lines.append(f"  {s['role']:10}  {s['name']:{width}}  {by}")
        if not row["standards"]:
            lines.append("  (no standard linked)")
        lines.append("")
    everything = len(report["components"]) == totals["components"]
    silent = [p for p in report["profiles"] if p["certifies"] and not p["links"] and everything]
    for p in silent:
        lines.append(f"note: {p['id']} certifies {', '.join(p['certifies'])} for "
                     f"{p['component']}, which GEMMA does not list as a reference component in "
                     "use, so it covers no link")
    lines.append(f"covered by a profile: {totals['verplicht']['covered']} of "
                 f"{totals['verplicht']['links']} Verplicht links, "
                 f"{totals['aanbevolen']['covered']} of {totals['aanbevolen']['links']} "
                 "Aanbevolen links")
    return "\n".join(lines)
