"""The one road to the database (ui/database/gateway.py): writes in order on one writer and saying what they
changed, the newest read winning, callbacks of a closed widget dropped, and only the pages concerned refreshed."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QWidget
from sqlalchemy import func, select

from erbm_desk.db.models import Cite, HoursEntry
from erbm_desk.services.records.writes import delete_record, save_record
from erbm_desk.ui.database.changes import Changes, shown_with
from erbm_desk.ui.database.gateway import gateway_for
from erbm_desk.ui.hours.hours_model import HOURS_COLUMN
from tests.ui.helpers import TIMEOUT, go_to, open_window

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture
def owner(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def settled(qtbot, gateway) -> None:
    """Every job of the gateway is over and its callbacks have run (or were dropped)."""
    qtbot.waitUntil(lambda: not gateway.busy, timeout=TIMEOUT)


def test_a_write_says_which_records_it_changed(qtbot, db, small_dataset, owner):
    gateway = gateway_for(db)
    with qtbot.waitSignal(gateway.changed, timeout=TIMEOUT) as announced:
        gateway.write(owner, lambda s: save_record(s, "cite", {"homes": 61}, small_dataset["cite_a"]).id)
    changes: Changes = announced.args[0]
    assert changes.ids("cite") == {small_dataset["cite_a"]} and changes.source is owner
    assert not changes.touches("beneficiary", "hours_entry")

    with qtbot.waitSignal(gateway.changed, timeout=TIMEOUT) as announced:  # a person, and what goes with them
        gateway.write(owner, lambda s: delete_record(s, "beneficiary", small_dataset["p1"]))
    changes = announced.args[0]
    assert changes.ids("beneficiary") == {small_dataset["p1"]}
    assert changes.ids("contract") == {small_dataset["c1"]} and len(changes.ids("hours_entry")) == 2


def test_writes_run_one_at_a_time_in_the_order_asked(qtbot, db, small_dataset, owner):
    gateway = gateway_for(db)
    ran, done = [], []
    for n in range(5):
        gateway.write(owner, lambda s, n=n: ran.append((n, threading.get_ident())), lambda _r, n=n: done.append(n))
    qtbot.waitUntil(lambda: len(done) == 5, timeout=TIMEOUT)
    assert [n for n, _ in ran] == done == [0, 1, 2, 3, 4]
    assert len({thread for _, thread in ran}) == 1 and ran[0][1] != threading.get_ident()


def test_a_failed_write_changes_nothing_and_announces_nothing(qtbot, db, small_dataset, owner):
    gateway = gateway_for(db)
    announced, failed = [], []
    gateway.changed.connect(announced.append)

    def half_then_fail(s):
        save_record(s, "cite", {"homes": 999}, small_dataset["cite_a"])
        raise ValueError("refusé")

    gateway.write(owner, half_then_fail, failed=failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=TIMEOUT)
    settled(qtbot, gateway)
    assert str(failed[0]) == "refusé" and announced == []
    with db.sessions() as s:
        assert s.get(Cite, small_dataset["cite_a"]).homes != 999


def test_the_newest_read_of_the_same_kind_wins(qtbot, db, small_dataset, owner):
    gateway = gateway_for(db)
    got = []
    first = gateway.read(owner, lambda s: "ancienne", got.append, latest="liste")
    gateway.read(owner, lambda s: "nouvelle", got.append, latest="liste")
    other = gateway.read(owner, lambda s: "autre", got.append, latest="compte")  # another kind: not dropped
    settled(qtbot, gateway)
    assert first.discarded and not other.discarded
    assert sorted(got) == ["autre", "nouvelle"]


def test_the_callback_of_a_closed_widget_is_dropped(qtbot, db, small_dataset):
    gateway = gateway_for(db)
    got = []
    gone = QWidget()
    gateway.read(gone, lambda s: s.scalar(select(func.count()).select_from(Cite)), got.append)
    shiboken6.delete(gone)  # the dialog was closed and deleted before its result arrived
    settled(qtbot, gateway)
    assert got == []


def test_after_a_write_only_the_pages_it_concerns_refresh(qtbot, db, small_dataset):
    window = open_window(qtbot, db, start="cite")
    go_to(qtbot, window, "contract")
    hours = go_to(qtbot, window, "hours")
    hours.go_to_month(date(2023, 3, 1))
    qtbot.waitUntil(lambda: not hours.loading, timeout=TIMEOUT)
    hours.table.setFocus()
    hours.table.setCurrentIndex(hours.model.index(0, HOURS_COLUMN))
    qtbot.keyClicks(hours.table, "1")  # the first key opens the cell's editor
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "2")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: hours.table.state() != QAbstractItemView.EditingState)
    with qtbot.waitSignal(window.data_changed, timeout=TIMEOUT) as announced:
        qtbot.keyClick(hours.table, Qt.Key_S, Qt.ControlModifier)
    changes = announced.args[0]
    assert changes.touches("hours_entry") and changes.source is hours
    with db.sessions() as s:
        entry = s.scalar(select(HoursEntry).where(HoursEntry.month == date(2023, 3, 1)))
        assert entry.hours == Decimal("12.00") and changes.ids("hours_entry") == {entry.id}
    stale = window.stack._stale
    assert "contract" in stale  # its related lists show the months of hours
    assert "cite" not in stale  # nothing a cité page shows changed
    assert "hours_entry" in shown_with("hours_entry") and "hours_entry" not in window.page("cite").watched
