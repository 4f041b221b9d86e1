"""Attribute what ran to the requirements that name it: each deviation once.

A requirement passes only when each of its checks really ran and passed: a schemathesis
check that never applied on the requirement's operations, or crashed, or a suite test that
produced no record, is ``error`` (undecided), never ``passed``. An operation in scope that
never accepted valid data fails the requirement that checks valid data is accepted.

A deviation counts once, against the requirement that owns what it is about (profile
``owns:``, triage.ASPECTS): an error answer in the wrong format seen by a contract check or a
behaviour test fails ZGW-problem-json (and ADR-problem-details), not the observer. Only where
no tested requirement owns an aspect does the observer keep the deviation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..parts import NOT_APPLICABLE
from ..profiles import Profile, Requirement, SchemathesisCheck, SuiteCheck
from ..results import CheckResult, Evidence, RequirementResult, combine_outcomes
from .contract import CheckTally, ContractOutcome
from .suites import SuiteOutcome

MAX_EVIDENCE = 5
#: the check whose requirement fails when an operation never accepted valid data
POSITIVE_CHECK = "positive_data_acceptance"


@dataclass
class _Routed:
    """Deviations of one aspect, gathered from every observer for its owner(s)."""

    count: int = 0
    seen_by: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    def add(self, count: int, where: str, evidence: list[Evidence]) -> None:
        self.count += count
        if where not in self.seen_by:
            self.seen_by.append(where)
        self.evidence.extend(evidence[: max(0, MAX_EVIDENCE - len(self.evidence))])


def owners(profile: Profile) -> dict[str, list[str]]:
    """aspect -> the tested, counted requirements that own it."""
    found: dict[str, list[str]] = defaultdict(list)
    for req in profile.requirements:
        if req.not_tested is None and req.inherited is None:
            for aspect in req.owns:
                found[aspect].append(req.id)
    return dict(found)


def attribute(profile: Profile, contract: dict[str, ContractOutcome], suites: SuiteOutcome,
              blocked: str | None) -> tuple[list[RequirementResult], list[dict[str, Any]]]:
    """Requirement results, plus findings (spec gaps, harness artefacts: never counted)."""
    owned = owners(profile)
    routed: dict[str, _Routed] = defaultdict(_Routed)
    results = [_requirement(profile, req, contract, suites, blocked, owned, routed)
               for req in profile.requirements]
    for result in results:
        _add_routed(result, owned, routed)
    _undecided_by_errors(results, contract)
    findings = [f for outcome in contract.values() for f in outcome.findings]
    return results, findings


def _requirement(profile: Profile, req: Requirement, contract: dict[str, ContractOutcome],
                 suites: SuiteOutcome, blocked: str | None, owned: dict[str, list[str]],
                 routed: dict[str, _Routed]) -> RequirementResult:
    result = RequirementResult(id=req.id, level=req.level, class_=req.class_, title=req.title,
                               source=req.source, outcome="skipped", not_tested=req.not_tested,
                               not_tested_text=req.not_tested_text, part=req.part,
                               inherited=req.inherited)
    if req.not_tested is not None:
        result.message = f"not tested: {req.not_tested}"
        return result
    idle: list[str] = []  # when_applied checks the generated traffic gave nothing to judge
    for check in req.checks:
        if blocked is not None:
            for check_id in check.ids():
                kind = "schemathesis" if isinstance(check, SchemathesisCheck) else "suite"
                result.checks.append(CheckResult(check_id, kind, "error", message=blocked))
        elif isinstance(check, SchemathesisCheck):
            _schemathesis(profile, req, check, contract.get(check.api), result, owned, routed,
                          idle)
        else:
            _suite(req, check, suites, result, owned, routed)
    _finish(result)
    if idle:
        result.message += f" ({', '.join(idle)}: nothing to judge in the generated traffic)"
    reasons = [c.message.removeprefix("Skipped: ") for c in result.checks]
    if result.outcome == "skipped" and reasons and all(
            r.startswith(NOT_APPLICABLE) for r in reasons):
        result.not_tested = "; ".join(dict.fromkeys(reasons))
        result.message = result.not_tested
    return result


def _finish(result: RequirementResult) -> None:
    result.outcome = combine_outcomes([c.outcome for c in result.checks])
    result.evidence = result.evidence[:MAX_EVIDENCE]
    result.message = _message(result)


def _schemathesis(profile: Profile, req: Requirement, check: SchemathesisCheck,
                  outcome: ContractOutcome | None, result: RequirementResult,
                  owned: dict[str, list[str]], routed: dict[str, _Routed],
                  idle: list[str]) -> None:
    operations = list(check.operations or profile.standards[check.api].operations
                      or (outcome.scope if outcome else []))
    if outcome is not None:  # operations the policy kept out are listed, not judged
        operations = [op for op in operations if op in outcome.scope]
    for name in check.checks:
        check_id = f"schemathesis:{check.api}:{name}"
        if outcome is None:
            result.checks.append(CheckResult(check_id, "schemathesis", "error",
                                             message="the contract pass did not run"))
            continue
        tallies = {op: outcome.tally(op, name) for op in operations}
        failures = sum(t.failures for t in tallies.values())
        for op, tally in tallies.items():
            result.evidence.extend(Evidence(**e) for e in tally.evidence)
            failures += _route(tally, f"{check_id} on {op}", owned, routed, result)
        applied = sum(t.applied for t in tallies.values())
        crashed = sum(t.errors for t in tallies.values())
        refused, unexercised = (_valid_data(outcome, operations) if name == POSITIVE_CHECK
                                else ([], []))
        if failures or refused:
            parts = [f"{failures} of {applied} checked responses failed"] if failures else []
            if refused:
                parts.append("valid data was never accepted by " + ", ".join(refused))
            state, message = "failed", "; ".join(parts)
        elif crashed:
            state = "error"
            message = (f"the check crashed on {crashed} response(s) (schemathesis could not "
                       f"decide them); {applied} others passed")
        elif unexercised:
            state = "error"
            message = ("no valid request the supplier could judge reached "
                       + ", ".join(unexercised))
        elif applied == 0 and check.when_applied:
            idle.append(check_id)  # the requirement's other checks decide it
            continue
        elif applied == 0:
            state = "error"
            message = ("never applied on the profile's operations (no generated exchange gave "
                       "this check anything to judge); raise the budget")
        else:
            state, message = "passed", f"{applied} checked responses, no failure"
        result.checks.append(CheckResult(check_id, "schemathesis", state, applied, failures,
                                         message))


def _valid_data(outcome: ContractOutcome, operations: list[str]
                ) -> tuple[list[str], list[str]]:
    """(operations whose judged valid requests were all refused, operations that no valid
    request reached in a form the supplier could judge)."""
    refused, unexercised = [], []
    for op in operations:
        tally = outcome.operations.get(op)
        judged = tally.judged if tally is not None else 0
        crashed = tally.crashed if tally is not None else 0
        if judged and not tally.accepted:  # type: ignore[union-attr]
            refused.append(f"{op} ({judged} valid request{'s' if judged != 1 else ''})")
        elif not judged and crashed:  # the server-error rule's deviation, counted there
            unexercised.append(f"{op} (its {crashed} valid request{'s' if crashed != 1 else ''}"
                               " got a server error)")
        elif not judged:
            unexercised.append(f"{op} (the generated ones named no object that exists; "
                               "raise the budget)")
    return refused, unexercised


def _route(tally: CheckTally, where: str, owned: dict[str, list[str]],
           routed: dict[str, _Routed], result: RequirementResult) -> int:
    """Hand aspect deviations to their owners; those nobody owns stay here (their count)."""
    kept = 0
    for aspect, count in tally.routed_count.items():
        evidence = [Evidence(**e) for e in tally.routed.get(aspect, [])]
        if owned.get(aspect) and result.id not in owned[aspect]:
            routed[aspect].add(count, where, evidence)
        else:
            kept += count
            result.evidence.extend(evidence)
    return kept


def _suite(req: Requirement, check: SuiteCheck, suites: SuiteOutcome,
           result: RequirementResult, owned: dict[str, list[str]],
           routed: dict[str, _Routed]) -> None:
    records = suites.records.get(check.ref, [])
    check_id = f"suite:{check.ref}"
    if not records:
        why = "; ".join(suites.errors) or "the test produced no result"
        result.checks.append(CheckResult(check_id, "suite", "error", message=why))
        return
    kept_deviations = 0
    for record in records:
        for deviation in record.get("deviations") or []:
            evidence = [Evidence(check=check_id, message=deviation["message"], operation=None,
                                 **deviation.get("evidence", {}))]
            aspect = deviation["aspect"]
            if owned.get(aspect) and req.id not in owned[aspect]:
                routed[aspect].add(1, f"{check_id} ({req.id})", evidence)
            else:
                kept_deviations += 1
                result.evidence.extend(evidence)
    outcomes = [r["outcome"] for r in records]
    state = combine_outcomes(outcomes)
    failing = [r for r in records if r["outcome"] in ("failed", "error")]
    message = "; ".join(_record_message(r, owned) for r in failing)[:2000] if failing else (
        "; ".join(r["message"] for r in records if r["outcome"] == "skipped")[:500])
    if kept_deviations and state == "passed":
        state = "failed"
        message = "; ".join(d["message"] for r in records
                            for d in r.get("deviations") or [])[:2000]
    result.checks.append(CheckResult(check_id, "suite", state, len(records),
                                     len(failing) + kept_deviations, message))
    for record in failing:
        exchanges = record.get("evidence") or [{}]
        for exchange in exchanges[-1:]:
            result.evidence.append(Evidence(check=check_id, message=record["message"],
                                            operation=None, **exchange))


def _record_message(record: dict[str, Any], owned: dict[str, list[str]]) -> str:
    """A test that could not judge its rule because of another rule's deviation says so."""
    aspect = record.get("aspect")
    if record["outcome"] == "error" and aspect and owned.get(aspect):
        return (f"{record['message']} (not judged: a consequence of a deviation counted under "
                f"{', '.join(owned[aspect])})")
    return record["message"]


def _add_routed(result: RequirementResult, owned: dict[str, list[str]],
                routed: dict[str, _Routed]) -> None:
    """The owner of an aspect fails for every deviation of it, wherever it was seen."""
    for aspect, gathered in routed.items():
        if result.id not in owned.get(aspect, []) or gathered.count == 0:
            continue
        result.checks.append(CheckResult(
            f"aspect:{aspect}", "aspect", "failed", gathered.count, gathered.count,
            f"{gathered.count} deviation(s) of {aspect} seen by other checks: "
            + ", ".join(gathered.seen_by[:8])))
        result.evidence = [*result.evidence, *gathered.evidence]
        _finish(result)


def _undecided_by_errors(requirements: list[RequirementResult],
                         contract: dict[str, ContractOutcome]) -> None:
    """A schemathesis check that 'passed' while part of its pass broke off is undecided.

    Requests that got no answer (network errors, refusals of the client layer: size cap,
    time bound, budget) or a pass that stopped mean a clean tally over the rest would be
    'conformant by accident'. Failures found are kept (they stand).
    """
    for req in requirements:
        changed = False
        for check in req.checks:
            if check.kind != "schemathesis" or check.outcome != "passed":
                continue
            api = check.id.split(":")[1]
            outcome = contract.get(api)
            if outcome is None or not outcome.unanswered:
                continue
            check.outcome = "error"
            check.message = (f"{check.message}, but {len(outcome.unanswered)} request(s) of the "
                             f"contract pass got no checked answer (first: "
                             f"{outcome.unanswered[0][:300]})")
            changed = True
        if changed:
            req.outcome = combine_outcomes([c.outcome for c in req.checks])
            req.message = _message(req)


def _message(result: RequirementResult) -> str:
    bad = [c for c in result.checks if c.outcome != "passed"]
    if not bad:
        return f"{len(result.checks)} check(s) passed"
    return "; ".join(f"{c.id}: {c.outcome}" + (f" ({c.message})" if c.message else "")
                     for c in bad)[:2000]
