"""The « Heures » grid at scale: load the busiest month, type 500 values, paste 500 values, save them.

Measured in a real (offscreen) HoursPage on a copy of the demo database (it reads the month in a worker: a load
is timed until its rows are shown). The baseline, in the same process,
is what a plain Qt grid costs for the same work: a QStandardItemModel with the same rows in a QTableView
(filled from the same query), typed into with the same keystrokes, pasted into with one setData per value,
and saved by calling `save_month` directly on the UI thread (so the save ratio is the page's own overhead:
worker thread, signals, footer).

Run: `QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_hours_grid.py --scale 10`
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import copy_of, demo_database, main_for, measure, result  # noqa: E402

VALUES = 500
REPEAT = 5
TYPING_REPEAT = 3  # 500 values typed key by key take seconds: fewer runs


def busiest_month(session) -> date:
    """The month with the most active contracts, i.e. the longest grid."""
    from collections import Counter

    from sqlalchemy import select

    from erbm_desk.db.models import Contract
    from erbm_desk.ui.hours.hours_page import shift_month

    counts: Counter[date] = Counter()
    for start, end in session.execute(select(Contract.start_date, Contract.end_date)):
        month, last = start.replace(day=1), (end or date(2025, 12, 31)).replace(day=1)
        while month <= last:
            counts[month] += 1
            month = shift_month(month, 1)
    return counts.most_common(1)[0][0]


def run(scale: float) -> list[dict]:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView

    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.hours.month_grid import month_rows, save_month
    from erbm_desk.ui.hours.hours_model import HEADERS, HOURS_COLUMN
    from erbm_desk.ui.hours.hours_page import HoursPage, shift_month

    app = QApplication.instance() or QApplication([])

    def read(view_page) -> None:
        """Let the page's reader bring the month it asked for (it reads in a worker)."""
        deadline = time.perf_counter() + 60
        while view_page.loading:
            app.processEvents()
            if time.perf_counter() > deadline:
                raise RuntimeError("the month was not read")
            time.sleep(0.0005)

    db = open_database(str(copy_of(demo_database(scale))))
    with db.sessions() as s:
        month = busiest_month(s)
    page = HoursPage(db)
    page.resize(1200, 800)
    page.show()
    page.activateWindow()
    read(page)
    plain = QTableView()
    plain.setEditTriggers(page.table.editTriggers())
    plain.resize(1200, 800)
    plain.show()
    app.processEvents()
    round_no = [0]

    def texts() -> list[str]:
        """Different values each round, so every save really writes 500 entries."""
        k = round_no[0]
        return [f"{(r * 7 + k) % 200},{k % 10}" for r in range(VALUES)]

    def type_into(view, move_down_by_hand: bool) -> None:
        view.window().activateWindow()  # the editor must get the focus, as on a real screen
        QTest.qWaitForWindowActive(view.window(), 2000)
        view.setFocus()
        view.setCurrentIndex(view.model().index(0, HOURS_COLUMN))
        for row, text in enumerate(texts()):
            QTest.keyClick(view, text[0])  # opens the editor, as a person's first key does
            editor = QApplication.focusWidget()
            if editor is None or not view.isAncestorOf(editor):
                raise RuntimeError(f"row {row}: the editor did not get the focus ({editor!r})")
            QTest.keyClicks(editor, text[1:])
            QTest.keyClick(editor, Qt.Key_Return)
            deadline = time.perf_counter() + 5
            while view.state() == QAbstractItemView.EditingState:  # the commit on Enter is queued
                app.processEvents()
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"row {row}: Enter did not close the editor")
            if move_down_by_hand:
                view.setCurrentIndex(view.model().index(row + 1, HOURS_COLUMN))
        app.processEvents()

    # -- the page -------------------------------------------------------------------------------------------
    def page_fresh_month() -> None:
        round_no[0] += 1
        page.model.load([])  # drop the last round's edits without the « unsaved hours » question
        page.go_to_month(shift_month(month, -1))
        read(page)
        app.processEvents()

    def page_load() -> None:
        page.go_to_month(month)
        read(page)  # the month read in a worker
        app.processEvents()  # painted

    def page_paste() -> None:
        page.table.setCurrentIndex(page.model.index(0, HOURS_COLUMN))
        QApplication.clipboard().setText("\r\n".join(texts()) + "\r\n")
        QTest.keyClick(page.table, Qt.Key_V, Qt.ControlModifier)
        app.processEvents()

    def page_save() -> None:
        loop = QEventLoop()
        page.changed.connect(loop.quit)
        assert page.save(), page.message.text()
        loop.exec()
        page.changed.disconnect(loop.quit)
        assert not page.model.is_modified

    def page_edited(fill):
        def setup() -> None:
            page_fresh_month()
            page_load()
            fill()
        return setup

    load_s, load_mb = measure(page_load, REPEAT, setup=page_fresh_month)
    rows = page.model.rowCount()
    type_s, _ = measure(lambda: type_into(page.table, False), TYPING_REPEAT, setup=page_edited(lambda: None))
    paste_s, _ = measure(page_paste, REPEAT, setup=page_edited(lambda: None))
    save_s, _ = measure(page_save, REPEAT, setup=page_edited(page_paste))

    # -- the baseline: a plain QStandardItemModel grid ------------------------------------------------------
    plain_model: list[QStandardItemModel] = []

    def plain_load() -> None:
        with db.sessions() as s:
            data = month_rows(s, month)
        model = QStandardItemModel(len(data), len(HEADERS))
        model.setHorizontalHeaderLabels(list(HEADERS))
        for r, row in enumerate(data):
            cells = (row.beneficiary, row.company, f"{row.cite} — {row.operation}", f"{row.start_date:%d/%m/%Y}",
                     f"{row.end_date:%d/%m/%Y}" if row.end_date else "", "" if row.hours is None else str(row.hours))
            for c, text in enumerate(cells):
                model.setData(model.index(r, c), text)
        plain.setModel(model)
        plain_model[:] = [model]
        app.processEvents()

    def plain_paste() -> None:
        model = plain_model[0]
        lines = QApplication.clipboard().text().replace("\r\n", "\n").split("\n")[:-1]
        for r, text in enumerate(lines):
            model.setData(model.index(r, HOURS_COLUMN), text)
        app.processEvents()

    def plain_save() -> None:
        model = plain_model[0]
        from erbm_desk.domain.values import parse_decimal

        with db.sessions() as s:
            ids = [r.contract_id for r in month_rows(s, month)]
        values = {ids[r]: parse_decimal(model.data(model.index(r, HOURS_COLUMN))) for r in range(VALUES)}
        with db.session() as s:
            save_month(s, month, values)

    def plain_edited(fill):
        def setup() -> None:
            round_no[0] += 1
            plain_load()
            fill()
        return setup

    def clipboard_then_paste() -> None:
        QApplication.clipboard().setText("\r\n".join(texts()) + "\r\n")
        plain_paste()

    base_load, _ = measure(plain_load, REPEAT, setup=lambda: None)
    base_type, _ = measure(lambda: type_into(plain, True), TYPING_REPEAT, setup=plain_edited(lambda: None))
    base_paste, _ = measure(plain_paste, REPEAT,
                            setup=plain_edited(lambda: QApplication.clipboard().setText(
                                "\r\n".join(texts()) + "\r\n")))
    base_save, _ = measure(plain_save, REPEAT, setup=plain_edited(clipboard_then_paste))

    page.close()
    plain.close()
    db.close()
    grid = f"{rows} rows, {month:%m/%Y}"
    return [
        result(f"Heures: load the busiest month ({grid})", load_s, base_load, load_mb,
               "QStandardItemModel filled from the same query"),
        result(f"Heures: type {VALUES} values (keys + Enter)", type_s, base_type, None,
               "same keystrokes into a QStandardItemModel grid", f"{type_s / VALUES * 1000:.1f} ms a value"),
        result(f"Heures: paste {VALUES} values (Ctrl+V)", paste_s, base_paste, None,
               "one setData per value into a QStandardItemModel"),
        result(f"Heures: save {VALUES} values (worker)", save_s, base_save, None,
               "save_month called on the UI thread", "the window stays responsive meanwhile"),
    ]


if __name__ == "__main__":
    t0 = time.perf_counter()
    main_for(run)
    print(f"\n(bench_hours_grid: {time.perf_counter() - t0:.0f} s in all, medians of {REPEAT} runs)")
