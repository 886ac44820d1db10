"""The exchange sheets' fast paths write what XlsxWriter itself writes: rows of plain values as its very XML
(plain_row_xml.py), dates as the numbers its `write_datetime` stores (sheetwriter.excel_serial)."""

from __future__ import annotations

import random
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from xlsxwriter import utility

from erbm_desk.services.exchange import plain_row_xml
from erbm_desk.services.exchange.sheetwriter import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONEY_FORMAT,
    ExchangeWorkbook,
    SheetWriter,
    excel_serial,
)

TRICKY_TEXTS = ["Cité Barrois", " espace devant", "espace derrière ", "ligne\nsuivante", "a\tb", "_x0041_",
                "tiret_bas", "A & B <c> \"d\" 'e'", "<r>riche</r>", "=1+1", "-", "@x", "\ufffe", "é" * 20000,
                "\x07cloche", "", "   ", "Ünïcödé ✓ 😀"]


def _rows() -> list[list]:
    rnd = random.Random(5)
    rows = []
    for i in range(300):
        rows.append([
            rnd.choice(TRICKY_TEXTS), i, rnd.choice([1.5, 0.1, 1e-7, 123456789.125, -3.0]),
            Decimal(rnd.choice(["12.50", "0.01", "1000000", "-7.25"])), None if i % 7 == 0 else
            excel_serial(date(2020, 1, 1) + timedelta(days=i)), excel_serial(datetime(2024, 5, 6, 7, 8, 9, 123000)),
            rnd.choice([None, "", "x"]), True if i % 50 == 0 else None,
        ])
    rows.append([None] * 8)  # a row of blanks
    return rows


def _write(path, rows, plain: bool, monkeypatch) -> None:
    monkeypatch.setattr(plain_row_xml.PlainRowXml, "write", plain_row_xml.PlainRowXml.write if plain
                        else (lambda self, row, values: False))
    wb = ExchangeWorkbook(path)
    wb.book.set_properties({"created": datetime(2024, 1, 1)})
    w = SheetWriter(wb, "Feuille", hidden=[8])
    w.set_widths([20] * 8, [None, None, None, MONEY_FORMAT, DATE_FORMAT, DATETIME_FORMAT, None, None])
    w.header([f"Colonne {i}" for i in range(8)])
    for row in rows:
        w.append([w.text(v) if isinstance(v, str) else v for v in row])
    w.append([w.styled(date(2021, 3, 4), DATE_FORMAT), "après une cellule mise en forme"])
    w.append(["et de nouveau", 1])
    w.autofilter()
    wb.close()


def test_plain_rows_are_xlsxwriters_own_xml(tmp_path, monkeypatch):
    rows = _rows()
    _write(tmp_path / "rapide.xlsx", rows, True, monkeypatch)
    _write(tmp_path / "xlsxwriter.xlsx", rows, False, monkeypatch)
    with zipfile.ZipFile(tmp_path / "rapide.xlsx") as fast, zipfile.ZipFile(tmp_path / "xlsxwriter.xlsx") as own:
        assert fast.namelist() == own.namelist()
        for name in own.namelist():
            assert fast.read(name) == own.read(name), name


def test_plain_rows_read_back(tmp_path, monkeypatch):
    rows = _rows()
    _write(tmp_path / "rapide.xlsx", rows, True, monkeypatch)
    ws = load_workbook(tmp_path / "rapide.xlsx")["Feuille"]
    assert ws.cell(2, 4).number_format == MONEY_FORMAT
    assert ws.cell(3, 5).is_date and ws.cell(3, 5).value == datetime(2020, 1, 2)
    assert ws.cell(3, 6).value == datetime(2024, 5, 6, 7, 8, 9, 123000)
    assert ws.column_dimensions["H"].hidden
    wb = CalamineWorkbook.from_path(str(tmp_path / "rapide.xlsx"))
    cells = wb.get_sheet_by_name("Feuille").to_python()
    assert cells[2][4] == date(2020, 1, 2) and cells[2][5] == datetime(2024, 5, 6, 7, 8, 9, 123000)


def test_excel_serial_is_write_datetimes_number():
    to_excel = getattr(utility, "_datetime_to_excel_datetime", None) or utility.datetime_to_excel_datetime
    rnd = random.Random(3)
    values = [date(1900, 1, 1), datetime(1900, 1, 1, 5), date(1900, 2, 28), date(1900, 3, 1), date(2024, 2, 29),
              datetime(1900, 2, 28, 23, 59, 59, 999000)]
    start = datetime(1899, 12, 31)
    values += [start + timedelta(seconds=rnd.randrange(200 * 365 * 86400), microseconds=rnd.randrange(1000) * 1000)
               for _ in range(20000)]
    values += [date(1900, 1, 1) + timedelta(days=rnd.randrange(80000)) for _ in range(2000)]
    for value in values:
        assert excel_serial(value) == to_excel(value, False, False), value


def test_the_switch_leaves_every_row_to_xlsxwriter(tmp_path, monkeypatch):
    monkeypatch.setenv("ERBM_DESK_EXPORT_SPEEDUPS", "0")
    wb = ExchangeWorkbook(tmp_path / "x.xlsx")
    w = SheetWriter(wb, "Feuille")
    assert plain_row_xml.PlainRowXml(w.ws).write(0, ["texte", 1]) is False
    monkeypatch.delenv("ERBM_DESK_EXPORT_SPEEDUPS")
    assert plain_row_xml.PlainRowXml(w.ws).write(0, ["texte", 1]) is True
    wb.close()
    assert CalamineWorkbook.from_path(str(tmp_path / "x.xlsx")).get_sheet_by_name("Feuille").to_python() == [
        ["texte", 1]]
