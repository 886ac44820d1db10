"""Fault injection: SIGKILL a process at random moments while it writes, then check the database every time.

    .venv/bin/python bench/fault_injection.py                 # 50 kills per scenario (demo, import, restore, backup, erase)
    .venv/bin/python bench/fault_injection.py --kills 25 --scenario import --scenario backup --scenario restore --scenario erase
    .venv/bin/python bench/fault_injection.py --kills 60 --scenario demo --scenario import
    .venv/bin/python bench/fault_injection.py --kills 3       # a quick run (tests/services/test_integrity_faults.py)

Each scenario runs in a child process that prints GO just before its write starts, COMMIT just before it
commits and DONE once committed. A calibration run measures the GO-DONE window; each trial then starts from
the same "before" file and kills the child (SIGKILL: no cleanup, no atexit, like a power cut for the process)
either after a random delay drawn uniformly over 1.15 × the window (60 % of trials), or 0-40 ms after COMMIT
(40 %), so kills land all over the transaction and inside the commit itself. Runs that finish
before their kill are not counted as kills. After every kill, the file must:

- pass `PRAGMA integrity_check` and `PRAGMA foreign_key_check` (after SQLite's own crash recovery);
- hold exactly the row counts of the "before" state or of the "after" state, table by table;
- open in the app (`open_database`: quick_check, lock, schema) without error;
- every backup that `restore --list` would offer is whole, and once the app has opened the file, no temporary file
  (`.…part`) is left beside the base or in its backup folder;
- for the erase scenario: once the app has opened the file again, if the person is erased in the base, their name
  is in no file of the base's folder nor of its backup folder (the base, its -wal, every backup).

Scenarios: `demo` (generate_demo, one transaction, ~3 000 rows at the default scale), `import` (the Excel
exchange import of a nominative workbook into a base with only reference data, one transaction; skipped with a
note if `erbm_desk.services.exchange` cannot import), `restore` (restore_backup over a populated base) and
`backup` (backup_database while the base is live), `erase` (a GDPR erasure, with its VACUUM and the cleaning of
three automatic backups that hold the person).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._fault_erasure import ERASED_NAME, erase_scenario, names_left  # noqa: E402 - needs ROOT on the path

TABLES = ("epci", "commune", "bailleur", "cite", "operation", "funding", "company", "beneficiary", "contract",
          "hours_entry")


# ---------------------------------------------------------------------------------------------------------
# The child: one write, bracketed by GO and DONE

def child(scenario: str, db_path: str, extra: str, home: str) -> None:
    os.environ["XDG_DATA_HOME"] = str(Path(home) / "data")
    os.environ["XDG_CONFIG_HOME"] = str(Path(home) / "config")
    from erbm_desk.services.database.opening import open_database

    db = open_database(db_path, read_only=False)
    if scenario == "demo":
        from erbm_desk.services.database.demo import generate_demo

        seed, scale = extra.split(",")
        print("GO", flush=True)
        with db.sessions() as s:
            generate_demo(s, seed=int(seed), scale=float(scale))
            print("COMMIT", flush=True)
            s.commit()
    elif scenario == "import":
        from erbm_desk.services.exchange import apply_import, plan_import

        with db.sessions() as s:
            plan = plan_import(s, extra)
        print("GO", flush=True)
        with db.sessions() as s:
            apply_import(s, plan)
            print("COMMIT", flush=True)
            s.commit()
    elif scenario == "restore":
        from erbm_desk.services.database.restore import restore_backup

        print("GO", flush=True)
        print("COMMIT", flush=True)  # the restore is one SQLite backup step: its write is the commit
        restore_backup(db, extra)
    elif scenario == "backup":
        from erbm_desk.services.backup.copies import backup_database

        print("GO", flush=True)
        print("COMMIT", flush=True)
        backup_database(db, "manuelle")
    elif scenario == "erase":
        from erbm_desk.services.security.gdpr import erase_and_vacuum

        print("GO", flush=True)
        print("COMMIT", flush=True)  # the erasure commits first, then cleans every copy
        erase_and_vacuum(db, [int(extra)])
    print("DONE", flush=True)
    db.close()


# ---------------------------------------------------------------------------------------------------------
# The parent

def counts_of(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(str(path), timeout=30)  # read-write: runs SQLite's crash recovery if needed
    try:
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES if t in present}
        if "beneficiary" in present:  # the erase scenario's person, still identified (1) or erased (0)
            counts["identified"] = conn.execute("SELECT count(*) FROM beneficiary WHERE last_name = ?",
                                                (ERASED_NAME,)).fetchone()[0]
        return counts
    finally:
        conn.close()


def check_file(path: Path) -> list[str]:
    problems = []
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            problems.append(f"integrity_check: {rows[:3]}")
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign_key_check: {len(fk)} broken links")
    except sqlite3.Error as exc:
        problems.append(f"sqlite: {exc}")
    finally:
        conn.close()
    return problems


def copy_db(src: Path, dest: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        Path(str(dest) + suffix).unlink(missing_ok=True)
    shutil.copy2(src, dest)


@dataclass
class Scenario:
    name: str
    before_file: Path  # the state each trial starts from
    extra: str = ""
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)
    window: float = 0.0  # seconds between GO and DONE in the calibration run
    backups_from: Path | None = None  # a backup folder each trial starts with


@dataclass
class Outcome:
    scenario: str
    kills: int = 0
    finished_before_kill: int = 0
    as_before: int = 0
    as_after: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    leftovers: int = 0  # broken backups offered, or temporary files left once the app has opened the base
    names: int = 0  # files still holding an erased person's name

    def line(self) -> str:
        return (f"{self.scenario:8s} kills={self.kills:3d}  before-state={self.as_before:3d}  "
                f"after-state={self.as_after:3d}  finished-first={self.finished_before_kill:3d}  "
                f"leftovers={self.leftovers}  erased-names={self.names}  failures={len(self.failures)}  "
                f"({self.seconds:.0f} s)")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("ERBM_DESK_DB", None)
    return env


def run_child(sc: Scenario, work: Path, home: Path, kill_after: float | None, at_commit: bool = False,
              timeout: float = 300):
    """Run the child; kill it `kill_after` seconds after GO (or, with `at_commit`, after the COMMIT line; None:
    let it finish). Returns (killed, seconds from GO to DONE)."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", sc.name, str(work), sc.extra, str(home)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)
    line = proc.stdout.readline().strip()
    if line != "GO":
        proc.kill()
        out, err = proc.communicate()
        raise RuntimeError(f"{sc.name}: the child did not start its write ({line!r}): {err[-2000:]}")
    go = time.monotonic()
    if kill_after is None:
        lines = [proc.stdout.readline().strip(), proc.stdout.readline().strip()]
        window = time.monotonic() - go
        _out, err = proc.communicate(timeout=timeout)
        if lines != ["COMMIT", "DONE"] or proc.returncode != 0:
            raise RuntimeError(f"{sc.name}: calibration run failed: {lines} {err[-2000:]}")
        return False, window
    if at_commit:
        proc.stdout.readline()  # blocks until the child is about to commit (or has died)
    time.sleep(kill_after)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=timeout)
    return killed, 0.0


def prepare(workdir: Path, home: Path, scenarios: list[str], scale: float) -> tuple[list[Scenario], list[str]]:
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.database.demo import generate_demo

    notes = []
    base = workdir / "reference.sqlite"
    open_database(str(base)).close()  # reference data only
    populated = workdir / "populated.sqlite"
    db = open_database(str(populated))
    with db.session() as s:
        generate_demo(s, seed=11, scale=scale)
    db.close()
    out: list[Scenario] = []
    for name in scenarios:
        if name == "demo":
            out.append(Scenario("demo", base, extra=f"7,{scale}"))
        elif name == "import":
            try:
                from erbm_desk.services.exchange import ExportOptions, export_workbook

                workbook = workdir / "classeur.xlsx"
                db = open_database(str(populated))
                with db.sessions() as s:
                    export_workbook(s, workbook, ExportOptions(anonymous=False))
                db.close()
                out.append(Scenario("import", base, extra=str(workbook)))
            except Exception as exc:  # noqa: BLE001 - the Excel import is another team's work in progress
                notes.append(f"import: scenario skipped, the Excel exchange is not usable here ({exc!r})")
        elif name == "restore":
            from erbm_desk.services.backup.copies import write_backup

            saved = workdir / "sauvegarde.sqlite"
            write_backup(base, saved)  # restoring the reference-only state over the populated base
            out.append(Scenario("restore", populated, extra=str(saved)))
        elif name == "backup":
            out.append(Scenario("backup", populated))
        elif name == "erase":
            before, person, backups = erase_scenario(workdir, populated, copy_db)
            out.append(Scenario("erase", before, extra=str(person), backups_from=backups))
    return out, notes


def calibrate(sc: Scenario, workdir: Path, home: Path) -> None:
    work = workdir / f"{sc.name}-calibration.sqlite"
    copy_db(sc.before_file, work)
    sc.before = counts_of(work)
    _killed, sc.window = run_child(sc, work, home, None)
    sc.after = counts_of(work)
    if sc.name not in ("backup", "erase") and sc.after == sc.before:
        raise RuntimeError(f"{sc.name}: the write changed nothing, the test would prove nothing")


def trial(sc: Scenario, workdir: Path, home: Path, rng: random.Random, outcome: Outcome, n: int) -> None:
    from erbm_desk.db.sqlite_files import quick_check_problems as backup_ok
    from erbm_desk.services.backup.listing import list_backups
    from erbm_desk.services.backup.location import backup_folder

    work = workdir / sc.name / f"{sc.name}.sqlite"  # a folder of its own: every file in it is this trial's
    shutil.rmtree(work.parent, ignore_errors=True)
    work.parent.mkdir()
    copy_db(sc.before_file, work)
    shutil.rmtree(backup_folder(work), ignore_errors=True)
    if sc.backups_from is not None:
        shutil.copytree(sc.backups_from, backup_folder(work))
    # Two kinds of instants: anywhere in the write (uniform over 1.15 x the measured window), or inside the
    # commit itself (0-40 ms after the child says it commits: WAL append, fsync, checkpoint).
    at_commit = rng.random() < 0.4
    delay = rng.uniform(0, 0.04) if at_commit else rng.uniform(0, sc.window * 1.15)
    killed, _ = run_child(sc, work, home, delay, at_commit)
    if not killed:
        outcome.finished_before_kill += 1
    else:
        outcome.kills += 1
    problems = check_file(work)
    counts = counts_of(work) if not problems else {}
    if not problems:
        if counts == sc.before:
            outcome.as_before += killed
        elif counts == sc.after:
            outcome.as_after += killed
        else:
            problems.append(f"counts neither before nor after: {counts}")
    for info in list_backups(work):
        whole_copy = not backup_ok(info.path, immutable=True)
        if not whole_copy or (sc.name == "backup" and info.counts != {k: v for k, v in sc.before.items()
                                                                     if k in info.counts}):
            problems.append(f"a listed backup is not whole: {info.path.name}")
            outcome.leftovers += 1
    if not problems:
        from erbm_desk.services.database.opening import DatabaseOpenError, open_database

        try:
            open_database(str(work), read_only=False).close()
        except DatabaseOpenError as exc:
            problems.append(f"the app cannot open it: {exc}")
        parts = [p.name for folder in (work.parent, backup_folder(work)) if folder.is_dir()
                 for p in folder.iterdir() if ".part" in p.name]
        if parts:
            outcome.leftovers += len(parts)
            problems.append(f"temporary files left after the next opening: {parts}")
        if sc.name == "erase":
            names = names_left(work, [work.parent, backup_folder(work)])
            if names:
                outcome.names += len(names)
                problems.append(f"the erased name is still in {names}")
    if problems:
        kept = workdir / f"FAILED-{sc.name}-{n}.sqlite"
        shutil.copy2(work, kept)
        when = f"{delay:.3f} s after {'COMMIT' if at_commit else 'GO'}"
        outcome.failures.append(f"trial {n} (kill {when}): {'; '.join(problems)} — kept as {kept}")


def run(kills: int, scenarios: list[str], scale: float, seed: int, keep: bool = False, out=print) -> list[Outcome]:
    rng = random.Random(seed)
    workdir = Path(tempfile.mkdtemp(prefix="erbm-faults-"))
    home = workdir / "home"
    home.mkdir()
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    results = []
    try:
        prepared, notes = prepare(workdir, home, scenarios, scale)
        for note in notes:
            out(note)
        for sc in prepared:
            started = time.monotonic()
            calibrate(sc, workdir, home)
            out(f"{sc.name}: write window {sc.window:.2f} s; before {sum(sc.before.values())} rows, "
                f"after {sum(sc.after.values())} rows")
            outcome = Outcome(sc.name)
            n = 0
            while outcome.kills < kills and n < kills * 4:
                n += 1
                trial(sc, workdir, home, rng, outcome, n)
            outcome.seconds = time.monotonic() - started
            out(outcome.line())
            for failure in outcome.failures:
                out("  FAILURE " + failure)
            results.append(outcome)
    finally:
        if not keep and not any(o.failures for o in results):
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            out(f"work files kept in {workdir}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=50, help="kills per scenario (default 50)")
    parser.add_argument("--scenario", action="append", choices=("demo", "import", "restore", "backup", "erase"))
    parser.add_argument("--scale", type=float, default=0.15, help="demo scale of the data written (default 0.15)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--json", action="store_true", help="print a JSON summary at the end")
    parser.add_argument("--child", nargs=4, metavar=("SCENARIO", "DB", "EXTRA", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    scenarios = args.scenario or ["demo", "import", "restore", "backup", "erase"]
    started = time.monotonic()
    results = run(args.kills, scenarios, args.scale, args.seed, args.keep)
    total_kills = sum(o.kills for o in results)
    total_failures = sum(len(o.failures) for o in results)
    print(f"TOTAL kills={total_kills} leftovers={sum(o.leftovers for o in results)} "
          f"erased-names={sum(o.names for o in results)} failures={total_failures} "
          f"in {time.monotonic() - started:.0f} s")
    if args.json:
        print(json.dumps([{**{k: v for k, v in vars(o).items() if k != "failures"}, "failures": len(o.failures)}
                          for o in results]))
    return 1 if total_failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
