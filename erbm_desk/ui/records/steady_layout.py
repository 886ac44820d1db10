"""A form that does not move under the mouse, and is given the height it needs.

A field's message line is reserved under it whether a message shows or not: a message appearing or going never
moves the fields below, which the user may be about to click. It holds one line; a longer message is cut with
« … » and shown whole in its tooltip. The form's pane, above the record's related lists, is given the height its
fields need when the window has it, so that it scrolls only when it must — until the user drags the handle.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QLayout, QScrollArea, QSizePolicy, QSplitter, QWidget

from erbm_desk.ui.common.dialogs import error_color

RELATED_MIN_HEIGHT = 170  # the related lists' tabs, a header and three rows


class MessageLine(QLabel):
    """One line of message under a field, a little smaller than the field's text; its space stays when it is
    hidden."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(f"color: {error_color()};")
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.setFont(font)
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


def _height_at(layout: QLayout, width: int) -> int:
    """A layout's height at a width: wrapped labels (a form's notes) take more lines when narrow."""
    return layout.heightForWidth(width) if layout.hasHeightForWidth() and width > 0 else layout.sizeHint().height()


def natural_height(outer: QLayout, width: int, scroll: QScrollArea, body: QWidget) -> int:
    """The height of a pane laid out by `outer`, at `width`, if its `scroll` area showed the whole of `body`."""
    inner = scroll.viewport().width() or width
    return _height_at(outer, width) - scroll.sizeHint().height() + _height_at(body.layout(), inner)


class FormFirst(QObject):
    """Sizes a vertical splitter's form pane (first) to the height its content needs, the related lists taking
    the rest but never less than RELATED_MIN_HEIGHT; done again as the window is resized, and given up as soon as
    the user drags the handle (their choice is then remembered by the splitter)."""

    def __init__(self, splitter: QSplitter, form: QWidget, needed) -> None:
        super().__init__(splitter)
        self.splitter, self.form = splitter, form
        self.needed = needed  # () -> the form pane's natural height
        splitter.installEventFilter(self)
        form.installEventFilter(self)  # its content changes: a note shown, a pseudonymised person's fields
        splitter.splitterMoved.connect(self._given_up)

    def _given_up(self, *_) -> None:
        self.splitter.removeEventFilter(self)
        self.form.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Resize, QEvent.Show) and watched is self.splitter:
            self.fit()
        elif event.type() == QEvent.LayoutRequest and watched is self.form:
            QTimer.singleShot(0, self, self.fit)  # once the layout has settled; dropped if the page goes first
        return False

    def fit(self) -> None:
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        form = min(self.needed(), max(total - RELATED_MIN_HEIGHT, total // 2))
        self.splitter.setSizes([form, total - form])
