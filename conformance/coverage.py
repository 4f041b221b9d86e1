"""Which official ZGW rule ids each profile tests, with how many checks, or why not.

Suppliers and buyers ask for the old VNG Postman suite by rule id (zrc-001 ...); this
module answers "is rule X tested, by what, and if not, why not" from the profiles alone,
and names official rule ids that no profile has a requirement for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .profiles import Profile

#: The rule ids of the ZGW "specificatie van gedrag" (facts §1.8): the official Postman
#: ranges zrc-001..023, drc-001..009, brc-001..008, ztc-001..013, ac-001..003, plus the
#: newer ones documented since (zrc-024..029, drc-010..014, brc-009, ztc-014..016).
OFFICIAL_RULES: dict[str, int] = {"zrc": 29, "drc": 14, "brc": 9, "ztc": 16, "ac": 3}
RULE_ID = re.compile(r"^(?P<api>[a-z]+)-(?P<number>\d{3})$")


def official_rule_ids() -> list[str]:
    return [f"{api}-{n:03d}" for api, last in OFFICIAL_RULES.items() for n in range(1, last + 1)]


@dataclass(frozen=True)
class RuleCoverage:
    rule: str
    level: str
    checks: tuple[str, ...]
    not_tested: str | None

    @property
    def tested(self) -> bool:
        return bool(self.checks) and self.not_tested is None


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
    """The profile's own requirements whose id is a ZGW rule id (included ADR rules are not)."""
    rules = [RuleCoverage(r.id, r.level, tuple(c for ch in r.checks for c in ch.ids()),
                          r.not_tested)
             for r in profile.requirements
             if RULE_ID.match(r.id) and r.inherited is None]
    return ProfileCoverage(profile.id, str(profile.gemma.get("component", "")), rules)


def uncovered_rules(coverages: list[ProfileCoverage]) -> list[str]:
    """Official rule ids that no profile has a requirement for."""
    present = {r.rule for c in coverages for r in c.rules}
    return [rule for rule in official_rule_ids() if rule not in present]


def as_json(coverages: list[ProfileCoverage]) -> dict[str, Any]:
    return {
        "profiles": [{
            "profile": c.profile_id, "component": c.component,
            "rules": len(c.rules), "tested": len(c.tested), "untested": len(c.untested),
            "requirements": [{"rule": r.rule, "level": r.level, "checks": list(r.checks),
                              "not_tested": r.not_tested} for r in c.rules],
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
                lines.append(f"  {r.rule:9} {r.level:6} {len(r.checks)} check(s): "
                             + ", ".join(r.checks))
            else:
                lines.append(f"  {r.rule:9} {r.level:6} NOT TESTED: {r.not_tested}")
        lines.append("")
    missing = uncovered_rules(coverages)
    total = len(official_rule_ids())
    lines.append(f"official ZGW rule ids: {total}; without a requirement in these profiles: "
                 + (", ".join(missing) if missing else "none"))
    return "\n".join(lines)
