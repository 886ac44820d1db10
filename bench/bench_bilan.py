"""Bilan PDF: the whole bilan of the territory (every cité), and its cités' pages drawn in this process.

Target: the bilan at scale 10 (350 cités) under 20 s on two idle cores. Its wall time depends on what else the
shared machine runs, so the CPU time of the run is given beside it: this process and its worker processes
(`bilan_parallel`), user + system.

« cité pages » draws the pages of the first cités (as a worker of the bilan does: one PDF, one page per cité)
with the charts' speed-ups on (`charts/speedups.py`: among them the PDF text cache, `charts/pdf_text_cache.py`),
against the same pages through matplotlib's public road only (speed-ups off, the road of an untested
matplotlib release or of ERBM_DESK_CHART_SPEEDUPS=0), alternated in this process so that the ratio survives a
noisy machine. Times are CPU seconds per page (median of the rounds).

Run: `.venv/bin/python bench/bench_bilan.py --scale 10` (a demo database is built and cached on first use).
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import copy_of, demo_database, main_for, peak_memory_mb, reset_peak_memory, result  # noqa: E402

PAGES = 40  # cités drawn per round in the « cité pages » case
ROUNDS = 3


def _cpu_all() -> float:
    """User + system CPU seconds of this process and of its children that have ended (the bilan's workers)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _page_inputs(db):
    """What the bilan hands to the drawing of its cités' pages, for the first PAGES cités shown."""
    from erbm_desk.domain.reporting import Period, Scope
    from erbm_desk.services.reporting import disclosure
    from erbm_desk.services.reporting.bilan_tables import COUNTS, disclose_tables, total_row
    from erbm_desk.services.reporting.dashboard_data import cites_series, dashboard_of, ranked
    from erbm_desk.services.reporting.engine import report

    with db.sessions() as s:
        r = report(s, Scope(), Period(), by="cite")
        data = dashboard_of(s, r)
        cites = ranked(r.groups)
        series = cites_series(s, r, data.as_of)
        totals = total_row(data.indicators, len(data.cites))
        tables = disclose_tables(r.grouped("epci"), cites, {c: getattr(totals, c) for c in COUNTS},
                                 disclosure.threshold_of(s))
    shown = [series[row.id] for row in sorted(cites, key=lambda r: (r.epci, r.name, r.commune))
             if row.operations or row.contracts or row.hours_realised]
    return data.as_of, shown[:PAGES], tables


def _draw_pages(folder: Path, as_of, series, tables) -> float:
    """CPU seconds per page for drawing `series` into one PDF, as a worker of the bilan does."""
    from matplotlib.backends.backend_pdf import PdfPages

    from erbm_desk.services.progress import NullProgress
    from erbm_desk.services.reporting.bilan_layout import Pages, drawing_pages
    from erbm_desk.services.reporting.bilan_pages import cite_page

    start = time.process_time()
    with drawing_pages(), PdfPages(folder / "cites.pdf") as pdf:
        pages = Pages(pdf, len(series), "Territoire ERBM", as_of, NullProgress())
        for one in series:
            cite_page(pages, one, tables)
    return (time.process_time() - start) / max(len(series), 1)


def run(scale: float) -> list[dict]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from erbm_desk.charts import pdf_text_cache, speedups
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.reporting.bilan import write_bilan

    db = open_database(str(copy_of(demo_database(scale))))
    folder = Path(tempfile.mkdtemp(prefix="erbm-bench-bilan-"))
    rows = []

    as_of, series, tables = _page_inputs(db)
    on, off = [], []
    _draw_pages(folder, as_of, series[:3], tables)  # imports and fonts, untimed
    for _ in range(ROUNDS):
        with speedups.forced(False):
            off.append(_draw_pages(folder, as_of, series, tables))
        pdf_text_cache.clear()  # each round measures a fresh worker's caches
        with speedups.forced(True):
            on.append(_draw_pages(folder, as_of, series, tables))
    rows.append(result(f"cité pages, CPU per page ({len(series)} pages)", statistics.median(on),
                       statistics.median(off), None, "the same pages, speed-ups off",
                       f"alternated, median of {ROUNDS} rounds"))

    runs = 3 if scale <= 1 else 2
    walls, cpus, pages = [], [], 0
    reset_peak_memory()
    for _ in range(runs):
        wall, cpu = time.perf_counter(), _cpu_all()
        with db.sessions() as s:
            pages = write_bilan(s, folder / "bilan.pdf").pages
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu_all() - cpu)
    rows.append(result(f"bilan PDF, {pages} pages", statistics.median(walls), None, peak_memory_mb(), "",
                       f"median of {runs}; CPU (this process and its workers) {statistics.median(cpus):.1f} s"
                       + ("; target ≤ 20 s on two idle cores" if scale >= 10 else "")))
    db.close()
    return rows


if __name__ == "__main__":
    main_for(run)
