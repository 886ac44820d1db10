"""A restore killed half-way owes the erasures of the database it replaced.

The register of the database being replaced is written beside it (UUIDs, dates, reasons, pseudonyms: never an
identity) before a backup's content goes in, and removed once its erasures are re-applied: if the process dies
in between, the next opening re-applies them (`finish_interrupted_restore`) before anyone sees the data.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from erbm_desk.services.security.erasure_followup import vacuum
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.security import authz
from erbm_desk.services.security.gdpr import RegisteredErasure, reapply_erasures


def owed_erasures_file(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.effacements-a-reappliquer.json")


def owe_erasures(db_path: Path, register: list[RegisteredErasure]) -> None:
    items = [{"uuid": r.beneficiary_uuid, "at": r.erased_at.isoformat(), "reason": r.reason, "pseudonym": r.pseudonym}
             for r in register]
    with atomic_path(owed_erasures_file(db_path)) as tmp:
        tmp.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")


def settle_erasures(db_path: Path) -> None:
    owed_erasures_file(db_path).unlink(missing_ok=True)


def finish_interrupted_restore(db) -> int:
    """Re-apply the erasures a killed restore still owed (the app's own work, as the system user: it only ever
    removes identities); the number of people erased again."""
    path = getattr(db, "path", None)
    owed = owed_erasures_file(path) if path is not None else None
    if owed is None or not owed.exists():
        return 0
    register = [RegisteredErasure(i["uuid"], datetime.fromisoformat(i["at"]), i["reason"], i.get("pseudonym"))
                for i in json.loads(owed.read_text(encoding="utf-8"))]
    acting, db.user = db.user, authz.system_user()
    try:
        with db.sessions.begin() as s:
            reports = reapply_erasures(s, register, "une restauration interrompue")
    finally:
        db.user = acting
    if reports:
        vacuum(db.engine)
    settle_erasures(path)
    return len(reports)
