"""What each chart of the dashboard draws, from the page's data: a chart whose inputs are equal to those it was
drawn from is not built again after a refresh (charts/dashboard.py's builders take exactly these)."""

from __future__ import annotations

from typing import Any

from erbm_desk.domain.figures import DashboardData


def chart_inputs(data: DashboardData, key: str, map_indicator: str) -> Any:
    if key == "hours":
        return data.hours
    if key == "homes":
        return data.homes
    if key == "people":
        return data.people_by_public, data.people_by_sex, data.indicators.people
    if key == "contracts":
        return data.contracts_by_type, data.contracts_by_delivery
    if key == "phases":
        return data.operations_by_phase
    if key == "funding":
        return data.funding_by_funder
    if key == "energy":
        return data.energy, data.energy_level
    if key == "map":
        return data.map, map_indicator
    if key == "exits":
        return data.exits_by_outcome, data.situations_6m, data.indicators.positive_exit_rate
    if key == "cites":
        return data.cites
    if key == "titulaires":
        return data.titulaires
    if key == "lots_behind":
        return data.lots_behind, bool(data.titulaires)
    return data  # a chart not known here: drawn again whenever anything changed
