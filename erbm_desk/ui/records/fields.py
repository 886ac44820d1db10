"""One editor per kind of spec column, each handing back what `Column.parse` expects (`raw()`).

French conventions throughout: dd/mm/yyyy dates kept as typed, with a calendar (ui/common/date_fields.py),
decimal comma, enumerations by label, references picked by typing part of a name (any case, any accent).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QToolTip,
    QWidget,
)

from erbm_desk.domain.text import fold
from erbm_desk.domain.french import format_hours, format_money
from erbm_desk.domain.entities import ALL_SPECS, Column, Kind
from erbm_desk.ui.common.date_fields import DateField, MonthField
from erbm_desk.ui.records.pick_lists import Choices, PickLists

LONG_TEXT = 1000  # a TEXT column allowing this many characters gets a multi-line editor
MAX_MATCHES = 60  # lines a reference picker's drop-down shows


class RefPicker(QLineEdit):
    """Choose a record by typing part of its name; the drop-down lists the names containing every word typed.

    A single match is taken when the field is left (its full name replaces what was typed).
    """

    picked = Signal()  # the record chosen changed (or was cleared by typing)
    left = Signal()  # the field lost the focus: what was typed is final

    def __init__(self, picks: PickLists, entity: str, label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.picks = picks
        self.entity = entity
        self.label = label
        self._choices: Choices | None = None
        self._folded: list[str] = []
        self._id: int | None = None
        self._matches: list[tuple[int, str]] = []
        self._unread: str | None = None  # why its list could not be read, until it is
        self._model = QStringListModel(self)
        self.completer_ = QCompleter(self._model, self)
        self.completer_.setWidget(self)
        self.completer_.setCompletionMode(QCompleter.UnfilteredPopupCompletion)
        self.completer_.setMaxVisibleItems(12)
        self.completer_.activated[QModelIndex].connect(self._activated)
        self.setPlaceholderText("Tapez une partie du nom…")
        show_all = self.addAction(self.style().standardIcon(QStyle.SP_ArrowDown), QLineEdit.TrailingPosition)
        show_all.setToolTip("Afficher la liste (Alt+Bas)")
        show_all.triggered.connect(lambda: self._complete(everything=True))
        self.textEdited.connect(lambda _text: self._typed())
        picks.invalidated.connect(self.invalidate)
        picks.unreadable.connect(self._list_unreadable)

    # --- value ---------------------------------------------------------------------------------------------

    def value(self) -> int | None:
        return self._id

    def set_value(self, record_id: int | None, name: str = "") -> None:
        self._id = record_id
        self.setText(name if record_id is not None else "")
        self.setCursorPosition(0)

    def problem(self) -> str | None:
        """Why the text typed names no single record (None when fine or empty)."""
        if self._id is not None or not self.text().strip():
            return None
        if self._choices is None:
            return self._unread  # None while on its way: said on save if still unresolved
        matches = self._find(self.text())
        noun = ALL_SPECS[self.entity].noun
        typed = self.text().strip()
        if not matches:
            none = noun.none
            return f"{none[0].upper()}{none[1:]} ne correspond à « {typed} »."
        return (f"Plusieurs {noun.many} correspondent à « {typed} » : choisissez dans la liste "
                "(Alt+Bas pour l'ouvrir).")

    # --- completion ----------------------------------------------------------------------------------------

    def ensure_choices(self) -> None:
        self.picks.get(self.entity, self._set_choices)

    def invalidate(self) -> None:
        self._choices = None

    def _set_choices(self, choices: Choices) -> None:
        self._choices = choices
        self._unread = None
        self._folded = [fold(name) for _, name in choices]
        if self.hasFocus() and self._id is None and self.text().strip():
            self._complete()

    def _list_unreadable(self, entity: str, said: str) -> None:
        """Said at once next to the field being typed in, and by the form when the field is left."""
        if entity != self.entity:
            return
        self._unread = f"{said}. Tapez une lettre de plus pour réessayer."
        if self.hasFocus():
            QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), self._unread, self)

    def _find(self, text: str) -> list[tuple[int, str]]:
        """Records whose name holds every word typed: the name typed exactly first, then names starting with
        it, then the others (each group in alphabetical order)."""
        wanted = fold(text)
        terms = wanted.split()
        if self._choices is None:
            return []
        ranked = []
        for (rid, name), folded in zip(self._choices, self._folded):
            if all(t in folded for t in terms):
                base = folded.split(" (")[0]
                rank = 0 if wanted in (folded, base) else 1 if folded.startswith(wanted) else 2
                ranked.append((rank, rid, name))
        ranked.sort(key=lambda r: r[0])  # stable: alphabetical within a rank
        return [(rid, name) for _, rid, name in ranked]

    def _single(self, text: str) -> tuple[int, str] | None:
        """The record what was typed designates without doubt: the only match, or the one named exactly."""
        matches = self._find(text)
        if len(matches) == 1:
            return matches[0]
        wanted = fold(text)
        exact = [m for m in matches if wanted in (fold(m[1]), fold(m[1]).split(" (")[0])]
        return exact[0] if len(exact) == 1 else None

    def _typed(self) -> None:
        self._id = None
        self.picked.emit()
        if self._choices is None:
            self.ensure_choices()
        else:
            self._complete()

    def _complete(self, everything: bool = False) -> None:
        if self._choices is None:
            self.ensure_choices()
            return
        self._matches = (self._choices if everything else self._find(self.text()))[:MAX_MATCHES]
        self._model.setStringList([name for _, name in self._matches])
        if self._matches and (everything or self.text().strip()):
            popup = self.completer_.popup()
            popup.setSelectionMode(QAbstractItemView.SingleSelection)
            self.completer_.complete()
            popup.setCurrentIndex(self._model.index(0))
        else:
            self.completer_.popup().hide()

    def _activated(self, index) -> None:
        if 0 <= index.row() < len(self._matches):
            rid, name = self._matches[index.row()]
            self.set_value(rid, name)
            self.picked.emit()

    def settle(self) -> None:
        """Take the single record matching what was typed (on leaving the field)."""
        if self._id is None and self.text().strip() and self._choices is not None:
            single = self._single(self.text())
            if single is not None:
                self.set_value(*single)
                self.picked.emit()

    def focusInEvent(self, event) -> None:
        self.ensure_choices()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        if not self.completer_.popup().isVisible():
            self.settle()
            self.left.emit()
        super().focusOutEvent(event)

    def typing(self) -> bool:
        """Still typing a name (focus here, text, no record chosen yet): too early to complain."""
        return self.hasFocus() and self._id is None and bool(self.text().strip())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key_Down and event.modifiers() & Qt.AltModifier or event.key() == Qt.Key_F4:
            self._complete(everything=not self.text().strip() or self._id is not None)
            return
        super().keyPressEvent(event)


class Field(QObject):
    """The editor of one spec column in a form."""

    edited = Signal()
    left = Signal()  # a reference picker was left: its text is final

    def __init__(self, column: Column, picks: PickLists, parent: QWidget | None = None):
        super().__init__(parent)
        self.column = column
        self.widget = self._make(column, picks, parent)
        self.widget.setObjectName(f"field_{column.key}")
        self.widget.setToolTip(column.help)
        self.widget.setAccessibleName(column.label)

    def _make(self, column: Column, picks: PickLists, parent: QWidget | None) -> QWidget:
        kind = column.kind
        if kind in (Kind.DATE, Kind.MONTH):
            w = (MonthField if kind is Kind.MONTH else DateField)(parent)
            w.edited.connect(self.edited)
        elif kind is Kind.BOOL:
            w = QCheckBox(parent)
            w.toggled.connect(self.edited)
        elif kind is Kind.ENUM:
            w = QComboBox(parent)
            w.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)  # long labels: no wide form
            w.setMinimumContentsLength(12)
            if not column.required:
                w.addItem("", None)
            for member in column.choices:
                w.addItem(member.label, member)
            w.currentIndexChanged.connect(self.edited)
        elif kind is Kind.REF:
            w = RefPicker(picks, column.ref, column.label, parent)
            w.picked.connect(self.edited)
            w.left.connect(self.left)
        elif kind is Kind.TEXT and (column.max_length or 0) >= LONG_TEXT:
            w = QPlainTextEdit(parent)
            w.setTabChangesFocus(True)
            w.setFixedHeight(w.fontMetrics().lineSpacing() * 4 + 12)
            w.textChanged.connect(self.edited)
        else:
            w = QLineEdit(parent)
            if kind in (Kind.INT, Kind.DECIMAL, Kind.MONEY):
                w.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
                w.setPlaceholderText({Kind.INT: "", Kind.DECIMAL: "ex. 12,5", Kind.MONEY: "ex. 1 500,00"}[kind])
            w.textEdited.connect(self.edited)
        return w

    def raw(self) -> Any:
        """What the user has entered, for `Column.parse`."""
        w = self.widget
        if isinstance(w, (DateField, MonthField)):
            return w.value()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, RefPicker):
            return w.value()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        text = w.text()
        return text.replace("€", "") if self.column.kind is Kind.MONEY else text

    def problem(self) -> str | None:
        """What is typed that names no record, or is no date (French), before any other rule."""
        return self.widget.problem() if isinstance(self.widget, (RefPicker, DateField, MonthField)) else None

    def typing(self) -> bool:
        return isinstance(self.widget, RefPicker) and self.widget.typing()

    def set_value(self, value: Any, name: str = "") -> None:
        w = self.widget
        w.blockSignals(True)
        try:
            if isinstance(w, (DateField, MonthField)):
                w.set_value(value)
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(value)) if value is not None or not self.column.required else -1)
            elif isinstance(w, RefPicker):
                w.set_value(value, name)
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(value or "")
            else:
                w.setText(edit_text(self.column, value))
        finally:
            w.blockSignals(False)


def edit_text(column: Column, value: Any) -> str:
    """A stored number as a person would type it: 1 332,65 (decimal comma, no currency sign)."""
    if value is None:
        return ""
    if column.kind is Kind.DECIMAL:
        return format_hours(Decimal(value))
    if column.kind is Kind.MONEY:
        return format_money(Decimal(value)).removesuffix(" €")
    return str(value)
