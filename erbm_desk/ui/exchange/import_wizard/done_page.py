"""Step 6 — done: what was written, and the name the mapping is remembered under."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWizardPage

from erbm_desk.ui.exchange.import_wizard.parts import message_label


class DonePage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.w = wizard
        self.setTitle("6. Import terminé")
        layout = QVBoxLayout(self)
        self.text = message_label()
        self.text.setObjectName("import_summary")
        layout.addWidget(self.text)
        layout.addStretch(1)
        self.setFinalPage(True)

    def initializePage(self) -> None:
        summary = self.w.summary
        lines = [summary.message if summary is not None else ""]
        if self.w.saved_as:
            lines.append(f"Correspondance enregistrée sous « {self.w.saved_as} » : elle sera proposée pour le "
                         "prochain fichier de même forme.")
        lines.append("Les listes et le tableau de bord sont à jour.")
        self.text.setText("\n\n".join(lines))
