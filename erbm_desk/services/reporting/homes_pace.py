"""Homes delivered per year 2017–2027, the pace needed to reach the target by the end of 2027 and a projection at
the pace so far.

Only deliveries move these figures (docs/indicateurs.md, « Rythme de livraison »): the pace so far is measured up
to the last delivery recorded, and the pace needed counts the months to come from today (or from the end of a
period that ended) — never from the last month of hours, which moves whenever a month of hours is typed."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Operation
from erbm_desk.domain import rules
from erbm_desk.domain.reporting import Period
from erbm_desk.domain.enums import Phase
from erbm_desk.domain.figures import HomesPace

PROGRAMME_END_YEAR = 2027


def homes_dates(session: Session, period: Period, today: date | None = None) -> tuple[date, date]:
    """(the day deliveries are measured up to, the day the years to come start from) of a period: the last
    delivery recorded by then in the database, and today — or the period's last day when it ended before."""
    now = today or date.today()
    if period.end and period.last_day < now:
        now = period.last_day
    last = session.scalar(select(func.max(Operation.delivery_date))
                          .where(Operation.phase == Phase.DELIVERED, Operation.delivery_date <= now))
    return (last or now), now


def homes_pace(operations: list[Row], scope_kind: str, dates: tuple[date, date], homes_planned: int) -> HomesPace:
    """The pace of `operations` (a scope's or a cité's) at `dates` (homes_dates): against the ERBM target for the
    territory, against the homes planned for anything smaller (which cannot deliver more than it plans)."""
    delivered_until, as_of = dates
    years = list(range(rules.ERBM_START_YEAR, PROGRAMME_END_YEAR + 1))
    delivered = dict.fromkeys(years, 0)
    for op in operations:
        if op.phase == Phase.DELIVERED and op.homes and op.delivery_date and op.delivery_date <= delivered_until:
            year = min(max(op.delivery_date.year, years[0]), years[-1])
            delivered[year] += op.homes
    if scope_kind == "territory":
        target, target_label = rules.TARGET_HOMES, "objectif ERBM"
    else:
        target, target_label = homes_planned, "logements prévus"
    delivered_total = sum(delivered.values())
    elapsed = max(1, (delivered_until.year - rules.ERBM_START_YEAR) * 12 + delivered_until.month)
    left = (PROGRAMME_END_YEAR - as_of.year) * 12 + (12 - as_of.month)
    pace_current = (Decimal(delivered_total) * 12 / elapsed).quantize(Decimal("0.1"), ROUND_HALF_UP)
    pace_needed = None
    if left > 0:
        pace_needed = (Decimal(max(target - delivered_total, 0)) * 12 / left).quantize(Decimal("0.1"), ROUND_HALF_UP)
    ceiling = None if scope_kind == "territory" else max(target, delivered_total)
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
        delivered_until=delivered_until,
    )
