"""The erase scenario of the fault-injection bench (fault_injection.py; a helper, not a bench of its own): a person, three automatic backups that
hold them, and after each kill the files that still hold their name once the base says they are erased."""

from __future__ import annotations

import sqlite3
from pathlib import Path

ERASED_NAME = "ZYGMUNTOWICZ-FAULTS"


def erase_scenario(workdir: Path, populated: Path, copy_db) -> tuple[Path, int, Path]:
    """The populated base with one more person, and three automatic backups made while they were there."""
    from datetime import date, datetime, timedelta

    from erbm_desk.domain.enums import Sex
    from erbm_desk.services.backup.copies import backup_database
    from erbm_desk.services.backup.location import backup_folder
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.records.writes import save_record

    before = workdir / "erase-before" / "erase.sqlite"
    before.parent.mkdir()
    copy_db(populated, before)
    db = open_database(str(before))
    with db.session() as s:
        person = save_record(s, "beneficiary", dict(last_name=ERASED_NAME, first_name="Radegonde",
                                                    birth_date=date(1994, 2, 3), sex=Sex.FEMALE))
    for days in (2, 1, 0):
        backup_database(db, "demarrage", now=datetime.now() - timedelta(days=days), rotate_after=False)
    db.close()
    return before, person.id, backup_folder(before)


def names_left(work: Path, folders: list[Path]) -> list[str]:
    """Files of these folders that still hold the erased person's name, when the base says they are erased."""
    conn = sqlite3.connect(str(work), timeout=30)
    try:
        still = conn.execute("SELECT 1 FROM beneficiary WHERE last_name = ?", (ERASED_NAME,)).fetchone()
    finally:
        conn.close()
    if still:
        return []  # killed before the erasure's commit: the before state, the name is rightly there
    needle = ERASED_NAME.encode()
    return [str(f) for folder in folders for f in folder.rglob("*") if f.is_file() and needle in f.read_bytes()]
