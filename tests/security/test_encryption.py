"""SQLCipher: encrypt a personal database, open it with the passphrase or the recovery key, back it up."""

import pytest

from erbm_desk.cli.main import main
from erbm_desk.services.database import sqlcipher as encryption
from erbm_desk.services.database.errors import EncryptedDatabaseError
from erbm_desk.services.database.opening import open_database

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
