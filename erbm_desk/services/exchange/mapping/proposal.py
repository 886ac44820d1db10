"""The mapping proposed for a file: a saved mapping that fits its layout, else one worked out from the file —
the sheets holding a table, their header row, each column's field, the year of month headers without one."""

from __future__ import annotations

from erbm_desk.services.exchange.mapping.columns import ColumnProposal, propose_columns
from erbm_desk.services.exchange.mapping.fields import MONTH_HOURS, YEAR
from erbm_desk.services.exchange.mapping.layout import header_cells, header_year, propose_sheets
from erbm_desk.services.exchange.mapping.model import ColumnMapping, Mapping, SheetMapping, header_token
from erbm_desk.services.exchange.mapping.months import month_header
from erbm_desk.services.exchange.mapping.source import SourceBook


def propose_sheet(book: SourceBook, name: str, header_row: int) -> tuple[SheetMapping, list[ColumnProposal]]:
    """The columns of one sheet read from `header_row`, each with the field proposed for it."""
    sheet = book.sheet(name)
    heads = header_cells(sheet, header_row)
    proposals = propose_columns([(h.index, h.text, h.cell, h.group) for h in heads])
    return SheetMapping(name, header_row, [ColumnMapping(p.index, p.header, p.target) for p in proposals]), proposals


def propose(book: SourceBook, saved: list[Mapping] = ()) -> tuple[Mapping, dict[str, list[ColumnProposal]]]:
    """(the mapping, the proposal behind each sheet's columns). A saved mapping of the same layout comes first:
    its name is kept in `mapping.name`."""
    for candidate in saved:
        adapted = fitted(candidate, book)
        if adapted is not None:
            return adapted, {s.sheet: propose_sheet(book, s.sheet, s.header_row)[1] for s in adapted.sheets}
    mapping = Mapping()
    proposals: dict[str, list[ColumnProposal]] = {}
    for choice in propose_sheets(book):
        if not choice.used:
            continue
        sheet_mapping, props = propose_sheet(book, choice.name, choice.header_row)
        mapping.sheets.append(sheet_mapping)
        proposals[choice.name] = props
    mapping.year = proposed_year(book, mapping)
    return mapping, proposals


def proposed_year(book: SourceBook, mapping: Mapping) -> int | None:
    """The year of month headers that name none (a group header, the title rows, the file's name)."""
    for sm in mapping.sheets:
        if any(c.target == YEAR for c in sm.columns):
            return None  # given on each row
        sheet = book.sheet(sm.sheet)
        for head in header_cells(sheet, sm.header_row):
            if sm.target_of(head.index) == MONTH_HOURS:
                month = month_header(head.cell)
                if month is not None and month.year is None:
                    return header_year(sheet, sm.header_row, head, book.path.name)
    return None


def fitted(saved: Mapping, book: SourceBook) -> Mapping | None:
    """`saved` applied to this file when each of its sheets is found with the same headers (a sheet of the same
    name first, else any; month headers may name other months), else None. The file's other sheets with the
    headers of one of them are taken too."""
    if not saved.sheets:
        return None  # a mapping of no sheet says nothing of this file
    used: set[str] = set()
    sheets = []
    for sm in saved.sheets:
        wanted = [header_token(c.header) for c in sm.columns]
        order = sorted(book.sheets, key=lambda s: s.name != sm.sheet)
        match = None
        for sheet in order:
            if sheet.name in used:
                continue
            heads = header_cells(sheet, sm.header_row)
            if [header_token(h.text) for h in heads] == wanted:
                match = (sheet.name, heads)
                break
        if match is None:
            return None
        name, heads = match
        used.add(name)
        columns = [ColumnMapping(h.index, h.text, c.target) for h, c in zip(heads, sm.columns)]
        sheets.append(SheetMapping(name, sm.header_row, columns))
    # More sheets of a layout seen (a workbook kept one sheet per month, now with more months) go in the same way.
    for sheet in book.sheets:
        if sheet.name in used:
            continue
        for sm in saved.sheets:
            heads = header_cells(sheet, sm.header_row)
            if [header_token(h.text) for h in heads] == [header_token(c.header) for c in sm.columns]:
                columns = [ColumnMapping(h.index, h.text, c.target) for h, c in zip(heads, sm.columns)]
                sheets.append(SheetMapping(sheet.name, sm.header_row, columns))
                used.add(sheet.name)
                break
    order = [s.name for s in book.sheets]
    sheets.sort(key=lambda s: order.index(s.sheet))
    mapping = Mapping(sheets, {t: dict(v) for t, v in saved.values.items()}, dict(saved.constants),
                      dict(saved.records), saved.year, {e: dict(m) for e, m in saved.matches.items()}, saved.name)
    if mapping.year is None:
        mapping.year = proposed_year(book, mapping)
    return mapping
