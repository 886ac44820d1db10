"""« Fichier > Relevé d'heures… »: the monthly statement a company fills in (its contracts active that month),
written atomically in a worker (« Annuler » leaves no file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget
from sqlalchemy import select

from erbm_desk.db.models import Company
from erbm_desk.ui.common.dialogs import ok_cancel
from erbm_desk.ui.exchange.dialog_parts import PathField, load_choices, month_edit, run_with_messages


class ReleveDialog(QDialog):
    def __init__(self, parent: QWidget, db):
        super().__init__(parent)
        self.setWindowTitle("Relevé d'heures pour une entreprise")
        self.company = QComboBox()
        self.company.setEditable(False)
        self.company.setMinimumWidth(320)
        today = date.today()
        self.month = month_edit(date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1))
        self.file = PathField(Path.home() / f"releve-heures-{today:%Y-%m}.xlsx", "Relevé d'heures", self)
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
        load_choices(self, db, lambda s: s.execute(select(Company.name, Company.siret).order_by(Company.name)).all(),
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
        with db.sessions() as s:
            return write_releve(s, siret, month, path, progress)

    return run_with_messages(window, db, job, "Écriture du relevé d'heures…", "Relevé annulé : aucun fichier écrit.",
                             "Le relevé n'a pas pu être écrit", on_done)
