"""Where a sheet's table is: its header row (below title rows, blank rows and merged cells), its headers (a
header merged over two rows, a year given in a group header above the months), its data rows (blank rows and a
totals row left out), and whether the sheet holds data at all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterator

from erbm_desk.domain.text import fold
from erbm_desk.services.exchange.mapping.columns import scored_targets
from erbm_desk.services.exchange.mapping.months import month_header, year_in
from erbm_desk.services.exchange.mapping.source import SourceBook, SourceSheet
from erbm_desk.services.exchange.mapping.words import SAME_WORDS

HEADER_SCAN_ROWS = 40
_TOTAL = re.compile(r"^(sous[- ]?)?totaux?\b|^total|^cumul\b|^somme\b|^ensemble$")


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def header_text(cell: Any) -> str:
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, date):
        return cell.strftime("%m/%Y")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split()) if cell is not None else ""


def _row_score(cells: list[Any]) -> int:
    filled = [c for c in cells if not is_blank(c)]
    if len(filled) < 2:
        return 0
    score = 0
    for c in filled:
        if month_header(c) is not None:
            score += 2
        elif isinstance(c, str):
            best = scored_targets(c)
            score += 5 if best and best[0][0] >= SAME_WORDS else 3 if best else 1
        else:
            score -= 3  # a number or a date: a data row
    return score


def detect_header(sheet: SourceSheet) -> int | None:
    """The 1-based row of the sheet's header: among the first rows, the one whose cells look most like headers
    (known field names, months, text rather than numbers). None for a sheet with no table."""
    best, best_score = None, 0
    for i, cells in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        score = _row_score(cells)
        if score > best_score:
            best, best_score = i + 1, score
    return best if best_score >= 4 else None


@dataclass(frozen=True)
class HeaderCell:
    index: int
    text: str
    cell: Any  # as read: a date for a month header typed as a date
    group: str = ""  # the text above it (a merged group header: « Heures 2024 »)


def header_cells(sheet: SourceSheet, row: int) -> list[HeaderCell]:
    """The headers of `row`: a blank one under a cell merged across both rows takes that cell's text; a header
    left blank is skipped."""
    out = []
    cells = sheet.rows[row - 1] if 0 < row <= len(sheet.rows) else []
    for j in range(max(len(cells), 0)):
        cell = cells[j]
        if is_blank(cell):
            cell = sheet.cell(row, j)  # covered by a merged cell above
            if is_blank(cell):
                continue
        group = _group_above(sheet, row, j)
        out.append(HeaderCell(j, header_text(cell), cell, group))
    return out


def _group_above(sheet: SourceSheet, row: int, col: int) -> str:
    for above in range(row - 1, max(row - 4, 0), -1):
        cell = sheet.cell(above, col)
        if not is_blank(cell):
            return header_text(cell)
        cells = sheet.rows[above - 1]
        labels = [j for j, c in enumerate(cells) if not is_blank(c)]
        if len(labels) >= 2 and labels[0] < col:
            # a row of group headers whose merges the file does not keep (an .ods read back, a label centred
            # across its columns without merging them): a blank cell belongs to the label on its left
            return header_text(cells[max(j for j in labels if j < col)])
    return ""


def header_year(sheet: SourceSheet, row: int, cell: HeaderCell, file_name: str = "") -> int | None:
    """The year of a month header that names none: in its group header, else the one year the title rows name,
    else the file's name."""
    year = year_in(cell.group)
    if year:
        return year
    years = {y for cells in sheet.rows[: max(row - 1, 0)] for c in cells if (y := year_in(c))}
    if len(years) == 1:
        return years.pop()
    return year_in(file_name)


def title_month(sheet: SourceSheet, row: int) -> date | None:
    """The month (with its year) a sheet is about when it keeps one month per sheet: named by the sheet
    (« Janvier 2024 », « 03-2024 ») or, failing that, by the one month the title rows above its header name."""
    named = month_header(sheet.name)
    if named is not None and named.year is not None:
        return named.on(None)
    found = {m.on(None) for cells in sheet.rows[: max(row - 1, 0)] for c in cells
             if isinstance(c, str) and (m := month_header(c)) is not None and m.year is not None}
    return found.pop() if len(found) == 1 else None


def is_totals_row(cells: list[Any]) -> bool:
    """A row of totals under the table: « Total » (or « Cumul », « Sous-total ») and figures, few texts."""
    texts = []
    for c in cells:
        if c.__class__ is str and c and not c.isspace():
            texts.append(c)
            if len(texts) > 2:
                return False
    return any(_TOTAL.match(fold(t)) for t in texts)


def data_rows(sheet: SourceSheet, header_row: int) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) of the rows below the header that hold something, totals rows left out."""
    rows = sheet.rows
    for i in range(header_row, len(rows)):
        cells = rows[i]
        if is_totals_row(cells) or all(c is None or c.__class__ is str and (not c or c.isspace()) for c in cells):
            continue
        yield i + 1, cells


@dataclass
class SheetChoice:
    name: str
    header_row: int | None
    used: bool
    reason: str = ""


def propose_sheets(book: SourceBook) -> list[SheetChoice]:
    """Each sheet with its header row and whether it holds data to import (a table whose headers name fields
    or months, and at least one row under it)."""
    out = []
    for sheet in book.sheets:
        row = detect_header(sheet)
        if row is None:
            out.append(SheetChoice(sheet.name, None, False, "aucun tableau reconnu"))
            continue
        known = sum(1 for h in header_cells(sheet, row)
                    if month_header(h.cell) is not None or scored_targets(h.text))
        has_rows = next(data_rows(sheet, row), None) is not None
        if known < 2 or not has_rows:
            out.append(SheetChoice(sheet.name, row, False,
                                   "aucune ligne sous l'en-tête" if known >= 2 else "en-têtes non reconnus"))
        else:
            out.append(SheetChoice(sheet.name, row, True))
    return out
