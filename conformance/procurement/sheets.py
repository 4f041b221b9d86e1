"""The matrix as CSV (for tools) and as an Excel workbook (for a tender's evaluation).

Both hold the same table: one row per requirement (MUST first), per certificate an outcome
column and a note column (waiver, not-tested or inherited reason). The workbook adds a
sheet with the certificates' facts and the notes said at the top of the page.

Supplier strings are hostile by assumption: a value starting with ``=`` (or ``+ - @`` in
CSV) would be a formula in a spreadsheet, so CSV cells get a leading apostrophe and
workbook cells are stored as text, never as formulas; control characters, which a
workbook cannot hold, are dropped.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .view import MatrixView
from .words import t

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FILLS = {"passed": "E8F5E9", "failed": "FFEBEE", "error": "FFF3E0", "skipped": "EEEEEE",
         "not_tested": "EEEEEE", "waived": "F3E5F5", "unverified": "E0E0E0", "absent": "FFFFFF"}
DIFFERS_FILL = "FFF59D"


def table(view: MatrixView) -> list[list[str]]:
    """Header and rows shared by the CSV and the workbook's matrix sheet."""
    lang = view.lang
    header = [t(lang, "col_requirement"), t(lang, "col_level"), t(lang, "col_title"),
              t(lang, "col_differs")]
    for column in view.columns:
        header += [t(lang, "col_outcome", label=column.label),
                   t(lang, "col_note", label=column.label)]
    rows = [header]
    for row in view.rows:
        line = [row.id, row.level, row.title, t(lang, "yes" if row.differs else "no")]
        for cell in row.cells:
            line += [cell.words, cell.note]
        rows.append(line)
    return rows


def _csv_safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def write_csv(view: MatrixView, path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        for line in table(view):
            writer.writerow([_csv_safe(v) for v in line])
    return path


def _put(sheet: Worksheet, row: int, column: int, value: str):
    cell = sheet.cell(row=row, column=column)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"  # text, even when it starts with "=": never a formula
    return cell


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def write_workbook(view: MatrixView, path: Path) -> Path:
    lang = view.lang
    book = Workbook()
    matrix = book.active
    matrix.title = t(lang, "sheet_matrix")
    lines = table(view)
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            cell = _put(matrix, r, c, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == 1:
                cell.font = Font(bold=True)
    for r, row in enumerate(view.rows, start=2):
        if row.differs:
            for c in range(1, 5):
                matrix.cell(row=r, column=c).fill = PatternFill("solid", fgColor=DIFFERS_FILL)
        for i, cell in enumerate(row.cells):
            outcome = matrix.cell(row=r, column=5 + 2 * i)
            outcome.fill = PatternFill("solid", fgColor=FILLS.get(cell.key, "FFFFFF"))
            outcome.font = Font(bold=True)
    matrix.freeze_panes = "E2"
    _widths(matrix, [22, 12, 48, 10] + [18, 36] * len(view.columns))

    facts = book.create_sheet(t(lang, "sheet_suppliers"))
    names = ["fact_supplier", "fact_product", "fact_version", "fact_verdict",
             "fact_valid_until", "fact_signature", "fact_must", "fact_should", "fact_profile",
             "fact_certificate", "fact_file"]
    for c, name in enumerate(names, start=1):
        _put(facts, 1, c, t(lang, name)).font = Font(bold=True)
    for r, col in enumerate(view.columns, start=2):
        values = [col.supplier, col.product, col.version, col.verdict, col.valid_until,
                  "; ".join([col.signature, *col.signature_details]), col.must, col.should,
                  col.profile, col.certificate_id, col.file]
        for c, value in enumerate(values, start=1):
            _put(facts, r, c, value).alignment = Alignment(wrap_text=True, vertical="top")
    notes_row = len(view.columns) + 3
    if view.notices:
        _put(facts, notes_row, 1, t(lang, "notices")).font = Font(bold=True)
        for i, notice in enumerate(view.notices, start=1):
            _put(facts, notes_row + i, 1, notice)
    _widths(facts, [28, 24, 10, 22, 18, 40, 20, 30, 16, 38, 24])
    book.save(path)
    return path
