"""The dashboard after a write, as the window refreshes it: new numbers at once, and only the charts whose data
changed are drawn again."""

from decimal import Decimal as D

from sqlalchemy import select

from erbm_desk.db.models import HoursEntry
from erbm_desk.services.records.writes import save_record
from erbm_desk.ui.dashboard.dashboard_page import DashboardPage

TIMEOUT = 30_000


def wait_ready(qtbot, page):
    qtbot.waitUntil(lambda: page.status.text() == "" and not page._pending and page.data is not None,
                    timeout=TIMEOUT)


def test_saving_hours_redraws_the_hours_charts_only(qtbot, db, small_dataset):
    page = DashboardPage(db)
    qtbot.addWidget(page)
    page.resize(1250, 900)
    page.show()
    wait_ready(qtbot, page)
    assert page.tiles.tiles["hours"].value.text() == "477,42 h"
    figures = {key: canvas.figure for key, canvas in page.canvases.items()}

    def write(s):
        entry = s.scalar(select(HoursEntry).order_by(HoursEntry.id).limit(1))
        save_record(s, "hours_entry", {"hours": entry.hours + D("10")}, entry.id)

    page.gateway.changed.connect(lambda changes: page.concerned_by(changes) and page.refresh())  # as the window
    with qtbot.waitSignal(page.charts_ready, timeout=TIMEOUT):
        page.gateway.write(page, write)
    wait_ready(qtbot, page)
    assert page.tiles.tiles["hours"].value.text() == "487,42 h"
    redrawn = {key for key, canvas in page.canvases.items() if canvas.figure is not figures[key]}
    assert "hours" in redrawn and "cites" in redrawn  # the series and the comparison of cités moved
    assert not redrawn & {"homes", "people", "contracts", "phases", "funding", "energy"}  # their data did not
