"""One engine, every output: the path's figures in `erbm-desk stats`, the Synthèse sheet (small counts protected
in an anonymous workbook) and the bilan, whose last page points to the definitions."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from matplotlib.text import Text

from erbm_desk.charts.parcours import exits_figure
from erbm_desk.domain import indicator_texts as texts
from erbm_desk.domain.french import format_percent
from erbm_desk.domain.reporting import Indicators, Period, Scope
from erbm_desk.services.exchange.synthese import COUNT_COLUMNS, HEADERS, protect_counts, synthese_rows
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
    assert "66,7" not in text  # nor their rate (2 of 3), on the exits chart either


def _texts(fig) -> str:
    return " | ".join(t.get_text() for t in fig.findobj(Text))


def test_an_anonymous_rate_never_gives_back_a_small_count():
    # 12 exits: 3 in a lasting job (small: 25 % would give it back), 9 positive (the 3 others would follow).
    few = Indicators("Cité", exits=12, exits_by_outcome={"emploi_durable": 3, "formation": 6, "autre": 3},
                     situations_due=12, situations_by_kind={"emploi_durable": 2, "recherche_emploi": 8})
    exact = dict(texts.path_lines(few))
    assert exact["Sorties"] == f"12, dont 9 positives ({format_percent(75)}) et 3 en emploi durable " \
                               f"({format_percent(25)})"
    assert exact["Situation à 6 mois"] == f"10 relevées pour 12 dues — en emploi : {format_percent(20)}"
    shown = dict(texts.path_lines(few, threshold=5))
    assert shown["Sorties"] == "12, dont s positives et < 5 en emploi durable"
    assert shown["Situation à 6 mois"] == "s relevées pour 12 dues — en emploi : < 5"  # 2 not recorded, 2 employed
    # Nothing small on either side: the counts and their rates.
    many = Indicators("Cité", exits=20, exits_by_outcome={"emploi_durable": 5, "formation": 5, "autre": 10})
    assert dict(texts.path_lines(many, threshold=5))["Sorties"] == \
        f"20, dont 10 positives ({format_percent(50)}) et 5 en emploi durable ({format_percent(25)})"
    assert texts.part_rate(9, 12, Decimal("75.0"), 5) is None and texts.part_rate(9, 12, Decimal("75.0"), None)


def test_the_bilan_exits_chart_hides_a_small_total_and_its_rate():
    small = exits_figure({"emploi_durable": 1, "formation": 1, "autre": 1}, {}, Decimal("66.7"), mask_below=5)
    assert "< 5 sorties" in _texts(small) and "66,7" not in _texts(small) and "3 sorties" not in _texts(small)
    withheld = exits_figure({"emploi_durable": 3, "formation": 6, "autre": 3}, {}, None, mask_below=5)
    assert "12 sorties" in _texts(withheld) and "%" not in _texts(withheld)
    screen = exits_figure({"emploi_durable": 1, "formation": 1, "autre": 1}, {}, Decimal("66.7"))
    assert "3 sorties, 66,7" in _texts(screen)  # the window is not an anonymous output


def test_the_synthese_hides_a_part_of_the_exits_whose_rest_is_small():
    exits, positive, durable = (HEADERS.index(h) for h in ("Sorties", "dont sorties positives",
                                                           "dont emploi durable"))

    def row(level, name, epci, n, pos, dur):
        values = ["Périmètre" if level == "P" else level, name, epci] + [0] * (len(HEADERS) - 3)
        values[exits], values[positive], values[durable] = n, pos, dur
        return values

    rows = [row("P", "Territoire", "", 44, 29, 15), row("EPCI", "CALL", "CALL", 44, 29, 15),
            row("Cité", "Cité A", "CALL", 12, 9, 5),  # 3 other exits: « 9 positives » would give them back
            row("Cité", "Cité B", "CALL", 12, 10, 5),  # 2 others
            row("Cité", "Cité C", "CALL", 20, 10, 5)]  # 10 others: nothing to hide
    protect_counts(rows, 5, COUNT_COLUMNS)
    shown = {r[1]: (r[exits], r[positive], r[durable]) for r in rows}
    assert shown["Cité A"] == (12, "s", 5) and shown["Cité B"] == (12, "s", 5)
    assert shown["Cité C"] == (20, 10, 5) and shown["Territoire"] == (44, 29, 15)
