"""Writing a checked import plan: everything in the caller's ONE transaction, or nothing.

Rows were checked by `plan_import` with every rule a form obeys; they are written here with bulk Core
statements (tens of thousands of rows a second). The plan is refused if the database changed since it was
made (another window, another user), and on cancel the caller's transaction rolls everything back.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from erbm_desk.db import planner_statistics
from erbm_desk.db.bulk_writes import note_bulk_write
from erbm_desk.db.models import MODELS, Bailleur, utcnow
from erbm_desk.db.portability import sync_id_sequences
from erbm_desk.domain import rules
from erbm_desk.domain.entities import SPECS, WORKBOOK_ENTITIES, Kind
from erbm_desk.services.security import audit, authz
from erbm_desk.services.paused_gc import paused_gc
from erbm_desk.services.exchange.site_log import log_import
from erbm_desk.services.exchange.model import ImportPlan, NewBailleur, RowPlan, Status, counted
from erbm_desk.services.exchange.snapshot import database_token
from erbm_desk.services.progress import NullProgress, Progress, check_cancel
from erbm_desk.domain.french import count_agreed, format_count

CHUNK = 5000


class PlanOutdated(RuntimeError):
    """The database changed between the preview and the confirmation: the preview must be made again."""

    def __init__(self) -> None:
        super().__init__("La base a été modifiée depuis l'aperçu (dans une autre fenêtre ou par un autre poste) : "
                         "rien n'a été importé. Relancez l'import pour voir un aperçu à jour.")


class PlanNotReady(ValueError):
    """The plan has errors or unsettled conflicts (French message)."""


@dataclass
class ApplySummary:
    written: Counter = field(default_factory=Counter)  # (entity, "new"|"changed") -> rows
    bailleurs: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.written.values()) + self.bailleurs

    @property
    def message(self) -> str:
        if not self.total:
            return "Rien à importer : la base contenait déjà tout le classeur."
        parts = []
        for entity in WORKBOOK_ENTITIES:
            new, changed = self.written[(entity, "new")], self.written[(entity, "changed")]
            if new or changed:
                parts.append(f"{SPECS[entity].plural} : {counted(entity, new, 'ajouté')}, "
                             f"{counted(entity, changed, 'modifié')}")
        if self.bailleurs:
            parts.append(count_agreed(self.bailleurs, "bailleur", "créé"))
        return "Import terminé — " + " ; ".join(parts) + "."


def _target_id(value: Any) -> Any:
    if value.__class__ is RowPlan or value.__class__ is NewBailleur:
        return value.db_id
    return value


class _BulkInsert:
    """INSERT of many rows straight to the driver's executemany, values converted by the columns' own SQLAlchemy
    types (Hundredths, EnumCode, dates): the same rows as `session.execute(insert(table), rows)`, at a third
    of its cost. Rights and audit are the caller's (apply_import checks both)."""

    def __init__(self, session: Session, table, keys: list[str]):
        self.session = session
        self.table = table.name
        self.conn = session.connection()
        dialect = self.conn.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=keys)
        self.sql = str(compiled)
        order = compiled.positiontup if compiled.positional else keys
        self.order = list(order)
        self.positional = compiled.positional
        self.processors = [_memoised(table.c[k].type.dialect_impl(dialect).bind_processor(dialect))
                           for k in self.order]

    def insert(self, rows: list[RowPlan], base: dict[str, Any], now) -> None:
        """Insert new rows: their values (`rp.store`), the defaults of the columns they lack (`base`).
        Built column by column (one comprehension and one converter per column, not a branch per cell)."""
        columns = []
        for key, process in zip(self.order, self.processors):
            if key == "id":
                values = [rp.db_id for rp in rows]
            elif key == "uuid":
                values = [rp.uuid for rp in rows]
            elif key == "updated_at":
                values = [rp.updated_at for rp in rows]
            elif key == "created_at":
                values = [now] * len(rows)
            elif key == "version":
                values = [1] * len(rows)
            else:
                default = base[key]
                values = [rp.store.get(key, default) for rp in rows]
                if any(v.__class__ is RowPlan or v.__class__ is NewBailleur for v in values):
                    values = [_target_id(v) for v in values]
            if process is not None:
                values = [None if v is None else process(v) for v in values]
            columns.append(values)
        if self.positional:
            converted = list(zip(*columns))
        else:
            converted = [dict(zip(self.order, row)) for row in zip(*columns)]
        self.conn.exec_driver_sql(self.sql, converted)
        note_bulk_write(self.session, self.table)  # no ORM event says so


def _memoised(process):
    """A column's converter, remembering its last few thousand answers (months, hours and labels repeat)."""
    if process is None:
        return None
    memo: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        key = (value.__class__, value)
        try:
            return memo[key]
        except KeyError:
            out = process(value)
            if len(memo) < 50_000:
                memo[key] = out
            return out
        except TypeError:
            return process(value)

    return convert


def defaults(entity: str) -> dict[str, Any]:
    """The value of every column a new row does not give: False for yes/no, else empty."""
    out = {c.key: (False if c.kind is Kind.BOOL else None) for c in SPECS[entity].columns}
    if entity == "beneficiary":
        out["pseudonym"] = None
    return out


def _writes(plan: ImportPlan, entity: str) -> tuple[list[RowPlan], list[RowPlan]]:
    sp = plan.sheets.get(entity)
    if sp is None:
        return [], []
    news = [rp for rp in sp.rows if rp.status is Status.NEW]
    updates = [rp for rp in sp.rows if rp.status is Status.CHANGED
               or (rp.status is Status.CONFLICT and rp.conflict is not None and rp.conflict.choice == "file")]
    return news, updates


def check_ready(plan: ImportPlan) -> None:
    if not plan.ok:
        raise PlanNotReady(f"Le fichier comporte {format_count(len(plan.errors), 'erreur')} : rien n'a été importé.")
    if plan.unresolved:
        raise PlanNotReady(f"{format_count(len(plan.unresolved), 'conflit')} à trancher avant d'importer : rien n'a "
                           "été importé.")
    # Hours whose contract stays as it is here (conflict settled for the local version) must fit its period.
    sp = plan.sheets.get("hours_entry")
    for rp in sp.rows if sp else ():
        contract = rp.final.get("contract_id")
        if isinstance(contract, RowPlan) and contract.conflict is not None and contract.conflict.choice == "local" \
                and rp.status in (Status.NEW, Status.CHANGED):
            local = contract.conflict.local_values
            try:
                rules.check_month_in_contract(rp.final["month"], local["start_date"], local.get("end_date"))
            except rules.RuleError as exc:
                raise PlanNotReady(f"Feuille « {sp.sheet} », ligne {rp.row} : {exc.message} Gardez la version du "
                                   "fichier pour ce contrat, ou corrigez le classeur.") from None


@paused_gc()
def apply_import(session: Session, plan: ImportPlan, progress: Progress | None = None,
                 check_database: bool = True) -> ApplySummary:
    """Write the plan in the caller's transaction (the caller commits; an exception rolls back everything)."""
    progress = progress or NullProgress()
    started = time.perf_counter()
    check_ready(plan)
    if session.info.get("read_only"):
        raise PlanNotReady(str(session.info["read_only"]))
    authz.require(session, authz.DATA_IMPORT)
    writes = {e: _writes(plan, e) for e in WORKBOOK_ENTITIES}  # once: a pass over every row of the plan
    written = [e for e in WORKBOOK_ENTITIES if any(writes[e])]
    authz.require_write(session, *written, *(["bailleur"] if plan.new_bailleurs else []))
    if check_database and database_token(session) != plan.db_token:
        raise PlanOutdated()
    with _write_cache(session):
        summary = _apply(session, plan, writes, progress)
    summary.seconds = time.perf_counter() - started
    return summary


BULK_CACHE_KB = 64 * 1024


@contextmanager
def _write_cache(session: Session):
    """SQLite: a larger page cache while the rows go in (the indexes of a large table — random identifiers —
    otherwise churn SQLite's 2 MB default; about a sixth of the write), back to what it was afterwards."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    if before is not None and (before < 0 and -before >= BULK_CACHE_KB or before > 0 and before * 4 >= BULK_CACHE_KB):
        yield  # already as large (pages of at least 4 KB)
        return
    conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def _apply(session: Session, plan: ImportPlan, writes: dict[str, tuple[list[RowPlan], list[RowPlan]]],
           progress: Progress) -> ApplySummary:
    summary = ApplySummary()
    now = utcnow()
    progress.start(max(plan.writes, 1), "Enregistrement dans la base")
    for nb in plan.new_bailleurs.values():
        row = Bailleur(name=nb.name, created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        nb.db_id = row.id
        summary.bailleurs += 1
    for entity in WORKBOOK_ENTITIES:
        news, updates = writes[entity]
        table = MODELS[entity].__table__
        if news:
            base = defaults(entity)
            next_id = (session.scalar(select(func.max(table.c.id))) or 0) + 1
            for rp in news:
                rp.db_id = next_id
                next_id += 1
            writer = _BulkInsert(session, table, [*base, "id", "uuid", "created_at", "updated_at", "version"])
            for i in range(0, len(news), CHUNK):
                check_cancel(progress)
                chunk = news[i:i + CHUNK]
                writer.insert(chunk, base, now)
                progress.advance(len(chunk))
            summary.written[(entity, "new")] += len(news)
        by_columns: dict[tuple[str, ...], list[RowPlan]] = {}
        for rp in updates:
            by_columns.setdefault(tuple(sorted(rp.store)), []).append(rp)
        for keys, rows in by_columns.items():
            statement = (
                table.update().where(table.c.id == bindparam("b_id"))
                .values({**{k: bindparam(f"b_{k}") for k in keys}, "updated_at": bindparam("b_updated_at"),
                         "version": table.c.version + 1})
            )
            for i in range(0, len(rows), CHUNK):
                check_cancel(progress)
                chunk = rows[i:i + CHUNK]
                session.execute(statement, [
                    {**{f"b_{k}": _target_id(rp.store[k]) for k in keys}, "b_id": rp.db_id,
                     "b_updated_at": rp.updated_at}
                    for rp in chunk
                ])
                progress.advance(len(chunk))
            summary.written[(entity, "changed")] += len(rows)
    check_cancel(progress)
    if summary.written:
        sync_id_sequences(session)  # ids were given explicitly: PostgreSQL's sequences must follow
        # Bulk Core writes are not seen by the audit listener: one summary entry.
        counts: Counter = Counter()
        for (entity, _kind), n in summary.written.items():
            counts[entity] += n
        audit.record_bulk(session, dict(counts), note=f"import Excel « {plan.path.name} » ({plan.kind})")
    foreign = plan.metadata.get("site") and not plan.baseline.own
    if (summary.total or foreign) and not plan.already_imported:
        meta = plan.metadata
        log_import(session, source_site=meta.get("site"), organisation=meta.get("organisation"),
                   exported_at=meta.get("exported_at"), imported_at=utcnow(), file_name=plan.path.name,
                   sha256=plan.sha256, summary={f"{e}:{k}": n for (e, k), n in summary.written.items()})
    session.flush()
    check_cancel(progress)
    planner_statistics.refresh_if_stale(session.connection())  # a first import multiplies the tables' sizes
    return summary
