"""What the register's log says about each certificate: replaying the entries in order.

The log only records events (added, suspended, unsuspended, revoked); the status a reader
sees is derived here, on a given day, because *expired* is a fact of the calendar, not an
event anyone writes: a certificate past its ``valid_until`` is expired without an entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

ADD, SUSPEND, UNSUSPEND, REVOKE = "add", "suspend", "unsuspend", "revoke"
ENTRY_TYPES = (ADD, SUSPEND, UNSUSPEND, REVOKE)
VALID, SUSPENDED, REVOKED, EXPIRED = "valid", "suspended", "revoked", "expired"
STATUSES = (VALID, SUSPENDED, REVOKED, EXPIRED)
NIGHTLY_SOURCE = "nightly"  # the ``source`` of entries the nightly writes


class TransitionError(ValueError):
    """An entry that the certificate's current state does not allow (say which and why)."""


@dataclass
class CertificateState:
    """One certificate as the log describes it so far."""

    id: str
    summary: dict[str, Any]  # the ``data`` of its ``add`` entry
    suspended: bool = False
    revoked: bool = False
    events: list[dict[str, Any]] = field(default_factory=list)  # its entries, oldest first

    def status(self, today: date) -> str:
        """revoked and expired are final, so they win over a (temporary) suspension."""
        if self.revoked:
            return REVOKED
        if _expired(self.summary.get("valid_until"), today):
            return EXPIRED
        return SUSPENDED if self.suspended else VALID

    @property
    def last_reason(self) -> str:
        """The reason of the newest suspend/unsuspend/revoke entry ('' when none)."""
        for entry in reversed(self.events):
            if entry["type"] != ADD:
                return str(entry["data"].get("reason", ""))
        return ""

    @property
    def suspended_by_nightly(self) -> bool:
        """Whether the suspension in force was written by the nightly (which may lift it)."""
        if not self.suspended:
            return False
        last = next(e for e in reversed(self.events) if e["type"] == SUSPEND)
        return last["data"].get("source") == NIGHTLY_SOURCE


def _expired(valid_until: Any, today: date) -> bool:
    try:
        return date.fromisoformat(str(valid_until)) < today
    except ValueError:
        return False


@dataclass
class RegisterState:
    certificates: dict[str, CertificateState] = field(default_factory=dict)

    def apply(self, entry: dict[str, Any]) -> None:
        """Apply one (already signature-checked) entry; refuse what its state forbids."""
        kind, cert_id = entry["type"], entry["certificate"]
        current = self.certificates.get(cert_id)
        if kind not in ENTRY_TYPES:
            raise TransitionError(f"unknown entry type {kind!r} (known: {', '.join(ENTRY_TYPES)})")
        if kind == ADD:
            if current is not None:
                raise TransitionError(f"certificate {cert_id} is already in the register")
            self.certificates[cert_id] = CertificateState(cert_id, dict(entry["data"]),
                                                          events=[entry])
            return
        if current is None:
            raise TransitionError(f"{kind} of certificate {cert_id}, which is not in the register")
        allowed_from = {SUSPEND: not current.suspended, UNSUSPEND: current.suspended,
                        REVOKE: True}[kind]
        if current.revoked or not allowed_from:
            state = REVOKED if current.revoked else (SUSPENDED if current.suspended else VALID)
            raise TransitionError(f"{kind} of certificate {cert_id}, which is {state}")
        if kind == SUSPEND:
            current.suspended = True
        elif kind == UNSUSPEND:
            current.suspended = False
        else:
            current.revoked = True
        current.events.append(entry)


def replay(entries: list[dict[str, Any]]) -> RegisterState:
    state = RegisterState()
    for entry in entries:
        state.apply(entry)
    return state
