"""The main window: the open database, a side bar of pages, the menus, and the record counts.

Other features plug in through public attributes: `file_menu` (add actions to Fichier), `data_changed` (emitted
with a `Changes` after every write through the database gateway: connect to it to refresh what it concerns),
`database_changed`, `dashboard`, `open_cite_dashboard(cite_id)`, `after_restore()`. Their `install_…(window)`
functions (window/features.py) run once a database is open (`features_installed` tells when).

Start-up: `MainWindow()` without a database is the window frame — title, menus, side bar, a status bar
« Ouverture de la base… » with a busy indicator — and imports neither SQLAlchemy nor the services, so it shows in
about the time of a bare Qt window; `set_database(db)` then fills it (ui/app.py opens the database through
ui/database/opening.py while the frame is on screen). `MainWindow(db)` with an open database does both at once.
Pages are imported and built the first time they are shown (window/page_factory.py). Nothing here waits on the
database: a database replaced by another is closed once its last job is over.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QProgressBar, QWidget

from erbm_desk.paths import APP_NAME
from erbm_desk.ui.common.dialogs import tell
from erbm_desk.ui.common.unsaved import settle_unsaved
from erbm_desk.ui.common.window_state import (
    add_recent_database,
    restore_geometry_on_screen,
    save_geometry,
    settings,
)
from erbm_desk.ui.window.about import show_about
from erbm_desk.ui.window.block_watch import watch_if_asked
from erbm_desk.ui.window.features import install_features_later
from erbm_desk.ui.window.file_menu import FileMenu
from erbm_desk.ui.window.navigation import KEYS, PAGES, PageStack, Sidebar, shortcut_digit
from erbm_desk.ui.window.page_factory import Placeholder, is_list_page, make_page
from erbm_desk.ui.window.record_counts import counted_entities, refresh_counts, window_title
from erbm_desk.ui.window.status_bar import StatusBar

if TYPE_CHECKING:  # imported when the first database is set, not before the window shows
    from erbm_desk.services.database.opening import Database
    from erbm_desk.ui.database.changes import Changes
    from erbm_desk.ui.database.gateway import Gateway
    from erbm_desk.ui.records.workspace import Workspace

log = logging.getLogger(__name__)

RECORD_ACTIONS = (  # Édition menu entries that act on the record page in view
    ("Nouvelle fiche", "Ctrl+N", "new_record"),
    ("Enregistrer la fiche", "Ctrl+S", "save"),
    ("Supprimer la fiche…", "Ctrl+Del", "delete"),
    ("Rechercher", "Ctrl+F", "focus_search"),
)


def _give_keyboard(page: QWidget) -> None:
    """A page chosen from the keyboard (Ctrl+7…) takes the keyboard where its work is typed: its list or grid,
    whose current cell is then ready for typing without a click."""
    table = getattr(page, "table", None)
    (table if table is not None else page).setFocus(Qt.ShortcutFocusReason)


class MainWindow(QMainWindow):
    data_changed = Signal(object)  # Changes, after every write: the pages and counts it concerns refresh
    database_changed = Signal(object)  # another database was opened (services.database.Database)
    features_installed = Signal()  # the FEATURES have added their actions

    def __init__(self, db: Database | None = None):
        super().__init__()
        self.db: Database | None = None  # None while the start-up database is opening
        self.ws: Workspace | None = None
        self.gateway: Gateway | None = None
        self._closing = False
        self._features_started = False
        self.undo_group = QUndoGroup(self)
        self.sidebar = Sidebar()
        self.stack = PageStack(lambda key: make_page(self, key))
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setStatusBar(StatusBar(self))
        self.counts_label = QLabel()
        # A long message (« Import terminé — … ») ends where this label begins: a margin keeps the two apart.
        self.counts_label.setContentsMargins(16, 0, 0, 0)
        self.statusBar().addPermanentWidget(self.counts_label)
        self.busy = QProgressBar()  # « Ouverture de la base… »: a moving bar while the database opens
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(140)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.statusBar().addPermanentWidget(self.busy)
        self._build_menus()
        self.sidebar.page_chosen.connect(self.show_page)
        self.data_changed.connect(self._on_data_changed)
        self.setWindowTitle(APP_NAME)
        if db is not None:
            self.set_database(db)
        else:
            self.show_opening()
        restore_geometry_on_screen("main", self, QSize(1280, 800))
        self.block_watcher = watch_if_asked(self)

    def show_opening(self, target: str | None = None) -> None:
        """The frame while the first database opens: the page the user will find marked in the side bar, a
        waiting message in its place, the busy indicator in the status bar."""
        from pathlib import Path

        name = f" « {Path(target).name} »" if target and "://" not in target else ""
        key = str(settings().value("window/page", "dashboard"))
        self._mark(key if key in KEYS else "dashboard")
        self.opening_label = Placeholder(f"Ouverture de la base{name}…")
        self.stack.addWidget(self.opening_label)
        self.stack.setCurrentWidget(self.opening_label)
        self.statusBar().showMessage(f"Ouverture de la base{name}…")
        self.busy.show()
        for action in self.record_actions.values():
            action.setEnabled(False)

    # --- menus ---------------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&Fichier")
        self.files = FileMenu(self, self.file_menu)
        edit = bar.addMenu("&Édition")
        undo = self.undo_group.createUndoAction(self, "Annuler")
        undo.setShortcut(QKeySequence.Undo)
        redo = self.undo_group.createRedoAction(self, "Rétablir")
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        edit.addActions([undo, redo])
        edit.addSeparator()
        self.record_actions: dict[str, QAction] = {}
        for text, shortcut, method in RECORD_ACTIONS:
            action = edit.addAction(text)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, m=method: self._on_record_page(m))
            self.record_actions[method] = action
        view = bar.addMenu("&Affichage")
        for i, (key, label) in enumerate(PAGES):
            action = view.addAction(label)
            if shortcut_digit(i) is not None:
                action.setShortcut(QKeySequence(f"Ctrl+{shortcut_digit(i)}"))
            action.triggered.connect(lambda _checked=False, k=key: self.show_page(k, _give_keyboard))
        help_menu = bar.addMenu("&Aide")
        about = help_menu.addAction(f"À propos d'{APP_NAME}…")
        about.setMenuRole(QAction.AboutRole)
        about.triggered.connect(lambda: show_about(self, str(self.db.path or self.db.label) if self.db else ""))

    def _install_features(self) -> None:
        if not self._features_started:
            self._features_started = True
            install_features_later(self)

    def after_restore(self) -> None:
        """A backup was restored over the open file: open it again."""
        if self.db is not None and self.db.path is not None:
            self.files.open_path(str(self.db.path))

    def _on_record_page(self, method: str) -> None:
        page = self.stack.currentWidget()
        if is_list_page(page):
            getattr(page, method)()

    # --- pages ---------------------------------------------------------------------------------------------

    @property
    def dashboard(self) -> QWidget:
        return self.stack.page("dashboard")

    def page(self, key: str) -> QWidget:
        return self.stack.page(key)

    def show_page(self, key: str, then: Callable[[QWidget], None] | None = None) -> QWidget | None:
        """Show the page `key` (and run `then(page)`), once the unsaved changes of the page left are saved or
        dropped: the user is asked first. Returns the page when shown at once, else None."""
        if self.ws is None:  # still opening: the page chosen is the one shown once the database is open
            self._mark(key)
            return None
        current = self.stack.current_key()
        leaving = self.stack.pages.get(current) if current != key else None
        if leaving is not None and hasattr(leaving, "unsaved") and leaving.unsaved():
            self._mark(current)  # the page with unsaved changes stays until the user has answered
            settle_unsaved(self, [leaving], lambda: self.show_page(key, then), on_cancel=lambda: self._mark(current))
            return None
        page = self.stack.show_page(key)
        self._mark(key)
        for action in self.record_actions.values():
            action.setEnabled(is_list_page(page))
        if then is not None:
            then(page)
        return page

    def _mark(self, key: str) -> None:
        """Show `key` as the current entry of the side bar, without choosing it again."""
        self.sidebar.blockSignals(True)
        self.sidebar.choose(key)
        self.sidebar.blockSignals(False)

    def open_record(self, entity: str, record_id: int) -> None:
        """Go to a record's page and show it (a click through from a related list, an undone deletion)."""

        def shown(page: QWidget) -> None:
            if is_list_page(page):
                if page.form.dirty:
                    page.leave_record(lambda: page.show_record(record_id))
                else:
                    page.show_record(record_id)

        self.show_page(entity, shown)

    def new_record(self, entity: str, defaults: dict) -> None:
        """Go to an entity's page with a new record started from `defaults` (« Nouveau contrat » under a person:
        the person already chosen)."""

        def shown(page: QWidget) -> None:
            if is_list_page(page):
                page.new_record(defaults)

        self.show_page(entity, shown)

    def open_cite_dashboard(self, cite_id: int | None) -> None:
        """The dashboard, narrowed to one cité when the dashboard knows how."""

        def shown(dashboard: QWidget) -> None:
            if cite_id is not None and hasattr(dashboard, "set_scope"):
                from erbm_desk.services.reporting.indicators import Scope

                dashboard.set_scope(Scope("cite", cite_id))

        self.show_page("dashboard", shown)

    # --- the database --------------------------------------------------------------------------------------

    def set_database(self, db: Database) -> None:
        """Show another database (or the first one): fresh pages, history and counts. The database replaced is
        closed once its last read or write is over (its writes asked for still run; nothing here waits)."""
        from erbm_desk.ui.database.gateway import close_database, gateway_for
        from erbm_desk.ui.records.workspace import Workspace

        old_db, old_ws = self.db, self.ws
        key = self.stack.current_key() or self._marked_key() or str(settings().value("window/page", "dashboard"))
        self.stack.clear_pages()
        self._end_opening()
        if old_ws is not None:
            self.undo_group.removeStack(old_ws.undo_stack)
            old_ws.deleteLater()
            if old_db is not db:
                close_database(old_db)
        self.db = db
        if gateway_for(db) is not self.gateway:
            self.gateway = gateway_for(db)
            self.gateway.changed.connect(self.data_changed)
            self.gateway.write_failed.connect(lambda msg: tell(self, APP_NAME, msg, warning=True))
        self.ws = Workspace(db, self.show_status, self.open_record, self, new_record=self.new_record)
        self.ws.records.history_broken.connect(lambda msg: tell(self, APP_NAME, msg, warning=True))
        self.undo_group.addStack(self.ws.undo_stack)
        self.undo_group.setActiveStack(self.ws.undo_stack)
        if db.path is not None:
            add_recent_database(str(db.path))
        self.setWindowTitle(window_title(db))
        self.show_page(key if key in KEYS else "dashboard")
        refresh_counts(self)
        for warning in db.warnings:
            self.show_status(warning)
        backup_actions = getattr(self, "backup_actions", None)  # set by backup_actions.install_backup_actions
        if backup_actions is not None:
            backup_actions.update_enabled()
        self._install_features()
        if old_ws is not None:
            self.database_changed.emit(db)

    def _marked_key(self) -> str | None:
        row = self.sidebar.currentRow()
        return KEYS[row] if 0 <= row < len(KEYS) else None

    def _end_opening(self) -> None:
        label = getattr(self, "opening_label", None)
        if label is not None:
            self.opening_label = None
            self.stack.removeWidget(label)
            label.deleteLater()
            self.statusBar().clearMessage()
        self.busy.hide()

    def _on_data_changed(self, changes: Changes) -> None:
        self.stack.data_changed(changes)
        if changes.touches(*counted_entities()):
            refresh_counts(self)

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # --- closing -------------------------------------------------------------------------------------------

    def confirm_leave(self, then: Callable[[], None], on_cancel: Callable[[], None] | None = None) -> bool:
        """Run `then` once the unsaved changes of every page are saved or dropped, asking the user when there
        are some (one question for all). True when `then` ran at once."""
        holders = [p for p in self.stack.pages.values() if hasattr(p, "unsaved")]

        def show(holder: QWidget) -> None:  # a save refused: the page that says why comes into view
            key = next(k for k, p in self.stack.pages.items() if p is holder)
            self.stack.show_page(key)
            self._mark(key)

        return settle_unsaved(self, holders, then, on_cancel, show)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing:
            asked_later = False

            def then() -> None:
                if asked_later:  # the user answered a question: close now
                    self._close_now()

            settled = self.confirm_leave(then)
            asked_later = True
            if not settled:
                event.ignore()
                return
        self._closing = True
        save_geometry("main", self)
        settings().setValue("window/page", self.stack.current_key() or self._marked_key() or "dashboard")
        if self.block_watcher is not None:
            self.block_watcher.stop()
        super().closeEvent(event)

    def _close_now(self) -> None:
        self._closing = True
        self.close()
