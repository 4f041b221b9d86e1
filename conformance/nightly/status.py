"""Regressions, recoveries and the certificate status that follows from the nightly runs.

The rule (also in docs/nightly.md), per (supplier, profile), over its runs newest first:

* **regression**: a requirement that *passed* in the previous checked run and *failed* in
  this one; a **recovery** is the reverse. "Checked" means the run reached a verdict
  (conformant or not conformant); a night the supplier could not be checked is skipped, so
  an outage is never mistaken for a regression or a recovery.
* **valid**: the newest run is conformant.
* **suspended**: the newest ``window`` runs (default 3) all failed to show conformance and at
  least one of them is a proven failure (not conformant). Being unreachable alone never
  suspends a certificate: that is an alert for the centre (exit 3), not evidence.
* **at_risk**: anything else with runs - the grace period of up to ``window - 1`` bad nights
  in which the supplier can repair before the certificate is suspended.
* **unknown**: no run yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .store import RunRecord

VALID, AT_RISK, SUSPENDED, UNKNOWN = "valid", "at_risk", "suspended", "unknown"


@dataclass
class Change:
    """What one run changed for its (supplier, profile) pair."""

    supplier: str
    profile: str
    regressions: list[str] = field(default_factory=list)  # requirement ids
    recoveries: list[str] = field(default_factory=list)
    status_before: str = UNKNOWN
    status_after: str = UNKNOWN
    previous_run: RunRecord | None = None
    run: RunRecord | None = None  # the run that made the change

    @property
    def status_changed(self) -> bool:
        return self.status_before != self.status_after


def certificate_status(runs: list[RunRecord], window: int) -> str:
    """Status from a pair's runs, oldest first (as the store returns them)."""
    if not runs:
        return UNKNOWN
    newest = runs[::-1][:window]
    if newest[0].outcome == "conformant":
        return VALID
    if (len(newest) == window and all(r.outcome != "conformant" for r in newest)
            and any(r.outcome == "not_conformant" for r in newest)):
        return SUSPENDED
    return AT_RISK


def previous_checked(runs: list[RunRecord], current: RunRecord) -> RunRecord | None:
    """The newest run before ``current`` that reached a verdict."""
    earlier = [r for r in runs if r.id != current.id and _before(r, current)]
    checked = [r for r in earlier if r.checked]
    return checked[-1] if checked else None


def _before(a: RunRecord, b: RunRecord) -> bool:
    return (a.finished_at, a.id or 0) < (b.finished_at, b.id or 0)


def compare(previous: RunRecord | None, current: RunRecord) -> tuple[list[str], list[str]]:
    """(regressions, recoveries) per requirement between two runs of one pair."""
    if previous is None or not current.checked:
        return [], []
    regressions, recoveries = [], []
    for rid, (_, outcome) in sorted(current.requirements.items()):
        before = previous.requirements.get(rid, (None, None))[1]
        if before == "passed" and outcome == "failed":
            regressions.append(rid)
        elif before == "failed" and outcome == "passed":
            recoveries.append(rid)
    return regressions, recoveries


def change_of(history: list[RunRecord], current: RunRecord, window: int) -> Change:
    """What ``current`` (already in ``history``, oldest first) changed for its pair."""
    before = [r for r in history if r.id != current.id and _before(r, current)]
    upto = before + [current]
    previous = previous_checked(history, current)
    regressions, recoveries = compare(previous, current)
    return Change(current.supplier, current.profile, regressions, recoveries,
                  certificate_status(before, window), certificate_status(upto, window), previous,
                  current)


def latest_changes(history: list[RunRecord], window: int) -> dict[tuple[str, str], Change]:
    """Per pair, the change its newest run made (for the dashboard and `history`)."""
    by_pair: dict[tuple[str, str], list[RunRecord]] = {}
    for r in history:
        by_pair.setdefault((r.supplier, r.profile), []).append(r)
    return {pair: change_of(runs, runs[-1], window) for pair, runs in by_pair.items()}
