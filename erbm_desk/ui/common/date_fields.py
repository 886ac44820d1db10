"""Date and month fields that keep exactly what was typed.

Qt's QDateEdit moves an impossible date to the nearest real one without a word (31/02/2024 becomes
29/02/2024), ignores typing over a selection, and turns « 95,5 » into 09/05/2000. These fields are text
fields: what is typed stays as typed — selecting all then typing replaces it, as in any text field — and reads
as a date only when it is one (`domain.french.read_date`); otherwise `problem()` says why in French
(« Le 31/02/2024 n'existe pas. ») and the form shows it under the field. A calendar (dates) or a month picker
(months) opens from the button at the field's end, or with Alt+Bas / F4.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.domain.french import format_date, format_month, read_date, read_month

_ICON: QIcon | None = None


def calendar_icon() -> QIcon:
    """A small calendar drawn once (no icon theme is needed)."""
    global _ICON
    if _ICON is None:
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        painter.setPen(QPen(QColor("#4b5563"), 1))
        painter.drawRect(QRect(1, 2, 13, 12))
        painter.fillRect(QRect(1, 2, 14, 4), QColor("#4b5563"))
        for x in (4, 7, 10):
            for y in (8, 11):
                painter.fillRect(QRect(x, y, 2, 2), QColor("#4b5563"))
        painter.end()
        _ICON = QIcon(pixmap)
    return _ICON


class _TypedField(QLineEdit):
    """What both fields share: the text as typed, its value or its problem, a pop-up to choose from."""

    edited = Signal()  # typed, cleared or chosen in the pop-up (what a form checks again)
    committed = Signal(object)  # Entrée, the field left or a choice in the pop-up: the value now (a date or None)

    placeholder = ""
    hint = ""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(self.placeholder)
        self.setToolTip(self.hint)
        metrics = self.fontMetrics()
        self.setMinimumWidth(metrics.horizontalAdvance("00/00/00000") + 44)
        self.popup_action = QAction(calendar_icon(), "Choisir dans un calendrier (Alt+Bas)", self)
        self.popup_action.triggered.connect(self.open_popup)
        self.addAction(self.popup_action, QLineEdit.TrailingPosition)
        self.textEdited.connect(lambda _text: self.edited.emit())
        self.editingFinished.connect(self._commit)

    # to be given by the field kind
    def _read(self, text: str) -> date | None:
        raise NotImplementedError

    def _format(self, value: date) -> str:
        raise NotImplementedError

    def open_popup(self) -> None:
        raise NotImplementedError

    # --- value ---------------------------------------------------------------------------------------------

    def value(self) -> date | None:
        """The date (or the month's first day) typed; None when nothing is typed or it is not one."""
        try:
            return self._read(self.text())
        except ValueError:
            return None

    def problem(self) -> str | None:
        """Why the text typed is not a date (French), or None."""
        try:
            self._read(self.text())
        except ValueError as exc:
            return str(exc)
        return None

    def set_value(self, value: date | None) -> None:
        self.setText("" if value is None else self._format(value))
        self.setCursorPosition(0)

    def choose(self, value: date) -> None:
        """A value chosen in the pop-up: written as the field shows it, then told as typed and committed."""
        self.set_value(value)
        self.edited.emit()
        self._commit()

    def _commit(self) -> None:
        value = self.value()
        if value is not None and self.problem() is None and self.text() != self._format(value):
            self.setText(self._format(value))  # « 1/3/2000 » shown as the app writes dates: 01/03/2000
        self.committed.emit(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (event.key() == Qt.Key_Down and event.modifiers() & Qt.AltModifier) or event.key() == Qt.Key_F4:
            self.open_popup()
            return
        super().keyPressEvent(event)

    def _popup_place(self, popup: QWidget) -> QPoint:
        """Under the field, kept on its screen."""
        below = self.mapToGlobal(QPoint(0, self.height()))
        screen = (self.screen() or popup.screen()).availableGeometry()
        size = popup.sizeHint()
        x = min(max(below.x(), screen.left()), screen.right() - size.width())
        y = below.y() if below.y() + size.height() <= screen.bottom() else self.mapToGlobal(QPoint(0, 0)).y() - size.height()
        return QPoint(x, y)


class DateField(_TypedField):
    """A day: jj/mm/aaaa, with a calendar."""

    placeholder = "jj/mm/aaaa"
    hint = "Date jj/mm/aaaa (Alt+Bas : calendrier)"

    def _read(self, text: str) -> date | None:
        return read_date(text)

    def _format(self, value: date) -> str:
        return format_date(value)

    def open_popup(self) -> None:
        popup = QFrame(self, Qt.Popup)
        popup.setAttribute(Qt.WA_DeleteOnClose)
        popup.setObjectName("calendar_popup")
        calendar = QCalendarWidget(popup)
        calendar.setGridVisible(False)
        calendar.setVerticalHeaderFormat(QCalendarWidget.NoVerticalHeader)
        shown = self.value() or date.today()
        calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        layout = QVBoxLayout(popup)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(calendar)

        def chosen(day: QDate) -> None:
            popup.close()
            self.choose(day.toPython())

        calendar.activated.connect(chosen)
        calendar.clicked.connect(chosen)
        popup.move(self._popup_place(popup))
        popup.show()
        calendar.setFocus()
        self.popup = popup


class MonthField(_TypedField):
    """A month: mm/aaaa, with a month picker (a year and its twelve months)."""

    placeholder = "mm/aaaa"
    hint = "Mois mm/aaaa (Alt+Bas : choisir le mois)"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.popup_action.setText("Choisir le mois (Alt+Bas)")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00/00000") + 44)

    def _read(self, text: str) -> date | None:
        return read_month(text)

    def _format(self, value: date) -> str:
        return format_month(value)

    def open_popup(self) -> None:
        popup = MonthPicker(self.value() or date.today(), self)
        popup.chosen.connect(self.choose)
        popup.move(self._popup_place(popup))
        popup.show()
        popup.focus_month()
        self.popup = popup


class MonthPicker(QFrame):
    """A year (◀ ▶ to change it) and its twelve months as buttons: a month in one click."""

    chosen = Signal(object)  # the first day of the month chosen

    def __init__(self, current: date, parent: QWidget | None = None):
        super().__init__(parent, Qt.Popup)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.setObjectName("month_picker")
        self.setFrameShape(QFrame.StyledPanel)
        self.current = current
        self.year = current.year
        previous = QToolButton(text="◀", toolTip="Année précédente (Page préc.)", autoRaise=True)
        following = QToolButton(text="▶", toolTip="Année suivante (Page suiv.)", autoRaise=True)
        self.year_label = QLabel(alignment=Qt.AlignCenter)
        self.year_label.setStyleSheet("font-weight: 600;")
        previous.clicked.connect(lambda: self.show_year(self.year - 1))
        following.clicked.connect(lambda: self.show_year(self.year + 1))
        top = QHBoxLayout()
        top.addWidget(previous)
        top.addWidget(self.year_label, 1)
        top.addWidget(following)
        grid = QGridLayout()
        grid.setSpacing(2)
        locale = self.locale()
        self.buttons: list[QToolButton] = []
        for m in range(1, 13):
            button = QToolButton(text=locale.monthName(m, locale.FormatType.ShortFormat))
            button.setObjectName(f"month_{m:02d}")
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setMinimumWidth(self.fontMetrics().horizontalAdvance("sept.") + 18)
            button.setFocusPolicy(Qt.StrongFocus)
            button.clicked.connect(lambda _checked=False, m=m: self.pick(m))
            grid.addWidget(button, (m - 1) // 4, (m - 1) % 4)
            self.buttons.append(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(grid)
        self.show_year(self.year)

    def show_year(self, year: int) -> None:
        self.year = year
        self.year_label.setText(str(year))
        for m, button in enumerate(self.buttons, start=1):
            button.setChecked(date(year, m, 1) == self.current.replace(day=1))

    def focus_month(self) -> None:
        self.buttons[self.current.month - 1].setFocus()

    def pick(self, month: int) -> None:
        self.close()
        self.chosen.emit(date(self.year, month, 1))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        focused = next((i for i, b in enumerate(self.buttons) if b.hasFocus()), self.current.month - 1)
        moves = {Qt.Key_Left: -1, Qt.Key_Right: 1, Qt.Key_Up: -4, Qt.Key_Down: 4}
        if event.key() in moves:
            self.buttons[(focused + moves[event.key()]) % 12].setFocus()
        elif event.key() == Qt.Key_PageUp:
            self.show_year(self.year - 1)
        elif event.key() == Qt.Key_PageDown:
            self.show_year(self.year + 1)
        elif event.key() in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Space):
            self.pick(focused + 1)
        else:
            super().keyPressEvent(event)
