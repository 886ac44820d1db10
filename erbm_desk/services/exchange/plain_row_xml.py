"""Rows of plain values (texts, numbers, empty cells) written to a `constant_memory` XlsxWriter sheet as the very XML
XlsxWriter writes for them, in one string per row instead of its dispatch of each cell through half a dozen calls.

XlsxWriter in `constant_memory` mode writes a row's XML to the sheet's temporary file once the next row starts; a
cell there is `<c r="B7" s="3"><v>12.5</v></c>` (a number; `s`: its column's format) or an inline string
`<c r="A7" t="inlineStr"><is><t>…</t></is></c>`. For the rows of an exchange workbook (hundreds of thousands of
cells of a few kinds) that dispatch was most of an export's time. What this module writes is checked byte for
byte against XlsxWriter's own output (tests/services/test_excel_plain_rows.py). Whatever it does not write the
same way — a cell with a format of its own, a boolean, a number that is not finite, a very long text, a rich
string, a row with height or format, another version of XlsxWriter's internals — is left to XlsxWriter: `write`
answers False and the caller writes the row with `write_row`.
"""

from __future__ import annotations

import math
import os
import re
from decimal import Decimal
from typing import Any

from xlsxwriter.utility import xl_col_to_name

# Characters after which a text needs XlsxWriter's own escaping: XML's, control characters, the « _xHHHH_ »
# escape, the two non-characters. Leading and trailing white space (xml:space) are tested apart.
_NEEDS_ESCAPING = re.compile("[&<>_\x00-\x1f\ufffe\uffff]")
_LEADING_SPACE = re.compile(r"^\s")  # XlsxWriter's own tests for xml:space="preserve"
_TRAILING_SPACE = re.compile(r"\s$")
TEXT_MEMO = 50_000
_LONG_TEXT = 32767 // 2  # longer texts may be cut by XlsxWriter (UTF-16 units): its own path


def supported(ws: Any) -> bool:
    """Whether this sheet's rows can be written here: constant_memory mode, default row heights, and the internal
    attributes this module relies on; never with ERBM_DESK_EXPORT_SPEEDUPS=0 (XlsxWriter's public road only)."""
    if os.environ.get("ERBM_DESK_EXPORT_SPEEDUPS") == "0":
        return False
    try:
        return bool(ws.constant_memory) and ws.excel_version == 2007 \
            and ws.default_row_height == ws.original_row_height and ws.fh is not None \
            and isinstance(ws.previous_row, int) and isinstance(ws.col_info, dict) \
            and callable(ws._write_single_row) and callable(ws._check_dimensions) \
            and callable(ws._escape_control_characters) and callable(ws._escape_data)
    except AttributeError:
        return False


class PlainRowXml:
    """Writes rows of plain values to one sheet (`write`); the sheet's column formats are read at the first row."""

    def __init__(self, ws: Any):
        self.ws = ws
        self.enabled = supported(ws)
        self._formats: dict[int, Any] | None = None  # column -> its XlsxWriter format, read at the first row
        self._styles: dict[int, str] = {}  # column -> ' s="N"', once its first cell is written
        self._letters: list[str] = []
        self._texts: dict[str, str | None] = {}

    def _column_formats(self) -> dict[int, Any] | None:
        formats = {}
        for col, info in self.ws.col_info.items():
            look = getattr(info, "column_format", False)
            if look is False:
                return None  # another layout of XlsxWriter's column information: its own path
            if look is not None:
                formats[col] = look
        return formats

    def _style(self, col: int) -> str:
        """' s="N"': the column's format, numbered when its first cell is written, as XlsxWriter numbers it."""
        look = self._formats.get(col)
        return "" if look is None else f' s="{look._get_xf_index()}"'

    def _text(self, text: str) -> str | None:
        """The `<is>` part of a text cell, as XlsxWriter writes it; None: XlsxWriter's own path."""
        if len(text) > _LONG_TEXT:
            return None
        if _NEEDS_ESCAPING.search(text) is None and not text[0].isspace() and not text[-1].isspace():
            return f"<is><t>{text}</t></is>"
        escaped = self.ws._escape_control_characters(text)
        if escaped.startswith("<r>") and escaped.endswith("</r>"):
            return None  # XlsxWriter writes such a text as rich text
        preserve = ' xml:space="preserve"' if _LEADING_SPACE.search(escaped) or _TRAILING_SPACE.search(escaped) \
            else ""
        return f"<is><t{preserve}>{self.ws._escape_data(escaped)}</t></is>"

    def write(self, row: int, values: list) -> bool:
        """Write `values` as row `row` (0-based); False, with nothing written, when XlsxWriter must do it."""
        if not self.enabled:
            return False
        ws = self.ws
        if row < ws.previous_row or row in ws.row_info or row >= ws.xls_rowmax or len(values) > ws.xls_colmax:
            return False
        if self._formats is None:
            self._formats = self._column_formats()
            if self._formats is None:
                self.enabled = False
                return False
        if row > ws.previous_row:
            # The row XlsxWriter still holds (a header) goes first, as its next write would send it: its
            # formats are numbered before the ones of this row.
            ws._write_single_row(row)
        styles = self._styles
        letters = self._letters
        while len(letters) < len(values):
            letters.append(xl_col_to_name(len(letters)))
        texts = self._texts
        number = str(row + 1)
        parts = []
        first = last = -1
        for col, value in enumerate(values):
            kind = value.__class__
            if kind is str:
                if not value:
                    continue  # an empty text is a blank cell: nothing, as XlsxWriter does without a format
                inner = texts.get(value)
                if inner is None:
                    inner = self._text(value)
                    if inner is None:
                        return False
                    if len(texts) < TEXT_MEMO:
                        texts[value] = inner
                style = styles.get(col)
                if style is None:
                    style = styles[col] = self._style(col)
                parts.append(f'<c r="{letters[col]}{number}"{style} t="inlineStr">{inner}</c>')
            elif kind is int or kind is float or kind is Decimal:
                if kind is not int and not math.isfinite(value):
                    return False
                style = styles.get(col)
                if style is None:
                    style = styles[col] = self._style(col)
                parts.append(f'<c r="{letters[col]}{number}"{style}><v>{value:.16G}</v></c>')
            elif value is None:
                continue
            else:
                return False
            if first < 0:
                first = col
            last = col
        if first < 0:
            return True  # nothing but blanks: XlsxWriter writes nothing either
        ws._check_dimensions(row, first)
        ws._check_dimensions(row, last)
        ws.fh.write(f'<row r="{number}">{"".join(parts)}</row>')
        return True
