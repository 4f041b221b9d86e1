"""Attribute what ran to the requirements that name it.

A requirement passes only when each of its checks actually ran and passed:
a schemathesis check that never executed on the requirement's operations, or a
suite test that produced no record, is ``error`` (undecided), never ``passed``.
"""

from __future__ import annotations

from typing import Any

from ..profiles import Profile, Requirement, SchemathesisCheck, SuiteCheck
from ..results import CheckResult, Evidence, RequirementResult, combine_outcomes
from .contract import ContractOutcome
from .suites import SuiteOutcome

MAX_EVIDENCE = 5
#: A suite test that skips with this prefix says the rule does not apply to this target
#: (e.g. TLS on a plain-http loopback target): disclosed like ``not_tested``, not undecided.
NOT_APPLICABLE = "not applicable:"


def attribute(profile: Profile, contract: dict[str, ContractOutcome], suites: SuiteOutcome,
              blocked: str | None) -> tuple[list[RequirementResult], list[dict[str, Any]]]:
    """Requirement results, plus informational findings (never part of the verdict)."""
    results = [_requirement(profile, req, contract, suites, blocked)
               for req in profile.requirements]
    findings = [f for outcome in contract.values() for f in outcome.informational]
    return results, findings


def _requirement(profile: Profile, req: Requirement, contract: dict[str, ContractOutcome],
                 suites: SuiteOutcome, blocked: str | None) -> RequirementResult:
    result = RequirementResult(id=req.id, level=req.level, class_=req.class_, title=req.title,
                               source=req.source, outcome="skipped", not_tested=req.not_tested,
                               not_tested_text=req.not_tested_text, part=req.part,
                               inherited=req.inherited)
    if req.not_tested is not None:
        result.message = f"not tested: {req.not_tested}"
        return result
    for check in req.checks:
        if blocked is not None:
            for check_id in check.ids():
                kind = "schemathesis" if isinstance(check, SchemathesisCheck) else "suite"
                result.checks.append(CheckResult(check_id, kind, "error", message=blocked))
        elif isinstance(check, SchemathesisCheck):
            _schemathesis(profile, check, contract.get(check.api), result)
        else:
            _suite(check, suites, result)
    result.outcome = combine_outcomes([c.outcome for c in result.checks])
    result.evidence = result.evidence[:MAX_EVIDENCE]
    result.message = _message(result)
    reasons = [c.message.removeprefix("Skipped: ") for c in result.checks]
    if result.outcome == "skipped" and reasons and all(
            r.startswith(NOT_APPLICABLE) for r in reasons):
        result.not_tested = "; ".join(dict.fromkeys(reasons))
        result.message = result.not_tested
    return result


def _schemathesis(profile: Profile, check: SchemathesisCheck, outcome: ContractOutcome | None,
                  result: RequirementResult) -> None:
    operations = list(check.operations or profile.standards[check.api].operations)
    for name in check.checks:
        check_id = f"schemathesis:{check.api}:{name}"
        if outcome is None:
            result.checks.append(CheckResult(check_id, "schemathesis", "error",
                                             message="the contract pass did not run"))
            continue
        tallies = ([outcome.tally(op, name) for op in operations] if operations else
                   [t for (op, c), t in outcome.tallies.items() if c == name])
        executed = sum(t.executed for t in tallies)
        failures = sum(t.failures for t in tallies)
        for tally in tallies:
            result.evidence.extend(Evidence(**e) for e in tally.evidence)
        if failures:
            state, message = "failed", f"{failures} of {executed} checked responses failed"
        elif executed == 0:
            state = "error"
            message = ("never executed on the profile's operations (the generated traffic did "
                       "not reach a response this check applies to); raise the budget")
        else:
            state, message = "passed", f"{executed} checked responses, no failure"
        result.checks.append(CheckResult(check_id, "schemathesis", state, executed, failures,
                                         message))


def _suite(check: SuiteCheck, suites: SuiteOutcome, result: RequirementResult) -> None:
    records = suites.records.get(check.ref, [])
    check_id = f"suite:{check.ref}"
    if not records:
        why = "; ".join(suites.errors) or "the test produced no result"
        result.checks.append(CheckResult(check_id, "suite", "error", message=why))
        return
    outcomes = [r["outcome"] for r in records]
    state = combine_outcomes(outcomes)
    failing = [r for r in records if r["outcome"] in ("failed", "error")]
    message = "; ".join(r["message"] for r in failing)[:2000] if failing else (
        "; ".join(r["message"] for r in records if r["outcome"] == "skipped")[:500])
    result.checks.append(CheckResult(check_id, "suite", state, len(records), len(failing),
                                      message))
    for record in failing:
        exchanges = record.get("evidence") or [{}]
        for exchange in exchanges[-1:]:
            result.evidence.append(Evidence(check=check_id, message=record["message"],
                                            operation=None, **exchange))


def _message(result: RequirementResult) -> str:
    bad = [c for c in result.checks if c.outcome != "passed"]
    if not bad:
        return f"{len(result.checks)} check(s) passed"
    return "; ".join(f"{c.id}: {c.outcome}" + (f" ({c.message})" if c.message else "")
                     for c in bad)[:2000]
