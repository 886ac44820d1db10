"""What every session of an open database enforces, installed by the opening pipeline and by nothing else.

`install_session_rules(db)` attaches, to the Database's OWN session factory (SQLAlchemy gives each sessionmaker
its own Session subclass) and to its engine:

1. access control (`security.access_control`): rights on every ORM and bulk write, identities masked for the
   roles that may not see them;
2. the audit journal (`security.audit`): every flush logged, bulk writes summarised, the head anchored;
3. the write guards below: nothing written through a database opened read-only, and no ORM write that breaks a
   value rule, whatever its path.

Nothing is attached at import time: a plain `Session` made elsewhere (a test, a script, Alembic) has no hidden
behaviour. The app's own internal work (restoring a backup, loading the reference data) goes through a Database
and therefore through the same rules, acting as a user whose rights are checked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from erbm_desk.db.models import Contract
from erbm_desk.domain import rules
from erbm_desk.domain.entities.catalogue import SPECS
from erbm_desk.domain.validation import record_problems
from erbm_desk.services.records.writes import ReadOnlyError, RecordInvalid, row_dict
from erbm_desk.services.security.access_control import install_access_control
from erbm_desk.services.security.audit import install_audit_journal


def read_only_message(reason: str) -> str:
    return (f"La base est ouverte en lecture seule ({reason}) : aucune modification n'est enregistrée. "
            "Pour modifier, fermez l'autre fenêtre d'ERBM Desk puis rouvrez la base.")


def install_session_rules(db: Any) -> None:
    """The rules of every session of `db` (an opening.Database); its sessions know their Database, and so their
    user."""
    info = {"database": db}
    if db.read_only:
        info["read_only"] = read_only_message(db.read_only_reason or "à votre demande")
    db.sessions.configure(info=info)
    install_access_control(db.sessions, db.engine)
    install_audit_journal(db.sessions)
    event.listen(db.sessions, "do_orm_execute", _refuse_bulk_writes_when_read_only)
    event.listen(db.sessions, "before_flush", _guard_rules)


def _refuse_bulk_writes_when_read_only(state) -> None:
    message = state.session.info.get("read_only")
    if message and (state.is_insert or state.is_update or state.is_delete):
        raise ReadOnlyError(message)


def _guard_rules(session: Session, _flush_context, _instances) -> None:
    """Last line of defence: no ORM write, whatever its path, stores a value that breaks a value rule."""
    if session.info.get("read_only") and (session.new or session.dirty or session.deleted):
        raise ReadOnlyError(session.info["read_only"])
    for obj in list(session.new) + list(session.dirty):
        entity = getattr(obj, "__tablename__", None)
        if entity not in SPECS or (obj in session.dirty and not session.is_modified(obj)):
            continue
        problems = record_problems(entity, row_dict(obj))
        if entity == "hours_entry" and not problems and obj.contract_id is not None:
            with session.no_autoflush:
                contract = obj.contract or session.get(Contract, obj.contract_id)
            try:
                rules.check_month_in_contract(obj.month, contract.start_date, contract.end_date)
            except rules.RuleError as exc:
                problems[exc.field] = exc.message
        if problems:
            raise RecordInvalid(problems)
