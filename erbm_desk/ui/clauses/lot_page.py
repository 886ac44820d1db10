"""The « Lots » page: the generic record page of the lot description, with a new lot's clause parameters filled
with the base's defaults, and, above the form, where the lot's clause stands (hours required and how they were
set, realised, expected to date, status), read in a worker whenever a lot is shown or saved."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QLabel, QWidget

from erbm_desk.domain.clauses import ClauseDefaults, exact_hours
from erbm_desk.domain.french import format_date, format_decimal, format_hours, format_money, format_percent
from erbm_desk.ui.records.list_page import ListPage
from erbm_desk.ui.records.workspace import Workspace


def _standing(s, lot_id: int):
    from erbm_desk.services.clauses.obligations import ClauseFilter, lot_lines
    from erbm_desk.services.reporting.dashboard_data import as_of_date
    from erbm_desk.services.reporting.indicators import Period

    from erbm_desk.services.clauses.parameters import clause_defaults

    as_of = as_of_date(s, Period())
    found = lot_lines(s, as_of, ClauseFilter(lot_ids=(lot_id,)))
    return as_of, found[0] if found else None, clause_defaults(s)


def how_required(line, defaults: ClauseDefaults) -> str:
    """How the hours required were set, the formula with its figures and its rounding stated."""
    t = line.terms
    exact = exact_hours(t, defaults)
    if t.hours_stated is not None or exact is None:
        return "fixées par le marché"
    e = t.effective(defaults)
    return (f"{format_money(e.amount)} × {format_decimal(e.labour_share)} % × {format_decimal(e.insertion_rate)} % "
            f"÷ {format_money(e.hourly_cost)} = {format_hours(exact.quantize(Decimal('0.01')))} h, arrondi à "
            "l'heure")


def standing_text(as_of, line, defaults: ClauseDefaults = ClauseDefaults()) -> str:
    o = line.obligation
    if o.required is None:
        return "Heures exigées inconnues : renseignez le montant du lot (ou les heures fixées par le marché)."
    how = how_required(line, defaults)
    parts = [f"Heures exigées : {format_hours(o.required)} h ({how})",
             f"réalisées : {format_hours(o.realised)} h" + (f" ({format_percent(o.rate)})" if o.rate is not None
                                                            else "")]
    if o.expected is not None:
        parts.append(f"attendues au {format_date(as_of)} : {format_hours(o.expected)} h — {o.status.label}")
        if o.shortfall:
            parts.append(f"manque {format_hours(o.shortfall)} h")
    else:
        parts.append("pas de période d'exécution (dates du lot, du marché ou de l'opération)")
    return " · ".join(parts)


class LotPage(ListPage):
    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(ws, "lot", parent)
        self.defaults = ClauseDefaults()
        self.standing = QLabel()
        self.standing.setObjectName("lot_standing")
        self.standing.setWordWrap(True)
        self.standing.setStyleSheet("color: #2f5d8a; padding: 2px 0 6px 0;")
        self.form.layout().insertWidget(2, self.standing)
        self.form.shown.connect(self._show_standing)
        self.form.state_changed.connect(lambda: self.standing.setVisible(self.form.record_id is not None))

        self._read_defaults()

    def _read_defaults(self) -> None:
        def read_defaults(s):
            from erbm_desk.services.clauses.parameters import clause_defaults

            return clause_defaults(s)

        self.ws.read(self, read_defaults, self._defaults_read, latest="defaults")

    def refresh(self) -> None:
        """Also the base's defaults, which « Réglages des clauses… » may have changed."""
        super().refresh()
        self._read_defaults()

    def _defaults_read(self, defaults: ClauseDefaults) -> None:
        self.defaults = defaults

    def new_record(self) -> None:
        super().new_record()
        if not self.form.dirty and self.form.record_id is None:
            self.form.new({"labour_share": self.defaults.labour_share, "insertion_rate": self.defaults.insertion_rate,
                           "hourly_cost": self.defaults.hourly_cost})
            self.form.focus_first()

    def _show_standing(self, lot_id) -> None:
        if lot_id is None:
            self.standing.setText("")
            return

        def shown(result) -> None:
            as_of, line, defaults = result
            self.standing.setText(standing_text(as_of, line, defaults) if line is not None else "")

        self.ws.read(self, lambda s: _standing(s, lot_id), shown, latest="standing")


def make_lot_page(window) -> LotPage:
    return LotPage(window.ws, window)
