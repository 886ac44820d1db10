"""A sheet ready to be read into records: which columns feed which entity, the month columns and their month,
the column giving the year, the month of a sheet kept per month, and its data rows with the user's corrections
typed in and the rows left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from erbm_desk.services.exchange.mapping.fields import MONTH_HOURS, YEAR, needed, target
from erbm_desk.services.exchange.mapping.layout import data_rows, header_cells, header_year, title_month
from erbm_desk.services.exchange.mapping.model import Mapping, SheetMapping
from erbm_desk.services.exchange.mapping.months import MonthHeader, month_header, year_steps
from erbm_desk.services.exchange.mapping.source import SourceBook, column_letter

CellKey = tuple[str, int, int]  # (sheet, row, column index)
RowKey = tuple[str, int]  # (sheet, row)
HOURS = "hours_entry.hours"
MONTH = "hours_entry.month"


@dataclass
class PreparedSheet:
    name: str
    header_row: int
    headers: dict[int, str]  # column index -> header text
    fields: dict[str, list[tuple[int, str, str]]]  # entity -> [(column index, key, target code)]
    months: list[tuple[int, MonthHeader]] = field(default_factory=list)
    month_year: int | None = None  # of month headers that name none
    year_column: int | None = None
    entities: list[str] = field(default_factory=list)  # the entities its rows hold, in the workbook's order
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    constants: dict[str, Any] = field(default_factory=dict)  # target -> value for every row of this sheet only
    month_unknown: bool = False  # hours without a month: no column, no value for every row, no month in its name
    year_steps: dict[int, int] = field(default_factory=dict)  # month column -> years after the first column's

    def where(self, col: int | None) -> str:
        if col is None:
            return ""
        return f"« {self.headers.get(col, '')} » ({column_letter(col)})"

    def month_of(self, month: MonthHeader, cells: list[Any], column: int | None = None) -> date | None:
        if month.year:
            return date(month.year, month.month, 1)
        step = self.year_steps.get(column, 0)
        if self.year_column is not None and self.year_column < len(cells):
            raw = cells[self.year_column]
            try:
                return date(int(float(str(raw).strip())) + step, month.month, 1)
            except (TypeError, ValueError):
                return None
        return date(self.month_year + step, month.month, 1) if self.month_year else None


def sheet_month(book: SourceBook, mapping: Mapping, sm: SheetMapping) -> date | None:
    """The month of a sheet of hours that has no « Mois » column (one sheet per month: « Janvier 2024 »), read
    from its name or title; None when a column or a value for every row gives the month."""
    used = {c.target for c in sm.columns if c.target}
    if HOURS not in used or MONTH in used or MONTH in mapping.constants:
        return None
    return title_month(book.sheet(sm.sheet), sm.header_row)


def prepare(book: SourceBook, mapping: Mapping, corrections: dict[CellKey, Any],
            left_out: set[RowKey]) -> list[PreparedSheet]:
    out = []
    for sm in mapping.sheets:
        out.append(prepare_sheet(book, mapping, sm, corrections, left_out))
    return out


def prepare_sheet(book: SourceBook, mapping: Mapping, sm: SheetMapping, corrections: dict[CellKey, Any],
                  left_out: set[RowKey]) -> PreparedSheet:
    sheet = book.sheet(sm.sheet)
    heads = {h.index: h for h in header_cells(sheet, sm.header_row)}
    prepared = PreparedSheet(sm.sheet, sm.header_row, {c.index: c.header for c in sm.columns}, {})
    for c in sm.mapped():
        if c.target == MONTH_HOURS:
            head = heads.get(c.index)
            month = month_header(head.cell if head else c.header)
            if month is not None:
                prepared.months.append((c.index, month))
                if month.year is None and prepared.month_year is None:
                    prepared.month_year = mapping.year or (header_year(sheet, sm.header_row, head, book.path.name)
                                                           if head else None)
            continue
        if c.target == YEAR:
            prepared.year_column = c.index
            continue
        t = target(c.target)
        prepared.fields.setdefault(t.entity, []).append((c.index, t.key, c.target))
    if mapping.year:
        prepared.month_year = mapping.year
    prepared.year_steps = year_steps(prepared.months)
    month = sheet_month(book, mapping, sm)
    if month is not None:
        prepared.constants[MONTH] = month
    elif HOURS in {c.target for c in sm.columns} and MONTH not in {c.target for c in sm.columns} \
            and MONTH not in mapping.constants:
        prepared.month_unknown = True
    present = set(prepared.fields) | ({"hours_entry"} if prepared.months else set())
    prepared.entities = needed(present)
    fixes: dict[int, dict[int, Any]] = {}
    for (sheet_name, row, col), value in corrections.items():
        if sheet_name == sm.sheet:
            fixes.setdefault(row, {})[col] = value
    for rownum, cells in data_rows(sheet, sm.header_row):
        if (sm.sheet, rownum) in left_out:
            continue
        fix = fixes.get(rownum)
        if fix:
            cells = list(cells) + [None] * max(0, max(fix) + 1 - len(cells))
            for col, value in fix.items():
                cells[col] = value
        prepared.rows.append((rownum, cells))
    return prepared
