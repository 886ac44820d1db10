"""Fichier menu: new database, open, recent databases, quit (« Sauvegarder une copie… » comes from backup_actions).
Opening runs in a worker (a schema upgrade, the reference data or a copy of a large file take seconds), through
the same code as the start-up (ui/database/opening.py): file in use, damaged file, encrypted file and sign-in are
asked the same way. Whether files exist (a recent database moved, a name already taken) is also checked in a
worker: a network drive may take seconds to answer. Nothing here imports the database layer: the menu exists
before the database opens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QMenu, QMessageBox

from erbm_desk.paths import APP_NAME, data_dir
from erbm_desk.ui.common.window_state import forget_recent_database, recent_databases
from erbm_desk.ui.database.opening import open_for_window
from erbm_desk.ui.database.workers import run_job

FILTER = "Bases ERBM Desk (*.sqlite *.db);;Tous les fichiers (*)"


class FileMenu:
    def __init__(self, window: QMainWindow, menu: QMenu):
        """`window`: the main window (its `db`, `confirm_leave`, `set_database`)."""
        self.window = window
        self.menu = menu
        self._add("&Nouvelle base…", self.new_database, QKeySequence("Ctrl+Shift+N"))
        self._add("&Ouvrir…", self.open_database, QKeySequence.Open)
        self._add("Ouvrir une base &partagée (PostgreSQL)…", self.open_server, QKeySequence())
        self.recent = menu.addMenu("Bases &récentes")
        self.recent.aboutToShow.connect(self._fill_recent)
        menu.addSeparator()
        self.quit_action = self._add("&Quitter", window.close, QKeySequence.Quit)
        self.quit_action.setMenuRole(QAction.QuitRole)

    def _add(self, text: str, slot, shortcut) -> QAction:
        action = self.menu.addAction(text)
        action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _current_path(self) -> Path | None:
        db = self.window.db  # None while the start-up database is still opening
        return db.path if db is not None else None

    def _folder(self) -> str:
        path = self._current_path()
        return str(path.parent if path is not None else data_dir())

    # --- opening -------------------------------------------------------------------------------------------

    def new_database(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self.window, "Nouvelle base de données",
                                              str(Path(self._folder()) / "nouvelle-base.sqlite"), FILTER)
        if not name:
            return
        path = Path(name) if Path(name).suffix else Path(name).with_suffix(".sqlite")

        def free() -> bool:
            """False when a database already has this name; an empty file a save dialog may have made goes."""
            if path.exists() and path.stat().st_size > 0:
                return False
            path.unlink(missing_ok=True)
            return True

        def checked(is_free: bool) -> None:
            if is_free:
                self.open_path(str(path), create=True)
            else:
                QMessageBox.warning(self.window, APP_NAME, f"« {path} » existe déjà. Pour l'utiliser, choisissez "
                                    "Fichier > Ouvrir ; pour une base vide, choisissez un autre nom.")

        run_job(lambda _p: free(), checked, lambda exc: QMessageBox.warning(self.window, APP_NAME, str(exc)),
                owner=self.window)

    def open_database(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.window, "Ouvrir une base de données", self._folder(), FILTER)
        if name:
            self.open_path(name)

    def open_server(self) -> None:
        """Shared mode: the same app on a PostgreSQL server, e.g. postgresql://marie@serveur/erbm."""
        url, ok = QInputDialog.getText(
            self.window, "Base partagée (PostgreSQL)",
            "Adresse du serveur, fournie par votre service informatique :\n"
            "postgresql://utilisateur:mot_de_passe@serveur:5432/base", text="postgresql://")
        url = url.strip()
        if not ok or url in ("", "postgresql://"):
            return
        if not url.startswith(("postgresql://", "postgresql+psycopg://")):
            QMessageBox.warning(self.window, APP_NAME, "L'adresse doit commencer par « postgresql:// ».")
            return
        self.open_path(url)

    def open_path(self, path: str, create: bool = False, read_only: bool = False) -> None:
        """Open a database in a worker, then show it in the window (after unsaved changes are settled)."""

        def opened(db) -> None:
            from erbm_desk.ui.database.gateway import close_database

            self.window.confirm_leave(lambda: self.window.set_database(db), on_cancel=lambda: close_database(db))

        def declined(_code: int) -> None:
            if not create and "://" not in path:
                run_job(lambda _p: Path(path).exists(), lambda exists: exists or forget_recent_database(path),
                        lambda exc: None, owner=self.window)

        open_for_window(self.window, path, opened, declined, sign_in=_sign_in, create=create, read_only=read_only,
                        progress_label=f"Ouverture de « {Path(path).name} »…")

    def _fill_recent(self) -> None:
        """The other recent databases; those no longer found are greyed once a worker has looked for them."""
        self.recent.clear()
        current = str(self._current_path()) if self._current_path() else None
        paths = [p for p in recent_databases() if p != current]
        actions = []
        for p in paths:
            action = self.recent.addAction(Path(p).name)
            action.setToolTip(p)
            action.setStatusTip(p)
            action.triggered.connect(lambda _checked=False, p=p: self.open_path(p))
            actions.append(action)
        if not paths:
            self.recent.addAction("(aucune autre base)").setEnabled(False)
            return

        def found(exists: list[bool]) -> None:
            if self.recent.actions()[:len(actions)] == actions:  # still the menu filled above
                for action, there in zip(actions, exists):
                    action.setEnabled(there)

        run_job(lambda _p: [Path(p).exists() for p in paths], found, lambda exc: None, owner=self.recent)


def _sign_in(db, parent, then) -> None:
    """The sign-in step of the opening (looked up when used: tests replace it)."""
    from erbm_desk.ui.security import login_dialog

    login_dialog.ensure_signed_in(db, parent, then)
