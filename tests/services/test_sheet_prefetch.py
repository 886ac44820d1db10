"""The sheets of a workbook are parsed ahead of the checks in a background thread, but only a few ahead: a parsed
sheet holds its cells in memory, and the import of a 10× workbook must stay under 500 MB."""

from __future__ import annotations

import threading

from erbm_desk.services.exchange.reader import SheetPrefetch


class _Workbook:
    """Parses a sheet only when the test lets it, and remembers which sheets were parsed."""

    def __init__(self, names):
        self.sheet_names = names
        self.parsed: list[str] = []
        self.gate = threading.Semaphore(0)

    def get_sheet_by_name(self, name):
        self.gate.acquire()
        self.parsed.append(name)
        return f"feuille {name}"


def test_only_a_few_sheets_are_parsed_ahead_of_the_one_checked():
    names = [f"S{i}" for i in range(6)]
    wb = _Workbook(names)
    for _ in names:
        wb.gate.release()  # the parser may go as far as it is asked to
    prefetch = SheetPrefetch(wb, names)
    try:
        assert prefetch.get("S0") == "feuille S0"
        prefetch._pool.submit(lambda: None).result()  # the parser has done all it was asked for
        assert wb.parsed == names[:1 + SheetPrefetch.AHEAD]  # the sheet taken and AHEAD after it, not all
        assert prefetch.get("S1") == "feuille S1"
        prefetch._pool.submit(lambda: None).result()
        assert wb.parsed == names[:2 + SheetPrefetch.AHEAD]
        assert [prefetch.get(n) for n in names[2:]] == [f"feuille {n}" for n in names[2:]]
        assert wb.parsed == names
    finally:
        prefetch.close()


def test_a_sheet_asked_out_of_order_is_still_read():
    names = ["A", "B", "C", "D", "E"]
    wb = _Workbook(names)
    for _ in names:
        wb.gate.release()
    prefetch = SheetPrefetch(wb, names)
    try:
        assert prefetch.get("E") == "feuille E"
        assert prefetch.get("A") == "feuille A"
    finally:
        prefetch.close()
