"""The series the dashboard and the bilan draw, for one scope and one period. No Qt, no matplotlib.

`dashboard_data(session, scope, period)` gathers, from a handful of grouped queries:

- the scope's indicators (`compute_indicators`, so the KPI tiles and the comité sentence are those of
  `erbm-desk stats`);
- cumulative hours realised month by month, against the hours required by the operations spread evenly over
  each operation's months of works;
- people by public and by sex; contracts by type and by delivery method; operations by phase; funding by
  funder;
- homes delivered per year 2017–2027, the pace needed to reach the target by the end of 2027 and a projection
  at the pace so far;
- energy before/after renovation, one level below the scope (EPCIs of the territory, cités of an EPCI or a
  bailleur, operations of a cité);
- one row per cité and per EPCI (`group_rows`, also the bilan's tables) and values per commune for the map.

Hours and euros stay `Decimal` (exact sums); charts convert to float only to draw.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Beneficiary, Cite, Commune, Contract, Epci, Funding, HoursEntry, Operation
from erbm_desk.domain import rules
from erbm_desk.domain.enums import AgeBand, ContractType, DeliveryMethod, Funder, Phase, Sex
from erbm_desk.paths import SEEDS_DIR
from erbm_desk.services.reporting.indicators import (
    Indicators,
    Period,
    Scope,
    _match_one,
    compute_indicators,
    scope_cites,
    scope_label,
    scope_operations,
)

ZERO = Decimal("0.00")
PROGRAMME_START = date(rules.ERBM_START_YEAR, 1, 1)
PROGRAMME_END_YEAR = 2027
PUBLIC_LABELS = ("Bénéficiaires du RSA", "Moins de 26 ans", "DELD", "Autres publics")
MAP_INDICATORS = {"hours": "Heures réalisées", "people": "Personnes", "homes_delivered": "Logements livrés"}


# ---------------------------------------------------------------------------------------------- data shapes


@dataclass(frozen=True)
class MonthlyHours:
    months: list[date]  # first day of each month, no gap
    realised: list[Decimal]  # hours realised in the month
    cumulative: list[Decimal]  # hours realised since the first month shown
    required_cumulative: list[Decimal]  # hours required, spread evenly over each operation's months, cumulated
    required_total: Decimal  # hours required by all the operations in scope


@dataclass(frozen=True)
class HomesPace:
    years: list[int]  # 2017 … 2027
    delivered: list[int]  # homes delivered each year (0 after the data's date)
    cumulative: list[int | None]  # delivered since 2017 at each year's end, None after the data's year
    projection: list[int | None]  # at the pace so far, from the data's year to 2027, None before
    target: int
    target_label: str  # « objectif ERBM » or « logements prévus »
    delivered_total: int
    as_of: date
    pace_current: Decimal  # homes a year since January 2017
    pace_needed: Decimal | None  # homes a year from `as_of` to the end of 2027 (None when no time is left)
    projection_2027: int


@dataclass(frozen=True)
class EnergyRow:
    label: str
    before: Decimal | None  # kWh/m²/an, homes-weighted mean
    after: Decimal | None
    homes: int


@dataclass
class GroupRow:
    """Indicators of one cité or one EPCI (the bilan's tables, the comparison of cités)."""

    id: int
    name: str
    epci: str = ""  # short name of the EPCI
    commune: str = ""
    insee_code: str = ""
    bailleur: str = ""
    hours_realised: Decimal = ZERO
    hours_required: Decimal = ZERO
    people: int = 0
    people_rsa: int = 0
    people_under_26: int = 0
    people_women: int = 0
    contracts: int = 0
    operations: int = 0
    homes_planned: int = 0
    homes_delivered: int = 0
    funding: Decimal = ZERO
    cites: int = 0

    @property
    def hours_rate(self) -> Decimal | None:
        if not self.hours_required:
            return None
        return (self.hours_realised / self.hours_required * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class MapCite:
    id: int
    name: str
    x: float  # longitude, nudged apart when several cités share a commune
    y: float  # latitude
    in_scope: bool


@dataclass(frozen=True)
class MapData:
    insee_codes: list[str]  # communes drawn (the scope's EPCIs)
    values: dict[str, dict[str, Decimal | int]]  # insee -> {"hours", "people", "homes_delivered"}; in scope only
    cites: list[MapCite]
    epcis: list[str]  # SIREN of the EPCIs drawn
    epci_names: dict[str, str] = field(default_factory=dict)  # SIREN -> short name


@dataclass
class DashboardData:
    scope: Scope
    period: Period
    label: str
    as_of: date
    indicators: Indicators
    hours: MonthlyHours
    people_by_public: dict[str, int]
    people_by_sex: dict[str, int]
    contracts_by_type: dict[str, int]
    contracts_by_delivery: dict[str, int]
    operations_by_phase: dict[str, int]
    funding_by_funder: dict[str, Decimal]
    homes: HomesPace
    energy: list[EnergyRow]
    energy_level: str  # what one energy row is: « EPCI », « cité » or « opération »
    cites: list[GroupRow]  # ranked by hours realised, then name
    map: MapData = field(repr=False)


# ---------------------------------------------------------------------------------------------- scope helpers


def _cite_ids(session: Session, scope: Scope) -> Select:
    """A SELECT of the ids of the cités in scope (a cité without any operation is in its EPCI's scope too)."""
    ids = scope_cites(session, scope)
    return select(Cite.id) if ids is None else ids


def data_date(session: Session) -> date:
    """The date of the data: the end of the last month with hours, or the last delivery, whichever is later."""
    last_month = session.scalar(select(func.max(HoursEntry.month)))
    last_delivery = session.scalar(select(func.max(Operation.delivery_date)))
    candidates = [d for d in (last_month and rules.month_end(last_month), last_delivery) if d]
    return max(candidates) if candidates else date.today()


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _months_between(first: date, last: date) -> list[date]:
    out, m = [], rules.month_start(first)
    while m <= last:
        out.append(m)
        m = _next_month(m)
    return out


def _is_under_26(birth: date | None, start: date, band: AgeBand | None) -> bool:
    return rules.is_under_26(birth, start) if birth else band == AgeBand.UNDER_26


def _hours_filter(query: Select, period: Period) -> Select:
    if period.start:
        query = query.where(HoursEntry.month >= rules.month_start(period.start))
    if period.end:
        query = query.where(HoursEntry.month <= rules.month_start(period.end))
    return query


def _contracts_filter(query: Select, period: Period) -> Select:
    if period.last_day:
        query = query.where(Contract.start_date <= period.last_day)
    if period.first_day:
        query = query.where(or_(Contract.end_date.is_(None), Contract.end_date >= period.first_day))
    return query


# ---------------------------------------------------------------------------------------------- per group


@dataclass
class _People:
    all: set[int] = field(default_factory=set)
    rsa: set[int] = field(default_factory=set)
    young: set[int] = field(default_factory=set)
    women: set[int] = field(default_factory=set)
    deld: set[int] = field(default_factory=set)

    def add(self, pid: int, rsa: bool, young: bool, woman: bool, deld: bool) -> None:
        self.all.add(pid)
        if rsa:
            self.rsa.add(pid)
        if young:
            self.young.add(pid)
        if woman:
            self.women.add(pid)
        if deld:
            self.deld.add(pid)


@dataclass
class _Pass:
    """What one pass over the scope's contracts, operations and funding gives, keyed by cité id."""

    cites: dict[int, GroupRow]
    cite_epci: dict[int, int]
    epcis: dict[int, tuple[str, str, str]]  # id -> (siren, short name, name)
    people_by_cite: dict[int, _People]
    people_by_epci: dict[int, _People]
    people_by_commune: dict[str, _People]
    scope_people: _People
    operations: list[tuple]


def _one_pass(session: Session, scope: Scope, period: Period) -> _Pass:
    cite_ids = _cite_ids(session, scope)
    info_q = (
        select(Cite.id, Cite.name, Commune.name, Commune.insee_code, Epci.id, Epci.siren, Epci.short_name, Epci.name,
               Bailleur.name)
        .join(Commune, Cite.commune_id == Commune.id)
        .join(Epci, Commune.epci_id == Epci.id)
        .outerjoin(Bailleur, Cite.bailleur_id == Bailleur.id)
        .where(Cite.id.in_(cite_ids))
    )
    cites: dict[int, GroupRow] = {}
    cite_epci: dict[int, int] = {}
    epcis: dict[int, tuple[str, str, str]] = {}
    for cid, name, commune, insee, eid, siren, short, ename, bailleur in session.execute(info_q):
        cites[cid] = GroupRow(id=cid, name=name, epci=short, commune=commune, insee_code=insee,
                              bailleur=bailleur or "", cites=1)
        cite_epci[cid] = eid
        epcis[eid] = (siren, short, ename)

    # Hours and people: one row per contract with hours in the period (as compute_indicators counts them).
    # The hours are summed per contract first (one scan of the (contract_id, month) index), then joined: grouping
    # the joined rows instead took 3× as long on SQLite at demo scale 10.
    per_contract = _hours_filter(
        select(HoursEntry.contract_id.label("contract_id"), func.sum(HoursEntry.hours).label("hours"))
        .group_by(HoursEntry.contract_id),
        period,
    ).subquery()
    worked_q = (
        select(
            Operation.cite_id, Contract.start_date, Contract.age_band, Beneficiary.id, Beneficiary.birth_date,
            Beneficiary.sex, Beneficiary.rsa, Beneficiary.deld, per_contract.c.hours,
        )
        .select_from(per_contract)
        .join(Contract, per_contract.c.contract_id == Contract.id)
        .join(Operation, Contract.operation_id == Operation.id)
        .join(Beneficiary, Contract.beneficiary_id == Beneficiary.id)
        .where(Operation.cite_id.in_(cite_ids))
    )
    people_by_cite: dict[int, _People] = defaultdict(_People)
    people_by_epci: dict[int, _People] = defaultdict(_People)
    people_by_commune: dict[str, _People] = defaultdict(_People)
    scope_people = _People()
    for cid, start, band, pid, birth, sex, rsa, deld, hours in session.execute(worked_q):
        if not hours:
            continue
        row = cites[cid]
        row.hours_realised += hours
        flags = (pid, bool(rsa), _is_under_26(birth, start, band), sex == Sex.FEMALE, bool(deld))
        for people in (people_by_cite[cid], people_by_epci[cite_epci[cid]], people_by_commune[row.insee_code],
                       scope_people):
            people.add(*flags)
    for cid, people in people_by_cite.items():
        row = cites[cid]
        row.people, row.people_rsa = len(people.all), len(people.rsa)
        row.people_under_26, row.people_women = len(people.young), len(people.women)

    contracts_q = _contracts_filter(
        select(Operation.cite_id, func.count(Contract.id))
        .join(Operation, Contract.operation_id == Operation.id)
        .where(Operation.cite_id.in_(cite_ids))
        .group_by(Operation.cite_id),
        period,
    )
    for cid, n in session.execute(contracts_q):
        cites[cid].contracts = n

    ops_q = select(
        Operation.id, Operation.cite_id, Operation.name, Operation.phase, Operation.homes, Operation.start_date,
        Operation.end_date, Operation.delivery_date, Operation.hours_required, Operation.energy_before,
        Operation.energy_after,
    ).where(Operation.cite_id.in_(cite_ids))
    if scope.kind == "operation":
        ops_q = ops_q.where(Operation.id.in_(scope_operations(session, scope)))
    operations = session.execute(ops_q.order_by(Operation.start_date, Operation.id)).all()
    for _oid, cid, _name, phase, homes, _s, _e, delivered_on, required, _b, _a in operations:
        row = cites[cid]
        row.operations += 1
        row.hours_required += required or 0
        if phase != Phase.ABANDONED:
            row.homes_planned += homes or 0
        if phase == Phase.DELIVERED and (
            (period.start is None and period.end is None) or (delivered_on is not None and _day_in(delivered_on, period))
        ):
            row.homes_delivered += homes or 0

    funding_q = (
        select(Operation.cite_id, func.sum(Funding.amount))
        .join(Operation, Funding.operation_id == Operation.id)
        .where(Operation.cite_id.in_(cite_ids))
        .group_by(Operation.cite_id)
    )
    for cid, total in session.execute(funding_q):
        cites[cid].funding = total or ZERO
    return _Pass(cites, cite_epci, epcis, people_by_cite, people_by_epci, people_by_commune, scope_people,
                 operations)


def _day_in(day: date, period: Period) -> bool:
    return (period.first_day is None or day >= period.first_day) and (period.last_day is None or day <= period.last_day)


def _ranked(rows) -> list[GroupRow]:
    return sorted(rows, key=lambda r: (-r.hours_realised, -r.people, r.name))


def _epci_rows(p: _Pass) -> list[GroupRow]:
    out: dict[int, GroupRow] = {}
    for cid, row in p.cites.items():
        eid = p.cite_epci[cid]
        siren, short, name = p.epcis[eid]
        g = out.setdefault(eid, GroupRow(id=eid, name=name, epci=short))
        g.cites += 1
        for attr in ("hours_realised", "hours_required", "contracts", "operations", "homes_planned",
                     "homes_delivered", "funding"):
            setattr(g, attr, getattr(g, attr) + getattr(row, attr))
    for eid, g in out.items():
        people = p.people_by_epci.get(eid, _People())
        g.people, g.people_rsa = len(people.all), len(people.rsa)
        g.people_under_26, g.people_women = len(people.young), len(people.women)
    return sorted(out.values(), key=lambda g: g.name)


def group_rows(session: Session, scope: Scope = Scope(), period: Period = Period()) -> tuple[list[GroupRow],
                                                                                               list[GroupRow]]:
    """(rows per EPCI sorted by name, rows per cité ranked by hours realised) for the scope and period.

    People are counted once per row: a person who worked on two cités counts in both cités' rows, and once
    in their EPCI's row if both cités are in it."""
    p = _one_pass(session, scope, period)
    return _epci_rows(p), _ranked(p.cites.values())


# ---------------------------------------------------------------------------------------------- series


def _monthly_hours(session: Session, period: Period, operations: list[tuple], ops_select) -> MonthlyHours:
    # Grouped by an expression of the month, not the column: SQLite would otherwise walk the month index and
    # fetch every row from the table in that order (random reads: 1 s for the territory at demo scale 10); a
    # scan of the table and a small sort take a seventh of that. PostgreSQL plans both alike.
    month = func.coalesce(HoursEntry.month, HoursEntry.month)
    q = select(month, func.sum(HoursEntry.hours))
    if ops_select is not None:
        q = q.join(Contract, HoursEntry.contract_id == Contract.id).where(Contract.operation_id.in_(ops_select))
    by_month = dict(session.execute(_hours_filter(q, period).group_by(month)).all())
    required_total = sum((op[8] or ZERO for op in operations), ZERO)
    # Hours required, spread evenly over each operation's months (the remainder on its last month).
    required_by_month: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for _oid, _cid, _name, phase, _homes, start, end, delivered_on, required, _b, _a in operations:
        if not required or phase == Phase.ABANDONED:
            continue
        first = start or delivered_on
        last = end or delivered_on or start
        if first is None:
            continue
        months = _months_between(first, max(first, last))
        share = (required / len(months)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        for m in months:
            required_by_month[m] += share
        required_by_month[months[-1]] += required - share * len(months)
    known = [m for m, h in by_month.items() if h]
    first = rules.month_start(period.start) if period.start else (min(known) if known else None)
    last = rules.month_start(period.end) if period.end else (max(known) if known else None)
    if first is None or last is None or last < first:
        return MonthlyHours([], [], [], [], required_total)
    months = _months_between(first, last)
    realised = [by_month.get(m, ZERO) or ZERO for m in months]
    cumulative, required_cumulative = [], []
    total, req = ZERO, sum((v for m, v in required_by_month.items() if m < first), ZERO) if period.start is None \
        else ZERO
    for m, h in zip(months, realised):
        total += h
        req += required_by_month.get(m, ZERO)
        cumulative.append(total)
        required_cumulative.append(req)
    return MonthlyHours(months, realised, cumulative, required_cumulative, required_total)


def _homes_pace(operations: list[tuple], scope: Scope, as_of: date, homes_planned: int) -> HomesPace:
    years = list(range(rules.ERBM_START_YEAR, PROGRAMME_END_YEAR + 1))
    delivered = dict.fromkeys(years, 0)
    for _oid, _cid, _name, phase, homes, _s, _e, delivered_on, _r, _b, _a in operations:
        if phase == Phase.DELIVERED and homes and delivered_on and delivered_on <= as_of:
            year = min(max(delivered_on.year, years[0]), years[-1])
            delivered[year] += homes
    if scope.kind == "territory":
        target, target_label = rules.TARGET_HOMES, "objectif ERBM"
    else:
        target, target_label = homes_planned, "logements prévus"
    delivered_total = sum(delivered.values())
    elapsed = max(1, (as_of.year - rules.ERBM_START_YEAR) * 12 + as_of.month)
    left = (PROGRAMME_END_YEAR - as_of.year) * 12 + (12 - as_of.month)
    pace_current = (Decimal(delivered_total) * 12 / elapsed).quantize(Decimal("0.1"), ROUND_HALF_UP)
    pace_needed = None
    if left > 0:
        pace_needed = (Decimal(max(target - delivered_total, 0)) * 12 / left).quantize(Decimal("0.1"), ROUND_HALF_UP)
    # A cité, an EPCI or a bailleur cannot deliver more homes than it plans.
    ceiling = None if scope.kind == "territory" else max(target, delivered_total)
    cumulative: list[int | None] = []
    projection: list[int | None] = []
    running = 0
    for y in years:
        running += delivered[y]
        cumulative.append(running if y <= as_of.year else None)
        if y < as_of.year:
            projection.append(None)
        else:
            months_ahead = max(0, (y - as_of.year) * 12 + (12 - as_of.month))
            projected = int((delivered_total + pace_current * months_ahead / 12).to_integral_value(ROUND_HALF_UP))
            projection.append(projected if ceiling is None else min(projected, ceiling))
    return HomesPace(
        years=years, delivered=[delivered[y] for y in years], cumulative=cumulative, projection=projection,
        target=target, target_label=target_label, delivered_total=delivered_total, as_of=as_of,
        pace_current=pace_current, pace_needed=pace_needed, projection_2027=projection[-1] or delivered_total,
    )


def _weighted(pairs: list[tuple[Decimal, int]]) -> Decimal | None:
    weight = sum(w for _, w in pairs)
    if not pairs or not weight:
        return None
    return (sum(v * w for v, w in pairs) / weight).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _energy(p: _Pass, scope: Scope) -> tuple[list[EnergyRow], str]:
    """Homes-weighted energy before/after, one row per EPCI (territory), per cité (EPCI, bailleur) or per
    operation (cité, operation). Operations renovated (both values known) give both means; a group without
    any renovated operation shows its consumption before works only."""
    if scope.kind == "territory":
        level, key, label = "EPCI", lambda op: p.cite_epci[op[1]], lambda k: p.epcis[k][1]
    elif scope.kind in ("epci", "bailleur"):
        level, key, label = "cité", lambda op: op[1], lambda k: p.cites[k].name
    else:
        level, key, label = "opération", lambda op: op[0], None
    groups: dict[int, list[tuple]] = defaultdict(list)
    names: dict[int, str] = {}
    for op in p.operations:
        if op[9] is None or op[3] == Phase.ABANDONED:
            continue
        groups[key(op)].append(op)
        names[key(op)] = label(key(op)) if label else op[2]
    rows = []
    for k, ops in groups.items():
        done = [op for op in ops if op[10] is not None]
        basis = done or ops
        rows.append(EnergyRow(
            label=names[k],
            before=_weighted([(op[9], op[4] or 1) for op in basis]),
            after=_weighted([(op[10], op[4] or 1) for op in done]),
            homes=sum(op[4] or 0 for op in basis),
        ))
    rows.sort(key=lambda r: r.label)
    return rows, level


def _map_data(session: Session, scope: Scope, p: _Pass) -> MapData:
    names = dict(session.execute(select(Epci.siren, Epci.short_name)).all())
    if scope.kind in ("epci", "cite", "operation") and p.epcis:
        sirens = sorted(siren for siren, _s, _n in p.epcis.values())
    else:
        sirens = sorted(names)
    communes = session.execute(
        select(Commune.insee_code, Commune.longitude, Commune.latitude)
        .join(Epci, Commune.epci_id == Epci.id)
        .where(Epci.siren.in_(sirens))
        .order_by(Commune.insee_code)
    ).all()
    coords = {insee: (lon, lat) for insee, lon, lat in communes}
    values: dict[str, dict] = {}
    for row in p.cites.values():
        v = values.setdefault(row.insee_code, {"hours": ZERO, "people": 0, "homes_delivered": 0})
        v["hours"] += row.hours_realised
        v["homes_delivered"] += row.homes_delivered
    for insee, people in p.people_by_commune.items():
        values[insee]["people"] = len(people.all)
    all_cites = session.execute(
        select(Cite.id, Cite.name, Commune.insee_code)
        .join(Commune, Cite.commune_id == Commune.id)
        .join(Epci, Commune.epci_id == Epci.id)
        .where(Epci.siren.in_(sirens))
        .order_by(Commune.insee_code, Cite.name)
    ).all()
    by_commune: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for cid, name, insee in all_cites:
        by_commune[insee].append((cid, name))
    cites = []
    for insee, members in by_commune.items():
        lon, lat = coords.get(insee, (None, None))
        if lon is None:
            continue
        for i, (cid, name) in enumerate(members):
            dx = dy = 0.0
            if len(members) > 1:  # spread cités of one commune on a small circle around its centre
                angle = 2 * math.pi * i / len(members)
                dx, dy = 0.012 * math.cos(angle), 0.008 * math.sin(angle)
            cites.append(MapCite(cid, name, lon + dx, lat + dy, cid in p.cites))
    return MapData([c[0] for c in communes], values, cites, sirens, {s: names[s] for s in sirens})


def _labelled(counts: dict[str, int], enum_cls) -> dict[str, int]:
    """Codes -> French labels, in the enumeration's order, leaving out zeros."""
    return {m.label: counts[m.value] for m in enum_cls if counts.get(m.value)}


@dataclass(frozen=True)
class CiteSeries:
    """What a cité's page of the bilan draws."""

    row: GroupRow
    hours: MonthlyHours
    homes: HomesPace
    energy: list[EnergyRow]


def cite_series(session: Session, cite_id: int, period: Period = Period(), as_of: date | None = None) -> CiteSeries:
    """The series of one cité, without the map and the breakdowns of `dashboard_data` (the bilan draws one
    page per cité)."""
    scope = Scope("cite", cite_id)
    p = _one_pass(session, scope, period)
    row = next(iter(p.cites.values()))
    as_of = as_of or (min(data_date(session), period.last_day) if period.end else data_date(session))
    ops = select(Operation.id).where(Operation.cite_id == cite_id)
    return CiteSeries(
        row=row,
        hours=_monthly_hours(session, period, p.operations, ops),
        homes=_homes_pace(p.operations, scope, as_of, row.homes_planned),
        energy=_energy(p, scope)[0],
    )


def dashboard_label(session: Session, scope: Scope, p: _Pass) -> str:
    """What the dashboard's title says: « Cité 10 — Sains-en-Gohelle (CALL) », « EPCI : … (CALL) »…"""
    if scope.kind == "cite" and len(p.cites) == 1:
        row = next(iter(p.cites.values()))
        return f"{row.name} — {row.commune} ({row.epci})"
    if scope.kind == "epci":
        ids = _match_one(session, select(Epci.id, Epci.siren, Epci.short_name, Epci.name), scope.value, "EPCI")
        name, short = session.execute(select(Epci.name, Epci.short_name).where(Epci.id == ids[0])).one()
        return f"EPCI : {name} ({short})"
    if scope.kind == "bailleur":
        ids = _match_one(session, select(Bailleur.id, Bailleur.name), scope.value, "Bailleur")
        return f"Bailleur : {session.scalar(select(Bailleur.name).where(Bailleur.id == ids[0]))}"
    return scope_label(session, scope)


def dashboard_data(session: Session, scope: Scope = Scope(), period: Period = Period()) -> DashboardData:
    ind = compute_indicators(session, scope, period)
    p = _one_pass(session, scope, period)
    as_of = min(data_date(session), period.last_day) if period.end else data_date(session)
    ops_select = scope_operations(session, scope)
    people = p.scope_people
    others = sum(1 for pid in people.all if pid not in people.rsa and pid not in people.young
                 and pid not in people.deld)
    energy, energy_level = _energy(p, scope)
    return DashboardData(
        scope=scope,
        period=period,
        label=dashboard_label(session, scope, p),
        as_of=as_of,
        indicators=ind,
        hours=_monthly_hours(session, period, p.operations, ops_select),
        people_by_public=dict(zip(PUBLIC_LABELS, (len(people.rsa), len(people.young), len(people.deld), others))),
        people_by_sex={"Femmes": len(people.women), "Hommes": len(people.all) - len(people.women)},
        contracts_by_type=_labelled(ind.contracts_by_type, ContractType),
        contracts_by_delivery=_labelled(ind.contracts_by_delivery, DeliveryMethod),
        operations_by_phase={ph.label: ind.operations_by_phase.get(ph.value, 0) for ph in Phase},
        funding_by_funder={f.label: ind.funding_by_funder[f.value] for f in Funder if ind.funding_by_funder.get(f.value)},
        homes=_homes_pace(p.operations, scope, as_of, ind.homes_planned),
        energy=energy,
        energy_level=energy_level,
        cites=_ranked(p.cites.values()),
        map=_map_data(session, scope, p),
    )


# ---------------------------------------------------------------------------------------------- geography


@dataclass(frozen=True)
class CommuneShape:
    insee_code: str
    name: str
    epci_siren: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # outer ring of each polygon, (lon, lat); holes dropped


@lru_cache(maxsize=4)
def commune_shapes(path: str | Path = SEEDS_DIR / "communes.geojson") -> dict[str, CommuneShape]:
    """The commune boundaries shipped in seeds/ (offline map), keyed by INSEE code. Read once."""
    with open(path, encoding="utf-8") as fh:
        collection = json.load(fh)
    shapes = {}
    for feature in collection["features"]:
        props, geom = feature["properties"], feature["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        rings = tuple(tuple((float(x), float(y)) for x, y in polygon[0]) for polygon in polygons)
        shapes[props["insee_code"]] = CommuneShape(props["insee_code"], props["name"], props["epci_siren"], rings)
    return shapes


def _distance(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    t = 0.0 if not length else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


OUTLINE_TOLERANCE = 0.0013  # degrees (≈ 150 m): neighbouring communes' simplified borders differ by less


@lru_cache(maxsize=4)
def epci_outlines(path: str | Path = SEEDS_DIR / "communes.geojson") -> dict[str, tuple]:
    """Per EPCI SIREN, the boundary segments ((x0, y0), (x1, y1)) of its communes that border no other commune
    of the same EPCI: the EPCI's outline, without a geometry library.

    The shipped boundaries are simplified commune by commune, so two neighbours rarely share their vertices:
    a segment is inner when its midpoint lies within OUTLINE_TOLERANCE of another commune of the same EPCI."""
    cell = 0.01
    segments: list[tuple] = []
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for shape in commune_shapes(path).values():
        for ring in shape.rings:
            for a, b in zip(ring, ring[1:]):
                if a == b:
                    continue
                index = len(segments)
                segments.append((a, b, shape.insee_code, shape.epci_siren))
                for gx in range(int(min(a[0], b[0]) // cell), int(max(a[0], b[0]) // cell) + 1):
                    for gy in range(int(min(a[1], b[1]) // cell), int(max(a[1], b[1]) // cell) + 1):
                        grid[(gx, gy)].append(index)
    outlines: dict[str, list] = defaultdict(list)
    for a, b, insee, siren in segments:
        mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        gx, gy = int(mid[0] // cell), int(mid[1] // cell)
        inner = any(
            segments[j][2] != insee and segments[j][3] == siren
            and _distance(mid, segments[j][0], segments[j][1]) < OUTLINE_TOLERANCE
            for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in grid.get((gx + dx, gy + dy), ())
        )
        if not inner:
            outlines[siren].append((a, b))
    return {siren: tuple(segs) for siren, segs in outlines.items()}


# ---------------------------------------------------------------------------------------------- choices


@dataclass(frozen=True)
class ScopeChoices:
    """What the dashboard's selectors offer: (label, value for Scope) per kind, and the months with data."""

    epcis: list[tuple[str, str]]
    bailleurs: list[tuple[str, int]]
    cites: list[tuple[str, int]]
    months: list[date]


def scope_choices(session: Session) -> ScopeChoices:
    epcis = [(f"{short} — {name}", siren) for siren, short, name in
             session.execute(select(Epci.siren, Epci.short_name, Epci.name).order_by(Epci.short_name))]
    bailleurs = [(name, bid) for bid, name in session.execute(select(Bailleur.id, Bailleur.name)
                                                             .order_by(Bailleur.name))]
    rows = session.execute(
        select(Cite.id, Cite.name, Commune.name, Epci.short_name)
        .join(Commune, Cite.commune_id == Commune.id)
        .join(Epci, Commune.epci_id == Epci.id)
        .order_by(Cite.name, Commune.name)
    ).all()
    cites = [(f"{name} — {commune} ({short})", cid) for cid, name, commune, short in rows]
    first, last = session.execute(select(func.min(HoursEntry.month), func.max(HoursEntry.month))).one()
    months = _months_between(first, last) if first and last else []
    return ScopeChoices(epcis, bailleurs, cites, months)
