"""Feeding the hostile files to the import, and counting what must never happen.

    .venv/bin/python -m tests.hostile.runner                 # full size: every case of every family (≥ 3 000)
    .venv/bin/python -m tests.hostile.runner --per-family 12 # the bounded run of the test suite
    .venv/bin/python -m tests.hostile.runner --family dates --family texts --keep

Each file is planned (`plan_import`, as the CLI and the window do) against the same small demo database, in a
worker process: a file that kills the worker counts as an ABORT (and a new worker takes over). Counted per family:

- imported / refused: a file is refused by a French message (ExcelFileError) or a plan with errors;
- traceback: any other exception, or a refusal whose message carries a traceback or English library text;
- abort: the worker process died (a crash no `except` catches);
- changed: the database differs (row counts and a digest of every table) after the file was refused;
- silent: the file was accepted, its hostile cell was not read faithfully (a number that became another text,
  a date whose time went), and no notice of the preview says so;
- fatal-later: an accepted file, once imported (in a transaction rolled back afterwards), breaks a later command:
  the indicators, an export and its re-import (which must be clean and change nothing), hours statements;
- structural files (zip bombs, entities, dimensions) must be refused: one accepted counts as a failure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BAD = ("traceback", "abort", "changed", "silent", "fatal-later", "accepted-structural", "generator")
# English words a French message never holds: library text that leaked into what the user reads.
_ENGLISH = re.compile(r"\b(the|is|not|of|and|error|invalid|failed|unable|cannot|expected|file|found|bytes|"
                      r"space left|malformed|object|subscriptable|out of range|Traceback)\b", re.IGNORECASE)


def english_in(message: str) -> str | None:
    """The first English word of a message (outside « quoted » values), or None."""
    unquoted = re.sub(r"«[^»]*»", "", message)
    found = _ENGLISH.search(unquoted)
    return found.group() if found else None


# --- one case ------------------------------------------------------------------------------------------------

def snapshot(db_path: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def _faithful(kind: str, raw: Any, read: Any) -> bool:
    """Is `read` what a person means by the cell `raw` in a column of this kind (no information lost)?"""
    from erbm_desk.domain import values as v

    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return read in (None, False)
    number = isinstance(raw, (int, float)) and not isinstance(raw, bool)
    try:
        if kind in ("text", "pseudonym", "ref"):
            if isinstance(raw, str):
                return kind == "ref" or read == " ".join(raw.split())
            return number and float(raw).is_integer() and (kind == "ref" or read == str(int(raw)))
        if kind == "int":
            return (number and float(raw).is_integer() and read == int(raw)) or (
                isinstance(raw, str) and read == v.parse_int(raw))
        if kind in ("decimal", "money"):
            return (number and read == Decimal(repr(float(raw)))) or (isinstance(raw, str) and read == v.parse_decimal(raw))
        if kind == "date":
            if isinstance(raw, datetime):
                return raw.time() == datetime.min.time() and read == raw.date()
            return (isinstance(raw, date) and read == raw) or (isinstance(raw, str) and read == v.parse_date(raw))
        if kind == "month":
            if isinstance(raw, datetime):
                return raw.time() == datetime.min.time() and raw.day == 1 and read == raw.date()
            if isinstance(raw, date):
                return raw.day == 1 and read == raw
            return isinstance(raw, str) and v.parse_month(raw) == read and raw.count("/") + raw.count("-") == 1
        if kind == "bool":
            return (isinstance(raw, bool) and read is raw) or (number and raw in (0, 1) and read is bool(raw)) or (
                isinstance(raw, str) and read is v.parse_bool(raw))
        if kind == "enum":
            return isinstance(raw, str)
        return True  # identifiers, time stamps, fingerprints: not values of the record
    except ValueError:
        return False


def _read_value(plan, probe) -> tuple[bool, Any]:
    """(found, value read) for the probe's cell in the plan."""
    from erbm_desk.domain.entities import SPECS
    from erbm_desk.services.exchange import sheet_format as fmt

    for sp in plan.sheets.values():
        if sp.sheet != probe.sheet:
            continue
        index = fmt.header_index(SPECS[sp.entity]) if sp.entity in SPECS else {}
        col = index.get(fmt.header_key(probe.header))
        key = col.column.key if col is not None and col.column is not None else None
        for rp in sp.rows:
            if rp.row == probe.row:
                if key is None or col.role.value != "field":
                    return False, None
                # an unchanged row keeps no values of its own: it reads as the record it matched
                return True, (rp.values or rp.final).get(key)
    return False, None


def _noticed(plan, probe) -> bool:
    return any(p.sheet == probe.sheet and p.row == probe.row and probe.header in (p.column or "")
               for p in plan.notices)


def _later_commands(session, path: Path, work: Path) -> list[str]:
    """Import the accepted file, then run what comes after, in the same transaction (rolled back by the caller):
    the indicators, an export and its re-import (clean, nothing to write), the hours statements of a few months.
    Returns what failed."""
    from sqlalchemy import select

    from erbm_desk.db.models import Company, Contract, HoursEntry
    from erbm_desk.services.exchange import ExportOptions, apply_import, export_workbook, plan_import, write_releve
    from erbm_desk.services.reporting.engine import report

    failures = []
    try:
        plan = plan_import(session, path)
        for conflict in plan.conflicts:
            conflict.choice = "file"
        apply_import(session, plan, check_database=False)
        session.flush()
        report(session)
        again = work / "reexport.xlsx"
        export_workbook(session, again, ExportOptions(anonymous=False))
        back = plan_import(session, again)
        if not back.ok:
            failures.append(f"ré-import de son propre export refusé : {[str(e) for e in back.errors[:2]]}")
        elif back.writes:
            failures.append(f"ré-import de son propre export : {back.writes} écriture(s) au lieu de 0")
        months = session.execute(select(Company.siret, HoursEntry.month).join(Contract, Contract.company_id == Company.id)
                                 .join(HoursEntry, HoursEntry.contract_id == Contract.id).distinct().limit(3)).all()
        for siret, month in months:
            write_releve(session, siret, month, work / "releve-apres.xlsx")
    except Exception as exc:  # noqa: BLE001 - what this check looks for
        failures.append("".join(traceback.format_exception_only(type(exc), exc)).strip()[:300])
    return failures


def run_case(db, base, case, work: Path, reference: str) -> dict[str, Any]:
    from erbm_desk.services.exchange import ExcelFileError, plan_import

    path = work / "cas.xlsx"
    try:
        path.write_bytes(case.build())
    except Exception as exc:  # noqa: BLE001 - a generator that cannot make its file: a bug of the suite
        return {"family": case.family, "name": case.name, "result": "generator", "detail": repr(exc)[:300]}
    out: dict[str, Any] = {"family": case.family, "name": case.name}
    plan = None
    try:
        with db.sessions() as s:
            plan = plan_import(s, path)
            s.rollback()
        messages = [str(p) for p in plan.errors]
    except ExcelFileError as exc:
        messages = [str(exc)]
        out["result"] = "refused"
    except Exception as exc:  # noqa: BLE001 - exactly what is counted
        out["result"] = "traceback"
        out["detail"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-4))[-1500:]
        return out
    if snapshot(base.db_path) != reference:
        out["result"] = "changed"
        return out
    for message in messages:
        word = english_in(message)
        if "Traceback" in message or word:
            out["result"] = "traceback"
            out["detail"] = f"message non français ({word}) : {message[:300]}"
            return out
    if plan is None or not plan.ok:
        out["result"] = "refused"
        out["message"] = messages[0][:200] if messages else ""
        return out
    if case.expect_refusal:
        out["result"] = "accepted-structural"
        return out
    out["result"] = "imported"
    if case.probe is not None:
        found, read = _read_value(plan, case.probe)
        if found and not _faithful(case.probe.kind, case.probe.value, read) and not _noticed(plan, case.probe):
            out["result"] = "silent"
            out["detail"] = f"{case.probe.header} : {case.probe.value!r} lu {read!r} sans remarque"
            return out
        if plan.writes:
            with db.sessions() as s:
                try:
                    failures = _later_commands(s, path, work)
                finally:
                    s.rollback()
            if failures:
                out["result"] = "fatal-later"
                out["detail"] = " ; ".join(failures)
            if snapshot(base.db_path) != reference:
                out["result"] = "changed"
    return out


# --- the worker and the parent ---------------------------------------------------------------------------------

def worker(folder: Path, families: list[str] | None) -> None:
    from tests.hostile.base import load
    from tests.hostile.generators import all_cases

    from erbm_desk.services.database.opening import open_database

    base = load(folder)
    cases = all_cases(base, families)
    work = Path(tempfile.mkdtemp(prefix="travail-", dir=folder))
    db = open_database(str(base.db_path))
    reference = snapshot(base.db_path)
    for line in sys.stdin:
        index = int(line)
        result = run_case(db, base, cases[index], work, reference)
        if result["result"] == "changed":
            reference = snapshot(base.db_path)
        sys.stdout.write(json.dumps(result, default=str) + "\n")
        sys.stdout.flush()


@dataclass
class Tally:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, result: dict[str, Any]) -> None:
        family = self.counts.setdefault(result["family"], {})
        family[result["result"]] = family.get(result["result"], 0) + 1
        if result["result"] in BAD:
            self.failures.append(f"[{result['family']}] {result['name']} : {result['result']} — "
                                 f"{result.get('detail', '')}")

    def total(self, what: str) -> int:
        return sum(c.get(what, 0) for c in self.counts.values())

    @property
    def files(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())

    @property
    def ok(self) -> bool:
        return not any(self.total(what) for what in BAD)

    def table(self) -> str:
        head = ("famille", "fichiers", "importés", "refusés", "tracebacks", "arrêts", "base modifiée",
                "coercitions muettes", "fatal ensuite", "structurel accepté")
        keys = ("imported", "refused", "traceback", "abort", "changed", "silent", "fatal-later", "accepted-structural")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for family, c in self.counts.items():
            lines.append(f"| {family} | {sum(c.values())} | " + " | ".join(str(c.get(k, 0)) for k in keys) + " |")
        lines.append(f"| **total** | {self.files} | " + " | ".join(str(self.total(k)) for k in keys) + " |")
        return "\n".join(lines)


def run(folder: Path, indices: list[int], families: list[str] | None, progress=None) -> Tally:
    """Every case of `indices` through worker processes (a new one after each crash)."""
    tally = Tally()
    started = time.monotonic()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    args = [sys.executable, "-m", "tests.hostile.runner", "--worker", str(folder)]
    for family in families or ():
        args += ["--family", family]
    pending = list(indices)
    proc = None
    while pending:
        if proc is None or proc.poll() is not None:
            proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, env=env, cwd=ROOT)
        index = pending.pop(0)
        proc.stdin.write(f"{index}\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            proc.wait()
            err = proc.stderr.read()[-800:]
            tally.add({"family": _family_of(folder, families, index), "name": f"cas n° {index}", "result": "abort",
                       "detail": f"code {proc.returncode} : {err}"})
            proc = None
        else:
            tally.add(json.loads(line))
        if progress:
            progress(tally.files, len(indices))
    if proc is not None:
        proc.stdin.close()
        proc.wait()
    tally.seconds = time.monotonic() - started
    return tally


_NAMES: dict[int, str] = {}


def _family_of(folder: Path, families: list[str] | None, index: int) -> str:
    if not _NAMES:
        from tests.hostile.base import load
        from tests.hostile.generators import all_cases

        _NAMES.update(enumerate(c.family for c in all_cases(load(folder), families)))
    return _NAMES.get(index, "?")


def prepare_and_select(folder: Path, families: list[str] | None, per_family: int | None) -> list[int]:
    from tests.hostile.base import prepare
    from tests.hostile.generators import all_cases, sample

    base = prepare(folder)
    cases = all_cases(base, families)
    chosen = sample(cases, per_family) if per_family else cases
    ids = {id(c) for c in chosen}
    return [i for i, c in enumerate(cases) if id(c) in ids]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--family", action="append", help="only this family (repeatable)")
    parser.add_argument("--per-family", type=int, help="at most N cases per family (the bounded run)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(Path(args.worker), args.family)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="erbm-hostile-"))
    home = folder / "home"
    os.environ.update(XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
                      XDG_STATE_HOME=str(home / "state"))
    os.environ.setdefault("ERBM_DESK_AUDIT_KEY", "clé du journal des essais hostiles : 32 caractères et plus")
    try:
        indices = prepare_and_select(folder, args.family, args.per_family)

        def show(done: int, total: int) -> None:
            if done % 100 == 0 or done == total:
                print(f"  {done}/{total}", file=sys.stderr, flush=True)

        tally = run(folder, indices, args.family, show)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(tally.table())
    print(f"{tally.files} fichiers en {tally.seconds:.0f} s")
    for failure in tally.failures[:40]:
        print("ÉCHEC", failure)
    return 0 if tally.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
