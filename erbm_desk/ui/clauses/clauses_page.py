"""« Suivi des clauses »: where every lot's insertion clause stands (and every titulaire company's), sortable,
filtered by titulaire, cité, EPCI and status, with the hours missing to date, and the selected lot's (or
titulaire's) hours month by month (realised, cumulated, expected); from it, the reminder letter to a company
behind and the attestation of a finished lot.

The figures are read by the database gateway (services/clauses/obligations.py, as `erbm-desk clauses`), at the
date of the data unless the user picks another; the page refreshes after a write that concerns them.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.domain.clauses import ClauseDefaults, ClauseStatus, months_of
from erbm_desk.domain.french import format_count, format_date, format_hours, format_int
from erbm_desk.ui.clauses.clauses_models import COMPANY_COLUMNS, LOT_COLUMNS, LinesModel
from erbm_desk.ui.clauses.document_dialogs import ask_attestation, ask_relance
from erbm_desk.ui.clauses.months_model import MonthsModel
from erbm_desk.ui.clauses.settings_dialog import ask_clause_settings
from erbm_desk.ui.common.date_fields import DateField
from erbm_desk.ui.database.changes import Changes
from erbm_desk.ui.database.gateway import gateway_for

# Column widths in average characters, by header (the others: 11).
WIDTHS = {"Statut": 11, "N°": 3, "Titulaire": 18, "Marché": 15, "Lot": 20, "Cité": 13, "EPCI": 8, "SIRET": 17,
          "Type": 24, "Lots": 4, "Lots en retard": 8, "Exigées": 7, "Réalisées": 8, "Taux": 6, "Attendues": 8,
          "Manque": 8, "Fin": 12, "Pénalité": 10}
# A company's sums run to tens of thousands of hours; its table has the room for them.
COMPANY_WIDTHS = {**WIDTHS, "Titulaire": 24, "Lots en retard": 13, "Exigées": 9, "Réalisées": 9, "Attendues": 11,
                  "Manque": 10}
WATCHED = ("lot", "marche", "contract", "hours_entry", "company", "operation", "cite")


def _compute(s, flt_values: dict, as_of: date | None):
    """Worker side: (as_of, lot lines, company lines, filter choices, tolerance of the status)."""
    from erbm_desk.services.clauses.obligations import ClauseFilter, company_lines, follow_up_choices, lot_lines
    from erbm_desk.services.clauses.parameters import clause_defaults
    from erbm_desk.services.reporting.dashboard_data import as_of_date
    from erbm_desk.services.reporting.indicators import Period

    as_of = as_of or as_of_date(s, Period())
    lots = lot_lines(s, as_of, ClauseFilter(**flt_values))
    tolerance = clause_defaults(s).tolerance
    return as_of, lots, company_lines(lots, tolerance), follow_up_choices(s), tolerance


class LinesTable(QTableView):
    def __init__(self, model: LinesModel, name: str, widths: dict[str, int] = WIDTHS, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.AscendingOrder)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.horizontalHeader().setHighlightSections(False)
        char, digit = self.fontMetrics().averageCharWidth(), self.fontMetrics().horizontalAdvance("0")
        for i, column in enumerate(model.columns):
            self.setColumnWidth(i, widths.get(column[0], 11) * (digit if column[3] else char) + 12)

    def current_row(self):
        index = self.currentIndex()
        return self.model().row_at(index.row()) if index.isValid() else None


class ClausesPage(QWidget):
    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.window_ = window
        self.db = window.db
        self.gateway = gateway_for(self.db)
        self.as_of: date | None = None  # shown; None until the first figures arrive
        self.chosen_date: date | None = None  # asked by the user (None: the date of the data)
        self.tolerance = ClauseDefaults().tolerance  # the base's, once read
        self.setObjectName("page_clauses")
        title = QLabel("Suivi des clauses d'insertion")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.summary = QLabel("Chargement…")
        self.summary.setObjectName("clauses_summary")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(self.summary, 1, Qt.AlignBottom)

        self.company_box, self.cite_box, self.epci_box, self.status_box = (QComboBox() for _ in range(4))
        for box, name in ((self.company_box, "filter_company"), (self.cite_box, "filter_cite"),
                          (self.epci_box, "filter_epci"), (self.status_box, "filter_status")):
            box.setObjectName(name)
            box.addItem("Tous" if box is not self.cite_box else "Toutes", None)
            box.activated.connect(lambda _i: self.refresh())
        self.company_box.setMinimumContentsLength(28)
        self.company_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        for status in ClauseStatus:
            self.status_box.addItem(status.label, status.value)
        self.date_edit = DateField()
        self.date_edit.setObjectName("as_of")
        self.date_edit.setToolTip("Date de la situation (vide : fin du dernier mois d'heures saisies)")
        self.date_edit.committed.connect(lambda _value: self._date_changed())
        self._date_timer = QTimer(self)  # a date being typed is taken once the typing pauses
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(600)
        self._date_timer.timeout.connect(self._date_changed)
        self.date_edit.edited.connect(self._date_timer.start)
        filters = QHBoxLayout()
        for label, widget in (("Titulaire", self.company_box), ("Cité", self.cite_box), ("EPCI", self.epci_box),
                              ("Statut", self.status_box), ("Au", self.date_edit)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch()

        self.lots = LinesModel(LOT_COLUMNS, self)
        self.companies = LinesModel(COMPANY_COLUMNS, self)
        self.lot_table = LinesTable(self.lots, "clauses_lots")
        self.company_table = LinesTable(self.companies, "clauses_companies", COMPANY_WIDTHS)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.lot_table, "Lots")
        self.tabs.addTab(self.company_table, "Entreprises titulaires")
        self.lot_table.doubleClicked.connect(lambda _i: self.open_lot())
        self.company_table.doubleClicked.connect(lambda _i: self._show_company_lots())
        QShortcut(QKeySequence(Qt.Key_Return), self.lot_table, self.open_lot, context=Qt.WidgetShortcut)

        self.relance_button = QPushButton("Lettre de relance…")
        self.relance_button.setToolTip("Lettre à l'entreprise titulaire sur ses lots en retard, avec le relevé "
                                       "d'heures à retourner")
        self.attestation_button = QPushButton("Attestation…")
        self.attestation_button.setToolTip("Attestation de bonne exécution de la clause d'un lot terminé")
        self.open_button = QPushButton("Ouvrir le lot")
        self.settings_button = QPushButton("Réglages des clauses…")
        self.settings_button.setToolTip("Paramètres par défaut des lots (part de main-d'œuvre, taux d'insertion, "
                                        "coût horaire) et tolérance du statut")
        self.settings_button.clicked.connect(lambda: ask_clause_settings(self.window_, self.db))
        self.relance_button.clicked.connect(self.relance)
        self.attestation_button.clicked.connect(self.attestation)
        self.open_button.clicked.connect(self.open_lot)
        self.message = QLabel()
        self.message.setObjectName("clauses_message")
        self.message.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.settings_button)
        actions.addWidget(self.message, 1)
        for button in (self.open_button, self.attestation_button, self.relance_button):
            actions.addWidget(button)
        for table in (self.lot_table, self.company_table):
            table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_actions())
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())

        self.months = MonthsModel(self)
        self._months_of: tuple | None = None  # (lot ids, date, obligations) the months shown are of
        self.month_table = QTableView()
        self.month_table.setObjectName("clauses_months")
        self.month_table.setModel(self.months)
        self.month_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.month_table.setAlternatingRowColors(True)
        self.month_table.verticalHeader().setVisible(False)
        self.month_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        digit = self.fontMetrics().horizontalAdvance("0")
        for column, width in enumerate((8, 11, 11, 20, 12)):
            self.month_table.setColumnWidth(column, width * digit + 12)
        self.month_title = QLabel()
        self.month_title.setObjectName("clauses_month_title")
        self.month_title.setWordWrap(True)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 4, 0, 0)
        detail_layout.addWidget(self.month_title)
        detail_layout.addWidget(self.month_table, 1)
        splitter = QSplitter(Qt.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.tabs)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)
        self._update_actions()
        self.refresh()

    # --- data ----------------------------------------------------------------------------------------------

    def filter_values(self) -> dict:
        status = self.status_box.currentData()
        return {"company_id": self.company_box.currentData(), "cite_id": self.cite_box.currentData(),
                "epci_id": self.epci_box.currentData(), "status": ClauseStatus(status) if status else None}

    def concerned_by(self, changes: Changes) -> bool:
        return changes.touches(*WATCHED)

    def refresh(self) -> None:
        values, as_of = self.filter_values(), self.chosen_date
        self.summary.setText("Calcul en cours…")
        self.gateway.read(self, lambda s: _compute(s, values, as_of), self._loaded, self._failed, latest="clauses")

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(f"Calcul impossible : {exc}")

    def _loaded(self, result) -> None:
        as_of, lots, companies, choices, self.tolerance = result
        self.as_of = as_of
        self.date_edit.blockSignals(True)
        self.date_edit.set_value(as_of)
        self.date_edit.blockSignals(False)
        self._date_timer.stop()
        self._fill(self.company_box, choices.companies)
        self._fill(self.cite_box, choices.cites)
        self._fill(self.epci_box, choices.epcis)
        selected = self.lot_table.current_row()
        for model, table, rows in ((self.lots, self.lot_table, lots), (self.companies, self.company_table, companies)):
            header = table.horizontalHeader()
            model.set_rows(rows)
            model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        if selected is not None:
            self._select_lot(selected.id)
        behind = [line for line in lots if line.obligation.status == ClauseStatus.BEHIND]
        missing = sum((line.obligation.shortfall for line in lots), 0)
        self.summary.setText(
            f"au {format_date(as_of)} — {format_int(len(lots))} lot{'s' if len(lots) > 1 else ''}, "
            f"{format_int(len(behind))} en retard, {format_hours(missing)} h manquantes à date, "
            f"{format_int(len(companies))} titulaire{'s' if len(companies) > 1 else ''}")
        self._update_actions()

    def _fill(self, box: QComboBox, items: list[tuple[str, int]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for label, value in items:
            box.addItem(label, value)
        box.setCurrentIndex(max(0, box.findData(current)) if current is not None else 0)
        box.blockSignals(False)

    def _date_changed(self) -> None:
        self._date_timer.stop()
        if self.date_edit.problem():  # a date still being typed, or one that does not exist (said under it)
            return
        chosen = self.date_edit.value()
        if chosen != self.as_of:
            self.chosen_date = chosen
            self.refresh()

    def _select_lot(self, lot_id: int) -> None:
        for row, line in enumerate(self.lots.rows):
            if line.id == lot_id:
                self.lot_table.selectRow(row)
                return

    def _show_company_lots(self) -> None:
        company = self.company_table.current_row()
        if company is not None:
            self.company_box.setCurrentIndex(max(0, self.company_box.findData(company.id)))
            self.tabs.setCurrentWidget(self.lot_table)
            self.refresh()

    # --- actions -------------------------------------------------------------------------------------------

    def _selected(self):
        """(the lot selected or None, the titulaire of the selection or None)."""
        if self.tabs.currentWidget() is self.company_table:
            return None, self.company_table.current_row()
        lot = self.lot_table.current_row()
        return lot, lot

    def _update_actions(self) -> None:
        lot, company = self._selected()
        self._show_months()
        self.open_button.setEnabled(lot is not None)
        self.attestation_button.setEnabled(lot is not None and lot.obligation.finished)
        self.relance_button.setEnabled(company is not None)
        if lot is not None and not lot.obligation.finished:
            self.attestation_button.setToolTip("Le lot n'est pas terminé : l'attestation se fait à la fin du lot")
        else:
            self.attestation_button.setToolTip("Attestation de bonne exécution de la clause d'un lot terminé")

    def _show_months(self) -> None:
        """The selected lot's hours month by month, or on the titulaires' tab the selected company's (its lots
        shown in the list, added up); the figures are already in the lines: nothing to read."""
        company = self.company_table.current_row() if self.tabs.currentWidget() is self.company_table else None
        lot = None if company is not None else self.lot_table.current_row()
        lines = ([line for line in self.lots.rows if line.company_id == company.id] if company is not None
                 else [lot] if lot is not None else [])
        if not lines or self.as_of is None:
            self._months_of = None
            self.months.set_months([], self.tolerance)
            self.month_title.setText("Heures mois par mois : choisissez un lot (ou, dans l'onglet des titulaires, "
                                     "une entreprise) dans la liste.")
            return
        key = (tuple(line.id for line in lines), self.as_of, tuple(line.obligation for line in lines))
        if key == self._months_of:
            return
        self._months_of = key
        self.months.set_months(months_of(lines, self.as_of), self.tolerance)
        realised = sum((line.obligation.realised for line in lines), 0)
        what = (f"{company.name}, {format_count(len(lines), 'lot')}" if company is not None
                else f"{lot.title} ({lot.marche}), {lot.company}")
        self.month_title.setText(f"Heures mois par mois — {what} : {format_hours(realised)} h réalisées au "
                                 f"{format_date(self.as_of)}")
        self.month_table.scrollToBottom()

    def open_lot(self) -> None:
        lot, _ = self._selected()
        if lot is not None:
            self.window_.open_record("lot", lot.id)

    def relance(self):
        lot, company = self._selected()
        if company is None or self.as_of is None:
            return None
        if lot is not None:
            name, siret, company_id = lot.company, lot.siret, lot.company_id
        else:
            name, siret, company_id = company.name, company.siret, company.id
        behind = [line for line in self.lots.rows if line.company_id == company_id
                  and line.obligation.status == ClauseStatus.BEHIND]
        if not behind and lot is not None and lot.obligation.status != ClauseStatus.BEHIND:
            self.message.setText(f"{name} n'est en retard sur aucun lot affiché au {format_date(self.as_of)} : "
                                 "pas de relance à envoyer.")
            return None
        self.message.setText("")
        return ask_relance(self.window_, self.db, name, siret, self.as_of)

    def attestation(self):
        lot, _ = self._selected()
        if lot is None or self.as_of is None or not lot.obligation.finished:
            return None
        return ask_attestation(self.window_, self.db, lot.id, f"{lot.marche} lot {lot.number} {lot.label}",
                               self.as_of)
