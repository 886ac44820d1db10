"""The series the dashboard and the bilan draw, for one scope and one period. No Qt, no matplotlib.

`dashboard_data(session, scope, period)` takes one `report` of the reporting engine (so the KPI tiles and the
comité sentence are those of `erbm-desk stats`) and adds what only the charts need:

- cumulative hours realised month by month, against the hours required (`hours_series`);
- people by public and by sex; contracts by type and by delivery method; operations by phase; funding by
  funder, with their French labels;
- homes delivered per year 2017–2027 and the pace to the target (`homes_pace`);
- energy before/after renovation, one level below the scope (`energy`);
- one row per cité, ranked, and the values per commune for the map (`map_values`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Epci, HoursEntry
from erbm_desk.domain.clauses import CompanyLine, LotLine
from erbm_desk.domain.enums import ContractType, DeliveryMethod, Funder, Phase
from erbm_desk.domain.indicator_texts import outcome_rows, situation_rows
from erbm_desk.domain.figures import (  # noqa: F401 - MAP_INDICATORS: what the page's map selector offers
    MAP_INDICATORS,
    PUBLIC_LABELS,
    CiteSeries,
    DashboardData,
    GroupRow,
    MonthlyHours,
)
from erbm_desk.domain.reporting import Period, Scope
from erbm_desk.services.clauses.obligations import ClauseFilter, any_lot, lot_lines
from erbm_desk.services.clauses.overview import clause_overview
from erbm_desk.services.reporting.energy import operations_energy, report_energy
from erbm_desk.services.reporting.engine import Report, report
from erbm_desk.services.reporting.geography import (  # noqa: F401 - the page reads them once in its worker
    commune_shapes,
    epci_outlines,
)
from erbm_desk.services.reporting.homes_pace import homes_dates, homes_pace
from erbm_desk.services.reporting.hours_series import data_date, monthly_hours, monthly_hours_by_cite, months_between
from erbm_desk.services.reporting.map_values import map_data
from erbm_desk.services.reporting.scopes import cite_choices, scope_title


def ranked(rows) -> list[GroupRow]:
    """By hours realised, then people, then name: the comparison of cités."""
    return sorted(rows, key=lambda r: (-r.hours_realised, -r.people, r.name))


def as_of_date(session: Session, period: Period) -> date:
    """The date the figures stand at: the data's, or the period's last day when it ends before."""
    return min(data_date(session), period.last_day) if period.end else data_date(session)


def report_title(session: Session, r: Report) -> str:
    only = next(iter(r.cites.values())) if len(r.cites) == 1 else None
    return scope_title(session, r.scope, (only.name, only.commune, only.epci_short) if only else None)


def group_rows(session: Session, scope: Scope = Scope(), period: Period = Period()) -> tuple[list[GroupRow],
                                                                                               list[GroupRow]]:
    """(rows per EPCI sorted by name, rows per cité ranked by hours realised) for the scope and period.

    People are counted once per row: a person who worked on two cités counts in both cités' rows, and once
    in their EPCI's row if both cités are in it."""
    r = report(session, scope, period, by="cite")
    return r.grouped("epci"), ranked(r.groups)


def _labelled(counts: dict[str, int], enum_cls) -> dict[str, int]:
    """Codes -> French labels, in the enumeration's order, leaving out zeros."""
    return {m.label: counts[m.value] for m in enum_cls if counts.get(m.value)}


def _lots_of(r: Report) -> ClauseFilter:
    """The lots in the report's scope (every lot for the territory, an operation's own) whose works meet its
    period."""
    return ClauseFilter(cite_ids=None if r.scope.kind == "territory" else list(r.cites),
                        operation_id=r.operations[0].id if r.scope.kind == "operation" and r.operations else None,
                        period=r.period)


def scope_lots(session: Session, r: Report, as_of: date) -> list[LotLine]:
    """The lines at `as_of` of the lots in the report's scope (`_lots_of`)."""
    return lot_lines(session, as_of, _lots_of(r))


def scope_has_lots(session: Session, r: Report) -> bool:
    """Whether `scope_lots` has a line, known without reading the hours of the lots."""
    return any_lot(session, _lots_of(r))


def dashboard_of(session: Session, r: Report, hours: MonthlyHours | None = None,
                 lots: list[LotLine] | None = None, titulaires: list[CompanyLine] | None = None) -> DashboardData:
    """The dashboard of a report (grouped by cité); `hours`: its monthly series, `lots`: the lines of its lots at
    its date (`as_of_date`), `titulaires`: their companies' lines, when already known."""
    ind = r.total
    people = r.people
    others = len(people.all - people.rsa - people.young - people.deld)
    as_of = as_of_date(session, r.period)
    energy, energy_level = report_energy(r)
    titulaires, lots_behind = clause_overview(session, lots if lots is not None else scope_lots(session, r, as_of),
                                              titulaires)
    return DashboardData(
        scope=r.scope,
        period=r.period,
        label=report_title(session, r),
        as_of=as_of,
        indicators=ind,
        hours=hours if hours is not None else monthly_hours(session, r),
        people_by_public=dict(zip(PUBLIC_LABELS, (len(people.rsa), len(people.young), len(people.deld), others))),
        people_by_sex={"Femmes": len(people.women), "Hommes": len(people.all) - len(people.women)},
        contracts_by_type=_labelled(ind.contracts_by_type, ContractType),
        contracts_by_delivery=_labelled(ind.contracts_by_delivery, DeliveryMethod),
        operations_by_phase={ph.label: ind.operations_by_phase.get(ph.value, 0) for ph in Phase},
        funding_by_funder={f.label: ind.funding_by_funder[f.value] for f in Funder if ind.funding_by_funder.get(f.value)},
        homes=homes_pace(r.operations, r.scope.kind, homes_dates(session, r.period), ind.homes_planned),
        energy=energy,
        energy_level=energy_level,
        cites=ranked(r.grouped("cite")),
        map=map_data(session, r),
        titulaires=titulaires,
        lots_behind=lots_behind,
        exits_by_outcome=dict(outcome_rows(ind)),
        situations_6m=dict(situation_rows(ind)),
    )


def dashboard_data(session: Session, scope: Scope = Scope(), period: Period = Period()) -> DashboardData:
    return dashboard_of(session, report(session, scope, period, by="cite"))


def cites_series(session: Session, r: Report, as_of: date) -> dict[int, CiteSeries]:
    """The series of each cité of a report (the bilan draws one page per cité), from its rows and operations and
    one query of hours by cité and month."""
    hours = monthly_hours_by_cite(session, r)
    operations: dict[int, list] = {cid: [] for cid in r.cites}
    for op in r.operations:
        operations[op.cite_id].append(op)
    dates = homes_dates(session, r.period)  # the homes' own dates, whatever the hours' `as_of`
    return {row.id: CiteSeries(row=row, hours=hours[row.id],
                               homes=homes_pace(operations[row.id], "cite", dates, row.homes_planned),
                               energy=operations_energy(operations[row.id]))
            for row in r.grouped("cite")}


@dataclass(frozen=True)
class ScopeChoices:
    """What the scope pickers offer (dashboard, bilan, export): (label, value for Scope) per kind — values written
    as the command line reads them (scopes.py: a SIREN, a bailleur's name, the text naming a cité alone, never an
    internal number) — and the months with data."""

    epcis: list[tuple[str, str]]
    bailleurs: list[tuple[str, str]]
    cites: list[tuple[str, str]]
    months: list[date]
    internal: dict[tuple[str, int], str] = field(default_factory=dict)  # (kind, internal id) -> its value

    def by_kind(self) -> dict[str, list[tuple[str, str]]]:
        return {"epci": self.epcis, "bailleur": self.bailleurs, "cite": self.cites}

    def value_of(self, kind: str, value) -> str | None:
        """The picker's value of a scope value: an internal id (a click on the map) as its text."""
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return self.internal.get((kind, value), str(value))
        return str(value)


def scope_choices(session: Session) -> ScopeChoices:
    epci_rows = session.execute(select(Epci.id, Epci.siren, Epci.short_name, Epci.name).order_by(Epci.short_name)).all()
    bailleur_rows = session.execute(select(Bailleur.id, Bailleur.name).order_by(Bailleur.name)).all()
    cites = cite_choices(session)
    # Two scalar subqueries: each reads one end of the month index; min() and max() in one SELECT scan all of it
    # (SQLite: 30 ms at 250 000 hour rows, on every refresh of the dashboard).
    first, last = session.execute(select(select(func.min(HoursEntry.month)).scalar_subquery(),
                                         select(func.max(HoursEntry.month)).scalar_subquery())).one()
    months = months_between(first, last) if first and last else []
    internal = {("epci", eid): siren for eid, siren, _s, _n in epci_rows}
    internal.update({("bailleur", bid): name for bid, name in bailleur_rows})
    internal.update({("cite", cid): value for _label, value, cid in cites})
    return ScopeChoices([(f"{short} — {name}", siren) for _id, siren, short, name in epci_rows],
                        [(name, name) for _id, name in bailleur_rows], [(label, value) for label, value, _id in cites],
                        months, internal)
