"""The window opens inside the screen people have — a 1366×768 laptop with its panel — with every control of
the page in reach: the month's « Enregistrer le mois » and the status bar are not left under the panel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMargins, QPoint, QRect
from PySide6.QtGui import QScreen

from erbm_desk.ui.common.window_state import save_geometry, settings
from erbm_desk.ui.window.main_window import MainWindow
from tests.ui.helpers import TIMEOUT, go_to

LAPTOP = QRect(0, 0, 1366, 768 - 40)  # 1366×768 less a 40-pixel panel
TITLE_BAR_AND_BORDERS = QMargins(4, 30, 4, 4)  # what a window manager adds around the window


@pytest.fixture
def laptop_screen(monkeypatch):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(LAPTOP))
    settings().remove("geometry/main")
    yield LAPTOP
    settings().remove("geometry/main")


def window_as_opened(qtbot, db) -> MainWindow:
    settings().setValue("window/page", "hours")
    window = MainWindow(db)  # no resize: the size the window chooses itself
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def fits(screen: QRect, window) -> bool:
    return screen.contains(window.geometry().marginsAdded(TITLE_BAR_AND_BORDERS))


def within_window(window, widget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and window.rect().contains(QRect(top_left, widget.size()))


def test_the_window_opens_inside_a_1366_by_768_screen_with_every_control_in_reach(qtbot, db, small_dataset,
                                                                                   laptop_screen):
    window = window_as_opened(qtbot, db)
    assert fits(laptop_screen, window), window.geometry()
    page = go_to(qtbot, window, "hours")
    qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    assert within_window(window, page.save_button)  # « Enregistrer le mois »
    assert within_window(window, window.statusBar())


def test_a_size_remembered_from_a_larger_screen_is_brought_back_inside(qtbot, db, small_dataset, laptop_screen):
    big = window_as_opened(qtbot, db)
    big.setGeometry(0, 0, 1900, 1040)  # last used on a 1920×1080 screen
    save_geometry("main", big)
    big.close()
    window = window_as_opened(qtbot, db)
    assert fits(laptop_screen, window), window.geometry()
