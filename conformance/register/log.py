"""The register's append-only log: signed JSON lines, each chained to the one before.

One entry per line, written as canonical JSON (the same form certificates are signed in)::

    {"certificate": ID, "data": {...}, "prev": SHA256, "seq": N,
     "signature": {"algorithm": "Ed25519", "key_fingerprint": ..., "public_key": ..., "value": ...},
     "time": ISO-8601, "type": "add" | "suspend" | "unsuspend" | "revoke"}

``prev`` is the sha256 of the previous entry's line (its canonical JSON, signature
included; 64 zeros for the first), and the signature covers the entry without its
signature. A line must be byte for byte the canonical form of what it says, so any changed
byte shows: it no longer parses, is no longer canonical, or no longer matches its signature.
A removed or reordered entry breaks ``seq`` and ``prev``. Removing entries from the *end*
leaves an intact shorter chain, so ``head.json``, signed with the same key, names the
number of entries and the hash of the last one.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..certify import canonical_json, key_fingerprint, sha256_hex
from .state import RegisterState, TransitionError

LOG_NAME = "log.jsonl"
HEAD_NAME = "head.json"
GENESIS = "0" * 64
ENTRY_KEYS = {"seq", "type", "time", "certificate", "data", "prev", "signature"}
HEAD_KEYS = {"entries", "last", "time", "signature"}


def entry_hash(entry: dict[str, Any]) -> str:
    """What the next entry's ``prev`` holds: sha256 of this entry's canonical line."""
    return sha256_hex(canonical_json(entry))


def _signature(key: Ed25519PrivateKey, unsigned: dict[str, Any]) -> dict[str, str]:
    public = key.public_key()
    return {"algorithm": "Ed25519", "key_fingerprint": key_fingerprint(public),
            "public_key": base64.b64encode(public.public_bytes_raw()).decode("ascii"),
            "value": base64.b64encode(key.sign(canonical_json(unsigned))).decode("ascii")}


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def make_entry(key: Ed25519PrivateKey, *, seq: int, kind: str, certificate: str,
               data: dict[str, Any], prev: str, time: str | None = None) -> dict[str, Any]:
    """A signed entry; ``prev`` is ``entry_hash`` of the entry before it (GENESIS first)."""
    unsigned = {"seq": seq, "type": kind, "time": time or _now(), "certificate": certificate,
                "data": data, "prev": prev}
    return unsigned | {"signature": _signature(key, unsigned)}


def make_head(key: Ed25519PrivateKey, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The signed head: how many entries the log has and the hash of the last one."""
    unsigned = {"entries": len(entries), "last": entry_hash(entries[-1]) if entries else GENESIS,
                "time": _now()}
    return unsigned | {"signature": _signature(key, unsigned)}


def entry_line(entry: dict[str, Any]) -> bytes:
    return canonical_json(entry) + b"\n"


# --- verification --------------------------------------------------------------------------

@dataclass(frozen=True)
class Broken:
    """The first thing wrong with a log: where (line of log.jsonl, or head.json) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class LogReport:
    """The entries that verified, in order (up to the first broken one), and what broke."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    state: RegisterState = field(default_factory=RegisterState)
    broken: Broken | None = None
    notes: list[str] = field(default_factory=list)
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return self.broken is None


class _Keys:
    """Which keys may sign: the trusted ones, or else whichever key signed the first entry."""

    def __init__(self, trusted: list[Ed25519PublicKey] | None) -> None:
        self.by_fingerprint = {key_fingerprint(k): k for k in trusted or []}
        self.pinned = trusted is not None

    def check(self, signed: dict[str, Any]) -> str | None:
        """None when ``signed`` carries a valid signature by an allowed key, else why not."""
        sig = signed.get("signature")
        if not isinstance(sig, dict) or sig.get("algorithm") != "Ed25519":
            return "no Ed25519 signature"
        named = str(sig.get("key_fingerprint", ""))
        embedded = _embedded_key(sig)
        if embedded is None or key_fingerprint(embedded) != named:
            return "the signature's public key does not match its fingerprint"
        key = self.by_fingerprint.get(named)
        if key is None and not self.pinned and not self.by_fingerprint:
            key = self.by_fingerprint[named] = embedded  # the first key must sign them all
        if key is None:
            allowed = ", ".join(self.by_fingerprint) or "(none)"
            return f"signed by key {named or '(none)'}, not a trusted register key ({allowed})"
        unsigned = {k: v for k, v in signed.items() if k != "signature"}
        try:
            key.verify(_strict_b64(sig.get("value")), canonical_json(unsigned))
        except (InvalidSignature, ValueError):
            return "the signature does not match the content (the entry was changed)"
        return None


def _strict_b64(value: Any) -> bytes:
    """Base64 that is exactly the canonical encoding of its bytes: the unused low bits of
    the last character are ignored by decoders, so a flipped bit there must still show."""
    text = str(value)
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("not canonical base64")
    return raw



def _embedded_key(sig: dict[str, Any]) -> Ed25519PublicKey | None:
    try:
        return Ed25519PublicKey.from_public_bytes(_strict_b64(sig.get("public_key")))
    except ValueError:
        return None


def verify_log(log_bytes: bytes, head_bytes: bytes | None,
               trusted: list[Ed25519PublicKey] | None) -> LogReport:
    """Check the whole chain and the head; stop at the first broken entry.

    ``trusted`` None checks only that one key (the first entry's) signed everything:
    enough to publish or to append safely; ``verify`` passes the keys it trusts.
    """
    report = LogReport()
    keys = _Keys(trusted)
    lines = log_bytes.split(b"\n")
    for number, line in enumerate(lines[:-1], start=1):
        problem = _check_line(line, report, keys)
        if problem:
            report.broken = Broken(f"{LOG_NAME}:{number}", f"entry {number}: {problem}")
            return report
    if lines[-1] != b"":
        report.broken = Broken(f"{LOG_NAME}:{len(lines)}",
                               f"entry {len(lines)}: the last line does not end with a "
                               "newline (a truncated or edited log)")
        return report
    report.broken = _check_head(head_bytes, report, keys)
    return report


def _check_line(line: bytes, report: LogReport, keys: _Keys) -> str | None:
    try:
        entry = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return f"not a JSON line ({exc})"
    if not isinstance(entry, dict) or set(entry) != ENTRY_KEYS:
        return f"not a register entry (expected the fields {', '.join(sorted(ENTRY_KEYS))})"
    try:
        canonical = canonical_json(entry)
    except ValueError as exc:
        return f"not canonical JSON ({exc})"
    if canonical != line:
        return "the line is not in canonical form (it was edited after signing)"
    expected_seq = len(report.entries)
    if entry["seq"] != expected_seq:
        return (f"sequence number {entry['seq']!r}, expected {expected_seq}: an entry was "
                "removed, inserted or moved")
    if entry["prev"] != report.head_hash:
        return ("its 'prev' hash does not match the entry before it: an entry was removed, "
                "inserted, moved or changed")
    problem = keys.check(entry)
    if problem:
        return problem
    if not all(isinstance(entry[k], str) for k in ("type", "time", "certificate")) \
            or not isinstance(entry["data"], dict):
        return "malformed fields (type, time and certificate are text, data an object)"
    try:
        report.state.apply(entry)
    except TransitionError as exc:
        return str(exc)
    report.entries.append(entry)
    report.head_hash = sha256_hex(canonical)
    return None


def _check_head(head_bytes: bytes | None, report: LogReport, keys: _Keys) -> Broken | None:
    if head_bytes is None:
        if report.entries:
            return Broken(HEAD_NAME, "missing: without the signed head, entries removed from "
                          "the end of the log cannot be detected")
        return None
    try:
        head = json.loads(head_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return Broken(HEAD_NAME, f"not valid JSON ({exc})")
    if not isinstance(head, dict) or set(head) != HEAD_KEYS or not isinstance(
            head["entries"], int):
        return Broken(HEAD_NAME, f"not a register head (expected {', '.join(sorted(HEAD_KEYS))})")
    problem = keys.check(head)
    if problem:
        return Broken(HEAD_NAME, problem)
    count = len(report.entries)
    if head["entries"] > count:
        return Broken(HEAD_NAME, f"the signed head names {head['entries']} entries, the log has "
                      f"{count}: entries were removed from the end of {LOG_NAME}")
    at = report.entries[head["entries"] - 1] if head["entries"] else None
    if head["last"] != (entry_hash(at) if at else GENESIS):
        return Broken(HEAD_NAME, f"the signed head's hash of entry {head['entries']} does not "
                      "match the log: the log was rewritten")
    if head["entries"] < count:  # later entries are signed too: an append was interrupted
        report.notes.append(f"{HEAD_NAME} names {head['entries']} of {count} entries (an "
                            "append was interrupted); the next register command repairs it")
    return None
