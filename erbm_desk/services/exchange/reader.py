"""Reading a workbook fast (python-calamine) and tolerantly: header found below title rows, header spelling
variants, blank rows skipped, unknown columns reported and ignored.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.services.exchange.file_checks import sheet_rows_limited, start_workbook_checks
from erbm_desk.services.exchange.guarded_reading import open_guarded
from erbm_desk.services.exchange.sheet_format import SheetColumn, header_key

HEADER_SCAN_ROWS = 30


def open_workbook(path: str | Path) -> CalamineWorkbook:
    """A workbook already checked (an .ods, mapping/ods_checks.py), read under guard as `open_checked` reads."""
    return open_guarded(path, _open_unguarded)


def open_checked(path: str | Path, formula_parts: set[str] | None = None) -> tuple[CalamineWorkbook, str]:
    """(the workbook, its SHA-256) once every file check has passed (file_checks.py; `formula_parts` as there),
    read under guard (guarded_reading.py): if python-calamine would crash on it, the file is refused as
    « illisible » instead of the process dying. The guard's child opens the file while its entries are still
    being inflated by the checks; this process parses nothing before their verdict."""
    checks = start_workbook_checks(path, formula_parts)
    try:
        wb = open_guarded(path, _open_unguarded, ready=checks.result)
    except BaseException:
        checks.cancel()
        raise
    return wb, checks.result()


def _open_unguarded(path: str | Path) -> CalamineWorkbook:
    name = Path(path).name
    try:
        return CalamineWorkbook.from_path(str(path))
    except CalamineError as exc:
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise ExcelFileError(f"Le classeur « {name} » est protégé par un mot de passe : refusé.") from None
        raise ExcelFileError(f"Le classeur « {name} » est endommagé et ne peut pas être lu "
                             f"({_damage(exc)}).") from None
    except Exception as exc:  # noqa: BLE001 - calamine raises its own types and plain ones on corrupt files
        raise ExcelFileError(f"Le classeur « {name} » est endommagé et ne peut pas être lu "
                             f"({_damage(exc)}).") from None


def _damage(exc: BaseException) -> str:
    """What calamine found wrong, in French (its own text is English and about XML internals)."""
    text = str(exc).lower()
    if "xml" in text or "tag" in text or "attribute" in text or "escape" in text or "entit" in text:
        return "contenu XML invalide"
    if "zip" in text or "crc" in text or "deflate" in text:
        return "archive .xlsx incohérente"
    if "float" in text or "int" in text or "number" in text:
        return "une cellule contient un nombre invalide"
    if "utf" in text or "encod" in text:
        return "texte mal encodé"
    return "structure du classeur invalide"


def parse_sheet(wb: CalamineWorkbook, sheet_name: str) -> CalamineSheet:
    """The sheet, parsed (the slow part of reading: calamine does it without holding the GIL)."""
    try:
        return wb.get_sheet_by_name(sheet_name)
    except CalamineError as exc:
        raise ExcelFileError(f"La feuille « {sheet_name} » est illisible ({_damage(exc)}).") from None


def sheet_rows(wb: CalamineWorkbook, sheet_name: str,
               sheet: CalamineSheet | None = None) -> tuple[int, int, Iterator[list]]:
    """(first row number, first column number, rows) of a sheet, 1-based as the spreadsheet shows them
    (`sheet`: the sheet already parsed)."""
    try:
        if sheet is None:
            sheet = wb.get_sheet_by_name(sheet_name)
        start = sheet.start
        if start is None:
            return 1, 1, iter(())
        # rows and columns bounded while reading (a sheet's declared dimension can lie)
        return start[0] + 1, start[1] + 1, _converted(sheet_rows_limited(sheet, sheet_name), sheet_name)
    except CalamineError as exc:
        raise ExcelFileError(f"La feuille « {sheet_name} » est illisible ({_damage(exc)}).") from None


def _converted(rows: Iterator[list], sheet_name: str) -> Iterator[list]:
    """Rows as calamine converts them, lazily: a cell it cannot convert is a French refusal, not a traceback."""
    try:
        yield from rows
    except CalamineError as exc:
        raise ExcelFileError(f"La feuille « {sheet_name} » est illisible ({_damage(exc)}).") from None


def is_blank(cell: Any) -> bool:
    return cell is None or cell == "" or (isinstance(cell, str) and not cell.strip())


@dataclass
class Header:
    row: int  # spreadsheet row number of the header
    columns: list[tuple[int, SheetColumn]]  # (index in the row, column)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (index, header text)
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    title_rows: list[list] = field(default_factory=list)


@dataclass
class RawSheet:
    name: str
    first_column: int
    header: Header
    rows: Iterator[tuple[int, list]]  # (spreadsheet row number, cells)

    def letter(self, index: int) -> str:
        return get_column_letter(self.first_column + index)


def read_sheet(wb: CalamineWorkbook, sheet_name: str, index: dict[str, SheetColumn],
               ignored: set[str] = frozenset(), sheet: CalamineSheet | None = None) -> RawSheet | None:
    """The sheet's header (the row among the first ones that names most known columns) and its data rows;
    None when no row looks like a header."""
    first_row, first_col, rows = sheet_rows(wb, sheet_name, sheet)
    head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    best, best_score = None, 0
    for i, cells in enumerate(head):
        score = sum(1 for c in cells if isinstance(c, str) and header_key(c) in index)
        if score > best_score:
            best, best_score = i, score
    if best is None:
        return None
    header = Header(first_row + best, [], title_rows=head[:best])
    seen: set[str] = set()
    for j, cell in enumerate(head[best]):
        if is_blank(cell):
            continue
        key = header_key(cell)
        col = index.get(key)
        if col is None:
            if key not in ignored:
                header.unknown.append((j, str(cell).strip()))
        elif col.key in seen:
            header.duplicates.append((j, str(cell).strip()))
        else:
            seen.add(col.key)
            header.columns.append((j, col))
    numbered = zip(itertools.count(first_row + best + 1), itertools.chain(head[best + 1:], rows))
    return RawSheet(sheet_name, first_col, header, numbered)


def key_values(rows: list[list]) -> dict[str, Any]:
    """`Clé | valeur` rows (Lisez-moi, title rows of a relevé) as {header_key(clé): valeur}."""
    found: dict[str, Any] = {}
    for cells in rows:
        filled = [c for c in cells if not is_blank(c)]
        if len(filled) >= 2 and isinstance(filled[0], str):
            found.setdefault(header_key(filled[0]), filled[1])
    return found


def read_key_values(wb: CalamineWorkbook, sheet_name: str) -> dict[str, Any]:
    _, _, rows = sheet_rows(wb, sheet_name)
    return key_values(list(itertools.islice(rows, 200)))


def parse_timestamp(raw: Any, exact: bool = False) -> datetime:
    """A cell's date-time, to the nearest second (a spreadsheet keeps days as binary fractions), or to the
    millisecond with `exact` (modification and export times)."""
    if raw.__class__ is datetime and (exact or not raw.microsecond):
        return raw
    if raw.__class__ is date:  # a time of midnight comes back as a date
        return datetime(raw.year, raw.month, raw.day)
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        moment = datetime(raw.year, raw.month, raw.day)
    elif isinstance(raw, bool):  # a yes/no cell is no moment (True would be 31/12/1899)
        raise ValueError(f"« {raw} » n'est pas une date et heure valide (jj/mm/aaaa hh:mm:ss).")
    elif isinstance(raw, (int, float)):
        try:  # a huge serial number overflows timedelta (found by the import fuzzing, tests/fuzz/)
            moment = datetime(1899, 12, 30) + timedelta(days=float(raw))
        except (OverflowError, ValueError):
            raise ValueError(f"« {raw} » n'est pas une date et heure valide (jj/mm/aaaa hh:mm:ss).") from None
    else:
        text = str(raw).strip().replace("T", " ")
        for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y",
                        "%Y-%m-%d"):
            try:
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"« {raw} » n'est pas une date et heure valide (jj/mm/aaaa hh:mm:ss).")
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None)
    if exact:
        return moment.replace(microsecond=min(round(moment.microsecond, -3), 999_000))
    rounded = moment.replace(microsecond=0)
    return rounded + timedelta(seconds=1) if moment.microsecond >= 500_000 else rounded
