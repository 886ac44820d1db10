"""A form that does not move under the mouse, and is given the height it needs.

A field's message line is reserved under it whether a message shows or not: a message appearing or going never
moves the fields below, which the user may be about to click. It holds one line; a longer message is cut with
« … » and shown whole in its tooltip. The form's pane, above the record's related lists, is given the height its
fields need when the window has it, so that it scrolls only when it must — until the user drags the handle.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QSplitter, QWidget

from erbm_desk.ui.common.dialogs import error_color

RELATED_MIN_HEIGHT = 170  # the related lists' tabs, a header and three rows


class MessageLine(QLabel):
    """One line of message under a field; its space stays when it is hidden."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(f"color: {error_color()};")
        policy = QSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.setFixedHeight(self.fontMetrics().height())
        self.setVisible(False)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        shown = self.fontMetrics().elidedText(self.text(), Qt.ElideRight, self.width())
        painter.drawText(self.rect(), Qt.AlignLeft | Qt.AlignVCenter, shown)


def keep_space(label: QLabel) -> None:
    """A label (a form's banner) whose hiding does not pull up what is under it: one line stays reserved."""
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    label.setMinimumHeight(label.fontMetrics().height())


class FormFirst(QObject):
    """Sizes a vertical splitter's form pane (first) to the height its content needs, the related lists taking
    the rest but never less than RELATED_MIN_HEIGHT; done again as the window is resized, and given up as soon as
    the user drags the handle (their choice is then remembered by the splitter)."""

    def __init__(self, splitter: QSplitter, needed) -> None:
        super().__init__(splitter)
        self.splitter = splitter
        self.needed = needed  # () -> the form pane's natural height
        splitter.installEventFilter(self)
        splitter.splitterMoved.connect(self._given_up)

    def _given_up(self, *_) -> None:
        self.splitter.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Resize, QEvent.Show):
            self.fit()
        return False

    def fit(self) -> None:
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        form = min(self.needed(), max(total - RELATED_MIN_HEIGHT, total // 2))
        self.splitter.setSizes([form, total - form])
