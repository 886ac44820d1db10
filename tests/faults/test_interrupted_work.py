"""Work a killed process left half-done is finished or removed at the next opening: an erasure reaches every copy
(the file's free pages and -wal, the automatic backups) or is taken up again until it has; a restore killed before
its erasures were re-applied re-applies them; temporary files whose writer is gone are deleted and never offered as
backups. The kill is stood in for by stopping the work at the point a SIGKILL would (bench/fault_injection.py
kills real processes)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from datetime import date

import pytest

from erbm_desk.domain.enums import Sex
from erbm_desk.services import atomic_files
from erbm_desk.services.backup import copies, scrub
from erbm_desk.services.backup.listing import list_backups
from erbm_desk.services.backup.location import backup_folder
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.records.writes import save_record
from erbm_desk.services.security import erasure_followup, gdpr, interrupted_restore
from tests.fixtures import build_small_dataset

NAME, FIRST = "KRZYWOBLOCKA", "Hildegonde"


@pytest.fixture
def made(tmp_path):
    path = tmp_path / "base.sqlite"
    db = open_database(str(path))
    with db.session() as s:
        build_small_dataset(s)
        person = save_record(s, "beneficiary", dict(last_name=NAME, first_name=FIRST, birth_date=date(1999, 3, 4),
                                                    sex=Sex.FEMALE))
    db.close()
    return path, person.id


def name_in(path) -> bool:
    data = b"".join(f.read_bytes() for f in (path, path.with_name(path.name + "-wal")) if f.exists())
    return NAME.encode() in data or FIRST.encode() in data


def whole(path) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def killed_erasure(path, person_id) -> None:
    """An erasure whose process dies right after its commit: no VACUUM, no backup cleaned."""
    db = open_database(str(path))
    try:
        with db.session() as s:
            report = gdpr.erase_person(s, person_id)
            erasure_followup.mark(s, [report.uuid])
    finally:
        db.engine.dispose()
        db.close()


def dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(child.stdout)


def test_an_erasure_killed_before_its_copies_were_cleaned_is_finished_at_the_next_opening(made):
    db_path, person = made
    backup = copies.backup_database(db_path, "manuelle").path
    assert name_in(backup)
    killed_erasure(db_path, person)
    assert name_in(backup)  # what the kill leaves: the person still in the backup

    db = open_database(str(db_path))
    try:
        assert erasure_followup.pending(db.engine) == []
    finally:
        db.close()
    assert not name_in(backup) and not name_in(db_path)
    assert whole(backup) and backup in [b.path for b in list_backups(db_path)]  # still offered, now clean


def test_a_backup_that_cannot_be_cleaned_stays_whole_and_the_erasure_stays_owed(made, monkeypatch):
    db_path, person = made
    backup = copies.backup_database(db_path, "manuelle").path
    killed_erasure(db_path, person)

    def disk_fails(path, people):
        path.write_bytes(path.read_bytes()[:1000])  # half-written, as a kill or a full disk would leave it
        raise OSError(28, "No space left on device")

    cleans = scrub._scrub_file
    monkeypatch.setattr(scrub, "_scrub_file", disk_fails)
    db = open_database(str(db_path))
    try:
        assert erasure_followup.pending(db.engine) != []
        assert any("n'a pas encore atteint 1 sauvegarde" in w for w in db.warnings), db.warnings
        assert not any("No space" in w for w in db.warnings)
    finally:
        db.close()
    assert whole(backup) and name_in(backup)  # the old copy whole, never a half-cleaned one in its place
    assert not [p for p in backup.parent.iterdir() if p.name.endswith(".part")]

    monkeypatch.setattr(scrub, "_scrub_file", cleans)  # the disk has room again
    db = open_database(str(db_path))
    try:
        assert erasure_followup.pending(db.engine) == []
    finally:
        db.close()
    assert whole(backup) and not name_in(backup)


def test_the_erasure_result_says_which_backups_were_not_cleaned(made, monkeypatch):
    db_path, person = made
    backup = copies.backup_database(db_path, "manuelle").path
    monkeypatch.setattr(scrub, "_scrub_file", lambda path, people: (_ for _ in ()).throw(
        sqlite3.OperationalError("database or disk is full")))
    db = open_database(str(db_path))
    try:
        [report] = gdpr.erase_and_vacuum(db, [person])
        assert report.backups.failed == [backup]
        assert any("plus de place sur le disque" in n for n in report.backups.skipped), report.backups.skipped
        assert not any("database or disk" in n for n in report.backups.skipped)
        assert erasure_followup.pending(db.engine) == [report.uuid]
    finally:
        db.close()


def test_a_restore_killed_before_its_erasures_were_reapplied_reapplies_them_at_the_next_opening(made, tmp_path):
    db_path, person = made
    older = tmp_path / "avant.sqlite"
    db = open_database(str(db_path))
    try:
        copies.save_copy(db, older)
        gdpr.erase_and_vacuum(db, [person])
        with db.session() as s:
            register = gdpr.erasure_register(s)
    finally:
        db.close()
    assert name_in(older) and not name_in(db_path)

    interrupted_restore.owe_erasures(db_path, register)  # what restore_backup writes before replacing the content…
    for extra in ("-wal", "-shm"):
        db_path.with_name(db_path.name + extra).unlink(missing_ok=True)
    shutil.copyfile(older, db_path)  # …then the copy goes in, and the process is killed
    assert name_in(db_path)

    db = open_database(str(db_path))
    try:
        with db.session() as s:
            assert [r.beneficiary_uuid for r in gdpr.erasure_register(s)] == [r.beneficiary_uuid for r in register]
    finally:
        db.close()
    assert not name_in(db_path) and not interrupted_restore.owed_erasures_file(db_path).exists()


def test_temporary_files_of_a_dead_process_are_removed_at_opening_and_never_offered(made):
    db_path, person = made
    copies.backup_database(db_path, "manuelle")
    folder = backup_folder(db_path)
    host = atomic_files.WRITER.rsplit("-", 1)[0]
    stamp = "2026-01-05_10-00-00"
    dead = folder / f".base_{stamp}_manuelle.sqlite.{host}-{dead_pid()}.k3j2.part"
    dead_beside = db_path.with_name(f".{db_path.name}.{host}-{dead_pid()}.x9.part-journal")
    alive = folder / f".base_{stamp}_import.sqlite.{atomic_files.WRITER}.a1b2.part"
    for path in (dead, dead_beside, alive):
        path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    offered = [b.path.name for b in list_backups(db_path)]
    assert not any(".part" in name for name in offered)

    open_database(str(db_path)).close()

    assert not dead.exists() and not dead_beside.exists()
    assert alive.exists()  # its writer (this process) may still be writing it
