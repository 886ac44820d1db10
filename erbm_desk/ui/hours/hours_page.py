"""« Heures »: the monthly hours grid, to type (or paste) a month of hours fast and save it in one go.

Reading a month is a single query (≈ 0.1 s for the busiest month at 10× ERBM scale), made by a reader of the
database gateway (the newest month asked for wins); saving goes through its writer with a progress dialog (a few
ms a value: every value goes through the rights, rules and audit log of save_record) so the window never freezes.
Nothing is written while one cell is invalid, and leaving a month with unsaved hours asks first. `loaded` tells
when the grid shows the month asked for.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from erbm_desk.db.models import Cite, Company, Operation
from erbm_desk.domain.french import count_agreed, format_count, format_hours, format_int, format_month
from erbm_desk.domain.rules import month_start
from erbm_desk.services.security.authz import AccessDenied
from erbm_desk.services.database.opening import Database
from erbm_desk.services.hours.month_grid import MonthInvalid, month_rows, save_month
from erbm_desk.services.progress import Cancelled
from erbm_desk.services.records.writes import RecordInvalid
from erbm_desk.ui.common.date_fields import MonthField
from erbm_desk.ui.common.unsaved import settle_unsaved
from erbm_desk.ui.database.changes import Changes, shown_with
from erbm_desk.ui.database.gateway import gateway_for
from erbm_desk.ui.hours.hours_model import HOURS_COLUMN, HoursModel
from erbm_desk.ui.hours.hours_table import HoursTable
from erbm_desk.ui.records.undo import Records

_ERROR_STYLE = "color: #b00020;"
_INFO_STYLE = "color: palette(window-text);"


def previous_month(today: date | None = None) -> date:
    """Companies report a month's hours once it is over: the grid opens on the month before."""
    first = month_start(today or date.today())
    return month_start(date.fromordinal(first.toordinal() - 1))


def shift_month(month: date, step: int) -> date:
    index = month.year * 12 + month.month - 1 + step
    return date(index // 12, index % 12 + 1, 1)


def _filter_combo(everything: str) -> QComboBox:
    """An editable combo whose entries are found by typing any part of their name."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.NoInsert)
    combo.setMinimumContentsLength(28)
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.addItem(everything, None)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchContains)
    completer.setCaseSensitivity(Qt.CaseInsensitive)
    completer.setCompletionMode(QCompleter.PopupCompletion)
    return combo


def _filter_choices(s) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Worker side: the companies and the operations (« cité — opération ») the filters offer."""
    companies = s.execute(select(Company.id, Company.name).order_by(Company.name)).all()
    operations = s.execute(
        select(Operation.id, Cite.name, Operation.name).join(Cite).order_by(Cite.name, Operation.name)
    ).all()
    return [(cid, name) for cid, name in companies], [(oid, f"{c} — {o}") for oid, c, o in operations]


class HoursPage(QWidget):
    changed = Signal()  # this page saved hours (the gateway tells the other views what changed)
    loaded = Signal()  # the grid shows the month and filters asked for

    WATCHED = shown_with("hours_entry")  # its contracts, their people, companies, operations and cités

    def __init__(self, db: Database, parent: QWidget | None = None, history: Records | None = None):
        super().__init__(parent)
        self.db = db
        self.history = history  # Édition > Annuler: each month saved is a step of it
        self.gateway = gateway_for(db)
        self._reading: set[str] = set()  # reads on their way: "filters", "month"
        self.month = previous_month()
        self.company_id: int | None = None
        self.operation_id: int | None = None
        self._saving = False
        self._notice = ""  # the last thing done (saved, pasted…), shown until the grid changes again

        self.previous = QToolButton(text="◀", toolTip="Mois précédent (Ctrl+Page préc.)")
        self.next = QToolButton(text="▶", toolTip="Mois suivant (Ctrl+Page suiv.)")
        self.month_edit = MonthField()
        self.month_edit.setToolTip("Mois à saisir : tapez mm/aaaa puis Entrée, ou Alt+Bas pour le choisir")
        self.company_combo = _filter_combo("Toutes les entreprises")
        self.operation_combo = _filter_combo("Toutes les opérations")
        self.table = HoursTable()
        self.model = HoursModel(self)
        self.table.setModel(self.model)
        self.total_label = QLabel()
        self.message = QLabel(wordWrap=True)
        self.save_button = QPushButton("Enregistrer le mois")
        self.save_button.setToolTip("Enregistre toutes les heures du mois en une fois (Ctrl+S)")
        self._layout()

        self.previous.clicked.connect(lambda: self.go_to_month(shift_month(self.month, -1)))
        self.next.clicked.connect(lambda: self.go_to_month(shift_month(self.month, 1)))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, lambda: self.previous.click(), context=Qt.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, lambda: self.next.click(), context=Qt.WidgetWithChildrenShortcut)
        self.month_edit.committed.connect(self._month_typed)
        for combo in (self.company_combo, self.operation_combo):
            combo.currentIndexChanged.connect(
                lambda: self.set_filters(self.company_combo.currentData(), self.operation_combo.currentData())
            )
            combo.lineEdit().editingFinished.connect(lambda c=combo: self._settle_combo_text(c))
        self.save_button.clicked.connect(lambda: self.save())
        QShortcut(QKeySequence.Save, self, lambda: self.save(), context=Qt.WidgetWithChildrenShortcut)
        self.model.stateChanged.connect(self._show_state)
        self.model.dataChanged.connect(self._forget_notice)  # a notice is about the grid as it was
        self.table.pasted.connect(self._pasted)
        self.refresh()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Mois :"))
        for w in (self.previous, self.month_edit, self.next):
            bar.addWidget(w)
        bar.addSpacing(16)
        bar.addWidget(QLabel("Entreprise :"))
        bar.addWidget(self.company_combo, 1)
        bar.addWidget(QLabel("Opération :"))
        bar.addWidget(self.operation_combo, 1)
        header = self.table.horizontalHeader()
        metrics = self.fontMetrics()
        for col, sample in enumerate(("M" * 16, "M" * 16, "", "00/00/00000", "00/00/00000", "Heures00")):
            if sample:
                self.table.setColumnWidth(col, metrics.horizontalAdvance(sample) + 16)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        footer = QHBoxLayout()
        footer.addWidget(self.total_label)
        footer.addStretch()
        footer.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Heures réalisées</h2>"))
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(footer)

    # -- loading ----------------------------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """The filters' lists or the month's rows are still on their way."""
        return bool(self._reading)

    def concerned_by(self, changes: Changes) -> bool:
        return changes.touches(*self.WATCHED)

    def refresh(self) -> None:
        """Reload the filters' lists and the month's rows; unsaved cells of contracts still listed are kept."""
        if self._saving:
            return  # the grid is frozen until the save reports; it then shows what was written
        self._reading.add("filters")

        def read(choices) -> None:
            self._reading.discard("filters")
            companies, operations = choices
            self._fill_combo(self.company_combo, companies, self.company_id)
            self._fill_combo(self.operation_combo, operations, self.operation_id)
            self.company_id = self.company_combo.currentData()
            self.operation_id = self.operation_combo.currentData()
            self._load(keep_edits=True)

        self.gateway.read(self, _filter_choices, read, self._read_failed, latest="filters")

    def _fill_combo(self, combo: QComboBox, items: list[tuple[int, str]], current: int | None) -> None:
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for item_id, label in items:
            combo.addItem(label, item_id)
        combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
        combo.blockSignals(False)

    def _sync_selectors(self) -> None:
        """Put the month and filter selectors on what the grid shows (after a refused change, too)."""
        for w in (self.month_edit, self.company_combo, self.operation_combo):
            w.blockSignals(True)
        self.month_edit.set_value(self.month)
        for combo, current in ((self.company_combo, self.company_id), (self.operation_combo, self.operation_id)):
            combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
        for w in (self.month_edit, self.company_combo, self.operation_combo):
            w.blockSignals(False)

    def _load(self, keep_edits: bool = False) -> None:
        """Read the month's rows in a worker (a newer month or filter asked for meanwhile wins), then show them."""
        self._sync_selectors()
        self._reading.add("month")
        self.model.frozen = True
        month, company_id, operation_id = self.month, self.company_id, self.operation_id

        def read(rows) -> None:
            self._reading.discard("month")
            self.model.frozen = False
            self._notice = "" if rows else f"Aucun contrat en cours en {format_month(month)} pour ces filtres."
            self.model.load(rows, keep_edits=keep_edits)
            if rows:
                self.table.setCurrentIndex(self.model.index(0, HOURS_COLUMN))
                self.table.scrollToTop()
            self.loaded.emit()

        self.gateway.read(self, lambda s: month_rows(s, month, company_id, operation_id), read, self._read_failed,
                          latest="month")

    def _read_failed(self, exc: BaseException) -> None:
        self._reading.clear()
        self.model.frozen = False
        self._notice = f"Lecture impossible : {exc}"
        self._show_state(error=True)

    # -- leaving a month with unsaved hours -------------------------------------------------------------------

    def _month_typed(self, month: date | None) -> None:
        """A month typed then Entrée (or the field left), or picked: show it. What is not a month is said in the
        footer and the field keeps it until corrected."""
        problem = self.month_edit.problem()
        if problem:
            self._notice = problem
            self._show_state(error=True)
        elif month is None:
            self._sync_selectors()
        elif month != self.month:
            self.go_to_month(month)

    # -- unsaved hours (ui/common/unsaved.py) ------------------------------------------------------------------

    def unsaved(self) -> str | None:
        """What leaving the grid now would lose, or None."""
        return f"les heures saisies pour {format_month(self.month)}" if self.model.is_modified else None

    def save_unsaved(self, then: Callable[[], None], refused: Callable[[], None]) -> None:
        if not self.save(then=then, refused=refused) and not self.model.is_modified:
            then()

    def discard_unsaved(self) -> None:
        """« Ne pas enregistrer »: the cells show the stored hours again; nothing typed is kept for later."""
        self.model.discard()
        self._notice = ""
        self._show_state()

    def _leave(self, then: Callable[[], None]) -> None:
        """Run `then` (show another month or other filters) once the hours typed are saved or dropped."""
        settle_unsaved(self, [self], then, on_cancel=self._sync_selectors)

    def go_to_month(self, month: date) -> None:
        month = month_start(month)
        if month == self.month:
            self._sync_selectors()
            return
        if self.model.is_modified:
            self._sync_selectors()  # the selector shows the month of the grid until the user has answered
            self._leave(lambda: self.go_to_month(month))
            return
        self.month = month
        self._load()

    def set_filters(self, company_id: int | None, operation_id: int | None) -> None:
        if (company_id, operation_id) == (self.company_id, self.operation_id):
            return
        if self.model.is_modified:
            self._sync_selectors()
            self._leave(lambda: self.set_filters(company_id, operation_id))
            return
        self.company_id, self.operation_id = company_id, operation_id
        self._load()

    def _settle_combo_text(self, combo: QComboBox) -> None:
        """Typed text that names no entry goes back to the entry in use, so the text never lies."""
        found = combo.findText(combo.currentText(), Qt.MatchFixedString)
        if found >= 0:
            combo.setCurrentIndex(found)
        combo.setEditText(combo.itemText(combo.currentIndex()))

    # -- saving -----------------------------------------------------------------------------------------------

    def save(self, then: Callable[[], None] | None = None, refused: Callable[[], None] | None = None) -> bool:
        """Save the month's changed cells in one transaction, in a worker. False when refused or nothing to do;
        `then()` runs once saved, `refused()` when the month could not be (the page says why)."""
        if self._saving:
            return False
        invalid = self.model.invalid_rows
        if invalid:
            self._notice = ""
            self._show_state()
            self.table.setCurrentIndex(self.model.index(invalid[0], HOURS_COLUMN))
            if refused:
                refused()
            return False
        changes = self.model.changes()
        if not changes:
            self._notice = "Rien à enregistrer : aucune heure n'a changé."
            self._show_state()
            return False
        month, db = self.month, self.db
        before = self.model.stored_hours(changes)

        def job(progress) -> int:
            with db.session() as s:  # one transaction: an error or « Annuler » rolls the whole month back
                return save_month(s, month, changes, progress)

        def done(written: int) -> None:
            self._set_saving(False)
            self.model.mark_saved()
            if self.history is not None and written:
                self.history.push_hours(month, before, changes)
            self._notice = f"{format_month(month)} enregistré : {count_agreed(written, 'saisie', 'écrit', True)}."
            self._show_state()
            self.changed.emit()
            if then:
                then()

        def failed(exc: BaseException) -> None:
            self._set_saving(False)
            known = isinstance(exc, (MonthInvalid, RecordInvalid, Cancelled, AccessDenied))  # French already
            self._notice = str(exc) if known else f"Enregistrement impossible : {exc}"
            self._show_state(error=True)
            if refused:
                refused()

        self._set_saving(True)
        # A progress dialog with « Annuler » shows if the save lasts over half a second (≈ 3 ms a value).
        self.gateway.job(self, job, done, failed, writes=True,
                         progress_label=f"Enregistrement des heures de {format_month(month)}…")
        return True

    def _set_saving(self, saving: bool) -> None:
        """While a month is being written, the grid and filters are frozen so no typed value is lost."""
        self._saving = saving
        for w in (self.table, self.previous, self.next, self.month_edit, self.company_combo, self.operation_combo):
            w.setEnabled(not saving)
        if saving:
            self._notice = f"Enregistrement de {format_month(self.month)}…"
        else:
            self.table.setFocus()
        self._show_state()

    # -- what the footer says ---------------------------------------------------------------------------------

    def _forget_notice(self) -> None:
        self._notice = ""

    def _pasted(self, done: int, left_out: int, several_columns: bool) -> None:
        notes = [f"{count_agreed(done, 'valeur', 'collé', True)}."]
        if left_out:
            notes.append(f"{count_agreed(left_out, 'valeur', 'ignoré', True)} : le collage dépasse la dernière ligne.")
        if several_columns:
            notes.append("Le presse-papiers contenait plusieurs colonnes : seule la première a été collée.")
        self._notice = " ".join(notes)
        self._show_state()

    def _show_state(self, error: bool = False) -> None:
        model = self.model
        rows = model.rowCount()
        self.total_label.setText(
            f"Total du mois : <b>{format_hours(model.total)} h</b> — "
            f"{count_agreed(model.filled, 'contrat', 'renseigné')} sur {format_int(rows)}"
        )
        invalid = model.invalid_rows
        parts = []
        if invalid:
            first = invalid[0]
            parts.append(
                f"{format_count(len(invalid), 'valeur')} à corriger avant d'enregistrer. "
                f"Ligne {first + 1} ({model.row(first).beneficiary}) : {model.error(first)}"
            )
        parts.append(self._notice)
        if model.is_modified and not invalid and not self._saving:
            parts.append(f"Modifications non enregistrées ({len(model.changes())}).")
        text = " ".join(p for p in parts if p)
        error = error or bool(invalid)
        self.message.setText(text)
        self.message.setStyleSheet(_ERROR_STYLE if error else _INFO_STYLE)
        self.save_button.setEnabled(model.is_modified and not invalid and not self._saving)
