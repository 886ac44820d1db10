"""The monthly hours statement: one sheet for one company and month, prefilled with its active contracts, an
empty hours column with validation; filled in a spreadsheet, it imports its hours."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
from sqlalchemy import select

from erbm_desk.cli.main import main
from erbm_desk.db.models import HoursEntry
from erbm_desk.services.exchange import write_releve
from erbm_desk.services.exchange.model import Status
from erbm_desk.services.exchange.releve import HOURS_LABEL, ReleveError
from tests.fixtures import SIRET_A, SIRET_B
from tests.services.test_excel_support import import_file, plan

import pytest


def releve(db, path, siret=SIRET_A, month=date(2023, 3, 1)):
    with db.session() as s:
        return write_releve(s, siret, month, path)


def rows_of(path):
    ws = openpyxl.load_workbook(path).active
    values = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(values) if r and r[:2] == ("Lot", "Bénéficiaire"))
    return ws, header_at + 1, values[header_at], values[header_at + 1:]


def test_the_statement_lists_the_active_contracts_of_the_company_and_month(tmp_path, db, small_dataset):
    summary = releve(db, tmp_path / "releve.xlsx")
    assert summary.contracts == 2  # c1 (CDI since 01/2022) and c4 (03/2023 to 09/2023); c2 ended in 2022
    ws, header_row, header, rows = rows_of(tmp_path / "releve.xlsx")
    assert ws.title == "Relevé d'heures"
    assert [r[1] for r in rows] == ["DURAND Léa", "LEROY Hugo"]
    assert [r[0] for r in rows] == ["Sans lot", "Sans lot"]  # the small dataset has no marché
    assert [r[header.index(HOURS_LABEL)] for r in rows] == [None, None]
    assert rows[1][header.index("Début du contrat")].date() == date(2023, 3, 1)
    dv = ws.data_validations.dataValidation[0]
    assert dv.type == "decimal" and (dv.formula1, dv.formula2) == ("0", "208")
    assert str(dv.sqref).startswith(f"I{header_row + 1}:I")
    assert ws.column_dimensions["J"].hidden  # the contract identifiers


def test_a_filled_statement_imports_its_hours_and_skips_empty_lines(tmp_path, db, small_dataset):
    path = tmp_path / "releve.xlsx"
    releve(db, path)
    ws, header_row, header, rows = rows_of(path)
    col = header.index(HOURS_LABEL) + 1
    ws.cell(header_row + 1, col).value = "151,5"  # Léa, c1
    wb = ws.parent
    wb.save(path)
    p = plan(db, path)
    assert p.kind == "relevé" and p.ok
    assert p.sheets["hours_entry"].counts == {Status.NEW: 1}
    import_file(db, path)
    with db.session() as s:
        got = s.execute(select(HoursEntry.month, HoursEntry.hours)
                        .where(HoursEntry.contract_id == small_dataset["c1"]).order_by(HoursEntry.month)).all()
    assert got[-1] == (date(2023, 3, 1), Decimal("151.50"))
    assert plan(db, path).writes == 0  # the same statement again: nothing new


def test_hours_over_the_legal_maximum_are_refused(tmp_path, db, small_dataset):
    path = tmp_path / "releve.xlsx"
    releve(db, path)
    ws, header_row, header, rows = rows_of(path)
    ws.cell(header_row + 2, header.index(HOURS_LABEL) + 1).value = 250
    ws.parent.save(path)
    p = plan(db, path)
    [error] = p.errors
    assert (error.sheet, error.row, error.column) == ("Relevé d'heures", header_row + 2, "« Heures réalisées » (I)")
    assert "maximum légal de 208 h" in error.message


def test_unknown_company_and_cli(tmp_path, db, small_dataset, capsys):
    with pytest.raises(ReleveError, match="Aucune entreprise"):
        releve(db, tmp_path / "x.xlsx", siret="12345678901234")
    target = db.url.removeprefix("sqlite:///")
    if not db.url.startswith("sqlite"):
        pytest.skip("the CLI test uses the SQLite file")
    assert main(["--db", target, "releve", "--siret", SIRET_B, "--mois", "2023-01", str(tmp_path / "b.xlsx")]) == 0
    assert "ETTI du Bassin pour 01/2023" in capsys.readouterr().out
    assert main(["--db", target, "releve", "--siret", SIRET_B, "--mois", "2023-13", str(tmp_path / "b.xlsx")]) == 2
