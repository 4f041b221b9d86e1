"""The contract pass: schemathesis's engine over a standard's official OpenAPI.

One generation pass per API per run (DESIGN §6): every profile check that names
schemathesis is enabled together, and each (operation, check) result is later
attributed to all requirements that name it. Uses the in-process engine of the
exactly pinned schemathesis version (mode all, all phases incl. stateful, as many
workers as the target's safety policy lets requests be in flight, no example database,
explicit seed). What each exchange shows is folded
into tallies per operation: a check counts only where it applied
(applicability.py), and a failure only as triage.py classifies it.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import hypothesis.configuration
import schemathesis
from requests import RequestException
from schemathesis import engine
from schemathesis.engine import Status, events

from ..client import Limits, policy_sessions
from ..profiles import SCHEMATHESIS_CHECKS
from ..specs import default_cache_dir
from . import adapters, ast_guard
from .applicability import applies
from .budget import Budget
from .evidence import evidence
from .partial_update import only_left_out
from .progress import Progress
from .triage import triage

MAX_EVIDENCE_PER_KEY = 3
#: what positive (valid) data must get, unless the profile says more for a check
POSITIVE_EXPECTED = ["2XX"]


@dataclass
class CheckTally:
    """How one (operation, check) pair fared over the whole pass."""

    applied: int = 0  # responses the check had something to judge (applicability.py)
    failures: int = 0  # deviations (triage.py)
    errors: int = 0  # the check itself crashed (schemathesis Status.ERROR): undecided
    evidence: list[dict[str, Any]] = field(default_factory=list)
    #: aspect -> failures that belong to the requirement owning that aspect (triage.py)
    routed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    routed_count: Counter[str] = field(default_factory=Counter)


@dataclass
class OperationTally:
    """What one operation got over the whole pass: the certificate's coverage table."""

    requests: int = 0
    positive: int = 0  # cases generated valid
    #: ... whose answer judges the data: not a 404 for an id the run made up, nor a 5xx (a
    #: crash says nothing about the data; the server-error rule counts it, once)
    judged: int = 0
    accepted: int = 0  # ... that the supplier answered 2xx: valid data really accepted
    crashed: int = 0  # ... answered 5xx
    statuses: Counter[int] = field(default_factory=Counter)

    def to_dict(self, checks: list[str]) -> dict[str, Any]:
        return {"requests": self.requests, "positive": self.positive,
                "judged": self.judged, "accepted": self.accepted, "crashed": self.crashed,
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "checks": checks}


@dataclass
class ContractOutcome:
    api: str
    tallies: dict[tuple[str, str], CheckTally]  # (operationId, check) -> tally
    findings: list[dict[str, Any]]  # spec gaps and harness artefacts: reported, never counted
    errors: list[str]  # engine-level problems: the pass could not decide
    requests: int
    duration_s: float
    # requests that got no answer to check (network, time bound, size cap, budget) or a pass
    # that broke off: the checks that 'passed' over the rest cannot be trusted
    unanswered: list[str] = field(default_factory=list)
    operations: dict[str, OperationTally] = field(default_factory=dict)
    scope: list[str] = field(default_factory=list)  # the operations the pass was to cover
    #: operation -> why it was left out, {nl, en} (the certificate shows it Dutch first)
    excluded: dict[str, dict[str, str]] = field(default_factory=dict)

    def tally(self, operation: str, check: str) -> CheckTally:
        return self.tallies.get((operation, check), CheckTally())

    def coverage(self) -> list[dict[str, Any]]:
        """Per operation in scope: requests, valid data accepted, the checks that applied."""
        rows = []
        for op in self.scope or sorted(self.operations):
            tally = self.operations.get(op, OperationTally())
            applied = sorted(c for (o, c), t in self.tallies.items() if o == op and t.applied)
            rows.append({"api": self.api, "operation": op, **tally.to_dict(applied)})
        rows.extend({"api": self.api, "operation": op, "excluded": why}
                    for op, why in sorted(self.excluded.items()))
        return rows


@dataclass
class ContractSettings:
    api: str
    base_url: str
    operations: list[str]
    checks: set[str]
    seed: int
    budget: Budget
    headers: dict[str, str]
    profile_checks: dict[str, Any]  # profile contract.checks (schemathesis.toml shape)
    spec_gaps: list[dict[str, Any]]  # profile contract.spec_gaps (triage.py)
    secrets: list[str]
    request_timeout_s: float = 15.0
    # the run's client-layer limits: origin, size cap, budget, rate, methods, deadline, TLS
    limits: Limits | None = None

    @property
    def concurrency(self) -> int:
        """schemathesis workers: operations run at once (the policy's max_concurrency)."""
        return self.limits.policy.max_concurrency if self.limits is not None else 1


def _config(s: ContractSettings) -> schemathesis.Config:
    checks: dict[str, Any] = {name: {"enabled": name in s.checks}
                              for name in sorted(SCHEMATHESIS_CHECKS)}
    checks["object_level_authorization"] = {"enabled": False}  # needs two identities
    checks["positive_data_acceptance"]["expected-statuses"] = POSITIVE_EXPECTED
    for name, extra in s.profile_checks.items():
        checks.setdefault(name, {}).update(extra)
    # With several workers, the operations of a phase go to whichever worker is free, not in
    # schemathesis's dependency layers (each waiting for the last to finish): the harness's
    # adapters point every operation at objects of its own, so no operation needs another's
    # answers first. At 50 ms per answer (zrc-1.5 quick, 4 workers) the coverage phase took
    # 44 s instead of 55 s; the cases per operation stay the seed's (README, Performance).
    ordering = {"operation-ordering": "none"} if s.concurrency > 1 else {}
    return schemathesis.Config.from_dict({
        "seed": s.seed,
        "base-url": s.base_url,
        "headers": s.headers,
        "workers": s.concurrency,
        "request-timeout": s.request_timeout_s,
        "max-redirects": 0,
        # a failed check does not end an operation's phase: the other requirements of the
        # operation are still exercised (a refusal is evidence, not a reason to stop), and a
        # failure triage forgives (a spec gap, a harness artefact) cannot leave them undecided
        "continue-on-failure": True,
        "tls-verify": s.limits.verify_tls if s.limits is not None else True,
        # no NUL characters in generated text: JSON allows them and the OAS does not forbid
        # them, but Django REST framework refuses them in every text field (and PostgreSQL
        # cannot store them), so each DRF-based supplier would fail for a reading the
        # standard does not settle (Open Zaak: "Null-tekens zijn niet toegestaan")
        "generation": {"max-examples": s.budget.max_examples, "mode": "all", "database": "none",
                       "allow-x00": False, "no-shrink": not s.budget.shrink},
        "phases": {
            "examples": {"enabled": True, **ordering},
            # the coverage phase probes undeclared methods (by default also TRACE and QUERY);
            # only those the client layer will send, or the refused probes leave the whole
            # pass undecided (every run at budget standard or thorough was incomplete)
            "coverage": {"enabled": s.budget.coverage, **ordering, "unexpected-methods": sorted(
                m for m in ("GET", "PUT", "POST", "DELETE", "OPTIONS", "PATCH")
                if s.limits is None or m in s.limits.policy.methods), **(
                {"generation": {"mode": "positive"}} if s.budget.coverage_positive_only else {})},
            "fuzzing": {"enabled": True, **ordering},
            "stateful": {"enabled": True, "max-steps": s.budget.stateful_max_steps},
        },
        "checks": checks,
    })


def _in_scope(schema: Any, labels: dict[str, str]) -> list[str]:
    """The operationIds the (filtered) schema will really exercise."""
    found = []
    for result in schema.get_all_operations():
        with contextlib.suppress(Exception):  # an operation schemathesis cannot load: not in
            op = result.ok()
            found.append(labels.get(op.label, op.label))
    return found


def _operation_ids(spec: dict[str, Any]) -> dict[str, str]:
    """'GET /zaken' -> 'zaak_list', for attributing results by operationId."""
    labels = {}
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                labels[f"{method.upper()} {path}"] = op["operationId"]
    return labels


def run_contract(spec: dict[str, Any], settings: ContractSettings, adapter: Any,
                 progress: Progress | None = None) -> ContractOutcome:
    # Hypothesis keeps a constants cache under ./.hypothesis; not in the user's folder
    if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        hypothesis.configuration.set_hypothesis_home_dir(default_cache_dir().parent / "hypothesis")
    if settings.concurrency > 1:
        ast_guard.install()
    schema = schemathesis.openapi.from_dict(spec, config=_config(settings))
    if settings.operations:
        schema = schema.include(operation_id=list(settings.operations))
    if settings.limits is not None and settings.limits.policy.methods != _ALL:
        allowed = sorted(settings.limits.policy.methods)
        schema = schema.include(method=[m.lower() for m in allowed])
    labels = _operation_ids(spec)
    scope = _in_scope(schema, labels)
    wanted = list(settings.operations) or sorted(labels.values())
    outcome = ContractOutcome(settings.api, {}, [], [], 0, 0.0, scope=scope,
                              excluded={op: _not_sent(settings.limits.policy.methods)
                                        for op in wanted if op not in scope}
                              if settings.limits is not None else {})
    # an operation of the standard the profile leaves out shows on the certificate all the
    # same; the profile's own reason (execute) replaces this one where it gives one
    outcome.excluded.update({op: NOT_IN_PROFILE for op in labels.values() if op not in wanted})
    collector = _Collector(labels, settings, outcome, adapter)
    report = _Reporter(progress, collector, len(scope)) if progress is not None else None
    transport = (policy_sessions(settings.limits) if settings.limits is not None
                 else contextlib.nullcontext())
    limits = settings.limits
    with adapters.active(adapter, concurrent=settings.concurrency > 1), transport:
        try:
            for event in engine.from_schema(schema).execute():
                if isinstance(event, events.ScenarioFinished):
                    collector.scenario(event.recorder)
                elif isinstance(event, events.NonFatalError):
                    outcome.errors.append(f"{event.label}: {_short(event.value)}")
                    if isinstance(event.value, RequestException):
                        outcome.unanswered.append(outcome.errors[-1])
                elif isinstance(event, events.FatalError):
                    outcome.errors.append(f"schemathesis stopped: {_short(event.exception)}")
                    outcome.unanswered.append(outcome.errors[-1])
                elif isinstance(event, events.EngineFinished):
                    outcome.duration_s = event.running_time
                if report is not None:  # after the collector: its failures count this scenario
                    report(event)
                if limits is not None and limits.seconds_left() == 0:
                    outcome.errors.append("the run's time bound passed during the contract "
                                          "pass; it was stopped")
                    outcome.unanswered.append(outcome.errors[-1])
                    break
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - undecided, never a crash
            outcome.errors.append(f"the contract pass stopped: {_short(exc)}")
            outcome.unanswered.append(outcome.errors[-1])
    outcome.tallies = dict(collector.tallies)
    outcome.findings = list(collector.findings.values())
    return outcome


_ALL = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})


NOT_IN_PROFILE = {
    "nl": "buiten dit profiel gelaten, zonder reden in het profiel",
    "en": "left out by this profile, which gives no reason",
}


def _not_sent(methods: frozenset[str] | set[str]) -> dict[str, str]:
    allowed = ", ".join(sorted(methods))
    return {"nl": f"niet verzonden: het veiligheidsbeleid van het doel staat alleen {allowed} toe",
            "en": f"not sent: the target's safety policy allows only {allowed}"}


class _Reporter:
    """Tells the run's Progress how far the pass is: per schemathesis phase (examples,
    coverage, fuzzing: one scenario per operation), the operations done of those in scope;
    in the stateful phase (links, not operations) only that it runs. Failures as counted."""

    STEPS = frozenset({"examples", "coverage", "fuzzing", "stateful"})

    def __init__(self, progress: Progress, collector: _Collector, total: int) -> None:
        self.progress, self.collector, self.total = progress, collector, total
        self.finished: set[str] = set()
        progress.advance(done=0, total=total)

    def __call__(self, event: Any) -> None:
        if isinstance(event, events.PhaseStarted) and str(event.phase.name) in self.STEPS:
            self.finished.clear()
            step = str(event.phase.name)
            self.progress.advance(step=step, done=self.total if step == "stateful" else 0)
        elif isinstance(event, events.ScenarioFinished):
            done = None
            if event.label is not None and str(event.phase) != "stateful":
                self.finished.add(event.label)
                done = min(len(self.finished), self.total)
            self.progress.advance(done=done, failures=self.collector.failures)


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500]


class _Collector:
    """Folds each finished scenario's exchanges and check results into the outcome."""

    def __init__(self, labels: dict[str, str], settings: ContractSettings,
                 outcome: ContractOutcome, adapter: Any) -> None:
        self.labels = labels
        self.pointed: set[str] = getattr(adapter, "pointed", set())
        self.settings = settings
        self.outcome = outcome
        self.tallies: dict[tuple[str, str], CheckTally] = defaultdict(CheckTally)
        self.findings: dict[tuple[str, str, str, int], dict[str, Any]] = {}
        self.bsn = settings.limits.policy.mask_bsn if settings.limits else True
        self.failures = 0  # failed checks so far (triaged: what counts against a requirement)

    def _operation(self, rec: Any, case: Any) -> str:
        label = case.operation.label if case is not None else rec.label
        return self.labels.get(label, label)

    def scenario(self, rec: Any) -> None:
        for case_id, interaction in rec.interactions.items():
            node = rec.cases.get(case_id)
            case = node.value if node is not None else None
            op = self.outcome.operations.setdefault(self._operation(rec, case), OperationTally())
            op.requests += 1
            self.outcome.requests += 1
            response = interaction.response
            if response is not None:
                op.statuses[response.status_code] += 1
            if case is not None and case.meta is not None and \
                    case.meta.generation.mode.value == "positive":
                op.positive += 1
                made_up = (response is not None and response.status_code == 404
                           and bool(case.path_parameters) and case_id not in self.pointed)
                crashed = response is not None and response.status_code >= 500
                op.crashed += crashed
                op.judged += response is not None and not made_up and not crashed
                if response is not None and (200 <= response.status_code < 300 or (
                        response.status_code == 304
                        and "if-none-match" in {k.lower() for k in interaction.request.headers})):
                    op.accepted += 1
        for case_id, nodes in rec.checks.items():
            node = rec.cases.get(case_id)
            case = node.value if node is not None else None
            for check in nodes:
                if check.status != Status.SKIP:
                    self._check(rec, case_id, case, check)

    def _check(self, rec: Any, case_id: str, case: Any, node: Any) -> None:
        operation = self._operation(rec, case)
        tally = self.tallies[(operation, node.name)]
        failure = node.failure_info.failure if node.failure_info else None
        interaction = rec.interactions.get((failure.case_id if failure else None) or case_id)
        response = interaction.response if interaction is not None else None
        if node.status == Status.ERROR:
            tally.errors += 1
            return
        if node.status != Status.FAILURE:
            if applies(node.name, case, response, rec, case_id):
                tally.applied += 1
            return
        tally.applied += 1  # a check that failed had something to judge
        status = response.status_code if response is not None else None
        text = f"{failure.title} {failure.message}" if failure is not None else ""
        request = interaction.request if interaction is not None else None
        verdict = triage(node.name, operation, status, text, request, self.settings.spec_gaps,
                         pointed=not (case is not None and case.path_parameters)
                         or case_id in self.pointed,
                         left_out=node.name == "negative_data_rejection"
                         and only_left_out(case, request, text))
        if verdict.kind == "conditional":
            return
        if verdict.kind in ("spec_gap", "harness_artefact"):
            key = (verdict.kind, node.name, operation, status or 0)
            entry = self.findings.setdefault(key, {
                "kind": verdict.kind, "check": node.name, "operation": operation,
                "status": status, "message": verdict.reason, "count": 0,
                **({"text": verdict.text} if verdict.text and verdict.text.get("nl") else {})})
            entry["count"] += 1
            return
        record = (evidence(node, operation, interaction, self.settings.secrets, self.bsn)
                  if self._room(tally, verdict.aspect) else None)
        if verdict.kind == "aspect" and verdict.aspect:
            tally.routed_count[verdict.aspect] += 1
            self.failures += 1
            if record is not None:
                tally.routed.setdefault(verdict.aspect, []).append(record)
            return
        tally.failures += 1
        self.failures += 1
        if record is not None:
            tally.evidence.append(record)

    @staticmethod
    def _room(tally: CheckTally, aspect: str | None) -> bool:
        kept = tally.routed.get(aspect, []) if aspect else tally.evidence
        return len(kept) < MAX_EVIDENCE_PER_KEY
