"""Writing sheets fast with openpyxl's write-only mode, with the exchange look (bold frozen header, filters,
column widths, drop-down lists) and with every text made safe (control characters, formula injection).

Styled cells come from `styled_cells.CellMaker` (each kind of style built once, not cell by cell): with that,
writing our typed workbook costs about what writing the same bare values costs.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from erbm_desk.domain.text import clean_cell_text, looks_like_formula
from erbm_desk.services.exchange.styled_cells import CellMaker

DATE_FORMAT = "dd/mm/yyyy"
MONTH_FORMAT = "mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
MONEY_FORMAT = "#,##0.00"
DECIMAL_FORMAT = "0.00"
TEXT_CACHE = 50_000  # distinct texts remembered per sheet


class SheetWriter:
    """One write-only sheet. `row(values)` takes plain Python values (str, int, Decimal, date, datetime, bool,
    None) or `styled(value, fmt)` cells; texts are cleaned and neutralised here."""

    def __init__(self, wb: Workbook, title: str, widths: Iterable[int] = (), hidden: Iterable[int] = ()):
        self.ws = wb.create_sheet(title)
        self.title = title
        self._cells = CellMaker(self.ws)
        self._texts: dict[str, str] = {}  # text given -> text written (cleaned), when not neutralised
        self.rows = 0
        self.width = 0
        self.set_widths(widths)
        for i in hidden:
            self.ws.column_dimensions[get_column_letter(i)].hidden = True
        # printed: landscape, as wide as the page, as many pages high as needed
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True

    def set_widths(self, widths: Iterable[int]) -> None:
        """Column widths (in characters); only before the first row is written."""
        for i, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = width

    def styled(self, value: Any, fmt: str) -> Cell | None:
        """A cell holding a date, number or datetime with a number format (None stays an empty cell)."""
        if value is None:
            return None
        return self._cells.make(value, "d" if isinstance(value, date) else "n", fmt)  # datetime is a date

    def text(self, value: str | None) -> str | Cell | None:
        """Text without control characters; forced to text (never a formula) when it starts like one."""
        if value is None:
            return None
        done = self._texts.get(value)
        if done is not None:  # names and references repeat from row to row
            return done
        cleaned = clean_cell_text(value)
        if looks_like_formula(cleaned):
            return self._cells.make(cleaned, "s", "text")
        if len(self._texts) < TEXT_CACHE:
            self._texts[value] = cleaned
        return cleaned

    def labelled(self, value: str, key: str) -> Cell:
        return self._cells.make(clean_cell_text(value), "s", key)

    def header(self, labels: list[str], freeze: bool = True) -> None:
        self.ws.append([self.labelled(label, "header") for label in labels])
        self.rows += 1
        self.width = max(self.width, len(labels))
        if freeze:
            self.ws.freeze_panes = f"A{self.rows + 1}"
            self.ws.print_title_rows = f"{self.rows}:{self.rows}"
        self._header_row = self.rows

    def append(self, values: list) -> None:
        self.ws.append(values)
        self.rows += 1

    def autofilter(self) -> None:
        last = get_column_letter(max(self.width, 1))
        self.ws.auto_filter.ref = f"A{self._header_row}:{last}{max(self.rows, self._header_row)}"

    def validate_list(self, column: int, source: str, label: str, first_row: int | None = None,
                      rows: int | None = None) -> None:
        """Drop-down list on a column (to the data's end, and a margin for rows added by hand)."""
        letter = get_column_letter(column)
        first = first_row or self._header_row + 1
        last = max(self.rows, first) + (rows if rows is not None else 1000)
        dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                            errorTitle="Valeur non prévue", error=f"Choisissez « {label} » dans la liste.")
        dv.add(f"{letter}{first}:{letter}{last}")
        self.ws.data_validations.append(dv)

    def validate_decimal(self, column: int, low: Decimal, high: Decimal, label: str, first_row: int,
                         last_row: int) -> None:
        letter = get_column_letter(column)
        dv = DataValidation(type="decimal", operator="between", formula1=str(low), formula2=str(high),
                            allow_blank=True, showErrorMessage=True, errorTitle="Valeur refusée",
                            error=f"« {label} » : un nombre entre {low} et {high}.")
        dv.add(f"{letter}{first_row}:{letter}{max(last_row, first_row)}")
        self.ws.data_validations.append(dv)


class ListsSheet:
    """The hidden `Listes` sheet holding the choices of drop-down lists (labels may contain commas, which an
    inline list cannot hold)."""

    def __init__(self) -> None:
        self.columns: list[tuple[str, list[str]]] = []
        self._refs: dict[str, str] = {}

    def ref(self, name: str, choices: list[str], title: str | None = None) -> str:
        if name not in self._refs:
            self.columns.append((title or name, choices))
            letter = get_column_letter(len(self.columns))
            self._refs[name] = f"{quote_sheetname('Listes')}!${letter}$2:${letter}${len(choices) + 1}"
        return self._refs[name]

    def write(self, wb: Workbook, title: str) -> None:
        writer = SheetWriter(wb, title, widths=[32] * len(self.columns))
        writer.header([name for name, _ in self.columns], freeze=False)
        longest = max((len(c) for _, c in self.columns), default=0)
        for i in range(longest):
            writer.append([writer.text(c[i]) if i < len(c) else None for _, c in self.columns])
        writer.ws.sheet_state = "hidden"
