"""Browsing the audit log (administrators): filters, the chain check, export to .csv/.xlsx. Read-only: the log
cannot be edited from the app. Loading and checking are reads, exporting (which is itself logged) a write, each in
a worker of the database gateway (DESIGN rule 2)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.paths import APP_NAME
from erbm_desk.services.security import audit_chain, audit_labels, audit_reading, authz
from erbm_desk.services.database.opening import Database
from erbm_desk.ui.database.gateway import gateway_for
from erbm_desk.domain.french import count_agreed, format_count
from erbm_desk.ui.common.date_fields import DateField

COLUMNS = ("N°", "Date (UTC)", "Utilisateur", "Action", "Type", "Détail")
LIMIT = 5000


class AuditModel(QAbstractTableModel):
    """Plain rows (tuples of text), never ORM objects."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[tuple[str, ...]] = []

    def set_entries(self, entries: list[audit_reading.AuditRow]) -> None:
        self.beginResetModel()
        self.rows = [(str(e.id), f"{e.at:%d/%m/%Y %H:%M:%S}", e.actor, e.action_label, e.entity_label, e.describe())
                     for e in entries]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self.rows[index.row()][index.column()]
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return COLUMNS[section]
        return None


class AuditDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        authz.require(db, authz.AUDIT_READ)
        self.db = db
        self.gateway = gateway_for(db)
        self.setWindowTitle(f"Journal des modifications — {APP_NAME}")
        self.resize(1100, 600)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.entity = QComboBox()
        self.entity.addItem("Tous les types", None)
        for key, label in audit_labels.ENTITY_LABELS.items():
            self.entity.addItem(label, key)
        self.action = QComboBox()
        self.action.addItem("Toutes les actions", None)
        for key, label in audit_labels.ACTION_LABELS.items():
            self.action.addItem(label, key)
        self.actor = QLineEdit(placeholderText="Utilisateur")
        self.search = QLineEdit(placeholderText="Texte cherché (valeur, identifiant)")
        self.since, self.until = DateField(), DateField()
        today = date.today()
        self.since.set_value(date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, min(today.day, 28)))
        self.until.set_value(today)
        for w in (self.entity, self.action, self.actor, QLabel("du"), self.since, QLabel("au"), self.until,
                  self.search):
            filters.addWidget(w)
        find = QPushButton("Rechercher")
        find.clicked.connect(self.load)
        filters.addWidget(find)
        layout.addLayout(filters)
        self.model = AuditModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectRows)
        self.view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.view)
        bottom = QHBoxLayout()
        self.status = QLabel()
        bottom.addWidget(self.status, 1)
        self.verify_button = QPushButton("Vérifier l'intégrité du journal")
        self.verify_button.clicked.connect(self.verify)
        export = QPushButton("Exporter…")
        export.clicked.connect(self.export)
        close = QPushButton("Fermer")
        close.clicked.connect(self.reject)
        for w in (self.verify_button, export, close):
            bottom.addWidget(w)
        layout.addLayout(bottom)
        self.load()

    def current_filter(self) -> audit_reading.AuditFilter:
        return audit_reading.AuditFilter(entity=self.entity.currentData(), action=self.action.currentData(),
                                 actor=self.actor.text().strip() or None, text=self.search.text().strip() or None,
                                 since=self.since.value(), until=self.until.value(), limit=LIMIT)

    def _failed(self, exc: BaseException) -> None:
        QMessageBox.warning(self, APP_NAME, str(exc))

    def load(self) -> None:
        flt = self.current_filter()
        self.status.setText("Chargement…")

        def shown(entries) -> None:
            self.model.set_entries(entries)
            more = " (les plus récentes)" if len(entries) >= LIMIT else ""
            self.status.setText(f"{format_count(len(entries), 'entrée')}{more}.")

        self.gateway.read(self, lambda s: audit_reading.list_entries(s, flt), shown, self._failed, latest="entries")

    def verify(self) -> None:
        def shown(report: audit_chain.ChainReport) -> None:
            box = QMessageBox.information if report.ok else QMessageBox.critical if report.altered else QMessageBox.warning
            notes = "".join(f"\n\n{n}" for n in report.notes)
            box(self, APP_NAME, f"{report.message}{notes}\n\nEmpreinte de la dernière entrée :\n{report.head}")
            self.last_report = report

        self.gateway.read(self, audit_chain.verify_audit_chain, shown, self._failed, latest="verify")

    def export(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Exporter le journal", "journal.xlsx",
                                                  "Classeur Excel (*.xlsx);;CSV (*.csv)")
        if not path:
            return
        flt = self.current_filter()
        self.gateway.write(self, lambda s: audit_reading.export_entries(s, path, flt),
                           lambda n: self.status.setText(f"{count_agreed(n, 'entrée', 'exporté', True)} dans {path}."), self._failed)
