"""The dashboard fits the window it is in: as many chart columns as the width holds (no sideways scrolling at
1280 pixels, no empty band at 1920), the mouse wheel scrolls the page even over a chart, and a cité opened from
the map is shown from the top."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from erbm_desk.services.reporting.indicators import Scope
from erbm_desk.ui.dashboard.dashboard_page import DashboardPage
from tests.ui.test_dashboard_page import _point_on_screen, wait_ready

SIDEBAR = 150  # what the side bar takes of the window's width


def dashboard(qtbot, db, width: int) -> DashboardPage:
    page = DashboardPage(db)
    qtbot.addWidget(page)
    page.resize(width - SIDEBAR, 700)
    page.show()
    wait_ready(qtbot, page)
    return page


def row_of(page, key: str) -> int:
    return page.canvases[key].mapTo(page.scroll.widget(), QPoint(0, 0)).y()


@pytest.mark.parametrize("width", [1280, 1366])
def test_no_sideways_scrolling_in_a_laptop_window(qtbot, db, small_dataset, width):
    page = dashboard(qtbot, db, width)
    assert not page.scroll.horizontalScrollBar().isVisible()
    for canvas in page.canvases.values():
        right = canvas.mapTo(page.scroll.viewport(), QPoint(canvas.width(), 0)).x()
        assert right <= page.scroll.viewport().width()


def test_a_wide_window_puts_three_charts_side_by_side(qtbot, db, small_dataset):
    page = dashboard(qtbot, db, 1920)
    assert not page.scroll.horizontalScrollBar().isVisible()
    assert row_of(page, "hours") == row_of(page, "homes") == row_of(page, "people")
    assert row_of(page, "contracts") > row_of(page, "hours")


def test_narrowing_the_window_reflows_the_charts(qtbot, db, small_dataset):
    page = dashboard(qtbot, db, 1920)
    page.resize(1280 - SIDEBAR, 700)
    qtbot.waitUntil(lambda: row_of(page, "people") > row_of(page, "hours"))
    assert not page.scroll.horizontalScrollBar().isVisible()


def turn_wheel_over(widget) -> None:
    """A wheel notch over `widget`, handed on to its parents while none takes it, as Qt does with the wheel of
    a real mouse (an event sent by hand is given to the one widget only)."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    target = widget
    while target is not None:
        pos = QPointF(target.mapFrom(widget, centre.toPoint()))
        wheel = QWheelEvent(pos, widget.mapToGlobal(centre), QPoint(0, 0), QPoint(0, -120), Qt.NoButton,
                            Qt.NoModifier, Qt.NoScrollPhase, False)
        QApplication.sendEvent(target, wheel)
        if wheel.isAccepted():
            return
        target = target.parentWidget()


def test_the_mouse_wheel_over_a_chart_scrolls_the_page(qtbot, db, small_dataset):
    page = dashboard(qtbot, db, 1366)
    bar = page.scroll.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    turn_wheel_over(page.canvases["hours"].canvas)
    assert bar.value() > 0


def test_a_cite_opened_from_the_map_is_shown_from_the_top(qtbot, db, small_dataset):
    page = dashboard(qtbot, db, 1366)
    chart = page.canvases["map"]
    page.scroll.ensureWidgetVisible(chart)
    assert page.scroll.verticalScrollBar().value() > 0  # the user scrolled down to the map
    points = next(c for c in chart.figure.axes[0].collections if c.get_gid() == "cites")
    x, y = points.get_offsets()[points.erbm_cite_ids.index(small_dataset["cite_b"])]
    chart.canvas.draw()
    qtbot.mouseClick(chart.canvas, Qt.LeftButton, pos=_point_on_screen(chart, x, y))
    wait_ready(qtbot, page)
    assert page.scope == Scope("cite", "Cité Test B")  # scopes name a cité as the command line does, never by its id
    assert page.scroll.verticalScrollBar().value() == 0
    assert page.sentence.visibleRegion().boundingRect().height() == page.sentence.height()
