"""Which official rule ids each profile tests, with how many checks, or why not.

Suppliers and buyers ask for the old VNG Postman suite by rule id (zrc-001 ...); this
module answers "is rule X tested, by what, and if not, why not" from the profiles alone,
and names official rule ids that no profile has a requirement for. Besides the ZGW rules it
knows the numbered rules of the Verwerkingenlogging API standard (vwl-001 ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .profiles import Profile, Requirement

#: The rule ids of the ZGW "specificatie van gedrag" (facts §1.8): the official Postman
#: ranges zrc-001..023, drc-001..009, brc-001..008, ztc-001..013, ac-001..003, plus the
#: newer ones documented since (zrc-024..029, drc-010..014, brc-009, ztc-014..016); and the
#: numbered rules of the receiving side of notifications, nrc-c-001..014
#: (notificaties-consumer-facts §5).
OFFICIAL_RULES: dict[str, int] = {"zrc": 29, "drc": 14, "brc": 9, "ztc": 16, "ac": 3,
                                  "nrc-c": 14}
#: Rule ids numbered in groups with gaps between them (first, last of each group): the
#: Verwerkingenlogging API standard (facts §5): A = 001-012 (what a logging system logs),
#: B = 020-032 (Bewerking API), C = 033-039 (Inzage API), D = 040-043 (both APIs).
GROUPED_RULES: dict[str, tuple[tuple[int, int], ...]] = {"vwl": ((1, 12), (20, 43))}
#: Which standard each family of rule ids belongs to (for people reading the coverage).
FAMILIES = {"ZGW": ("zrc", "drc", "brc", "ztc", "ac"),
            "Notificaties (ontvangen)": ("nrc-c",),
            "Verwerkingenlogging": tuple(GROUPED_RULES)}
#: A requirement for a rule is named by the rule id, or by the rule id and a part
#: (zrc-007-scope, zrc-021-besluit): one rule may need several requirements, e.g. because
#: one part needs an API or client that another does not.
RULE_ID = re.compile(
    r"^(?P<rule>(?P<api>[a-z]+(?:-[a-z]+)?)-(?P<number>\d{3}))(?:-[a-z0-9][a-z0-9-]*)?$")


def official_rule_ids() -> list[str]:
    zgw = [f"{api}-{n:03d}" for api, last in OFFICIAL_RULES.items() for n in range(1, last + 1)]
    return zgw + [f"{api}-{n:03d}" for api, groups in GROUPED_RULES.items()
                  for first, last in groups for n in range(first, last + 1)]


@dataclass(frozen=True)
class RulePart:
    """One requirement of a rule: its checks, or why it is not tested."""

    requirement: str
    checks: tuple[str, ...]
    not_tested: str | None

    @property
    def tested(self) -> bool:
        return bool(self.checks) and self.not_tested is None


@dataclass(frozen=True)
class RuleCoverage:
    rule: str
    level: str
    parts: tuple[RulePart, ...]

    @property
    def checks(self) -> tuple[str, ...]:
        return tuple(c for p in self.parts if p.tested for c in p.checks)

    @property
    def tested(self) -> bool:
        return any(p.tested for p in self.parts)

    @property
    def not_tested(self) -> str | None:
        """Why the rule is not tested at all (None when some part is)."""
        if self.tested:
            return None
        return "; ".join(dict.fromkeys(p.not_tested or "no checks" for p in self.parts))

    @property
    def untested_parts(self) -> list[RulePart]:
        """Parts left untested while others are: a partly tested rule says so."""
        return [p for p in self.parts if not p.tested] if self.tested else []


@dataclass
class ProfileCoverage:
    profile_id: str
    component: str
    rules: list[RuleCoverage] = field(default_factory=list)

    @property
    def tested(self) -> list[RuleCoverage]:
        return [r for r in self.rules if r.tested]

    @property
    def untested(self) -> list[RuleCoverage]:
        return [r for r in self.rules if not r.tested]


def profile_coverage(profile: Profile) -> ProfileCoverage:
    """The profile's own requirements grouped by the official rule id they test (included
    ADR rules are not such rules); a rule's level is the strictest of its requirements'."""
    grouped: dict[str, list[Requirement]] = {}
    for req in profile.requirements:
        match = RULE_ID.match(req.id)
        if match and req.inherited is None:
            grouped.setdefault(match["rule"], []).append(req)
    rules = [_rule_coverage(rule, reqs) for rule, reqs in sorted(grouped.items())]
    return ProfileCoverage(profile.id, str(profile.gemma.get("component", "")), rules)


def _rule_coverage(rule: str, reqs: list[Requirement]) -> RuleCoverage:
    reqs = sorted(reqs, key=lambda r: r.id != rule)  # the rule's own requirement first
    level = "MUST" if any(r.level == "MUST" for r in reqs) else reqs[0].level
    return RuleCoverage(rule, level, tuple(
        RulePart(r.id, tuple(c for ch in r.checks for c in ch.ids()), r.not_tested)
        for r in reqs))


def uncovered_rules(coverages: list[ProfileCoverage]) -> list[str]:
    """Official rule ids that no profile has a requirement for."""
    present = {r.rule for c in coverages for r in c.rules}
    return [rule for rule in official_rule_ids() if rule not in present]


def as_json(coverages: list[ProfileCoverage]) -> dict[str, Any]:
    return {
        "profiles": [{
            "profile": c.profile_id, "component": c.component,
            "rules": len(c.rules), "tested": len(c.tested), "untested": len(c.untested),
            "requirements": [{
                "rule": r.rule, "level": r.level, "checks": list(r.checks),
                "not_tested": r.not_tested,
                "parts": [{"requirement": p.requirement, "checks": list(p.checks),
                           "not_tested": p.not_tested} for p in r.parts],
            } for r in c.rules],
        } for c in coverages],
        "official_rules": len(official_rule_ids()),
        "uncovered": uncovered_rules(coverages),
    }


def render_text(coverages: list[ProfileCoverage]) -> str:
    lines: list[str] = []
    for c in coverages:
        lines.append(f"{c.profile_id} ({c.component}): {len(c.rules)} rule ids, "
                     f"{len(c.tested)} tested, {len(c.untested)} not tested")
        for r in c.rules:
            if r.tested:
                parts = [p.requirement for p in r.parts if p.tested]
                by = f" in {', '.join(parts)}" if len(r.parts) > 1 else ""
                lines.append(f"  {r.rule:9} {r.level:6} {len(r.checks)} check(s){by}: "
                             + ", ".join(r.checks))
                lines += [f"  {'':9} {'':6} PART NOT TESTED ({p.requirement}): {p.not_tested}"
                          for p in r.untested_parts]
            else:
                lines.append(f"  {r.rule:9} {r.level:6} NOT TESTED: {r.not_tested}")
        lines.append("")
    missing = uncovered_rules(coverages)
    total = len(official_rule_ids())
    families = ", ".join(f"{name} {'/'.join(ids)}" for name, ids in FAMILIES.items())
    lines.append(f"official rule ids: {total} ({families}); without a requirement in these "
                 "profiles: " + (", ".join(missing) if missing else "none"))
    return "\n".join(lines)
