"""The contract pass: schemathesis's engine over a standard's official OpenAPI.

One generation pass per API per run (DESIGN §6): every profile check that names
schemathesis is enabled together, and each (operation, check) result is later
attributed to all requirements that name it. Uses the in-process engine of the
exactly pinned schemathesis version (mode all, all phases incl. stateful, one
worker, no example database, explicit seed).
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import hypothesis.configuration
import schemathesis
from requests import RequestException
from schemathesis import engine
from schemathesis.engine import Status, events

from ..client import Limits, policy_sessions
from ..profiles import SCHEMATHESIS_CHECKS
from ..redact import redact_headers, redact_text, redact_url
from ..specs import default_cache_dir
from . import zgw_data
from .budget import Budget

EVIDENCE_BODY_CHARS = 4000
MAX_EVIDENCE_PER_KEY = 3


@dataclass
class CheckTally:
    """How one (operation, check) pair fared over the whole pass."""

    executed: int = 0
    failures: int = 0
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ContractOutcome:
    api: str
    tallies: dict[tuple[str, str], CheckTally]  # (operationId, check) -> tally
    informational: list[dict[str, Any]]
    errors: list[str]  # engine-level problems: the pass could not decide
    requests: int
    duration_s: float
    # requests that got no answer to check (network, time bound, size cap, budget) or a pass
    # that broke off: the checks that 'passed' over the rest cannot be trusted
    unanswered: list[str] = field(default_factory=list)

    def tally(self, operation: str, check: str) -> CheckTally:
        return self.tallies.get((operation, check), CheckTally())


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
    informational: list[dict[str, Any]]
    secrets: list[str]
    request_timeout_s: float = 15.0
    # the run's client-layer limits: origin, size cap, budget, rate, methods, deadline, TLS
    limits: Limits | None = None


def _config(s: ContractSettings) -> schemathesis.Config:
    checks: dict[str, Any] = {name: {"enabled": name in s.checks}
                              for name in sorted(SCHEMATHESIS_CHECKS)}
    checks["object_level_authorization"] = {"enabled": False}  # needs two identities
    for name, extra in s.profile_checks.items():
        checks.setdefault(name, {}).update(extra)
    return schemathesis.Config.from_dict({
        "seed": s.seed,
        "base-url": s.base_url,
        "headers": s.headers,
        "workers": 1,
        "request-timeout": s.request_timeout_s,
        "max-redirects": 0,
        "tls-verify": s.limits.verify_tls if s.limits is not None else True,
        "generation": {"max-examples": s.budget.max_examples, "mode": "all", "database": "none"},
        "phases": {
            "examples": {"enabled": True},
            # the coverage phase probes undeclared methods (by default also TRACE and QUERY);
            # only those the client layer will send, or the refused probes leave the whole
            # pass undecided (every run at budget standard or thorough was incomplete)
            "coverage": {"enabled": s.budget.coverage, "unexpected-methods": sorted(
                m for m in ("GET", "PUT", "POST", "DELETE", "OPTIONS", "PATCH")
                if s.limits is None or m in s.limits.policy.methods)},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True, "max-steps": s.budget.stateful_max_steps},
        },
        "checks": checks,
    })


def _operation_ids(spec: dict[str, Any]) -> dict[str, str]:
    """'GET /zaken' -> 'zaak_list', for attributing results by operationId."""
    labels = {}
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                labels[f"{method.upper()} {path}"] = op["operationId"]
    return labels


def run_contract(spec: dict[str, Any], settings: ContractSettings,
                 adapter: Any) -> ContractOutcome:
    # Hypothesis keeps a constants cache under ./.hypothesis; not in the user's folder
    if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        hypothesis.configuration.set_hypothesis_home_dir(default_cache_dir().parent / "hypothesis")
    schema = schemathesis.openapi.from_dict(spec, config=_config(settings))
    if settings.operations:
        schema = schema.include(operation_id=list(settings.operations))
    if settings.limits is not None and settings.limits.policy.methods != _ALL:
        allowed = sorted(settings.limits.policy.methods)
        schema = schema.include(method=[m.lower() for m in allowed])
    labels = _operation_ids(spec)
    tallies: dict[tuple[str, str], CheckTally] = defaultdict(CheckTally)
    informational: dict[tuple[str, str, int], dict[str, Any]] = {}
    errors: list[str] = []
    unanswered: list[str] = []
    requests = 0
    duration = 0.0
    rules = settings.informational

    transport = (policy_sessions(settings.limits) if settings.limits is not None
                 else contextlib.nullcontext())
    limits = settings.limits
    with zgw_data.active(adapter), transport:
        try:
            for event in engine.from_schema(schema).execute():
                if isinstance(event, events.ScenarioFinished):
                    requests += _collect(event.recorder, labels, settings, tallies,
                                         informational, rules)
                elif isinstance(event, events.NonFatalError):
                    errors.append(f"{event.label}: {_short(event.value)}")
                    if isinstance(event.value, RequestException):
                        unanswered.append(errors[-1])
                elif isinstance(event, events.FatalError):
                    errors.append(f"schemathesis stopped: {_short(event.exception)}")
                    unanswered.append(errors[-1])
                elif isinstance(event, events.EngineFinished):
                    duration = event.running_time
                if limits is not None and limits.seconds_left() == 0:
                    errors.append("the run's time bound passed during the contract pass; "
                                  "it was stopped")
                    unanswered.append(errors[-1])
                    break
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - undecided, never a crash
            errors.append(f"the contract pass stopped: {_short(exc)}")
            unanswered.append(errors[-1])
    return ContractOutcome(settings.api, dict(tallies), list(informational.values()), errors,
                           requests, duration, unanswered)


_ALL = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})


def undecided_by_errors(requirements: list[Any], contract: dict[str, ContractOutcome]) -> None:
    """A schemathesis check that 'passed' while part of its pass broke off is undecided.

    Requests that got no answer (network errors, refusals of the client layer: size cap,
    time bound, budget) or a pass that stopped mean a clean tally over the rest would be
    'conformant by accident'. Failures found are kept (they stand). Other engine errors
    (e.g. an operation schemathesis cannot generate for) stay notes, as before.
    """
    from ..results import combine_outcomes

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
            req.message = "; ".join(f"{c.id}: {c.outcome} ({c.message})" for c in req.checks
                                    if c.outcome != "passed")[:2000]


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500]


def _collect(rec: Any, labels: dict[str, str], s: ContractSettings,
             tallies: dict[tuple[str, str], CheckTally],
             informational: dict[tuple[str, str, int], dict[str, Any]],
             rules: list[dict[str, Any]]) -> int:
    """Fold one scenario's check results into the tallies; returns its request count."""
    for case_id, nodes in rec.checks.items():
        case_node = rec.cases.get(case_id)
        case = case_node.value if case_node is not None else None
        label = case.operation.label if case is not None else rec.label
        operation = labels.get(label, label)
        for node in nodes:
            if node.status == Status.SKIP:
                continue
            tally = tallies[(operation, node.name)]
            tally.executed += 1
            if node.status != Status.FAILURE:
                continue
            interaction = rec.interactions.get(
                (node.failure_info.failure.case_id if node.failure_info else None) or case_id
            )
            response = interaction.response if interaction else None
            status = response.status_code if response is not None else None
            failure = node.failure_info.failure if node.failure_info else None
            text = f"{failure.title} {failure.message}" if failure is not None else ""
            rule = _informational_rule(rules, node.name, operation, status, text)
            if rule is None and node.name == "negative_data_rejection" and interaction:
                rule = _harness_artefact(text, interaction.request.headers,
                                         has_body=bool(interaction.request.body))
            if rule is not None:
                key = (node.name, operation, status or 0)
                entry = informational.setdefault(key, {
                    "kind": "spec_gap", "check": node.name, "operation": operation,
                    "message": rule["reason"], "count": 0,
                })
                entry["count"] += 1
                continue
            tally.failures += 1
            if len(tally.evidence) < MAX_EVIDENCE_PER_KEY:
                tally.evidence.append(_evidence(node, operation, interaction, s.secrets,
                                                s.limits.policy.mask_bsn if s.limits else True))
    return len(rec.interactions)


def _informational_rule(rules: list[dict[str, Any]], check: str, operation: str,
                        status: int | None, text: str) -> dict[str, Any] | None:
    """The profile's spec-gap rule that covers this failure, if any."""
    for rule in rules:
        if rule["check"] != check:
            continue
        if rule.get("operation") not in (None, operation):
            continue
        if rule.get("status") not in (None, status):
            continue
        if rule.get("message_contains", "") not in text:
            continue
        return rule
    return None


_WAS = re.compile(r"\(was ([^)]*)\)")


def _harness_artefact(text: str, sent_headers: dict[str, Any], *, has_body: bool = True
                      ) -> dict[str, Any] | None:
    """A 'schema-violating request accepted' whose every violation never reached the server.

    Four such cases exist: a required header the case left out but the HTTP client sent
    anyway (Content-Type with a JSON body); a read-only property in the body, which servers
    ignore on input (the OAS marks it readOnly, not forbidden); a case schemathesis itself
    reports as "positive test case" (no invalid part found in what it sent); and a wrong
    Content-Type on a request without a body, where it describes nothing (RFC 9110 §8.3: it
    gives the media type of the content) and DRF-based suppliers such as Open Zaak ignore it.
    """
    _, _, listed = text.partition("Invalid component:")
    violations = [v for v in re.split(r"\n\s*-\s*|\n", listed) if v.strip()]
    if not violations:
        return None
    if [v.strip() for v in violations] == ["positive test case"]:
        # schemathesis itself finds no invalid part in what it sent (a negation that only
        # added undeclared properties or parameters, which the standard lets servers ignore)
        return {"reason": "the generated 'negative' request had no invalid part by the schema "
                          "(schemathesis reports it as a positive test case), so accepting it is "
                          "no evidence against the supplier"}
    sent = {name.lower() for name in sent_headers}
    harmless: list[str] = []
    for violation in violations:
        was = _WAS.search(violation)
        if "header" in violation and "violates `required`" in violation and was and all(
                h.strip().lower() in sent for h in was.group(1).split(",")):
            harmless.append("a required header the generated case left out was sent by the "
                            "HTTP client anyway")
        elif "body" in violation and "violates `not` at /properties/" in violation:
            harmless.append("a read-only property in the body, which servers ignore on input")
        elif not has_body and "`Content-Type` in header" in violation:
            harmless.append("a wrong Content-Type on a request without a body, so describing "
                            "nothing")
        else:
            return None
    return {"reason": "the request that reached the server was valid; its only 'invalid' "
                      "parts: " + "; ".join(dict.fromkeys(harmless))}


def _headers(raw: dict[str, Any], secrets: list[str], bsn: bool = True) -> dict[str, str]:
    flat = {k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in raw.items()}
    return redact_headers(flat, secrets, mask_bsn=bsn)


def _body(data: bytes | str | None, secrets: list[str], bsn: bool = True
          ) -> tuple[str | None, bool]:
    if data is None:
        return None, False
    if isinstance(data, str):
        with contextlib.suppress(ValueError):
            data = base64.b64decode(data, validate=True)
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    return (redact_text(text[:EVIDENCE_BODY_CHARS * 4], secrets, mask_bsn=bsn)
            [:EVIDENCE_BODY_CHARS], len(text) > EVIDENCE_BODY_CHARS)


def _evidence(node: Any, operation: str, interaction: Any, secrets: list[str],
              bsn: bool = True) -> dict[str, Any]:
    info = node.failure_info
    failure = info.failure if info else None
    message = ""
    if failure is not None:
        message = failure.title + (f": {failure.message}" if failure.message else "")
    ev: dict[str, Any] = {
        "check": f"schemathesis:{node.name}",
        "operation": operation,
        "message": redact_text(message[:8000], secrets, mask_bsn=bsn)[:2000] or node.name,
        "code": getattr(failure, "code", None),
        "curl": (redact_text(info.code_sample, secrets, mask_bsn=bsn)
                 if info and info.code_sample else None),
        "steps": [redact_text(step.curl, secrets, mask_bsn=bsn)
                  for step in (info.steps if info else []) if getattr(step, "curl", None)],
        "request": None,
        "response": None,
    }
    if interaction is not None:
        req = interaction.request
        body, _ = _body(req.body, secrets, bsn)
        ev["request"] = {"method": req.method, "url": redact_url(req.uri, secrets, mask_bsn=bsn),
                         "headers": _headers(dict(req.headers), secrets, bsn), "body": body}
        if interaction.response is not None:
            resp = interaction.response
            rbody, truncated = _body(resp.content, secrets, bsn)
            ev["response"] = {"status": resp.status_code,
                              "headers": _headers(dict(resp.headers), secrets, bsn),
                              "body": rbody, "truncated": truncated}
    return ev
