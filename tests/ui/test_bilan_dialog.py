"""« Fichier > Bilan pour le comité… » driven from the keyboard (pytest-qt, offscreen): the scope and period
dialog, the command line it stands for, the bilan written in a worker, and « Annuler »."""

import shutil
import subprocess
from datetime import date
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMainWindow, QMessageBox, QProgressDialog, QPushButton

from erbm_desk.cli.commands.bilan import request_of
from erbm_desk.cli.main import build_parser
from erbm_desk.services.reporting.bilan_request import BilanRequest
from erbm_desk.services.reporting.indicators import Period, Scope
from erbm_desk.ui.reporting.bilan_dialog import ACTION_TEXT, install_bilan_action

TIMEOUT = 120_000


@pytest.fixture
def window(qtbot, db, small_dataset):
    w = QMainWindow()
    qtbot.addWidget(w)
    w.db = db
    w.file_menu = w.menuBar().addMenu("&Fichier")
    # The dashboard shows Cité Test B; its choices are not loaded yet (the dialog then loads them in a worker).
    w.dashboard = SimpleNamespace(scope=Scope("cite", small_dataset["cite_b"]), period=Period(), data=None,
                                  choices=None)
    install_bilan_action(w)
    w.show()
    return w


def open_dialog(qtbot, window):
    assert [a.text() for a in window.file_menu.actions()] == [ACTION_TEXT]
    window.bilan_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "bilan_dialog", None) is not None
                    and window.bilan_dialog.isVisible(), timeout=TIMEOUT)
    return window.bilan_dialog


def type_path(qtbot, dialog, path) -> None:
    dialog.path_edit.setFocus()
    dialog.path_edit.selectAll()
    qtbot.keyClick(dialog.path_edit, Qt.Key_Delete)
    qtbot.keyClicks(dialog.path_edit, str(path))


def ok(dialog):
    return dialog.buttons.button(QDialogButtonBox.Ok)


def parse_bilan_argv(argv: list[str]):
    """What `erbm-desk bilan ARGV` asks for, read by the command's own parser and checks."""
    request = request_of(build_parser().parse_args(["bilan", *argv])).check()
    return request.target, request.scope, request.period


def test_the_command_line_and_the_dialog_take_one_road(tmp_path):
    argv = BilanRequest.of(tmp_path / "b.pdf", "epci", "200033748", date(2023, 1, 1), date(2023, 12, 1)).argv()
    assert argv == [str(tmp_path / "b.pdf"), "--epci", "200033748", "--from", "2023-01", "--to", "2023-12"]
    assert parse_bilan_argv(argv) == (tmp_path / "b.pdf", Scope("epci", "200033748"),
                                      Period(date(2023, 1, 1), date(2023, 12, 1)))
    assert parse_bilan_argv([str(tmp_path / "t.pdf")]) == (tmp_path / "t.pdf", Scope(), Period())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) manquant")
def test_scope_and_period_chosen_from_the_keyboard(qtbot, window, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.No)
    dialog = open_dialog(qtbot, window)
    # It opens on what the dashboard shows: Cité Test B, the whole period.
    assert dialog.kind_box.currentText() == "Cité" and dialog.value_box.currentText().startswith("Cité Test B")
    assert dialog.start_box.currentIndex() == 0 and dialog.end_box.currentIndex() == 0
    assert "--cite" in dialog.command.text() and ok(dialog).isEnabled()

    # EPCI CAPH, from the first month with hours to the last, typed: the combo boxes follow the keys.
    qtbot.keyClicks(dialog.kind_box, "E")
    assert dialog.kind_box.currentData() == "epci" and dialog.value_box.isEnabled()
    dialog.value_box.setFocus()
    qtbot.keyClicks(dialog.value_box, "CAPH")
    assert dialog.value_box.currentText().startswith("CAPH")
    qtbot.keyClick(dialog.start_box, Qt.Key_Down)  # the first month with data
    qtbot.keyClick(dialog.end_box, Qt.Key_End)  # the last one
    first, last = dialog.start_box.currentData(), dialog.end_box.currentData()
    assert first is not None and last is not None and first <= last
    type_path(qtbot, dialog, tmp_path / "comite.pdf")
    expected = f"--epci {dialog.value_box.currentData()} --from {first:%Y-%m} --to {last:%Y-%m}"
    assert dialog.command.text().endswith(expected) and dialog.error.text() == ""

    # The end before the start: the command's own message, and no way to confirm.
    qtbot.keyClick(dialog.end_box, Qt.Key_Home)
    qtbot.keyClick(dialog.end_box, Qt.Key_Down)
    if dialog.end_box.currentData() < first:
        assert "précède" in dialog.error.text() and not ok(dialog).isEnabled()
    qtbot.keyClick(dialog.end_box, Qt.Key_End)
    # Not a PDF: refused the same way as `erbm-desk bilan x.txt`.
    type_path(qtbot, dialog, tmp_path / "comite.txt")
    assert ".pdf" in dialog.error.text() and not ok(dialog).isEnabled()
    type_path(qtbot, dialog, tmp_path / "comite.pdf")
    assert ok(dialog).isEnabled()

    qtbot.keyClick(dialog, Qt.Key_Return)  # « Écrire le bilan » is the default button
    qtbot.waitUntil(lambda: bool(asked), timeout=TIMEOUT)
    pdf = tmp_path / "comite.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and "Bilan écrit" in asked[0]
    assert "comite.pdf" in window.statusBar().currentMessage()
    first_page = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                                check=True).stdout
    assert "EPCI : Communauté d'agglomération de la Porte du Hainaut (CAPH)" in first_page
    from erbm_desk.charts.style import fr_month

    assert f"Période : de {fr_month(first)} à {fr_month(last)}" in first_page


def test_cancel_keeps_the_previous_file(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "comite.pdf"
    target.write_bytes(b"previous")
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.kind_box, "T")  # Territoire ERBM: the longest bilan
    assert dialog.kind_box.currentData() == "territory" and not dialog.value_box.isEnabled()
    type_path(qtbot, dialog, target)
    qtbot.keyClick(dialog, Qt.Key_Return)
    progress = window.findChildren(QProgressDialog)
    assert progress, "a progress dialog follows the job"
    cancel = next(b for b in progress[-1].findChildren(QPushButton) if b.text() == "Annuler")
    cancel.click()
    qtbot.waitUntil(lambda: "annulé" in window.statusBar().currentMessage(), timeout=TIMEOUT)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in folder.iterdir()] == ["comite.pdf"]  # no temporary file left behind


def test_escape_closes_without_writing(qtbot, window, tmp_path):
    dialog = open_dialog(qtbot, window)
    type_path(qtbot, dialog, tmp_path / "x.pdf")
    qtbot.keyClick(dialog, Qt.Key_Escape)
    assert not dialog.isVisible() and dialog.request is None
    qtbot.wait(100)
    assert not (tmp_path / "x.pdf").exists()


def test_opening_the_bilan_without_a_pdf_reader_says_so(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)  # « L'ouvrir maintenant ? » Oui
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)  # no application for PDF files
    dialog = open_dialog(qtbot, window)
    type_path(qtbot, dialog, tmp_path / "comite.pdf")
    qtbot.keyClick(dialog, Qt.Key_Return)

    def told():
        return [box for box in window.findChildren(QMessageBox) if box.isVisible()]

    qtbot.waitUntil(lambda: bool(told()), timeout=TIMEOUT)
    text = told()[0].text()
    assert "Aucune application" in text and "comite.pdf" in text and str(tmp_path) in text
