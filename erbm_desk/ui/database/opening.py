"""Opening a database for the window without freezing it: the one code path of the start-up and of Fichier >
Ouvrir / Nouvelle base / Bases récentes / Restaurer.

The first attempt runs in a worker, which is also where the database layer (SQLAlchemy, the models, the
services: several times the cost of a bare Qt window) is first imported at start-up, while the window frame is
already on screen. Its outcome comes back to the UI thread, where the questions are asked over the window
(opening_dialogue.py: file in use → read-only?, damaged → restore the last good backup?, encrypted →
passphrase), then the caller's `sign_in(db, parent, then)` step (ui/security/login_dialog.py's
`ensure_signed_in`: this folder sits below the security one). This module imports neither SQLAlchemy nor the
services.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from erbm_desk.paths import APP_NAME
from erbm_desk.services.progress import Cancelled
from erbm_desk.ui.database.workers import run_job, say_unexpected

if TYPE_CHECKING:
    from erbm_desk.services.database.opening import Database

log = logging.getLogger(__name__)

QUIT, CANCEL = "Quitter", "Annuler"
SignIn = Callable[["Database", "QWidget | None", Callable[[bool], None]], None]


def open_for_window(parent: QWidget, target: str, on_open: Callable[[Database], None],
                    on_cancel: Callable[[int], None], *, sign_in: SignIn, create: bool = False,
                    read_only: bool = False, no: str = CANCEL, progress_label: str | None = None) -> None:
    """Open `target`, ask what must be asked, sign in; then `on_open(db)` on the UI thread, or `on_cancel(code)`
    when the user declined or the file cannot be opened (code 1), or declined to sign in (code 0)."""

    def job(_progress):
        from erbm_desk.services.database.opening import open_database  # at start-up: the first import of the layer

        return open_database(target, create=create, read_only=read_only)

    def signed_in(db: Database, ok: bool) -> None:
        from erbm_desk.ui.database.gateway import close_database

        if ok:
            on_open(db)
        else:
            close_database(db)
            on_cancel(0)

    def opened(db: Database | None) -> None:
        if db is None:
            on_cancel(1)
            return
        guarded(lambda: sign_in(db, parent, lambda ok: signed_in(db, ok)))

    def guarded(step: Callable[[], None]) -> None:
        try:
            step()
        except Exception as exc:  # a refusal the questions do not know: say it, never leave a window waiting
            def show(text: str) -> None:
                QMessageBox.critical(parent, APP_NAME, f"Ouverture impossible : {text}")
                on_cancel(1)

            say_unexpected(exc, "l'ouverture de la base", show)  # the details to the log, from a worker

    def first_done(first) -> None:
        if isinstance(first, Cancelled):  # « Annuler » in the progress dialog
            on_cancel(1)
            return
        from erbm_desk.ui.database.opening_dialogue import open_database_interactively

        guarded(lambda: open_database_interactively(target, parent, opened, first=first, no=no, read_only=read_only))

    run_job(job, first_done, first_done, owner=parent, progress_label=progress_label,
            action="l'ouverture de la base")
