"""Start-up: the window's frame shows before the database opens, then fills; opening goes through one code path
(ui/database/opening.py) that makes the first attempt in a worker and asks its questions over the window."""

from __future__ import annotations

from erbm_desk.services.database.opening import open_database
from erbm_desk.ui.common.window_state import settings
from erbm_desk.ui.database import opening_dialogue as backup_startup
from erbm_desk.ui.database.opening import open_for_window
from erbm_desk.ui.security.login_dialog import ensure_signed_in
from erbm_desk.ui.window.main_window import MainWindow
from erbm_desk.ui.window.page_factory import is_list_page

TIMEOUT = 15_000


def test_the_frame_shows_before_a_database_then_fills(qtbot, tmp_path):
    settings().setValue("window/page", "dashboard")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_opening(str(tmp_path / "plie.sqlite"))
    window.show()
    qtbot.waitExposed(window)
    assert window.db is None and window.ws is None
    assert window.busy.isVisible()
    assert "Ouverture de la base « plie.sqlite »" in window.statusBar().currentMessage()
    assert not any(a.isEnabled() for a in window.record_actions.values())
    assert window.show_page("cite") is None  # chosen while opening: remembered, shown once open
    assert window.sidebar.currentRow() == 1
    assert window.stack.pages == {}

    db = open_database(str(tmp_path / "plie.sqlite"))
    with qtbot.waitSignal(window.features_installed, timeout=TIMEOUT):
        window.set_database(db)
    assert window.db is db and not window.busy.isVisible()
    assert window.stack.current_key() == "cite" and is_list_page(window.stack.currentWidget())
    assert window.file_menu.actions()[-1].text() == "&Quitter"
    qtbot.waitUntil(lambda: "plie" in window.counts_label.text(), timeout=TIMEOUT)
    window.close()


def test_opening_for_the_window_asks_its_questions_on_the_ui_thread(qtbot, tmp_path, monkeypatch):
    told = []
    monkeypatch.setattr(backup_startup, "_box_tell", lambda parent: lambda level, text: told.append((level, text)))
    window = MainWindow()
    qtbot.addWidget(window)
    outcome = []

    bad = tmp_path / "pas-une-base.sqlite"
    bad.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    open_for_window(window, str(bad), outcome.append, lambda code: outcome.append(("declined", code)),
                    sign_in=ensure_signed_in)
    qtbot.waitUntil(lambda: bool(outcome), timeout=TIMEOUT)
    assert outcome == [("declined", 1)] and told and told[0][0] == "error"

    outcome.clear()
    good = tmp_path / "neuve.sqlite"
    open_for_window(window, str(good), outcome.append, lambda code: outcome.append(("declined", code)),
                    sign_in=ensure_signed_in, create=True)
    qtbot.waitUntil(lambda: bool(outcome), timeout=TIMEOUT)
    db = outcome[0]
    assert db.path == good
    db.close()
