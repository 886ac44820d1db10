"""Which charts the dashboard has, in reading order, and what each one draws from a `DashboardData` — without
matplotlib, so the page can compare a refresh's data with what it drew before importing any chart code."""

from __future__ import annotations

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


def chart_inputs(data: DashboardData, key: str, map_indicator: str = "hours") -> tuple:
    """What chart `key` draws from `data`, exactly what its builder in charts/dashboard.py takes: a chart whose
    inputs equal those it was drawn from need not be built again after a refresh (the dashboard page compares)."""
    ind = data.indicators
    return {
        "hours": lambda: (data.hours,),
        "homes": lambda: (data.homes,),
        "people": lambda: (data.people_by_public, data.people_by_sex, ind.people),
        "contracts": lambda: (data.contracts_by_type, data.contracts_by_delivery),
        "phases": lambda: (data.operations_by_phase,),
        "funding": lambda: (data.funding_by_funder,),
        "energy": lambda: (data.energy, data.energy_level),
        "exits": lambda: (data.exits_by_outcome, data.situations_6m, ind.positive_exit_rate),
        "map": lambda: (data.map, map_indicator),
        "cites": lambda: (data.cites,),
        "titulaires": lambda: (data.titulaires,),
        "lots_behind": lambda: (data.lots_behind, bool(data.titulaires)),
    }[key]()
