"""Nothing goes in while a row is in error: problems pointed at the file's cells, corrected in the review or in an
exported workbook taken back, or their row left out; a refused file changes nothing."""

from __future__ import annotations

import openpyxl
import pytest

from erbm_desk.services.exchange.apply import PlanNotReady
from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.services.exchange.mapping.error_workbook import read_error_workbook, write_error_workbook
from erbm_desk.services.exchange.mapping.intake import Intake, apply_review
from erbm_desk.services.exchange.mapping.source import read_source
from tests.intake.conftest import counts, indicators, review_of
from tests.intake.workbooks import TOTAL_HOURS, wide_workbook


def _broken(tmp_path):
    """The wide layout with three mistakes: an impossible birth date (row 5), hours beyond the legal maximum
    (MARTIN, March, row 6), and a contract type nobody knows (row 7)."""
    path = wide_workbook(tmp_path / "suivi.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["C5"] = "31/02/2000"
    ws["W6"] = 400
    ws["Q7"] = "Contrat aidé"
    wb.save(path)
    return path


def test_each_problem_points_at_its_cell_and_nothing_is_written(tmp_path, sqlite_db):
    before = counts(sqlite_db)
    intake = Intake.open(_broken(tmp_path))
    result = review_of(sqlite_db, intake)
    assert not result.ok
    where = {(p.row, p.where): p.message for p in result.problems}
    assert "n'est pas une date valide" in where[(5, "« Né(e) le » (C)")]
    assert "maximum légal" in where[(6, "« 03/2024 » (W)")]
    assert "« Contrat aidé » n'est pas un choix possible" in where[(7, "« Type de contrat » (Q)")]
    assert set(result.rows_in_error()) == {("Suivi 2024", 5), ("Suivi 2024", 6), ("Suivi 2024", 7)}
    with pytest.raises(PlanNotReady):
        apply_review(sqlite_db, intake, result)
    assert counts(sqlite_db) == before


def test_cells_corrected_in_the_review_and_a_row_left_out_let_the_rest_go_in(tmp_path, sqlite_db):
    intake = Intake.open(_broken(tmp_path))
    review_of(sqlite_db, intake)
    intake.correct("Suivi 2024", 5, 2, "15/03/2000")
    intake.correct("Suivi 2024", 6, 22, "140")
    intake.leave_out("Suivi 2024", 7)  # NOWAK's row: not imported this time
    result = review_of(sqlite_db, intake)
    assert result.ok, [str(p) for p in result.problems]
    apply_review(sqlite_db, intake, result)
    ind = indicators(sqlite_db)
    assert (ind.people, ind.contracts) == (2, 2)
    assert ind.hours_realised == TOTAL_HOURS - 120  # NOWAK's 20 + 100 hours left out


def test_the_errors_go_to_a_workbook_with_the_faulty_cells_in_red_and_come_back_corrected(tmp_path, sqlite_db):
    intake = Intake.open(_broken(tmp_path))
    result = review_of(sqlite_db, intake)
    errors = tmp_path / "erreurs.xlsx"
    assert write_error_workbook(intake, result, errors) == 3
    wb = openpyxl.load_workbook(errors)
    ws = wb["Suivi 2024"]
    header = [c.value for c in ws[2]]
    assert header[:3] == ["Ligne", "NOM", "PRENOM"] and header[-2:] == ["Erreurs", "Laisser de côté (oui/non)"]
    birth = ws.cell(row=3, column=header.index("Né(e) le") + 1)
    assert birth.value == "31/02/2000" and birth.fill.fgColor.rgb.endswith("F4CCCC")
    assert "date valide" in birth.comment.text
    assert ws.cell(row=3, column=header.index("NOM") + 1).fill.fgColor.rgb in ("00000000", None)
    # corrected in the spreadsheet program
    birth.value = "15/03/2000"
    ws.cell(row=4, column=header.index("03/2024") + 1).value = 140
    ws.cell(row=5, column=len(header)).value = "oui"
    wb.save(errors)
    assert read_error_workbook(intake, errors) == (2, 1)
    result = review_of(sqlite_db, intake)
    assert result.ok, [str(p) for p in result.problems]
    apply_review(sqlite_db, intake, result)
    assert indicators(sqlite_db).people == 2


def test_the_error_workbook_corrected_and_saved_by_libreoffice_comes_back_the_same(tmp_path, sqlite_db):
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) est nécessaire pour ce test")
    intake = Intake.open(_broken(tmp_path))
    errors = tmp_path / "erreurs.xlsx"
    write_error_workbook(intake, review_of(sqlite_db, intake), errors)
    wb = openpyxl.load_workbook(errors)
    ws = wb["Suivi 2024"]
    header = [c.value for c in ws[2]]
    ws.cell(row=3, column=header.index("Né(e) le") + 1).value = "15/03/2000"
    ws.cell(row=4, column=header.index("03/2024") + 1).value = 140
    ws.cell(row=5, column=len(header)).value = "oui"
    wb.save(errors)
    resaved = tmp_path / "libreoffice"
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(resaved),
                    str(errors)], check=True, capture_output=True, timeout=120)
    assert read_error_workbook(intake, resaved / "erreurs.xlsx") == (2, 1)
    result = review_of(sqlite_db, intake)
    assert result.ok, [str(p) for p in result.problems]
    assert apply_review(sqlite_db, intake, result).total > 0
    assert indicators(sqlite_db).people == 2


def test_a_row_that_contradicts_an_earlier_row_of_the_same_person_is_pointed_at_naming_it(tmp_path, sqlite_db):
    path = wide_workbook(tmp_path / "suivi.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for col, value in zip("ABCD", ("DURAND", "Léa", "15/03/2000", "H")):  # NOWAK's row becomes Léa's, sex « H »
        ws[f"{col}7"] = value
    wb.save(path)
    result = review_of(sqlite_db, Intake.open(path))
    [problem] = [p for p in result.problems if p.where == "« Sexe » (D)"]
    assert problem.row == 7 and "« Homme » ici, mais « Femme » ligne 5 pour le même bénéficiaire" in problem.message


def test_a_refused_file_changes_nothing(tmp_path, sqlite_db):
    before = counts(sqlite_db)
    macro = tmp_path / "suivi.xlsm"
    macro.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ExcelFileError, match="macros"):
        Intake.open(macro)
    not_ods = tmp_path / "suivi.ods"
    not_ods.write_bytes(b"ceci n'est pas un classeur")
    with pytest.raises(ExcelFileError):
        read_source(not_ods)
    assert counts(sqlite_db) == before


def test_a_person_the_file_names_only_by_name_and_birth_date_must_exist_somewhere(tmp_path, sqlite_db):
    from tests.intake.workbooks import long_workbook

    path = long_workbook(tmp_path / "heures.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Heures"]["A2"] = "Durant"  # a typo: no such person on the other sheet nor in the base
    wb.save(path)
    result = review_of(sqlite_db, Intake.open(path))
    [problem] = [p for p in result.problems if p.row == 2 and p.sheet == "Heures"]
    assert problem.where == "« Nom » (A)" and "aucun bénéficiaire de ce nom" in problem.message


def test_hours_whose_month_nothing_names_are_refused_saying_how_to_give_it(tmp_path, sqlite_db):
    from erbm_desk.services.exchange.mapping.intake import analyse
    from tests.intake.workbooks import sheet_per_month_workbook

    path = sheet_per_month_workbook(tmp_path / "heures.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Mars 2024"].title = "Feuil3"  # the month was its name only
    wb.save(path)
    before = counts(sqlite_db)
    intake = Intake.open(path)
    with sqlite_db.sessions() as s:
        gaps = analyse(s, intake).gaps
    [gap] = gaps
    assert gap.target == "hours_entry.month"
    assert gap.message.startswith("feuille « Feuil3 » : le mois des heures est inconnu")
    intake.mapping.constants["hours_entry.month"] = "03/2024"  # « Valeur pour toutes les lignes… »
    with sqlite_db.sessions() as s:
        assert analyse(s, intake).gaps == []
    assert counts(sqlite_db) == before


def test_an_import_is_preceded_by_a_backup_of_the_base_as_it_was_and_a_file_with_nothing_new_by_none(tmp_path,
                                                                                                    sqlite_db):
    import sqlite3

    from erbm_desk.services.backup import listing
    from tests.intake.conftest import bring_in

    before = {b.path for b in listing.list_backups(sqlite_db)}
    path = wide_workbook(tmp_path / "suivi.xlsx")
    bring_in(sqlite_db, path)
    [copy] = [b for b in listing.list_backups(sqlite_db) if b.path not in before]
    assert copy.reason == "import"
    with sqlite3.connect(copy.path) as conn:
        assert conn.execute("SELECT count(*) FROM beneficiary").fetchone()[0] == 0  # the base before the import
    made = {b.path for b in listing.list_backups(sqlite_db)}
    intake = Intake.open(path)
    again = review_of(sqlite_db, intake)
    assert again.writes == 0 and apply_review(sqlite_db, intake, again).total == 0
    assert {b.path for b in listing.list_backups(sqlite_db)} == made  # nothing to write, nothing to back up
