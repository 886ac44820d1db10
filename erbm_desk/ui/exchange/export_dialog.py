"""« Fichier > Exporter vers Excel… »: scope, period, anonymous or not, organisation and file; then the workbook
written atomically in a worker (« Annuler » leaves no file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.services.exchange import ExportOptions
from erbm_desk.services.reporting.indicators import Period, Scope
from erbm_desk.services.security import authz
from erbm_desk.ui.common.dialogs import error_color, ok_cancel
from erbm_desk.ui.exchange.dialog_parts import PathField, load_choices, month_edit, month_of, run_with_messages

SCOPES = (("Territoire ERBM", "territory"), ("Un EPCI", "epci"), ("Une cité", "cite"), ("Un bailleur", "bailleur"))


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
        self.start = month_edit(date(2017, 1, 1))
        self.end = month_edit(date.today())
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
        self.file = PathField(Path.home() / f"erbm-echange-{date.today():%Y-%m-%d}.xlsx", "Exporter vers Excel",
                               self)
        form = QFormLayout()
        form.addRow("Périmètre", self.scope_kind)
        form.addRow("", self.scope_value)
        form.addRow("Période", period)
        form.addRow("", self.nominative)
        form.addRow("Organisation", self.organisation)
        form.addRow("Fichier", self.file)
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {error_color()};")
        self.problem.setWordWrap(True)
        self.problem.hide()
        buttons = ok_cancel(self, "Exporter")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        load_choices(self, db, _scope_choices, self._choices_loaded)

    def _choices_loaded(self, choices: dict[str, list[tuple[str, Any]]]) -> None:
        self.choices = choices
        self._scope_changed()

    def _scope_changed(self) -> None:
        kind = self.scope_kind.currentData()
        self.scope_value.clear()
        for label, value in self.choices.get(kind, ()):
            self.scope_value.addItem(label, value)
        self.scope_value.setEnabled(kind != "territory")

    def accept(self) -> None:
        """A period whose months are not months is said, not guessed."""
        if not self.whole_time.isChecked():
            problem = self.start.problem() or self.end.problem()
            if problem is None and (self.start.value() is None or self.end.value() is None):
                problem = "Tapez le premier et le dernier mois de la période (mm/aaaa), ou cochez « Toute la durée »."
            if problem:
                self.problem.setText(problem)
                self.problem.show()
                return
        super().accept()

    def options(self) -> ExportOptions:
        kind = self.scope_kind.currentData()
        scope = Scope() if kind == "territory" or self.scope_value.currentData() is None else \
            Scope(kind, self.scope_value.currentData())
        period = Period() if self.whole_time.isChecked() else Period(month_of(self.start), month_of(self.end))
        return ExportOptions(scope, period, anonymous=not self.nominative.isChecked(),
                             organisation=self.organisation.text().strip())


def _scope_choices(s) -> dict[str, list[tuple[str, Any]]]:
    from erbm_desk.services.reporting.dashboard_data import scope_choices

    return scope_choices(s).by_kind()  # the dashboard's and the bilan's pickers: values the command line reads


def start_export(window: QWidget, db, path: Path, options: ExportOptions, on_done=None):
    from erbm_desk.services.exchange import export_workbook

    def job(progress):
        with db.session() as s:  # the export is logged in the audit journal
            return export_workbook(s, path, options, progress)

    return run_with_messages(window, db, job, "Export vers Excel…", "Export annulé : aucun fichier écrit.",
                             "L'export n'a pas pu être écrit", on_done, writes=True)
