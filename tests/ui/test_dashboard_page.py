"""The Tableau de bord page driven as a user would (pytest-qt, offscreen), on the hand-built dataset."""

from datetime import date
from decimal import Decimal as D

import pytest
from matplotlib.backend_bases import MouseEvent
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from erbm_desk.services.reporting.indicators import Period, Scope
from erbm_desk.services.records.writes import save_record
from erbm_desk.ui.dashboard.dashboard_page import DashboardPage

TIMEOUT = 30_000
TERRITORY = "477 heures d'insertion réalisées par 3 personnes dont 2 bénéficiaires du RSA et 1 jeune de moins de 26 ans"
NB = "\u00a0"


def wait_ready(qtbot, page):
    qtbot.waitUntil(lambda: page.status.text() == "" and not page._pending and page.data is not None,
                    timeout=TIMEOUT)


@pytest.fixture
def page(qtbot, db, small_dataset):
    p = DashboardPage(db)
    qtbot.addWidget(p)
    p.resize(1250, 900)
    p.show()
    wait_ready(qtbot, p)
    return p


def choose(box, text: str) -> None:
    """Pick an item of a combo box as a user does (the `activated` signal follows a user's choice)."""
    index = next(i for i in range(box.count()) if box.itemText(i).startswith(text))
    box.setCurrentIndex(index)
    box.activated.emit(index)


def test_territory_tiles_sentence_and_charts(page):
    assert f"« {TERRITORY} »" == page.sentence.text().replace(NB, " ")
    tiles = {key: (t.value.text(), t.detail.text()) for key, t in page.tiles.tiles.items()}
    assert tiles["hours"] == ("477,42 h", f"sur 1{NB}500,5 h exigées")
    assert tiles["rate"][0] == "31,8 %"
    assert [tiles[k][0] for k in ("people", "rsa", "young", "women", "contracts")] == ["3", "2", "1", "1", "4"]
    assert tiles["homes"][0] == "40" and f"objectif ERBM 23{NB}000" in tiles["homes"][1]
    assert tiles["funding"] == ("175 k€", f"175{NB}000,10 €")
    visible = {key for key, canvas in page.canvases.items() if canvas.isVisible()}
    assert visible == {"hours", "homes", "people", "contracts", "phases", "funding", "energy", "exits", "map",
                       "cites"}
    done = page.canvases["hours"].figure.axes[0].get_lines()[0]
    assert done.get_ydata()[-1] == 477.42


def test_scope_and_period_selectors(qtbot, page, small_dataset):
    choose(page.kind_box, "Cité")
    assert page.value_box.isVisible()
    choose(page.value_box, "Cité Test A")
    wait_ready(qtbot, page)
    assert page.scope == Scope("cite", "Cité Test A")  # named as the command line reads it, never by an id
    assert "442 heures d'insertion réalisées par 2 personnes dont 1 bénéficiaire du RSA et 1 jeune" in \
        page.sentence.text()
    assert "Cité Test A — Lens (CALL)" in page.title.text()
    assert not page.canvases["cites"].isVisible()  # nothing to compare a single cité with
    choose(page.start_box, "févr. 2022")
    choose(page.end_box, "févr. 2022")
    wait_ready(qtbot, page)
    assert page.period == Period(date(2022, 2, 1), date(2022, 2, 1))
    assert page.sentence.text().startswith("« 202 heures d'insertion réalisées par 2 personnes")
    choose(page.kind_box, "EPCI")
    choose(page.value_box, "CAPH")
    wait_ready(qtbot, page)
    assert page.data.label.endswith("(CAPH)") and page.data.indicators.hours_realised == 0  # February 2022


def test_set_scope_from_outside_moves_the_selectors(qtbot, page):
    page.set_scope(Scope("bailleur", "SIA Habitat"))
    wait_ready(qtbot, page)
    assert page.kind_box.currentText() == "Bailleur" and page.value_box.currentText() == "SIA Habitat"
    assert "36 heures" in page.sentence.text()


def _point_on_screen(chart, x, y) -> QPoint:
    ax = chart.figure.axes[0]
    px, py = ax.transData.transform((x, y))
    ratio = chart.canvas.devicePixelRatioF()
    return QPoint(round(px / ratio), round(chart.canvas.height() - py / ratio))


def test_clicking_a_cite_on_the_map_opens_its_dashboard(qtbot, page, small_dataset):
    chart = page.canvases["map"]
    points = next(c for c in chart.figure.axes[0].collections if c.get_gid() == "cites")
    index = points.erbm_cite_ids.index(small_dataset["cite_b"])
    x, y = points.get_offsets()[index]
    chart.canvas.draw()
    qtbot.mouseClick(chart.canvas, Qt.LeftButton, pos=_point_on_screen(chart, x, y))
    wait_ready(qtbot, page)
    assert page.scope == Scope("cite", "Cité Test B")  # the id of the map's point, named once computed
    assert "Cité Test B — Denain (CAPH)" in page.title.text()
    assert page.sentence.text().startswith("« 36 heures d'insertion réalisées par 1 personne dont 1 bénéficiaire")
    page.back_button.click()
    wait_ready(qtbot, page)
    assert page.scope == Scope() and TERRITORY in page.sentence.text().replace(NB, " ")


def test_hovering_a_bar_gives_its_exact_value(page):
    chart = page.canvases["funding"]
    chart.canvas.draw()
    ax = chart.figure.axes[0]
    bar = next(p for p in ax.patches if getattr(p, "erbm_label", "") == "État")
    cx, cy = ax.transData.transform((bar.get_width() / 2, bar.get_y() + bar.get_height() / 2))
    text, clickable = chart.tip_at(MouseEvent("motion_notify_event", chart.canvas, cx, cy))
    assert text == f"État : 100{NB}000,10 €" and not clickable
    text, _ = chart.tip_at(MouseEvent("motion_notify_event", chart.canvas, 2, 2))
    assert text is None


def saved(qtbot, chart, path):
    """Save the chart (written in a worker) and wait until it is."""
    with qtbot.waitSignal(chart.saved, timeout=TIMEOUT) as written:
        assert chart.save_to(path) == path
    assert written.args == [path]
    return path


def test_save_and_copy_a_chart(qtbot, page, tmp_path, monkeypatch):
    chart = page.canvases["hours"]
    assert saved(qtbot, chart, tmp_path / "h.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in saved(qtbot, chart, tmp_path / "h.svg").read_bytes()[:400]
    assert saved(qtbot, chart, tmp_path / "h.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError, match="PNG, SVG ou PDF"):
        chart.save_to(tmp_path / "h.gif")
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "choisi"), "Image vectorielle SVG (*.svg)"))
    with qtbot.waitSignal(chart.saved, timeout=TIMEOUT):
        assert chart.save_with_dialog() == tmp_path / "choisi.svg"
    assert (tmp_path / "choisi.svg").exists()
    with qtbot.waitSignal(chart.copied, timeout=TIMEOUT):
        chart.copy_to_clipboard()
    assert not QApplication.clipboard().image().isNull()
    menu = chart.context_menu()
    assert [a.text() for a in menu.actions()] == ["Copier l'image", "Enregistrer sous… (PNG, SVG, PDF)"]


def test_refresh_after_the_data_change(qtbot, page, db, small_dataset):
    with db.session() as s:  # P4, 23 at the start of his contract, reports his first hours
        save_record(s, "hours_entry", {"contract_id": small_dataset["c4"], "month": date(2023, 4, 1),
                                       "hours": D("12")})
    page.refresh()
    wait_ready(qtbot, page)
    assert "489 heures d'insertion réalisées par 4 personnes dont 2 bénéficiaires du RSA et 2 jeunes" in \
        page.sentence.text()
    assert page.canvases["hours"].figure.axes[0].get_lines()[0].get_ydata()[-1] == 489.42


def test_a_stale_result_is_dropped(qtbot, page, small_dataset):
    page.set_scope(Scope("cite", small_dataset["cite_a"]))
    page.set_scope(Scope("cite", small_dataset["cite_b"]))  # asked before the first answer came back
    wait_ready(qtbot, page)
    qtbot.waitUntil(lambda: not page.gateway.busy, timeout=TIMEOUT)  # the first answer came (or never will)
    assert "Cité Test B" in page.title.text()


def test_map_indicator(qtbot, page):
    choose(page.map_box, "Personnes")
    communes = next(c for c in page.canvases["map"].figure.axes[0].collections if c.get_gid() == "communes")
    values = dict(zip(communes.erbm_insee, communes.get_array().filled(-1).tolist()))
    assert values["62498"] == 2 and values["59172"] == 1 and values["59002"] == -1
