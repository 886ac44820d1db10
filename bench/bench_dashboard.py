"""Tableau de bord: the dashboard of the territory and of one cité (data, figures, both, and the real page).
The bilan PDF has its own bench, with its workers and its target (bench_bilan.py).

Targets (scale 1, median): a cité's dashboard under 150 ms, the territory's under 500 ms. « data » is `dashboard_data` (SQL and Decimal sums); « figures » builds every chart of the page
and draws it with Agg, as the screen does; « page » is the real DashboardPage (offscreen): `refresh()` until
the tiles show (worker), then until every chart is drawn. The cité is the one with the most hours.

Texts are shaped and rendered once per process (`charts/text_cache.py`): from the second run on, the titles,
labels and numbers that did not change are not shaped again, as in the app after its first dashboard. The
« text cache cleared » case empties that cache before each run: the cost of a dashboard whose texts were
never drawn (the first one after start-up; any new number costs its share). The « speed-ups off » case draws
through matplotlib's public road only (`charts/speedups.py` off: no text cache, plain axes, a clip path per
artist), as on an untested matplotlib release or with ERBM_DESK_CHART_SPEEDUPS=0.

Baselines, in the same process so that ratios survive a noisy machine: for data, the raw SQL sum of all hours
(`SELECT sum(hours) FROM hours_entry`); for drawing, one bare empty Figure drawn to PNG.

Run: `.venv/bin/python bench/bench_dashboard.py --scale 1` (a demo database is built and cached on first use).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import copy_of, demo_database, main_for, measure, median_time, result  # noqa: E402


def _cpu(fn, repeat: int) -> float:
    """Median CPU seconds of `fn()` in this process (all threads): what the wall time would be on an idle machine,
    give or take the waits. Reported beside the wall time because the bench machine is shared."""
    import statistics

    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def _bare_figure_png() -> None:
    import io

    from matplotlib.figure import Figure

    Figure(figsize=(5.6, 3.1), dpi=100).savefig(io.BytesIO(), format="png")


def _draw_all(data) -> int:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from erbm_desk.charts.dashboard import dashboard_figures

    figures = dashboard_figures(data)
    for figure in figures.values():
        FigureCanvasAgg(figure).draw()
    return len(figures)


def _page_times(app, page, scope, repeat: int) -> tuple[float, float, float]:
    """Median seconds from `refresh()` (what the window calls after a change of the data) to the tiles shown, to
    the charts of the first screen drawn (those the scroll area shows without scrolling), and to every chart
    drawn, in the real page showing `scope`."""
    import statistics

    page._drawn.clear()
    page.set_scope(scope)
    _wait(app, page, set())
    viewport = page.scroll.viewport()
    first = {key for key, c in page.canvases.items()
             if c.isVisible() and c.mapTo(viewport, c.rect().topLeft()).y() < viewport.height()}
    shown, first_drawn, drawn = [], [], []
    for _ in range(repeat):
        page._drawn.clear()  # every chart built again, as after a change of scope or period
        t0 = time.perf_counter()
        page.refresh()
        tiles_at, first_at = _wait(app, page, first)
        shown.append(tiles_at - t0)
        first_drawn.append(first_at - t0)
        drawn.append(time.perf_counter() - t0)
    return statistics.median(shown), statistics.median(first_drawn), statistics.median(drawn)


def _after_edit(app, page, repeat: int) -> float:
    """Median seconds from the moment a write of one hours entry is announced (the gateway's `changed`, as the
    window hears it) to the territory's tiles showing the new numbers, the page refreshed as the window does."""
    import statistics
    from decimal import Decimal

    from sqlalchemy import func, select

    from erbm_desk.db.models import HoursEntry
    from erbm_desk.services.reporting.indicators import Scope

    page.set_scope(Scope())
    _wait(app, page, set())
    with page.db.sessions() as s:
        entry_id = s.scalar(select(func.max(HoursEntry.id)))
    times = []
    for i in range(repeat):
        announced: list[float] = []

        def heard(changes) -> None:
            announced.append(time.perf_counter())
            if page.concerned_by(changes):
                page.refresh()

        def edit(s, step=i) -> None:
            entry = s.get(HoursEntry, entry_id)
            entry.hours = entry.hours + Decimal("1.25") if step % 2 == 0 else entry.hours - Decimal("1.25")

        page.gateway.changed.connect(heard)
        before = page.data.indicators.hours_realised
        page.gateway.write(page, edit)
        while not announced:
            app.processEvents()
            time.sleep(0.0005)
        _wait(app, page, set())
        page.gateway.changed.disconnect(heard)
        assert page.data.indicators.hours_realised != before, "the tiles did not change"
        times.append(page_tiles_at[0] - announced[0])
    return statistics.median(times)


page_tiles_at = [0.0]  # when _wait last saw the tiles show new numbers


def _wait(app, page, first: set[str]) -> tuple[float, float]:
    """Process events until the page shows its new numbers, then until every visible chart is rebuilt and drawn.
    Returns when the tiles showed and when the charts of `first` were drawn."""
    from erbm_desk.charts.dashboard_inputs import chart_inputs

    before = {key: c.canvas for key, c in page.canvases.items()}
    inputs_before = dict(page._drawn)  # the page redraws only the charts whose inputs changed
    generation = page._generation
    tiles_at = first_at = None
    kept: set[str] = set()

    def drawn(key) -> bool:
        c = page.canvases.get(key)
        return key in kept or (c is not None and c.canvas is not before.get(key) and not c.canvas._draw_pending
                               and getattr(c.canvas, "renderer", None) is not None)

    while True:
        app.processEvents()
        now = time.perf_counter()
        if tiles_at is None and page.status.text() == "" and page.data is not None:
            tiles_at = page_tiles_at[0] = now
            kept = {key for key, inputs in inputs_before.items()
                    if inputs == chart_inputs(page.data, key, page.map_indicator)}
        if tiles_at is not None and first_at is None and all(drawn(k) for k in first):
            first_at = now
        if first_at is not None and not page._pending and page._generation == generation and all(
                drawn(k) for k, c in page.canvases.items() if c.isVisible()):
            return tiles_at, first_at
        time.sleep(0.0005)


def run(scale: float) -> list[dict]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from sqlalchemy import text

    from erbm_desk.services.reporting.dashboard_data import commune_shapes, dashboard_data, epci_outlines, group_rows
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.reporting.indicators import Scope

    db = open_database(str(copy_of(demo_database(scale))))  # a copy: the page saves a record, the cache stores
    repeat = 7 if scale <= 1 else 5
    commune_shapes()
    epci_outlines()  # read once per process, as the app does; not what a refresh costs

    with db.sessions() as s:
        top = group_rows(s)[1][0]
    cite = Scope("cite", top.id)

    def data_of(scope):
        with db.sessions() as s:
            return dashboard_data(s, scope)

    def raw_sum():
        with db.engine.connect() as c:
            c.execute(text("SELECT sum(hours) FROM hours_entry")).scalar()

    bare = median_time(_bare_figure_png, repeat=15, warmup=2)
    bare_cpu = _cpu(_bare_figure_png, 15)
    raw = median_time(raw_sum, repeat=repeat)
    rows = []
    for label, scope, target in (("territory", Scope(), 0.5), (f"cité « {top.name} »", cite, 0.15)):
        data = data_of(scope)
        d, d_peak = measure(lambda: data_of(scope), repeat=repeat)
        f, f_peak = measure(lambda: _draw_all(data), repeat=repeat)
        both = median_time(lambda: _draw_all(data_of(scope)), repeat=repeat)
        from erbm_desk.charts import speedups, text_cache

        def cold():
            text_cache.clear()
            _draw_all(data_of(scope))

        cold_s = median_time(cold, repeat=repeat)
        cold_cpu = _cpu(cold, repeat)

        def plain():
            with speedups.forced(False):
                _draw_all(data_of(scope))

        plain_s = median_time(plain, repeat=repeat)
        plain_cpu = _cpu(plain, repeat)
        cpu = {"d": _cpu(lambda: data_of(scope), repeat), "f": _cpu(lambda: _draw_all(data), repeat),
               "both": _cpu(lambda: _draw_all(data_of(scope)), repeat)}
        charts = _draw_all(data)
        goal = f"; target < {target * 1000:.0f} ms" if scale <= 1 else ""
        rows += [
            result(f"{label}: data", d, raw, d_peak, "SQL sum of all hours",
                   f"median of {repeat}; CPU {cpu['d']:.3f} s"),
            result(f"{label}: {charts} figures built and drawn", f, bare, f_peak, "one bare Figure to PNG",
                   f"median of {repeat}; CPU {cpu['f']:.3f} s"),
            result(f"{label}: data + figures", both, bare, None, "one bare Figure to PNG",
                   f"median of {repeat}; CPU {cpu['both']:.3f} s{goal}"),
            result(f"{label}: data + figures, text cache cleared", cold_s, bare, None, "one bare Figure to PNG",
                   f"median of {repeat}; CPU {cold_cpu:.3f} s; every text shaped again"),
            result(f"{label}: data + figures, speed-ups off", plain_s, bare, None, "one bare Figure to PNG",
                   f"median of {repeat}; CPU {plain_cpu:.3f} s; matplotlib's public road only"),
        ]

    from PySide6.QtWidgets import QApplication

    from erbm_desk.ui.dashboard.dashboard_page import DashboardPage

    app = QApplication.instance() or QApplication([])
    page = DashboardPage(db)
    page.resize(1250, 900)
    page.show()
    _wait(app, page, set())
    for label, scope in (("territory", Scope()), (f"cité « {top.name} »", cite)):
        shown, first, drawn = _page_times(app, page, scope, repeat=max(3, repeat - 2))
        rows += [
            result(f"page, {label}: tiles and sentence shown", shown, raw, None, "SQL sum of all hours",
                   "refresh() → worker → tiles; the window stays responsive"),
            result(f"page, {label}: first screen drawn", first, bare, None, "one bare Figure to PNG",
                   "tiles and the charts visible without scrolling (1250×900 page)"),
            result(f"page, {label}: every chart drawn", drawn, bare, None, "one bare Figure to PNG",
                   "charts built one per event-loop turn, top first"),
        ]
    edit_s = _after_edit(app, page, repeat=max(3, repeat - 2))
    rows.append(result("page, territory: tiles shown after saving one record", edit_s, raw, None,
                       "SQL sum of all hours",
                       "one hours entry saved through the gateway → the window's refresh → tiles; target ≤ 150 ms "
                       "at scale 10"))
    page.close()

    rows.append(result("baseline: one bare Figure to PNG", bare, None, None, "",
                       f"median of 15; CPU {bare_cpu:.4f} s"))
    db.close()
    return rows


if __name__ == "__main__":
    main_for(run)
