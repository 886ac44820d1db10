"""Tableau de bord: the territory's indicators as figures, with the comité sentence."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from erbm_desk.domain.rules import format_hours, format_int
from erbm_desk.domain.values import format_money
from erbm_desk.services.database import Database
from erbm_desk.services.indicators import Indicators, compute_indicators


class DashboardPage(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        layout = QVBoxLayout(self)
        title = QLabel("<h2>Tableau de bord — Territoire ERBM</h2>")
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.sentence.setStyleSheet("font-size: 15px; padding: 8px 0;")
        self.form = QFormLayout()
        self.figures: dict[str, QLabel] = {}
        for key, label in (
            ("hours", "Heures réalisées / exigées"),
            ("people", "Personnes"),
            ("publics", "dont RSA / moins de 26 ans / DELD / femmes / QPV"),
            ("contracts", "Contrats"),
            ("homes", "Logements prévus / en travaux / livrés"),
            ("funding", "Financements"),
        ):
            self.figures[key] = QLabel()
            self.form.addRow(label, self.figures[key])
        layout.addWidget(title)
        layout.addWidget(self.sentence)
        layout.addLayout(self.form)
        layout.addStretch()
        self.refresh()

    def refresh(self) -> None:
        with self.db.sessions() as s:
            self.show_indicators(compute_indicators(s))

    def show_indicators(self, ind: Indicators) -> None:
        self.sentence.setText(f"« {ind.sentence} »")
        rate = f" ({ind.hours_rate} %)".replace(".", ",") if ind.hours_rate is not None else ""
        self.figures["hours"].setText(f"{format_hours(ind.hours_realised)} / {format_hours(ind.hours_required)}{rate}")
        self.figures["people"].setText(format_int(ind.people))
        self.figures["publics"].setText(
            f"{ind.people_rsa} / {ind.people_under_26} / {ind.people_deld} / {ind.people_women} / {ind.people_qpv}"
        )
        self.figures["contracts"].setText(format_int(ind.contracts))
        self.figures["homes"].setText(
            f"{format_int(ind.homes_planned)} / {format_int(ind.homes_in_works)} / {format_int(ind.homes_delivered)}"
            f" (objectif {format_int(ind.homes_target)})"
        )
        self.figures["funding"].setText(format_money(ind.funding_total))
