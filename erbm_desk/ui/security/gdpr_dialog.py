"""GDPR from the window: one person's data (export, erasure) and the retention list (administrators confirm).
The services check the rights (services/security/gdpr.py). The people are read once in a worker and the search
filters them as it is typed; export, erasure and VACUUM run in workers of the database gateway."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from erbm_desk.db.models import Beneficiary
from erbm_desk.domain.french import count_agreed, format_count, format_date
from erbm_desk.domain.text import fold
from erbm_desk.paths import APP_NAME
from erbm_desk.services.security import authz, gdpr
from erbm_desk.services.database.opening import Database
from erbm_desk.ui.database.changes import Changes
from erbm_desk.ui.database.gateway import gateway_for

MAX_SHOWN = 200
LOADING = "Chargement…"


def _backups_note(reports) -> str:
    scrub = reports[0].backups if reports else None
    return f" {scrub.message()}" if scrub is not None else ""


def _confirm_erase(parent, count: int) -> bool:
    text = (f"Effacer définitivement l'identité de {'la personne choisie' if count == 1 else format_count(count, 'personne')} ?\n\nNoms et dates de naissance seront "
            "supprimés ; contrats et heures restent, anonymes, pour que les indicateurs ne changent pas. "
            "Cette opération ne peut pas être annulée.")
    return QMessageBox.question(parent, APP_NAME, text) == QMessageBox.Yes


class PersonDataDialog(QDialog):
    """Find a person; export their data (right of access) or erase their identity (right to erasure)."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        authz.require(db, authz.GDPR_ACCESS)
        self.db = db
        self.gateway = gateway_for(db)
        self.people: list[tuple[int, str, str]] | None = None  # (id, line shown, folded text searched)
        self.setWindowTitle(f"Données d'une personne (RGPD) — {APP_NAME}")
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        self.search = QLineEdit(placeholderText="Nom, prénom, pseudonyme ou numéro")
        self.search.textChanged.connect(self._show_matches)
        layout.addWidget(self.search)
        self.list = QListWidget()
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.export_button = QPushButton("Exporter ses données…")
        self.export_button.clicked.connect(self.export)
        self.erase_button = QPushButton("Effacer son identité…")
        self.erase_button.clicked.connect(self.erase)
        self.erase_button.setEnabled(authz.allowed(db, authz.GDPR_ERASE))
        for b in (self.export_button, self.erase_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        """Read the people in a worker (again after an erasure), then list those matching the search."""
        if self.people is None:
            self.status.setText(LOADING)
        db = self.db

        def people(s) -> list[tuple[int, str, str]]:
            rows = s.execute(select(Beneficiary.id, Beneficiary.last_name, Beneficiary.first_name,
                                    Beneficiary.pseudonym, Beneficiary.birth_date).order_by(Beneficiary.last_name))
            found = []
            for bid, last, first, pseudo, birth in rows:
                label = authz.person_label(db, last, first, pseudo, bid)
                text = f"{label} — n° {bid}" + (f", né·e le {format_date(birth)}" if birth else " (anonyme)")
                found.append((bid, text, fold(f"{label} {pseudo or ''} {bid}")))
            return found

        def read(found: list[tuple[int, str, str]]) -> None:
            self.people = found
            if self.status.text() == LOADING:
                self.status.setText("")
            self._show_matches()

        self.gateway.read(self, people, read, lambda exc: self.status.setText(f"Lecture impossible : {exc}"),
                          latest="people")

    def _show_matches(self) -> None:
        """The people whose name, pseudonym or number holds what is typed (no database: they are read once)."""
        wanted = fold(self.search.text())
        self.list.clear()
        for bid, text, searched in self.people or ():
            if wanted and wanted not in searched:
                continue
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, bid)
            self.list.addItem(item)
            if self.list.count() >= MAX_SHOWN:
                break

    def selected(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.UserRole)

    def export(self, path: str | None = None) -> None:
        bid = self.selected()
        if bid is None:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Exporter les données", f"donnees-{bid}.xlsx",
                                                  "Classeur Excel (*.xlsx)")
        if not path:
            return

        db = self.db

        def job(_p):
            with db.session() as s:  # the export is logged in the audit journal
                return gdpr.export_person(s, bid, path)

        self.gateway.job(self, job, lambda p: self.status.setText(f"Données exportées dans {p}."),
                         lambda exc: QMessageBox.warning(self, APP_NAME, str(exc)), writes=True)

    def erase(self, confirmed: bool = False) -> None:
        bid = self.selected()
        if bid is None or not (confirmed or _confirm_erase(self, 1)):
            return
        db = self.db
        self.gateway.job(self, lambda _p: gdpr.erase_and_vacuum(db, [bid]),
                         lambda r: (self.status.setText(f"Identité effacée : désormais « {r[0].pseudonym} »."
                                                        + _backups_note(r)), self.refresh()),
                         lambda exc: QMessageBox.warning(self, APP_NAME, str(exc)), writes=True,
                         changes=Changes.of("beneficiary", [bid]))


class RetentionDialog(QDialog):
    """People whose path ended more than the retention period ago; the administrator confirms."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        authz.require(db, authz.GDPR_ERASE)
        self.db = db
        self.gateway = gateway_for(db)
        self.years: int | None = None
        self.due: list | None = None  # read in a worker
        self.setWindowTitle(f"Durée de conservation — {APP_NAME}")
        self.resize(560, 420)
        layout = QVBoxLayout(self)
        self.summary = QLabel("Recherche des parcours terminés…")
        layout.addWidget(self.summary)
        self.list = QListWidget()
        layout.addWidget(self.list)
        self.apply_button = QPushButton("Anonymiser les personnes cochées…")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        layout.addWidget(self.apply_button)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.gateway.read(self, lambda s: (gdpr.retention_years(s), gdpr.due_for_retention(s)), self._read,
                          lambda exc: self.summary.setText(f"Lecture impossible : {exc}"))

    def _read(self, found) -> None:
        self.years, self.due = found
        self.summary.setText(f"Parcours terminés depuis plus de {format_count(self.years, 'an')} (réglage : menu Sécurité → "
                             f"Comptes et rôles) : {format_count(len(self.due), 'personne')}.")
        for c in self.due:
            item = QListWidgetItem(f"{c.label} — parcours terminé le {format_date(c.path_end)}")
            item.setData(Qt.UserRole, c.beneficiary_id)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked)
            self.list.addItem(item)
        self.apply_button.setEnabled(bool(self.due))

    def checked(self) -> list[int]:
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.Checked]

    def apply(self, confirmed: bool = False) -> None:
        ids = self.checked()
        if not ids or not (confirmed or _confirm_erase(self, len(ids))):
            return
        self.apply_button.setEnabled(False)
        reason = f"durée de conservation ({self.years} ans)"
        db = self.db
        self.gateway.job(self, lambda _p: gdpr.erase_and_vacuum(db, ids, reason),
                         lambda r: self.status.setText(f"{count_agreed(len(r), 'personne', 'anonymisé', True)}." + _backups_note(r)),
                         lambda exc: QMessageBox.warning(self, APP_NAME, str(exc)), writes=True,
                         changes=Changes.of("beneficiary", ids))
