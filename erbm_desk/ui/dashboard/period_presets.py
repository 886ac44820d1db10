"""The period selector's shortcuts: the whole period, each year and each quarter that has data, newest first —
one choice instead of two months picked from a list going back to 2017."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox

from erbm_desk.services.reporting.indicators import Period

QUARTER_NAMES = ("1er", "2e", "3e", "4e")
WHOLE = "Toute la période"
CHOSEN = "Mois choisis"


def presets(months: list[date]) -> list[tuple[str, Period]]:
    """(label, period) for the whole period, then each year with data and its quarters, newest first."""
    out = [(WHOLE, Period())]
    for year in sorted({m.year for m in months}, reverse=True):
        out.append((f"Année {year}", Period(date(year, 1, 1), date(year, 12, 1))))
        for q in range(3, -1, -1):
            first = date(year, 3 * q + 1, 1)
            if any(first <= m <= date(year, 3 * q + 3, 1) for m in months):
                out.append((f"{QUARTER_NAMES[q]} trimestre {year}", Period(first, date(year, 3 * q + 3, 1))))
    return out


class PeriodPresets(QComboBox):
    """A combo box of `presets`; shows « Mois choisis » when the months picked match none of them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setToolTip("Une année ou un trimestre d'un coup ; « Du » et « au » pour d'autres mois")
        self.periods: list[Period | None] = []
        self.setSizeAdjustPolicy(QComboBox.AdjustToContents)  # « 4e trimestre 2025 » read whole

    def fill(self, months: list[date]) -> None:
        self.blockSignals(True)
        self.clear()
        self.periods = []
        for label, period in presets(months):
            self.addItem(label)
            self.periods.append(period)
        self.addItem(CHOSEN)
        self.periods.append(None)
        self.blockSignals(False)

    def show_period(self, period: Period) -> None:
        self.blockSignals(True)
        self.setCurrentIndex(self.periods.index(period) if period in self.periods else self.count() - 1)
        self.blockSignals(False)

    def chosen(self) -> Period | None:
        index = self.currentIndex()
        return self.periods[index] if 0 <= index < len(self.periods) else None
