"""The exchange workbook, version 2: marchés and lots travel in their own sheets, contracts keyed to their lot;
a workbook of version 1 (made by the previous version of the app) still imports."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from erbm_desk.db.models import Contract, HoursEntry, Lot
from erbm_desk.services.clauses.obligations import lot_lines, titulaire_lines
from tests.clauses.dataset import AS_OF_FINISHED, AS_OF_RUNNING, build_clauses_dataset
from tests.services.test_excel_support import export, fresh_db, import_file, indicators, sheet_dicts, workbook_values

V1_WORKBOOK = Path(__file__).resolve().parent.parent / "data" / "exchange-v1-cite-crombez.xlsx"


def _figures(db, as_of):
    """Every figure of every lot and titulaire, named by marché and lot number (ids differ between bases)."""
    with db.session() as s:
        lots = {(line.marche, line.number): (line.label, line.company, line.siret, line.owner, line.cite, line.start,
                                             line.end, line.terms, line.obligation, line.penalty, line.by_month)
                for line in lot_lines(s, as_of)}
        companies = {c.siret: (c.lots, c.lots_behind, c.obligation) for c in titulaire_lines(s, as_of)}
    return lots, companies


def test_v2_round_trip_keeps_every_lot_figure(tmp_path):
    source = fresh_db(tmp_path, "source")
    with source.session() as s:
        build_clauses_dataset(s)
    path = export(source, tmp_path / "v2.xlsx", anonymous=False)
    values = workbook_values(path)
    assert [n for n in values if n in ("Marchés", "Lots")] == ["Marchés", "Lots"]
    readme = {r[0]: r[1] for r in values["Lisez-moi"] if r and r[0]}
    assert readme["Version du format"] == 2
    lots = sheet_dicts(path, "Lots")
    assert {(r["N° de lot"], r["Intitulé du lot"], r["Titulaire"]) for r in lots} == {
        ("1", "Gros œuvre", "Bâtiment Gohelle (73282932000074)"),
        ("2", "Menuiseries extérieures", "ETTI du Bassin (35600000000048)"),
        ("1", "Isolation", "Bâtiment Gohelle (73282932000074)")}
    attached = [r["Lot"] for r in sheet_dicts(path, "Contrats") if r["Lot"]]
    assert len(attached) == 3 and all(text.startswith("Lot 1 / 20") for text in attached)

    copy = fresh_db(tmp_path, "copy")
    import_file(copy, path)
    for as_of in (AS_OF_RUNNING, AS_OF_FINISHED):
        assert _figures(copy, as_of) == _figures(source, as_of)
    assert indicators(copy) == indicators(source)  # hours required from the lots on both sides
    import_file(copy, path)  # the same workbook again changes nothing
    with copy.session() as s:
        assert s.scalar(select(func.count()).select_from(Lot)) == 3
    source.close()
    copy.close()


def test_a_version_1_workbook_imports_and_its_contracts_attach_as_before(tmp_path):
    """`exchange-v1-cite-crombez.xlsx` was exported (nominative, one cité) by the version before marchés."""
    assert workbook_values(V1_WORKBOOK)["Lisez-moi"][3][1] == 1  # « Version du format »
    db = fresh_db(tmp_path, "v1")
    plan = import_file(db, V1_WORKBOOK)
    assert not [p for p in plan.problems if not p.notice]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Contract)) == 13
        assert s.scalar(select(func.count()).select_from(Contract).where(Contract.lot_id.is_not(None))) == 0
        assert s.scalar(select(func.count()).select_from(HoursEntry)) == 136
    again = import_file(db, V1_WORKBOOK)
    assert again.writes == 0
    db.close()
