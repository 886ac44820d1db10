"""Styled cells (dates, amounts, forced text, bold headers) for openpyxl's write-only sheets, made one of two ways
behind ONE switch, `FAST_CELLS`:

- public (openpyxl's documented API): `WriteOnlyCell(ws)`, then its `number_format`, `font`, `fill`,
  `alignment`, `quotePrefix`, `value` and `data_type`. About 4.4 µs a cell (a fresh style array and a format
  lookup each time): the whole exchange export takes about 1.1× the CPU time of the fast path (8.3 s against
  7.5 s at scale 1, bench/bench_excel.py, which measures both);
- fast: the style array of each kind of cell is built once the public way, and each cell is a prepared `Cell`
  whose slots (`_value`, `_style`, `_hyperlink`, `_comment`) are set directly: about 0.2 µs a cell. These are
  openpyxl internals, so the fast path is on only for the openpyxl versions pyproject.toml allows
  (`openpyxl<3.2`) and whose `Cell` has those slots; anything else falls back to the public path.

Both paths write the same workbook, byte for byte (tests/services/test_excel_styled_cells.py runs the exchange
both ways).
"""

from __future__ import annotations

from typing import Any

import openpyxl
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_SLOTS = ("_value", "_style", "_hyperlink", "_comment", "data_type", "parent", "row", "column")


def _fast_path_supported() -> bool:
    major, minor = (int(part) for part in openpyxl.__version__.split(".")[:2])
    slots = {name for cls in Cell.__mro__ for name in getattr(cls, "__slots__", ())}
    return (major, minor) < (3, 2) and all(name in slots for name in _SLOTS)


FAST_CELLS = _fast_path_supported()


def dress(cell: Cell, key: str) -> None:
    """Give `cell` the look named `key`: "text" (forced text), "header", "title", "bold", or a number format."""
    if key == "text":
        cell.quotePrefix = True
    elif key == "header":
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    elif key == "title":
        cell.font = Font(bold=True, size=13)
    elif key == "bold":
        cell.font = Font(bold=True)
    else:
        cell.number_format = key


class _Prepared(Cell):
    """A prepared cell. openpyxl's write-only writer takes a cell given as a value through a ValueError whose
    message holds the cell's repr: a constant repr keeps that path cheap."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<cellule préparée>"


_new_cell = object.__new__


class CellMaker:
    """The styled cells of one write-only sheet."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self._styles: dict[str, Any] = {}  # key -> style array (fast path)

    def make(self, value: Any, data_type: str, key: str) -> Cell:
        """A cell holding `value` as `data_type` ("s", "n", "d"), with the look `key` (see `dress`)."""
        if FAST_CELLS:
            style = self._styles.get(key)
            if style is None:
                style = self._style_array(key)
            # Cell.__init__ would build a style array we replace at once (a seventh of a dated cell's time).
            cell = _new_cell(_Prepared)
            cell.parent = self.ws
            cell.row = 1
            cell.column = 1
            cell._value = value
            cell.data_type = data_type
            cell._hyperlink = None
            cell._comment = None
            cell._style = style
            return cell
        cell = WriteOnlyCell(self.ws)
        dress(cell, key)  # before the value: a date would otherwise register openpyxl's default date format
        cell.value = value
        cell.data_type = data_type  # after the value: a text starting with « = » stays text
        return cell

    def _style_array(self, key: str) -> Any:
        probe = WriteOnlyCell(self.ws)
        dress(probe, key)
        style = self._styles[key] = probe._style
        return style
