"""Reading an SQLite file without writing to it: its header, read-only connections, `quick_check`.

Used wherever a file must be looked at before (or instead of) being opened: the integrity check of the opening
pipeline, the backups (which are never written once made), and the restore of a backup.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_uri(path: str | os.PathLike, **params: str) -> str:
    """An SQLite `file:` URI for a path (spaces, accents, `?`, `#` escaped; Windows drives and UNC paths kept)."""
    posix = Path(path).as_posix()
    uri = "file://" + ("" if posix.startswith("/") else "/") + quote(posix, safe="/:")
    return uri + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def header_ok(path: str | os.PathLike) -> bool:
    """The file starts like a plain SQLite database (an SQLCipher file does not: its first bytes are a salt)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def shape_problems(path: str | os.PathLike) -> list[str]:
    """What the file's size says, in French, without reading its pages: empty, or cut short (a file copied
    half-way, a disk that filled up). SQLite reads a missing end as zeros and its checks may not notice."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError:
        return []
    if size == 0:
        return ["le fichier est vide (0 octet)"]
    if len(header) < 100 or header[:16] != SQLITE_HEADER:
        return []  # not a plain SQLite file: header_ok (or the SQLCipher connector) says so
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return ["le fichier est endommagé (en-tête illisible : taille de page invalide)"]
    if size % page_size:
        return [f"le fichier est endommagé (tronqué : {size} octets, pas un nombre entier de pages de {page_size} "
                "octets)"]
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96]  # the page count is valid (SQLite ≥ 3.7.0 keeps them in step)
    wal = Path(f"{path}-wal")
    if counted and pages * page_size > size and not (wal.exists() and wal.stat().st_size > 0):
        return [f"le fichier est endommagé (tronqué : {pages} pages annoncées, {size // page_size} présentes)"]
    return []


def write_problem(path: str | os.PathLike) -> str | None:
    """Why this process could not write the database file (French), or None: a folder it may not write in (where
    SQLite keeps its journal), a file protected against writing (rights, or the immutable attribute)."""
    path = Path(path)
    if not os.access(path.parent, os.W_OK):
        return f"le dossier « {path.parent} » est en lecture seule"
    if path.exists() and not os.access(path, os.W_OK):
        return f"le fichier « {path.name} » est protégé contre l'écriture"
    return None


def _is_readonly_error(exc: sqlite3.Error) -> bool:
    # SQLITE_READONLY_RECOVERY / _ROLLBACK / _CANTINIT…: the file needs its journal replayed (a crash).
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_READONLY


def connect_readonly(path: str | os.PathLike, immutable: bool = False) -> sqlite3.Connection:
    """A connection that cannot write to the file. `immutable` (for backups, which never change) also
    creates no -wal/-shm file and takes no lock."""
    params = {"mode": "ro", "immutable": "1"} if immutable else {"mode": "ro"}
    return sqlite3.connect(sqlite_uri(path, **params), uri=True, timeout=30, check_same_thread=False)


def connect_recovering(path: str | os.PathLike) -> sqlite3.Connection:
    """Read-only when possible; a file left by a killed process may need its WAL replayed first, which only a
    read-write connection does (SQLite's normal crash recovery, not a change of content)."""
    conn = connect_readonly(path)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error as exc:
        conn.close()
        if not _is_readonly_error(exc) and not _cannot_open(exc):
            raise
    if write_problem(path):  # a read-only folder or file: nothing can be replayed, read it as it stands
        return connect_readonly(path, immutable=True)
    return sqlite3.connect(str(path), timeout=30, check_same_thread=False)


def _cannot_open(exc: sqlite3.Error) -> bool:
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_CANTOPEN


def quick_check_problems(path: str | os.PathLike, immutable: bool = False) -> list[str]:
    """Problems `PRAGMA quick_check` finds in a plain database file (empty list: healthy). Never writes."""
    if not header_ok(path):
        return ["l'en-tête du fichier n'est pas celui d'une base SQLite"]
    shape = shape_problems(path)
    if shape:
        return shape
    try:
        conn = connect_readonly(path, immutable=True) if immutable else connect_recovering(path)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows
