"""Excel exchange: import and export of a workbook of 100 000 hour rows (other sheets at demo scale 10) against
the fastest plain ways to do the same: XlsxWriter `constant_memory` writing the same cells, and python-calamine
reading the workbook with a bare `executemany` into SQLite.

Baselines, all in the same run as ours (alternated: ours, theirs, ours, …):
- export: XlsxWriter in `constant_memory` mode writing the very cells of our workbook as calamine reads them back
  (`write_row`, no style, width, filter nor validation); also openpyxl's write-only mode and a Rust writer
  (rustpy-xlsxwriter, when installed) on the same cells, to say how far we are from each;
- import: python-calamine reading every sheet (`to_python`) and a bare `executemany` of its rows into one
  untyped table per sheet of an empty SQLite file (no check, no matching, no types): the floor for reading the
  workbook and storing its cells; also pandas.read_excel + DataFrame.to_sql when pandas is installed.

At scale 10 the workbook holds the demo's 350 cités, 1 574 operations, 1 200 companies, 20 000 beneficiaries,
25 005 contracts and its first 100 000 monthly hour rows (the other 151 535 are removed from a copy of the
database); at scale 1, the whole scale-1 demo (≈ 25 000 hour rows). Targets: our export within 1.2× of
XlsxWriter `constant_memory` on the same cells, our validated import within 1.5× of calamine + `executemany`,
peak memory under 500 MB.

The import's last row is no timing: from the CPU seconds of the import's steps (median of the alternated runs),
the least wall time any share-out of its planning work between the app and its reading child could reach on this
machine's cores, applying and committing as measured (`best_schedule`). It says how far scheduling alone can go.

pandas and rustpy-xlsxwriter are needed for this benchmark only — not dependencies of the application:

    .venv/bin/pip install pandas rustpy-xlsxwriter
    .venv/bin/python bench/bench_excel.py --scale 10

The pandas path reads every sheet with its openpyxl engine (its default for .xlsx in pandas ≤ 3; named
explicitly) and writes each one as a table into an empty SQLite file: no check, no matching, no types beyond
pandas'. The raw write is openpyxl's write-only mode given the very cells of our workbook as calamine reads
them back (same sheets, same values; dates as datetimes, which openpyxl writes with its default date format),
with no style, width, filter, validation nor check: the floor for writing those cells with that library.
Our import has the next sheets parsed by the guarded reading's child process (calamine there, its rows handed
over) while the current one is checked, and pauses Python's cyclic garbage collector while it runs; the CPU time
in the notes counts every thread of the process and its child processes. The machine is shared: our runs
alternate with the baseline's (ours, theirs, ours, …) so that a change of load falls on both, and the notes give
the median CPU time too, which load inflates less. The peak memory is that of one run of ours measured alone,
before the baseline's data is in memory.
"""

from __future__ import annotations

import datetime
import gc
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import copy_of, demo_database, main_for, peak_memory_mb, reset_peak_memory, result  # noqa: E402

HOURS_ROWS = 100_000


def import_job(folder: Path, workbook: Path, phases: list[dict] | None = None):
    """(fresh, import_once): `fresh()` puts back an empty base (schema and reference data, made once);
    `import_once()` plans and applies `workbook` into it, as the window and the CLI do. With `phases`, each run
    appends the wall and CPU seconds of its steps (`_phases`)."""
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.exchange import apply_import, plan_import

    template = folder / "empty.sqlite"
    open_database(str(template)).close()
    target = folder / "import.sqlite"

    def fresh() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        target.write_bytes(template.read_bytes())

    def import_once() -> None:
        marks = [_clock()]
        db = open_database(str(target))
        try:
            with db.session() as s:
                plan = plan_import(s, workbook)
                marks.append(_clock())
                assert plan.ok, plan.errors[:3]
                apply_import(s, plan, check_database=False)
                marks.append(_clock())
        finally:
            db.close()
        marks.append(_clock())
        if phases is not None:
            phases.append(_phases(*marks))

    return fresh, import_once


def _clock() -> tuple[float, float, float]:
    """(wall, CPU of this process, CPU of its finished children) seconds."""
    return (time.perf_counter(), *_cpu_split())


def _phases(start, planned, applied, closed) -> dict[str, float]:
    """Wall and CPU seconds of an import's steps (`_clock()` marks). The planning's CPU is split between this
    process (its threads: the checks, the planning) and the guarded reading's child, reaped before
    `plan_import` returns."""
    return {"plan": planned[0] - start[0], "plan_cpu": planned[1] - start[1], "child_cpu": planned[2] - start[2],
            "apply": applied[0] - planned[0], "commit": closed[0] - applied[0]}


def best_schedule(phases: list[dict], cores: int) -> tuple[float, dict[str, float]]:
    """(seconds, median phases): a lower bound of the import's wall time on `cores` cores with the CPU work it
    does today, however that work were shared out between the app and its reading child. The planning cannot
    take less than its CPU seconds over the cores; applying writes through one SQLite connection, rows built in
    this process, and the commit follows it: both stay as measured."""
    median = {k: statistics.median(p[k] for p in phases) for k in phases[0]}
    planning = (median["plan_cpu"] + median["child_cpu"]) / cores
    return planning + median["apply"] + median["commit"], median


def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _cpu_split() -> tuple[float, float]:
    """CPU seconds of this process's threads, and of its finished child processes."""
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the import's guarded reading parses every
    sheet in a child: leaving it out would flatter the import)."""
    return sum(_cpu_split())


def _timed(fn, repeat: int, setup=None) -> tuple[float, float, float | None]:
    """(median wall s, median CPU s, peak MB) of fn() over `repeat` runs, `setup()` untimed before each."""
    walls, cpus = [], []
    reset_peak_memory()
    for _ in range(repeat):
        if setup is not None:
            setup()
        w, c = time.perf_counter(), _cpu()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(_cpu() - c)
    walls.sort()
    cpus.sort()
    return walls[len(walls) // 2], cpus[len(cpus) // 2], peak_memory_mb()


def _interleaved(ours, theirs, repeat: int, setup_ours=None,
                 setup_theirs=None) -> tuple[float, float, float, float]:
    """(median wall, median CPU) of `ours()` then of `theirs()`, run alternately (ours, theirs, ours, …) so
    that a change of load on the shared machine falls on both sides alike; setups untimed.

    Each run starts with the objects already in the process set aside from the garbage collector (`gc.freeze`),
    as in a process of its own: otherwise the collections a run triggers also scan the application's modules
    and what the previous run left, and how many there are depends on that run — the baseline's 2.6 million
    cells took 4.2-6.4 s after our import against 3.5-4.6 s in a fresh process."""
    times: dict[int, tuple[list[float], list[float]]] = {0: ([], []), 1: ([], [])}
    for _ in range(repeat):
        for side, fn, setup in ((0, ours, setup_ours), (1, theirs, setup_theirs)):
            if setup is not None:
                setup()
            gc.collect()
            gc.freeze()
            w, c = time.perf_counter(), _cpu()
            fn()
            times[side][0].append(time.perf_counter() - w)
            times[side][1].append(_cpu() - c)
            gc.unfreeze()
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


def xlsxwriter_write(sheets: dict[str, list[list]], target: Path) -> None:
    """The same cells through XlsxWriter's `constant_memory` mode (rows streamed to disk), `write_row`, no style."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row)
    wb.close()


def rust_records(sheets: dict[str, list[list]]) -> list[tuple[str, list[dict]]] | None:
    """The same cells as records for rustpy-xlsxwriter (a header of column numbers, then every row), or None
    when it is not installed."""
    try:
        import rustpy_xlsxwriter  # noqa: F401
    except ImportError:
        return None
    out = []
    for name, rows in sheets.items():
        width = max((len(r) for r in rows), default=0)
        keys = [f"c{i}" for i in range(width)]
        out.append((name, [dict(zip(keys, row)) for row in rows]))
    return out


def rust_write(records: list[tuple[str, list[dict]]], target: Path) -> None:
    from rustpy_xlsxwriter import FastExcel

    book = FastExcel(str(target))
    for name, rows in records:
        book.sheet(name, rows)
    book.save()


def calamine_executemany(workbook: Path, target: Path) -> None:
    """Read every sheet with python-calamine and store its rows with a bare executemany, one untyped table per
    sheet: the floor for reading the workbook and storing its cells."""
    from python_calamine import CalamineWorkbook

    target.unlink(missing_ok=True)
    wb = CalamineWorkbook.from_path(str(workbook))
    conn = sqlite3.connect(target)
    for i, name in enumerate(wb.sheet_names):
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        width = max((len(r) for r in rows), default=0)
        if not width:
            continue
        conn.execute(f"CREATE TABLE s{i} ({', '.join(f'c{j}' for j in range(width))})")
        conn.executemany(f"INSERT INTO s{i} VALUES ({', '.join('?' * width)})",
                         [[str(v) if isinstance(v, (datetime.date, datetime.time, datetime.timedelta)) else v
                           for v in row] + [None] * (width - len(row)) for row in rows])
    conn.commit()
    conn.close()
    wb.close()


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
    from erbm_desk.services.exchange import ExportOptions, export_workbook

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

    export_peak = _peak(export)  # alone: the baselines below hold every cell in memory
    wb = CalamineWorkbook.from_path(str(workbook))
    cells = {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
    wb.close()
    n_cells = sum(len(r) for rows_ in cells.values() for r in rows_)
    export_wall, export_cpu, xw_wall, xw_cpu = _interleaved(
        export, lambda: xlsxwriter_write(cells, folder / "xlsxwriter.xlsx"), repeat)
    rows.append(result(
        f"export ({_grouped(hours)} hour rows, {_grouped(n_cells)} cells)", export_wall, xw_wall, export_peak,
        baseline="XlsxWriter constant_memory, the same cells, no style",
        note=f"CPU {export_cpu:.1f} s vs {xw_cpu:.1f} s ({export_cpu / xw_cpu:.2f}×); target ≤ 1.2×; "
             f"median of {repeat}"))
    ox_wall, ox_cpu, xw2_wall, _ = _interleaved(
        lambda: raw_write(cells, folder / "raw.xlsx"), lambda: xlsxwriter_write(cells, folder / "xlsxwriter.xlsx"),
        repeat)
    rows.append(result("baseline: openpyxl write-only, the same cells, no style", ox_wall, xw2_wall, None,
                       baseline="XlsxWriter constant_memory, the same cells, no style",
                       note=f"CPU {ox_cpu:.1f} s; ours is {export_wall / ox_wall:.2f}× this; median of {repeat}"))
    records = rust_records(cells)
    if records is not None:
        rust_wall, rust_cpu, xw3_wall, _ = _interleaved(
            lambda: rust_write(records, folder / "rust.xlsx"), lambda: xlsxwriter_write(cells, folder / "x.xlsx"),
            repeat)
        rows.append(result("baseline: rustpy-xlsxwriter (Rust), the same cells as records", rust_wall, xw3_wall,
                           None, baseline="XlsxWriter constant_memory, the same cells, no style",
                           note=f"CPU {rust_cpu:.1f} s; ours is {export_wall / rust_wall:.1f}× the Rust writer; "
                                f"median of {repeat}"))
        records.clear()
    cells.clear()  # the memory goes back before the import is measured

    phases: list[dict] = []
    fresh, ours = import_job(folder, workbook, phases)

    import_peak = _peak(ours, setup=fresh)  # alone, before any baseline has run in this process
    phases.clear()  # the phases of the runs alternated with the baseline's only
    import_wall, import_cpu, cal_wall, cal_cpu = _interleaved(
        ours, lambda: calamine_executemany(workbook, folder / "calamine.sqlite"), repeat, setup_ours=fresh)
    rows.append(result(
        "import, validated (into an empty database)", import_wall, cal_wall, import_peak,
        baseline="python-calamine to_python of every sheet + bare executemany into SQLite",
        note=f"CPU {import_cpu:.1f} s vs {cal_cpu:.1f} s ({import_cpu / cal_cpu:.2f}×); target ≤ 1.5×; "
             f"median of {repeat}"))
    cores = os.cpu_count() or 1
    floor, median = best_schedule(phases, cores)
    rows.append(result(
        f"import, validated: lower bound of its measured work on {cores} cores", floor, cal_wall, None,
        baseline="python-calamine to_python of every sheet + bare executemany into SQLite",
        note=f"planning {median['plan']:.1f} s (CPU: app {median['plan_cpu']:.1f} s, reading child "
             f"{median['child_cpu']:.1f} s), apply {median['apply']:.1f} s, commit {median['commit']:.1f} s; "
             f"bound = planning CPU / {cores} cores + apply + commit (not a timing: what no schedule of "
             f"today's work can beat)"))
    try:
        import pandas  # noqa: F401
    except ImportError:
        pass
    else:
        pandas_wall, pandas_cpu, cal2_wall, _ = _interleaved(
            lambda: pandas_import(workbook, folder / "pandas.sqlite"),
            lambda: calamine_executemany(workbook, folder / "calamine.sqlite"), repeat)
        rows.append(result(
            "baseline: pandas.read_excel (openpyxl) + DataFrame.to_sql", pandas_wall, cal2_wall, None,
            baseline="python-calamine to_python of every sheet + bare executemany into SQLite",
            note=f"CPU {pandas_cpu:.1f} s; pandas is {pandas_wall / import_wall:.1f}× slower than our validated "
                 f"import; median of {repeat}"))
    source.close()
    shutil.rmtree(folder, ignore_errors=True)  # workbooks and databases: ~150 MB at scale 10
    return rows


if __name__ == "__main__":
    main_for(run)
