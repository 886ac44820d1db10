"""A form does not move under the mouse — a message appearing or going under a field leaves every field below
where it was — and it scrolls only when the window is too short for it."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QScrollArea

from erbm_desk.ui.records.steady_layout import RELATED_MIN_HEIGHT
from tests.ui.helpers import TIMEOUT, field, go_to, new_record, open_window, type_into


def _scroll_bar(page):
    return page.form.findChild(QScrollArea).verticalScrollBar()


def _top(page, key: str) -> int:
    return field(page, key).mapTo(page.form, QPoint(0, 0)).y()


def test_a_message_under_a_field_moves_no_field_below(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    page = go_to(qtbot, window, "beneficiary")
    new_record(qtbot, window, page)
    below = [key for key in page.form.fields][3:8]  # Sexe and the fields under the birth date
    before = {key: _top(page, key) for key in below}
    banner = page.form.banner.mapTo(page.form, QPoint(0, 0)).y()
    type_into(qtbot, field(page, "birth_date"), "31/02/2001")
    qtbot.waitUntil(lambda: page.form.error_text("birth_date") != "", timeout=TIMEOUT)
    QApplication.processEvents()  # the layout settles
    assert page.form.error_text("birth_date") == "Le 31/02/2001 n'existe pas."
    assert {key: _top(page, key) for key in below} == before
    field(page, "birth_date").selectAll()
    type_into(qtbot, field(page, "birth_date"), "28/02/2001")
    qtbot.waitUntil(lambda: page.form.error_text("birth_date") == "", timeout=TIMEOUT)
    QApplication.processEvents()
    assert {key: _top(page, key) for key in below} == before
    assert page.form.banner.mapTo(page.form, QPoint(0, 0)).y() == banner


def test_a_form_scrolls_only_when_the_window_is_too_short_for_it(qtbot, db, small_dataset):
    window = open_window(qtbot, db)
    window.resize(1900, 1040)  # a 1920×1080 screen
    page = go_to(qtbot, window, "beneficiary")
    qtbot.waitUntil(lambda: page.form.height() >= min(page.form.natural_height(),
                                                      page.side.height() - RELATED_MIN_HEIGHT), timeout=TIMEOUT)
    assert page.form.natural_height() < page.side.height() - RELATED_MIN_HEIGHT  # it can be shown whole…
    assert not _scroll_bar(page).isVisible()  # …and is: nothing to scroll
    assert page.related.height() >= RELATED_MIN_HEIGHT - 10  # the related lists keep their rows
    window.resize(1300, 560)  # too short: the form scrolls, the related lists keep their minimum
    qtbot.waitUntil(lambda: _scroll_bar(page).isVisible(), timeout=TIMEOUT)
    assert page.related.height() >= RELATED_MIN_HEIGHT - 10


def test_a_form_that_grows_a_note_is_given_the_room_for_it(qtbot, db, small_dataset):
    from tests.ui.test_pseudonymised_person import _anonymous_person, _click_row

    person = _anonymous_person(db, small_dataset)
    window = open_window(qtbot, db)
    window.resize(1300, 900)
    page = go_to(qtbot, window, "beneficiary")
    _click_row(qtbot, page, person)  # the note saying why there is no name to type shows above the fields
    qtbot.waitUntil(lambda: page.form.stand_in_note.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: page.form.height() >= page.form.natural_height(), timeout=TIMEOUT)
    assert not _scroll_bar(page).isVisible()


def test_a_page_closed_while_its_form_is_being_fitted_is_left_alone(qtbot):
    """Switching to another database rebuilds the pages: a fitting queued by the old form must not reach its
    deleted splitter (it raised « Internal C++ object already deleted » in the event loop)."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtWidgets import QSplitter, QWidget

    from erbm_desk.ui.records.steady_layout import FormFirst

    splitter = QSplitter(Qt.Vertical)
    form = QWidget()
    splitter.addWidget(form)
    splitter.addWidget(QWidget())
    fitted = []
    FormFirst(splitter, form, lambda: fitted.append(1) or 100)
    splitter.show()
    QCoreApplication.sendEvent(form, QEvent(QEvent.LayoutRequest))  # the form's content changed: a fitting queued
    before = len(fitted)
    shiboken6.delete(splitter)  # the page goes before the fitting runs
    QCoreApplication.processEvents()  # the queued fitting's turn: dropped with its page
    assert len(fitted) == before
