"""SQLCipher: encrypt a personal database, open it with the passphrase or the recovery key, back it up."""

import pytest

from erbm_desk.cli.main import main
from erbm_desk.services.database import sqlcipher as encryption
from erbm_desk.services.database.errors import (
    DatabaseDamagedError,
    DatabaseLockedError,
    DatabaseOpenError,
    EncryptedDatabaseError,
)
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.records.writes import ReadOnlyError, save_record

pytestmark = pytest.mark.skipif(not encryption.available(), reason="sqlcipher3 absent")

PASSPHRASE = "une phrase de passe assez longue"


@pytest.fixture
def plain(tmp_path):
    from tests.fixtures import build_small_dataset

    path = tmp_path / "perso.sqlite"
    db = open_database(str(path))
    with db.session() as s:
        build_small_dataset(s)
    db.close()
    return path


def test_encrypt_open_recover_and_back_up(plain, tmp_path):
    result = encryption.encrypt_database(plain, PASSPHRASE)
    data = plain.read_bytes()
    assert encryption.is_encrypted(plain) and b"DURAND" not in data and b"SQLite format 3" not in data
    with pytest.raises(EncryptedDatabaseError, match="phrase de passe"):
        open_database(str(plain))
    with pytest.raises(encryption.EncryptionError, match="incorrecte"):
        encryption.unlock(plain, "mauvaise phrase de passe")
    db = open_database(str(plain), key=encryption.unlock(plain, PASSPHRASE))
    try:
        assert db.counts()["beneficiary"] == 4
        backup = encryption.backup_encrypted(db.engine, tmp_path / "sauvegarde.sqlite", plain)
    finally:
        db.close()
    assert b"DURAND" not in backup.read_bytes() and encryption.key_file_for(backup).exists()
    # the key file is lost: the recovery key still opens the base, and sets a new passphrase
    encryption.key_file_for(plain).unlink()
    with pytest.raises(encryption.EncryptionError, match="clé de secours"):
        encryption.unlock(plain, PASSPHRASE)
    encryption.change_passphrase(plain, "nouvelle phrase de passe", recovery_key=result.recovery_key.lower())
    for key in (encryption.unlock(plain, "nouvelle phrase de passe"), encryption.unlock(backup, PASSPHRASE)):
        db = open_database(str(plain), key=key)
        assert db.counts()["contract"] == 4
        db.close()


def test_encrypt_from_the_cli(plain, capsys, monkeypatch):
    monkeypatch.setenv("ERBM_DESK_NEW_PASSPHRASE", PASSPHRASE)
    assert main(["--db", str(plain), "encrypt"]) == 0
    out = capsys.readouterr().out
    assert "CLÉ DE SECOURS" in out
    recovery = out.split("ne sera plus jamais affichée) :\n")[1].split()[0]
    assert len(recovery.replace("-", "")) == 52
    assert main(["--db", str(plain), "stats"]) == 1
    assert "chiffrée" in capsys.readouterr().err
    monkeypatch.setenv("ERBM_DESK_PASSPHRASE", PASSPHRASE)
    assert main(["--db", str(plain), "stats", "--json"]) == 0
    assert '"people": 3' in capsys.readouterr().out
    monkeypatch.delenv("ERBM_DESK_PASSPHRASE")
    monkeypatch.setenv("ERBM_DESK_RECOVERY_KEY", recovery)
    assert main(["--db", str(plain), "stats"]) == 0


# --- The same opening pipeline as a plain file -----------------------------------------------------------

@pytest.fixture
def encrypted(plain):
    encryption.encrypt_database(plain, PASSPHRASE)
    return plain, encryption.unlock(plain, PASSPHRASE)


def _dump(path, key) -> list[tuple]:
    """Every row of every table, in order (the driver has no iterdump)."""
    conn = encryption.connect(path, key)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return [(t, *row) for t in tables for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()]
    finally:
        conn.close()


def test_a_damaged_encrypted_file_is_refused_before_anything_is_written(encrypted):
    path, key = encrypted
    data = bytearray(path.read_bytes())
    page = len(data) // 4096 - 3  # a data page near the end (the schema is read to check the key)
    data[page * 4096 + 100: page * 4096 + 164] = bytes(64)  # its authentication code no longer matches
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamagedError) as err:
        open_database(str(path), key=key)
    assert err.value.path == path and path.read_bytes() == bytes(data)


def test_an_encrypted_file_taken_by_another_instance_opens_read_only(encrypted, monkeypatch):
    from erbm_desk.services.database import locking

    path, key = encrypted

    def held(db_path):
        raise locking.LockHeldError(path, locking.LockHolder("marie", "PC-12", 4242, "2026-11-21T14:02:00"))

    monkeypatch.setattr(locking, "acquire_lock", held)
    with pytest.raises(DatabaseLockedError, match="marie sur PC-12"):
        open_database(str(path), read_only=False, key=key)
    db = open_database(str(path), key=key)  # the CLI: read-only, and says why
    try:
        assert db.read_only and "marie sur PC-12" in db.read_only_reason
        assert db.counts()["beneficiary"] == 4
        with pytest.raises(ReadOnlyError, match="lecture seule"):
            with db.session() as s:
                save_record(s, "company", {"name": "X", "siret": "44203456789013", "kind": "entreprise"})
    finally:
        db.close()


def test_an_encrypted_file_on_a_network_drive_gets_no_wal_and_a_warning(encrypted, monkeypatch):
    from erbm_desk.services.database import network_drive

    path, key = encrypted
    monkeypatch.setattr(network_drive, "network_filesystem", lambda _path, **kw: "cifs")
    db = open_database(str(path), key=key)
    try:
        assert any("lecteur réseau" in w for w in db.warnings)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    finally:
        db.close()


def test_an_encrypted_file_is_backed_up_before_an_upgrade_and_put_back_when_it_fails(encrypted, tmp_path,
                                                                                       monkeypatch):
    from erbm_desk.db import migrate
    from erbm_desk.services.backup.listing import list_backups
    from tests.services.test_migration_safety import (
        ESCAPE,
        FAILING,
        _forget_cached_scripts,
        _use_migrations,
        _versions_with,
    )

    path, key = encrypted
    before = _dump(path, key)
    folder = _versions_with(tmp_path, "9999_fails.py", FAILING.format(down=migrate.head_revision(), escape=ESCAPE))
    _use_migrations(monkeypatch, folder)
    try:
        with pytest.raises(DatabaseOpenError, match="remise dans son état d'avant la mise à jour"):
            open_database(str(path), key=key)
        assert _dump(path, key) == before
        saved = list_backups(path)
        assert [b.reason for b in saved] == ["mise-a-jour"] and not saved[0].readable  # encrypted
        assert encryption.key_file_for(saved[0].path).is_file() and "chiffrée" in saved[0].summary()
    finally:
        _forget_cached_scripts()
