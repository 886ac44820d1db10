"""At start-up, while the database opens, the dashboard's tiles and sentence from the figures stored in the file;
the real page takes their place once it is open."""

from PySide6.QtWidgets import QLabel

from erbm_desk.services.database.demo import generate_demo
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.reporting.report_cache import territory_dashboard
from erbm_desk.ui.dashboard.startup_preview import StoredFiguresView, preview_stored_figures
from erbm_desk.ui.window.main_window import MainWindow

NB = "\u00a0"


def _base_with_stored_figures(tmp_path):
    """A small demo base whose territory figures were computed once and stored in the file (as the dashboard does
    once shown); returns its path and the sentence of those figures."""
    path = tmp_path / "base.sqlite"
    db = open_database(str(path))
    with db.session() as s:
        generate_demo(s, seed=3, scale=0.03)
    with db.sessions() as s:
        sentence = territory_dashboard(s).indicators.sentence
    db.close()
    return path, sentence


def _window_opening(qtbot, path) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_opening(str(path))
    window.show()
    return window


def test_stored_figures_shown_while_the_database_opens(qtbot, tmp_path):
    path, sentence = _base_with_stored_figures(tmp_path)
    window = _window_opening(qtbot, path)
    shown = []
    preview_stored_figures(window, str(path), lambda: shown.append(True))
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    view = window.stack.currentWidget()
    assert isinstance(view, StoredFiguresView)
    assert view.sentence.text() == f"« {sentence} »"
    assert view.tiles.tiles["hours"].value.text().endswith(" h")
    page = QLabel("la vraie page")
    window.stack.addWidget(page)
    window.stack.setCurrentWidget(page)  # what showing the opened database's dashboard does
    qtbot.waitUntil(lambda: view not in [window.stack.widget(i) for i in range(window.stack.count())])


def test_the_dashboard_keeps_the_stored_figures_until_its_own_are_computed(qtbot, tmp_path):
    from erbm_desk.ui.dashboard.dashboard_page import DashboardPage

    path, _sentence = _base_with_stored_figures(tmp_path)
    window = _window_opening(qtbot, path)
    shown = []
    preview_stored_figures(window, str(path), lambda: shown.append(True))
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    preview = window.stack.currentWidget()
    stored = {key: tile.value.text() for key, tile in preview.tiles.tiles.items()}
    db = open_database(str(path))
    page = DashboardPage(db, window)
    on_arrival = {}
    window.stack.currentChanged.connect(
        lambda _i: on_arrival.update({key: tile.value.text() for key, tile in page.tiles.tiles.items()}))
    window.stack.addWidget(page)
    window.stack.setCurrentWidget(page)  # the database is open: the real dashboard takes the preview's place
    assert on_arrival == stored  # no blank « — » tiles while it computes its own
    assert page.sentence.text() == preview.sentence.text()
    page.refresh()
    qtbot.waitUntil(lambda: page.data is not None, timeout=20_000)
    assert {key: tile.value.text() for key, tile in page.tiles.tiles.items()} == stored
    page.close()
    db.close()


def test_the_database_starts_opening_once_the_stored_figures_are_on_screen(qtbot, tmp_path):
    """The two at once would share the interpreter: the figures came later and the database no sooner."""
    path, _sentence = _base_with_stored_figures(tmp_path)
    window = _window_opening(qtbot, path)
    order = []
    preview_stored_figures(window, str(path), lambda: order.append("chiffres"), lambda: order.append("ouverture"))
    qtbot.waitUntil(lambda: "ouverture" in order, timeout=20_000)
    assert order == ["chiffres", "ouverture"]
    assert isinstance(window.stack.currentWidget(), StoredFiguresView)


def test_without_stored_figures_the_database_opens_at_once(qtbot, tmp_path):
    missing = str(tmp_path / "nouvelle.sqlite")
    window = _window_opening(qtbot, missing)
    order = []
    preview_stored_figures(window, missing, lambda: order.append("chiffres"), lambda: order.append("ouverture"))
    qtbot.waitUntil(lambda: "ouverture" in order, timeout=20_000)
    assert order == ["ouverture"]
    assert not isinstance(window.stack.currentWidget(), StoredFiguresView)
