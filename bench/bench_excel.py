"""Excel exchange: import and export of a workbook of 100 000 hour rows (other sheets at demo scale 10) against
pandas.read_excel + DataFrame.to_sql, and against a raw openpyxl write-only write of the same cells.

At scale 10 the workbook holds the demo's 350 cités, 1 574 operations, 1 200 companies, 20 000 beneficiaries,
25 005 contracts and its first 100 000 monthly hour rows (the other 151 535 are removed from a copy of the
database); at scale 1, the whole scale-1 demo (≈ 25 000 hour rows). Targets: our validated import at least 4×
faster than the pandas path, our export within 1.5× of the raw write, peak memory under 500 MB. The export is
also timed with its fast styled cells switched off (services/exchange/styled_cells.py), to show what the
openpyxl internals they use are worth.

pandas is needed for this benchmark only — it is not a dependency of the application:

    .venv/bin/pip install pandas
    .venv/bin/python bench/bench_excel.py --scale 10

The pandas path reads every sheet with its openpyxl engine (its default for .xlsx in pandas ≤ 3; named
explicitly) and writes each one as a table into an empty SQLite file: no check, no matching, no types beyond
pandas'. The raw write is openpyxl's write-only mode given the very cells of our workbook as calamine reads
them back (same sheets, same values; dates as datetimes, which openpyxl writes with its default date format),
with no style, width, filter, validation nor check: the floor for writing those cells with that library.
Our import reads the next sheet in a second thread (calamine parses without the GIL) while the current one is
checked, and pauses Python's cyclic garbage collector while it runs; the CPU time in the notes counts every
thread of the process. The machine is shared: our runs alternate with the baseline's (ours, theirs, ours, …)
so that a change of load falls on both, and the notes give the median CPU time too, which load inflates
less. The peak memory is that of one run of ours measured alone, before the baseline's data is in memory.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
import warnings
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import copy_of, demo_database, main_for, peak_memory_mb, reset_peak_memory, result  # noqa: E402

HOURS_ROWS = 100_000


def _timed(fn, repeat: int, setup=None) -> tuple[float, float, float | None]:
    """(median wall s, median CPU s, peak MB) of fn() over `repeat` runs, `setup()` untimed before each."""
    walls, cpus = [], []
    reset_peak_memory()
    for _ in range(repeat):
        if setup is not None:
            setup()
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    walls.sort()
    cpus.sort()
    return walls[len(walls) // 2], cpus[len(cpus) // 2], peak_memory_mb()


def _interleaved(ours, theirs, repeat: int, setup_ours=None,
                 setup_theirs=None) -> tuple[float, float, float, float]:
    """(median wall, median CPU) of `ours()` then of `theirs()`, run alternately (ours, theirs, ours, …) so
    that a change of load on the shared machine falls on both sides alike; setups untimed."""
    times: dict[int, tuple[list[float], list[float]]] = {0: ([], []), 1: ([], [])}
    for _ in range(repeat):
        for side, fn, setup in ((0, ours, setup_ours), (1, theirs, setup_theirs)):
            if setup is not None:
                setup()
            w, c = time.perf_counter(), time.process_time()
            fn()
            times[side][0].append(time.perf_counter() - w)
            times[side][1].append(time.process_time() - c)
    (wa, ca), (wb, cb) = ([sorted(x)[len(x) // 2] for x in t] for t in times.values())
    return wa, ca, wb, cb


def _peak(fn, setup=None) -> float | None:
    """Peak resident memory (MB) during one run of `fn()`, measured alone."""
    if setup is not None:
        setup()
    reset_peak_memory()
    fn()
    return peak_memory_mb()


def source_database(scale: float, folder: Path) -> Path:
    """The demo database at `scale`; at 10 and more, a copy keeping only its first 100 000 hour rows."""
    demo = demo_database(scale)
    if scale < 10:
        return demo
    path = copy_of(demo, folder)
    conn = sqlite3.connect(path)
    try:
        cut = conn.execute("SELECT id FROM hours_entry ORDER BY id LIMIT 1 OFFSET ?", (HOURS_ROWS - 1,)).fetchone()
        if cut:
            conn.execute("DELETE FROM hours_entry WHERE id > ?", (cut[0],))
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()  # the last connection: the copy's WAL is checkpointed and removed
    return path


def raw_write(sheets: dict[str, list[list]], target: Path) -> None:
    """The simplest write of the same cells: openpyxl write-only, values as they are, no style, no check."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(target)


def pandas_import(workbook: Path, target: Path) -> None:
    import pandas as pd

    target.unlink(missing_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = pd.read_excel(workbook, sheet_name=None, engine="openpyxl")
    conn = sqlite3.connect(target)
    for name, frame in frames.items():
        frame.to_sql(name, conn, if_exists="replace", index=False)
    conn.commit()
    conn.close()


def run(scale: float) -> list[dict]:
    from python_calamine import CalamineWorkbook
    from sqlalchemy import text

    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.exchange import ExportOptions, apply_import, export_workbook, plan_import

    repeat = 3 if scale >= 10 else 5
    folder = Path(tempfile.mkdtemp(prefix="erbm-bench-excel-"))
    source = open_database(str(source_database(scale, folder)))
    with source.sessions() as s:
        hours = s.execute(text("SELECT count(*) FROM hours_entry")).scalar()
    workbook = folder / "echange.xlsx"
    rows: list[dict] = []

    def export() -> None:
        with source.session() as s:
            export_workbook(s, workbook, ExportOptions(anonymous=False))

    export_peak = _peak(export)  # alone: the raw write below holds every cell in memory
    wb = CalamineWorkbook.from_path(str(workbook))
    cells = {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
    wb.close()
    n_cells = sum(len(r) for rows_ in cells.values() for r in rows_)
    export_wall, export_cpu, raw_wall, raw_cpu = _interleaved(
        export, lambda: raw_write(cells, folder / "raw.xlsx"), repeat)
    cells.clear()  # the memory goes back before the import is measured

    from erbm_desk.services.exchange import styled_cells

    def export_public_cells() -> None:
        styled_cells.FAST_CELLS = False
        try:
            export()
        finally:
            styled_cells.FAST_CELLS = fast

    fast = styled_cells.FAST_CELLS
    if fast:  # the same export through openpyxl's public API only: what the fast cells save
        fast_wall, fast_cpu, public_wall, public_cpu = _interleaved(export, export_public_cells, repeat)
        rows.append(result(
            "export, fast styled cells (styled_cells.FAST_CELLS)", fast_wall, public_wall, None,
            baseline="the same export with FAST_CELLS off (openpyxl's public API only)",
            note=f"CPU {fast_cpu:.1f} s vs {public_cpu:.1f} s ({fast_cpu / public_cpu:.2f}×); median of {repeat}"))
    rows.append(result(
        f"export ({hours} hour rows, {n_cells:,} cells)".replace(",", " "), export_wall, raw_wall, export_peak,
        baseline="openpyxl write-only, the same cells, no style",
        note=f"CPU {export_cpu:.1f} s vs {raw_cpu:.1f} s ({export_cpu / raw_cpu:.2f}×); target ≤ 1.5×; "
             f"median of {repeat}"))

    template = folder / "empty.sqlite"
    open_database(str(template)).close()  # schema and reference data, made once
    target = folder / "import.sqlite"

    def fresh() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        target.write_bytes(template.read_bytes())

    def ours() -> None:
        db = open_database(str(target))
        try:
            with db.session() as s:
                plan = plan_import(s, workbook)
                assert plan.ok, plan.errors[:3]
                apply_import(s, plan, check_database=False)
        finally:
            db.close()

    try:
        import pandas  # noqa: F401
    except ImportError:
        import_wall, import_cpu, import_peak = _timed(ours, repeat, setup=fresh)
        rows.append(result("import, validated", import_wall, None, import_peak,
                           note=f"CPU {import_cpu:.1f} s; pandas not installed: .venv/bin/pip install pandas"))
    else:
        import_peak = _peak(ours, setup=fresh)  # alone, before pandas has run in this process
        import_wall, import_cpu, pandas_wall, pandas_cpu = _interleaved(
            ours, lambda: pandas_import(workbook, folder / "pandas.sqlite"), repeat, setup_ours=fresh)
        rows.append(result(
            "import, validated (into an empty database)", import_wall, pandas_wall, import_peak,
            baseline="pandas.read_excel (openpyxl) of every sheet + DataFrame.to_sql into SQLite",
            note=f"pandas is {pandas_wall / import_wall:.1f}× slower (CPU {pandas_cpu:.1f} s vs {import_cpu:.1f} s: "
                 f"{pandas_cpu / import_cpu:.1f}×); target ≥ 4×; median of {repeat}"))
    source.close()
    shutil.rmtree(folder, ignore_errors=True)  # workbooks and databases: ~150 MB at scale 10
    return rows


if __name__ == "__main__":
    main_for(run)
