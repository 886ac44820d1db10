"""One writer at a time: a second instance is told who has the file and gets read-only; network drives."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from erbm_desk.domain.enums import CompanyKind
from erbm_desk.services.database import locking, network_drive
from erbm_desk.services.database.opening import DatabaseLockedError, open_database
from erbm_desk.services.records.writes import ReadOnlyError, save_record
from tests.fixtures import SIRET_A

HOLDER = """
import sys, time
from erbm_desk.services.database.opening import open_database
db = open_database(sys.argv[1], read_only=False)
print("OUVERTE", flush=True)
sys.stdin.read()
db.close()
"""


@pytest.fixture
def other_instance(tmp_path):
    """Another ERBM Desk process holding the database open for writing."""
    path = tmp_path / "partagee.sqlite"
    open_database(str(path)).close()
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    assert proc.stdout.readline().strip() == "OUVERTE"
    yield path, proc
    if proc.poll() is None:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_a_second_instance_is_told_who_and_offered_read_only(other_instance):
    path, proc = other_instance
    with pytest.raises(DatabaseLockedError) as err:
        open_database(str(path), read_only=False)
    assert err.value.holder.pid == proc.pid and err.value.holder.host == socket.gethostname()
    assert "déjà ouverte en écriture par" in str(err.value) and "lecture seule" in str(err.value)

    db = open_database(str(path), read_only=True)
    try:
        assert db.read_only and db.counts()["commune"] > 0  # consulting works
        with pytest.raises(ReadOnlyError, match="lecture seule"):
            with db.session() as s:
                save_record(s, "company", {"name": "X", "siret": SIRET_A, "kind": CompanyKind.COMPANY})
        with pytest.raises(Exception, match="readonly|read-only|lecture seule"):  # SQLite refuses too
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM bailleur"))
    finally:
        db.close()


def test_the_cli_falls_back_to_read_only_and_says_so_when_writing(other_instance, capsys):
    from erbm_desk.cli.main import main

    path, _proc = other_instance
    assert main(["--db", str(path), "stats"]) == 0  # reading works while the other instance writes
    assert main(["--db", str(path), "demo", "--scale", "0.01"]) == 1
    err = capsys.readouterr().err
    assert "lecture seule" in err and "Traceback" not in err and err.count("\n") == 1


def test_the_lock_dies_with_its_process(other_instance):
    path, proc = other_instance
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    db = open_database(str(path), read_only=False)  # no stale lock to clean by hand
    try:
        assert not db.read_only
        holder = json.loads(locking.lock_file_for(path).read_text())
        assert holder["pid"] == os.getpid()
    finally:
        db.close()
    assert json.loads(locking.lock_file_for(path).read_text()) == {"released": True}


def test_the_same_process_shares_its_lock(tmp_path):
    path = tmp_path / "x.sqlite"
    first = open_database(str(path), read_only=False)
    second = open_database(str(path), read_only=False)
    assert not first.read_only and not second.read_only
    second.close()
    assert locking.lock_holder(path) is None  # still ours
    first.close()
    other = subprocess.run([sys.executable, "-c", HOLDER, str(path)], input="", capture_output=True, text=True,
                           cwd=Path(__file__).parents[2])
    assert other.returncode == 0, other.stderr  # released: another process can have it


def test_a_fresh_heartbeat_from_another_pc_counts_even_without_os_lock(tmp_path):
    """If a share did not carry OS locks, the heartbeat written in the lock file still protects the file."""
    path = tmp_path / "x.sqlite"
    open_database(str(path)).close()
    info = {"user": "marie", "host": "PC-ACCUEIL", "pid": 4242, "since": "2026-11-21T14:02:00",
            "heartbeat": time.time()}
    locking.lock_file_for(path).write_text(json.dumps(info))
    with pytest.raises(DatabaseLockedError, match="marie sur PC-ACCUEIL depuis le 21/11/2026 à 14:02"):
        open_database(str(path), read_only=False)
    info["heartbeat"] = time.time() - locking.STALE_SECONDS - 1  # that PC crashed long ago
    locking.lock_file_for(path).write_text(json.dumps(info))
    open_database(str(path), read_only=False).close()


MOUNTS = """\
sysfs /sys sysfs rw 0 0
/dev/sda1 / ext4 rw,relatime 0 0
//nas/plie /mnt/plie cifs rw,vers=3.0 0 0
nas:/export /srv/partage nfs4 rw 0 0
marie@serveur:/home /home/marie/distant fuse.sshfs rw 0 0
/dev/sdb1 /mnt/plie/local\\040disque ext4 rw 0 0
"""


@pytest.mark.parametrize(("path", "expected"), [
    ("/home/marie/erbm.sqlite", None),
    ("/mnt/plie/erbm.sqlite", "cifs"),
    ("/mnt/plie/sous/dossier/erbm.sqlite", "cifs"),
    ("/srv/partage/erbm.sqlite", "nfs4"),
    ("/home/marie/distant/erbm.sqlite", "fuse.sshfs"),
    ("/mnt/plie/local disque/erbm.sqlite", None),  # a local disk mounted inside the share
    ("/mnt/plie2/erbm.sqlite", None),
])
def test_network_filesystems_on_linux(path, expected):
    assert network_drive.network_filesystem(path, mounts=MOUNTS, platform="linux") == expected


def test_network_filesystems_on_macos_and_windows():
    mounts = ("/dev/disk1s1 on / (apfs, local, journaled)\n"
              "//marie@nas/plie on /Volumes/plie (smbfs, nodev, nosuid, mounted by marie)\n")
    assert network_drive.network_filesystem("/Volumes/plie/erbm.sqlite", mounts=mounts, platform="darwin") == "smbfs"
    assert network_drive.network_filesystem("/Users/marie/erbm.sqlite", mounts=mounts, platform="darwin") is None
    assert "UNC" in network_drive.network_filesystem(r"\\nas\plie\erbm.sqlite", platform="win32")


def test_a_database_on_a_network_drive_gets_no_wal_and_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(network_drive, "network_filesystem", lambda path, **kw: "cifs")
    db = open_database(str(tmp_path / "reseau.sqlite"))
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        assert any("lecteur réseau (cifs)" in w and "PostgreSQL" in w for w in db.warnings)
    finally:
        db.close()
    assert not Path(str(tmp_path / "reseau.sqlite") + "-wal").exists()
