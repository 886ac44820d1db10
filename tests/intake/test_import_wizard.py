"""The import wizard driven by keys as a user would, from « Fichier > Importer… » to the last page: a sheet read
below its title, a column matched by hand, a value chosen, a person matched with the base, a birth date fixed in
the review grid, F5, « Importer »; every table of the wizard checked by qtmodeltester; our own workbooks still go
to the import preview."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QWizard
from sqlalchemy import func, select

from erbm_desk.db.models import Beneficiary, ImportMapping
from erbm_desk.domain.enums import Sex
from erbm_desk.services.exchange.mapping.model import ColumnMapping, Mapping, SheetMapping
from erbm_desk.services.records.writes import save_record
from erbm_desk.ui.database.gateway import gateway_for
from erbm_desk.ui.exchange.excel_actions import IMPORT_TEXT, install_excel_actions
from erbm_desk.ui.exchange.import_dialog import ImportPreviewDialog
from erbm_desk.ui.exchange.import_wizard.review_models import ErrorsModel
from erbm_desk.ui.exchange.import_wizard.wizard import COLUMNS, DONE, FILE, MATCHES, REVIEW, VALUES, ImportWizard
from tests.intake.conftest import indicators
from tests.intake.workbooks import TOTAL_HOURS, school_year_workbook, sheet_per_month_workbook, wide_workbook
from tests.ui.helpers import keys

TIMEOUT = 20_000


class Window(QMainWindow):
    data_changed = Signal(object)

    def __init__(self, db):
        super().__init__()
        self.db = db
        gateway_for(db).changed.connect(self.data_changed)
        self.file_menu = self.menuBar().addMenu("&Fichier")
        self.actions_by_text = {a.text(): a for a in install_excel_actions(self)}


@pytest.fixture
def window(qtbot, sqlite_db):
    w = Window(sqlite_db)
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    yield w
    w.close()


def _tracking_workbook(folder: Path, unknown_sex_header: bool = True) -> Path:
    """The wide layout with what a user must settle: a sex column headed « Statut », a criterion « en attente »,
    NOWAK born the 5th where the base says the 6th, and an impossible birth date for DURAND."""
    path = wide_workbook(folder / "Suivi PLIE 2024.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    if unknown_sex_header:
        ws["D4"] = "Statut"
    ws["E6"] = "en attente"
    ws["C5"] = "31/02/2000"
    wb.save(path)
    return path


def _open_wizard(qtbot, window, monkeypatch, path: Path) -> ImportWizard:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions_by_text[IMPORT_TEXT].trigger()
    found = []
    qtbot.waitUntil(lambda: bool(found.extend(window.findChildren(ImportWizard)) or found), timeout=TIMEOUT)
    wizard = found[-1]
    _activate(qtbot, wizard)
    return wizard


def _activate(qtbot, widget) -> None:
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=TIMEOUT)


def _next(qtbot, wizard, expected: int) -> None:
    """Alt+S (« Suivant »), as on the keyboard."""
    qtbot.keyClick(wizard, Qt.Key_S, Qt.AltModifier)
    qtbot.waitUntil(lambda: wizard.currentId() == expected, timeout=TIMEOUT)


def _focus_cell(qtbot, view, row: int, column: int) -> None:
    """Tab into the table, then arrows to the cell."""
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    for _ in range(row):
        qtbot.keyClick(view, Qt.Key_Down)
    for _ in range(column):
        qtbot.keyClick(view, Qt.Key_Right)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (row, column)


def _choose(qtbot, view, row: int, column: int, letters: str, downs: int = 0) -> None:
    """F2 on the cell opens its drop-down list; the first letters (or the arrows) pick; Entrée validates."""
    _focus_cell(qtbot, view, row, column)
    qtbot.keyClick(view, Qt.Key_F2)
    editor = QApplication.focusWidget()
    keys(qtbot, editor, letters)
    for _ in range(downs):
        qtbot.keyClick(editor, Qt.Key_Down)
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState, timeout=TIMEOUT)  # committed (queued by Qt)


def test_the_whole_wizard_by_keys(qtbot, qtmodeltester, window, sqlite_db, monkeypatch, tmp_path):
    with sqlite_db.session() as s:
        nowak = save_record(s, "beneficiary", dict(last_name="NOWAK", first_name="Piotr", birth_date=date(1996, 5, 6),
                                                   sex=Sex.MALE)).id
        save_record(s, "eligibility_check", dict(beneficiary_id=nowak, check_date=date(2024, 2, 20), rsa=True))
    wizard = _open_wizard(qtbot, window, monkeypatch, _tracking_workbook(tmp_path))

    # 1. the file: one sheet, its header found on row 4 under the merged title
    page = wizard.pages[FILE]
    assert [(r.name, r.used, r.header_row) for r in page.sheets_model.rows] == [("Suivi 2024", True, 4)]
    assert page.preview_model.header_row == 4
    qtmodeltester.check(page.sheets_model)
    qtmodeltester.check(page.preview_model)
    _next(qtbot, wizard, COLUMNS)

    # 2. the columns: « Statut » names nothing the app knows; the user says it is the sex
    page = wizard.pages[COLUMNS]
    statut = next(i for i, r in enumerate(page.model.rows) if r.header == "Statut")
    assert page.model.rows[statut].target is None
    assert "« Sexe (bénéficiaire) » : aucune colonne" in page.missing.text()
    _choose(qtbot, page.view, statut, page.model.FIELD, "Sexe")
    assert page.model.rows[statut].target == "beneficiary.sex"
    assert "Sexe" not in page.missing.text()
    qtmodeltester.check(page.model)
    _next(qtbot, wizard, VALUES)

    # 3. the values: « H »/« F » taken as usual spellings, « en attente » chosen by hand as « Non »
    page = wizard.pages[VALUES]
    rsa = next(i for i in range(page.fields.count()) if page.fields.item(i).data(Qt.UserRole) == "beneficiary.rsa")
    page.fields.setFocus()
    page.fields.setCurrentRow(0)
    for _ in range(rsa):
        qtbot.keyClick(page.fields, Qt.Key_Down)
    waiting = next(i for i, r in enumerate(page.model.rows) if r.text == "en attente")
    _choose(qtbot, page.view, waiting, page.model.CHOICE, "N")
    assert page.model.rows[waiting].choice == "non"
    assert wizard.intake.mapping.values["beneficiary.rsa"]["en attente"] == "non"
    qtmodeltester.check(page.model)
    _next(qtbot, wizard, MATCHES)

    # 4. the matches: NOWAK (born the 5th) is « à créer », with the base's NOWAK (the 6th) proposed
    page = wizard.pages[MATCHES]
    qtbot.waitUntil(lambda: wizard.analysis is not None and page.model.rowCount() > 0, timeout=TIMEOUT)
    assert page.entity_box.currentData() == "beneficiary"
    row = next(i for i, r in enumerate(page.model.rows) if r.label.startswith("NOWAK"))
    assert page.model.rows[row].status == "à créer"
    _choose(qtbot, page.view, row, page.model.RECORD, "", downs=1)
    assert page.model.rows[row].status == "rapproché"
    qtmodeltester.check(page.model)
    _next(qtbot, wizard, REVIEW)

    # 5. the review: DURAND's birth date is the one error; typed again in the grid, F5, then « Importer »
    page = wizard.pages[REVIEW]
    qtbot.waitUntil(lambda: wizard.result is not None and not page.loading, timeout=TIMEOUT)
    assert [str(p) for p in wizard.result.problems] == [
        "feuille « Suivi 2024 », ligne 5, colonne « Né(e) le » (C) : « 31/02/2000 » n'est pas une date valide "
        "(jj/mm/aaaa)."]
    assert wizard.result.counts["beneficiary"]["new"] == 1  # MARTIN; NOWAK is the base's, DURAND in error
    assert not wizard.button(QWizard.NextButton).isEnabled()  # nothing is written while an error is left
    qtmodeltester.check(page.counts_model)
    qtmodeltester.check(page.errors_model)
    view = page.errors
    assert view.currentIndex().column() == page.errors_model.view_column(2)  # the faulty cell, ready to type
    view.setFocus()
    qtbot.keyClick(view, "1")  # typing on the cell opens its editor…
    keys(qtbot, QApplication.focusWidget(), "5/03/2000")  # … which has the keyboard from then on
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState, timeout=TIMEOUT)
    assert wizard.intake.corrections == {("Suivi 2024", 5, 2): "15/03/2000"}
    qtbot.keyClick(view, Qt.Key_F5)
    qtbot.waitUntil(lambda: wizard.result is not None and wizard.result.ok and not page.loading, timeout=TIMEOUT)
    assert wizard.result.counts["beneficiary"]["new"] == 2  # NOWAK is the base's
    assert page.save_name.text() == "Suivi PLIE 2024"
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        qtbot.keyClick(wizard, Qt.Key_I, Qt.AltModifier)  # « Importer »
    qtbot.waitUntil(lambda: wizard.currentId() == DONE, timeout=TIMEOUT)
    assert "Import terminé" in wizard.pages[DONE].text.text()
    assert "« Suivi PLIE 2024 »" in wizard.pages[DONE].text.text()

    with sqlite_db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Beneficiary)) == 3
        assert s.get(Beneficiary, nowak).birth_date == date(1996, 5, 6)
        assert s.scalar(select(ImportMapping.name)) == "Suivi PLIE 2024"
    figures = indicators(sqlite_db)
    assert figures.hours_realised == TOTAL_HOURS and figures.people_rsa == 2  # MARTIN « en attente » → non
    qtbot.keyClick(wizard, Qt.Key_F, Qt.AltModifier)  # « Fermer »
    qtbot.waitUntil(lambda: not window.findChildren(ImportWizard), timeout=TIMEOUT)  # closed and gone


def test_the_errors_go_to_a_workbook_and_come_back_through_the_wizard(qtbot, window, sqlite_db, monkeypatch,
                                                                       tmp_path):
    wizard = _open_wizard(qtbot, window, monkeypatch, _tracking_workbook(tmp_path, unknown_sex_header=False))
    for expected in (COLUMNS, VALUES, MATCHES):
        _next(qtbot, wizard, expected)
    qtbot.waitUntil(lambda: wizard.analysis is not None, timeout=TIMEOUT)
    _next(qtbot, wizard, REVIEW)
    page = wizard.pages[REVIEW]
    qtbot.waitUntil(lambda: wizard.result is not None and not page.loading, timeout=TIMEOUT)
    assert len(wizard.result.rows_in_error()) == 2  # DURAND's birth date, MARTIN's « en attente »
    target = tmp_path / "erreurs.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.keyClick(wizard, Qt.Key_X, Qt.AltModifier)  # « Exporter les erreurs… »
    qtbot.waitUntil(lambda: "écrites dans « erreurs.xlsx »" in page.status.text(), timeout=TIMEOUT)
    wb = openpyxl.load_workbook(target)
    ws = wb["Suivi 2024"]
    header = [c.value for c in ws[2]]
    ws.cell(row=3, column=header.index("Né(e) le") + 1).value = "15/03/2000"
    ws.cell(row=4, column=header.index("Laisser de côté (oui/non)") + 1).value = "oui"
    wb.save(target)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    qtbot.keyClick(wizard, Qt.Key_R, Qt.AltModifier)  # « Reprendre un classeur corrigé… »
    qtbot.waitUntil(lambda: wizard.result is not None and wizard.result.ok and not page.loading, timeout=TIMEOUT)
    assert wizard.intake.left_out == {("Suivi 2024", 6)}
    corrected, left = page.errors_model.rows  # both still shown: what was done stays visible
    assert (corrected.row, corrected.problems, corrected.corrected) == (5, [], {2})
    assert (left.row, left.left_out) == (6, True)


def test_a_workbook_of_one_sheet_per_month_goes_in_with_each_sheet_s_month(qtbot, window, sqlite_db, monkeypatch,
                                                                            tmp_path):
    wizard = _open_wizard(qtbot, window, monkeypatch, sheet_per_month_workbook(tmp_path / "heures.xlsx"))
    assert [(r.name, r.used, r.header_row) for r in wizard.pages[FILE].sheets_model.rows] == [
        ("Janvier 2024", True, 1), ("Février 2024", True, 1), ("Mars 2024", True, 1), ("Feuil4", True, 3)]
    _next(qtbot, wizard, COLUMNS)
    page = wizard.pages[COLUMNS]
    said = page.missing.text()
    assert "« Mois (mois d'heures) » : aucune colonne" not in said  # not asked for: each sheet says its month
    assert ("Mois des heures, d'après le nom ou le titre de chaque feuille : « Janvier 2024 » 01/2024, "
            "« Février 2024 » 02/2024, « Mars 2024 » 03/2024, « Feuil4 » 04/2024.") in said  # Feuil4: its title
    for expected in (VALUES, MATCHES):
        _next(qtbot, wizard, expected)
    qtbot.waitUntil(lambda: wizard.analysis is not None, timeout=TIMEOUT)
    _next(qtbot, wizard, REVIEW)
    qtbot.waitUntil(lambda: wizard.result is not None and not wizard.pages[REVIEW].loading, timeout=TIMEOUT)
    assert wizard.result.ok and wizard.result.counts["hours_entry"]["new"] == 7
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        qtbot.keyClick(wizard, Qt.Key_I, Qt.AltModifier)  # « Importer »
    qtbot.waitUntil(lambda: wizard.currentId() == DONE, timeout=TIMEOUT)
    figures = indicators(sqlite_db)
    assert figures.hours_realised == TOTAL_HOURS and figures.contracts == 3


def test_a_mapping_exported_from_the_review_opens_on_the_first_step_for_the_next_file(qtbot, window, sqlite_db,
                                                                                     monkeypatch, tmp_path):
    path = _tracking_workbook(tmp_path)
    wizard = _open_wizard(qtbot, window, monkeypatch, path)
    _next(qtbot, wizard, COLUMNS)
    page = wizard.pages[COLUMNS]
    statut = next(i for i, r in enumerate(page.model.rows) if r.header == "Statut")
    _choose(qtbot, page.view, statut, page.model.FIELD, "Sexe")  # a choice the automatic proposal cannot make
    for expected in (VALUES, MATCHES):
        _next(qtbot, wizard, expected)
    qtbot.waitUntil(lambda: wizard.analysis is not None, timeout=TIMEOUT)
    _next(qtbot, wizard, REVIEW)
    review_page = wizard.pages[REVIEW]
    qtbot.waitUntil(lambda: wizard.result is not None and not review_page.loading, timeout=TIMEOUT)
    review_page.save_name.setText("Suivi du PLIE")
    exported = tmp_path / "suivi-du-plie"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(exported), ""))
    qtbot.keyClick(wizard, Qt.Key_C, Qt.AltModifier)  # « Exporter la correspondance… »
    qtbot.waitUntil(lambda: "écrite dans « suivi-du-plie.json »" in review_page.status.text(), timeout=TIMEOUT)
    written = Mapping.from_json((tmp_path / "suivi-du-plie.json").read_text(encoding="utf-8"))
    assert written.name == "Suivi du PLIE"
    assert {c.header: c.target for c in written.sheets[0].columns}["Statut"] == "beneficiary.sex"
    wizard.reject()
    qtbot.waitUntil(lambda: not window.findChildren(ImportWizard), timeout=TIMEOUT)
    with sqlite_db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ImportMapping)) == 0  # nothing was imported nor saved

    # the same layout again: the file opened on the first step brings the choice back
    wizard = _open_wizard(qtbot, window, monkeypatch, path)
    page = wizard.pages[FILE]
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(tmp_path / "suivi-du-plie.json"), ""))
    qtbot.keyClick(wizard, Qt.Key_O, Qt.AltModifier)  # « Ouvrir une correspondance… »
    qtbot.waitUntil(lambda: "ouverte depuis « suivi-du-plie.json »" in page.file_label.text(), timeout=TIMEOUT)
    assert page.mapping_box.currentText().startswith("« Suivi du PLIE »")
    assert wizard.intake.saved_name == "Suivi du PLIE"
    _next(qtbot, wizard, COLUMNS)
    columns = wizard.pages[COLUMNS]
    assert next(r for r in columns.model.rows if r.header == "Statut").target == "beneficiary.sex"

    other = tmp_path / "autre.json"  # a mapping of another layout is refused, the proposal kept
    another_layout = Mapping([SheetMapping("Feuil1", 1, [ColumnMapping(0, "Matricule", None)])], name="Autre")
    other.write_text(another_layout.to_json(), encoding="utf-8")
    wizard.back()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    qtbot.keyClick(wizard, Qt.Key_O, Qt.AltModifier)
    qtbot.waitUntil(lambda: "« Autre » de « autre.json » ne convient pas" in page.file_label.text(), timeout=TIMEOUT)
    assert wizard.intake.saved_name == "Suivi du PLIE"


def test_the_header_row_and_the_sheets_are_corrected_by_keys_on_the_first_step(qtbot, window, monkeypatch, tmp_path):
    path = wide_workbook(tmp_path / "suivi.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Copie").append(["NOM", "PRENOM"])  # a second table, not to import
    wb["Copie"].append(["DURAND", "Léa"])
    wb.save(path)
    wizard = _open_wizard(qtbot, window, monkeypatch, path)
    page = wizard.pages[FILE]
    view = page.sheets

    def header_row_typed(text: str) -> None:
        _focus_cell(qtbot, view, 0, 2)
        qtbot.keyClick(view, Qt.Key_F2)
        editor = QApplication.focusWidget()
        qtbot.keyClick(editor, Qt.Key_A, Qt.ControlModifier)
        keys(qtbot, editor, text)
        qtbot.keyClick(editor, Qt.Key_Return)
        qtbot.waitUntil(lambda: view.state() != view.State.EditingState, timeout=TIMEOUT)

    assert [(r.name, r.used, r.header_row) for r in page.sheets_model.rows] == [("Suivi 2024", True, 4),
                                                                               ("Copie", True, 1)]
    header_row_typed("2")  # a wrong row: the columns are read from « Mis à jour le 05/04/2024 »
    assert wizard.intake.mapping.sheet("Suivi 2024").header_row == 2 and page.preview_model.header_row == 2
    assert [c.header for c in wizard.intake.mapping.sheet("Suivi 2024").columns] == ["Mis à jour le 05/04/2024"]
    header_row_typed("4")
    assert {c.header: c.target for c in wizard.intake.mapping.sheet("Suivi 2024").columns}["NOM"] == \
        "beneficiary.last_name"
    _focus_cell(qtbot, view, 1, 0)
    qtbot.keyClick(view, Qt.Key_Space)  # « Copie » unticked
    assert [s.sheet for s in wizard.intake.mapping.sheets] == ["Suivi 2024"]
    _next(qtbot, wizard, COLUMNS)
    assert [wizard.pages[COLUMNS].sheet_box.itemText(i) for i in range(wizard.pages[COLUMNS].sheet_box.count())] \
        == ["Suivi 2024"]


def test_the_year_of_months_running_over_the_new_year_is_asked_and_said(qtbot, window, monkeypatch, tmp_path):
    wizard = _open_wizard(qtbot, window, monkeypatch, school_year_workbook(tmp_path / "annee.xlsx"))
    _next(qtbot, wizard, COLUMNS)
    page = wizard.pages[COLUMNS]
    assert page.year.isVisible() and "Année des colonnes de mois inconnue" in page.missing.text()
    page.year.setFocus()
    qtbot.keyClick(page.year, Qt.Key_A, Qt.ControlModifier)
    keys(qtbot, page.year, "2023")
    assert wizard.intake.mapping.year == 2023
    assert ("Feuille « Année 2023-2024 » : les mois passent au-delà de décembre : « Janvier » et les colonnes "
            "suivantes sont de 2024.") in page.missing.text()


def test_our_own_workbook_still_opens_the_import_preview(qtbot, window, monkeypatch, tmp_path, small_dataset_file):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(small_dataset_file), ""))
    window.actions_by_text[IMPORT_TEXT].trigger()
    found = []
    qtbot.waitUntil(lambda: bool(found.extend(window.findChildren(ImportPreviewDialog)) or found), timeout=TIMEOUT)
    assert not window.findChildren(ImportWizard)
    found[-1].close()


def test_error_rows_model_keeps_the_file_columns_after_its_own(qtmodeltester):
    model = ErrorsModel(lambda *a: None, lambda *a: None)
    model.show_rows([(0, "NOM"), (2, "Né(e) le")], [])
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())] == [
        "Ligne", "Laisser de côté", "Erreurs", "NOM", "Né(e) le"]
    assert model.view_column(2) == 4 and model.file_column(4) == 2
