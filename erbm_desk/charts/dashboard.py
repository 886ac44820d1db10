"""The dashboard's charts for one `DashboardData`, in the order the page (and the bilan) shows them."""

from __future__ import annotations

from matplotlib.figure import Figure

from erbm_desk.charts.breakdowns import contracts_figure, funding_figure, people_figure, phases_figure
from erbm_desk.charts.cites import cites_figure
from erbm_desk.charts.clauses import lots_behind_figure, titulaires_figure
from erbm_desk.charts.energy import energy_figure
from erbm_desk.charts.homes import homes_figure
from erbm_desk.charts.hours import hours_figure
from erbm_desk.charts.map import map_figure
from erbm_desk.charts.dashboard_inputs import CHART_KEYS, chart_inputs
from erbm_desk.charts.parcours import exits_figure
from erbm_desk.domain.figures import DashboardData


def dashboard_figures(data: DashboardData, *, map_indicator: str = "hours", mask_below: int | None = None,
                      keys=None, cites_width: float | None = None) -> dict[str, Figure]:
    """Every chart of the dashboard for `data` (or only `keys`). The comparison of cités is left out when the
    scope holds a single cité; `cites_width` (inches) fits it to the columns the page has room for."""
    width = {"width": cites_width} if cites_width else {}
    builders = {
        "hours": hours_figure,
        "homes": homes_figure,
        "people": lambda *i: people_figure(*i, mask_below=mask_below),
        "contracts": contracts_figure,
        "phases": phases_figure,
        "funding": funding_figure,
        "energy": energy_figure,
        "exits": lambda *i: exits_figure(*i, mask_below=mask_below),
        "map": lambda found, indicator: map_figure(found, found.shapes, found.outlines, indicator=indicator),
        "cites": lambda cites: cites_figure(cites, mask_below=mask_below, **width),
        "titulaires": titulaires_figure,
        "lots_behind": lambda lots, _has_titulaires: lots_behind_figure(lots),
    }
    out = {}
    for key in list(keys or CHART_KEYS):
        if key == "cites" and len(data.cites) < 2:
            continue
        if key in ("titulaires", "lots_behind") and not data.titulaires:
            continue  # no lot in the scope
        out[key] = builders[key](*chart_inputs(data, key, map_indicator))
    return out
