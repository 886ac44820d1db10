"""Encryption at rest of a personal database with SQLCipher (optional extra: `pip install erbm-desk[encryption]`,
which brings the `sqlcipher3` driver; without it the rest of the app works, and says encryption is unavailable).

Keys: the file is encrypted with a random 256-bit data key. The data key is
- wrapped with a key derived from the user's passphrase (Argon2id) in a key file beside the database,
  `<base>.sqlite.cle` (JSON: salt, Argon2 parameters, wrapped key, a check value); and
- shown ONCE as the recovery key (the data key itself, in groups of 4 base-32 characters): it opens the
  database without the key file, e.g. after a forgotten passphrase or a lost key file.
Losing both the passphrase (or the key file) and the recovery key means losing the data: nobody can help.

Opening: an encrypted file is one of the two SQLite connectors of the opening pipeline
(`services.database.connectors`): same integrity check, lock, network-drive rule and backup-then-upgrade as a
plain file, through connections that hold the key (`connect`, `make_encrypted_engine`).

Backups of an encrypted database are encrypted with the same data key (`VACUUM INTO`, by the automatic backups
and `backup_encrypted`); copy the key file with them, or keep the recovery key.

What encryption does not do: the plaintext file the database was encrypted from, its earlier backups and the
blocks of disk they occupied are not wiped; delete those backups and prefer a disk encrypted by the OS
(BitLocker, LUKS). A PostgreSQL database is protected by the server (disk encryption, TLS), not here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from erbm_desk.db.engine import make_engine
from erbm_desk.db.sqlite_files import SQLITE_HEADER, sqlite_uri
from erbm_desk.services.atomic_files import KEY_FILE_SUFFIX, atomic_path

PASSPHRASE_ENV = "ERBM_DESK_PASSPHRASE"
MIN_PASSPHRASE_LENGTH = 12
KDF = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}


class EncryptionError(RuntimeError):
    """French message for the user."""


def available() -> bool:
    try:
        import sqlcipher3  # noqa: F401
    except ImportError:
        return False
    return True


def _driver():
    try:
        import sqlcipher3
    except ImportError:
        raise EncryptionError(
            "Le chiffrement n'est pas disponible : installez le module « sqlcipher3 » "
            "(pip install \"erbm-desk[encryption]\")."
        ) from None
    return sqlcipher3


def driver_error() -> type[Exception]:
    """The SQLCipher driver's exception class (its own, not `sqlite3.Error`)."""
    return _driver().Error


def is_encrypted(path: str | os.PathLike) -> bool:
    """An SQLCipher file: not a plain SQLite header, whole pages, and a random salt in its first 16 bytes (or
    its key file beside it). A damaged plain file (zeroed header, text) is not taken for an encrypted one."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    if len(head) < 16 or head == SQLITE_HEADER:
        return False
    looks_random = len(set(head)) >= 10 and size % 512 == 0
    return looks_random or key_file_for(path).exists()


def key_file_for(db_path: str | os.PathLike) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + KEY_FILE_SUFFIX)


# --- Keys --------------------------------------------------------------------------------------------------

def format_recovery_key(data_key: bytes) -> str:
    text = base64.b32encode(data_key).decode().rstrip("=")
    return "-".join(text[i: i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    try:
        key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    except (ValueError, base64.binascii.Error):
        key = b""
    if len(key) != 32:
        raise EncryptionError("Clé de secours invalide : 52 caractères (lettres et chiffres 2 à 7) attendus.")
    return key


def _derive(passphrase: str, salt: bytes, params: dict) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(passphrase.encode(), salt, hash_len=32, type=Type.ID, **params)


def _check_value(data_key: bytes) -> str:
    return hashlib.sha256(b"erbm-desk key check" + data_key).hexdigest()[:32]


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase or "") < MIN_PASSPHRASE_LENGTH:
        raise EncryptionError(f"La phrase de passe doit compter au moins {MIN_PASSPHRASE_LENGTH} caractères.")


def write_key_file(db_path: str | os.PathLike, data_key: bytes, passphrase: str) -> Path:
    check_passphrase_strength(passphrase)
    salt = secrets.token_bytes(16)
    wrapped = bytes(a ^ b for a, b in zip(data_key, _derive(passphrase, salt, KDF)))
    content = {"format": "erbm-desk-cle/1", "kdf": "argon2id", **KDF, "salt": salt.hex(),
               "wrapped_key": wrapped.hex(), "check": _check_value(data_key)}
    target = key_file_for(db_path)
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(content, indent=2), encoding="utf-8")
    return target


def unlock(db_path: str | os.PathLike, passphrase: str | None = None, recovery_key: str | None = None) -> bytes:
    """The data key, from the passphrase (and the key file) or from the recovery key."""
    if recovery_key:
        return parse_recovery_key(recovery_key)
    key_file = key_file_for(db_path)
    try:
        content = json.loads(key_file.read_text(encoding="utf-8"))
        salt, wrapped = bytes.fromhex(content["salt"]), bytes.fromhex(content["wrapped_key"])
        params = {k: int(content[k]) for k in KDF}
    except (OSError, ValueError, KeyError) as exc:
        raise EncryptionError(
            f"Fichier de clé « {key_file.name} » introuvable ou illisible ({exc.__class__.__name__}) : "
            "ouvrez la base avec la clé de secours."
        ) from None
    data_key = bytes(a ^ b for a, b in zip(wrapped, _derive(passphrase or "", salt, params)))
    if _check_value(data_key) != content.get("check"):
        raise EncryptionError("Phrase de passe incorrecte.")
    return data_key


# --- Connections -------------------------------------------------------------------------------------------

def _pragma_key(data_key: bytes) -> str:
    return f"PRAGMA key = \"x'{data_key.hex()}'\""


def connect(path: str | os.PathLike, data_key: bytes, read_only: bool = False):
    """A DB-API connection to an encrypted file (raises EncryptionError for a wrong key); `read_only`: SQLite
    itself refuses every write, as for a plain file opened read-only."""
    driver = _driver()
    if read_only:
        conn = driver.connect(sqlite_uri(path, mode="ro"), uri=True, check_same_thread=False)
    else:
        conn = driver.connect(str(path), check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
    except driver.DatabaseError:
        pass
    conn.execute(_pragma_key(data_key))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except driver.DatabaseError:
        conn.close()
        raise EncryptionError("La clé ne correspond pas à cette base (ou le fichier n'est pas une base chiffrée).")
    return conn


def make_encrypted_engine(path: str | os.PathLike, data_key: bytes, *, journal_mode: str = "WAL",
                          read_only: bool = False) -> Engine:
    """An SQLAlchemy engine on the encrypted file, with the pragmas of every ERBM Desk connection."""
    driver = _driver()
    return make_engine(f"sqlite:///{Path(path).resolve()}", journal_mode=journal_mode, read_only=read_only,
                       connect=lambda: connect(path, data_key, read_only), dbapi=driver.dbapi2)


def copy_into(source: str | os.PathLike, dest: str | os.PathLike, data_key: bytes) -> None:
    """The pages of an encrypted copy written into the encrypted file `dest` (same key) by SQLite: one write
    transaction, as for a plain file (services.backup.restore_files.copy_into_live_file)."""
    src = connect(source, data_key, read_only=True)
    try:
        dst = connect(dest, data_key)
        try:
            src.backup(dst, pages=-1)
        finally:
            dst.close()
    finally:
        src.close()


# --- Encrypting a database, changing the passphrase, backups ----------------------------------------------

@dataclass(frozen=True)
class Encrypted:
    path: Path
    key_file: Path
    recovery_key: str  # show it ONCE, then forget it


def _table_counts(conn) -> dict[str, int]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def encrypt_database(db_path: str | os.PathLike, passphrase: str) -> Encrypted:
    """Encrypt a plain SQLite database in place (close it first). The encrypted copy is built beside it,
    checked (same tables, same row counts), then put in its place; the key file is written first."""
    driver = _driver()
    db_path = Path(db_path)
    if not db_path.is_file():
        raise EncryptionError(f"La base « {db_path} » n'existe pas.")
    if is_encrypted(db_path):
        raise EncryptionError(f"La base « {db_path.name} » est déjà chiffrée.")
    check_passphrase_strength(passphrase)
    data_key = secrets.token_bytes(32)
    tmp = db_path.with_name(f".{db_path.name}.chiffrement")
    tmp.unlink(missing_ok=True)
    plain = driver.connect(str(db_path))
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = _table_counts(plain)
        plain.execute(f"ATTACH DATABASE ? AS chiffree KEY \"x'{data_key.hex()}'\"", (str(tmp),))
        plain.execute("SELECT sqlcipher_export('chiffree')")
        plain.execute("DETACH DATABASE chiffree")
    finally:
        plain.close()
    check = connect(tmp, data_key)
    try:
        after = _table_counts(check)
    finally:
        check.close()
    if before != after:
        tmp.unlink(missing_ok=True)
        raise EncryptionError("La copie chiffrée ne contient pas les mêmes données : rien n'a été changé.")
    key_file = write_key_file(db_path, data_key, passphrase)
    os.replace(tmp, db_path)
    for suffix in ("-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    return Encrypted(db_path, key_file, format_recovery_key(data_key))


def change_passphrase(db_path: str | os.PathLike, new_passphrase: str, passphrase: str | None = None,
                      recovery_key: str | None = None) -> Path:
    """A new passphrase (from the current one or the recovery key): only the key file changes."""
    data_key = unlock(db_path, passphrase, recovery_key)
    connect(db_path, data_key).close()  # the key really opens this file
    return write_key_file(db_path, data_key, new_passphrase)


def backup_encrypted(engine: Engine, dest: str | os.PathLike, db_path: str | os.PathLike | None = None) -> Path:
    """An encrypted copy of an open encrypted database (same data key), and its key file beside it."""
    dest = Path(dest)
    dest.unlink(missing_ok=True)
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM INTO ?", (str(dest),))
    if db_path is not None and key_file_for(db_path).exists():
        key_file_for(dest).write_bytes(key_file_for(db_path).read_bytes())
    return dest
