"""One engine, every output: the path's figures in `erbm-desk stats`, the Synthèse sheet (small counts protected
in an anonymous workbook) and the bilan, whose last page points to the definitions."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from erbm_desk.domain.reporting import Period, Scope
from erbm_desk.services.exchange.synthese import COUNT_COLUMNS, HEADERS, synthese_rows
from erbm_desk.services.reporting.bilan import write_bilan


def _row(rows, name):
    return dict(zip(HEADERS, next(r for r in rows if r[1] == name)))


def test_the_synthese_sheet_has_the_path_figures_and_protects_them(db, path_dataset):
    with db.session() as s:
        exact = synthese_rows(s, Scope(), Period(), "Territoire ERBM", anonymous=False)
        shown = synthese_rows(s, Scope(), Period(), "Territoire ERBM", anonymous=True, threshold=5)
    whole = _row(exact, "Territoire ERBM")
    assert (whole["Contrats avec heures"], float(whole["ETP"]), float(whole["Heures en SIAE"]), whole["Sorties"],
            whole["dont sorties positives"], whole["dont emploi durable"], whole["Situations à 6 mois relevées"]) == (
        7, 0.63, 250.0, 3, 2, 1, 1)
    for column in ("Contrats avec heures", "Sorties", "dont sorties positives", "dont emploi durable",
                   "Situations à 6 mois relevées"):
        assert HEADERS.index(column) in COUNT_COLUMNS
    anonymous = _row(shown, "Territoire ERBM")
    assert anonymous["Sorties"] == "< 5" and anonymous["dont emploi durable"] == "< 5"
    assert anonymous["ETP"] == whole["ETP"]  # hours are not counts of people


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) manquant")
def test_the_bilan_has_the_path_and_ends_on_the_definitions(db, path_dataset, tmp_path):
    target = tmp_path / "bilan.pdf"
    with db.session() as s:
        summary = write_bilan(s, target, period=Period(date(2024, 1, 1), date(2025, 12, 1)), today=date(2026, 1, 5))

    def page(n: int) -> str:
        return subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(target), "-"],
                              capture_output=True, text=True, check=True).stdout

    last = page(summary.pages)
    assert "Définitions et données à compléter" in last and "docs/indicateurs.md" in last
    assert "Façades sans date" in last and "sans diagnostic" in last
    text = "\n".join(page(n) for n in range(1, summary.pages + 1))
    path = next(page(n) for n in range(1, summary.pages + 1) if "parcours des personnes" in page(n))
    assert "Équivalents temps plein" in path and "0,63" in path
    assert "< 5 (effectif trop petit pour être détaillé)" in path  # 3 exits: no shares that single someone out
    assert "Sorties par motif" in path and "Emploi durable" in path
    assert "dont 2 positives" not in text
