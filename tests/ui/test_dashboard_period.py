"""The dashboard's period is chosen in one step — a year or a quarter with data — as well as month by month."""

from __future__ import annotations

from datetime import date

from erbm_desk.services.reporting.indicators import Period
from tests.ui.test_dashboard_page import choose, page, wait_ready  # noqa: F401 - the page fixture


def test_a_year_or_a_quarter_in_one_choice(qtbot, page):  # noqa: F811
    labels = [page.preset_box.itemText(i) for i in range(page.preset_box.count())]
    assert labels[:2] == ["Toute la période", "Année 2023"]
    assert "Année 2022" in labels and "1er trimestre 2022" in labels and "4e trimestre 2022" in labels
    choose(page.preset_box, "Année 2022")
    wait_ready(qtbot, page)
    assert page.period == Period(date(2022, 1, 1), date(2022, 12, 1))
    assert (page.start_box.currentText(), page.end_box.currentText()) == ("janv. 2022", "déc. 2022")
    choose(page.preset_box, "1er trimestre 2022")
    wait_ready(qtbot, page)
    assert page.period == Period(date(2022, 1, 1), date(2022, 3, 1))
    choose(page.end_box, "févr. 2022")  # months picked by hand: no shortcut stands for them
    wait_ready(qtbot, page)
    assert page.preset_box.currentText() == "Mois choisis"
    choose(page.preset_box, "Toute la période")
    wait_ready(qtbot, page)
    assert page.period == Period() and page.start_box.currentText() == "début"
