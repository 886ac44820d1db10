"""Fichier menu: new database, open, recent databases, quit (« Sauvegarder une copie… » comes from backup_actions). Opening and copying run in a worker
(a schema upgrade, the reference data or a copy of a large file take seconds)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox

from erbm_desk.paths import APP_NAME, data_dir
from erbm_desk.services.database import DatabaseLockedError, DatabaseOpenError, open_database
from erbm_desk.ui.dialogs import ask
from erbm_desk.ui.settings import forget_recent_database, recent_databases
from erbm_desk.ui.workers import run_job

if TYPE_CHECKING:
    from erbm_desk.ui.main_window import MainWindow

FILTER = "Bases ERBM Desk (*.sqlite *.db);;Tous les fichiers (*)"


class FileMenu:
    def __init__(self, window: "MainWindow", menu: QMenu):
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

    def _folder(self) -> str:
        path = self.window.db.path
        return str(path.parent if path is not None else data_dir())

    # --- opening -------------------------------------------------------------------------------------------

    def new_database(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self.window, "Nouvelle base de données",
                                              str(Path(self._folder()) / "nouvelle-base.sqlite"), FILTER)
        if not name:
            return
        path = Path(name) if Path(name).suffix else Path(name).with_suffix(".sqlite")
        if path.exists() and path.stat().st_size > 0:
            QMessageBox.warning(self.window, APP_NAME, f"« {path} » existe déjà. Pour l'utiliser, choisissez "
                                "Fichier > Ouvrir ; pour une base vide, choisissez un autre nom.")
            return
        if path.exists():
            path.unlink()  # the empty file a save dialog may have created
        self.open_path(str(path), create=True)

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

        def job(_progress):
            return open_database(path, create=create, read_only=True if read_only else False)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, DatabaseLockedError):
                ask(self.window, APP_NAME, str(exc), "Ouvrir en lecture seule",
                    lambda: self.open_path(path, read_only=True),
                    informative="Vous pourrez consulter la base sans la modifier.")
            elif isinstance(exc, DatabaseOpenError):
                if not create and not Path(path).exists():
                    forget_recent_database(path)
                QMessageBox.warning(self.window, APP_NAME, str(exc))
            else:
                QMessageBox.critical(self.window, APP_NAME, f"Ouverture impossible : {exc}")

        def opened(db) -> None:
            from erbm_desk.ui.login_dialog import ensure_signed_in

            if not ensure_signed_in(db, self.window):
                db.close()
                return
            self.window.confirm_leave(lambda: self.window.set_database(db), on_cancel=db.close)

        run_job(job, opened, failed, owner=self.window, progress_label=f"Ouverture de « {Path(path).name} »…")

    def _fill_recent(self) -> None:
        self.recent.clear()
        current = str(self.window.db.path) if self.window.db.path else None
        paths = [p for p in recent_databases() if p != current]
        for p in paths:
            action = self.recent.addAction(Path(p).name)
            action.setToolTip(p)
            action.setStatusTip(p)
            action.setEnabled(Path(p).exists())
            action.triggered.connect(lambda _checked=False, p=p: self.open_path(p))
        if not paths:
            self.recent.addAction("(aucune autre base)").setEnabled(False)
