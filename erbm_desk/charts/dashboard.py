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
from erbm_desk.charts.parcours import exits_figure
from erbm_desk.domain.figures import DashboardData

# key -> whether the chart takes the whole width of the dashboard's grid
CHART_KEYS = {
    "hours": False,
    "homes": False,
    "people": False,
    "contracts": False,
    "phases": False,
    "funding": False,
    "energy": False,
    "exits": False,
    "map": True,
    "cites": True,
    "titulaires": True,
    "lots_behind": True,
}


def dashboard_figures(data: DashboardData, *, map_indicator: str = "hours", mask_below: int | None = None,
                      keys=None, cites_width: float | None = None) -> dict[str, Figure]:
    """Every chart of the dashboard for `data` (or only `keys`). The comparison of cités is left out when the
    scope holds a single cité; `cites_width` (inches) fits it to the columns the page has room for."""
    ind = data.indicators
    wanted = list(keys or CHART_KEYS)
    builders = {
        "hours": lambda: hours_figure(data.hours),
        "homes": lambda: homes_figure(data.homes),
        "people": lambda: people_figure(data.people_by_public, data.people_by_sex, ind.people, mask_below=mask_below),
        "contracts": lambda: contracts_figure(data.contracts_by_type, data.contracts_by_delivery),
        "phases": lambda: phases_figure(data.operations_by_phase),
        "funding": lambda: funding_figure(data.funding_by_funder),
        "energy": lambda: energy_figure(data.energy, data.energy_level),
        "exits": lambda: exits_figure(data.exits_by_outcome, data.situations_6m, ind.positive_exit_rate,
                                      mask_below=mask_below),
        "map": lambda: map_figure(data.map, data.map.shapes, data.map.outlines, indicator=map_indicator),
        "cites": lambda: cites_figure(data.cites, mask_below=mask_below,
                                      **({"width": cites_width} if cites_width else {})),
        "titulaires": lambda: titulaires_figure(data.titulaires),
        "lots_behind": lambda: lots_behind_figure(data.lots_behind),
    }
    out = {}
    for key in wanted:
        if key == "cites" and len(data.cites) < 2:
            continue
        if key in ("titulaires", "lots_behind") and not data.titulaires:
            continue  # no lot in the scope
        out[key] = builders[key]()
    return out
