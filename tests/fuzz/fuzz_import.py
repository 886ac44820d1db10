"""Fuzzing the workbook import: mutated and malformed workbooks fed to `plan_import` / `apply_import`.

    .venv/bin/python -m tests.fuzz.fuzz_import --files 1000 --seed 7      # the full run (a few minutes)

Reproducible: the same seed gives the same files. Each file must end in a clean French refusal
(ExcelFileError, or a plan with errors) or a correct import; nothing else may be raised, and the database
must be exactly as before (row counts and a SHA-256 of every table's rows) after every refused file.
Imports are applied in a transaction that is then rolled back, so every file meets the same database.
The test suite runs a small-count version (tests/fuzz/test_fuzz_import.py).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import shutil
import struct
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

CELL_VALUES = (
    "=1+1", "=HYPERLINK(\"http://evil.example\",\"clic\")", "=cmd|' /C calc'!A0", "@SUM(A1:A2)", "+33 6 12",
    "-12", "\t=2", "12,5", "1e308", "-0,01", "31/02/2024", "2024-13-01", "01/02/2024", "", " ", "x" * 5000,
    "\x01\x02\x1f", "NaN", "inf", "Oui", "non", "peut-être", "1 85 05 78 006 084 36", "'", "\"", "<b>&amp;</b>",
    "DROP TABLE beneficiary;", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "2A", "0", -1, 0, 10**20, 3.14159, -7.5, 743.99, True, None,
)
FORMULAS = ("=1/0", "=SUM(1,2)", "=WEBSERVICE(\"http://x\")", "=A1", "=INDIRECT(\"A\"&1)")


@dataclass
class Outcome:
    kind: str
    result: str  # "imported", "rejected", "crash"
    message: str = ""


@dataclass
class FuzzReport:
    tried: int = 0
    imported: int = 0
    rejected: int = 0
    crashes: int = 0
    changed_after_rejection: int = 0
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, o: Outcome) -> None:
        self.tried += 1
        setattr(self, o.result if o.result != "crash" else "crashes",
                getattr(self, o.result if o.result != "crash" else "crashes") + 1)
        self.by_kind.setdefault(o.kind, {}).setdefault(o.result, 0)
        self.by_kind[o.kind][o.result] += 1

    def summary(self) -> str:
        lines = [f"fichiers essayés : {self.tried} — importés : {self.imported} — refusés : {self.rejected} — "
                 f"plantages : {self.crashes} — base modifiée après un refus : {self.changed_after_rejection} "
                 f"({self.seconds:.0f} s)"]
        for kind, counts in sorted(self.by_kind.items()):
            lines.append(f"  {kind:<16} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        lines += [f"  ÉCHEC : {f}" for f in self.failures[:20]]
        return "\n".join(lines)


# --- Mutations ---------------------------------------------------------------------------------------------

def rezip(base: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None,
           compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            if replace and info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
                continue
            dst.writestr(info.filename, src.read(info.filename))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def _names(base: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        return [i.filename for i in zf.infolist()]


def _sheet_parts(base: bytes) -> list[str]:
    return [n for n in _names(base) if n.startswith("xl/worksheets/sheet")]


def m_flip(rng, base):
    data = bytearray(base)
    for _ in range(rng.randint(1, 40)):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    return bytes(data), ".xlsx"


def m_truncate(rng, base):
    return base[: rng.randrange(0, len(base))], ".xlsx"


def _patch_central_sizes(base: bytes, fn) -> bytes:
    data = bytearray(base)
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        comp, uncomp = struct.unpack_from("<II", data, pos + 20)
        new_comp, new_uncomp = fn(comp, uncomp)
        struct.pack_into("<II", data, pos + 20, new_comp, new_uncomp)
        pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(data)


def m_declared_huge(rng, base):
    return _patch_central_sizes(base, lambda c, u: (c, rng.choice((0xFFFFFFF0, 2**31, u * 5000 + 10**9)))), ".xlsx"


def m_declared_small(rng, base):
    return _patch_central_sizes(base, lambda c, u: (c, max(0, u // rng.randint(2, 50)))), ".xlsx"


_BOMB_CACHE: dict[int, bytes] = {}


def m_bomb(rng, base):
    size = rng.choice((20, 60, 300))  # MiB of inflated data
    if size not in _BOMB_CACHE:
        sheet = _sheet_parts(base)[0]
        filler = b"<row>" + b"<c><v>0</v></c>" * 1000 + b"</row>"
        payload = filler * (size * 1024 * 1024 // len(filler))
        _BOMB_CACHE[size] = rezip(base, replace={sheet: payload})
    return _BOMB_CACHE[size], ".xlsx"


def m_content_types(rng, base):
    choice = rng.randrange(4)
    if choice == 0:
        return rezip(base, replace={"[Content_Types].xml": None}), ".xlsx"
    if choice == 1:
        return rezip(base, replace={"[Content_Types].xml": bytes(rng.randrange(256) for _ in range(500))}), ".xlsx"
    if choice == 2:
        macro = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' \
                b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
        return rezip(base, replace={"[Content_Types].xml": macro}), ".xlsx"
    return rezip(base, replace={"xl/workbook.xml": b"<workbook>pas du tout</workbook>"}), ".xlsx"


def m_macro(rng, base):
    if rng.random() < 0.5:
        return base, ".xlsm"
    return rezip(base, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(200)}), ".xlsx"


def _openpyxl_mutate(base: bytes, edit) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(base))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def m_cells(rng, base):
    def edit(wb):
        sheets = [ws for ws in wb.worksheets if ws.max_row > 1]
        for _ in range(rng.randint(1, 12)):
            ws = rng.choice(sheets)
            r, c = rng.randint(1, ws.max_row + 2), rng.randint(1, ws.max_column + 1)
            value = rng.choice(CELL_VALUES)
            try:
                ws.cell(r, c).value = value
            except Exception:  # noqa: BLE001 - openpyxl refuses control characters: keep them out
                ws.cell(r, c).value = "?"
    return _openpyxl_mutate(base, edit), ".xlsx"


def m_formulas(rng, base):
    def edit(wb):
        sheets = [ws for ws in wb.worksheets if ws.max_row > 1]
        for _ in range(rng.randint(1, 6)):
            ws = rng.choice(sheets)
            ws.cell(rng.randint(2, ws.max_row), rng.randint(1, ws.max_column)).value = rng.choice(FORMULAS)
    return _openpyxl_mutate(base, edit), ".xlsx"


def m_nir(rng, base):
    def edit(wb):
        ws = next(ws for ws in wb.worksheets if ws.title.startswith("Bénéficiaires"))
        header_row = next(r for r in range(1, 30) if ws.cell(r, 1).value)
        col = ws.max_column + 1
        ws.cell(header_row, col).value = rng.choice(("NIR", "N° sécu", "Numéro de sécurité sociale", "N° SS"))
        for r in range(header_row + 1, ws.max_row + 1):
            ws.cell(r, col).value = f"1{rng.randint(40, 99)}{rng.randint(1, 12):02d}62{rng.randint(100, 999)}{rng.randint(100, 999)}"
    return _openpyxl_mutate(base, edit), ".xlsx"


def m_garbage(rng, base):
    choice = rng.randrange(6)
    if choice == 0:
        return b"", ".xlsx"
    if choice == 1:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 5000))), ".xlsx"
    if choice == 2:
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), ".xlsx"
    if choice == 3:
        return rezip(base, add={"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"},
                      replace={"xl/workbook.xml": None}), ".xlsx"
    if choice == 4:
        lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;") * 10) for i in range(1, 10)) + \
            b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
        return rezip(base, replace={"xl/sharedStrings.xml": lol}), ".xlsx"
    sheet = rng.choice(_sheet_parts(base))
    return rezip(base, replace={sheet: b'<worksheet><dimension ref="A1:XFD1048576"/><sheetData>' +
                                 b"<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row></sheetData></worksheet>"}), ".xlsx"


def m_intact(rng, base):
    return base, ".xlsx"


MUTATIONS = {
    "intact": m_intact, "octets": m_flip, "tronqué": m_truncate, "taille-énorme": m_declared_huge,
    "taille-menteuse": m_declared_small, "bombe-zip": m_bomb, "types-contenu": m_content_types,
    "macros": m_macro, "cellules": m_cells, "formules": m_formulas, "nir": m_nir, "n-importe-quoi": m_garbage,
}
WEIGHTS = {"intact": 1, "octets": 6, "tronqué": 3, "taille-énorme": 2, "taille-menteuse": 2, "bombe-zip": 1,
           "types-contenu": 2, "macros": 2, "cellules": 6, "formules": 3, "nir": 2, "n-importe-quoi": 3}


# --- Database snapshot -------------------------------------------------------------------------------------

def snapshot(db) -> dict[str, tuple[int, str]]:
    from erbm_desk.db.models import Base

    result = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            digest = hashlib.sha256()
            n = 0
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
                n += 1
            result[table.name] = (n, digest.hexdigest())
    return result


# --- The run -----------------------------------------------------------------------------------------------

def _is_clean_message(text: str) -> bool:
    return bool(text) and "Traceback" not in text and isinstance(text, str)


def try_file(db, path: Path, kind: str) -> Outcome:
    from erbm_desk.services.exchange import ExcelFileError, apply_import, plan_import

    try:
        with db.sessions() as s:
            try:
                plan = plan_import(s, path)
                for i, conflict in enumerate(plan.conflicts):  # the user's decisions, alternately
                    conflict.choice = "file" if i % 2 else "local"
                if plan.ok and not plan.unresolved:
                    summary = apply_import(s, plan)
                    s.flush()
                    return Outcome(kind, "imported", f"{summary.total} écriture(s)")
                messages = [p.text if hasattr(p, "text") else str(p) for p in plan.errors] or \
                    [f"{len(plan.unresolved)} conflit(s)"]
                if not all(_is_clean_message(m) for m in messages):
                    return Outcome(kind, "crash", f"message d'erreur douteux : {messages[:3]}")
                return Outcome(kind, "rejected", messages[0])
            finally:
                s.rollback()
    except ExcelFileError as exc:
        if not _is_clean_message(str(exc)):
            return Outcome(kind, "crash", f"message douteux : {exc!r}")
        return Outcome(kind, "rejected", str(exc))
    except Exception:  # noqa: BLE001 - this is exactly what the fuzzing looks for
        return Outcome(kind, "crash", traceback.format_exc(limit=6))


def prepare(workdir: Path, scale: float = 0.02):
    """The target database (demo seed 1) and two base workbooks: its own export, and another site's."""
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.database.demo import generate_demo
    from erbm_desk.services.exchange import ExportOptions, export_workbook

    other = open_database(str(workdir / "autre.sqlite"))
    with other.session() as s:
        generate_demo(s, seed=2, scale=scale)
        export_workbook(s, workdir / "autre.xlsx", ExportOptions(anonymous=False))
    other.close()
    db = open_database(str(workdir / "cible.sqlite"))
    with db.session() as s:
        generate_demo(s, seed=1, scale=scale)
        export_workbook(s, workdir / "propre.xlsx", ExportOptions(anonymous=False))
        export_workbook(s, workdir / "anonyme.xlsx", ExportOptions(anonymous=True))
    bases = [(workdir / n).read_bytes() for n in ("propre.xlsx", "autre.xlsx", "anonyme.xlsx")]
    return db, bases


def run(files: int = 1000, seed: int = 7, workdir: Path | None = None, progress=None) -> FuzzReport:
    own = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="erbm-fuzz-")) if own else Path(workdir)
    rng = random.Random(seed)
    report = FuzzReport()
    started = time.perf_counter()
    db, bases = prepare(workdir)
    try:
        reference = snapshot(db)
        kinds = [k for k, w in WEIGHTS.items() for _ in range(w)]
        for i in range(files):
            kind = "intact" if i < 3 else rng.choice(kinds)
            base = bases[i % len(bases)] if i < 3 else rng.choice(bases)
            data, suffix = MUTATIONS[kind](rng, base)
            path = workdir / f"f{i:05d}{suffix}"
            path.write_bytes(data)
            outcome = try_file(db, path, kind)
            report.add(outcome)
            if outcome.result == "crash":
                report.failures.append(f"{path.name} ({kind}) : {outcome.message}")
                shutil.copy(path, workdir / f"plantage-{path.name}")
            after = snapshot(db)
            if after != reference:
                report.changed_after_rejection += 1
                report.failures.append(f"{path.name} ({kind}) : base modifiée ({outcome.result})")
                reference = after
            path.unlink()
            if progress:
                progress(i + 1, files)
    finally:
        db.close()
        report.seconds = time.perf_counter() - started
        if own:
            shutil.rmtree(workdir, ignore_errors=True)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Fuzzing de l'import de classeurs")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", help="dossier de travail gardé (les fichiers qui plantent y restent)")
    args = parser.parse_args(argv)

    def show(i, n):
        if i % 100 == 0 or i == n:
            print(f"  {i}/{n}", file=sys.stderr, flush=True)

    report = run(args.files, args.seed, Path(args.workdir) if args.workdir else None, progress=show)
    print(report.summary())
    return 0 if report.crashes == 0 and report.changed_after_rejection == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
