"""Guarded reading of workbooks: what reading an untrusted workbook in a child process first costs the import.

The import of bench_excel.py's workbook (`plan_import` + `apply_import` into an empty database) is timed as the
app runs it — every calamine step first survived by the scout process (services/exchange/guarded_reading.py) —
against the same import with the guard taken out in this process only (the reader's unguarded opening put in
place of `open_guarded` for the baseline runs: the app itself has no switch to read unguarded). Runs alternate
(ours, baseline, ours, …) so that the shared machine's load falls on both; the note gives the absolute cost.
Target: ≤ 1.10× at scale 1 and 10.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_excel import import_job, source_database  # noqa: E402
from bench.common import main_for, result  # noqa: E402


def run(scale: float) -> list[dict]:
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.exchange import ExportOptions, export_workbook
    from erbm_desk.services.exchange import reader

    repeat = 3 if scale >= 10 else 5
    folder = Path(tempfile.mkdtemp(prefix="erbm-bench-guard-"))
    source = open_database(str(source_database(scale, folder)))
    workbook = folder / "echange.xlsx"
    with source.session() as s:
        export_workbook(s, workbook, ExportOptions(anonymous=False))
    source.close()
    fresh, import_once = import_job(folder, workbook)

    guarded_open = reader.open_guarded

    def open_unguarded(path, opener, ready=None, **_):
        if ready is not None:  # the file checks' verdict, as the guarded opening waits for it
            ready()
        return opener(path)

    def unguarded() -> None:
        reader.open_guarded = open_unguarded
        try:
            import_once()
        finally:
            reader.open_guarded = guarded_open

    fresh()
    import_once()  # warm-up: imports, caches
    ours, theirs = [], []
    for _ in range(repeat):
        for fn, times in ((import_once, ours), (unguarded, theirs)):
            fresh()
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
    ours.sort()
    theirs.sort()
    wall, base = ours[len(ours) // 2], theirs[len(theirs) // 2]
    shutil.rmtree(folder, ignore_errors=True)
    return [result("import, workbook read under guard (scout process)", wall, base, None,
                   baseline="the same import reading the workbook in this process only",
                   note=f"guard costs {wall - base:+.2f} s ({(wall / base - 1) * 100:+.0f} %); target ≤ 1.10×; "
                        f"median of {repeat}, alternated")]


if __name__ == "__main__":
    main_for(run)
