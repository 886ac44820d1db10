"""The main window: the open database, a side bar of pages, the menus, and the record counts.

Other features plug in through public attributes: `file_menu` (add actions to Fichier), `data_changed` (emit it,
without argument, after writing; connect to it to refresh), `database_changed`, `dashboard`,
`open_cite_dashboard(cite_id)`, `after_restore()`. Their `install_…(window)` functions are listed in FEATURES;
they run once a database is open (`features_installed` tells when).

Start-up (issue 8): `MainWindow()` without a database is the window frame — title, menus, side bar, a status
bar « Ouverture de la base… » with a busy indicator — and imports neither SQLAlchemy nor the services, so it
shows in about the time of a bare Qt window; `set_database(db)` then fills it (ui/app.py opens the database
through ui/opening.py while the frame is on screen). `MainWindow(db)` with an open database does both at once.
Pages are imported and built the first time they are shown.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QMessageBox, QProgressBar, QWidget

from erbm_desk.domain.french import format_int
from erbm_desk.paths import APP_NAME
from erbm_desk.ui.window.about import show_about
from erbm_desk.ui.window.block_watch import watch_if_asked
from erbm_desk.ui.window.dialogs import ask
from erbm_desk.ui.window.file_menu import FileMenu
from erbm_desk.ui.window.navigation import KEYS, PAGES, PageStack, Sidebar
from erbm_desk.ui.window.window_state import add_recent_database, restore_geometry, save_geometry, settings
from erbm_desk.ui.database.workers import run_job

if TYPE_CHECKING:  # imported when the first database is set, not before the window shows
    from erbm_desk.services.database.opening import Database
    from erbm_desk.ui.window.workspace import Workspace

log = logging.getLogger(__name__)

COUNTED = (
    ("cite", "cité", "cités"),
    ("operation", "opération", "opérations"),
    ("company", "entreprise", "entreprises"),
    ("beneficiary", "bénéficiaire", "bénéficiaires"),
    ("contract", "contrat", "contrats"),
    ("hours_entry", "mois d'heures", "mois d'heures"),
)
# Features living in their own modules that add their actions to this window: (module, function(window)).
FEATURES = (
    ("erbm_desk.ui.exchange.excel_dialogs", "install_excel_actions"),
    ("erbm_desk.ui.reporting.bilan_dialog", "install_bilan_action"),
    ("erbm_desk.ui.backup.backup_actions", "install_backup_actions"),
)
FEATURES_DELAY_MS = 800
CHART_MODULES = ("erbm_desk.charts.dashboard",)  # what the dashboard imports to draw its first chart
RECORD_ACTIONS = (  # Édition menu entries that act on the record page in view
    ("Nouvelle fiche", "Ctrl+N", "new_record"),
    ("Enregistrer la fiche", "Ctrl+S", "save"),
    ("Supprimer la fiche…", "Ctrl+Del", "delete"),
    ("Rechercher", "Ctrl+F", "focus_search"),
)


def _counted(n: int, one: str, many: str) -> str:
    return f"{format_int(n)} {one if n < 2 else many}"


def is_list_page(page: QWidget | None) -> bool:
    """A record page (ui/list_page.py)? Checked without importing that module: until it is imported, no page is
    one."""
    module = sys.modules.get("erbm_desk.ui.records.list_page")
    return module is not None and isinstance(page, module.ListPage)


class _Placeholder(QLabel):
    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignCenter)
        self.setWordWrap(True)

    def refresh(self) -> None:
        pass


class MainWindow(QMainWindow):
    data_changed = Signal()  # emitted after every write: pages, dashboard and counts refresh
    database_changed = Signal(object)  # another database was opened (services.database.Database)
    features_installed = Signal()  # the FEATURES have added their actions

    def __init__(self, db: Database | None = None):
        super().__init__()
        self.db: Database | None = None  # None while the start-up database is opening
        self.ws: Workspace | None = None
        self._change_source: QWidget | None = None
        self._closing = False
        self._counts_generation = 0
        self._features_started = False
        self.undo_group = QUndoGroup(self)
        self.sidebar = Sidebar()
        self.stack = PageStack(self._make_page)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.counts_label = QLabel()
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
        self.resize(1280, 800)
        restore_geometry("main", self)
        self.block_watcher = watch_if_asked(self)

    def show_opening(self, target: str | None = None) -> None:
        """The frame while the first database opens: the page the user will find marked in the side bar, a
        waiting message in its place, the busy indicator in the status bar."""
        from pathlib import Path

        name = f" « {Path(target).name} »" if target and "://" not in target else ""
        key = str(settings().value("window/page", "dashboard"))
        self._mark(key if key in KEYS else "dashboard")
        self.opening_label = _Placeholder(f"Ouverture de la base{name}…")
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
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _checked=False, k=key: self.show_page(k))
        help_menu = bar.addMenu("&Aide")
        about = help_menu.addAction(f"À propos d'{APP_NAME}…")
        about.setMenuRole(QAction.AboutRole)
        about.triggered.connect(lambda: show_about(self, str(self.db.path or self.db.label) if self.db else ""))

    def _install_features(self) -> None:
        """Load the features' modules in a worker once a database is open (Excel support alone imports openpyxl:
        a few hundred milliseconds that neither the start-up nor the UI thread should wait for), then let each
        add its actions, before « Quitter »."""
        if self._features_started:
            return
        self._features_started = True

        def load(_progress):
            found = []
            for module, function in FEATURES:
                try:
                    found.append(getattr(importlib.import_module(module), function))
                except (ImportError, AttributeError) as exc:
                    log.warning("Fonction %s.%s absente : %s", module, function, exc)
            return found

        def install(functions) -> None:
            quit_action = self.files.quit_action
            self.file_menu.removeAction(quit_action)  # Quitter stays last
            for function in functions:
                self.file_menu.addSeparator()
                function(self)
            self.file_menu.addSeparator()
            self.file_menu.addAction(quit_action)
            self.features_installed.emit()

        QTimer.singleShot(FEATURES_DELAY_MS, self, lambda: run_job(load, install, lambda exc: log.warning(
            "Fonctions du menu Fichier non chargées : %s", exc), owner=self))

    def after_restore(self) -> None:
        """A backup was restored over the open file: open it again."""
        if self.db is not None and self.db.path is not None:
            self.files.open_path(str(self.db.path))

    def _on_record_page(self, method: str) -> None:
        page = self.stack.currentWidget()
        if is_list_page(page):
            getattr(page, method)()

    # --- pages ---------------------------------------------------------------------------------------------

    def _make_page(self, key: str) -> QWidget:
        """A page, its module imported now (the first time it is shown): the window starts without them."""
        if key == "dashboard":
            from erbm_desk.ui.dashboard.dashboard_page import DashboardPage

            page = DashboardPage(self.db, self)
            self._preload(CHART_MODULES)
            return page
        if key == "hours":
            return self._make_hours_page()
        from erbm_desk.ui.records.list_page import ListPage

        page = ListPage(self.ws, key, self)
        if key == "cite":
            button = page.add_record_button("Tableau de bord de la cité")
            button.clicked.connect(lambda: self.open_cite_dashboard(page.form.record_id))
        return page

    def _preload(self, modules: tuple[str, ...]) -> None:
        """Import `modules` in a worker now, while the page computes its numbers, rather than on the UI thread when
        it draws its first chart. Measured at demo scale 10 (ERBM_DESK_DEBUG_BLOCKS=1, median of 5 starts): the
        longest freeze of the window went from 0.43 s (up to 0.7 s) to 0.24 s, for numbers shown ~0.3 s later
        (the import shares the interpreter with the computation) and charts drawn no later."""
        run_job(lambda _p: [importlib.import_module(m) for m in modules], lambda _r: None, lambda exc: None,
                owner=self)

    def _make_hours_page(self) -> QWidget:
        try:  # built alongside this window (issue 3, the hours grid): imported only when present
            hours_page = importlib.import_module("erbm_desk.ui.hours.hours_page")
        except ImportError:
            return _Placeholder("La saisie mensuelle des heures n'est pas disponible dans cette version.\n"
                                "Les heures d'un contrat se saisissent depuis la page Contrats.")
        page = hours_page.HoursPage(self.db, self)
        page.changed.connect(lambda: self._emit_changed(page))
        return page

    @property
    def dashboard(self) -> QWidget:
        return self.stack.page("dashboard")

    def page(self, key: str) -> QWidget:
        return self.stack.page(key)

    def show_page(self, key: str) -> QWidget | None:
        if self.ws is None:  # still opening: the page chosen is the one shown once the database is open
            self._mark(key)
            return None
        current = self.stack.current_key()
        leaving = self.stack.pages.get(current) if current != key else None
        if leaving is not None and hasattr(leaving, "confirm_discard") and not leaving.confirm_discard(
                then=lambda: self.show_page(key)):
            self._mark(current)  # the page with unsaved hours stays
            return leaving
        page = self.stack.show_page(key)
        self._mark(key)
        for action in self.record_actions.values():
            action.setEnabled(is_list_page(page))
        return page

    def _mark(self, key: str) -> None:
        """Show `key` as the current entry of the side bar, without choosing it again."""
        self.sidebar.blockSignals(True)
        self.sidebar.choose(key)
        self.sidebar.blockSignals(False)

    def open_record(self, entity: str, record_id: int) -> None:
        """Go to a record's page and show it (a click through from a related list)."""
        page = self.show_page(entity)
        if is_list_page(page):
            if page.form.dirty:
                page.form.show_message("Enregistrez (Ctrl+S) ou annulez (Échap) d'abord les modifications en cours.",
                                       error=True)
                return
            page.show_record(record_id)

    def open_cite_dashboard(self, cite_id: int | None) -> None:
        """The dashboard, narrowed to one cité when the dashboard knows how."""
        dashboard = self.show_page("dashboard")
        if cite_id is not None and hasattr(dashboard, "set_scope"):
            from erbm_desk.services.reporting.indicators import Scope

            dashboard.set_scope(Scope("cite", cite_id))

    # --- the database --------------------------------------------------------------------------------------

    def set_database(self, db: Database) -> None:
        """Show another database (or the first one): fresh pages, history and counts."""
        from erbm_desk.ui.window.workspace import Workspace

        old_db, old_ws = self.db, self.ws
        key = self.stack.current_key() or self._marked_key() or str(settings().value("window/page", "dashboard"))
        self.stack.clear_pages()
        self._end_opening()
        if old_ws is not None:
            self.undo_group.removeStack(old_ws.undo_stack)
            old_ws.wait()
            old_ws.deleteLater()
        self.db = db
        self.ws = Workspace(db, self.show_status, self.open_record, self)
        self.ws.changed.connect(self.data_changed)
        self.ws.writer.failed.connect(lambda msg: QMessageBox.warning(self, APP_NAME, msg))
        self.ws.records.history_broken.connect(lambda msg: QMessageBox.warning(self, APP_NAME, msg))
        self.undo_group.addStack(self.ws.undo_stack)
        self.undo_group.setActiveStack(self.ws.undo_stack)
        if old_ws is not None and old_db is not db:
            old_db.close()
        if db.path is not None:
            add_recent_database(str(db.path))
        self.setWindowTitle(self._title())
        self.show_page(key if key in KEYS else "dashboard")
        self._refresh_counts()
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

    def _emit_changed(self, source: QWidget | None) -> None:
        self._change_source = source
        self.data_changed.emit()

    def _on_data_changed(self) -> None:
        source, self._change_source = self._change_source, None
        self.ws.picks.invalidate()
        self.stack.data_changed(source)
        self._refresh_counts()

    def _title(self, counts: dict[str, int] | None = None) -> str:
        figures = ""
        if counts:
            figures = " (" + ", ".join(_counted(counts[k], one, many) for k, one, many in COUNTED
                                       if k in ("cite", "beneficiary", "contract")) + ")"
        read_only = " — lecture seule" if getattr(self.db, "read_only", False) else ""
        return f"{self.db.label}{figures}{read_only} — {APP_NAME}"

    def _refresh_counts(self) -> None:
        self._counts_generation += 1
        generation, db = self._counts_generation, self.db

        def show(counts: dict[str, int]) -> None:
            if generation != self._counts_generation or db is not self.db:
                return
            self.setWindowTitle(self._title(counts))
            self.counts_label.setText(f"{db.label} — " + " · ".join(
                _counted(counts[k], one, many) for k, one, many in COUNTED))
            self.counts = counts

        run_job(lambda _p: db.counts(), show, lambda exc: None, owner=self, pool=self.ws.reads)

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # --- closing -------------------------------------------------------------------------------------------

    def _unsaved(self) -> list[str]:
        return [p.spec.label for p in self.stack.pages.values() if is_list_page(p) and p.is_dirty()]

    def confirm_leave(self, then: Callable[[], None], on_cancel: Callable[[], None] | None = None) -> bool:
        """Run `then` once unsaved changes are settled, asking the user when there are some. True when `then`
        ran at once."""
        hours = self.stack.pages.get("hours")
        if hours is not None and hasattr(hours, "confirm_discard") and not hours.confirm_discard(then=then):
            return False  # the hours page asked: it runs `then` after saving, or the user stayed
        unsaved = self._unsaved()
        if not unsaved:
            then()
            return True
        ask(self, APP_NAME, "Des modifications ne sont pas enregistrées.", "Continuer sans enregistrer", then,
            informative="Fiche(s) en cours : " + ", ".join(unsaved) + ".", on_no=on_cancel,
            icon=QMessageBox.Warning)
        return False

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
        if self.ws is not None:
            self.ws.wait()
        if self.block_watcher is not None:
            self.block_watcher.stop()
        super().closeEvent(event)

    def _close_now(self) -> None:
        self._closing = True
        self.close()
