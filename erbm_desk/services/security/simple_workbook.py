"""One-sheet workbooks and CSV cells the app writes for people to read (audit log export, a person's data):
text stays text, whatever it begins with, so no formula can be injected."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from erbm_desk.domain.text import clean_cell_text, looks_like_formula


def csv_safe(value: Any) -> Any:
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def write_sheet_workbook(path: Path, title: str, headers: Iterable[str], rows: Iterable[Iterable[Any]],
                         widths: Iterable[int] = ()) -> None:
    """A one-sheet workbook: bold frozen header, text forced to text (no formula can be injected)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    append_rows(ws, headers, rows, widths)
    wb.save(path)


def append_rows(ws, headers: Iterable[str], rows: Iterable[Iterable[Any]], widths: Iterable[int] = ()) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append(list(headers))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for values in rows:
        ws.append([clean_cell_text(v) if isinstance(v, str) else v for v in values])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text begins with
    ws.freeze_panes = f"A{header_row + 1}"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

