"""Backups of the SQLite file: consistent copies, rotation, listing, restore end to end."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from erbm_desk.db.models import HoursEntry
from erbm_desk.services.backup import copies
from erbm_desk.services.backup import listing
from erbm_desk.services.backup import location
from erbm_desk.services.backup import rotation
from erbm_desk.db import sqlite_files
from erbm_desk.services.database.restore import restore_backup
from erbm_desk.services.backup.location import BackupError
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.reporting.indicators import compute_indicators
from erbm_desk.services.records.writes import delete_record, save_record
from tests.fixtures import build_small_dataset


@pytest.fixture
def sdb(tmp_path):
    """An SQLite database file with the small dataset (these features are about files)."""
    database = open_database(str(tmp_path / "base.sqlite"))
    with database.session() as s:
        ids = build_small_dataset(s)
    database.ids = ids
    yield database
    database.close()


def _indicators(db) -> dict:
    with db.session() as s:
        return compute_indicators(s).to_json()


def _execute(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(statement)
    conn.commit()
    conn.close()


def test_backup_is_a_checked_plain_copy_in_the_database_folder(sdb):
    info = copies.backup_database(sdb, "manuelle")
    assert info.path.parent == location.backup_folder(sdb.path)
    assert info.path.parent.parent == location.default_backup_root()
    assert info.reason == "manuelle" and info.reason_label == "à la demande"
    assert info.counts == {k: v for k, v in sdb.counts().items() if k in listing.COUNTED_TABLES}
    assert "4 bénéficiaires, 4 contrats, 6 mois d'heures" in info.summary()
    assert sqlite_files.quick_check_problems(info.path, immutable=True) == []
    with open(info.path, "rb") as fh:
        assert fh.read(20)[18:20] == b"\x01\x01"  # rollback journal: no -wal/-shm next to a backup
    assert not list(info.path.parent.glob("*.part"))  # atomic_path left no temporary file
    assert [b.path for b in listing.list_backups(sdb)] == [info.path]


def test_backup_is_consistent_while_another_connection_writes(sdb):
    stop = threading.Event()
    written = []

    setup = sqlite3.connect(str(sdb.path), timeout=30)
    setup.execute("CREATE TABLE churn (n INTEGER)")
    setup.commit()
    setup.close()

    def writer():
        conn = sqlite3.connect(str(sdb.path), timeout=30)
        n = 0
        while not stop.is_set():
            conn.execute("INSERT INTO churn VALUES (?)", (n,))
            conn.commit()
            n += 1
        written.append(n)
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        made = [copies.backup_database(sdb, "manuelle", rotate_after=False) for _ in range(5)]
    finally:
        stop.set()
        thread.join()
    assert written[0] > 0
    for info in made:
        assert sqlite_files.quick_check_problems(info.path, immutable=True) == []
        conn = sqlite_files.connect_readonly(info.path, immutable=True)
        rows = conn.execute("SELECT count(*), coalesce(max(n), -1) FROM churn").fetchone()
        conn.close()
        assert rows[0] == rows[1] + 1  # a snapshot: every row up to some instant, none missing


def test_rotation_keeps_7_daily_4_weekly_12_monthly_and_the_5_latest():
    start = datetime(2025, 1, 1, 9, 0)
    entries = []
    for day in range(400):  # two backups a day for 400 days
        for hour in (9, 17):
            created = start + timedelta(days=day, hours=hour - 9)
            entries.append(listing.BackupEntry(Path(f"b_{created:{location.STAMP}}_demarrage.sqlite"), created, "demarrage"))
    keep = rotation.backups_to_keep(entries)
    kept = sorted(datetime.strptime(p.name[2:21], location.STAMP) for p in keep)
    newest = entries[-1].created
    days = {d.date() for d in kept}
    assert newest in kept
    assert len(keep) <= 5 + 7 + 4 + 12
    # the last 7 days each keep their newest copy
    for back in range(7):
        assert (newest - timedelta(days=back)).replace(hour=17) in kept
    # 12 months are represented, 4 ISO weeks
    assert len({(d.year, d.month) for d in days}) == 12
    assert len({tuple(d.isocalendar())[:2] for d in days}) >= 4
    # and the 5 latest, whatever their day
    assert set(sorted(entries, key=lambda e: e.created)[-5:][i].path for i in range(5)) <= keep


def test_rotation_deletes_only_our_backups(sdb, tmp_path):
    folder = location.backup_folder(sdb.path)
    folder.mkdir(parents=True)
    (folder / "notes de Marie.txt").write_text("à garder")
    now = datetime(2026, 3, 1, 10, 0)
    for day in range(40):
        copies.backup_database(sdb, "demarrage", now=now + timedelta(days=day))
    names = [p.name for p in folder.iterdir()]
    assert "notes de Marie.txt" in names
    kept = listing.list_backups(sdb)
    assert 7 <= len(kept) <= 14
    assert kept[0].created == now + timedelta(days=39)


def test_startup_backup_at_most_once_a_day(sdb):
    day = datetime(2026, 5, 4, 8, 0)
    first = copies.startup_backup(sdb, now=day)
    assert first is not None and first.reason == "demarrage"
    assert copies.startup_backup(sdb, now=day + timedelta(hours=5)) is None
    assert copies.startup_backup(sdb, now=day + timedelta(days=1)) is not None


def test_backup_before_an_import_returns_the_copy(sdb):
    path = copies.backup_before(sdb, "import")
    assert path.is_file() and path.name.endswith("_import.sqlite")
    assert listing.read_backup_info(path).reason_label == "avant un import"


def test_the_backup_folder_is_a_user_setting(sdb, tmp_path):
    chosen = tmp_path / "Clé USB" / "ERBM"
    assert location.set_backup_root(chosen) == chosen.resolve()
    info = copies.backup_database(sdb, "manuelle")
    assert info.path.is_relative_to(chosen.resolve())
    assert listing.list_backups(sdb)[0].path == info.path
    location.set_backup_root(None)
    assert location.backup_root() == location.default_backup_root()


def test_save_copy_to_a_chosen_file_or_folder(sdb, tmp_path):
    info = copies.save_copy(sdb, tmp_path / "copie.sqlite")
    assert info.path == tmp_path / "copie.sqlite" and info.counts["contract"] == 4
    folder = tmp_path / "copies"
    folder.mkdir()
    info = copies.save_copy(sdb, folder)
    assert info.path.parent == folder and info.path.suffix == ".sqlite"
    with pytest.raises(BackupError, match="la base elle-même"):
        copies.save_copy(sdb, sdb.path)


def test_restore_gives_back_exactly_the_saved_counts_and_indicators(sdb):
    saved_counts, saved_indicators = sdb.counts(), _indicators(sdb)
    saved = copies.backup_database(sdb, "manuelle")
    with sdb.session() as s:
        delete_record(s, "beneficiary", sdb.ids["p2"])
        save_record(s, "cite", {"name": "Cité ajoutée après la sauvegarde", "commune_id": 1})
    changed_counts = sdb.counts()
    assert changed_counts != saved_counts

    result = restore_backup(sdb, saved.path)

    assert sdb.counts() == saved_counts
    assert _indicators(sdb) == saved_indicators
    assert result.previous_state is not None  # the state before restoring was saved first
    previous = listing.read_backup_info(result.previous_state)
    assert previous.reason == "avant-restauration"
    assert previous.counts["beneficiary"] == changed_counts["beneficiary"]
    with sdb.session() as s:  # the database keeps working after the restore
        save_record(s, "cite", {"name": "Cité après restauration", "commune_id": 1})
        assert s.scalar(select(func.count()).select_from(HoursEntry)) == saved_counts["hours_entry"]


def test_restore_refuses_a_damaged_or_foreign_backup_and_changes_nothing(sdb, tmp_path):
    before = sdb.counts()
    bad = tmp_path / "abimee.sqlite"
    good = copies.backup_database(sdb, "manuelle")
    data = bytearray(good.path.read_bytes())
    data[:4096] = bytes(4096)
    bad.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="endommagée"):
        restore_backup(sdb, bad)
    other = tmp_path / "autre.sqlite"
    _execute(other, "CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="pas une sauvegarde ERBM Desk"):
        restore_backup(sdb, other)
    assert sdb.counts() == before
    assert len(listing.list_backups(sdb)) == 1  # no "before restore" copy either: nothing was attempted


def test_restore_refuses_a_backup_from_a_newer_version(sdb, tmp_path):
    newer = tmp_path / "future.sqlite"
    copies.write_backup(sdb.path, newer)
    _execute(newer, "UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(BackupError, match="plus récente"):
        restore_backup(sdb, newer)


def test_restore_of_an_older_schema_upgrades_it(sdb, tmp_path):
    """A backup made at the oldest schema is restored, then brought to head (after its own backup)."""
    from erbm_desk.db import migrate
    from erbm_desk.db.engine import make_engine

    old = tmp_path / "ancienne.sqlite"
    engine = make_engine(f"sqlite:///{old}")
    migrate.upgrade(engine, migrate.base_revision())
    engine.dispose()
    saved = copies.write_backup(old, location.backup_folder(sdb.path) / "base_2020-01-01_10-00-00_manuelle.sqlite")
    assert listing.read_backup_info(saved).revision == migrate.base_revision()
    result = restore_backup(sdb, saved)
    assert migrate.current_revision(sdb.engine) == migrate.head_revision()
    assert sdb.counts()["beneficiary"] == 0
    if migrate.base_revision() != migrate.head_revision():
        # no new « mise-a-jour » copy: the backup restored is itself the pre-upgrade state, and a fresh copy of
        # old content would keep erased identities through another year of rotation
        assert "Le schéma de la sauvegarde a été mis à jour." in result.notes


def test_postgresql_databases_are_backed_up_by_the_server(pg_target):
    db = open_database(pg_target)
    try:
        assert db.path is None
        assert copies.backup_before(db, "import") is None
        assert copies.startup_backup(db) is None
        assert listing.list_backups(db) == []
        with pytest.raises(BackupError, match="pg_dump"):
            copies.save_copy(db, "/tmp/x.sqlite")
        with pytest.raises(BackupError, match="serveur"):
            restore_backup(db, "/tmp/x.sqlite")
    finally:
        db.close()


def test_an_encrypted_database_is_backed_up_encrypted_through_its_own_connection(tmp_path):
    encryption = pytest.importorskip("erbm_desk.services.database.sqlcipher")
    if not encryption.available():
        pytest.skip("sqlcipher3 absent")
    from erbm_desk.db.engine import make_session_factory
    from erbm_desk.services.database.opening import Database

    path = tmp_path / "chiffree.sqlite"
    open_database(str(path)).close()
    encryption.encrypt_database(path, "une phrase de passe assez longue")
    key = encryption.unlock(path, "une phrase de passe assez longue")
    engine = encryption.make_encrypted_engine(path, key)
    db = Database(f"sqlite:///{path}", engine, make_session_factory(engine))
    try:
        info = copies.backup_database(db, "import")
    finally:
        engine.dispose()
    assert not sqlite_files.header_ok(info.path)  # still encrypted
    assert info.path.with_name(info.path.name + ".cle").is_file()
    assert info.summary().startswith("chiffrée")
    copy = encryption.connect(info.path, key)
    assert copy.execute("SELECT count(*) FROM commune").fetchone()[0] > 0
    copy.close()
