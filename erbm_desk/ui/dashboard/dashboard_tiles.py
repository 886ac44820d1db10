"""The dashboard's KPI tiles: a big figure, what it is, and a line of detail."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from erbm_desk.charts.style import fr_count, fr_hours, fr_money, fr_money_short, fr_number, fr_percent
from erbm_desk.domain.figures import DashboardData

TILE_STYLE = """
QFrame#tile { background: #f4f6f8; border-radius: 6px; }
QLabel#tile_title { color: #4b5563; font-size: 11px; }
QLabel#tile_value { color: #2b2f36; font-size: 20px; font-weight: 600; }
QLabel#tile_detail { color: #6b7280; font-size: 11px; }
"""

TILES = (
    ("hours", "Heures réalisées"),
    ("rate", "Taux de réalisation"),
    ("people", "Personnes ayant réalisé des heures"),
    ("rsa", "Bénéficiaires du RSA"),
    ("young", "Moins de 26 ans"),
    ("women", "Femmes"),
    ("contracts", "Contrats actifs sur la période"),
    ("homes", "Logements livrés"),
    ("funding", "Financements accordés"),
    # the person's path (docs/indicateurs.md)
    ("fte", "Équivalents temps plein"),
    ("siae", "Heures en SIAE"),
    ("exits", "Sorties positives"),
    ("situations", "En emploi 6 mois après"),
)


class Tile(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tile")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(1)
        self.title = QLabel(title, objectName="tile_title")
        self.value = QLabel("—", objectName="tile_value")
        self.detail = QLabel("", objectName="tile_detail")
        self.detail.setWordWrap(True)
        for label in (self.title, self.value, self.detail):
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
            layout.addWidget(label)

    def show_values(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


def _share(part: int, whole: int) -> str:
    return f"{fr_number(part * 100 / whole, 0)} % des personnes" if whole else ""


class KpiTiles(QWidget):
    COLUMNS = 5

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setStyleSheet(TILE_STYLE)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self.tiles: dict[str, Tile] = {}
        for i, (key, title) in enumerate(TILES):
            self.tiles[key] = Tile(title, self)
            grid.addWidget(self.tiles[key], i // self.COLUMNS, i % self.COLUMNS)

    def show_data(self, data: DashboardData) -> None:
        ind = data.indicators
        t = self.tiles
        t["hours"].show_values(fr_hours(ind.hours_realised), f"sur {fr_hours(ind.hours_required)} exigées")
        t["rate"].show_values(fr_percent(ind.hours_rate), "heures réalisées / exigées")
        t["people"].show_values(fr_number(ind.people), f"{fr_number(ind.people_deld)} DELD · "
                                                       f"{fr_number(ind.people_qpv)} en QPV")
        t["rsa"].show_values(fr_number(ind.people_rsa), _share(ind.people_rsa, ind.people))
        t["young"].show_values(fr_number(ind.people_under_26), _share(ind.people_under_26, ind.people))
        t["women"].show_values(fr_number(ind.people_women), _share(ind.people_women, ind.people))
        t["contracts"].show_values(fr_number(ind.contracts), f"dont {fr_number(ind.contracts_with_hours)} avec des "
                                                             f"heures · {fr_count(ind.operations, 'opération')}")
        detail = f"sur {fr_number(ind.homes_planned)} prévus"
        if data.scope.kind == "territory":
            goal = fr_number(ind.homes_delivered * 100 / ind.homes_target, 1) if ind.homes_target else "—"
            detail += f" · objectif ERBM {fr_number(ind.homes_target)} ({goal} %)"
        t["homes"].show_values(fr_number(ind.homes_delivered), detail)
        t["funding"].show_values(fr_money_short(ind.funding_total), fr_money(ind.funding_total))
        show_path_tiles(t, ind)


def show_path_tiles(t: dict[str, Tile], ind) -> None:
    """ETP, SIAE share, exits and the situation six months later (their definitions: docs/indicateurs.md)."""
    average = ind.hours_per_person
    t["fte"].show_values(fr_number(ind.fte, 2), "heures ÷ 1 607" + (f" · {fr_hours(average)} par personne"
                                                                      if average is not None else ""))
    t["siae"].show_values(fr_percent(ind.siae_share), f"{fr_hours(ind.hours_siae)} en ETTI, EI, ACI, AI")
    durable = ind.exits_by_outcome.get("emploi_durable", 0)
    t["exits"].show_values(fr_percent(ind.positive_exit_rate),
                           f"{fr_number(ind.exits_positive)} sur {fr_number(ind.exits)} sorties · "
                           f"{fr_number(durable)} en emploi durable ({fr_percent(ind.sustainable_exit_rate)})"
                           if ind.exits else "aucune sortie sur la période")
    missing = max(ind.situations_due - ind.situations_known, 0)
    t["situations"].show_values(fr_percent(ind.employment_rate_6m),
                                fr_count(ind.situations_known, "situation relevée", "situations relevées")
                                + (f" · {fr_number(missing)} à relever" if missing else ""))
