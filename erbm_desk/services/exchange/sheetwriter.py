"""Writing sheets fast with XlsxWriter's `constant_memory` mode (each row goes to disk once the next one starts),
with the exchange look (bold frozen header, filters, column widths, hidden columns, drop-down lists) and with every
text made safe (control characters, formula injection).

XlsxWriter was chosen by measurement (bench/bench_excel.py): on the same cells it writes in about a third of the
time openpyxl's write-only mode takes, in constant memory. It only writes; openpyxl stays where a workbook is read
or edited. A row is a list of plain values (str, int, Decimal, date, datetime, None) or `Styled` cells made by
`styled`, `text` and `labelled`; each kind of look is one XlsxWriter format, made once per workbook.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, NamedTuple

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_col_to_name

from erbm_desk.domain.text import clean_cell_text, looks_like_formula
from erbm_desk.services.exchange.plain_row_xml import PlainRowXml

DATE_FORMAT = "dd/mm/yyyy"
MONTH_FORMAT = "mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
MONEY_FORMAT = "#,##0.00"
DECIMAL_FORMAT = "0.00"
TEXT_CACHE = 50_000  # distinct texts remembered per sheet
HEADER_FILL = "#DCE6F1"
# A text written as a string cell, never a formula, a number nor a link, whatever it starts with.
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                    "strings_to_urls": False}


class Styled(NamedTuple):
    """A cell with a look: `value` (None: an empty cell) and its XlsxWriter format."""

    value: Any
    look: Any


class AsRuns(NamedTuple):
    """A text XlsxWriter would write as rich-text XML of its own (« <r>…</r> », in constant_memory mode): the cell
    then came back empty, or broke the sheet. Written as two plain runs of text, it reads back as typed."""

    value: str
    look: Any


class ExchangeWorkbook:
    """An XlsxWriter workbook written at `path` on `close()`, its rows streamed through a temporary folder of its
    own (removed by `close()` and by `discard()`), and the formats of its looks, each made once."""

    def __init__(self, path: str | Path):
        self._tmp = tempfile.mkdtemp(prefix="erbm-classeur-")
        self.book = xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "tmpdir": self._tmp})
        self._looks: dict[str, Any] = {}

    def look(self, key: str) -> Any:
        """The format named `key`: "text" (forced text), "header", "title", "bold", or a number format."""
        found = self._looks.get(key)
        if found is None:
            if key == "text":
                props = {"quote_prefix": True}
            elif key == "header":
                props = {"bold": True, "bg_color": HEADER_FILL, "pattern": 1, "text_wrap": True, "valign": "top"}
            elif key == "title":
                props = {"bold": True, "font_size": 13}
            elif key == "bold":
                props = {"bold": True}
            elif key == "plain":
                props = {}
            else:
                props = {"num_format": key}
            found = self._looks[key] = self.book.add_format(props)
        return found

    def close(self) -> None:
        try:
            self.book.close()
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def discard(self) -> None:
        """Give up an unfinished workbook (cancel, error): its temporary rows go, no file is written."""
        shutil.rmtree(self._tmp, ignore_errors=True)


class SheetWriter:
    """One sheet, written row after row. `append(values)` takes plain Python values (str, int, Decimal, date,
    datetime, bool, None) or `Styled` cells; texts are cleaned and neutralised by `text()`."""

    def __init__(self, wb: ExchangeWorkbook, title: str, widths: Iterable[int] = (), hidden: Iterable[int] = ()):
        self.wb = wb
        self.ws = wb.book.add_worksheet(title)
        self.title = title
        self._texts: dict[str, Any] = {}  # text given -> text written (cleaned, or forced to text)
        self._forced = wb.look("text")
        self._widths: dict[int, float] = {}
        self._looks: dict[int, str] = {}
        self._hidden = set(hidden)
        self.rows = 0
        self.width = 0
        self._header_row = 0
        self.set_widths(widths)
        for i in self._hidden:
            self._column(i)
        # printed: landscape, as wide as the page, as many pages high as needed
        self.ws.set_landscape()
        self.ws.fit_to_pages(1, 0)
        # A row goes to XlsxWriter in one call (`write_row`, which picks each cell's writer by its type: texts stay
        # texts, None and "" stay empty); a Styled cell is written with its format by this handler.
        self.ws.add_write_handler(Styled, _write_styled)
        self.ws.add_write_handler(AsRuns, _write_runs)
        self._plain = PlainRowXml(self.ws)  # rows of plain values: XlsxWriter's XML without its per-cell calls

    def _column(self, i: int) -> None:
        options = {"hidden": True} if i in self._hidden else None
        look = self._looks.get(i)
        self.ws.set_column(i - 1, i - 1, self._widths.get(i), None if look is None else self.wb.look(look), options)

    def set_widths(self, widths: Iterable[int], looks: Iterable[str | None] = ()) -> None:
        """Column widths (in characters) and number formats (`looks`: a format per column, or None); only before
        the first row is written. A column's format is that of every number written in it without one of its own:
        dates given as `excel_serial(...)` numbers are dates there, without a format object per cell."""
        for i, look in enumerate(looks, 1):
            if look is not None:
                self._looks[i] = look
        for i, width in enumerate(widths, 1):
            self._widths[i] = width
            self._column(i)

    def styled(self, value: Any, fmt: str) -> Styled | None:
        """A cell holding a date, number or datetime with a number format (None stays an empty cell)."""
        if value is None:
            return None
        return Styled(value, self.wb.look(fmt))

    def text(self, value: str | None) -> str | Styled | None:
        """Text without control characters; forced to text (never a formula) when it starts like one."""
        if value is None:
            return None
        done = self._texts.get(value)
        if done is not None:  # names and references repeat from row to row
            return done
        cleaned = clean_cell_text(value)
        if looks_like_formula(cleaned):
            done = Styled(cleaned, self._forced)
        elif cleaned.startswith("<r>") and cleaned.endswith("</r>"):
            done = AsRuns(cleaned, self.wb.look("plain"))
        else:
            done = cleaned
        if len(self._texts) < TEXT_CACHE:
            self._texts[value] = done
        return done

    def labelled(self, value: str, key: str) -> Styled:
        return Styled(clean_cell_text(value), self.wb.look(key))

    def header(self, labels: list[str], freeze: bool = True) -> None:
        self.append([self.labelled(label, "header") for label in labels])
        self.width = max(self.width, len(labels))
        if freeze:
            self.ws.freeze_panes(self.rows, 0)
            self.ws.repeat_rows(self.rows - 1)
        self._header_row = self.rows

    def append(self, values: list) -> None:
        """One row of plain values and Styled cells."""
        if values:
            if not self._plain.write(self.rows, values):  # a Styled cell, or anything it leaves to XlsxWriter
                self.ws.write_row(self.rows, 0, values)
            if len(values) > self.width:
                self.width = len(values)
        self.rows += 1

    def autofilter(self) -> None:
        first = max(self._header_row - 1, 0)
        self.ws.autofilter(first, 0, max(self.rows - 1, first), max(self.width, 1) - 1)

    def validate_list(self, column: int, source: str, label: str, first_row: int | None = None,
                      rows: int | None = None) -> None:
        """Drop-down list on a column (to the data's end, and a margin for rows added by hand)."""
        first = first_row or self._header_row + 1
        last = max(self.rows, first) + (rows if rows is not None else 1000)
        self.ws.data_validation(first - 1, column - 1, last - 1, column - 1, {
            "validate": "list", "source": f"={source}", "ignore_blank": True, "error_type": "stop",
            "error_title": "Valeur non prévue", "error_message": f"Choisissez « {label} » dans la liste."})

    def validate_decimal(self, column: int, low: Decimal, high: Decimal, label: str, first_row: int,
                         last_row: int) -> None:
        self.ws.data_validation(first_row - 1, column - 1, max(last_row, first_row) - 1, column - 1, {
            "validate": "decimal", "criteria": "between", "minimum": str(low), "maximum": str(high),
            "ignore_blank": True, "error_type": "stop", "error_title": "Valeur refusée",
            "error_message": f"« {label} » : un nombre entre {low} et {high}."})

    def hide(self) -> None:
        self.ws.hide()


def _write_styled(ws, row: int, col: int, cell: Styled, _format=None) -> int:
    return ws.write(row, col, cell.value, cell.look)


def _write_runs(ws, row: int, col: int, cell: AsRuns, _format=None) -> int:
    return ws.write_rich_string(row, col, cell.look, cell.value[:1], cell.value[1:])


_EPOCH = datetime(1899, 12, 31)
_DAY_SECONDS = 86400


def excel_serial(value: date | datetime) -> float | int:
    """A date or naive date-time as the spreadsheet number XlsxWriter's `write_datetime` stores (the same formula:
    days since 31/12/1899 and the fraction of the day, one more after 28/02/1900, the day Excel believes in),
    for a column whose format makes it a date (`SheetWriter.set_widths`): a plain number goes through
    XlsxWriter's fastest path, and a value that repeats (a month) is converted once by the caller's memo."""
    moment = value.__class__ is datetime or isinstance(value, datetime)
    if not moment:
        value = datetime(value.year, value.month, value.day)
    delta = value - _EPOCH
    serial = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / _DAY_SECONDS
    if moment and value.year == 1900 and value.month == 1 and value.day == 1:
        serial -= 1  # XlsxWriter's own correction of that day, kept so that both write the same number
    if serial > 59:
        serial += 1
    return serial


class ListsSheet:
    """The hidden `Listes` sheet holding the choices of drop-down lists (labels may contain commas, which an
    inline list cannot hold)."""

    def __init__(self) -> None:
        self.columns: list[tuple[str, list[str]]] = []
        self._refs: dict[str, str] = {}

    def ref(self, name: str, choices: list[str], title: str | None = None) -> str:
        if name not in self._refs:
            self.columns.append((title or name, choices))
            letter = xl_col_to_name(len(self.columns) - 1)
            self._refs[name] = f"{quote_sheetname('Listes')}!${letter}$2:${letter}${len(choices) + 1}"
        return self._refs[name]

    def write(self, wb: ExchangeWorkbook, title: str) -> None:
        writer = SheetWriter(wb, title, widths=[32] * len(self.columns))
        writer.header([name for name, _ in self.columns], freeze=False)
        longest = max((len(c) for _, c in self.columns), default=0)
        for i in range(longest):
            writer.append([writer.text(c[i]) if i < len(c) else None for _, c in self.columns])
        writer.hide()
