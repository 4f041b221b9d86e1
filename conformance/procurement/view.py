"""The matrix in words of one language: what the page, the CSV and the workbook all show.

One place decides how a certificate's column is described and what a cell says, so the
three outputs cannot drift apart (the tests read the CSV and the workbook back and compare
them with the certificates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..report.certificate import SYMBOLS, VERDICT_SYMBOLS
from ..report.i18n import localized, long_date
from ..report.i18n import t as report_t
from .compare import ABSENT, UNVERIFIED, Bid, Cell, Matrix
from .words import t

LEVEL_GROUPS = {"MUST": "group_must", "SHOULD": "group_should", "MAY": "group_may"}
LEVEL_WORDS = {"MUST": "level_must", "SHOULD": "level_should", "MAY": "level_may"}


@dataclass
class ColumnView:
    label: str  # unique per column: "supplier – product version"
    supplier: str
    product: str
    version: str
    verified: bool
    verdict_key: str
    verdict: str
    valid_until: str
    signature: str
    signature_details: list[str]  # the failed checks' messages (from conformance verify)
    must: str
    should: str
    profile: str
    certificate_id: str
    file: str


@dataclass
class CellView:
    key: str  # outcome key, or "unverified" / "absent"
    symbol: str
    words: str
    note: str

    @property
    def text(self) -> str:
        return f"{self.symbol} {self.words}".strip()


@dataclass
class RowView:
    id: str
    level: str
    title: str
    differs: bool
    cells: list[CellView]


@dataclass
class GroupView:
    level: str
    heading: str
    rows: list[RowView] = field(default_factory=list)


@dataclass
class MatrixView:
    lang: str
    columns: list[ColumnView]
    groups: list[GroupView]
    notices: list[str]  # said at the top: different profiles, rejected certificates

    @property
    def rows(self) -> list[RowView]:
        return [row for group in self.groups for row in group.rows]


def _column(bid: Bid, lang: str) -> ColumnView:
    supplier = bid.supplier
    profile_id, profile_version = bid.profile
    column = ColumnView(
        label=f"{supplier['name']} – {supplier['product']} {supplier['version']}".strip(),
        supplier=supplier["name"], product=supplier["product"], version=supplier["version"],
        verified=bid.verified, verdict_key="", verdict="—", valid_until="—",
        signature=t(lang, "signature_ok"), signature_details=[], must="—", should="—",
        profile=f"{profile_id} {profile_version}".strip() or "—",
        certificate_id=bid.id or "—", file=bid.source.name)
    if not bid.verified:  # what an unverified certificate claims is not shown as a fact
        names = [t(lang, f"check_{c.name}") for c in bid.failed_checks]
        if bid.document is None:
            names = [t(lang, "check_unreadable")]
        elif bid.problem:
            names.append(t(lang, "check_other"))
        column.signature = t(lang, "signature_failed", checks=", ".join(names))
        column.signature_details = [c.message for c in bid.failed_checks] + (
            [bid.problem] if bid.problem else [])
        return column
    # verified: the document is a schema-valid, signed results document
    summary = bid.results["summary"]
    must, should, score = summary["must"], summary["should"], summary.get("should_score")
    column.verdict_key = verdict = bid.results["verdict"]
    column.verdict = f"{VERDICT_SYMBOLS[verdict]} {report_t(lang, f'verdict_{verdict}')}"
    column.valid_until = long_date(bid.certificate["valid_until"], lang)
    column.must = report_t(lang, "must_summary", passed=must["passed"],
                           total=sum(must.values()))
    column.should = (report_t(lang, "should_score", percent=round(score * 100),
                              passed=should["passed"],
                              decided=should["passed"] + should["failed"])
                     if score is not None else report_t(lang, "should_none"))
    return column


def cell_view(cell: Cell, lang: str) -> CellView:
    if cell.outcome == UNVERIFIED:
        return CellView(UNVERIFIED, "—", t(lang, "unverified"), "")
    if cell.outcome == ABSENT:
        return CellView(ABSENT, "", t(lang, "absent"), "")
    req: dict[str, Any] = cell.requirement or {}
    notes = []
    waiver = req.get("waiver")
    if isinstance(waiver, dict):
        notes.append(report_t(lang, "waiver_inline", reason=waiver.get("reason", ""),
                              approved_by=waiver.get("approved_by", ""),
                              expires=long_date(waiver.get("expires", ""), lang)))
    if req.get("not_tested"):
        notes.append(report_t(lang, "not_tested_reason", reason=req["not_tested"]))
    if req.get("inherited"):
        notes.append(report_t(lang, "inherited_reason", reason=req["inherited"]))
    key = cell.outcome if cell.outcome in SYMBOLS else "error"
    return CellView(key, SYMBOLS[key], report_t(lang, f"outcome_{key}"), " ".join(notes))


def _unique(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def describe(matrix: Matrix, lang: str) -> MatrixView:
    columns = [_column(bid, lang) for bid in matrix.bids]
    for column, label in zip(columns, _unique([c.label for c in columns]), strict=True):
        column.label = label
    groups: dict[str, GroupView] = {}
    for row in matrix.rows:
        group = groups.setdefault(row.level, GroupView(
            row.level, t(lang, LEVEL_GROUPS.get(row.level, "group_must"))))
        group.rows.append(RowView(
            row.id, report_t(lang, LEVEL_WORDS.get(row.level, "level_must")),
            localized(row.title, lang), row.differs, [cell_view(c, lang) for c in row.cells]))
    notices = []
    if matrix.mixed_profiles:
        notices.append(t(lang, "mixed_profiles", count=len(matrix.rows),
                         profiles=", ".join(f"{p} {v}" for p, v in matrix.profiles)))
        for index, ids in matrix.left_out.items():
            notices.append(t(lang, "left_out", supplier=columns[index].label,
                             ids=", ".join(ids)))
    return MatrixView(lang, columns, list(groups.values()), notices)
