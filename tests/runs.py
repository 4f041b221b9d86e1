"""Whole certification runs against the embedded reference supplier, for the profile tests.

One place for "run profile P with these defects switched on" and for what a clean run and
a defect run must show, so every profile's table is judged by the same rule.
"""

from __future__ import annotations

from pathlib import Path

from conformance.engine.execute import RunOptions, execute
from conformance.profiles import load_profile
from conformance.reference import APIS, embedded_for
from conformance.results import RunResult

SEED = 20261128


#: The APIs the Zaken, Catalogi and Documenten rules need: a run against these alone leaves the
#: scope rules (Autorisaties) and the notification rules (Notificaties) not applicable. Those
#: have whole runs of their own (test_scopes.py, test_notifications.py).
CORE_APIS = ("zaken", "catalogi", "documenten")


WEB_PROFILE = "digitoegankelijk-wcag21aa"
CHROMIUM = Path("/usr/bin/chromium")


def require_chromium() -> None:
    """Web runs need Debian's Chromium: skipped where it is absent, a failure in CI."""
    import os

    import pytest

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing; CI installs Debian's chromium")
        pytest.skip("/usr/bin/chromium is absent; apt-get install -y chromium")


def certify_web(out_dir: Path, *defects: str) -> RunResult:
    """The accessibility profile against the embedded reference web application."""
    from conformance.web.reference import embedded_web_target

    require_chromium()
    with embedded_web_target(frozenset(defects)) as target:
        return execute(load_profile(WEB_PROFILE), target,
                       RunOptions(seed=SEED, budget="quick", out_dir=out_dir, resolver=None))


def certify(profile_id: str, resolver, out_dir: Path, *defects: str,
            apis: tuple[str, ...] = APIS, progress=None) -> RunResult:
    """``progress``: what execute reports to (a Progress or a plain callback), if anything."""
    profile = load_profile(profile_id)  # the reference supplier, or the consumer it tests
    with embedded_for(profile, resolver, frozenset(defects), apis) as target:
        return execute(profile, target, RunOptions(seed=SEED, budget="quick", out_dir=out_dir,
                                                   resolver=resolver), progress)


def counted(result: RunResult, outcome: str, level: str = "MUST") -> set[str]:
    """Requirement ids with this outcome that count (inherited rules never do)."""
    return {r.id for r in result.requirements
            if r.outcome == outcome and r.level == level and r.inherited is None}


def assert_clean(result: RunResult | dict) -> None:
    """Conformant, nothing failed or undecided, and every tested requirement really ran.
    Takes a run's result or the results.json a CLI run wrote."""
    data = result.to_dict() if isinstance(result, RunResult) else result
    counting = [r for r in data["requirements"] if r.get("inherited") is None]
    failed = [(r["id"], r["message"], [_evidence(e) for e in r["evidence"]])
              for r in counting if r["outcome"] == "failed" and r["level"] == "MUST"]
    assert failed == [], failed
    undecided = [(r["id"], r["message"]) for r in counting
                 if r["outcome"] == "error" and r["level"] == "MUST"]
    assert undecided == [], undecided
    assert data["verdict"] == "conformant", data["verdict_reason"]
    for req in counting:
        if req["not_tested"] is None:
            assert req["checks"] and all(c["outcome"] == "passed" and c["executed"] > 0
                                         for c in req["checks"]), req["id"]


def _evidence(item) -> str:
    """One line of evidence: the message, the operation and the request that showed it."""
    if not isinstance(item, dict):
        item = item.__dict__
    request = item.get("request") or {}
    return (f"{item.get('message')} [{item.get('operation')}: {request.get('method')} "
            f"{request.get('url')} {str(request.get('body'))[:300]}]")


def assert_defect(result: RunResult, defect: str, must_fail: set[str],
                  may_fail: set[str]) -> None:
    """Not conformant; the expected requirements fail with evidence; no false alarm."""
    failed = counted(result, "failed")
    assert result.verdict == "not_conformant", (result.verdict, result.verdict_reason)
    assert must_fail <= failed, f"{defect}: expected {sorted(must_fail)}, got {sorted(failed)}"
    unrelated = failed - must_fail - may_fail
    assert not unrelated, f"{defect}: unrelated MUST requirements failed: " + "; ".join(
        f"{r.id}: {r.message} {[_evidence(e) for e in r.evidence[:2]]}"
        for r in result.requirements if r.id in unrelated)
    for req in result.requirements:
        if req.id in must_fail:
            assert req.evidence, f"{req.id} failed without evidence"


def assert_should_defect(result: RunResult, defect: str, should_fail: set[str]) -> None:
    """A SHOULD rule broken: still conformant, exactly those SHOULD requirements failed (with
    evidence), no MUST requirement failed or undecided."""
    assert result.verdict == "conformant", (defect, result.verdict, result.verdict_reason)
    assert counted(result, "failed") == set() and counted(result, "error") == set(), defect
    assert counted(result, "failed", "SHOULD") == should_fail, (
        f"{defect}: expected SHOULD {sorted(should_fail)} to fail, got "
        f"{sorted(counted(result, 'failed', 'SHOULD'))}")
    for req in result.requirements:
        if req.id in should_fail:
            assert req.evidence, f"{req.id} failed without evidence"
