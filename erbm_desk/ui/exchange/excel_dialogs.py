"""« Fichier > Exporter vers Excel… », « Importer… » and « Relevé d'heures… ».

Every job runs in a worker with a progress dialog and « Annuler » (DESIGN rule 2): the export and the statement
are written atomically (cancel leaves no file), the import is first read and checked into a preview (counts per
sheet, every problem, conflicts to settle) and written in one transaction only when the user confirms.
`install_excel_actions(window)` adds the three actions to `window.file_menu`; it works on `window.db` at the
time of the click and emits `window.data_changed` after an import when the window has that signal.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from erbm_desk.db.models import Bailleur, Cite, Company, Epci
from erbm_desk.services.security import authz
from erbm_desk.services.exchange import ExcelFileError, ExportOptions
from erbm_desk.services.exchange.model import STATUS_LABELS, ImportPlan, Status
from erbm_desk.services.reporting.indicators import Period, Scope
from erbm_desk.services.progress import Cancelled
from erbm_desk.ui.window.dialogs import ok_cancel
from erbm_desk.ui.database.workers import run_job

EXPORT_TEXT = "Exporter vers Excel…"
IMPORT_TEXT = "Importer…"
RELEVE_TEXT = "Relevé d'heures…"
XLSX_FILTER = "Classeur Excel (*.xlsx)"
TITLE = "Échange Excel"
MAX_LISTED = 2000
CHOICES = (("À choisir", None), ("Garder la version d'ici", "local"), ("Prendre celle du fichier", "file"))
SCOPES = (("Territoire ERBM", "territory"), ("Un EPCI", "epci"), ("Une cité", "cite"), ("Un bailleur", "bailleur"))


def _notify(window: QWidget, text: str, warning: bool = False) -> QMessageBox:
    """Status bar line and a non-blocking message box (never a nested event loop)."""
    status = getattr(window, "statusBar", None)
    if callable(status):
        status().showMessage(text, 15_000)
    box = QMessageBox(QMessageBox.Warning if warning else QMessageBox.Information, TITLE, text, QMessageBox.Ok,
                      window)
    box.setObjectName("excel_message")
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.open()
    return box


def _run(window: QWidget, job, label: str, cancelled: str, failed_text: str, on_done=None, after=None):
    """Run `job(progress)` with a progress dialog; tell the user how it ended; `on_done(result or exception)`."""

    def done(summary) -> None:
        _notify(window, summary.message)
        if after:
            after(summary)
        if on_done:
            on_done(summary)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            _notify(window, cancelled)
        else:
            _notify(window, f"{failed_text} : {exc}", warning=True)
        if on_done:
            on_done(exc)

    return run_job(job, done, failed, owner=window, progress_label=label)


def _xlsx(path: str) -> Path:
    return Path(path) if path.lower().endswith(".xlsx") else Path(f"{path}.xlsx")


def _month_edit(value: date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, 1))
    edit.setDisplayFormat("MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


def _month_of(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), 1)


class _PathField(QWidget):
    """A file name with « Parcourir… »."""

    def __init__(self, default: Path, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.caption = caption
        self.edit = QLineEdit(str(default))
        browse = QPushButton("Parcourir…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(browse)

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.caption, self.edit.text(), XLSX_FILTER)
        if name:
            self.edit.setText(str(_xlsx(name)))

    @property
    def path(self) -> Path:
        return _xlsx(self.edit.text().strip())


def _load_choices(window: QWidget, db, query: Callable[[Any], Any], fill: Callable[[Any], None]) -> None:
    """Read pick-list choices in a worker and fill them on the main thread."""

    def job(_progress):
        with db.sessions() as s:
            return query(s)

    run_job(job, fill, lambda exc: None, owner=window)


# --- export --------------------------------------------------------------------------------------------------


class ExportDialog(QDialog):
    def __init__(self, parent: QWidget, db):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Exporter vers Excel")
        self.scope_kind = QComboBox()
        for label, kind in SCOPES:
            self.scope_kind.addItem(label, kind)
        self.scope_value = QComboBox()
        self.scope_value.setEnabled(False)
        self.scope_value.setMinimumWidth(260)
        self.choices: dict[str, list[tuple[str, Any]]] = {}
        self.scope_kind.currentIndexChanged.connect(self._scope_changed)
        self.whole_time = QCheckBox("Toute la durée")
        self.whole_time.setChecked(True)
        self.start = _month_edit(date(2017, 1, 1))
        self.end = _month_edit(date.today())
        for edit in (self.start, self.end):
            edit.setEnabled(False)
            self.whole_time.toggled.connect(lambda on, e=edit: e.setEnabled(not on))
        period = QHBoxLayout()
        period.addWidget(self.whole_time)
        period.addWidget(QLabel("de"))
        period.addWidget(self.start)
        period.addWidget(QLabel("à"))
        period.addWidget(self.end)
        self.nominative = QCheckBox("Nominatif : noms et dates de naissance (entre sites autorisés seulement)")
        self.nominative.setEnabled(authz.allowed(db, authz.EXPORT_NOMINATIVE))
        self.nominative.setToolTip("Par défaut le classeur est anonyme : pseudonymes et tranches d'âge, ce qui "
                                   "suffit aux indicateurs du comité.")
        self.organisation = QLineEdit()
        self.organisation.setPlaceholderText("ex. PLIE de Lens-Liévin")
        self.file = _PathField(Path.home() / f"erbm-echange-{date.today():%Y-%m-%d}.xlsx", "Exporter vers Excel",
                               self)
        form = QFormLayout()
        form.addRow("Périmètre", self.scope_kind)
        form.addRow("", self.scope_value)
        form.addRow("Période", period)
        form.addRow("", self.nominative)
        form.addRow("Organisation", self.organisation)
        form.addRow("Fichier", self.file)
        buttons = ok_cancel(self, "Exporter")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        _load_choices(self, db, _scope_choices, self._choices_loaded)

    def _choices_loaded(self, choices: dict[str, list[tuple[str, Any]]]) -> None:
        self.choices = choices
        self._scope_changed()

    def _scope_changed(self) -> None:
        kind = self.scope_kind.currentData()
        self.scope_value.clear()
        for label, value in self.choices.get(kind, ()):
            self.scope_value.addItem(label, value)
        self.scope_value.setEnabled(kind != "territory")

    def options(self) -> ExportOptions:
        kind = self.scope_kind.currentData()
        scope = Scope() if kind == "territory" or self.scope_value.currentData() is None else \
            Scope(kind, self.scope_value.currentData())
        period = Period() if self.whole_time.isChecked() else Period(_month_of(self.start), _month_of(self.end))
        return ExportOptions(scope, period, anonymous=not self.nominative.isChecked(),
                             organisation=self.organisation.text().strip())


def _scope_choices(s) -> dict[str, list[tuple[str, Any]]]:
    return {
        "epci": [(f"{short} — {name}", short) for short, name in s.execute(
            select(Epci.short_name, Epci.name).order_by(Epci.short_name))],
        "cite": [(name, cid) for cid, name in s.execute(select(Cite.id, Cite.name).order_by(Cite.name))],
        "bailleur": [(name, name) for (name,) in s.execute(select(Bailleur.name).order_by(Bailleur.name))],
    }


def start_export(window: QWidget, db, path: Path, options: ExportOptions, on_done=None):
    from erbm_desk.services.exchange import export_workbook

    def job(progress):
        with db.session() as s:
            return export_workbook(s, path, options, progress)

    return _run(window, job, "Export vers Excel…", "Export annulé : aucun fichier écrit.",
                "L'export n'a pas pu être écrit", on_done)


# --- import --------------------------------------------------------------------------------------------------


def _item(text: Any) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemIsEditable)
    return item


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QTableWidget.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ImportPreviewDialog(QDialog):
    """What the import would do; « Importer » writes it, only once every error is gone and every conflict
    settled."""

    COUNT_COLUMNS = (Status.NEW, Status.CHANGED, Status.UNCHANGED, Status.KEPT, Status.CONFLICT, Status.ERROR)

    def __init__(self, parent: QWidget, plan: ImportPlan):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"Aperçu de l'import — {plan.path.name}")
        self.resize(980, 620)
        layout = QVBoxLayout(self)
        head = QLabel(self._headline())
        head.setWordWrap(True)
        layout.addWidget(head)
        self.counts = _table(["Feuille"] + [STATUS_LABELS[s].capitalize() for s in self.COUNT_COLUMNS])
        self.counts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        for sheet, counts in plan.table():
            row = self.counts.rowCount()
            self.counts.insertRow(row)
            self.counts.setItem(row, 0, _item(sheet))
            for j, status in enumerate(self.COUNT_COLUMNS, 1):
                self.counts.setItem(row, j, _item(counts[status]))
        self.counts.setMaximumHeight(60 + 30 * max(self.counts.rowCount(), 1))
        layout.addWidget(self.counts)
        self.tabs = QTabWidget()
        self.problems = _table(["Feuille", "Ligne", "Colonne", "Message"])
        for problem in (plan.errors + plan.notices)[:MAX_LISTED]:
            row = self.problems.rowCount()
            self.problems.insertRow(row)
            kind = "" if not problem.notice else "Remarque : "
            for j, value in enumerate((problem.sheet, problem.row, problem.column, kind + problem.message)):
                self.problems.setItem(row, j, _item(value))
        self.tabs.addTab(self.problems, f"Erreurs ({len(plan.errors)}) et remarques ({len(plan.notices)})")
        conflicts = QWidget()
        box = QVBoxLayout(conflicts)
        bulk = QHBoxLayout()
        keep_all = QPushButton("Tout garder ici")
        take_all = QPushButton("Tout prendre du fichier")
        keep_all.clicked.connect(lambda: self.choose_all("local"))
        take_all.clicked.connect(lambda: self.choose_all("file"))
        bulk.addWidget(QLabel("Enregistrements modifiés ici et dans le fichier depuis le dernier échange :"), 1)
        bulk.addWidget(keep_all)
        bulk.addWidget(take_all)
        box.addLayout(bulk)
        self.conflicts = _table(["Feuille", "Ligne", "Enregistrement", "Ici", "Dans le fichier", "Choix"])
        self.choice_boxes: list[QComboBox] = []
        for c in plan.conflicts[:MAX_LISTED]:
            row = self.conflicts.rowCount()
            self.conflicts.insertRow(row)
            here = "\n".join(f"{label} : {mine}" for label, mine, _ in c.differences)
            there = "\n".join(f"{label} : {theirs}" for label, _, theirs in c.differences)
            for j, value in enumerate((c.sheet, c.row, c.label, here, there)):
                self.conflicts.setItem(row, j, _item(value))
            combo = QComboBox()
            for label, value in CHOICES:
                combo.addItem(label, value)
            combo.currentIndexChanged.connect(lambda _i, c=c, combo=combo: self._chosen(c, combo.currentData()))
            self.conflicts.setCellWidget(row, 5, combo)
            self.choice_boxes.append(combo)
        self.conflicts.resizeRowsToContents()
        box.addWidget(self.conflicts)
        self.tabs.addTab(conflicts, f"Conflits ({len(plan.conflicts)})")
        if plan.conflicts and not plan.errors:
            self.tabs.setCurrentIndex(1)
        layout.addWidget(self.tabs, 1)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.buttons = ok_cancel(self, "Importer")
        self.import_button = self.buttons.button(QDialogButtonBox.Ok)
        layout.addWidget(self.buttons)
        self._update()

    def _headline(self) -> str:
        p = self.plan
        meta = p.metadata
        origin = f" de « {meta['organisation']} »" if meta.get("organisation") else ""
        kind = "Relevé d'heures" if p.kind == "relevé" else "Classeur"
        extra = " Ce fichier a déjà été importé." if p.already_imported else ""
        return f"{kind}{origin} — {p.baseline.description}.{extra}"

    def _chosen(self, conflict, value) -> None:
        conflict.choice = value
        self._update()

    def choose_all(self, value: str) -> None:
        index = next(i for i, (_, v) in enumerate(CHOICES) if v == value)
        for combo in self.choice_boxes:
            combo.setCurrentIndex(index)
        for c in self.plan.conflicts:  # beyond the listed ones too
            c.choice = value
        self._update()

    def _update(self) -> None:
        p = self.plan
        if p.errors:
            text = f"{len(p.errors)} erreur(s) : corrigez le fichier puis relancez l'import. Rien ne sera écrit."
        elif p.unresolved:
            text = f"{len(p.unresolved)} conflit(s) à trancher avant d'importer."
        elif p.writes == 0:
            text = "Rien à importer : la base contient déjà tout ce fichier."
        else:
            text = f"{p.writes} ligne(s) seront écrites en une seule fois."
        self.status.setText(text)
        self.import_button.setEnabled(p.ok and not p.unresolved and p.writes > 0)


def start_import(window: QWidget, db, path: Path, on_preview=None, on_done=None):
    """Read and check `path` in a worker, then show the preview; confirmed, write it in another worker."""
    from erbm_desk.services.exchange import plan_import

    def job(progress):
        with db.sessions() as s:
            return plan_import(s, path, progress)

    def planned(plan: ImportPlan) -> None:
        dialog = ImportPreviewDialog(window, plan)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: apply_in_background(window, db, plan, on_done))
        if on_preview:
            on_preview(dialog)
        dialog.open()

    def failed(exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            _notify(window, "Import annulé : rien n'a été enregistré.")
        elif isinstance(exc, (ExcelFileError, authz.AccessDenied)):
            _notify(window, str(exc), warning=True)
        else:
            _notify(window, f"Le fichier n'a pas pu être lu : {exc}", warning=True)
        if on_preview:
            on_preview(exc)

    return run_job(job, planned, failed, owner=window, progress_label=f"Lecture de « {path.name} »…")


def apply_in_background(window: QWidget, db, plan: ImportPlan, on_done=None):
    from erbm_desk.services.exchange import apply_import

    def job(progress):
        from erbm_desk.services.backup.copies import backup_before

        if plan.writes:
            backup_before(db, "import")  # a copy first; if it cannot be made, nothing is imported
        with db.session() as s:
            return apply_import(s, plan, progress)

    def after(summary) -> None:
        changed = getattr(window, "data_changed", None)
        if summary.total and changed is not None and hasattr(changed, "emit"):
            changed.emit()

    return _run(window, job, "Import en cours…", "Import annulé : rien n'a été enregistré.",
                "L'import n'a pas été fait", on_done, after)


# --- hours statement -------------------------------------------------------------------------------------------


class ReleveDialog(QDialog):
    def __init__(self, parent: QWidget, db):
        super().__init__(parent)
        self.setWindowTitle("Relevé d'heures pour une entreprise")
        self.company = QComboBox()
        self.company.setEditable(False)
        self.company.setMinimumWidth(320)
        today = date.today()
        self.month = _month_edit(date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1))
        self.file = _PathField(Path.home() / f"releve-heures-{today:%Y-%m}.xlsx", "Relevé d'heures", self)
        form = QFormLayout()
        form.addRow("Entreprise", self.company)
        form.addRow("Mois", self.month)
        form.addRow("Fichier", self.file)
        note = QLabel("Le relevé liste les contrats actifs de l'entreprise ce mois-là ; elle y saisit les heures "
                      "réalisées, puis vous l'importez avec Fichier > Importer….")
        note.setWordWrap(True)
        buttons = ok_cancel(self, "Créer le relevé")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        _load_choices(self, db, lambda s: s.execute(select(Company.name, Company.siret).order_by(Company.name)).all(),
                      self._companies_loaded)

    def _companies_loaded(self, rows) -> None:
        for name, siret in rows:
            self.company.addItem(f"{name} ({siret})", siret)

    @property
    def siret(self) -> str | None:
        return self.company.currentData()


def start_releve(window: QWidget, db, siret: str, month: date, path: Path, on_done=None):
    from erbm_desk.services.exchange import write_releve

    def job(progress):
        with db.session() as s:
            return write_releve(s, siret, month, path, progress)

    return _run(window, job, "Écriture du relevé d'heures…", "Relevé annulé : aucun fichier écrit.",
                "Le relevé n'a pas pu être écrit", on_done)


# --- menu ------------------------------------------------------------------------------------------------------


def install_excel_actions(window) -> list[QAction]:
    """Add « Exporter vers Excel… », « Importer… » and « Relevé d'heures… » to `window.file_menu`."""

    def export() -> None:
        dialog = ExportDialog(window, window.db)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: start_export(window, window.db, dialog.file.path, dialog.options()))
        dialog.open()

    def import_() -> None:
        name, _ = QFileDialog.getOpenFileName(window, "Importer un classeur ou un relevé d'heures", str(Path.home()),
                                              f"{XLSX_FILTER};;Tous les fichiers (*)")
        if name:
            start_import(window, window.db, Path(name))

    def releve() -> None:
        dialog = ReleveDialog(window, window.db)
        dialog.setAttribute(Qt.WA_DeleteOnClose)

        def accepted() -> None:
            if dialog.siret:
                start_releve(window, window.db, dialog.siret, _month_of(dialog.month), dialog.file.path)

        dialog.accepted.connect(accepted)
        dialog.open()

    actions = []
    window.file_menu.addSeparator()
    for text, slot, tip in (
        (EXPORT_TEXT, export, "Classeur d'échange pour le comité ou un autre site (anonyme par défaut)"),
        (IMPORT_TEXT, import_, "Importer un classeur d'échange ou un relevé d'heures, après un aperçu"),
        (RELEVE_TEXT, releve, "Relevé mensuel d'heures à faire remplir par une entreprise"),
    ):
        action = QAction(text, window)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        window.file_menu.addAction(action)
        actions.append(action)
    return actions
