"""The territory's dashboard without the full computation, always equal to it: an incremental layer around the
reporting engine.

`territory_dashboard(session)` gives what `dashboard_data(session)` gives for the whole territory over the whole
programme, from the cheapest source that is current:

1. the figures this process computed last, when the data's generation (`report_state`, stepped by every
   transaction that writes what the indicators read: report_tracking.py) has not moved;
2. else, when every write since was this process's own and named its cités, those cités' tallies and monthly hours
   computed again (`report(..., only_cites=…)`: the engine works per cité and sums) and put with the others —
   whose rows, sums of several cités (`Report.merged`), lots' lines and titulaires' lines are kept as they were;
3. else, the figures stored in the database (`report_cache`) when they were computed at the current generation by
   the same rules (a fingerprint of the code that computes them): the first screen after opening a database;
4. else the full computation.

After 2 or 4 the figures are stored in `report_cache` (a write of its own, outside the caller's session, only when
the generation is still the one computed from; skipped when the database is read-only or busy).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, insert, literal, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import ReportSnapshot, ReportState, utcnow
from erbm_desk.domain.clauses import CompanyLine, LotLine
from erbm_desk.domain.figures import DashboardData, MonthlyHours
from erbm_desk.domain.reporting import Period, Scope
from erbm_desk.services.clauses.obligations import lot_lines
from erbm_desk.services.clauses.overview import lot_lines_again, titulaires_again
from erbm_desk.services.reporting import figures_json
from erbm_desk.services.reporting.figures_json import rules_fingerprint
from erbm_desk.services.reporting.dashboard_data import as_of_date, dashboard_of
from erbm_desk.services.reporting.engine import Report, report
from erbm_desk.services.reporting.geography import commune_shapes, epci_outlines
from erbm_desk.services.reporting.hours_series import monthly_hours_by_cite, series
from erbm_desk.services.reporting.report_tracking import tracker_of
from erbm_desk.services.reporting.stored_figures import TILES, tiles_only

TERRITORY = "territory"
ZERO = Decimal("0.00")


@dataclass
class TerritoryFigures:
    generation: int
    report: Report | None  # None: figures read back from report_cache (no tallies to build on)
    by_cite: dict[int, dict[date, Decimal]]  # hours realised per cité and month
    data: DashboardData
    lots: list[LotLine] | None = None  # every lot's line at data.as_of (None: not known)
    by_month: dict[date, Decimal] | None = None  # hours realised per month: by_cite summed (None: not known)


def territory_dashboard(session: Session, store: bool = True) -> DashboardData:
    """The dashboard of the whole territory over the whole programme (see the module doc). `store` False: the
    caller stores them afterwards (`store_kept`), once it has shown them."""
    generation = current_generation(session)
    db = session.info.get("database")
    tracker = tracker_of(db.sessions) if db is not None else None
    if generation is None or tracker is None:  # not tracked (a plain Session, a database not upgraded yet)
        return _full(session).data
    kept: TerritoryFigures | None = tracker.state
    if kept is not None and kept.generation == generation:
        return kept.data
    touched = tracker.touched_between(kept.generation, generation) if kept is not None else None
    if kept is not None and kept.report is not None and touched is not None and not touched.everything:
        figures = _updated(session, kept, touched.cites, generation)
        if store:
            _store(db, figures)
    else:
        figures = _stored(session, generation)
        if figures is None:
            figures = _full(session, generation)
            if store:
                _store(db, figures)
    if figures.generation == current_generation(session):  # no write came between: keep them
        tracker.state = figures
    return figures.data


def current_generation(session: Session) -> int | None:
    try:
        return session.scalar(select(ReportState.generation).where(ReportState.id == 1))
    except Exception:  # noqa: BLE001 - a database not upgraded yet has no report_state: nothing to build on
        session.rollback()
        return None


def _full(session: Session, generation: int = -1) -> TerritoryFigures:
    r = report(session, Scope(), Period(), by="cite")
    by_cite = {cid: dict(zip(s.months, s.realised)) for cid, s in monthly_hours_by_cite(session, r).items()}
    as_of = as_of_date(session, r.period)
    lots = lot_lines(session, as_of)
    by_month: dict[date, Decimal] = {}
    for months in by_cite.values():
        _add(by_month, months, 1)
    return TerritoryFigures(generation, r, by_cite, _dashboard(session, r, by_month, lots), lots, by_month)


def _add(total: dict[date, Decimal], months: dict[date, Decimal], sign: int) -> None:
    for month, hours in months.items():
        if hours:
            total[month] = total.get(month, ZERO) + sign * hours


def _updated(session: Session, kept: TerritoryFigures, cites: set[int], generation: int) -> TerritoryFigures:
    """The kept figures with the tallies and hours of `cites` computed again."""
    old = kept.report
    if not cites:
        return replace(kept, generation=generation)
    part = report(session, Scope(), Period(), by="cite", only_cites=sorted(cites))
    if set(part.cites) != cites & set(old.cites) or not cites <= set(old.cites):
        return _full(session, generation)  # a cité appeared or went: its naming and order too
    tallies = {cid: part.tallies.get(cid, t) for cid, t in old.tallies.items()}
    operations = [op for op in old.operations if op[1] not in cites] + list(part.operations)  # [1]: cite_id
    nulls_first = session.get_bind().dialect.name == "sqlite"  # the engine's ORDER BY start_date, id
    operations.sort(key=lambda op: ((op.start_date is None) != nulls_first, op.start_date or date.min, op.id))
    r = Report(old.scope, old.period, old.label, old.by, old.cites, operations, tallies, old.operation_ids, session,
               merged={key: group for key, group in old.merged.items() if cites.isdisjoint(key)})
    by_cite, by_month = dict(kept.by_cite), dict(kept.by_month)  # sums of hundredths: exact both ways
    for cid, s in monthly_hours_by_cite(session, part).items():
        _add(by_month, by_cite.get(cid, {}), -1)
        by_cite[cid] = dict(zip(s.months, s.realised))
        _add(by_month, by_cite[cid], 1)
    # The lots' lines: those of the cités written again (a lot's hours are those of its operation's contracts),
    # unless the date the figures stand at moved (every lot's expected hours move with it).
    # The titulaires' lines: those of the companies with a lot there, summed again.
    as_of = as_of_date(session, r.period)
    if kept.lots is None or kept.data.as_of != as_of:
        lots, titulaires = lot_lines(session, as_of), None
    else:
        lots = lot_lines_again(session, as_of, kept.lots, cites)
        titulaires = titulaires_again(session, lots, kept.lots, kept.data.titulaires, cites)
    data = _dashboard(session, r, by_month, lots, titulaires)
    return TerritoryFigures(generation, r, by_cite, data, lots, by_month)


def _dashboard(session: Session, r: Report, by_month: dict[date, Decimal], lots: list[LotLine],
               titulaires: list[CompanyLine] | None = None) -> DashboardData:
    hours: MonthlyHours = series(by_month, r.operations, r.period)
    return dashboard_of(session, r, hours=hours, lots=lots, titulaires=titulaires)


# --- stored figures ----------------------------------------------------------------------------------------


def _stored(session: Session, generation: int) -> TerritoryFigures | None:
    row = session.execute(select(ReportSnapshot.generation, ReportSnapshot.rules, ReportSnapshot.payload)
                          .where(ReportSnapshot.key == TERRITORY)).first()
    if row is None or row.generation != generation or row.rules != rules_fingerprint():
        return None
    try:
        data = figures_json.loads(row.payload)
    except (ValueError, TypeError, KeyError):
        return None  # written by another version, or damaged: computed again
    data.map = replace(data.map, shapes=commune_shapes(), outlines=epci_outlines())
    return TerritoryFigures(generation, None, {}, data)


def store_kept(db) -> None:
    """Store the figures kept in memory for `db` in report_cache, unless they are there already or out of date."""
    tracker = tracker_of(db.sessions)
    figures = tracker.state if tracker is not None else None
    if figures is not None and figures.report is not None and figures.generation != tracker.stored:
        _store(db, figures)


def _store(db, figures: TerritoryFigures) -> None:
    """Keep the figures in report_cache if the data is still at their generation; never wait for a busy database."""
    if db is None or db.read_only or figures.generation < 0:
        return
    payloads = {TERRITORY: figures_json.dumps(figures.data), TILES: figures_json.dumps(tiles_only(figures.data))}
    try:
        with db.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA busy_timeout=100")
            try:
                conn.execute(delete(ReportSnapshot).where(ReportSnapshot.key.in_(payloads)))
                for key, payload in payloads.items():
                    conn.execute(insert(ReportSnapshot).from_select(
                        ["key", "generation", "rules", "payload", "computed_at"],
                        select(literal(key), ReportState.generation, literal(rules_fingerprint()), literal(payload),
                               literal(utcnow())).where(ReportState.id == 1,
                                                        ReportState.generation == figures.generation)))
            finally:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql("PRAGMA busy_timeout=5000")
    except Exception:  # noqa: BLE001 - a cache: busy or read-only now, computed again next time
        return
    tracker = tracker_of(db.sessions)
    if tracker is not None:
        tracker.stored = figures.generation


def forget(db) -> None:
    """Drop the figures and the writes kept in memory for `db`: its file was replaced (a backup restored), so its
    generations may repeat numbers seen before."""
    tracker = tracker_of(db.sessions)
    if tracker is not None:
        with tracker.lock:
            tracker.state = None
            tracker.published.clear()
