"""Reading someone's file whatever it is: an Excel workbook (.xlsx), an OpenDocument spreadsheet (.ods) or a CSV
file (`;` or `,`, UTF-8 or Windows-1252), each checked before a parser sees it, into plain rows.

Rows are kept as the spreadsheet shows them: `rows[0]` is row 1 and `cells[0]` column A, whatever the sheet's
first used cell, so that a problem is pointed at the cell the user sees.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.services.exchange.file_checks import MAX_FILE_BYTES, limited_rows
from erbm_desk.services.exchange.mapping.ods_checks import check_ods_file
from erbm_desk.services.exchange.reader import open_checked, open_workbook, parse_sheet, sheet_rows
from erbm_desk.services.progress import NullProgress, Progress, check_cancel

SUFFIXES = (".xlsx", ".ods", ".csv")
CSV_DELIMITERS = ";,\t"


@dataclass
class SourceSheet:
    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row, col, last row, last col), 0-based

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, row: int, col: int) -> Any:
        """The value at 1-based `row`, 0-based `col` (a merged cell's value wherever it is covered)."""
        for r1, c1, r2, c2 in self.merged:
            if r1 <= row - 1 <= r2 and c1 <= col <= c2:
                row, col = r1 + 1, c1
                break
        if row < 1 or row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        return cells[col] if col < len(cells) else None


@dataclass
class SourceBook:
    path: Path
    kind: str  # "xlsx", "ods" or "csv"
    sha256: str
    sheets: list[SourceSheet]
    notes: list[str] = field(default_factory=list)  # what was guessed about the file (encoding, separator)

    def sheet(self, name: str) -> SourceSheet:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)


def column_letter(index: int) -> str:
    return get_column_letter(index + 1)


def read_source(path: str | Path, progress: Progress | None = None) -> SourceBook:
    """The file checked and read. Raises ExcelFileError (French) when it cannot be read safely."""
    progress = progress or NullProgress()
    path = Path(path)
    suffix = path.suffix.lower()
    progress.start(0, f"Lecture de « {path.name} »")
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".ods":
        sha256, kind = check_ods_file(path), "ods"
        check_cancel(progress)
        wb = open_workbook(path)
    else:  # .xlsx; .xls and macro workbooks are refused there with their own message
        (wb, sha256), kind = open_checked(path), "xlsx"
    sheets = []
    try:
        check_cancel(progress)
        for name in wb.sheet_names:
            parsed = parse_sheet(wb, name)
            first_row, first_col, rows = sheet_rows(wb, name, parsed)
            pad = [None] * (first_col - 1)
            sheet_rows_ = [[] for _ in range(first_row - 1)]
            sheet_rows_.extend(pad + list(r) if pad else list(r) for r in rows)
            merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (parsed.merged_cell_ranges or [])]
            sheets.append(SourceSheet(name, sheet_rows_, merged))
            check_cancel(progress)
    finally:
        wb.close()
    return SourceBook(path, kind, sha256, sheets)


def _read_csv(path: Path) -> SourceBook:
    if not path.is_file():
        raise ExcelFileError(f"Le fichier « {path} » n'existe pas.")
    data = path.read_bytes()
    if not data:
        raise ExcelFileError(f"Le fichier « {path.name} » est vide.")
    if len(data) > MAX_FILE_BYTES:
        raise ExcelFileError(f"Le fichier « {path.name} » est trop volumineux pour un fichier CSV.")
    if b"\x00" in data[:4096]:
        raise ExcelFileError(f"« {path.name} » n'est pas un fichier texte CSV.")
    notes = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        notes.append("encodage Windows-1252")
    sample = "\n".join(text.splitlines()[:30])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        delimiter = max(CSV_DELIMITERS, key=sample.count)
    notes.append({";": "séparateur « ; »", ",": "séparateur « , »", "\t": "séparateur tabulation"}[delimiter])
    try:
        rows = [list(r) for r in limited_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                                              path.stem)]
    except csv.Error as exc:
        raise ExcelFileError(f"Le fichier CSV « {path.name} » est illisible ({exc}).") from None
    sha256 = hashlib.sha256(data).hexdigest()
    return SourceBook(path, "csv", sha256, [SourceSheet(path.stem, rows)], notes)


def is_own_format(book: SourceBook) -> bool:
    """A workbook of our exchange format (or an hours statement), which `plan_import` reads as always: a
    `Lisez-moi` or `Relevé d'heures` sheet, or a sheet named after an entity whose header names every required
    column of that entity."""
    if book.kind != "xlsx":
        return False
    for sheet in book.sheets:
        key = fmt.header_key(sheet.name)
        if key in (fmt.header_key(fmt.RELEVE_SHEET),):
            return True
        if key == fmt.header_key(fmt.README_SHEET):
            if any(isinstance(c, str) and fmt.FORMAT_NAME in c for r in sheet.rows[:30] for c in r):
                return True
        spec = fmt.sheet_spec(sheet.name)
        if spec is not None and _names_required_columns(sheet, spec):
            return True
    return False


def _names_required_columns(sheet: SourceSheet, spec) -> bool:
    index = fmt.header_index(spec)
    required = {c.key for c in spec.columns if c.required}
    for cells in sheet.rows[:30]:
        present = set()
        for c in cells:
            if isinstance(c, str) and c.strip():
                col = index.get(fmt.header_key(c))
                if col is not None:
                    present.add(col.column.key if col.column is not None else col.key)
        if required <= present:
            return True
    return False
