"""The import's speed devices change nothing it decides: sheets parsed ahead in a thread (a sheet without a
header, two sheets for one entity, a sheet that cannot be read), the garbage collector paused and restored."""

from __future__ import annotations

import gc
import threading
import weakref

import openpyxl
import pytest

from erbm_desk.services.paused_gc import paused_gc
from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.services.exchange.model import Status
from tests.services.test_excel_support import plan


def test_paused_gc_nests_and_restores():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # disabled before: left disabled
    finally:
        gc.enable()


def test_paused_gc_shared_by_threads():
    inside, release = threading.Event(), threading.Event()

    def worker():
        with paused_gc():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    with paused_gc():
        pass
    assert not gc.isenabled()  # the thread's pause is still running
    release.set()
    t.join()
    assert gc.isenabled()


class _Row:
    pass


def test_kept_pause_sets_its_survivors_aside_from_the_young_generations():
    """A plan kept after its pause is not scanned whole by the next young collection, nor the one after: its
    rows join the oldest generation when the next pause begins; a cycle among them is still collected then."""
    with paused_gc(keep=True):
        rows = [_Row() for _ in range(2000)]
        cycle = _Row()
        cycle.self = cycle
    made = {id(r) for r in rows}
    assert not made & {id(o) for o in gc.get_objects(0) + gc.get_objects(1) + gc.get_objects(2)}
    gone = weakref.ref(cycle)
    del cycle
    with paused_gc():
        assert made <= {id(o) for o in gc.get_objects(2)}
    gc.collect()
    assert gone() is None
    assert len(rows) == 2000


def _workbook(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_second_sheet_for_an_entity_and_sheet_without_header(tmp_path, db):
    path = _workbook(tmp_path / "two.xlsx", [
        ("Entreprises", [["rien à voir", "ici"], ["a", "b"]]),  # no header: the next one is taken
        ("ENTREPRISES ", [["Raison sociale", "SIRET", "Type de structure"],
                          ["Bâtiment Gohelle", "73282932000074", "entreprise"]]),
        ("entreprises  ", [["Raison sociale", "SIRET"], ["Autre", "35600000000048"]]),  # a second one: ignored
        ("Notes", [["libre"]]),
    ])
    p = plan(db, path)
    assert p.ok, [str(e) for e in p.errors]
    assert p.count(Status.NEW) == 1
    notices = [str(n) for n in p.notices]
    assert any("« Entreprises »" in n and "aucune ligne d'en-tête" in n for n in notices), notices
    assert any("« entreprises" in n and "deuxième feuille « Entreprises »" in n for n in notices), notices
    assert any("« Notes »" in n and "feuille inconnue" in n for n in notices), notices


def test_no_sheet_with_a_header_is_refused(tmp_path, db):
    path = _workbook(tmp_path / "none.xlsx", [("Entreprises", [["x", "y"]]), ("Heures", [[1, 2]])])
    with pytest.raises(ExcelFileError, match="aucune feuille du format"):
        plan(db, path)
    assert gc.isenabled()
