"""The window's status bar, whose messages end in « … » when they are longer than the room they have.

Qt draws a message in the room left of the permanent widgets (here the base's summary) and cuts it there, in the
middle of a word and without a sign that more was said: « Import terminé — Cités : 19 ajoutées, 16 modifiées ;
Opératio ». Here a message that does not fit is shortened to end in « … » at the width the bar has when it is
shown, and again whenever that room changes (the summary grows once an import is counted, the window is
resized); the whole text is the bar's tooltip while it shows. `currentMessage()` stays the whole text."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QStatusBar, QWidget

# The message's room as QStatusBar draws it: from 6 pixels in, to 2 pixels before the first permanent widget shown
# (12 pixels before the right edge without one).
MESSAGE_LEFT = 6
BEFORE_PERMANENT = 2
RIGHT_MARGIN = 12
_ROOM_CHANGES = (QEvent.Move, QEvent.Resize, QEvent.Show, QEvent.Hide)  # of a permanent widget


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._permanent: list[QWidget] = []
        self._whole = ""
        self._shown = ""
        self._until: float | None = None  # when the message's time is up (monotonic clock); None: until replaced
        self.messageChanged.connect(self._message_changed)

    def addPermanentWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802 - Qt's name
        self._permanent.append(widget)
        widget.installEventFilter(self)
        super().addPermanentWidget(widget, stretch)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - Qt's name
        self._whole = text
        self._until = time.monotonic() + timeout / 1000 if timeout > 0 else None
        self._show(self._fitted(text), timeout)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _ROOM_CHANGES:
            self._refit()
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._refit()

    def _refit(self) -> None:
        """The message shown again for the room it has now, for the rest of its time."""
        if not self._whole or super().currentMessage() != self._shown:
            return
        shown = self._fitted(self._whole)
        if shown == self._shown:
            return
        self._show(shown, 0 if self._until is None else max(1, round((self._until - time.monotonic()) * 1000)))

    def _show(self, shown: str, timeout: int) -> None:
        self._shown = shown
        super().showMessage(shown, timeout)
        self.setToolTip(self._whole if shown != self._whole else "")

    def currentMessage(self) -> str:  # noqa: N802 - Qt's name
        shown = super().currentMessage()
        return self._whole if shown and shown == self._shown else shown

    def _message_changed(self, message: str) -> None:
        if not message or message != self._shown:  # gone (its time is up, or cleared): so is its tooltip
            self.setToolTip("")

    def _fitted(self, text: str) -> str:
        """The text, shortened to end in « … » if it is wider than the message's room. Before the bar is laid out
        (a message of the window being built), the room is not known: the text as it is."""
        if not self.isVisible():
            return text
        edges = [w.x() - BEFORE_PERMANENT for w in self._permanent if w.isVisible()]
        room = min(edges, default=self.width() - RIGHT_MARGIN) - MESSAGE_LEFT
        if room <= 0:
            return text
        return self.fontMetrics().elidedText(text, Qt.ElideRight, room)
