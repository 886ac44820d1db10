"""What went wrong, in French: the reason behind an exception raised by the system or a library.

The operating system, SQLite, zipfile and zlib speak English (« No space left on device », « database disk image
is malformed », « File is not a zip file ») and SQLite's integrity check answers with page dumps. Whatever a user
reads goes through `reason(exc)` (or `integrity_summary(lines)`), never through `str(exc)` of a library error.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
import zipfile
from erbm_desk.domain.french import count_agreed
import zlib

_ERRNO = {
    errno.ENOSPC: "plus de place sur le disque",
    errno.EDQUOT: "quota du disque dépassé",
    errno.EACCES: "accès refusé (droits insuffisants)",
    errno.EPERM: "opération interdite (fichier protégé ou droits insuffisants)",
    errno.EROFS: "le disque ou le partage est en lecture seule",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.EEXIST: "le fichier existe déjà",
    errno.EBUSY: "le fichier est occupé par un autre programme",
    errno.ETXTBSY: "le fichier est occupé par un autre programme",
    errno.EIO: "erreur de lecture ou d'écriture sur le disque",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENFILE: "trop de fichiers ouverts",
    errno.EFBIG: "fichier trop volumineux pour ce disque",
    errno.ENOMEM: "mémoire insuffisante",
    errno.EXDEV: "déplacement impossible d'un disque à l'autre",
    errno.ESTALE: "le partage réseau ne répond plus",
}
_WINDOWS_ERRORS = {32: "le fichier est occupé par un autre programme", 33: "le fichier est verrouillé par un autre "
                   "programme", 112: "plus de place sur le disque", 5: "accès refusé (droits insuffisants)"}

_SQLITE = {
    sqlite3.SQLITE_FULL: "plus de place sur le disque",
    sqlite3.SQLITE_READONLY: "la base ne peut pas être modifiée (fichier, dossier ou disque en lecture seule)",
    sqlite3.SQLITE_BUSY: "la base est occupée par un autre programme qui y écrit ; réessayez dans un instant",
    sqlite3.SQLITE_LOCKED: "la base est occupée par un autre programme qui y écrit ; réessayez dans un instant",
    sqlite3.SQLITE_CORRUPT: "le fichier de la base est endommagé",
    sqlite3.SQLITE_NOTADB: "ce fichier n'est pas une base de données (ou il est endommagé)",
    sqlite3.SQLITE_IOERR: "erreur de lecture ou d'écriture sur le disque",
    sqlite3.SQLITE_CANTOPEN: "le fichier de la base ne peut pas être ouvert (dossier inaccessible ou en lecture seule)",
    sqlite3.SQLITE_PERM: "accès refusé (droits insuffisants)",
    sqlite3.SQLITE_NOMEM: "mémoire insuffisante",
    sqlite3.SQLITE_TOOBIG: "une valeur est trop grande pour la base",
    sqlite3.SQLITE_CONSTRAINT: "une règle d'intégrité de la base a refusé l'écriture",
    sqlite3.SQLITE_PROTOCOL: "la base est occupée par un autre programme ; réessayez dans un instant",
    sqlite3.SQLITE_AUTH: "accès refusé",
}
# When the driver gives no error code (older Pythons, other drivers): the English text SQLite uses.
_SQLITE_TEXTS = (
    ("disk is full", sqlite3.SQLITE_FULL),
    ("readonly database", sqlite3.SQLITE_READONLY),
    ("read-only", sqlite3.SQLITE_READONLY),
    ("database is locked", sqlite3.SQLITE_BUSY),
    ("is locked", sqlite3.SQLITE_LOCKED),
    ("malformed", sqlite3.SQLITE_CORRUPT),
    ("file is not a database", sqlite3.SQLITE_NOTADB),
    ("disk i/o error", sqlite3.SQLITE_IOERR),
    ("unable to open database", sqlite3.SQLITE_CANTOPEN),
    ("out of memory", sqlite3.SQLITE_NOMEM),
    ("too big", sqlite3.SQLITE_TOOBIG),
)


def _os_reason(exc: OSError) -> str:
    if getattr(exc, "winerror", None) in _WINDOWS_ERRORS:
        return _WINDOWS_ERRORS[exc.winerror]
    if exc.errno in _ERRNO:
        return _ERRNO[exc.errno]
    name = errno.errorcode.get(exc.errno or 0)
    return f"erreur du système de fichiers ({name})" if name else "erreur du système de fichiers"


def _driver_error(exc: BaseException) -> BaseException:
    """The database driver's own error that a SQLAlchemy error wraps (`exc` itself when it wraps none)."""
    return getattr(exc, "orig", None) or exc


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of an sqlite3 error (or of the one a SQLAlchemy error wraps), else None."""
    inner = _driver_error(exc)
    code = getattr(inner, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF
    if isinstance(inner, sqlite3.Error) or type(inner).__module__.startswith(("sqlcipher3", "pysqlcipher")):
        text = str(inner).lower()
        for needle, found in _SQLITE_TEXTS:
            if needle in text:
                return found
        return sqlite3.SQLITE_ERROR
    return None


def reason(exc: BaseException) -> str:
    """The cause of `exc` as a short French phrase (no capital, no final dot), for « … impossible : {reason} »."""
    if isinstance(exc, OSError) and not isinstance(exc, (zipfile.BadZipFile,)) and exc.errno is not None:
        return _os_reason(exc)
    code = sqlite_code(exc)
    if code is not None:
        return _SQLITE.get(code, "erreur de la base de données")
    if isinstance(exc, zipfile.BadZipFile):
        return "ce n'est pas une archive .xlsx valide (fichier endommagé ou d'un autre format)"
    if isinstance(exc, zlib.error):
        return "des données compressées du fichier sont endommagées"
    if isinstance(exc, (EOFError,)):
        return "le fichier s'arrête avant la fin (tronqué)"
    if isinstance(exc, MemoryError):
        return "mémoire insuffisante"
    if isinstance(exc, UnicodeError):
        return "texte illisible (encodage de caractères inattendu)"
    if isinstance(exc, OSError):
        return "erreur du système de fichiers"
    if _server_unreachable(exc):
        return "le serveur de base de données ne répond pas (serveur arrêté, réseau coupé ou connexion perdue)"
    return f"erreur inattendue ({type(exc).__name__})"


def _server_unreachable(exc: BaseException) -> bool:
    """A PostgreSQL server refusing or dropping the connection: psycopg's OperationalError (or SQLAlchemy's
    wrapper of it), told by name so that this module does not import the driver."""
    inner = _driver_error(exc)
    return (type(inner).__module__.startswith("psycopg")
            and any(kind.__name__ == "OperationalError" for kind in type(inner).__mro__))


FULL_BELOW = 1 << 20  # bytes free under which a disk is full for SQLite (its -wal and -shm cannot grow)


def disk_full(*folders) -> bool:
    """Is the disk holding one of these folders (nearly) full?"""
    for folder in folders:
        try:
            if shutil.disk_usage(folder).free < FULL_BELOW:
                return True
        except OSError:
            continue
    return False


def reason_at(exc: BaseException, *folders) -> str:
    """`reason(exc)` for work done in `folders`: SQLite says « disk I/O error » when its journal cannot grow on a
    full disk, which is then said as such."""
    code = sqlite_code(exc)
    io_error = code == sqlite3.SQLITE_IOERR or (isinstance(exc, OSError) and exc.errno == errno.EIO)
    if io_error and disk_full(*folders):
        return _SQLITE[sqlite3.SQLITE_FULL]
    return reason(exc)


def is_known(exc: BaseException) -> bool:
    """Does `reason` say something precise about `exc` (a system or database cause), rather than « erreur
    inattendue »?"""
    return not reason(exc).startswith("erreur inattendue")


OWN_FINDINGS = ("le fichier est ",)  # how the app's own (French) findings begin


DISK_IO = "le fichier est illisible (erreur de lecture sur le disque)"


def integrity_summary(problems: list[str]) -> str:
    """What the checks of a database file found, as a French clause: the app's own findings (« le fichier est
    vide (0 octet) », « le fichier est tronqué : … ») as they are, SQLite's (English page dumps) summed up."""
    lines = [p for p in problems if p and p.strip()]
    if not lines:
        return "le fichier est endommagé"
    if lines[0].startswith(OWN_FINDINGS):
        return lines[0]
    if any("malformed" in p.lower() or "not a database" in p.lower() for p in lines):
        return "le fichier est endommagé (structure illisible)"
    if any(sqlite_text in p.lower() for p in lines for sqlite_text in ("disk i/o", "unable to open")):
        return DISK_IO
    pages = sum(1 for p in lines if "page" in p.lower())
    if pages:
        return (f"le fichier est endommagé ({count_agreed(pages, 'page', 'abîmé', True)} selon le contrôle "
                "d'intégrité de SQLite)")
    return (f"le fichier est endommagé ({count_agreed(len(lines), 'anomalie', 'trouvé', True)} par le contrôle "
            "d'intégrité de SQLite)")
