"""« Fichier > Importer… »: the workbook or hours statement read and checked in a worker into a preview (counts per
sheet, every problem, conflicts to settle), written in one transaction only when the user confirms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.services.exchange import ExcelFileError
from erbm_desk.services.exchange.model import STATUS_LABELS, ImportPlan, Status
from erbm_desk.services.progress import Cancelled
from erbm_desk.services.security import authz
from erbm_desk.ui.common.dialogs import ok_cancel
from erbm_desk.ui.database.gateway import gateway_for
from erbm_desk.ui.exchange.dialog_parts import notify, run_with_messages
from erbm_desk.domain.french import format_count

MAX_LISTED = 2000
CHOICES = (("À choisir", None), ("Garder la version d'ici", "local"), ("Prendre celle du fichier", "file"))


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
            text = f"{format_count(len(p.errors), 'erreur')} : corrigez le fichier puis relancez l'import. Rien ne sera écrit."
        elif p.unresolved:
            text = f"{format_count(len(p.unresolved), 'conflit')} à trancher avant d'importer."
        elif p.writes == 0:
            text = "Rien à importer : la base contient déjà tout ce fichier."
        else:
            text = f"{format_count(p.writes, 'ligne')} {'sera écrite' if p.writes < 2 else 'seront écrites'} en une seule fois."
        self.status.setText(text)
        self.import_button.setEnabled(p.ok and not p.unresolved and p.writes > 0)


def start_import(window: QWidget, db, path: Path, on_preview=None, on_done=None):
    """Read and check `path` in a worker, then show the preview; confirmed, write it in the writer."""
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
            notify(window, "Import annulé : rien n'a été enregistré.")
        elif isinstance(exc, (ExcelFileError, authz.AccessDenied)):
            notify(window, str(exc), warning=True)
        else:
            notify(window, f"Le fichier n'a pas pu être lu : {exc}", warning=True)
        if on_preview:
            on_preview(exc)

    return gateway_for(db).job(window, job, planned, failed, progress_label=f"Lecture de « {path.name} »…")


def apply_in_background(window: QWidget, db, plan: ImportPlan, on_done=None):
    """Write the plan in one transaction in the writer, after a backup; the gateway announces what it changed."""
    from erbm_desk.services.exchange import apply_import

    def job(progress):
        from erbm_desk.services.backup.copies import backup_before

        if plan.writes:
            backup_before(db, "import")  # a copy first; if it cannot be made, nothing is imported
        with db.session() as s:
            return apply_import(s, plan, progress)

    return run_with_messages(window, db, job, "Import en cours…", "Import annulé : rien n'a été enregistré.",
                             "L'import n'a pas été fait", on_done, writes=True)
