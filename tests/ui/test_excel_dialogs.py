"""The Excel actions of the Fichier menu, driven as a user would: export dialog, import preview (counts, errors,
conflicts) that writes only on confirm, hours statement; on a plain window with `file_menu` and `db`, told of what
its database's gateway writes as the main window is (`data_changed`)."""

from __future__ import annotations


import openpyxl
import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMainWindow, QMessageBox
from sqlalchemy import func, select

from erbm_desk.db.models import Beneficiary, Cite, HoursEntry
from erbm_desk.services.records.writes import save_record
from erbm_desk.ui.database.gateway import gateway_for
from erbm_desk.ui.exchange.excel_actions import EXPORT_TEXT, IMPORT_TEXT, RELEVE_TEXT, install_excel_actions
from erbm_desk.ui.exchange.export_dialog import ExportDialog, start_export
from erbm_desk.ui.exchange.import_dialog import ImportPreviewDialog
from erbm_desk.ui.exchange.releve_dialog import ReleveDialog
from tests.services.test_excel_support import export, fresh_db, sheet_dicts, workbook_values

TIMEOUT = 20_000


class Window(QMainWindow):
    data_changed = Signal(object)

    def __init__(self, db):
        super().__init__()
        self.use(db)
        self.file_menu = self.menuBar().addMenu("&Fichier")
        self.actions_by_text = {a.text(): a for a in install_excel_actions(self)}

    def use(self, db) -> None:
        """Work on `db`, and hear what its gateway writes, as the main window does."""
        self.db = db
        gateway_for(db).changed.connect(self.data_changed)


@pytest.fixture
def window(qtbot, db, small_dataset):
    if not db.url.startswith("sqlite"):
        pytest.skip("the dialogs are checked once, on SQLite")
    w = Window(db)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def _dialog(qtbot, window, cls):
    found = []
    qtbot.waitUntil(lambda: bool(found.extend(window.findChildren(cls)) or found), timeout=TIMEOUT)
    return found[-1]


def _message(qtbot, window) -> str:
    boxes = []
    qtbot.waitUntil(lambda: bool(boxes.extend(b for b in window.findChildren(QMessageBox) if b.isVisible())
                                 or boxes), timeout=TIMEOUT)
    text = boxes[-1].text()
    for box in boxes:
        box.close()
    return text


def test_the_menu_has_the_three_actions(window):
    assert [a.text() for a in window.file_menu.actions() if a.text()] == [EXPORT_TEXT, IMPORT_TEXT, RELEVE_TEXT]


def test_export_dialog_writes_an_anonymous_workbook_of_the_chosen_scope(qtbot, window, tmp_path):
    window.actions_by_text[EXPORT_TEXT].trigger()
    dialog = _dialog(qtbot, window, ExportDialog)
    qtbot.waitUntil(lambda: bool(dialog.choices), timeout=TIMEOUT)
    assert not dialog.nominative.isChecked()  # anonymous by default
    dialog.scope_kind.setCurrentIndex(2)  # « Une cité »
    dialog.scope_value.setCurrentIndex(dialog.scope_value.findData("Cité Test A"))  # its name, never an id
    dialog.whole_time.setChecked(False)
    for edit, month in ((dialog.start, "01/2022"), (dialog.end, "12/2022")):
        edit.setFocus()
        edit.selectAll()
        qtbot.keyClicks(edit, month)
    dialog.organisation.setText("PLIE de Lens")
    target = tmp_path / "comite"
    dialog.file.edit.setText(str(target))
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert "Classeur anonyme enregistré : comite.xlsx" in _message(qtbot, window)
    path = target.with_suffix(".xlsx")
    assert [r["Nom de la cité"] for r in sheet_dicts(path, "Cités")] == ["Cité Test A"]
    assert "Nom" not in workbook_values(path)["Bénéficiaires"][0]
    assert {r["Mois"].year for r in sheet_dicts(path, "Heures")} == {2022}


def _preview_into_empty_database(qtbot, window, tmp_path, monkeypatch):
    """Export the window's data, switch the window to an empty database, and open the import preview of the
    export through Fichier > Importer…: (the empty database, the preview dialog)."""
    source = export(window.db, tmp_path / "source.xlsx", anonymous=False)
    empty = fresh_db(tmp_path, "empty")
    window.use(empty)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), XLSX))
    window.actions_by_text[IMPORT_TEXT].trigger()
    return empty, _dialog(qtbot, window, ImportPreviewDialog)


def test_import_shows_a_preview_and_writes_only_on_confirm(qtbot, window, tmp_path, monkeypatch):
    empty, preview = _preview_into_empty_database(qtbot, window, tmp_path, monkeypatch)
    counts = {preview.counts.item(r, 0).text(): preview.counts.item(r, 1).text()
              for r in range(preview.counts.rowCount())}
    assert counts["Bénéficiaires"] == "4" and counts["Heures"] == "6"
    assert preview.import_button.isEnabled()
    with empty.session() as s:
        assert s.scalar(select(func.count()).select_from(Beneficiary)) == 0  # nothing written yet
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT) as announced:
        qtbot.mouseClick(preview.import_button, Qt.LeftButton)
    assert "Import terminé" in _message(qtbot, window)
    # the records written in bulk are announced: the lists, counts and « À faire » showing them refresh
    assert all(announced.args[0].touches(e) for e in ("cite", "beneficiary", "contract", "hours_entry"))
    with empty.session() as s:
        assert s.scalar(select(func.count()).select_from(Beneficiary)) == 4
        assert s.scalar(select(func.count()).select_from(HoursEntry)) == 6
    empty.close()


def test_cancelling_the_preview_writes_nothing(qtbot, window, tmp_path, monkeypatch):
    empty, preview = _preview_into_empty_database(qtbot, window, tmp_path, monkeypatch)
    preview.reject()
    gateway = gateway_for(empty)
    qtbot.waitUntil(lambda: not gateway.busy, timeout=TIMEOUT)  # whatever was asked of it is over
    assert gateway.pending_writes == 0
    with empty.session() as s:
        assert s.scalar(select(func.count()).select_from(Beneficiary)) == 0
    empty.close()


def test_errors_are_listed_and_block_the_import(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "faux.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cités"
    ws.append(["Nom de la cité", "Commune"])
    ws.append(["Cité Bis", "Atlantis"])
    wb.save(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), XLSX))
    window.actions_by_text[IMPORT_TEXT].trigger()
    preview = _dialog(qtbot, window, ImportPreviewDialog)
    row = [preview.problems.item(0, j).text() for j in range(4)]
    assert row[:3] == ["Cités", "2", "« Commune » (B)"] and "Atlantis" in row[3]
    assert not preview.import_button.isEnabled() and "1 erreur" in preview.status.text()


def test_conflicts_must_be_settled_before_importing(qtbot, window, tmp_path, monkeypatch):
    path = export(window.db, tmp_path / "x.xlsx", anonymous=False)
    wb = openpyxl.load_workbook(path)
    ws = wb["Cités"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("Nom de la cité")].value == "Cité Test A":
            row[header.index("Logements")].value = 61  # edited in the spreadsheet
    wb.save(path)
    with window.db.session() as s:  # and here, after the export
        cite = s.scalar(select(Cite.id).where(Cite.name == "Cité Test A"))
        save_record(s, "cite", {"homes": 62}, cite)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), XLSX))
    window.actions_by_text[IMPORT_TEXT].trigger()
    preview = _dialog(qtbot, window, ImportPreviewDialog)
    assert preview.conflicts.rowCount() == 1
    assert preview.conflicts.item(0, 3).text() == "Logements : 62"
    assert preview.conflicts.item(0, 4).text() == "Logements : 61"
    assert not preview.import_button.isEnabled()
    preview.choice_boxes[0].setCurrentIndex(2)  # « Prendre celle du fichier »
    assert preview.import_button.isEnabled() and preview.plan.conflicts[0].choice == "file"
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT):
        qtbot.mouseClick(preview.import_button, Qt.LeftButton)
    _message(qtbot, window)
    with window.db.session() as s:
        assert s.scalar(select(Cite.homes).where(Cite.id == cite)) == 61


def test_releve_dialog_writes_the_statement(qtbot, window, tmp_path):
    window.actions_by_text[RELEVE_TEXT].trigger()
    dialog = _dialog(qtbot, window, ReleveDialog)
    qtbot.waitUntil(lambda: dialog.company.count() == 2, timeout=TIMEOUT)
    dialog.company.setCurrentIndex(dialog.company.findData("73282932000074"))
    dialog.month.setFocus()
    dialog.month.selectAll()
    qtbot.keyClicks(dialog.month, "03/2023")
    dialog.file.edit.setText(str(tmp_path / "releve.xlsx"))
    dialog.accept()
    assert "Relevé d'heures de Bâtiment Gohelle pour 03/2023" in _message(qtbot, window)
    ws = openpyxl.load_workbook(tmp_path / "releve.xlsx").active
    assert ws["B3"].value == "73282932000074"


def test_a_cancelled_export_writes_no_file(qtbot, window, tmp_path):
    from erbm_desk.services.exchange import ExportOptions

    results = []
    job = start_export(window, window.db, tmp_path / "x.xlsx", ExportOptions(), on_done=results.append)
    job.progress.cancel()
    qtbot.waitUntil(lambda: bool(results), timeout=TIMEOUT)
    assert "annulé" in _message(qtbot, window)
    assert not (tmp_path / "x.xlsx").exists()


XLSX = "Classeur Excel (*.xlsx)"



def test_the_releve_file_name_follows_the_month_chosen_in_a_month_picker(qtbot, window):
    window.actions_by_text[RELEVE_TEXT].trigger()
    dialog = _dialog(qtbot, window, ReleveDialog)
    dialog.month.setFocus()
    qtbot.keyClick(dialog.month, Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClicks(dialog.month, "11/2026")
    assert dialog.file.edit.text().endswith("releve-heures-2026-11.xlsx")
    qtbot.keyClick(dialog.month, Qt.Key_Down, Qt.AltModifier)  # the month is chosen among months, not days
    picker = dialog.month.popup
    qtbot.waitUntil(picker.isVisible)
    assert picker.year_label.text() == "2026" and [b.text() for b in picker.buttons][10:] == ["nov.", "déc."]
    qtbot.mouseClick(picker.buttons[1], Qt.LeftButton)
    assert dialog.month.text() == "02/2026" and dialog.file.edit.text().endswith("releve-heures-2026-02.xlsx")
    dialog.file.edit.setText("/tmp/mon-releve.xlsx")  # a name of the user's own stays
    dialog.month.setFocus()
    qtbot.keyClick(dialog.month, Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClicks(dialog.month, "13/2026")
    assert dialog.file.edit.text() == "/tmp/mon-releve.xlsx"
    assert dialog.problem.text() == "Le mois 13/2026 n'existe pas."
    assert not dialog.buttons.button(QDialogButtonBox.Ok).isEnabled()
