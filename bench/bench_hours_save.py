"""« Heures »: saving 500 typed values of the busiest month, the batch write against one record at a time.

`save_month` (what the page's worker calls) writes the month in one batch (bulk checks, one flush, one journal
entry and a version step per record). The baseline, in the same process and alternated with it on fresh copies
of the demo database, is the path it replaced: the same values saved one record at a time with `save_record`,
each checked, flushed and journaled on its own. The notes give the CPU time of each side, which the load of a
shared machine inflates less than the wall time. Target: the save ≤ 0.2 s (it took 1.5–2.0 s one record at a
time on an idle machine).

Run: `.venv/bin/python bench/bench_hours_save.py --scale 10`
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import demo_database, main_for, peak_memory_mb, reset_peak_memory, result  # noqa: E402

VALUES = 500


def run(scale: float) -> list[dict]:
    from sqlalchemy import select

    from bench.bench_hours_grid import busiest_month
    from erbm_desk.db.models import HoursEntry
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.hours.month_grid import month_rows, save_month
    from erbm_desk.services.records.writes import save_record

    repeat = 5
    folder = Path(tempfile.mkdtemp(prefix="erbm-bench-hours-save-"))
    source = demo_database(scale)
    work = folder / "work.sqlite"

    def fresh():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, work)
        return open_database(str(work))

    db = fresh()
    with db.sessions() as s:
        month = busiest_month(s)
        contracts = [r.contract_id for r in month_rows(s, month)][:VALUES]
    db.close()

    def values(step: int) -> dict[int, Decimal]:
        """Different values each round, so every save really writes 500 entries."""
        return {cid: Decimal(10 + step + i % 7) for i, cid in enumerate(contracts)}

    def batch(db, vals) -> None:
        with db.session() as s:
            save_month(s, month, vals)

    def one_by_one(db, vals) -> None:
        with db.session() as s:
            existing = {e.contract_id: e.id for e in s.scalars(
                select(HoursEntry).where(HoursEntry.month == month, HoursEntry.contract_id.in_(list(vals))))}
            for cid in sorted(vals):
                if cid in existing:
                    save_record(s, "hours_entry", {"hours": vals[cid]}, existing[cid])
                else:
                    save_record(s, "hours_entry", {"contract_id": cid, "month": month, "hours": vals[cid]})

    times: dict[str, tuple[list[float], list[float]]] = {"batch": ([], []), "one": ([], [])}
    reset_peak_memory()
    for step in range(repeat + 1):  # the first round warms caches and is not counted
        for side, fn in (("batch", batch), ("one", one_by_one)):
            db = fresh()
            vals = values(step)
            w, c = time.perf_counter(), time.process_time()
            fn(db, vals)
            wall, cpu = time.perf_counter() - w, time.process_time() - c
            db.close()
            if step:
                times[side][0].append(wall)
                times[side][1].append(cpu)
    peak = peak_memory_mb()
    shutil.rmtree(folder, ignore_errors=True)

    def med(xs: list[float]) -> float:
        return sorted(xs)[len(xs) // 2]

    (bw, bc), (ow, oc) = ([med(x) for x in times[k]] for k in ("batch", "one"))
    return [result(f"Heures: save {len(contracts)} values of {month:%m/%Y} (save_month, one batch)", bw, ow, peak,
                   baseline="the same values saved one record at a time (save_record, the previous path)",
                   note=f"CPU {bc:.3f} s vs {oc:.3f} s ({bc / oc:.2f}×); target ≤ 0.2 s; median of {repeat}, "
                        "alternated on fresh copies")]


if __name__ == "__main__":
    main_for(run)
