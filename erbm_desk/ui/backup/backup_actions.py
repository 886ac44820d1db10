"""« Fichier > Sauvegarder une copie… » and « Fichier > Restaurer une sauvegarde… ».

`install_backup_actions(window)` adds both actions to `window.file_menu` (a QMenu) and works on `window.db`
(the open Database). Copies, listings, the backup folder (a settings file) and restores run in workers of the
database gateway (DESIGN rule 2: a restore in its writer's queue, after the writes asked for before it);
questions and messages are window-modal and non-blocking (`open()`, never a nested `exec()`). After a restore the
window's optional `after_restore()` method is called (to reload its pages), and the `restored` signal is emitted.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.services.backup import copies, listing, location
from erbm_desk.services.database.restore import RestoreResult, restore_backup
from erbm_desk.ui.database.changes import Changes
from erbm_desk.ui.database.gateway import gateway_for
from erbm_desk.domain.french import format_count

TITLE = "ERBM Desk"
SERVER_NOTE = "Base PostgreSQL : les sauvegardes se font sur le serveur (pg_dump)."


def _message(parent: QWidget, icon: QMessageBox.Icon, text: str, informative: str = "") -> QMessageBox:
    box = QMessageBox(icon, TITLE, text, QMessageBox.Ok, parent)
    box.setInformativeText(informative)
    box.setObjectName("backup-message")
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.open()
    return box


def _ask(parent: QWidget, text: str, informative: str, yes: str, on_yes: Callable[[], None]) -> QMessageBox:
    box = QMessageBox(QMessageBox.Question, TITLE, text, QMessageBox.NoButton, parent)
    box.setInformativeText(informative)
    accept = box.addButton(yes, QMessageBox.AcceptRole)
    box.addButton("Annuler", QMessageBox.RejectRole)
    box.setDefaultButton(accept)
    box.setObjectName("backup-question")
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda button: on_yes() if button is accept else None)
    box.open()
    return box


class RestoreDialog(QDialog):
    """The backups of the open database (date, reason, content), restore one after confirmation."""

    restored = Signal(object)  # services.backup.RestoreResult

    COLUMNS = ("Date", "Motif", "Contenu")

    def __init__(self, db, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.gateway = gateway_for(db)
        self.backups: list[listing.BackupInfo] = []
        self.last_box: QMessageBox | None = None  # the latest question or message (tests look at it)
        self.setWindowTitle("Restaurer une sauvegarde")
        self.resize(760, 420)
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.status = QLabel("Lecture des sauvegardes…")
        self.restore_button = QPushButton("Restaurer…")
        self.restore_button.setEnabled(False)
        self.other_button = QPushButton("Autre fichier…")
        self.folder_button = QPushButton("Changer de dossier…")
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.restore_button, self.other_button, self.folder_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.ask_restore_selected())
        self.restore_button.clicked.connect(self.ask_restore_selected)
        self.other_button.clicked.connect(self.choose_other_file)
        self.folder_button.clicked.connect(self.change_folder)
        self.reload()

    # listing ---------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.status.setText("Lecture des sauvegardes…")
        db = self.db
        self.gateway.job(self, lambda _progress: (location.backup_folder(db.path), listing.list_backups(db)),
                         self._show, self._failed, latest="backups")

    def _show(self, listing: tuple[Path, list[listing.BackupInfo]]) -> None:
        folder, found = listing
        self.folder_label.setText(f"Sauvegardes de « {self.db.label} » dans « {folder} »")
        self.backups = found
        self.table.setRowCount(len(found))
        for row, info in enumerate(found):
            for col, value in enumerate((info.date_label, info.reason_label, info.summary())):
                item = QTableWidgetItem(value)
                item.setToolTip(str(info.path))
                if not info.readable:
                    item.setForeground(Qt.gray)
                self.table.setItem(row, col, item)
        self.status.setText(f"{format_count(len(found), 'sauvegarde')}." if found else
                            "Aucune sauvegarde dans ce dossier : « Autre fichier… » pour en choisir une ailleurs.")
        if found:
            self.table.selectRow(0)

    def _selection_changed(self) -> None:
        info = self.selected()
        self.restore_button.setEnabled(info is not None and info.readable)

    def selected(self) -> listing.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    # actions ---------------------------------------------------------------------------------------------
    def ask_restore_selected(self) -> None:
        info = self.selected()
        if info is not None and info.readable:
            self.ask_restore(info)

    def ask_restore(self, info: listing.BackupInfo) -> None:
        self.last_box = _ask(
            self,
            f"Remplacer toutes les données actuelles par la sauvegarde du {info.date_label} ?",
            f"Elle contient : {info.summary()}.\n\nL'état actuel sera d'abord sauvegardé : vous pourrez y revenir.",
            "Restaurer",
            lambda: self.restore(info),
        )

    def restore(self, info: listing.BackupInfo) -> None:
        self.status.setText("Restauration en cours…")
        self.setEnabled(False)
        db = self.db
        self.gateway.job(self, lambda _progress: restore_backup(db, info.path), self._restored, self._failed,
                         writes=True, changes=Changes.all(), progress_label="Restauration de la sauvegarde…")

    def _restored(self, result: RestoreResult) -> None:
        self.setEnabled(True)
        lines = [f"Contenu : {result.restored.summary()}."]
        if result.previous_state:
            lines.append(f"L'état remplacé a été sauvegardé dans « {result.previous_state.name} ».")
        lines += result.notes
        self.restored.emit(result)
        self.accept()
        self.last_box = _message(self.parentWidget() or self, QMessageBox.Information,
                                 f"La sauvegarde du {result.restored.date_label} a été restaurée.", "\n".join(lines))

    def _failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        self.status.setText("")
        self.last_box = _message(self, QMessageBox.Warning, str(exc))

    def choose_other_file(self) -> None:
        """Ask for a backup file anywhere (the dialog opens in the backup folder, read from the settings in a
        worker), read its description in a worker, then ask to restore it."""

        def ask_file(root: Path) -> None:
            path, _filter = QFileDialog.getOpenFileName(self, "Choisir une sauvegarde", str(root),
                                                        "Bases ERBM Desk (*.sqlite *.db);;Tous les fichiers (*)")
            if path:
                self.gateway.job(self, lambda _progress: listing.read_backup_info(path), self._other_read,
                                 self._failed)

        self.gateway.job(self, lambda _progress: location.backup_root(), ask_file, self._failed)

    def _other_read(self, info: listing.BackupInfo) -> None:
        if not info.readable:
            self.last_box = _message(self, QMessageBox.Warning, f"« {info.path.name} » n'est pas une base lisible.")
            return
        self.ask_restore(info)

    def change_folder(self) -> None:
        """Ask for another backup folder; it is checked and remembered in a worker, then listed."""

        def ask_folder(root: Path) -> None:
            folder = QFileDialog.getExistingDirectory(self, "Dossier des sauvegardes", str(root))
            if folder:
                self.gateway.job(self, lambda _progress: location.set_backup_root(folder), lambda _p: self.reload(),
                                 self._refused)

        self.gateway.job(self, lambda _progress: location.backup_root(), ask_folder, self._failed)

    def _refused(self, exc: BaseException) -> None:
        self.last_box = _message(self, QMessageBox.Warning, str(exc))


class BackupActions(QObject):
    """The two File-menu actions of one window."""

    restored = Signal(object)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.dialog: RestoreDialog | None = None
        self.last_box: QMessageBox | None = None
        self.save_action = QAction("Sauvegarder une copie…", window)
        self.save_action.setShortcut("Ctrl+Shift+S")
        self.save_action.setStatusTip("Écrire une copie cohérente de la base dans un fichier de votre choix")
        self.restore_action = QAction("Restaurer une sauvegarde…", window)
        self.restore_action.setStatusTip("Revenir à une sauvegarde (l'état actuel est sauvegardé d'abord)")
        self.save_action.triggered.connect(self.save_copy)
        self.restore_action.triggered.connect(self.open_restore_dialog)
        self.update_enabled()

    def update_enabled(self) -> None:
        """Call again if `window.db` changes (another database opened)."""
        db = self.window.db
        on_file = db is not None and db.path is not None
        self.save_action.setEnabled(on_file)
        self.restore_action.setEnabled(on_file and not getattr(db, "read_only", False))
        if db is not None and db.path is None:
            for action in (self.save_action, self.restore_action):
                action.setStatusTip(SERVER_NOTE)
        elif getattr(db, "read_only", False):
            self.restore_action.setStatusTip("Base ouverte en lecture seule : restauration impossible.")

    def default_copy_path(self, root: Path) -> Path:
        db_path = self.window.db.path
        return root / f"{db_path.stem}_copie_{datetime.now():%Y-%m-%d_%H-%M}.sqlite"

    def save_copy(self) -> None:
        """Ask where (the dialog opens in the backup folder, made in a worker if need be), then copy in a worker."""
        db = self.window.db
        gateway = gateway_for(db)

        def backup_root() -> Path:
            root = location.backup_root()
            root.mkdir(parents=True, exist_ok=True)
            return root

        def ask_path(root: Path) -> None:
            path, _filter = QFileDialog.getSaveFileName(self.window, "Sauvegarder une copie",
                                                        str(self.default_copy_path(root)), "Bases ERBM Desk (*.sqlite)")
            if not path:
                return
            if not path.lower().endswith((".sqlite", ".db")):
                path += ".sqlite"
            gateway.job(self.window, lambda _progress: copies.save_copy(db, path), self._saved, self._failed,
                        progress_label="Sauvegarde en cours…")

        gateway.job(self.window, lambda _progress: backup_root(), ask_path, self._failed)

    def _saved(self, info: listing.BackupInfo) -> None:
        self.last_box = _message(self.window, QMessageBox.Information, f"Copie enregistrée : {info.path}",
                                 f"Contenu : {info.summary()}.")

    def _failed(self, exc: BaseException) -> None:
        self.last_box = _message(self.window, QMessageBox.Warning, str(exc))

    def open_restore_dialog(self) -> RestoreDialog:
        self.dialog = RestoreDialog(self.window.db, self.window)
        self.dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.dialog.restored.connect(self._after_restore)
        self.dialog.open()
        return self.dialog

    def _after_restore(self, result) -> None:
        hook = getattr(self.window, "after_restore", None)
        if callable(hook):
            hook()
        self.restored.emit(result)


def install_backup_actions(window) -> BackupActions:
    """Add « Sauvegarder une copie… » and « Restaurer une sauvegarde… » to `window.file_menu`."""
    actions = BackupActions(window)
    window.file_menu.addAction(actions.save_action)
    window.file_menu.addAction(actions.restore_action)
    window.backup_actions = actions  # keeps it alive, and lets the window call update_enabled()
    return actions
