"""The line a form shows above its fields for a record known only by its stand-ins — a person from an anonymous
workbook: their pseudonym and age band, and that the name and birth date were never in the file. The stars of
the fields it need not have go while it is shown."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from erbm_desk.domain.entities import EntitySpec
from erbm_desk.domain.validation import waived
from erbm_desk.services.records.stand_ins import described


class StandInNote(QLabel):
    def __init__(self, spec: EntitySpec, labels: dict[str, QLabel], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("standInNote")
        self.setWordWrap(True)
        self.setVisible(False)
        self.spec = spec
        self.labels = labels  # column key -> the label beside its field

    def show_for(self, values: dict[str, Any]) -> None:
        """Say what stands in for the blank values of the record shown (`values`: the form's context)."""
        blank = {c.key for c in self.spec.columns if c.key in self.labels and waived(self.spec.name, c.key, values)}
        for column in self.spec.columns:
            if column.key in self.labels:
                star = column.required and column.key not in blank
                self.labels[column.key].setText(column.label + (" *" if star else ""))
        if not blank:
            self.setText("")
            self.setVisible(False)
            return
        parts = [described(c.stand_in, values.get(c.stand_in)) for c in self.spec.columns if c.stand_in]
        said = " · ".join(p for p in parts if p)
        labels = [c.label.lower() for c in self.spec.columns if c.key in blank]
        missing = (", ".join(labels[:-1]) + " et " + labels[-1] if len(labels) > 1 else labels[0]).capitalize()
        self.setText(f"Personne pseudonymisée : {said}. {missing} ne sont pas connus (classeur anonyme ou identité "
                     "effacée) : rien à saisir.")
        self.setVisible(True)
