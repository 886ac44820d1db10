"""The secret key of the audit chain, and the chain anchors kept outside the database.

Why: with a plain SHA-256 chain, someone who edits the database file outside the app can recompute every hash
after their edit and nothing shows. Entries are therefore sealed with HMAC-SHA256 under a secret that is NOT in
the database; each entry stores the fingerprint (`key_id`) of the key that sealed it.

Where the key comes from, in this order:

1. `ERBM_DESK_AUDIT_KEY_FILE`: a file holding the secret (at least 32 characters), deployed by the IT
   department on every workstation of a shared PostgreSQL database so that all of them seal with the same key
   and any of them can verify the whole log. `ERBM_DESK_AUDIT_KEY` (the secret itself) is accepted too, for
   services and tests.
2. Otherwise this user's own key, `cle-journal.cle` in the user's configuration folder (platformdirs), created
   on first use with permissions 0600 (folder 0700) — right for a personal database.

Keys of other workstations (a database moved from another PC, or entries written by colleagues on a shared
database without a deployed key) can be copied into the `cles-journal/` folder beside it: verification uses
every key it finds and reports the entries whose key is missing.

Anchors: after each commit that wrote entries, the id and hash of the last entry (and the hash of the first) are
written to `ancres-journal/<empreinte de la base>.json` in the same configuration folder (or
`ERBM_DESK_AUDIT_ANCHOR_DIR`). Verification compares the log with its anchor: deleted last entries (a truncated
tail), or a log rewritten from the start, are detected on the workstation that wrote them.

Limit (documented in docs/donnees-personnelles.md): someone who has both the database and the key file — the
same user account, or an administrator of the PC — can still forge the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from platformdirs import user_config_path

ENV_KEY = "ERBM_DESK_AUDIT_KEY"
ENV_KEY_FILE = "ERBM_DESK_AUDIT_KEY_FILE"
ENV_ANCHOR_DIR = "ERBM_DESK_AUDIT_ANCHOR_DIR"
OWN_KEY_FILE = "cle-journal.cle"
OTHER_KEYS_DIR = "cles-journal"
ANCHORS_DIR = "ancres-journal"
MIN_SECRET = 32


class AuditKeyError(RuntimeError):
    """The configured key cannot be used (French message)."""


def config_dir() -> Path:
    from erbm_desk.paths import APP_AUTHOR, APP_NAME

    return user_config_path(APP_NAME, APP_AUTHOR, roaming=True)  # Windows: %APPDATA%, apart from the data


def fingerprint(secret: bytes) -> str:
    """16 hex characters naming a key without revealing it."""
    return hmac.new(secret, b"erbm-desk journal key id", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Key:
    id: str
    secret: bytes = b""
    source: str = ""  # where it was found, for messages


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def _secret_from_text(text: str, where: str) -> bytes:
    text = text.strip()
    if len(text) < MIN_SECRET:
        raise AuditKeyError(f"La clé du journal ({where}) est trop courte : {MIN_SECRET} caractères au moins.")
    return text.encode("utf-8")


def _read_key_file(path: Path) -> Key:
    try:
        secret = _secret_from_text(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise AuditKeyError(f"Clé du journal illisible « {path} » : {exc.strerror or exc}.") from exc
    return Key(fingerprint(secret), secret, str(path))


def own_key_path() -> Path:
    return config_dir() / OWN_KEY_FILE


def other_keys_dir() -> Path:
    return config_dir() / OTHER_KEYS_DIR


def _deployed_keys() -> list[Key]:
    keys = []
    if os.environ.get(ENV_KEY_FILE):
        keys.append(_read_key_file(Path(os.environ[ENV_KEY_FILE]).expanduser()))
    if os.environ.get(ENV_KEY):
        secret = _secret_from_text(os.environ[ENV_KEY], ENV_KEY)
        keys.append(Key(fingerprint(secret), secret, ENV_KEY))
    return keys


def _deployed_key() -> Key | None:
    keys = _deployed_keys()
    return keys[0] if keys else None


def _own_key(create: bool) -> Key | None:
    path = own_key_path()
    if path.is_file():
        return _read_key_file(path)
    if not create:
        return None
    _private_dir(path.parent)
    text = secrets.token_hex(32)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:  # another process created it a moment ago
        return _read_key_file(path)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return _read_key_file(path)


def signing_key() -> Key:
    """The key new entries are sealed with (created for this user on first use when none is deployed)."""
    key = _deployed_key() or _own_key(create=True)
    assert key is not None
    return key


def available_keys() -> dict[str, Key]:
    """Every key this workstation has: deployed, own, and copied into `cles-journal/`."""
    keys: dict[str, Key] = {}
    for key in (*_deployed_keys(), _own_key(create=False)):
        if key is not None:
            keys.setdefault(key.id, key)
    folder = other_keys_dir()
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file():
                try:
                    key = _read_key_file(path)
                except AuditKeyError:
                    continue
                keys.setdefault(key.id, key)
    return keys


def french_time(iso: Any) -> str:
    """« 22/11/2026 à 14:05:09 » from an anchor's ISO timestamp."""
    try:
        return f"{datetime.fromisoformat(str(iso)):%d/%m/%Y à %H:%M:%S}"
    except ValueError:
        return str(iso)


def seal(secret: bytes, message: str) -> str:
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


# --- Anchors ------------------------------------------------------------------------------------------------

def database_identity(url: Any) -> str:
    """What names a database across sessions: the absolute file path, or the server URL without password."""
    try:
        if url.get_backend_name() == "sqlite":
            return "sqlite:" + os.path.normcase(str(Path(url.database or "").resolve()))
        return url.render_as_string(hide_password=True)
    except AttributeError:
        return str(url)


def anchors_dir() -> Path:
    chosen = os.environ.get(ENV_ANCHOR_DIR)
    return Path(chosen).expanduser() if chosen else config_dir() / ANCHORS_DIR


def anchor_path(identity: str) -> Path:
    return anchors_dir() / (hashlib.sha256(identity.encode("utf-8")).hexdigest()[:20] + ".json")


def read_anchor(identity: str) -> dict[str, Any] | None:
    try:
        data = json.loads(anchor_path(identity).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("base") == identity else None


def write_anchor(identity: str, last_id: int, last_hash: str, first_hash: str, *, reset: bool = False,
                 note: str | None = None) -> None:
    """Record the head of the chain; never moves an anchor back unless `reset` (a restore, a new database)."""
    from erbm_desk.services.atomic_files import atomic_path

    current = read_anchor(identity)
    if current and not reset and int(current.get("id", 0)) >= last_id and current.get("first") == first_hash:
        return
    data = {"base": identity, "id": last_id, "hash": last_hash, "first": first_hash,
            "at": datetime.now().isoformat(timespec="seconds")}
    history = list(current.get("notes", [])) if current else []
    if note:
        history.append(f"{datetime.now():%d/%m/%Y à %H:%M:%S} : {note}")
    if current and not reset and current.get("first") != first_hash:
        # The first entry changed outside the app: keep the evidence, verification reports it.
        data["rewritten"] = {"id": current.get("id"), "hash": current.get("hash"), "first": current.get("first"),
                             "at": current.get("at"), "seen": data["at"]}
    elif current and not reset and current.get("rewritten"):
        data["rewritten"] = current["rewritten"]
    if history:
        data["notes"] = history[-20:]
    path = anchor_path(identity)
    try:
        _private_dir(path.parent)
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError:
        pass  # an anchor is a safeguard: failing to write one never blocks the user's work
