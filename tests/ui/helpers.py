"""Driving the data-entry window as a person would: keyboard into fields, pick lists, Ctrl+S, the side bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from pytestqt.exceptions import TimeoutError as WaitTimedOut
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QMessageBox

from erbm_desk.ui.records.fields import RefPicker
from erbm_desk.ui.records.list_page import ListPage
from erbm_desk.ui.window.main_window import MainWindow
from erbm_desk.ui.window.navigation import KEYS
from erbm_desk.ui.common.window_state import settings

TIMEOUT = 10_000


def open_window(qtbot, db, start: str = "cite") -> MainWindow:
    """The window as a user finds it, on the page `start` (the window reopens on the last page used)."""
    settings().setValue("window/page", start)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def go_to(qtbot, window: MainWindow, key: str):
    """Click the page's entry in the side bar; wait until the page has read what it shows (a list page its list,
    the hours page its month)."""
    sidebar = window.sidebar
    rect = sidebar.visualItemRect(sidebar.item(KEYS.index(key)))
    qtbot.mouseClick(sidebar.viewport(), Qt.LeftButton, pos=rect.center())
    activate(qtbot, window)  # a click gives the window the keyboard (the window manager's job)
    page = window.stack.currentWidget()
    assert page is window.page(key)
    if isinstance(page, ListPage):
        wait_list(qtbot, page)
    elif hasattr(page, "loading"):
        qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    return page


def activate(qtbot, window) -> None:
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)


def wait_list(qtbot, page: ListPage) -> None:
    qtbot.waitUntil(lambda: not page.model.loading, timeout=TIMEOUT)


def field(page: ListPage, key: str):
    return page.form.fields[key].widget


def keys(qtbot, widget, text: str) -> None:
    """Type text key by key; QTest only knows ASCII keys, so « é » and the like go as plain key events."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClick(widget, ch)
            continue
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.NoModifier, ch))


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    keys(qtbot, widget, text)


def pick(qtbot, picker: RefPicker, text: str) -> None:
    """Type part of a name, wait for the drop-down, take its first line with Entrée."""
    activate(qtbot, picker.window())  # the keys go to the window in front, as on a desk
    picker.setFocus()
    keys(qtbot, picker, text)
    popup = picker.completer_.popup()
    try:
        qtbot.waitUntil(popup.isVisible, timeout=TIMEOUT)
    except WaitTimedOut as exc:  # say what the user would have seen, for a failure that is rare
        raise AssertionError(
            f"no drop-down after « {text} »: focus on {QApplication.focusWidget()!r}, window in front "
            f"{QApplication.activeWindow()!r}, names offered {picker.completer_.model().stringList()[:5]}, "
            f"field says {picker.problem()!r}") from exc
    qtbot.keyClick(popup, Qt.Key_Return)
    qtbot.waitUntil(lambda: picker.value() is not None, timeout=TIMEOUT)


def press(qtbot, window, key, modifier=Qt.NoModifier) -> None:
    """A key pressed on the keyboard: it goes to the widget that has the focus."""
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def fill(qtbot, page: ListPage, values: dict[str, str]) -> None:
    """Fill a form field after field as a user would: type part of a name and pick it from the list, tick a box
    with the space bar, type everything else."""
    for key, text in values.items():
        widget = field(page, key)
        if isinstance(widget, RefPicker):
            pick(qtbot, widget, text)
        elif isinstance(widget, QCheckBox):
            widget.setFocus()
            if widget.isChecked() != bool(text):
                qtbot.keyClick(widget, Qt.Key_Space)
        else:
            type_into(qtbot, widget, text)


def new_record(qtbot, window: MainWindow, page: ListPage) -> None:
    press(qtbot, window, Qt.Key_N, Qt.ControlModifier)
    assert page.form.record_id is None


def save(qtbot, window: MainWindow, page: ListPage) -> int:
    """Ctrl+S, then wait for the record to be written and the list reloaded; returns its id."""
    form = page.form
    with qtbot.waitSignal(form.saved, timeout=TIMEOUT) as saved:
        press(qtbot, window, Qt.Key_S, Qt.ControlModifier)
        problems = {k: form.error_text(k) for k in form.fields if form.error_text(k)}
        assert form.saving, f"not saved: {form.banner.text()} {problems}"
    wait_list(qtbot, page)
    return saved.args[0]


def question(qtbot, parent) -> QMessageBox:
    """The question box a page opened (non-blocking), once visible."""
    qtbot.waitUntil(lambda: any(b.isVisible() for b in parent.findChildren(QMessageBox)), timeout=TIMEOUT)
    return next(b for b in parent.findChildren(QMessageBox) if b.isVisible())


def answer(qtbot, box: QMessageBox, text: str) -> None:
    """Click a button of a question; the window behind it gets the keyboard back (the window manager's job,
    which the offscreen platform does not do)."""
    window = box.parentWidget().window()
    button = next(b for b in box.buttons() if b.text() == text)
    qtbot.mouseClick(button, Qt.LeftButton)
    activate(qtbot, window)


def answer_when_asked(qtbot, choice: str, seen: list | None = None):
    """Click `choice` in the next question box that shows, modal or not; `seen` gets (the box's button texts in
    alphabetical order, its default button's text). A box of Qt's standard buttons is answered by the role `choice` stands for."""
    from PySide6.QtCore import QTimer

    roles = {"Enregistrer": QMessageBox.AcceptRole, "Ne pas enregistrer": QMessageBox.DestructiveRole,
             "Annuler": QMessageBox.RejectRole}
    timer = QTimer()
    timer.setInterval(20)

    def look() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        for parent in QApplication.topLevelWidgets():
            boxes += [b for b in parent.findChildren(QMessageBox) if b.isVisible() and b not in boxes]
        if not boxes:
            return
        timer.stop()
        box = boxes[0]
        if seen is not None:
            default = box.defaultButton()
            seen.append((sorted(b.text() for b in box.buttons()), default.text() if default is not None else None))
        button = next((b for b in box.buttons() if b.text() == choice), None)
        if button is None:
            button = next((b for b in box.buttons() if box.buttonRole(b) == roles.get(choice)), box.buttons()[0])
        button.click()

    timer.timeout.connect(look)
    timer.start()
    _TIMERS.append(timer)  # kept alive until it has answered
    return timer


_TIMERS: list = []


def read_message_when_shown(qtbot, texts: list):
    """Note the text of the next message box that shows (modal or not) in `texts`, then close it."""
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.setInterval(20)

    def look() -> None:
        boxes = [b for parent in QApplication.topLevelWidgets() for b in [parent, *parent.findChildren(QMessageBox)]
                 if isinstance(b, QMessageBox) and b.isVisible()]
        if boxes:
            timer.stop()
            texts.append(f"{boxes[0].text()}\n{boxes[0].informativeText()}")
            boxes[0].buttons()[0].click()

    timer.timeout.connect(look)
    timer.start()
    _TIMERS.append(timer)
    return timer
