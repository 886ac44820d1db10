"""Fichier (save a copy, open, recent databases), Aide > À propos, and the main-thread block logger."""

from __future__ import annotations

import logging
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

from erbm_desk import __version__
from erbm_desk.ui.window.about import about_text
from erbm_desk.ui.window.block_watch import BlockWatcher
from erbm_desk.ui.common.window_state import recent_databases, settings
from tests.ui.helpers import TIMEOUT, go_to, open_window


def menu_action(window, menu, text: str):
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def test_the_title_and_status_bar_name_the_database_and_count_its_records(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    qtbot.waitUntil(lambda: "bénéficiaires" in window.windowTitle(), timeout=TIMEOUT)
    assert window.windowTitle().startswith(f"{db.label} (")
    assert "4 bénéficiaires, 4 contrats" in window.windowTitle()
    assert "4 contrats · 6 mois d'heures" in window.counts_label.text()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_open_another_database_then_find_it_in_the_recent_ones(qtbot, db, small_dataset, tmp_path, monkeypatch):
    from erbm_desk.services.database.opening import open_database

    other_path = tmp_path / "autre.sqlite"
    open_database(str(other_path)).close()
    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "beneficiary")
    assert len(page.model.ids) == 4
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other_path), ""))
    with qtbot.waitSignal(window.database_changed, timeout=TIMEOUT):
        menu_action(window, window.file_menu, "Ouvrir…").trigger()
    assert window.db.path == other_path
    assert window.windowTitle().startswith("autre.sqlite")
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: not page.model.loading, timeout=TIMEOUT)
    assert page.model.ids == []  # the pages show the new database
    assert recent_databases()[:2] == [str(other_path), str(db.path)]
    window.files._fill_recent()  # the menu offers the other databases, not the one open
    assert str(db.path) in [a.toolTip() for a in window.files.recent.actions()]
    assert str(other_path) not in [a.toolTip() for a in window.files.recent.actions()]
    assert not window.undo_group.canUndo()


def test_about_names_the_version():
    text = about_text("/tmp/x.sqlite")
    assert f"ERBM Desk {__version__}" in text and "/tmp/x.sqlite" in text


def test_a_blocked_main_thread_is_logged(qtbot, caplog):
    watcher = BlockWatcher(threshold_ms=200, interval_ms=20).start()
    caplog.set_level(logging.WARNING, logger="erbm_desk.blocks")
    QTimer.singleShot(50, lambda: time.sleep(0.35))  # something slow on the UI thread
    qtbot.waitUntil(lambda: bool(watcher.blocks), timeout=3000)
    watcher.stop()
    assert watcher.blocks[0] > 0.2
    assert "Fil principal bloqué pendant" in caplog.text


def test_the_features_add_their_actions_to_fichier_before_quitter(qtbot, db):
    from erbm_desk.ui.window.features import FEATURES

    window = open_window(qtbot, db)
    with qtbot.waitSignal(window.features_installed, timeout=TIMEOUT):
        pass
    texts = [a.text().replace("&", "") for a in window.file_menu.actions() if a.text()]
    assert texts[:4] == ["Nouvelle base…", "Ouvrir…", "Ouvrir une base partagée (PostgreSQL)…", "Bases récentes"]
    assert "Sauvegarder une copie…" in texts  # one way to copy the base: the backups' (rotation, check)
    assert texts[-1] == "Quitter"
    if any(m.endswith("excel_actions") for m, _ in FEATURES):
        assert "Exporter vers Excel…" in texts


def test_window_size_page_and_splitters_are_remembered(qtbot, db):
    from erbm_desk.ui.window.main_window import MainWindow

    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "contract")
    window.resize(1111, 777)
    page.split.setSizes([300, 700])
    page.split.splitterMoved.emit(300, 1)  # what dragging the handle sends
    window.close()

    saved = settings().value("geometry/main")
    assert saved is not None and saved == window.saveGeometry()

    again = MainWindow(db)  # opens where the user left it (the offscreen screen is too small to check the size)
    qtbot.addWidget(again)
    again.show()
    page = again.stack.currentWidget()
    assert page is again.page("contract")
    table, side = page.split.sizes()
    assert table / (table + side) < 0.45  # the list narrowed as the user left it (the default gives it 58 %)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_open_a_shared_postgresql_database_by_its_address(qtbot, db, small_dataset, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from erbm_desk.services.database.opening import open_database

    local = open_database(str(tmp_path / "locale.sqlite"))
    window = open_window(qtbot, local)
    server_url = db.engine.url.render_as_string(hide_password=False)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (server_url, True))
    # Shared mode always asks for a sign-in (tested in tests/security); here: the address opens the server's base.
    monkeypatch.setattr("erbm_desk.ui.security.login_dialog.ensure_signed_in", lambda db, parent, then: then(True))
    menu_action(window, window.file_menu, "Ouvrir une base partagée (PostgreSQL)…").trigger()
    qtbot.waitUntil(lambda: window.db.engine.dialect.name == "postgresql", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "4 bénéficiaires" in window.windowTitle(), timeout=TIMEOUT)
