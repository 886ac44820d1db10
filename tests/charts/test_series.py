from datetime import date
from decimal import Decimal as D

from erbm_desk.charts.energy import energy_figure
from erbm_desk.charts.homes import homes_figure
from erbm_desk.charts.hours import hours_figure
from erbm_desk.charts.style import tip_for
from erbm_desk.domain.figures import EnergyRow, HomesPace, MonthlyHours
from tests.charts.helpers import bars, render, texts

NB = "\u00a0"
HOURS = MonthlyHours(
    months=[date(2022, 1, 1), date(2022, 2, 1), date(2022, 3, 1)],
    realised=[D("100.25"), D("201.67"), D("140")],
    cumulative=[D("100.25"), D("301.92"), D("441.92")],
    required_cumulative=[D("615.36"), D("692.28"), D("769.20")],
    required_total=D("1500.50"),
)

HOMES = HomesPace(
    years=list(range(2017, 2028)), delivered=[0, 0, 0, 0, 0, 40, 0, 0, 0, 0, 0],
    cumulative=[0, 0, 0, 0, 0, 40, 40, None, None, None, None],
    projection=[None] * 6 + [45, 53, 58, 64, 71], target=23_000, target_label="objectif ERBM",
    delivered_total=40, as_of=date(2023, 2, 28), pace_current=D("6.5"), pace_needed=D("4750.3"),
    projection_2027=71,
)
ENERGY = [EnergyRow("CALL", D("320.0"), D("110.5"), 40), EnergyRow("CAPH", D("300"), None, 30),
          EnergyRow("CAD", D("290"), D("140"), 10)]


def test_hours_lines_are_the_cumulative_series():
    fig = hours_figure(HOURS)
    (ax,) = fig.axes
    done, required = ax.get_lines()
    assert list(done.get_xdata()) == [0, 1, 2] and done.erbm_months == HOURS.months
    assert list(done.get_ydata()) == [100.25, 301.92, 441.92]
    assert list(required.get_ydata()) == [615.36, 692.28, 769.2]
    assert tip_for(done, 1) == "févr. 2022 : 301,92 h réalisées (dont 201,67 h dans le mois)"
    render(fig)
    shown = texts(fig)
    assert "441,92 h réalisées ; 1\u00a0500,5 h exigées par les opérations" in shown
    assert "réalisées (cumul)" in shown
    assert {"janv. 2022", "févr. 2022", "mars 2022"} <= set(shown)  # French months under the axis
    assert f"1{NB}000" in shown and "0" in shown  # the hand-drawn hours scale


def test_hours_without_data():
    fig = hours_figure(MonthlyHours([], [], [], [], D(0)))
    assert "Aucune heure saisie sur la période" in texts(fig)


def test_homes_bars_pace_and_projection():
    fig = homes_figure(HOMES)
    per_year, cumulative = fig.axes
    heights = {b.erbm_label: b.get_height() for b in bars(per_year)}
    assert heights["2022"] == 40 and heights["2023"] == 0
    assert [heights[str(y)] for y in range(2024, 2028)] == [4750.3] * 4  # the pace needed, each year left
    done, projection = cumulative.get_lines()[:2]
    assert list(done.get_ydata()) == [0, 0, 0, 0, 0, 40, 40]
    assert list(projection.get_xdata()) == [2023, 2024, 2025, 2026, 2027]
    assert list(projection.get_ydata())[-1] == 71
    shown = texts(fig)
    assert "objectif ERBM : 23\u00a0000" in shown
    assert any("rythme actuel 7/an ; il faut 4\u00a0750/an d'ici fin 2027" in t for t in shown)
    render(fig)


def test_energy_before_after_against_the_goal():
    fig = energy_figure(ENERGY, "EPCI")
    (ax,) = fig.axes
    before = [b for b in bars(ax) if "avant" in tip_for(b)]
    after = [b for b in bars(ax) if "après" in tip_for(b)]
    assert [b.get_width() for b in before] == [320.0, 300.0, 290.0]
    assert [b.get_width() for b in after] == [110.5, 0.0, 140.0]
    assert tip_for(after[1]) == "CAPH, après travaux : pas encore rénové"
    assert after[2].get_facecolor() != after[0].get_facecolor()  # above the goal: another colour
    goal = [line for line in ax.get_lines() if list(line.get_xdata()) == [130, 130]]
    assert goal, "the 130 kWh/m²/an goal is drawn"
    assert "kWh/m²/an, moyenne par EPCI pondérée par les logements ; objectif 130" in texts(fig)
    render(fig)
