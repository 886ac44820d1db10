"""« Fichier > Relevé d'heures… »: the monthly statement a company fills in (its contracts active that month),
written atomically in a worker (« Annuler » leaves no file).

The month is typed (mm/aaaa) or chosen in a month picker; the file name offered follows the month chosen
(« releve-heures-2026-11.xlsx ») until the user types a name of their own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget
from sqlalchemy import select

from erbm_desk.db.models import Company
from erbm_desk.services.exchange.releve import releve_file_name
from erbm_desk.ui.common.date_fields import MonthField
from erbm_desk.ui.common.dialogs import error_color, ok_cancel
from erbm_desk.ui.exchange.dialog_parts import PathField, load_choices, run_with_messages


def last_month(today: date | None = None) -> date:
    """Companies report a month once it is over: the statement is first offered for the month before."""
    today = today or date.today()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


class ReleveDialog(QDialog):
    def __init__(self, parent: QWidget, db):
        super().__init__(parent)
        self.setWindowTitle("Relevé d'heures pour une entreprise")
        self.company = QComboBox()
        self.company.setEditable(False)
        self.company.setMinimumWidth(320)
        self.month = MonthField()
        self.month.set_value(last_month())
        self.file = PathField(Path.home() / releve_file_name(last_month()), "Relevé d'heures", self)
        self._suggested = self.file.edit.text()
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {error_color()};")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Entreprise", self.company)
        form.addRow("Mois", self.month)
        form.addRow("", self.problem)
        form.addRow("Fichier", self.file)
        note = QLabel("Le relevé liste les contrats actifs de l'entreprise ce mois-là ; elle y saisit les heures "
                      "réalisées, puis vous l'importez avec « Fichier › Importer… ».")
        note.setWordWrap(True)
        self.buttons = ok_cancel(self, "Créer le relevé")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.month.edited.connect(self._month_changed)
        self.month.committed.connect(lambda _m: self._month_changed())
        load_choices(self, db, lambda s: s.execute(select(Company.name, Company.siret).order_by(Company.name)).all(),
                      self._companies_loaded)

    def _companies_loaded(self, rows) -> None:
        for name, siret in rows:
            self.company.addItem(f"{name} ({siret})", siret)

    def _month_changed(self) -> None:
        """The file name follows the month while it is the one offered; a month that is none says why."""
        problem = self.month.problem()
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(problem is None and self.month.value() is not None)
        month = self.month.value()
        if month is not None and self.file.edit.text() == self._suggested:
            self._suggested = str(Path(self._suggested).with_name(releve_file_name(month)))
            self.file.edit.setText(self._suggested)

    @property
    def siret(self) -> str | None:
        return self.company.currentData()

    def accept(self) -> None:
        if self.month.value() is None:
            self._month_changed()
            self.month.setFocus()
            return
        super().accept()


def start_releve(window: QWidget, db, siret: str, month: date, path: Path, on_done=None):
    from erbm_desk.services.exchange import write_releve

    def job(progress):
        with db.sessions() as s:
            return write_releve(s, siret, month, path, progress)

    return run_with_messages(window, db, job, "Écriture du relevé d'heures…", "Relevé annulé : aucun fichier écrit.",
                             "Le relevé n'a pas pu être écrit", on_done)
