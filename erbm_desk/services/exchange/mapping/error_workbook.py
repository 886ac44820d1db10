"""The rows in error written to a workbook — one sheet per sheet of the file, its header, each row with its number
in the file, the faulty cells in red with the message in a comment — to be corrected in Excel or LibreOffice and
taken back: every cell changed there becomes a correction of that cell of the file, and « oui » in the last
column leaves the row out."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from erbm_desk.domain.text import clean_cell_text, fold, looks_like_formula
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.services.exchange.mapping.layout import header_cells
from erbm_desk.services.exchange.mapping.review import Review
from erbm_desk.services.exchange.mapping.source import read_source
from erbm_desk.services.exchange.mapping.values import value_key

ROW_LABEL = "Ligne"
MESSAGES_LABEL = "Erreurs"
LEAVE_OUT_LABEL = "Laisser de côté (oui/non)"
NOTE = ("Corrigez les cellules en rouge (le message est dans leur commentaire), ou écrivez « oui » dans la dernière "
        "colonne pour laisser la ligne de côté, puis reprenez ce classeur dans l'assistant d'import "
        "(« Reprendre un classeur corrigé… »). Ne changez ni les en-têtes ni la colonne « Ligne ».")
RED = PatternFill("solid", fgColor="F4CCCC")
BOLD = Font(bold=True)


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_cell_text(value)
    return value


def _title(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Feuille"
    title, n = base, 2
    while title in used:
        title = f"{base[:28]} {n}"
        n += 1
    used.add(title)
    return title


def write_error_workbook(intake, review: Review, path: str | Path) -> int:
    """Write the rows in error of `review` to `path` (whole or not at all); the number of rows written."""
    path = Path(path)
    rows = review.rows_in_error()
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    written = 0
    for sm in intake.mapping.sheets:
        mine = sorted(r for s, r in rows if s == sm.sheet)
        if not mine:
            continue
        heads = header_cells(intake.book.sheet(sm.sheet), sm.header_row)
        ws = wb.create_sheet(_title(sm.sheet, used))
        ws.cell(row=1, column=1, value=NOTE).alignment = Alignment(wrap_text=False)
        header = [ROW_LABEL, *[h.text for h in heads], MESSAGES_LABEL, LEAVE_OUT_LABEL]
        for j, text in enumerate(header, start=1):
            ws.cell(row=2, column=j, value=text).font = BOLD
        cells_by_row = dict(intake.prepared_rows(sm.sheet))
        for out_row, rownum in enumerate(mine, start=3):
            cells = cells_by_row.get(rownum, [])
            problems = rows[(sm.sheet, rownum)]
            ws.cell(row=out_row, column=1, value=rownum)
            for j, h in enumerate(heads, start=2):
                value = cells[h.index] if h.index < len(cells) else None
                cell = ws.cell(row=out_row, column=j, value=_cell_value(value))
                if isinstance(value, str) and looks_like_formula(value):
                    cell.data_type = "s"
                if isinstance(value, (date, datetime)):
                    cell.number_format = "DD/MM/YYYY"
                here = [p.message for p in problems if p.col == h.index]
                if here:
                    cell.fill = RED
                    cell.comment = Comment("\n".join(here), "ERBM Desk")
            if any(p.col is None for p in problems):
                ws.cell(row=out_row, column=1).fill = RED
            messages = "\n".join(f"{p.where + ' : ' if p.where else ''}{p.message}" for p in problems)
            ws.cell(row=out_row, column=len(header) - 1, value=clean_cell_text(messages)).data_type = "s"
            ws.cell(row=out_row, column=len(header), value="non")
            written += 1
        ws.freeze_panes = "B3"
        for j, text in enumerate(header, start=1):
            width = 60 if text == MESSAGES_LABEL else max(10, len(text) + 2)
            ws.column_dimensions[get_column_letter(j)].width = width
    if not written:
        raise ExcelFileError("Aucune ligne en erreur : rien à exporter.")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return written


def read_error_workbook(intake, path: str | Path) -> tuple[int, int]:
    """Take back a corrected error workbook: its changed cells become corrections, its « oui » rows are left out.
    (cells corrected, rows left out)."""
    book = read_source(path)
    names = {}
    used: set[str] = set()
    for sm in intake.mapping.sheets:
        names[_title(sm.sheet, used)] = sm
    corrected = left = 0
    for sheet in book.sheets:
        sm = names.get(sheet.name)
        if sm is None:
            continue
        heads = header_cells(intake.book.sheet(sm.sheet), sm.header_row)
        header_row = next((i for i, r in enumerate(sheet.rows) if r and fold(str(r[0] or "")) == fold(ROW_LABEL)),
                          None)
        if header_row is None:
            continue
        titles = [fold(str(c or "")) for c in sheet.rows[header_row]]
        column_of = {}
        for h in heads:
            if fold(h.text) in titles:
                column_of[titles.index(fold(h.text))] = h.index
        leave = titles.index(fold(LEAVE_OUT_LABEL)) if fold(LEAVE_OUT_LABEL) in titles else None
        current = dict(intake.prepared_rows(sm.sheet, with_left_out=True))
        for cells in sheet.rows[header_row + 1:]:
            try:
                rownum = int(float(cells[0]))
            except (TypeError, ValueError, IndexError):
                continue
            if rownum not in current:
                continue
            if leave is not None and leave < len(cells) and fold(str(cells[leave] or "")) in ("oui", "o", "x"):
                intake.left_out.add((sm.sheet, rownum))
                left += 1
                continue
            before = current[rownum]
            for j, index in column_of.items():
                new = cells[j] if j < len(cells) else None
                old = before[index] if index < len(before) else None
                if value_key(new if new != "" else None) != value_key(old if old != "" else None):
                    intake.corrections[(sm.sheet, rownum, index)] = new
                    corrected += 1
    return corrected, left
