"""Is the database file healthy? Checks that never write to it.

- at every opening of a file, plain or encrypted (a step of the opening pipeline): the file header,
  `PRAGMA quick_check` and `PRAGMA foreign_key_check` (`check_at_open`); a damaged file is refused with a French
  message naming the latest good backup, before anything is written (the backups are only read, with
  `immutable=1`);
- `erbm-desk check`: the full `PRAGMA integrity_check` (`full_check`);
- `startup_checks(target)`: everything the window should tell the user before or while opening a database
  (damaged file, broken links, network drive, another instance), as a list of findings.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from erbm_desk.db.sqlite_files import connect_recovering, header_ok, shape_problems
from erbm_desk.services.backup.listing import BackupInfo, describe_counts, file_counts, latest_good_backup, list_backups
from erbm_desk.services.backup.location import backup_folder
from erbm_desk.services.error_messages import DISK_IO, OWN_FINDINGS, disk_full, integrity_summary, reason
from erbm_desk.domain.french import format_count

ERROR, WARNING, INFO = "erreur", "avertissement", "info"


@dataclass
class OpenCheck:
    problems: list[str] = field(default_factory=list)  # damage: the file must not be used
    broken_links: list[str] = field(default_factory=list)  # foreign keys pointing nowhere: a warning

    @property
    def damaged(self) -> bool:
        return bool(self.problems)


def _describe_fk(rows) -> list[str]:
    by_link = Counter((r[0], r[2]) for r in rows)
    return [f"{format_count(n, 'enregistrement')} de « {table} » {'renvoie' if n < 2 else 'renvoient'} à « {parent} », "
            f"absent de la base"
            for (table, parent), n in sorted(by_link.items())]


def _classify(exc: Exception) -> str:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return "busy"
    return "damaged"


def check_at_open(path: str | os.PathLike, full: bool = False, *, connect: Callable[[], Any] | None = None,
                  errors: type[Exception] | tuple[type[Exception], ...] = sqlite3.Error) -> OpenCheck:
    """Header, quick_check (or integrity_check with `full`) and foreign keys of an existing database file.

    `connect` and `errors`: another driver's read-only connection (SQLCipher: one that holds the key, the file
    having no plain header to check) and its exception class."""
    path = Path(path)
    result = OpenCheck()
    if not path.is_file():
        return result
    if path.stat().st_size == 0:  # not a new base: a file emptied by a failed copy or a full disk
        result.problems.append("le fichier est vide (0 octet)")
        return result
    if connect is None and not header_ok(path):
        result.problems.append("le fichier est endommagé (en-tête illisible : ce n'est plus une base SQLite valide)")
        return result
    if connect is None:
        result.problems.extend(shape_problems(path))
        if result.problems:
            return result
    try:
        conn = connect() if connect is not None else connect_recovering(path)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check")]
            if rows != ["ok"]:
                result.problems.extend(rows[:20])
            else:
                result.broken_links = _describe_fk(conn.execute("PRAGMA foreign_key_check").fetchall())
        finally:
            conn.close()
    except errors as exc:
        if _classify(exc) == "busy":
            return result  # another process is writing: not damage; SQLite will wait its turn
        result.problems.append(str(exc))
    return result


def damaged_message(path: Path, problems: list[str], good: BackupInfo | None) -> str:
    summary = integrity_summary(problems)
    if summary == DISK_IO and disk_full(path.parent):  # SQLite's journal could not grow: the file is fine
        return (f"Impossible d'ouvrir « {path.name} » : plus de place sur le disque de « {path.parent} ». "
                "ERBM Desk ne l'a pas modifié : libérez de la place, puis réessayez.")
    lines = [f"Impossible d'ouvrir « {path.name} » : {summary}. ERBM Desk ne l'a pas modifié."]
    if good is not None:
        lines.append(
            f"Dernière sauvegarde valide : le {good.date_label} ({good.reason_label}) — {good.summary()}. "
            f"Restaurez-la avec « Fichier > Restaurer une sauvegarde… » ou « erbm-desk restore \"{good.path}\" »."
        )
    else:
        lines.append(f"Aucune sauvegarde valide n'a été trouvée dans « {backup_folder(path)} ».")
        if problems and problems[0].startswith("le fichier est vide"):
            lines.append("Pour partir d'une base neuve à cet endroit, supprimez ce fichier vide.")
    return " ".join(lines)


@dataclass
class Finding:
    level: str  # ERROR, WARNING or INFO
    code: str  # "damaged", "broken-links", "network", "locked", "newer-schema", "unreadable"
    message: str  # French, for the user
    backup: BackupInfo | None = None  # for "damaged": the latest good backup to offer
    holder: object | None = None  # for "locked": a locking.LockHolder


def startup_checks(target: str) -> list[Finding]:
    """What to tell the user about a database before opening it (no write, no lock kept). Empty: all well.

    The window calls it in a worker before `open_database`; `open_database` does the same checks again and
    raises DatabaseDamagedError / DatabaseLockedError, so calling this is optional but gives a calmer UI."""
    from erbm_desk.db import migrate
    from erbm_desk.services.database.locking import lock_holder
    from erbm_desk.services.database.network_drive import network_filesystem, network_warning

    if "://" in target and not target.startswith("sqlite:///"):
        return []
    path = Path(target.removeprefix("sqlite:///")).expanduser()
    findings: list[Finding] = []
    if not path.is_file():
        return findings
    fs = network_filesystem(path)
    if fs:
        findings.append(Finding(WARNING, "network", network_warning(path, fs)))
    check = check_at_open(path)
    if check.damaged:
        good = latest_good_backup(path)
        findings.append(Finding(ERROR, "damaged", damaged_message(path, check.problems, good), backup=good))
        return findings
    for line in check.broken_links:
        findings.append(Finding(WARNING, "broken-links", f"Liens incohérents dans la base : {line}."))
    try:
        _counts, revision = file_counts(path, immutable=False)
        if revision is not None and not migrate.known_revision(revision):
            findings.append(Finding(ERROR, "newer-schema",
                                    "Cette base de données a été créée par une version plus récente d'ERBM Desk. "
                                    "Mettez l'application à jour pour l'ouvrir."))
    except sqlite3.Error as exc:
        findings.append(Finding(ERROR, "unreadable", f"Impossible de lire « {path.name} » : {reason(exc)}."))
    holder = lock_holder(path)
    if holder is not None:
        findings.append(Finding(WARNING, "locked",
                                f"La base « {path.name} » est déjà ouverte en écriture par {holder.describe()}. "
                                "Elle peut être ouverte en lecture seule.", holder=holder))
    return findings


def _log_details(path: Path, problems: list[str]) -> Path | None:
    """SQLite's own findings (English page dumps) into the application's log file, for whoever helps."""
    import logging

    from erbm_desk.services.error_log import install_log_file

    written = install_log_file()
    if written is not None:
        logging.getLogger("erbm_desk.integrity").warning("Contrôle de %s :\n%s", path, "\n".join(problems[:200]))
    return written


@dataclass
class CheckReport:
    ok: bool
    lines: list[str]


def full_check(target: str) -> CheckReport:
    """`erbm-desk check`: full integrity check of an SQLite file, or what can be checked on a server."""
    from erbm_desk.db import migrate
    from erbm_desk.db.engine import database_url, make_engine

    url = database_url(target)
    if not url.startswith("sqlite:///"):
        engine = make_engine(url)
        try:
            current = migrate.current_revision(engine)
        except Exception as exc:  # noqa: BLE001 - any driver error becomes one French line
            return CheckReport(False, [f"Connexion impossible au serveur : {reason(exc)}."])
        finally:
            engine.dispose()
        known = current is not None and migrate.known_revision(current)
        return CheckReport(known, [
            f"Serveur PostgreSQL joignable, schéma {current or 'absent'}"
            + (" (à jour)." if current == migrate.head_revision() else "."),
            "L'intégrité physique des données est assurée par le serveur (sauvegardes : pg_dump).",
        ])
    path = Path(url.removeprefix("sqlite:///"))
    if not path.is_file():
        return CheckReport(False, [f"La base « {path} » n'existe pas."])
    check = check_at_open(path, full=True)
    lines = []
    if check.damaged:
        lines.append(damaged_message(path, check.problems, latest_good_backup(path)))
        logged = None if check.problems[0].startswith(OWN_FINDINGS) else _log_details(path, check.problems)
        if logged is not None:
            lines.append(f"Le détail du contrôle (en anglais, pour l'assistance) est dans « {logged} ».")
        return CheckReport(False, lines)
    lines.append(f"Intégrité de « {path.name} » : ok (PRAGMA integrity_check).")
    if check.broken_links:
        lines.extend(f"Liens incohérents : {line}." for line in check.broken_links)
    else:
        lines.append("Liens entre enregistrements : ok (PRAGMA foreign_key_check).")
    counts, revision = file_counts(path, immutable=False)
    head = migrate.head_revision()
    lines.append(f"Schéma : {revision or 'absent'}" + (" (à jour)." if revision == head else f" (version actuelle : {head})."))
    lines.append("Contenu : " + describe_counts(counts) + ".")
    saved = list_backups(path)
    if saved:
        lines.append(f"Sauvegardes : {len(saved)} dans « {backup_folder(path)} », la dernière le "
                     f"{saved[0].date_label}.")
    else:
        lines.append(f"Sauvegardes : aucune dans « {backup_folder(path)} ».")
    return CheckReport(not check.broken_links, lines)
