"""Interoperability with a real spreadsheet program (LibreOffice headless): what we export shows the same values
there, a workbook re-saved by LibreOffice imports with no change, and an hours statement filled and saved by
LibreOffice imports its hours."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from erbm_desk.db.models import HoursEntry
from erbm_desk.domain.enums import Sex
from erbm_desk.services.exchange import write_releve
from erbm_desk.services.exchange.model import Status
from erbm_desk.services.records.writes import save_record
from tests.fixtures import SIRET_A, build_small_dataset
from tests.services.test_excel_support import export, fresh_db, import_file, plan, table_dump, workbook_values

pytestmark = pytest.mark.slow

NASTY = ['=HYPERLINK("http://evil.example";"clic")', "+33 6 12 34 56 78", "-moins", "@SUM(A1)", "D'ARTOIS, Émile",
         'Guillemets "doubles"']


@pytest.fixture
def source(tmp_path):
    db = fresh_db(tmp_path, "source")
    with db.session() as s:
        ids = build_small_dataset(s)
        for i, name in enumerate(NASTY):
            person = save_record(s, "beneficiary", dict(last_name=name, first_name=f"Prénom {i}",
                                                        birth_date=date(1980 + i, 2, 3), sex=Sex.MALE))
            save_record(s, "eligibility_check", dict(beneficiary_id=person.id, check_date=date(2023, 1, 5), rsa=True))
        save_record(s, "cite", {"notes": "=1+1 et « guillemets », virgule ; point-virgule"}, ids["cite_a"])
    yield db
    db.close()


def _same(value, text: str) -> bool:
    """Does LibreOffice's text for a cell show the value the workbook holds?"""
    if value is None or value == "":
        return text == ""
    if isinstance(value, str):
        return text == value
    if isinstance(value, bool):
        return text.upper() in (("TRUE", "VRAI") if value else ("FALSE", "FAUX"))
    if isinstance(value, (int, float)):
        return Decimal(text.replace(",", "")) == Decimal(repr(value))
    if isinstance(value, (date, datetime)):
        for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%m/%Y"):
            try:
                shown = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            return False
        if isinstance(value, datetime):  # shown to the second, the cell holds milliseconds
            return abs((shown - value).total_seconds()) < 1
        return shown == datetime(value.year, value.month, value.day)
    return text == str(value)


def _trim(rows: list[list]) -> list[list]:
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] in ("", None):
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


@pytest.mark.parametrize("anonymous", [False, True])
def test_libreoffice_shows_the_values_we_export(tmp_path, source, libreoffice, anonymous):
    path = export(source, tmp_path / "echange.xlsx", anonymous=anonymous, organisation="PLIE, de Lens")
    ours = workbook_values(path, skip_varying=False)
    shown = libreoffice.to_csv(path, tmp_path / "csv")
    assert set(shown) == set(ours)
    for sheet, rows in ours.items():
        mine, theirs = _trim(rows), _trim(shown[sheet])
        assert len(mine) == len(theirs), sheet
        for r, (a, b) in enumerate(zip(mine, theirs), 1):
            assert len(a) == len(b), (sheet, r, a, b)
            for c, (value, text) in enumerate(zip(a, b), 1):
                assert _same(value, text), (sheet, r, c, value, text)
    names = {row[2] for row in shown["Bénéficiaires"][1:]}
    if anonymous:
        assert not names & set(NASTY)
    else:
        assert set(NASTY) <= names  # formulas stayed text: LibreOffice shows them, does not compute them


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_workbook_resaved_by_libreoffice_imports_with_no_change(tmp_path, source, libreoffice, anonymous):
    path = export(source, tmp_path / "echange.xlsx", anonymous=anonymous)
    resaved = libreoffice.resave(path, tmp_path / "lo")
    before = table_dump(source)
    own = plan(source, resaved)
    assert own.ok, [str(e) for e in own.errors]
    assert own.writes == 0 and not own.conflicts and own.count(Status.UNCHANGED) == sum(
        len(sp.rows) for sp in own.sheets.values())
    other = fresh_db(tmp_path, "other")
    import_file(other, path)
    after_original = table_dump(other)
    again = plan(other, resaved)
    assert again.ok and again.writes == 0 and not again.conflicts
    assert table_dump(other) == after_original and table_dump(source) == before
    other.close()


def test_an_hours_statement_filled_and_saved_by_libreoffice_imports_its_hours(tmp_path, source, libreoffice):
    blank = tmp_path / "releve.xlsx"
    with source.session() as s:
        write_releve(s, SIRET_A, date(2023, 3, 1), blank)
    # the company opens it in LibreOffice, types its hours and saves it
    opened = libreoffice.resave(blank, tmp_path / "lo1")
    wb = openpyxl.load_workbook(opened)
    ws = wb.active
    rows = list(ws.iter_rows())
    header_at = next(i for i, r in enumerate(rows) if r[1].value == "Bénéficiaire")
    header = [c.value for c in rows[header_at]]
    assert any(dv.type == "decimal" for dv in ws.data_validations.dataValidation)  # kept by LibreOffice
    hours_col = header.index("Heures réalisées")
    people = {r[1].value: r for r in rows[header_at + 1:]}
    people["DURAND Léa"][hours_col].value = 151.67
    people["LEROY Hugo"][hours_col].value = "35,5"
    typed = tmp_path / "typed" / "releve.xlsx"
    typed.parent.mkdir()
    wb.save(typed)
    saved = libreoffice.resave(typed, tmp_path / "lo2")
    p = plan(source, saved)
    assert p.ok and p.kind == "relevé", [str(e) for e in p.errors]
    assert p.sheets["hours_entry"].counts == {Status.NEW: 2}
    import_file(source, saved)
    with source.session() as s:
        got = s.execute(select(HoursEntry.hours).where(HoursEntry.month == date(2023, 3, 1))
                        .order_by(HoursEntry.hours)).scalars().all()
    assert got == [Decimal("35.50"), Decimal("151.67")]
