"""From axe-core's results per page to a verdict per WCAG success criterion.

Per criterion, over every page at every viewport, with the rules the profile names for it:

- a violation of any rule fails the criterion (evidence: the element, the page, a screenshot);
- else a page that could not be checked leaves it undecided (``error``): that page might
  have failed it;
- else an element axe-core could not judge (``incomplete``) means a person must look: the
  criterion is disclosed with the profile's ``needs_review`` reason and never passed, and
  each such element is a finding;
- else a rule that passed somewhere passes the criterion (automatically, not proven);
- else none of its rules applied anywhere: not exercised, disclosed with the profile's
  ``not_exercised`` reason, never passed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..profiles import AxeCheck, Profile, Requirement, WebStandard
from ..redact import redact_text
from ..results import CheckResult, Evidence, RequirementResult
from .supervise import PageScan

MAX_EVIDENCE = 5  # elements shown per criterion
SHOTS_FOLDER = "screenshots"


@dataclass
class _Tally:
    """One rule over every page view."""

    violations: list[tuple[PageScan, dict[str, Any]]] = field(default_factory=list)
    incomplete: list[tuple[PageScan, dict[str, Any]]] = field(default_factory=list)
    passed: int = 0  # page views where it passed


def attribute_web(profile: Profile, scans: list[PageScan], out_dir: Path, secrets: list[str],
                  mask_bsn: bool) -> tuple[list[RequirementResult], list[dict[str, Any]]]:
    """Requirement results and the findings (elements to review by hand)."""
    web = profile.web
    assert web is not None
    clean = _Cleaner(secrets, mask_bsn)
    checked = [s for s in scans if s.rules is not None]
    failed_views = [s for s in scans if s.rules is None]
    tallies = _tally(checked)
    results = [_criterion(req, web, tallies, failed_views, out_dir, clean)
               for req in profile.requirements]
    return results, _findings(profile, tallies, clean)


def _tally(checked: list[PageScan]) -> dict[str, _Tally]:
    tallies: dict[str, _Tally] = {}
    for scan in checked:
        rules = scan.rules or {}
        for rule, found in rules.get("violations", {}).items():
            tallies.setdefault(rule, _Tally()).violations.append((scan, found))
        for rule, found in rules.get("incomplete", {}).items():
            tallies.setdefault(rule, _Tally()).incomplete.append((scan, found))
        for rule in rules.get("passes", []):
            tallies.setdefault(rule, _Tally()).passed += 1
    return tallies


def _criterion(req: Requirement, web: WebStandard, tallies: dict[str, _Tally],
               failed_views: list[PageScan], out_dir: Path,
               clean: _Cleaner) -> RequirementResult:
    result = RequirementResult(id=req.id, level=req.level, class_=req.class_, title=req.title,
                               source=req.source, outcome="skipped", not_tested=req.not_tested,
                               not_tested_text=req.not_tested_text)
    if req.not_tested is not None:
        result.message = f"not tested: {req.not_tested}"
        return result
    rules = [rule for check in req.checks if isinstance(check, AxeCheck) for rule in check.rules]
    result.checks = [_check(rule, tallies.get(rule, _Tally()), failed_views) for rule in rules]
    outcomes = {c.outcome for c in result.checks}
    reviews = sum(len(t.incomplete) for r in rules if (t := tallies.get(r)))
    if "failed" in outcomes:
        result.outcome = "failed"
        result.evidence = _evidence(rules, tallies, out_dir, clean)
        result.message = "; ".join(f"{c.id}: {c.message}" for c in result.checks
                                   if c.outcome == "failed")[:2000]
    elif failed_views:
        result.outcome = "error"
        result.message = (f"{len(failed_views)} page view(s) could not be checked: "
                          + "; ".join(f"{s.url} ({s.viewport}): {s.error}"
                                      for s in failed_views[:3]))[:2000]
    elif reviews:
        result.not_tested, result.not_tested_text = web.needs_review["en"], web.needs_review
        result.message = f"{reviews} page view(s) with elements to review by hand"
    elif "passed" in outcomes:
        result.outcome = "passed"
        result.message = "; ".join(f"{c.id}: {c.message}" for c in result.checks
                                   if c.outcome == "passed")
    else:
        result.not_tested, result.not_tested_text = web.not_exercised["en"], web.not_exercised
        result.message = "no rule of this criterion applied on any page"
    return result


def _check(rule: str, tally: _Tally, failed_views: list[PageScan]) -> CheckResult:
    check_id = f"axe:{rule}"
    applied = tally.passed + len(tally.violations) + len(tally.incomplete)
    if tally.violations:
        elements = sum(found["count"] for _, found in tally.violations)
        return CheckResult(check_id, "axe", "failed", applied, elements,
                           f"{elements} element(s) on {len(tally.violations)} page view(s) fail: "
                           f"{tally.violations[0][1]['help']}")
    if failed_views:
        return CheckResult(check_id, "axe", "error", applied, 0,
                           f"{len(failed_views)} page view(s) could not be checked")
    if tally.incomplete:
        elements = sum(found["count"] for _, found in tally.incomplete)
        return CheckResult(check_id, "axe", "skipped", applied, 0,
                           f"needs review by hand: {elements} element(s) on "
                           f"{len(tally.incomplete)} page view(s)")
    if tally.passed:
        return CheckResult(check_id, "axe", "passed", applied, 0,
                           f"passed on {tally.passed} page view(s)")
    return CheckResult(check_id, "axe", "skipped", 0, 0,
                       "inapplicable: nothing on the tested pages it applies to")


def _evidence(rules: list[str], tallies: dict[str, _Tally], out_dir: Path,
              clean: _Cleaner) -> list[Evidence]:
    """One item per (rule, page view), the first failing element each, those with a
    screenshot first, at most five."""
    failing = [(rule, scan, found) for rule in rules
               for scan, found in tallies.get(rule, _Tally()).violations]
    failing.sort(key=lambda item: item[0] not in item[1].shots)  # stable: screenshots first
    items: list[Evidence] = []
    for rule, scan, found in failing[:MAX_EVIDENCE]:
        node = found["nodes"][0]
        element: dict[str, Any] = {
            "rule": rule, "impact": node.get("impact"), "page": clean(scan.url),
            "viewport": scan.viewport, "selector": clean(_selector(node["target"])),
            "html": clean(node["html"]), "count": max(1, found["count"])}
        shot = out_dir / SHOTS_FOLDER / scan.shots.get(rule, "-")
        if shot.is_file():
            element["screenshot"] = f"{SHOTS_FOLDER}/{shot.name}"
            element["screenshot_sha256"] = hashlib.sha256(shot.read_bytes()).hexdigest()
        items.append(Evidence(check=f"axe:{rule}", operation=None, element=element,
                              message=clean(f"{found['help']}. {node['summary']}".strip())))
    return items


def _findings(profile: Profile, tallies: dict[str, _Tally],
              clean: _Cleaner) -> list[dict[str, Any]]:
    """Each rule x page view axe-core left to a person, naming the criteria it bears on."""
    criteria: dict[str, list[str]] = {}
    for req in profile.requirements:
        for check in req.checks:
            for rule in getattr(check, "rules", ()):
                criteria.setdefault(rule, []).append(req.id.removeprefix("wcag-"))
    findings = []
    for rule in sorted(tallies):
        for scan, found in tallies[rule].incomplete:
            node = found["nodes"][0] if found["nodes"] else {"target": [], "summary": ""}
            findings.append({
                "kind": "needs-review",
                "message": clean(f"{', '.join(criteria.get(rule, []))}: {found['help']} — "
                                 f"{_selector(node['target'])}: {node['summary']}")[:1000],
                "check": f"axe:{rule}", "operation": clean(f"{scan.url} ({scan.viewport})"),
                "count": found["count"]})
    return findings


def _selector(target: Iterable[Any]) -> str:
    """axe-core's target as one string: frames joined with ' >>> ', shadow roots with ' > '."""
    return " >>> ".join(" > ".join(part) if isinstance(part, list) else str(part)
                        for part in target)


class _Cleaner:
    """Masks the target's secrets (login values) and, unless switched off, BSNs."""

    def __init__(self, secrets: list[str], mask_bsn: bool) -> None:
        self.secrets, self.mask_bsn = secrets, mask_bsn

    def __call__(self, text: str) -> str:
        return redact_text(text, self.secrets, mask_bsn=self.mask_bsn)
