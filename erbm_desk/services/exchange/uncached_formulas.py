"""Formula cells saved without their result: a spreadsheet reader sees only the result a program stored with the
formula, so such a cell reads as empty although the person who wrote the file sees a value in it.

Excel and LibreOffice always store the result; files written by scripts (openpyxl and others) often do not. The
file checks note which worksheet parts hold a formula at all (`has_formula`, while they inflate every part
anyway); only those parts are searched again here, so a workbook without formulas — every exchange workbook —
costs nothing more.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

_FORMULA = re.compile(rb"<f[ >/]")
_CACHED = re.compile(rb"<v>[^<]")
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def has_formula(chunk: bytes) -> bool:
    """Does this piece of a worksheet part hold a formula element? (Callers pass overlapping pieces.)"""
    return _FORMULA.search(chunk) is not None


def uncached_formula_cells(path: str | Path, parts: set[str]) -> dict[str, set[tuple[int, int]]]:
    """{sheet name: {(row, column)}} — 1-based — of the formula cells stored without a result, in the worksheet
    `parts` (lower-case zip names) given by the file checks. The workbook was checked before (no DOCTYPE, no
    bomb): its small index parts are parsed as they are."""
    if not parts:
        return {}
    found: dict[str, set[tuple[int, int]]] = {}
    with zipfile.ZipFile(path) as zf:
        names = {info.filename.lower(): info.filename for info in zf.infolist()}
        for sheet, part in _sheet_parts(zf, names).items():
            if part in parts:
                cells = _uncached(zf.read(names[part]))
                if cells:
                    found[sheet] = cells
    return found


def _sheet_parts(zf: zipfile.ZipFile, names: dict[str, str]) -> dict[str, str]:
    """{sheet name: its worksheet part, lower-case}, from the workbook and its relationships."""
    try:
        rels = ElementTree.fromstring(zf.read(names["xl/_rels/workbook.xml.rels"]))
        book = ElementTree.fromstring(zf.read(names["xl/workbook.xml"]))
    except (KeyError, ElementTree.ParseError):
        return {}  # a reader that could not find its sheets would have refused the file already
    targets = {}
    for rel in rels.iter(_RELATIONSHIP):
        target = rel.get("Target") or ""
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = target.lower()
    return {sheet.get("name"): targets.get(sheet.get(_RID), "") for sheet in book.iter(_SHEET)}


def _uncached(data: bytes) -> set[tuple[int, int]]:
    cells = set()
    for match in _FORMULA.finditer(data):
        start = data.rfind(b"<c ", 0, match.start())  # the formula's own cell: cells do not nest
        end = data.find(b"</c>", match.end())
        if start < 0 or end < 0:
            continue
        cell = data[start:end]
        tag = cell[:cell.find(b">") + 1]
        if _CACHED.search(cell) or b't="str"' in tag:  # a result stored, or an empty text result (Excel)
            continue
        ref = _REF.search(tag)
        if ref:
            cells.add((int(ref.group(2)), _column_number(ref.group(1))))
    return cells


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


NOTICE = ("formule enregistrée sans son résultat : la case est lue vide. Ouvrez le classeur dans Excel ou "
          "LibreOffice et enregistrez-le pour que le résultat soit lu.")


def cells_in_columns(cells: set[tuple[int, int]], raw, where: dict[str, str]) -> list[tuple[int, str]]:
    """(row, column as the preview names it) of those cells that fall in a read column of a data row of `raw`
    (a reader.RawSheet), in the sheet's order."""
    keys = {j: col.key for j, col in raw.header.columns}
    return [(row, where[keys[column - raw.first_column]]) for row, column in sorted(cells)
            if row > raw.header.row and column - raw.first_column in keys]
