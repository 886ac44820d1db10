"""Which cités each committed write touched, and the generation of the data the indicators read.

`install_report_tracking(db)` (called by the opening pipeline's session rules) listens to the database's sessions
and engine:

- an ORM flush says precisely what it wrote: hours, contracts, persons (and their eligibility checks, exits and
  follow-up actions), operations, fundings, marchés and lots lead to the cités whose figures they change (a person
  to every cité of their contracts); any other table the indicators may read
  (cités, communes, EPCIs, bailleurs, companies, and tables added later) to « every cité »;
- any other INSERT, UPDATE or DELETE statement (an import's executemany, a bulk Core write) on a table not known
  to be outside the figures marks « every cité »;
- a session transaction that wrote any of it steps `report_state.generation` once, inside the transaction; once
  committed, the cités touched are published to this process's `Tracker` with that generation. A rollback
  forgets them.

Another process writing the same database (PostgreSQL, shared file) steps the generation too, without this
process being told which cités: the cache then sees a generation it cannot explain and computes everything.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass, field

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from erbm_desk.db.models import Contract, Marche, Operation, ReportState

# Tables whose rows no indicator reads: writing them changes no figure. Not the settings: the clause defaults
# (clauses.*) set the hours a lot requires when its own parameters are blank.
OUTSIDE_FIGURES = frozenset({"audit_log", "account", "erasure_register", "exchange_site", "exchange_import",
                             "import_mapping", "report_state", "report_cache", "alembic_version", "sqlite_sequence"})
_DML = re.compile(r'\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+'
                  r'["`\[]?(\w+)', re.IGNORECASE)
_MARKS = "erbm.report_marks"
_FLUSHING = "erbm.report_flushing"
HISTORY = 500  # published writes remembered


@dataclass
class Marks:
    """What one transaction touched: cité ids, or everything."""

    cites: set[int] = field(default_factory=set)
    everything: bool = False
    generation: int | None = None

    def __bool__(self) -> bool:
        return self.everything or bool(self.cites)


class Tracker:
    """The writes committed by this process: (generation, Marks), oldest first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.published: list[Marks] = []
        self.state: object | None = None  # the report cache's figures (report_cache.py), kept with the tracker
        self.stored: int | None = None  # the generation of the figures it last stored in the database

    def publish(self, marks: Marks) -> None:
        with self.lock:
            self.published.append(marks)
            del self.published[:-HISTORY]

    def touched_between(self, old: int, new: int) -> Marks | None:
        """The cités touched by the generations after `old` up to `new`, when this process made every one of them
        (None: some other process wrote, or the history is too short to tell)."""
        if new < old:
            return None
        with self.lock:
            found = {m.generation: m for m in self.published if m.generation is not None and old < m.generation <= new}
        if len(found) != new - old:
            return None
        total = Marks()
        for marks in found.values():
            total.everything |= marks.everything
            total.cites |= marks.cites
        return total


_TRACKERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # sessionmaker -> Tracker


def tracker_of(sessions) -> Tracker | None:
    return _TRACKERS.get(sessions)


def install_report_tracking(db) -> Tracker:
    """Track the writes of `db` (an opening.Database): its own session factory and engine only."""
    tracker = _TRACKERS.get(db.sessions)
    if tracker is not None:
        return tracker
    tracker = _TRACKERS[db.sessions] = Tracker()
    has_state: list[bool] = []

    def marks_of(conn) -> Marks:
        marks = conn.info.get(_MARKS)
        if marks is None:
            marks = conn.info[_MARKS] = Marks()
        return marks

    def before_cursor_execute(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        if conn.info.get(_FLUSHING):
            return  # the flush says precisely what it writes (after_flush)
        found = _DML.match(statement)
        if found and found.group(1).lower() not in OUTSIDE_FIGURES:
            marks_of(conn).everything = True

    def before_flush(session: Session, _context, _instances) -> None:
        if session.new or session.dirty or session.deleted:
            session.connection().info[_FLUSHING] = True

    def after_flush(session: Session, _context) -> None:
        conn = session.connection()
        _mark_flush(session, conn, marks_of(conn))

    def after_flush_postexec(session: Session, _context) -> None:
        session.connection().info.pop(_FLUSHING, None)

    def before_commit(session: Session) -> None:
        if session.get_transaction() is None:
            return
        if session.new or session.dirty or session.deleted:
            session.flush()  # the commit's own flush comes after this hook: what it writes must be marked now
        conn = session.connection()
        marks = conn.info.get(_MARKS)
        if marks and marks.generation is None and _state_table(conn, has_state):
            marks.generation = conn.execute(
                update(ReportState).where(ReportState.id == 1)
                .values(generation=ReportState.generation + 1).returning(ReportState.generation)).scalar()

    def commit(conn) -> None:
        marks = conn.info.pop(_MARKS, None)
        conn.info.pop(_FLUSHING, None)
        if marks:
            tracker.publish(marks)

    def rollback(conn) -> None:
        conn.info.pop(_MARKS, None)
        conn.info.pop(_FLUSHING, None)

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    event.listen(db.engine, "commit", commit)
    event.listen(db.engine, "rollback", rollback)
    event.listen(db.sessions, "before_flush", before_flush)
    event.listen(db.sessions, "after_flush", after_flush)
    event.listen(db.sessions, "after_flush_postexec", after_flush_postexec)
    event.listen(db.sessions, "before_commit", before_commit)
    return tracker


def _state_table(conn, has_state: list[bool]) -> bool:
    """Whether the database has `report_state` yet (not before its upgrade); known once it has."""
    if not has_state and inspect(conn).has_table("report_state"):
        has_state.append(True)
    return bool(has_state)


def _values(obj, key: str) -> set:
    """Every value `key` of `obj` had in this flush: before and after a change, or as loaded when deleted."""
    state = inspect(obj)
    # The value now (or as loaded), and the value before this flush's change if there was one: what the
    # attribute's history says, read without building it (hundreds of rows per flush).
    found = {state.dict.get(key), state.committed_state.get(key)}
    found.difference_update((None, NO_VALUE))
    return found


def _mark_flush(session: Session, conn, marks: Marks) -> None:
    contracts: set[int] = set()
    persons: set[int] = set()
    operations: set[int] = set()
    marches: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table is None or table in OUTSIDE_FIGURES:
            continue
        if table == "hours_entry":
            contracts |= _values(obj, "contract_id")
        elif table == "contract":  # its type, dates, person or operation: the figures of its cités
            operations |= _values(obj, "operation_id")
        elif table == "beneficiary":
            persons |= _values(obj, "id")
        elif table in ("eligibility_check", "path_exit", "followup_action"):  # the person's path: their cités
            persons |= _values(obj, "beneficiary_id")
        elif table == "marche":  # its operation's hours required (the sum of its lots')
            operations |= _values(obj, "operation_id")
        elif table == "lot":
            marches |= _values(obj, "marche_id")
        elif table == "operation":
            marks.cites |= _values(obj, "cite_id")
        elif table == "funding":
            operations |= _values(obj, "operation_id")
        else:
            marks.everything = True
    if marks.everything:
        return
    if contracts:
        operations |= set(conn.execute(select(Contract.operation_id).where(Contract.id.in_(contracts))).scalars())
    if marches:
        operations |= set(conn.execute(select(Marche.operation_id).where(Marche.id.in_(marches))).scalars())
    if persons:
        operations |= set(conn.execute(select(Contract.operation_id).where(Contract.beneficiary_id.in_(persons)))
                          .scalars())
    if operations:
        marks.cites |= set(conn.execute(select(Operation.cite_id).where(Operation.id.in_(operations))).scalars())
