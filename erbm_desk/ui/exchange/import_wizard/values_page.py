"""Step 3 — the values: for each list and yes/no field, every distinct value of the file with the choice it stands
for — the exact ones taken at once (green), the usual and close spellings proposed (yellow), the others to choose
(red)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWizardPage

from erbm_desk.domain.french import agree, format_count
from erbm_desk.services.exchange.mapping.fields import target
from erbm_desk.services.exchange.mapping.gaps import cells_by_target
from erbm_desk.services.exchange.mapping.values import ValueRow, value_rows
from erbm_desk.ui.exchange.import_wizard.parts import message_label, table
from erbm_desk.ui.exchange.import_wizard.review_models import ValuesModel


class ValuesPage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.w = wizard
        self.setTitle("3. Valeurs des listes et des cases oui/non")
        self.setSubTitle("Chaque valeur trouvée dans le fichier et ce qu'elle veut dire dans l'application.")
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        fields_label = QLabel("&Champs :")
        self.fields = QListWidget()
        self.fields.setObjectName("value_fields")
        fields_label.setBuddy(self.fields)
        left.addWidget(fields_label)
        left.addWidget(self.fields, 1)
        layout.addLayout(left, 2)
        right = QVBoxLayout()
        self.model = ValuesModel(self._value_changed, self)
        self.view = table("values", self.model, editable=True)
        self.view.setColumnWidth(0, 220)
        self.view.setColumnWidth(1, 60)
        self.view.setColumnWidth(2, 240)
        right.addWidget(self.view, 1)
        self.status = message_label()
        right.addWidget(self.status)
        layout.addLayout(right, 3)
        self.fields.currentRowChanged.connect(self._show)
        self._rows: dict[str, list[ValueRow]] = {}

    def initializePage(self) -> None:
        intake = self.w.intake
        cells = cells_by_target(intake.prepared())
        self._rows = {code: value_rows(code, values, intake.mapping.values.get(code))
                      for code, values in cells.items()}
        self.fields.clear()
        for code, rows in self._rows.items():
            item = QListWidgetItem()
            item.setData(Qt.UserRole, code)
            self.fields.addItem(item)
            self._label(item)
        if self._rows:
            first = next((i for i, rows in enumerate(self._rows.values()) if any(r.choice is None for r in rows)), 0)
            self.fields.setCurrentRow(first)
        else:
            self.model.show_field("", [])
            self.status.setText("Aucune colonne de liste ni de case oui/non dans ce fichier.")

    def _label(self, item: QListWidgetItem) -> None:
        code = item.data(Qt.UserRole)
        rows = self._rows[code]
        left = sum(1 for r in rows if r.choice is None)
        item.setText(f"{target(code).label} — " + (f"{left} à choisir" if left else format_count(len(rows), "valeur")))

    def _show(self, position: int) -> None:
        item = self.fields.item(position)
        if item is None:
            return
        code = item.data(Qt.UserRole)
        self.model.show_field(code, self._rows[code])
        self._status()

    def _value_changed(self, code: str, row: ValueRow) -> None:
        self.w.intake.mapping.values.setdefault(code, {})[row.key] = row.choice
        self.w.forget()
        self._label(self.fields.currentItem())
        self._status()

    def _status(self) -> None:
        left = sum(1 for rows in self._rows.values() for r in rows if r.choice is None)
        self.status.setText(f"{format_count(left, 'valeur')} encore sans correspondance : "
                            f"{agree(left, 'ses lignes', 'leurs lignes')} seront en erreur."
                            if left else "Toutes les valeurs ont leur correspondance.")
