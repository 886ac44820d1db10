"""A long bilan has its cités' pages drawn by worker processes: the same pages, in the same order, with the same
numbers, as when one process draws them all; progress counts every page and cancelling stops the workers."""

import shutil
from datetime import date

import pytest

from erbm_desk.services.database.demo import generate_demo
from erbm_desk.services.progress import Cancelled
from erbm_desk.services.reporting import bilan as bilan_module
from erbm_desk.services.reporting import bilan_parallel
from erbm_desk.services.reporting.bilan import write_bilan
from tests.services.test_bilan import Recorder, pages_of

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) manquant")


@pytest.fixture
def sqlite_db(tmp_path):
    from erbm_desk.services.database.opening import open_database

    db = open_database(str(tmp_path / "demo.sqlite"))
    with db.session() as s:
        generate_demo(s, seed=2, scale=0.1)
    yield db
    db.close()


def test_pages_drawn_apart_are_the_pages_drawn_in_one_process(sqlite_db, tmp_path, monkeypatch):
    monkeypatch.setattr(bilan_module, "worker_count", lambda cites: 2)
    apart, progress = tmp_path / "apart.pdf", Recorder()
    with sqlite_db.sessions() as s:
        summary = write_bilan(s, apart, progress=progress, today=date(2026, 1, 15))
    monkeypatch.setattr(bilan_module, "worker_count", lambda cites: 0)
    alone = tmp_path / "alone.pdf"
    with sqlite_db.sessions() as s:
        write_bilan(s, alone, today=date(2026, 1, 15))
    assert pages_of(apart, layout=True) == pages_of(alone, layout=True)
    assert len(pages_of(apart)) == summary.pages == progress.total == progress.steps
    assert f"page {summary.pages} / {summary.pages}" in pages_of(apart)[-1]


def test_cancelling_stops_the_workers_and_keeps_the_previous_file(sqlite_db, tmp_path, monkeypatch):
    monkeypatch.setattr(bilan_module, "worker_count", lambda cites: 2)
    out = tmp_path / "out" / "bilan.pdf"
    out.parent.mkdir()
    out.write_bytes(b"previous")
    progress = Recorder(cancel_after=12)  # after the first pages, while the workers draw the cités
    with sqlite_db.sessions() as s, pytest.raises(Cancelled):
        write_bilan(s, out, progress=progress)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in out.parent.iterdir()] == ["bilan.pdf"]


def test_a_short_bilan_or_one_core_draws_in_one_process(monkeypatch):
    monkeypatch.setattr(bilan_parallel.os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
    assert bilan_parallel.worker_count(5) == 0
    assert bilan_parallel.worker_count(350) == 4
    monkeypatch.setattr(bilan_parallel.os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert bilan_parallel.worker_count(350) == 0
