"""Damaged files are detected at opening, never written to, and the latest good backup is offered."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from erbm_desk.services.backup import copies
from erbm_desk.services.backup import listing
from erbm_desk.services.backup import location
from erbm_desk.services.database.restore import restore_backup
from erbm_desk.services.database.opening import DatabaseDamagedError, DatabaseOpenError, open_database
from erbm_desk.services.database.integrity import check_at_open, full_check, startup_checks
from tests.fixtures import build_small_dataset


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def saved_base(tmp_path):
    """A database with data, two backups, closed."""
    path = tmp_path / "base.sqlite"
    db = open_database(str(path))
    with db.session() as s:
        build_small_dataset(s)
    copies.backup_database(db, "demarrage")
    copies.backup_database(db, "manuelle")
    db.close()
    return path


def _zero_first_4k(src: Path, dest: Path) -> Path:
    data = bytearray(src.read_bytes())
    data[:4096] = bytes(4096)
    dest.write_bytes(bytes(data))
    return dest


def test_a_copy_with_its_first_4k_zeroed_is_refused_untouched_and_the_backups_too(saved_base):
    folder = location.backup_folder(saved_base)
    good = listing.list_backups(saved_base)[0]
    _zero_first_4k(saved_base, saved_base)  # the same file, damaged in place (a bad sector, a bad sync)
    for side in ("-wal", "-shm"):
        Path(str(saved_base) + side).unlink(missing_ok=True)
    before_file = hashlib.sha256(saved_base.read_bytes()).hexdigest()
    before_backups = _snapshot(folder)
    listing_before = sorted(os.listdir(saved_base.parent))

    with pytest.raises(DatabaseDamagedError) as err:
        open_database(str(saved_base))

    message = str(err.value)
    assert "endommagé" in message and "ne l'a pas modifié" in message
    assert good.date_label in message and "erbm-desk restore" in message
    assert err.value.backup.path == good.path
    assert isinstance(err.value, DatabaseOpenError)  # the CLI and the window already handle these
    assert hashlib.sha256(saved_base.read_bytes()).hexdigest() == before_file  # never a write
    assert sorted(os.listdir(saved_base.parent)) == listing_before  # no lock, journal or wal file created
    assert _snapshot(folder) == before_backups  # backups untouched

    findings = startup_checks(str(saved_base))
    assert [f.code for f in findings] == ["damaged"] and findings[0].backup.path == good.path
    assert _snapshot(folder) == before_backups


def test_restoring_over_a_damaged_file_keeps_the_damaged_one_aside(saved_base):
    counts = listing.list_backups(saved_base)[0].counts
    _zero_first_4k(saved_base, saved_base)
    good = listing.latest_good_backup(saved_base)
    result = restore_backup(saved_base, good.path)
    assert result.damaged_copy is not None and result.damaged_copy.is_file()
    assert not result.damaged_copy.read_bytes()[:16].startswith(b"SQLite")
    db = open_database(str(saved_base))
    try:
        assert {k: v for k, v in db.counts().items() if k in counts} == counts
    finally:
        db.close()
    assert result.damaged_copy not in [b.path for b in listing.list_backups(saved_base)]


def test_a_damaged_backup_is_skipped_for_the_latest_good_one(saved_base):
    newest, older = listing.list_backups(saved_base)[:2]
    _zero_first_4k(newest.path, newest.path)
    assert listing.latest_good_backup(saved_base).path == older.path


def test_corrupted_pages_are_found_by_the_checks(saved_base, tmp_path):
    damaged = tmp_path / "pages.sqlite"
    data = bytearray(saved_base.read_bytes())
    page = 4096
    for n in range(3, len(data) // page - 1, 3):  # trash every third page after the first ones
        data[n * page: n * page + 200] = b"\xff" * 200
    damaged.write_bytes(bytes(data))
    assert check_at_open(damaged).damaged
    report = full_check(str(damaged))
    assert not report.ok and "endommagé" in report.lines[0]


def test_broken_links_are_a_warning_not_a_refusal(saved_base):
    conn = sqlite3.connect(saved_base)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("DELETE FROM beneficiary WHERE last_name = 'DURAND'")  # her contract now points nowhere
    conn.commit()
    conn.close()
    db = open_database(str(saved_base))
    try:
        assert any("contract" in w and "beneficiary" in w for w in db.warnings)
    finally:
        db.close()
    report = full_check(str(saved_base))
    assert not report.ok and any("Liens incohérents" in line for line in report.lines)


def test_full_check_of_a_healthy_file(saved_base):
    report = full_check(str(saved_base))
    assert report.ok
    assert report.lines[0].startswith("Intégrité de « base.sqlite » : ok")
    assert any(line.startswith("Sauvegardes : 2") for line in report.lines)
    assert startup_checks(str(saved_base)) == []


def test_a_file_left_by_a_killed_writer_is_not_called_damaged(tmp_path):
    """A WAL that needs replaying is SQLite's normal crash recovery, not damage."""
    import subprocess
    import sys

    path = tmp_path / "crash.sqlite"
    open_database(str(path)).close()
    code = (
        "import os, sqlite3\n"
        f"c = sqlite3.connect({str(path)!r})\n"
        "c.execute('PRAGMA journal_mode=WAL')\n"
        "c.execute(\"INSERT INTO bailleur (name, uuid, created_at, updated_at, version) "
        "VALUES ('Bailleur X', 'u-1', '2026-01-01', '2026-01-01', 1)\")\n"
        "c.commit()\n"
        "os.kill(os.getpid(), 9)\n"
    )
    subprocess.run([sys.executable, "-c", code])
    assert Path(str(path) + "-wal").exists()
    assert not check_at_open(path).damaged
    db = open_database(str(path))
    try:
        assert db.counts()["bailleur"] == 4  # the 3 of the seeds and the committed one
    finally:
        db.close()
