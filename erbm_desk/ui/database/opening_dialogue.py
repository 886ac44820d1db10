"""Opening a database the safe way, with the user's say at each fork; every attempt runs in a worker.

`open_database_interactively(target, parent, then)` is how the window opens a database (through
ui/database/opening.py, which makes the first attempt in a worker and hands its outcome over as `first`); it ends
with `then(db)`, or `then(None)` when the user chose not to open it (or it cannot be opened):

- another instance has the file → « Ouvrir en lecture seule ? » (yes: read-only Database; no: None);
- the file is damaged and a good backup exists → « Restaurer la sauvegarde du … ? » (yes: the damaged file is
  kept aside, the backup restored and the database opened, in a worker; no: None);
- an encrypted file → its passphrase, then a new attempt;
- any other refusal (newer schema, unreadable file, failed upgrade) → the French message, None;
- once open, `db.warnings` (network drive, broken links) are shown.

`start_daily_backup(window)` then makes the day's first backup in a worker (at most one a day).

Questions are modal `exec()` boxes over the window (at start-up, the window frame is already shown: the answer
« Quitter » closes the app; from Fichier > Ouvrir, « Annuler » keeps the open database). Tests (and any caller)
can pass `ask(title, text, informative, yes_label) -> bool` and `tell(level, text)` instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from erbm_desk.ui.database.workers import run_job, say_unexpected

if TYPE_CHECKING:
    from erbm_desk.services.database.opening import Database

TITLE = "ERBM Desk"
Ask = Callable[[str, str, str, str], bool]
Tell = Callable[[str, str], None]
Then = Callable[["Database | None"], None]


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


def open_database_interactively(target: str, parent: QWidget | None = None, then: Then = lambda _db: None,
                                ask: Ask | None = None, tell: Tell | None = None, key: bytes | None = None,
                                first: Any = None, no: str = "Quitter", read_only: bool = False) -> None:
    """Open `target` for the window, asking what must be asked; `then(db or None)` on the UI thread.

    `first`: the outcome of a first `open_database(target, read_only=read_only)` already made in a worker (see
    ui/database/opening.py) — the database, or the exception it raised — so that only the questions remain.
    `no`: the label of the button that declines (« Quitter » at start-up, « Annuler » from the Fichier menu)."""
    opening = _Opening(target, parent, then, ask or _box_ask(parent, no), tell or _box_tell(parent), read_only)
    if first is None:
        opening.attempt(read_only, key, opening.answer)
    else:
        opening.answer(first, key)


class _Opening:
    """One opening in progress: each attempt in a worker, each question on the UI thread."""

    def __init__(self, target: str, parent: QWidget | None, then: Then, ask: Ask, tell: Tell, read_only: bool):
        self.target, self.parent, self.then = target, parent, then
        self.ask, self.tell, self.read_only = ask, tell, read_only

    def attempt(self, read_only: bool, key: bytes | None, handle: Callable[[Any, bytes | None], None]) -> None:
        target = self.target

        def job(_progress):
            from erbm_desk.services.database.opening import open_database

            return open_database(target, read_only=read_only, key=key)

        self._run(job, lambda outcome: handle(outcome, key))

    def _run(self, job: Callable[[Any], Any], handle: Callable[[Any], None]) -> None:
        def guarded(outcome: Any) -> None:
            try:
                handle(outcome)
            except Exception as exc:  # a refusal the questions do not know: say it, never leave a window waiting
                def show(text: str) -> None:
                    self.tell("error", f"Ouverture impossible : {text}")
                    self.then(None)

                say_unexpected(exc, "l'ouverture de la base", show)  # the details to the log, from a worker

        run_job(job, guarded, guarded, owner=self.parent, action="l'ouverture de la base")

    def answer(self, outcome: Any, key: bytes | None) -> None:
        """The outcome of an attempt: the database, or the question its refusal calls for."""
        from erbm_desk.services.database.opening import (
            DatabaseDamagedError,
            DatabaseLockedError,
            DatabaseOpenError,
        )
        from erbm_desk.services.database.errors import EncryptedDatabaseError
        from erbm_desk.services.error_log import UnexpectedError

        if not isinstance(outcome, BaseException):
            self.opened(outcome)
        elif isinstance(outcome, DatabaseLockedError):
            self.locked(outcome, key)
        elif isinstance(outcome, DatabaseDamagedError):
            self.damaged(outcome, key)
        elif isinstance(outcome, EncryptedDatabaseError):
            self.encrypted(outcome, key)
        elif isinstance(outcome, (DatabaseOpenError, UnexpectedError)):
            self.refused(outcome)
        else:
            raise outcome

    def last(self, outcome: Any, _key: bytes | None = None) -> None:
        """The outcome of an attempt after a question: opened, or said and given up."""
        from erbm_desk.services.backup.location import BackupError
        from erbm_desk.services.database.opening import DatabaseOpenError
        from erbm_desk.services.error_log import UnexpectedError

        if isinstance(outcome, (DatabaseOpenError, BackupError, UnexpectedError)):
            self.refused(outcome)
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            self.opened(outcome)

    def locked(self, exc, key: bytes | None) -> None:
        if self.ask("lecture seule", f"Cette base est déjà ouverte en écriture par {exc.holder.describe()}.",
                    "Vous pouvez l'ouvrir en lecture seule : consulter, chercher, exporter, mais rien modifier. "
                    "Pour modifier, fermez d'abord l'autre fenêtre d'ERBM Desk.", "Ouvrir en lecture seule"):
            self.attempt(True, key, self.last)
        else:
            self.then(None)

    def damaged(self, exc, key: bytes | None) -> None:
        good = exc.backup
        if good is None:
            self.refused(exc)
            return
        if not self.ask("restaurer", f"La base « {exc.path.name} » est endommagée : ERBM Desk ne l'a pas modifiée.",
                        f"Dernière sauvegarde valide : le {good.date_label} ({good.reason_label}) — "
                        f"{good.summary()}.\n\nLa restaurer ? Le fichier endommagé sera gardé à part, tel quel, dans "
                        "le dossier des sauvegardes.", "Restaurer cette sauvegarde"):
            self.then(None)
            return
        target = self.target

        def restore(_progress):
            from erbm_desk.services.database.opening import open_database
            from erbm_desk.services.database.restore import restore_backup

            try:
                result = restore_backup(exc.path, good.path)
                db = open_database(target, read_only=False, key=key)
            except Exception as failed:  # noqa: BLE001 - handed to the UI thread, which says it
                from erbm_desk.services.error_log import for_user

                return for_user(failed, "la restauration")
            db.warnings.insert(0, f"La sauvegarde du {good.date_label} a été restaurée ; le fichier endommagé est "
                                  f"gardé dans « {result.damaged_copy} ».")
            return db

        self._run(restore, self.last)

    def encrypted(self, exc, key: bytes | None) -> None:
        from erbm_desk.ui.database.passphrase_dialog import PassphraseDialog

        if key is not None:
            self.tell("error", str(exc))  # a wrong passphrase: say so once, do not loop
        dialog = PassphraseDialog(exc.path, self.parent)
        if dialog.exec() != PassphraseDialog.Accepted:
            self.then(None)
            return
        self.attempt(self.read_only, dialog.key, self.answer)

    def refused(self, exc: BaseException) -> None:
        self.tell("error", str(exc))
        self.then(None)

    def opened(self, db: Database) -> None:
        for warning in db.warnings:
            self.tell("warning", warning)
        self.then(db)


def start_daily_backup(window, on_done: Callable[[object], None] | None = None):
    """The start-up backup (at most one a day) in a worker; errors become a status-bar message."""
    from erbm_desk.services.backup import copies
    from erbm_desk.ui.database.gateway import gateway_for

    db = window.db

    def failed(exc: BaseException) -> None:
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(f"Sauvegarde du jour impossible : {exc}", 15_000)

    return gateway_for(db).job(window, lambda _progress: copies.startup_backup(db), on_done or (lambda _info: None),
                               failed)
