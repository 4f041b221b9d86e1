"""Execute a profile against a target: prepare, contract pass, suites, clean up.

Produces the ``RunResult``; writes nothing but the suites' technical log. Every
stage that cannot decide says so in the result (``error``), so a problem of the
harness or the target ends in ``incomplete``, never in ``conformant``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import platform
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import schemathesis

from .. import __version__
from ..auth import TokenSource
from ..client import ApiClient, ClientLimitError, Limits
from ..errors import UsageError
from ..parts import lacked_part
from ..profiles import Profile
from ..results import RunResult, decide_verdict
from ..safety import SafetyPolicy
from ..specs import SpecResolver, load_standard_spec
from ..targets import Target
from ..zgw import default_headers
from .attribute import attribute
from .beside import BesideContract, reads_only
from .budget import budget as budget_preset
from .contract import ContractOutcome, ContractSettings, run_contract
from .prepare import Preparation, prepare
from .progress import Progress
from .suite_turns import suite_workers
from .suites import SuiteOutcome, run_suites


@dataclass
class RunOptions:
    seed: int
    budget: str
    out_dir: Path
    resolver: SpecResolver
    timeout_s: float = 15.0
    max_response_bytes: int = 10 * 1024 * 1024
    insecure: bool = False  # --insecure: TLS certificates are not verified (warned, recorded)
    concurrency: int | None = None  # --concurrency: fewer requests in flight than the target's


def _policy(target: Target, options: RunOptions) -> SafetyPolicy:
    """The target's safety policy with the run's options: --insecure, and --concurrency,
    which may lower the target's max_concurrency but never raise it."""
    policy = target.safety.with_insecure(options.insecure)
    wanted = options.concurrency
    if wanted is not None and wanted > policy.max_concurrency:
        raise UsageError(
            f"--concurrency {wanted} is more than {target.source} allows "
            f"(safety.max_concurrency: {policy.max_concurrency}); ask for at most that, or "
            "raise it in the target file if the supplier agrees")
    return policy.with_concurrency(wanted)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def execute(profile: Profile, target: Target, options: RunOptions,
            progress: Progress | Callable[[str], None] | None = None) -> RunResult:
    """``progress``: a Progress (phases, operations and tests done, requests, failures) or
    a plain callback that gets each phase's message."""
    progress = Progress.of(progress)
    if profile.web is not None:  # web pages in a browser, not an API: conformance.web
        from ..web.run import execute_web

        try:
            return execute_web(profile, target, options, progress.phase)
        finally:
            progress.finish()
    started_at, t0 = _now(), time.monotonic()
    missing = [s.api for s in profile.tested_standards() if s.api not in target.apis]
    if missing:
        raise UsageError(
            f"{target.source}: the target has no base_url for {', '.join(missing)}, which profile "
            f"{profile.id} tests. Add it under 'apis' (e.g. {missing[0]}: {{base_url: ...}})."
        )
    specs = {s.api: load_standard_spec(s, options.resolver) for s in profile.tested_standards()
             if not s.from_target}
    tokens = TokenSource(target.auth)
    policy = _policy(target, options)
    limits = Limits.for_policy(target.origins(), policy, options.timeout_s, target.secrets())
    limits.max_response_bytes = min(limits.max_response_bytes, options.max_response_bytes)
    progress.count_requests(lambda: limits.requests_sent)
    clients = {api: ApiClient(url, limits, tokens,
                              default_headers=default_headers(api))
               for api, url in target.apis.items()}
    timings: dict[str, float] = {}
    workers = 1  # processes the suites ran in (suite_turns) ...
    answer_s: float | None = None  # ... chosen by the supplier's mean answer time before them
    notes: list[str] = [f"the secret of client '{client_id}' is weak ({why}); evidence masks it "
                        "only where it stands as a credential"
                        for client_id, why in target.auth.weak_secrets()]
    contract: dict[str, ContractOutcome] = {}
    suites = SuiteOutcome({}, [], 0.0, None)
    stage_error: str | None = None
    prep = Preparation()
    published: dict[str, dict[str, Any]] = {}
    cleanup_report: list[dict[str, Any]] = []
    try:
        progress.phase("checking that the target answers")
        stage_error = _unreachable(clients)
        for std in profile.tested_standards():
            if std.from_target and stage_error is None:
                progress.phase(f"reading the OpenAPI document {target.apis[std.api]}/openapi.json")
                published[std.api] = _published_spec(clients[std.api], notes)
                if published[std.api].get("spec") is not None:
                    specs[std.api] = published[std.api]["spec"]
        if stage_error is None:
            progress.phase("preparing test data on the target")
            t = time.monotonic()
            prep = prepare(profile, clients, options.seed, specs,
                           notifications=target.notifications, options=target.options,
                           client_id=target.auth.client_id)
            timings["prepare"] = round(time.monotonic() - t, 3)
            # no contract pass on data that could not be prepared (the suites still run)
            passes = {} if prep.error is not None else {
                api: checks for api in specs if (checks := _contract_checks(profile, api))}
            refs = sorted({chk.ref for r in profile.requirements for chk in r.checks
                           if hasattr(chk, "ref")})
            # checks that only read run beside the contract pass when the policy has a place
            # to spare for them (beside.py); the others wait for it
            beside_refs = ([r for r in refs if reads_only(r)]
                           if passes and policy.max_concurrency > 1 else [])
            refs = [r for r in refs if r not in beside_refs]
            run_suite = functools.partial(_suites, profile, target, options, prep, limits,
                                          progress)
            beside = BesideContract(limits, lambda policy_share, budget, stop: run_suite(
                beside_refs, loan=(policy_share, budget), stop=stop)) if beside_refs else None
            with beside or contextlib.nullcontext():
                for api, checks in passes.items():
                    progress.phase(f"contract pass over {api} (schemathesis, budget "
                                   f"{options.budget}"
                                   + (f"; {len(beside_refs)} read-only tests beside it)"
                                      if beside else ")"), unit="operations")
                    t = time.monotonic()
                    contract[api] = _contract(profile, target, api, specs[api], checks,
                                              options, tokens, prep, limits, progress)
                    timings[f"contract:{api}"] = round(time.monotonic() - t, 3)
                if beside is not None:
                    suites = beside.outcome()
                    timings["suites:beside-contract"] = round(suites.duration_s, 3)
            left = limits.seconds_left()
            if refs and left == 0:
                suites = suites.joined(SuiteOutcome(
                    {}, [f"not run: the run's time bound of {policy.run_timeout_s:g} s had "
                         "passed"], 0.0, None))
            elif refs:
                answer_s = limits.mean_answer_s()
                workers = suite_workers(policy.max_concurrency, len(refs), answer_s)
                progress.phase(f"business-rule suites ({len(refs)} tests"
                               + (f", {workers} side by side)" if workers > 1 else ")"),
                               unit="tests", total=len(refs))
                after = run_suite(refs, workers=workers)
                timings["suites"] = round(after.duration_s, 3)
                suites = after.joined(suites)
    finally:
        if prep.factory is not None:
            progress.phase("removing the test data the run created")
            t = time.monotonic()
            # removing what the run made is not cut short by the run's time bound or budget
            limits.deadline, limits.request_budget, limits.consecutive_failures = None, None, 0
            cleanup = prep.factory.cleanup()
            timings["cleanup"] = round(time.monotonic() - t, 3)
            notes.append(_cleanup_note(cleanup))
            cleanup_report = cleanup
        for close in prep.closers:  # e.g. the webhook receiver, once its abonnement is gone
            close()
        for client in clients.values():
            client.close()
        progress.finish()
    notes.extend(prep.notes)
    if prep.error:
        notes.append(f"preparation failed: {prep.error}")
    for outcome in contract.values():
        notes.extend(f"contract {outcome.api}: {e}" for e in outcome.errors[:10])
    notes.extend(f"suites: {e}" for e in suites.errors)
    requirements, findings = attribute(profile, contract, suites,
                                       stage_error or (prep.error and
                                                       f"test data could not be prepared: "
                                                       f"{prep.error}"))
    if prep.factory is not None:  # refusals of the pinned form the preparation worked around
        findings.extend({k: v for k, v in f.items() if k != "evidence"}
                        for f in prep.factory.findings)
    cleanup_report = [*cleanup_report, *suites.cleanup]
    if suites.cleanup:
        notes.append("suites " + _cleanup_note(suites.cleanup))
    missing = profile.missing_parts(set(target.apis), {c.name for c in target.auth.clients})
    _not_exercised(requirements, missing, {r.id for r in profile.requirements if r.not_tested})
    verdict, reason = decide_verdict(requirements, profile.required_classes(), missing)
    notes.extend(f"safety policy: {r}" for r in dict.fromkeys(limits.refusals[:10]))
    if policy.insecure_tls:
        notes.insert(0, "TLS certificates of the target were NOT verified (--insecure)")
    # the contract pass sends through the run's limits, the suites' child through its own
    requests = limits.requests_sent + suites.requests
    summary = profile.summary()
    for std in summary["standards"]:
        if std.get("from_target"):
            got = published.get(std["api"], {})
            std["url"] = got.get("url") or f"{target.apis.get(std['api'], '')}/openapi.json"
            std["sha256"] = got.get("sha256")
            std["version"] = got.get("version") or std["version"]
    return RunResult(
        verdict=verdict, verdict_reason=reason, requirements=requirements,
        profile=summary, target=target.summary(), findings=findings,
        coverage=[row for outcome in contract.values() for row in outcome.coverage()],
        missing_parts=missing,
        run={
            "id": str(uuid.uuid4()), "seed": options.seed, "budget": options.budget,
            "tool_version": __version__, "schemathesis_version": schemathesis.__version__,
            "python_version": platform.python_version(), "started_at": started_at,
            "finished_at": _now(), "duration_s": round(time.monotonic() - t0, 3),
            "timings": timings, "requests": requests, "notes": notes,
            "safety": policy.summary(), "suite_workers": workers,
            "mean_answer_ms": _ms(answer_s),
            "cleanup": [{"url": c["url"], "removed": c["removed"],
                         **({"status": c["status"]} if c.get("status") is not None else {}),
                         **({"error": c["error"]} if c.get("error") else {})}
                        for c in cleanup_report],
        },
    )


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _not_exercised(requirements: list[Any], missing: list[dict[str, str]],
                   declared: set[str]) -> None:
    """A rule skipped because the target leaves out a part the profile requires
    (conformance.parts) was not exercised: undecided, never disclosed as if the profile
    allowed it (``declared``: what the profile itself marks not tested stays so)."""
    required = {m["part"] for m in missing}
    for req in requirements:
        if req.outcome != "skipped" or req.id in declared:
            continue
        reasons = [c.message.removeprefix("Skipped: ") for c in req.checks
                   if c.outcome == "skipped"]
        lacked = [p for p in dict.fromkeys(map(lacked_part, reasons)) if p in required]
        if lacked:
            req.outcome, req.not_tested = "error", None
            req.message = (f"not exercised: the target leaves out {', '.join(lacked)}, which "
                           f"the component must offer ({'; '.join(dict.fromkeys(reasons))})")


def _published_spec(client: ApiClient, notes: list[str]) -> dict[str, Any]:
    """The target's own ``openapi.json`` (for a standard with ``openapi: {from_target: true}``).

    Read anonymously as the API Design Rules require, else with the run's credentials (so a
    document behind auth still drives the run; the publish-openapi rule reports the fault).
    Its sha256 goes into the results as the identity of what was tested.
    """
    url = f"{client.base_url}/openapi.json"
    for auth in (False, True):
        try:
            resp = client.get(url, auth=auth)
        except (httpx.HTTPError, ClientLimitError) as exc:
            notes.append(f"the target's OpenAPI document {url} could not be read: {exc}")
            return {"url": url}
        if resp.status_code == 200:
            try:
                doc = json.loads(resp.content)
            except (ValueError, RecursionError):
                doc = None
            if isinstance(doc, dict) and isinstance(doc.get("paths"), dict):
                info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
                return {"url": url, "spec": doc, "sha256": hashlib.sha256(resp.content).hexdigest(),
                        "version": str(info.get("version", "")) or None}
    notes.append(f"the target published no readable OpenAPI document at {url} "
                 f"(HTTP {resp.status_code})")
    return {"url": url}


def _cleanup_note(cleanup: list[dict[str, Any]]) -> str:
    """What the run left behind on the target, and why (the cleanup report)."""
    kept = [c for c in cleanup if not c["removed"]]
    removed = len(cleanup) - len(kept)
    note = f"cleanup: {removed} of {len(cleanup)} objects the run created were removed"
    if kept:
        paths = sorted({c["url"].rstrip("/").rsplit("/", 2)[-2] for c in kept})
        statuses = sorted({str(c.get("status") or c.get("error")) for c in kept})
        note += (f"; {len(kept)} left on the target ({', '.join(paths)}; DELETE answered "
                 f"{', '.join(statuses)})")
    return note


def _unreachable(clients: dict[str, ApiClient]) -> str | None:
    """None when every API answers HTTP at all; otherwise why not."""
    for api, client in clients.items():
        try:
            client.get(client.base_url + "/", auth=False)
        except (httpx.HTTPError, ClientLimitError) as exc:
            hint = (" (the TLS certificate is not trusted: expired, self-signed or for another "
                    "host; --insecure skips verification for a test box)"
                    if "CERTIFICATE_VERIFY_FAILED" in str(exc) else "")
            return (f"target unreachable: {api} at {client.base_url}: "
                    f"{type(exc).__name__}: {exc}{hint}")
    return None


def _contract(profile: Profile, target: Target, api: str, spec: dict[str, Any],
              checks: set[str], options: RunOptions, tokens: TokenSource,
              prep: Preparation, limits: Limits, progress: Progress) -> ContractOutcome:
    standard = profile.standards[api]
    settings = ContractSettings(
        api=api, base_url=target.apis[api], operations=standard.operations or [], checks=checks,
        seed=options.seed, budget=budget_preset(options.budget), headers=tokens.headers(),
        profile_checks=profile.contract.get("checks", {}),
        spec_gaps=profile.contract.get("spec_gaps", []),
        secrets=[*target.secrets(), *tokens.secrets()], request_timeout_s=options.timeout_s,
        limits=limits,
    )
    outcome = run_contract(spec, settings, prep.adapters.get(api), progress)
    outcome.excluded.update(standard.excluded)  # the profile's reason, Dutch and English
    return outcome


def _contract_checks(profile: Profile, api: str) -> set[str]:
    """The contract checks the profile's requirements ask of ``api`` (none: no pass)."""
    return {c for r in profile.requirements for chk in r.checks
            if getattr(chk, "api", None) == api for c in chk.checks}


def _suites(profile: Profile, target: Target, options: RunOptions, prep: Preparation,
            limits: Limits, progress: Progress, refs: list[str], *, workers: int = 1,
            loan: tuple[SafetyPolicy, int | None] | None = None,
            stop: threading.Event | None = None) -> SuiteOutcome:
    """Run suite tests in a child; ``loan``: the place borrowed beside the contract pass
    (its policy and budget), whose child has a log and scratch folder of its own and reports
    only its requests to the progress view (the contract pass has the view)."""
    left = limits.seconds_left()
    name = "" if loan is None else "-beside-contract"
    return run_suites(refs, _suite_context(profile, target, options, prep, limits, loan),
                      target.auth.secret, options.out_dir / f".work{name}",
                      options.out_dir / f"report{name}.html",
                      f"{profile.id} — {target.supplier.name}",
                      **({} if left is None else {"timeout_s": left + 30}),
                      client_secrets={c.name: c.secret for c in target.auth.clients},
                      progress=progress, workers=workers, stop=stop,
                      count_tests=loan is None)


def _suite_context(profile: Profile, target: Target, options: RunOptions,
                   prep: Preparation, limits: Limits,
                   loan: tuple[SafetyPolicy, int | None] | None = None) -> dict[str, Any]:
    policy, budget = loan if loan is not None else (limits.policy, limits.budget_left())
    return {
        # the same safety policy in the child: what is left of the budget and the run's time
        "safety": {"policy": policy.to_context(), "seconds_left": limits.seconds_left(),
                   "budget_left": budget},
        "apis": target.apis, "auth_type": target.auth.type, "client_id": target.auth.client_id,
        # further clients (scope rules); their secrets travel in the child's environment
        "clients": [{"name": c.name, "client_id": c.client_id} for c in target.auth.clients],
        "seed": options.seed, "environment": target.environment,
        "timeout_s": options.timeout_s, "max_response_bytes": options.max_response_bytes,
        "fixtures": prep.fixtures,
        "api_versions": {s.api: s.version for s in profile.standards.values()},
        # the APIs the profile tests (the API Design Rules check each of them)
        "tested_apis": [s.api for s in profile.tested_standards()],
        # where the supplier reaches the harness's webhook receiver (target file)
        "notifications": target.notifications,
    }
