"""Import of someone's own workbook: a contract × month workbook in a foreign layout (one row per contract and
month, the person, company, cité, operation and contract on every row, French headers of their own) against the
same data in our exchange format, both imported into an empty base in the same run.

The foreign workbook is made from the demo database (scale 1: ≈ 25 000 hour rows of ≈ 2 500 contracts): its
rows joined into one sheet of 21 columns (« Nom », « Prénom », « Né(e) le », « Genre », « BRSA »…, « Mois »,
« Heures réalisées »). It is imported first into an empty base, which is then exported in our format: the
workbook of the baseline holds exactly the records the foreign one describes. Each run imports into a fresh
empty base — ours: `plan_import` + `apply_import`; the foreign one: reading and proposing the mapping
(`Intake.open`), grouping and matching the records (`analyse`), the exchange's planner on them (`review`) and
the same `apply_import` — backups left out on both sides. Runs alternate (ours, theirs, ours, …) so that a change
of load on the shared machine falls on both. Target: the foreign layout in at most 2× the time of ours.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import demo_database, main_for, peak_memory_mb, reset_peak_memory, result  # noqa: E402

TARGET_RATIO = 2.0
HEADER = ["Nom", "Prénom", "Né(e) le", "Genre", "BRSA", "QPV", "DELD", "Employeur", "N° SIRET", "Type de structure",
          "Cité", "Commune", "Opération", "Nature", "Phase", "Type de contrat", "Modalité", "Date de début",
          "Date de fin", "Mois", "Heures réalisées"]
_SQL = """
SELECT b.last_name, b.first_name, b.birth_date, b.sex, b.rsa, b.qpv, b.deld, co.name, co.siret, co.kind,
       ci.name, cm.name, o.name, o.nature, o.phase, c.contract_type, c.delivery_method, c.start_date, c.end_date,
       h.month, h.hours
FROM hours_entry h JOIN contract c ON c.id = h.contract_id JOIN beneficiary b ON b.id = c.beneficiary_id
JOIN company co ON co.id = c.company_id JOIN operation o ON o.id = c.operation_id JOIN cite ci ON ci.id = o.cite_id
JOIN commune cm ON cm.id = ci.commune_id
WHERE b.last_name IS NOT NULL ORDER BY c.id, h.month
"""


def foreign_workbook(source: Path, target: Path) -> int:
    """The demo's hours as one sheet of someone's own layout; the number of data rows."""
    from datetime import date

    from openpyxl import Workbook

    from erbm_desk.domain.enums import CompanyKind, ContractType, DeliveryMethod, OperationNature, Phase

    labels = {e: {m.value: m.label for m in e} for e in (CompanyKind, ContractType, DeliveryMethod,
                                                          OperationNature, Phase)}
    conn = sqlite3.connect(source)
    rows = conn.execute(_SQL).fetchall()
    conn.close()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Suivi des heures")
    ws.append(["Suivi des heures d'insertion — extraction du tableau de bord du PLIE"])
    ws.append([])
    ws.append(HEADER)
    for r in rows:
        (last, first, birth, sex, rsa, qpv, deld, company, siret, kind, cite, commune, op, nature, phase, ctype,
         method, start, end, month, hours) = r
        ws.append([last, first, date.fromisoformat(birth), "F" if sex == "f" else "H", "X" if rsa else "",
                   "oui" if qpv else "non", "X" if deld else "", company, siret, labels[CompanyKind][kind], cite,
                   commune, op, labels[OperationNature][nature], labels[Phase][phase], labels[ContractType][ctype],
                   labels[DeliveryMethod][method], date.fromisoformat(start),
                   date.fromisoformat(end) if end else None, date.fromisoformat(month), hours / 100])
    wb.save(target)
    return len(rows)


def _empty_base(template: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, target)
    return target


def run(scale: float) -> list[dict]:
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.exchange import ExportOptions, apply_import, export_workbook, plan_import
    from erbm_desk.services.exchange.mapping.intake import Intake, analyse, review

    folder = Path(tempfile.mkdtemp(prefix="erbm-bench-mapping-"))
    foreign = folder / "suivi-plie.xlsx"
    rows = foreign_workbook(demo_database(scale), foreign)
    template = folder / "vide.sqlite"
    open_database(str(template)).close()  # migrated, with the reference data only

    def ours_into(path: Path, workbook: Path) -> None:
        db = open_database(str(path))
        try:
            with db.session() as s:
                apply_import(s, plan_import(s, workbook), check_database=False)
        finally:
            db.close()

    def foreign_into(path: Path) -> None:
        db = open_database(str(path))
        try:
            intake = Intake.open(foreign)
            with db.session() as s:
                analysis = analyse(s, intake)
                assert not analysis.gaps, [g.message for g in analysis.gaps]
                checked = review(s, intake, analysis)
                assert checked.ok, [str(p) for p in checked.problems[:5]]
                apply_import(s, checked.plan, check_database=False)
        finally:
            db.close()

    # the same data in our format: the foreign workbook imported once, then exported
    first = _empty_base(template, folder / "reference.sqlite")
    foreign_into(first)
    ours = folder / "echange.xlsx"
    db = open_database(str(first))
    with db.session() as s:
        export_workbook(s, ours, ExportOptions(anonymous=False))
        hours = s.execute(__import__("sqlalchemy").text("SELECT count(*) FROM hours_entry")).scalar()
    db.close()

    repeat = 3 if scale >= 10 else 5
    walls: dict[str, list[float]] = {"ours": [], "foreign": []}
    for _ in range(repeat):
        for side in ("ours", "foreign"):
            target = _empty_base(template, folder / f"{side}.sqlite")
            started = time.perf_counter()
            ours_into(target, ours) if side == "ours" else foreign_into(target)
            walls[side].append(time.perf_counter() - started)
    median = {k: sorted(v)[len(v) // 2] for k, v in walls.items()}
    target = _empty_base(template, folder / "peak.sqlite")
    reset_peak_memory()
    foreign_into(target)
    peak = peak_memory_mb()
    shutil.rmtree(folder, ignore_errors=True)
    ratio = median["foreign"] / median["ours"]
    verdict = "objectif tenu" if ratio <= TARGET_RATIO else "objectif manqué"
    return [result(
        f"import of a foreign contract × month workbook ({rows} rows)", median["foreign"], median["ours"], peak,
        baseline="the same records in our exchange format (plan_import + apply_import)",
        note=f"{hours} hour rows; median of {repeat} alternated runs each; target ≤ {TARGET_RATIO:g}× ({verdict})",
    )]


if __name__ == "__main__":
    main_for(run)
