"""A web run: the pages of the target in a browser, checked by axe-core, as a ``RunResult``.

The engine hands a profile with a web standard to :func:`execute_web`; everything else
(artefacts, signing, waivers, history) treats the result like any other run's.
"""

from __future__ import annotations

import platform
import shutil
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import schemathesis

from .. import __version__
from ..errors import UsageError
from ..profiles import AxeCheck, Profile
from ..redact import redact_text
from ..results import RunResult, decide_verdict
from ..targets import Target
from .axe import engine
from .supervise import scan_site
from .verdicts import SHOTS_FOLDER, attribute_web

MAX_NOTES = 10


def execute_web(profile: Profile, target: Target, options: Any,
                progress: Callable[[str], None] = lambda _msg: None) -> RunResult:
    """Check every page of ``target.web`` at every viewport with the profile's axe rules.

    ``options`` is the engine's ``RunOptions`` (out_dir, seed, budget, insecure are used).
    """
    web = profile.web
    assert web is not None
    site = target.web
    if site is None:
        raise UsageError(
            f"{target.source}: profile {profile.id} tests web pages, and the target has no "
            "'web' section: add web: {base_url: ..., pages: [/, ...]} (README: the target "
            "file), or give --target the URL of a page")
    axe = engine()
    if axe.sha256 != web.engine["sha256"]:
        raise UsageError(
            f"profile {profile.id} pins {web.engine['name']} {web.engine['version']} (sha256 "
            f"{web.engine['sha256'][:12]}…), but the installed {axe.binding} bundles axe-core "
            f"{axe.version} (sha256 {axe.sha256[:12]}…): its rules may map to other criteria. "
            "Install the pinned axe-playwright-python, or regenerate the profile with "
            "`python -m conformance.web.mapping --write FILE`.")
    started_at, t0 = _now(), time.monotonic()
    policy = target.safety.with_insecure(options.insecure)
    if site.login is not None and "POST" not in policy.methods:
        raise UsageError(
            f"{target.source}: the login form is submitted with POST, and the target's safety "
            f"policy allows only {', '.join(sorted(policy.methods))} (a production environment "
            "is read-only): test a test or acceptance environment, or allow POST")
    rules = sorted({r for req in profile.requirements for c in req.checks
                    if isinstance(c, AxeCheck) for r in c.rules})
    shots = options.out_dir / SHOTS_FOLDER
    shutil.rmtree(shots, ignore_errors=True)  # a re-run into the same folder starts clean
    views = len(site.pages) * len(site.viewports)
    progress(f"checking {len(site.pages)} page(s) at {len(site.viewports)} viewport(s) with "
             f"axe-core {axe.version} in Chromium ({len(rules)} rules)")
    work = options.out_dir / ".work-web"
    try:
        outcome = scan_site(site, rules, policy, work, shots,
                            t0 + policy.run_timeout_s if policy.run_timeout_s else None)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # scratch, and it names the login selectors
    secrets = target.secrets()
    requirements, findings = attribute_web(profile, outcome.scans, options.out_dir, secrets,
                                           policy.mask_bsn)
    verdict, reason = decide_verdict(requirements, profile.required_classes())
    checked = sum(1 for s in outcome.scans if s.rules is not None)
    notes = [f"{checked} of {views} page views checked ({len(site.pages)} pages x "
             f"{len(site.viewports)} viewports: "
             f"{', '.join(v.label() for v in site.viewports)})"]
    notes += [redact_text(n, secrets) for n in outcome.notes[:MAX_NOTES]]
    if outcome.refused:
        notes.append(f"the browser refused {len(outcome.refused)} request(s) outside the "
                     f"target's origin or safety policy, e.g. "
                     + "; ".join(redact_text(r, secrets)
                                 for r in dict.fromkeys(outcome.refused[:3])))
    if policy.insecure_tls:
        notes.insert(0, "TLS certificates of the target were NOT verified (--insecure)")
    summary = profile.summary()
    return RunResult(
        verdict=verdict, verdict_reason=reason, requirements=requirements, profile=summary,
        target=target.summary(), findings=findings,
        run={
            "id": str(uuid.uuid4()), "seed": options.seed, "budget": options.budget,
            "tool_version": __version__, "schemathesis_version": schemathesis.__version__,
            "python_version": platform.python_version(), "started_at": started_at,
            "finished_at": _now(), "duration_s": round(time.monotonic() - t0, 3),
            "timings": {"pages": round(sum(s.seconds for s in outcome.scans), 3)},
            "requests": outcome.requests, "notes": notes, "safety": policy.summary(),
            "browser": {"name": "Chromium", "version": outcome.browser,
                        "axe_core": axe.version, "binding": axe.binding},
            "cleanup": [],
        },
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
