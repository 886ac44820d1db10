"""What every session of an open database enforces, installed by the opening pipeline and by nothing else.

`install_session_rules(db)` attaches, to the Database's OWN session factory (SQLAlchemy gives each sessionmaker
its own Session subclass) and to its engine:

1. access control (`security.access_control`): rights on every ORM and bulk write, identities masked for the
   roles that may not see them;
2. the audit journal (`security.audit`): every flush logged, bulk writes summarised, the head anchored;
3. the write guards of `records.writes`: nothing written through a database opened read-only, and no ORM write
   that breaks a value rule, whatever its path;
4. the tracking of what each write changes in the figures (`reporting.report_tracking`).

Nothing is attached at import time: a plain `Session` made elsewhere (a test, a script, Alembic) has no hidden
behaviour. The app's own internal work (restoring a backup, loading the reference data) goes through a Database
and therefore through the same rules, acting as a user whose rights are checked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from erbm_desk.services.records.writes import guard_rules_at_flush, refuse_bulk_writes_when_read_only
from erbm_desk.services.reporting.report_tracking import install_report_tracking
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
    event.listen(db.sessions, "do_orm_execute", refuse_bulk_writes_when_read_only)
    event.listen(db.sessions, "before_flush", guard_rules_at_flush)
    install_report_tracking(db)  # which cités each write touched: the dashboard recomputes only those
