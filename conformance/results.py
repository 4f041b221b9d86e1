"""The outcome of a run: requirement results, the verdict rule, and results.json.

Everything downstream (certificate, JUnit, badge, signing, history) reads a
``RunResult`` or its JSON form; nothing downstream talks to a supplier. The JSON
form is described by ``schemas/results.schema.json``, which is published with the
package so others can consume results without this code.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jsonschema

Outcome = Literal["passed", "failed", "error", "skipped", "waived"]
Verdict = Literal["conformant", "not_conformant", "incomplete"]
LEVELS = ("MUST", "SHOULD", "MAY")
OUTCOMES: tuple[Outcome, ...] = ("passed", "failed", "error", "skipped", "waived")

# Exit codes are part of the documented interface (README, DESIGN §7).
EXIT_CODES: dict[Verdict, int] = {"conformant": 0, "not_conformant": 1, "incomplete": 3}


@dataclass
class Evidence:
    """What a supplier developer needs to see and reproduce one failure."""

    check: str
    message: str
    operation: str | None = None
    code: str | None = None
    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    curl: str | None = None
    steps: list[str] = field(default_factory=list)
    #: a web page's element that failed (axe-core): rule, impact, page, viewport, selector,
    #: html, screenshot (a file next to results.json) and its sha256
    element: dict[str, Any] | None = None


@dataclass
class CheckResult:
    """One executable check as it ran for one requirement."""

    id: str
    kind: Literal["schemathesis", "suite", "aspect", "axe"]
    outcome: Outcome
    executed: int = 0
    failures: int = 0
    message: str = ""


@dataclass
class RequirementResult:
    id: str
    level: str
    class_: str
    title: dict[str, str]
    source: str
    outcome: Outcome
    checks: list[CheckResult] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    message: str = ""
    not_tested: str | None = None
    not_tested_text: dict[str, str] | None = None  # the same reason in Dutch and English
    waiver: dict[str, Any] | None = None
    # from an included profile (e.g. "adr-2.1"); None for the profile's own requirements
    part: str | None = None
    # the standard itself breaks the rule: the outcome is reported, never counted
    inherited: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["class"] = data.pop("class_")
        for key in ("part", "inherited", "not_tested_text"):  # absent rather than null:
            if data[key] is None:  # older documents stay equal
                del data[key]
        for item in data["evidence"]:
            if item["element"] is None:
                del item["element"]
        return data


@dataclass
class RunResult:
    verdict: Verdict
    verdict_reason: str
    requirements: list[RequirementResult]
    profile: dict[str, Any]
    target: dict[str, Any]
    run: dict[str, Any]
    findings: list[dict[str, Any]] = field(default_factory=list)
    waivers: list[dict[str, Any]] = field(default_factory=list)
    #: per operation of the contract pass (ContractOutcome.coverage)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    #: what the profile requires that the target leaves out (Profile.missing_parts)
    missing_parts: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "verdict": self.verdict,
            "verdict_reason": self.verdict_reason,
            "summary": summarise(self.requirements),
            "profile": self.profile,
            "target": self.target,
            "run": self.run,
            "requirements": [r.to_dict() for r in self.requirements],
            "findings": self.findings,
            "coverage": self.coverage,
            "missing_parts": self.missing_parts,
            "waivers": self.waivers,
        }


def combine_outcomes(outcomes: list[Outcome]) -> Outcome:
    """A requirement's outcome from its checks' outcomes.

    One failed check fails the requirement; otherwise one undecided check leaves
    it undecided. A requirement is only passed when every check ran and passed:
    skipped checks are never counted as passed.
    """
    if not outcomes:
        return "skipped"
    for worst in ("failed", "error"):
        if worst in outcomes:
            return worst
    if all(o == "passed" for o in outcomes):
        return "passed"
    if all(o == "skipped" for o in outcomes):
        return "skipped"
    return "error"  # a mix of passed and skipped: not every check decided


def decide_verdict(
    requirements: list[RequirementResult], required_classes: set[str],
    missing_parts: list[dict[str, str]] | None = None,
) -> tuple[Verdict, str]:
    """Apply DESIGN §7: MUST requirements of required classes decide the run.

    Requirements the profile marks ``not_tested`` are disclosed but cannot decide; nor can
    ``inherited`` ones (the standard itself breaks the rule: reported, not counted). A target
    that leaves out a part the profile requires (``missing_parts``) is never conformant.
    """
    decisive = [
        r for r in requirements
        if r.level == "MUST" and r.class_ in required_classes and r.not_tested is None
        and r.inherited is None
    ]
    failed = [r.id for r in decisive if r.outcome == "failed"]
    missing = ", ".join(m["part"] for m in missing_parts or [])
    if failed:
        return "not_conformant", f"MUST requirement(s) failed: {', '.join(failed)}" + (
            f"; the target also leaves out {missing}" if missing else "")
    if missing:
        return "incomplete", (f"the target leaves out {missing}, which the component must "
                              "offer for every rule to be exercised")
    undecided = [r.id for r in decisive if r.outcome in ("error", "skipped")]
    if undecided:
        return "incomplete", f"MUST requirement(s) could not be decided: {', '.join(undecided)}"
    if not decisive:
        return "incomplete", "the profile has no tested MUST requirement in a required class"
    return "conformant", f"all {len(decisive)} MUST requirements of the required classes passed"


def summarise(requirements: list[RequirementResult]) -> dict[str, Any]:
    counts = {
        level.lower(): {o: 0 for o in OUTCOMES} for level in LEVELS
    }
    inherited = 0
    for r in requirements:
        if r.inherited is not None:  # reported with the requirement, never counted
            inherited += 1
            continue
        counts[r.level.lower()][r.outcome] += 1
    should = counts["should"]
    decided = should["passed"] + should["failed"]
    score = round(should["passed"] / decided, 4) if decided else None
    return {**counts, "should_score": score, **({"inherited": inherited} if inherited else {})}


def _schema() -> dict[str, Any]:
    text = resources.files("conformance").joinpath("schemas/results.schema.json").read_text("utf-8")
    return json.loads(text)


def validate_results(data: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``data`` is not a valid results document."""
    jsonschema.validate(data, _schema(), format_checker=jsonschema.FormatChecker())


def write_results(result: RunResult, path: Path) -> dict[str, Any]:
    data = result.to_dict()
    validate_results(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return data
