"""Put several suppliers' certificates side by side: verify each, then build the matrix.

A certificate is only compared when it verifies (signature, trusted key, validity period,
digests: ``conformance verify``); one that does not is kept as a marked column whose cells
say *not verified*, so a tender team sees it was handed in and why it does not count. The
outcomes in the matrix are the signed ones, never recomputed. Certificates of different
profiles or profile versions are compared only on the requirements they share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..certify import (
    CertifyError,
    VerificationCheck,
    certificate_id,
    load_document,
    verify_document,
)
from ..results import validate_results

LEVEL_ORDER = {"MUST": 0, "SHOULD": 1, "MAY": 2}
UNVERIFIED = "unverified"  # the cell of a certificate that failed verification
ABSENT = "absent"  # the requirement is not in this certificate (only when profiles agree)


@dataclass
class Bid:
    """One certificate handed in: where from, whether it verified, what it says."""

    source: Path
    document: dict[str, Any] | None
    checks: list[VerificationCheck] = field(default_factory=list)
    problem: str = ""  # why it could not be read, or is a duplicate

    @property
    def verified(self) -> bool:
        return self.document is not None and not self.problem and bool(self.checks) \
            and all(c.passed for c in self.checks)

    @property
    def failed_checks(self) -> list[VerificationCheck]:
        return [c for c in self.checks if not c.passed]

    # A certificate that failed verification may be anything: read it defensively.
    @property
    def results(self) -> dict[str, Any]:
        return _dict(_dict(self.document).get("results"))

    @property
    def supplier(self) -> dict[str, str]:
        supplier = _dict(_dict(self.results.get("target")).get("supplier"))
        return {"name": str(supplier.get("name") or self.source.name),
                "product": str(supplier.get("product", "")),
                "version": str(supplier.get("version", ""))}

    @property
    def profile(self) -> tuple[str, str]:
        profile = _dict(self.results.get("profile"))
        return str(profile.get("id", "")), str(profile.get("version", ""))

    @property
    def certificate(self) -> dict[str, Any]:
        return _dict(_dict(self.document).get("certificate"))

    @property
    def id(self) -> str | None:
        return certificate_id(self.document) if self.document else None

    def requirements(self) -> dict[str, dict[str, Any]]:
        listed = self.results.get("requirements")
        return {str(r["id"]): r for r in (listed if isinstance(listed, list) else [])
                if isinstance(r, dict) and "id" in r}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass
class Cell:
    outcome: str  # passed | failed | error | skipped | waived | not_tested | UNVERIFIED | ABSENT
    requirement: dict[str, Any] | None = None  # the certificate's requirement result

    @property
    def counts(self) -> bool:
        return self.outcome not in (UNVERIFIED, ABSENT)


@dataclass
class Row:
    id: str
    level: str
    title: dict[str, str]
    cells: list[Cell]  # one per bid, in the order the certificates were given

    @property
    def differs(self) -> bool:
        """Whether the verified certificates disagree on this requirement."""
        return len({c.outcome for c in self.cells if c.counts}) > 1


@dataclass
class Matrix:
    bids: list[Bid]
    rows: list[Row]
    profiles: list[tuple[str, str]]  # distinct (id, version) of the verified certificates
    left_out: dict[int, list[str]] = field(default_factory=dict)  # bid index -> ids not shared

    @property
    def mixed_profiles(self) -> bool:
        return len(self.profiles) > 1

    @property
    def verified(self) -> list[Bid]:
        return [b for b in self.bids if b.verified]

    @property
    def rejected(self) -> list[Bid]:
        return [b for b in self.bids if not b.verified]


def load_bids(paths: list[Path], trusted: list[Ed25519PublicKey], *,
              today: date | None = None) -> list[Bid]:
    """Load and verify each certificate; unreadable or failing ones are kept, marked."""
    bids: list[Bid] = []
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            document = load_document(path)
        except CertifyError as exc:
            bids.append(Bid(path, None, problem=str(exc)))
            continue
        bid = Bid(path, document, verify_document(document, trusted, today=today).checks)
        if bid.verified:
            try:
                validate_results(document["results"])
            except jsonschema.ValidationError as exc:  # signed by a trusted, odd harness
                bid.problem = f"the results do not follow the results schema: {exc.message}"
        if bid.verified and bid.id:
            if bid.id in seen:
                bid.problem = f"the same certificate ({bid.id}) as {seen[bid.id]}"
            seen.setdefault(bid.id, path)
        bids.append(bid)
    return bids


def outcome_key(requirement: dict[str, Any]) -> str:
    """The outcome as the certificate shows it (a skipped untested rule is *not tested*)."""
    outcome = str(requirement.get("outcome", "error"))
    return "not_tested" if requirement.get("not_tested") and outcome == "skipped" else outcome


def build_matrix(bids: list[Bid]) -> Matrix:
    verified = [b for b in bids if b.verified]
    profiles = list(dict.fromkeys(b.profile for b in verified))
    per_bid = [b.requirements() if b.verified else {} for b in bids]
    ordered: dict[str, dict[str, Any]] = {}  # first appearance, certificate order
    for reqs in per_bid:
        for rid, req in reqs.items():
            ordered.setdefault(rid, req)
    left_out: dict[int, list[str]] = {}
    if len(profiles) > 1:  # only the shared requirements can be compared
        shared = set.intersection(*(set(r) for r, b in zip(per_bid, bids, strict=True)
                                    if b.verified))
        for index, reqs in enumerate(per_bid):
            extra = [rid for rid in reqs if rid not in shared]
            if extra:
                left_out[index] = extra
        ordered = {rid: req for rid, req in ordered.items() if rid in shared}
    rows = []
    for rid, first in ordered.items():
        cells = []
        for bid, reqs in zip(bids, per_bid, strict=True):
            if not bid.verified:
                cells.append(Cell(UNVERIFIED))
            elif rid in reqs:
                cells.append(Cell(outcome_key(reqs[rid]), reqs[rid]))
            else:
                cells.append(Cell(ABSENT))
        rows.append(Row(rid, str(first.get("level", "MUST")), first.get("title") or {}, cells))
    rows.sort(key=lambda r: LEVEL_ORDER.get(r.level, len(LEVEL_ORDER)))  # stable: MUST first
    return Matrix(bids, rows, profiles, left_out)
