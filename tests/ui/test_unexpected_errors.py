"""An error nobody foresaw, in a job of the window or at the opening of a database: the user reads one French
line that names the folder of the log file, the log file holds the traceback, and the window goes on."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QMainWindow

from erbm_desk.services import error_log
from erbm_desk.ui.dashboard import dashboard_page
from erbm_desk.ui.dashboard.dashboard_page import DashboardPage
from erbm_desk.ui.database.opening_dialogue import open_database_interactively
from erbm_desk.ui.database.workers import install_excepthook, run_job

TIMEOUT = 30_000


@pytest.fixture
def log_dir(tmp_path, monkeypatch):
    folder = tmp_path / "journal"
    monkeypatch.setenv(error_log.LOG_DIR_ENV, str(folder))
    return folder


def _logged(folder) -> str:
    path = folder / error_log.LOG_NAME
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _one_french_line_naming(message: str, folder) -> None:
    assert "Erreur inattendue" in message
    assert str(folder) in message
    assert "\n" not in message and "Traceback" not in message and "boom interne" not in message


def test_an_unexpected_error_in_a_job_is_one_french_line_and_its_traceback_goes_to_the_log(
        qtbot, db, small_dataset, log_dir, monkeypatch):
    page = DashboardPage(db)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.data is not None and page.status.text() == "", timeout=TIMEOUT)
    computed = dashboard_page._compute

    def broken(*args):
        raise RuntimeError("boom interne")

    monkeypatch.setattr(dashboard_page, "_compute", broken)
    with qtbot.waitSignal(page.failed, timeout=TIMEOUT) as said:
        page.refresh()
    _one_french_line_naming(said.args[0], log_dir)
    assert page.status.text() == said.args[0]
    long_line = said.args[0] + " " + "x" * 200  # a log folder deep in a user's profile gives long lines
    page.status.setText(long_line)
    page.layout().activate()
    assert page.minimumSizeHint().width() < 1366, "a long line must not widen the page past a laptop screen"
    page.status.setText(said.args[0])
    logged = _logged(log_dir)
    assert "Traceback (most recent call last)" in logged and "RuntimeError: boom interne" in logged
    assert "in broken" in logged

    monkeypatch.setattr(dashboard_page, "_compute", computed)  # the window goes on: the next refresh works
    with qtbot.waitSignal(page.updated, timeout=TIMEOUT):
        page.refresh()
    assert page.status.text() == ""


def test_an_app_refusal_in_a_job_stays_as_the_app_words_it(qtbot, log_dir):
    from erbm_desk.services.records.writes import RecordInvalid

    errors = []

    def refuse(_progress):
        raise RecordInvalid({"last_name": "Le nom est obligatoire."})

    run_job(refuse, lambda _result: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=TIMEOUT)
    assert isinstance(errors[0], RecordInvalid) and str(errors[0]) == "Le nom est obligatoire."
    assert _logged(log_dir) == ""


def test_an_unexpected_error_at_the_opening_is_one_french_line_and_the_details_go_to_the_log(
        qtbot, tmp_path, log_dir, monkeypatch):
    from erbm_desk.services.database import opening

    def broken(*args, **kwargs):
        raise RuntimeError("boom interne")

    monkeypatch.setattr(opening, "open_database", broken)
    outcome, told = [], []
    open_database_interactively(str(tmp_path / "plie.sqlite"), then=outcome.append,
                                ask=lambda *a: pytest.fail("no question for an unexpected error"),
                                tell=lambda level, text: told.append((level, text)))
    qtbot.waitUntil(lambda: bool(outcome), timeout=TIMEOUT)
    assert outcome == [None]
    assert len(told) == 1 and told[0][0] == "error"
    _one_french_line_naming(told[0][1], log_dir)
    assert "l'ouverture de la base" in told[0][1]
    assert "RuntimeError: boom interne" in _logged(log_dir)


def test_a_job_without_error_handler_says_its_error_in_the_status_bar_not_as_a_traceback(qtbot, log_dir):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()

    def broken(_progress):
        raise KeyError("boom interne")

    run_job(broken, lambda _result: None)  # an exception raised in the slot would fail this test (pytest-qt)
    qtbot.waitUntil(lambda: "Erreur inattendue" in window.statusBar().currentMessage(), timeout=TIMEOUT)
    _one_french_line_naming(window.statusBar().currentMessage(), log_dir)
    assert "KeyError: 'boom interne'" in _logged(log_dir)


def test_an_error_no_slot_caught_is_said_and_logged_and_the_window_goes_on(qtbot, log_dir, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook()
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    try:
        raise ZeroDivisionError("boom interne")
    except ZeroDivisionError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: "Erreur inattendue" in window.statusBar().currentMessage(), timeout=TIMEOUT)
    _one_french_line_naming(window.statusBar().currentMessage(), log_dir)
    assert "ZeroDivisionError: boom interne" in _logged(log_dir)
    assert window.isVisible()


def test_the_details_are_written_without_the_markers_that_are_not_thread_safe():
    try:
        {}["absent"]
    except KeyError as exc:
        text = error_log.details(exc)
    assert text.startswith("Traceback (most recent call last)") and "KeyError: 'absent'" in text
    assert "^" not in text


def test_a_library_value_error_is_unexpected_and_the_apps_own_is_a_refusal(log_dir):
    from datetime import datetime

    try:
        datetime.strptime("31/02/2026", "%d/%m/%Y")  # English, from the standard library
    except ValueError as exc:
        said = error_log.for_user(exc)
    assert isinstance(said, error_log.UnexpectedError) and "Erreur inattendue" in str(said)
    try:
        raise ValueError("La date de fin précède la date de début.")
    except ValueError as exc:
        assert error_log.for_user(exc) is exc
