"""« Sauvegarder une copie… » and « Restaurer une sauvegarde… » driven as a user would, on a plain window."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from erbm_desk.services.backup import copies
from erbm_desk.services.backup import listing
from erbm_desk.services.backup import location
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.reporting.indicators import compute_indicators
from erbm_desk.services.records.writes import delete_record
from erbm_desk.ui.backup.backup_actions import install_backup_actions
from erbm_desk.ui.database.gateway import gateway_for
from tests.fixtures import build_small_dataset


@pytest.fixture
def sdb(tmp_path):
    database = open_database(str(tmp_path / "plie.sqlite"))
    with database.session() as s:
        database.ids = build_small_dataset(s)
    yield database
    database.close()


def _window(qtbot, db) -> QMainWindow:
    window = QMainWindow()
    window.file_menu = window.menuBar().addMenu("&Fichier")
    window.db = db
    window.restores = 0
    window.after_restore = lambda: setattr(window, "restores", window.restores + 1)
    qtbot.addWidget(window)
    window.show()
    return window


def _click(box: QMessageBox, text: str) -> None:
    for button in box.buttons():
        if button.text() == text:
            button.click()
            return
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")


def test_the_actions_are_in_the_file_menu(qtbot, sdb):
    window = _window(qtbot, sdb)
    install_backup_actions(window)
    texts = [a.text() for a in window.file_menu.actions()]
    assert texts == ["Sauvegarder une copie…", "Restaurer une sauvegarde…"]
    assert all(a.isEnabled() for a in window.file_menu.actions())


def test_save_a_copy_where_the_user_says(qtbot, sdb, tmp_path, monkeypatch):
    window = _window(qtbot, sdb)
    actions = install_backup_actions(window)
    dest = tmp_path / "ma copie"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(dest), ""))
    actions.save_action.trigger()
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible(), timeout=10_000)
    assert actions.last_box.text() == f"Copie enregistrée : {dest}.sqlite"
    assert "4 bénéficiaires, 4 contrats" in actions.last_box.informativeText()
    assert listing.read_backup_info(f"{dest}.sqlite").counts["hours_entry"] == 6
    actions.last_box.close()


def test_restore_lists_the_backups_asks_and_restores(qtbot, sdb):
    with sdb.session() as s:
        saved_indicators = compute_indicators(s).to_json()
    saved = copies.backup_database(sdb, "demarrage")
    with sdb.session() as s:
        delete_record(s, "beneficiary", sdb.ids["p1"])
    assert sdb.counts()["beneficiary"] == 3
    window = _window(qtbot, sdb)
    actions = install_backup_actions(window)

    actions.restore_action.trigger()
    dialog = actions.dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert dialog.table.item(0, 0).text() == saved.date_label
    assert dialog.table.item(0, 1).text() == "au démarrage"
    assert "4 bénéficiaires" in dialog.table.item(0, 2).text()
    assert dialog.restore_button.isEnabled()

    dialog.restore_button.click()  # first: the user says no
    question = dialog.last_box
    assert "Remplacer toutes les données actuelles" in question.text()
    assert "L'état actuel sera d'abord sauvegardé" in question.informativeText()
    _click(question, "Annuler")
    gateway = gateway_for(sdb)
    qtbot.waitUntil(lambda: not gateway.busy, timeout=10_000)  # whatever was asked of it is over
    assert gateway.pending_writes == 0
    assert sdb.counts()["beneficiary"] == 3 and window.restores == 0

    dialog.restore_button.click()  # then yes
    _click(dialog.last_box, "Restaurer")
    qtbot.waitUntil(lambda: window.restores == 1, timeout=20_000)
    assert sdb.counts()["beneficiary"] == 4
    with sdb.session() as s:
        assert compute_indicators(s).to_json() == saved_indicators
    box = dialog.last_box
    assert "a été restaurée" in box.text() and "L'état remplacé a été sauvegardé" in box.informativeText()
    box.close()
    reasons = [b.reason for b in listing.list_backups(sdb)]
    assert reasons == ["avant-restauration", "demarrage"]


def test_restore_from_another_file_and_a_failure_is_a_message(qtbot, sdb, tmp_path, monkeypatch):
    window = _window(qtbot, sdb)
    actions = install_backup_actions(window)
    dialog = actions.open_restore_dialog()
    qtbot.waitUntil(lambda: "Aucune sauvegarde" in dialog.status.text(), timeout=10_000)
    broken = tmp_path / "pas une base.sqlite"
    broken.write_bytes(b"\0" * 8192)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(broken), ""))
    dialog.other_button.click()
    qtbot.waitUntil(lambda: dialog.last_box is not None, timeout=10_000)
    assert "n'est pas une base lisible" in dialog.last_box.text()
    dialog.last_box.close()

    copy = copies.save_copy(sdb, tmp_path / "copie.sqlite")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(copy.path), ""))
    dialog.other_button.click()
    qtbot.waitUntil(lambda: dialog.last_box is not None and dialog.last_box.isVisible()
                    and "Remplacer" in dialog.last_box.text(), timeout=10_000)
    _click(dialog.last_box, "Restaurer")
    qtbot.waitUntil(lambda: window.restores == 1, timeout=20_000)


def test_change_the_backup_folder_from_the_dialog(qtbot, sdb, tmp_path, monkeypatch):
    window = _window(qtbot, sdb)
    actions = install_backup_actions(window)
    elsewhere = tmp_path / "Sauvegardes ERBM"
    elsewhere.mkdir()
    location.set_backup_root(elsewhere)
    copies.backup_database(sdb, "manuelle")
    location.set_backup_root(None)
    dialog = actions.open_restore_dialog()
    qtbot.waitUntil(lambda: "Aucune sauvegarde" in dialog.status.text(), timeout=10_000)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(elsewhere))
    dialog.folder_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert str(elsewhere) in dialog.folder_label.text()


def test_read_only_and_server_databases_disable_what_cannot_work(qtbot, sdb, pg_target):
    ro = open_database(str(sdb.path), read_only=True)
    try:
        actions = install_backup_actions(_window(qtbot, ro))
        assert actions.save_action.isEnabled() and not actions.restore_action.isEnabled()
    finally:
        ro.close()
    pg = open_database(pg_target)
    try:
        actions = install_backup_actions(_window(qtbot, pg))
        assert not actions.save_action.isEnabled() and not actions.restore_action.isEnabled()
        assert "PostgreSQL" in actions.save_action.statusTip()
    finally:
        pg.close()
