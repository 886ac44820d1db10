"""Opening a database at start-up the safe way, with the user's say at each fork.

`open_database_interactively(target)` is how the window opens a database (through `ui/opening.py`, which makes
the first attempt in a worker and hands its outcome over as `first`), instead of `open_database(target)`:

- another instance has the file → « Ouvrir en lecture seule ? » (yes: read-only Database; no: None);
- the file is damaged and a good backup exists → « Restaurer la sauvegarde du … ? » (yes: the damaged file
  is kept aside, the backup restored, the database opened; no: None);
- any other refusal (newer schema, unreadable file, failed upgrade) → the French message, None;
- once open, `db.warnings` (network drive, broken links) are shown.

`start_daily_backup(window)` then makes the day's first backup in a worker (at most one a day).

Questions here are modal `exec()` boxes over the window (at start-up, the window frame is already shown: the
answer « Quitter » closes the app; from Fichier > Ouvrir, « Annuler » keeps the open database). Tests (and any
caller) can pass `ask(title, text, informative, yes_label) -> bool` and `tell(level, text)` instead.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from erbm_desk.services.backup import copies, location
from erbm_desk.services.database.opening import (
    Database,
    DatabaseDamagedError,
    DatabaseLockedError,
    DatabaseOpenError,
    open_database,
)

TITLE = "ERBM Desk"
Ask = Callable[[str, str, str, str], bool]
Tell = Callable[[str, str], None]


def _box_ask(parent: QWidget | None, no: str = "Quitter") -> Ask:
    def ask(title: str, text: str, informative: str, yes: str) -> bool:
        box = QMessageBox(QMessageBox.Question, TITLE, text, QMessageBox.NoButton, parent)
        box.setInformativeText(informative)
        accept = box.addButton(yes, QMessageBox.AcceptRole)
        box.addButton(no, QMessageBox.RejectRole)
        box.setDefaultButton(accept)
        box.exec()
        return box.clickedButton() is accept

    return ask


def _box_tell(parent: QWidget | None) -> Tell:
    def tell(level: str, text: str) -> None:
        icon = QMessageBox.Critical if level == "error" else QMessageBox.Warning
        QMessageBox(icon, TITLE, text, QMessageBox.Ok, parent).exec()

    return tell


def open_database_interactively(target: str, parent: QWidget | None = None, ask: Ask | None = None,
                                tell: Tell | None = None, key: bytes | None = None,
                                first: Database | BaseException | None = None, no: str = "Quitter",
                                read_only: bool = False) -> Database | None:
    """Open `target` for the window; None when the user chose not to (or it cannot be opened).

    `first`: the outcome of a first `open_database(target, read_only=read_only)` already made (in a worker, see
    ui/opening.py) — the database, or the exception it raised — so that only the questions run here. `no`: the
    label of the button that declines (« Quitter » at start-up, « Annuler » from the Fichier menu)."""
    from erbm_desk.services.database.errors import EncryptedDatabaseError
    from erbm_desk.services.database.restore import restore_backup

    ask = ask or _box_ask(parent, no)
    tell = tell or _box_tell(parent)
    db = None
    try:
        if isinstance(first, BaseException):
            raise first
        db = first if first is not None else open_database(target, read_only=read_only, key=key)
    except DatabaseLockedError as exc:
        if ask("lecture seule", f"Cette base est déjà ouverte en écriture par {exc.holder.describe()}.",
               "Vous pouvez l'ouvrir en lecture seule : consulter, chercher, exporter, mais rien modifier. "
               "Pour modifier, fermez d'abord l'autre fenêtre d'ERBM Desk.", "Ouvrir en lecture seule"):
            try:
                db = open_database(target, read_only=True, key=key)
            except DatabaseOpenError as again:
                tell("error", str(again))
                return None
        else:
            return None
    except DatabaseDamagedError as exc:
        good = exc.backup
        if good is None:
            tell("error", str(exc))
            return None
        if not ask("restaurer", f"La base « {exc.path.name} » est endommagée : ERBM Desk ne l'a pas modifiée.",
                   f"Dernière sauvegarde valide : le {good.date_label} ({good.reason_label}) — {good.summary()}.\n\n"
                   "La restaurer ? Le fichier endommagé sera gardé à part, tel quel, dans le dossier des "
                   "sauvegardes.", "Restaurer cette sauvegarde"):
            return None
        try:
            result = restore_backup(exc.path, good.path)
            db = open_database(target, read_only=False, key=key)
        except (location.BackupError, DatabaseOpenError) as failed:
            tell("error", str(failed))
            return None
        db.warnings.insert(0, f"La sauvegarde du {good.date_label} a été restaurée ; le fichier endommagé est "
                              f"gardé dans « {result.damaged_copy} ».")
    except EncryptedDatabaseError as exc:
        from erbm_desk.ui.security.login_dialog import PassphraseDialog

        if key is not None:
            tell("error", str(exc))  # a wrong passphrase: say so once, do not loop
        dialog = PassphraseDialog(exc.path, parent)
        if dialog.exec() != PassphraseDialog.Accepted:
            return None
        return open_database_interactively(target, parent, ask, tell, key=dialog.key, no=no, read_only=read_only)
    except DatabaseOpenError as exc:
        tell("error", str(exc))
        return None
    for warning in db.warnings:
        tell("warning", warning)
    return db


def start_daily_backup(window, on_done: Callable[[object], None] | None = None):
    """The start-up backup (at most one a day) in a worker; errors become a status-bar message."""
    from erbm_desk.ui.database.workers import run_job

    db = window.db

    def failed(exc: BaseException) -> None:
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(f"Sauvegarde du jour impossible : {exc}", 15_000)

    return run_job(lambda _progress: copies.startup_backup(db), on_done or (lambda _info: None), failed,
                   owner=window)
