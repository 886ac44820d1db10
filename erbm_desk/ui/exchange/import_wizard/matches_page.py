"""Step 4 — the records of the file matched with the base: each person, company, cité and operation, the record of
the base it is, or « À créer » with the records it might be to choose from (yellow). Read in a worker."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWizardPage

from erbm_desk.domain.entities import SPECS
from erbm_desk.services.exchange.mapping.intake import analyse
from erbm_desk.services.exchange.mapping.matches import TO_CREATE, choose, entities_to_match, match_rows
from erbm_desk.ui.exchange.import_wizard.parts import message_label, table
from erbm_desk.ui.exchange.import_wizard.review_models import MatchesModel


class MatchesPage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.w = wizard
        self.setTitle("4. Correspondance avec la base")
        self.setSubTitle("Ce qui existe déjà est reconnu ; le reste sera créé, sauf si vous choisissez "
                         "l'enregistrement de la base qu'il désigne (F2 dans la colonne « Dans la base »).")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        label = QLabel("&Données :")
        self.entity_box = QComboBox()
        self.entity_box.setObjectName("match_entity")
        label.setBuddy(self.entity_box)
        top.addWidget(label)
        top.addWidget(self.entity_box, 1)
        layout.addLayout(top)
        self.model = MatchesModel(self._chosen, self)
        self.view = table("matches", self.model, editable=True)
        self.view.setColumnWidth(0, 420)
        self.view.setColumnWidth(1, 420)
        layout.addWidget(self.view, 1)
        self.gaps = message_label(error=True)
        self.gaps.setObjectName("gaps")
        layout.addWidget(self.gaps)
        self.entity_box.currentIndexChanged.connect(lambda _i: self._show())
        self.loading = False
        self.analysis = None
        self.rows: dict[str, list] = {}

    def initializePage(self) -> None:
        self.model.set_rows([])
        self.entity_box.clear()
        self.analysis = None
        self.loading = True
        intake = self.w.intake
        db = self.w.db

        def work(progress):
            with db.sessions() as s:
                return analyse(s, intake, progress)

        def done(analysis) -> None:
            self.loading = False
            self.w.analysis = self.analysis = analysis
            self._fill()

        self.w.run(work, done, "Rapprochement avec la base…")

    def _fill(self) -> None:
        analysis = self.analysis
        groups = analysis.records.groups
        self.rows = {entity: match_rows(analysis.db, groups, entity) for entity in entities_to_match(groups)}
        self.entity_box.blockSignals(True)
        self.entity_box.clear()
        for entity in self.rows:
            self.entity_box.addItem(self._entity_label(entity), entity)
        self.entity_box.blockSignals(False)
        self._show()
        gaps = [g.message for g in analysis.gaps]
        self.gaps.setText("À compléter avant d'importer :\n" + "\n".join(f"• {g}" for g in gaps) if gaps else "")
        self.completeChanged.emit()

    def _entity_label(self, entity: str) -> str:
        rows = self.rows[entity]
        new = sum(1 for r in rows if r.status == TO_CREATE)
        return f"{SPECS[entity].plural} — {len(rows)} dans le fichier, {new} à créer"

    def _show(self) -> None:
        entity = self.entity_box.currentData()
        self.model.set_rows(self.rows.get(entity, []) if entity is not None else [])

    def _chosen(self, row, uuid: str | None) -> None:
        choose(self.w.intake.mapping, row, uuid)
        self.w.forget()  # the records to create changed: grouped and checked again for the review
        self.entity_box.setItemText(self.entity_box.currentIndex(), self._entity_label(row.entity))

    def isComplete(self) -> bool:
        return not self.loading and self.analysis is not None
