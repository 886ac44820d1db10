"""« Réglages des clauses… »: the base's defaults for the parameters a lot leaves blank (labour share, insertion
rate, hourly cost) and the tolerance of the status, read and written through the database gateway by the same
functions as `erbm-desk settings` (services/security/database_settings.py: checks, rights, audit journal).

A default changes the hours required of every lot that leaves that parameter blank, hence of its operation: the
dialog says so, and the write announces lots and operations as changed so that every view concerned refreshes.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from erbm_desk.domain.clauses import ClauseDefaults
from erbm_desk.domain.french import format_hours
from erbm_desk.services.security import authz
from erbm_desk.services.security import database_settings as settings
from erbm_desk.ui.common.dialogs import ok_cancel
from erbm_desk.ui.database.changes import Changes
from erbm_desk.ui.database.gateway import gateway_for

# (setting key, field name, label in the form, ClauseDefaults attribute)
FIELDS = (
    (settings.CLAUSE_LABOUR_SHARE, "labour_share", "Part de main-d'œuvre par défaut (%)", "labour_share"),
    (settings.CLAUSE_INSERTION_RATE, "insertion_rate", "Taux d'insertion par défaut (%)", "insertion_rate"),
    (settings.CLAUSE_HOURLY_COST, "hourly_cost", "Coût horaire par défaut (€)", "hourly_cost"),
    (settings.CLAUSE_TOLERANCE, "tolerance", "Tolérance avant « en retard » / « en avance » (% des heures "
                                             "attendues)", "tolerance"),
)
ABOUT = ("Ces valeurs s'appliquent aux lots qui laissent le paramètre vide : leurs heures exigées, et celles de "
         "leurs opérations, changent aussitôt. La tolérance décide du statut : un lot est « en retard » quand ses "
         "heures réalisées sont en deçà des heures attendues à date de plus de ce pourcentage.")


def _read(s) -> ClauseDefaults:
    from erbm_desk.services.clauses.parameters import clause_defaults

    return clause_defaults(s)


class ClauseSettingsDialog(QDialog):
    """Opens empty, fills once the settings are read; « Enregistrer » writes the four in one transaction."""

    def __init__(self, db, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.gateway = gateway_for(db)
        self.setWindowTitle("Réglages des clauses d'insertion")
        self.setObjectName("clause_settings_dialog")
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for _key, name, label, _attr in FIELDS:
            edit = QLineEdit()
            edit.setObjectName(name)
            edit.setEnabled(False)  # until read
            self.edits[name] = edit
            form.addRow(label, edit)
        about = QLabel(ABOUT)
        about.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("settings_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b5533c;")
        self.may_write = authz.allowed(db, authz.SETTINGS_MANAGE)
        self.buttons = ok_cancel(self, "Enregistrer", on_ok=self.save)
        self.save_button = self.buttons.button(QDialogButtonBox.Ok)
        self.save_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if not self.may_write:
            self.error.setText("Votre rôle permet de consulter ces réglages, pas de les modifier.")
        self.resize(560, 260)
        self.gateway.read(self, _read, self._shown, self._failed)

    def _shown(self, defaults: ClauseDefaults) -> None:
        for _key, name, _label, attr in FIELDS:
            edit = self.edits[name]
            edit.setText(format_hours(getattr(defaults, attr)))
            edit.setEnabled(self.may_write)
        self.save_button.setEnabled(self.may_write)
        if self.may_write:
            self.edits["labour_share"].setFocus()
            self.edits["labour_share"].selectAll()

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc))

    def values(self) -> dict[str, str]:
        return {key: self.edits[name].text() for key, name, _label, _attr in FIELDS}

    def save(self) -> None:
        values = self.values()

        def work(s) -> dict[str, Decimal]:
            return {key: settings.write_database_setting(s, key, value) for key, value in values.items()}

        self.save_button.setEnabled(False)
        self.error.setText("")
        self.gateway.write(self, work, lambda _stored: self.accept(), self._refused,
                           changes=Changes({"lot": None, "operation": None}))

    def _refused(self, exc: BaseException) -> None:
        self.error.setText(str(exc))
        self.save_button.setEnabled(True)


def ask_clause_settings(window: QWidget, db) -> ClauseSettingsDialog:
    dialog = ClauseSettingsDialog(db, window)
    dialog.open()
    return dialog
