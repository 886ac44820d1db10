"""Hours by titulaire and the lots behind, on the dashboard and in the bilan."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal as D

import pytest

from erbm_desk.charts.clauses import lots_behind_figure, titulaires_figure
from erbm_desk.charts.dashboard import dashboard_figures
from erbm_desk.domain.reporting import Period, Scope
from erbm_desk.services.reporting.bilan import write_bilan
from erbm_desk.services.reporting.dashboard_data import dashboard_data


def test_the_dashboard_gains_hours_by_titulaire_and_the_lots_behind(db, clauses_dataset):
    with db.session() as s:
        data = dashboard_data(s)  # the date of the data: end of 04/2023 (c4's last month)
        in_b = dashboard_data(s, Scope("cite", clauses_dataset["cite_b"]))
    assert str(data.as_of) == "2023-04-30"
    by_name = {c.name: c for c in data.titulaires}
    assert (by_name["Bâtiment Gohelle"].obligation.required, by_name["Bâtiment Gohelle"].obligation.realised) == (
        D("1133"), D("741.92"))
    assert [(lot.marche, lot.number) for lot in data.lots_behind] == [("2021-MC-001", "1"), ("2021-MC-001", "2")]
    figures = dashboard_figures(data, keys=["titulaires", "lots_behind"])
    assert figures["titulaires"].erbm_title == "Heures d'insertion par entreprise titulaire"
    texts = [t.get_text() for t in figures["lots_behind"].texts]
    assert "Bâtiment Gohelle" in texts and "391" in texts  # 833 − 441,92 h missing, rounded for the chart
    assert in_b.titulaires == [] and dashboard_figures(in_b, keys=["titulaires", "lots_behind"]) == {}


def test_the_charts_say_when_there_is_nothing_to_show():
    assert "Aucun lot en retard." in [t.get_text() for t in lots_behind_figure([]).texts]
    assert titulaires_figure([]).erbm_title


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext absent")
def test_the_bilan_gains_a_page_on_the_clauses(tmp_path, db, clauses_dataset):
    path = tmp_path / "bilan.pdf"
    with db.session() as s:
        summary = write_bilan(s, path, Scope(), Period())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Territoire ERBM — clauses d'insertion des marchés" in text
    assert "Heures d'insertion par entreprise titulaire" in text and "Lots en retard" in text
    assert f"page {summary.pages} / {summary.pages}" in text  # the page is counted
