"""The territory's dashboard from the report cache (kept figures, only the cités a write touched computed again,
figures stored in the database) is always the dashboard a fresh computation gives: after every kind of write,
an import, a restore and a schema upgrade."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import func, select

from erbm_desk.db.models import (
    Beneficiary,
    Cite,
    Company,
    Contract,
    EligibilityCheck,
    Funding,
    HoursEntry,
    Lot,
    Marche,
    Operation,
    PathExit,
)
from erbm_desk.domain.enums import ExitOutcome, Funder, Phase
from erbm_desk.services.database.demo import generate_demo
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.hours.month_grid import save_month
from erbm_desk.services.records.writes import delete_record, save_record
from erbm_desk.services.clauses import obligations, overview
from erbm_desk.services.reporting import engine, figures_json, report_cache
from erbm_desk.services.reporting.dashboard_data import dashboard_data
from erbm_desk.services.reporting.report_cache import territory_dashboard

BASE_0004 = Path(__file__).resolve().parent.parent / "data" / "base-schema-0004.sqlite"


@pytest.fixture
def demo_db(db):
    with db.session() as s:
        generate_demo(s, seed=4, scale=0.05)
    return db


@pytest.fixture
def computed(monkeypatch):
    """The cités each call of the engine computed: None for all of them."""
    calls: list = []
    real = engine.report

    def spy(session, *args, only_cites=None, **kwargs):
        calls.append(None if only_cites is None else set(only_cites))
        return real(session, *args, only_cites=only_cites, **kwargs)

    monkeypatch.setattr(report_cache, "report", spy)
    return calls


def same_as_fresh(db) -> None:
    with db.sessions() as s:
        cached = territory_dashboard(s)
    with db.sessions() as s:
        fresh = dashboard_data(s)
    assert cached.indicators == fresh.indicators
    assert cached == fresh


def first(s, model, *where):
    return s.scalar(select(model).where(*where).order_by(model.id).limit(1))


def cite_of_contract(s, contract_id: int) -> int:
    return s.scalar(select(Operation.cite_id).join(Contract, Contract.operation_id == Operation.id)
                    .where(Contract.id == contract_id))


def test_after_each_kind_of_write_only_the_cites_touched_are_computed_again(demo_db, computed):
    db = demo_db
    same_as_fresh(db)
    assert computed == [None]  # the first time: everything
    with db.session() as s:
        entry = first(s, HoursEntry)
        save_record(s, "hours_entry", {"hours": entry.hours + D("2.25")}, entry.id)
        touched = cite_of_contract(s, entry.contract_id)
    computed.clear()
    same_as_fresh(db)
    assert computed == [{touched}]

    writes = []

    def month(s):  # the « Heures » grid's save: one batch write
        contracts = s.scalars(select(Contract.id).where(Contract.start_date <= date(2024, 6, 1),
                                                        (Contract.end_date.is_(None)) | (Contract.end_date
                                                                                          >= date(2024, 6, 1)))
                              .limit(6)).all()
        save_month(s, date(2024, 6, 1), {cid: D("12.5") for cid in contracts})
    writes.append(month)

    def erase_entry(s):
        delete_record(s, "hours_entry", first(s, HoursEntry).id)
    writes.append(erase_entry)

    def person_turns_young(s):  # the person's age changes « moins de 26 ans » in every cité of their contracts
        ben = first(s, Beneficiary, Beneficiary.birth_date.is_not(None))
        save_record(s, "beneficiary", {"birth_date": date(2004, 1, 1)}, ben.id)
    writes.append(person_turns_young)

    def person_rsa_at_entry(s):  # a check dated at the person's entry: their publics in each cité of theirs
        ben = s.scalar(select(Beneficiary).join(Contract).order_by(Beneficiary.id).limit(1))
        entry = s.scalar(select(func.min(Contract.start_date)).where(Contract.beneficiary_id == ben.id))
        check = s.scalar(select(EligibilityCheck).where(EligibilityCheck.beneficiary_id == ben.id,
                                                        EligibilityCheck.check_date == entry))
        if check is None:
            save_record(s, "eligibility_check", {"beneficiary_id": ben.id, "check_date": entry, "rsa": True})
        else:
            save_record(s, "eligibility_check", {"rsa": not check.rsa}, check.id)
    writes.append(person_rsa_at_entry)

    def person_exits(s):
        ben = s.scalar(select(Beneficiary).join(Contract).outerjoin(PathExit).where(PathExit.id.is_(None))
                       .order_by(Beneficiary.id).limit(1))
        save_record(s, "path_exit", {"beneficiary_id": ben.id, "exit_date": date(2025, 5, 31),
                                     "outcome": ExitOutcome.TRAINING})
    writes.append(person_exits)

    def lot_hours_change(s):  # the hours its operation requires: the sum of its lots'
        lot = first(s, Lot, Lot.hours_stated.is_not(None))
        save_record(s, "lot", {"hours_stated": lot.hours_stated + 100}, lot.id)
    writes.append(lot_hours_change)

    def lot_changes_titulaire(s):  # a company's lots on one cité go to another: both lines change
        lot = first(s, Lot)
        cite = s.scalar(select(Operation.cite_id).join(Marche).where(Marche.id == lot.marche_id))
        other = s.scalar(select(Lot.company_id).where(Lot.company_id != lot.company_id).order_by(Lot.id).limit(1))
        on_cite = select(Marche.id).join(Operation).where(Operation.cite_id == cite)
        for moved in s.scalars(select(Lot).where(Lot.marche_id.in_(on_cite), Lot.company_id == lot.company_id)):
            save_record(s, "lot", {"company_id": other}, moved.id)
    writes.append(lot_changes_titulaire)

    def marche_renamed(s):  # its lots change places among their cité's lots
        marche = first(s, Marche)
        save_record(s, "marche", {"reference": "ZZ " + marche.reference}, marche.id)
    writes.append(marche_renamed)

    def contract_moves(s):
        contract = first(s, Contract)
        other = s.scalar(select(Operation.id).where(Operation.id != contract.operation_id).order_by(Operation.id
                                                                                                   .desc()).limit(1))
        save_record(s, "contract", {"operation_id": other, "lot_id": None}, contract.id)  # its lot stays behind
    writes.append(contract_moves)

    def operation_delivered(s):
        op = first(s, Operation, Operation.phase != Phase.DELIVERED)
        save_record(s, "operation", {"phase": Phase.DELIVERED, "delivery_date": date(2025, 3, 1)}, op.id)
    writes.append(operation_delivered)

    def operation_moves(s):
        op = first(s, Operation)
        other = s.scalar(select(Cite.id).where(Cite.id != op.cite_id).order_by(Cite.id.desc()).limit(1))
        save_record(s, "operation", {"cite_id": other, "name": op.name + " (déplacée)"}, op.id)
    writes.append(operation_moves)

    def funding_added_and_removed(s):
        op = first(s, Operation)
        f = save_record(s, "funding", {"operation_id": op.id, "funder": Funder.FEDER, "amount": D("1234.56")})
        delete_record(s, "funding", first(s, Funding).id)
        assert f.id
    writes.append(funding_added_and_removed)

    def cite_renamed(s):
        cite = first(s, Cite)
        save_record(s, "cite", {"name": cite.name + " (nord)"}, cite.id)
    writes.append(cite_renamed)

    def company_renamed(s):
        company = first(s, Company)
        save_record(s, "company", {"name": company.name + " SAS"}, company.id)
    writes.append(company_renamed)

    def person_deleted(s):
        ben = s.scalar(select(Beneficiary).join(Contract).order_by(Beneficiary.id.desc()).limit(1))
        delete_record(s, "beneficiary", ben.id)
    writes.append(person_deleted)

    def contract_deleted(s):
        delete_record(s, "contract", s.scalar(select(func.max(Contract.id))))
    writes.append(contract_deleted)

    with db.sessions() as s:
        all_cites = s.scalar(select(func.count(Cite.id)))
    for write in writes:
        with db.session() as s:
            write(s)
        computed.clear()
        same_as_fresh(db)
        assert computed, write.__name__  # something was computed again…
        if write.__name__ not in ("cite_renamed", "company_renamed"):
            assert computed[0] is not None and len(computed[0]) <= min(6, all_cites // 2), write.__name__  # a few


def test_after_saving_hours_only_the_lots_of_their_cite_are_read_again(demo_db, monkeypatch):
    """The clauses' lines of every lot are most of a territory's dashboard: after one record is saved, those of
    the cité it touched are read again, the others kept."""
    read: list = []
    real = obligations.lot_lines

    def spy(session, as_of, flt=obligations.ClauseFilter()):
        read.append(flt.cite_ids)
        return real(session, as_of, flt)

    monkeypatch.setattr(report_cache, "lot_lines", spy)
    monkeypatch.setattr(overview, "lot_lines", spy)
    with demo_db.sessions() as s:
        territory_dashboard(s)
    with demo_db.session() as s:
        entry = s.scalar(select(HoursEntry).join(Contract).where(Contract.lot_id.is_not(None))
                         .order_by(HoursEntry.id).limit(1))
        save_record(s, "hours_entry", {"hours": entry.hours + D("3.5")}, entry.id)
        touched = cite_of_contract(s, entry.contract_id)
    read.clear()
    with demo_db.sessions() as s:
        territory_dashboard(s)
    assert read == [[touched]]
    same_as_fresh(demo_db)


def test_a_change_flushed_only_by_the_commit_is_seen(demo_db, computed):
    same_as_fresh(demo_db)
    with demo_db.session() as s:
        entry = s.get(HoursEntry, s.scalar(select(func.max(HoursEntry.id))))
        cite = cite_of_contract(s, entry.contract_id)
        entry.hours = entry.hours + D("1.25")  # no flush of its own: the commit writes it
    computed.clear()
    same_as_fresh(demo_db)
    assert computed == [{cite}]


def test_a_write_that_fails_changes_nothing_kept(demo_db, computed):
    same_as_fresh(demo_db)
    with pytest.raises(RuntimeError):
        with demo_db.session() as s:
            entry = first(s, HoursEntry)
            save_record(s, "hours_entry", {"hours": entry.hours + 1}, entry.id)
            raise RuntimeError("annulé")
    computed.clear()
    same_as_fresh(demo_db)
    assert computed == []  # nothing was committed: the kept figures still hold


def test_the_figures_are_stored_in_the_database_and_used_at_the_next_opening(db_target, computed, backend):
    db = open_database(db_target)
    with db.session() as s:
        generate_demo(s, seed=5, scale=0.03)
    same_as_fresh(db)
    db.close()
    again = open_database(db_target)
    computed.clear()
    with again.sessions() as s:
        stored = territory_dashboard(s)
    assert computed == []  # read back, not computed
    with again.sessions() as s:
        assert stored == dashboard_data(s)
    with again.session() as s:  # a write: the stored figures are of an older generation now
        entry = first(s, HoursEntry)
        save_record(s, "hours_entry", {"hours": entry.hours + 7}, entry.id)
    computed.clear()
    same_as_fresh(again)
    assert computed == [None]  # no tallies to build on: everything once
    again.close()


def test_an_import_is_seen(tmp_path, db, new_target):
    from erbm_desk.services.exchange import ExportOptions, apply_import, export_workbook, plan_import

    same_as_fresh(db)  # figures kept for the empty territory
    other = open_database(new_target("other"))
    with other.session() as s:
        generate_demo(s, seed=9, scale=0.02)
    book = tmp_path / "autre.xlsx"
    with other.session() as s:
        export_workbook(s, book, ExportOptions(anonymous=False))
    other.close()
    with db.session() as s:
        plan = plan_import(s, book)
        apply_import(s, plan, check_database=False)
    same_as_fresh(db)
    with db.sessions() as s:
        assert territory_dashboard(s).indicators.hours_realised > 0


def test_a_write_made_elsewhere_is_seen(tmp_path):
    """Another process writing the file: this one was not told which cités, so it computes everything."""
    path = tmp_path / "partagee.sqlite"
    writer = open_database(str(path))
    with writer.session() as s:
        generate_demo(s, seed=6, scale=0.03)
    reader = open_database(str(path), read_only=True)
    same_as_fresh(reader)
    with writer.session() as s:
        entry = first(s, HoursEntry)
        save_record(s, "hours_entry", {"hours": entry.hours + 11}, entry.id)
    same_as_fresh(reader)
    reader.close()
    writer.close()


def test_a_restored_backup_is_seen(tmp_path):
    from erbm_desk.services.backup.copies import save_copy
    from erbm_desk.services.database.restore import restore_backup

    db = open_database(str(tmp_path / "base.sqlite"))
    with db.session() as s:
        generate_demo(s, seed=7, scale=0.03)
    same_as_fresh(db)
    copy = save_copy(db, tmp_path / "copie.sqlite")
    for _ in range(2):  # the live file's generation moves on, then the backup comes back
        with db.session() as s:
            entry = first(s, HoursEntry)
            save_record(s, "hours_entry", {"hours": entry.hours + 3}, entry.id)
        same_as_fresh(db)
    restore_backup(db, copy.path)
    same_as_fresh(db)
    db.close()


@pytest.mark.skipif(not BASE_0004.exists(), reason="tests/data/base-schema-0004.sqlite is not here")
def test_a_database_upgraded_from_an_older_schema(tmp_path):
    path = tmp_path / "ancienne.sqlite"
    shutil.copyfile(BASE_0004, path)
    db = open_database(str(path))
    same_as_fresh(db)
    with db.session() as s:
        entry = first(s, HoursEntry)
        save_record(s, "hours_entry", {"hours": entry.hours + 1}, entry.id)
    same_as_fresh(db)
    db.close()


def test_the_stored_figures_read_back_exactly(demo_db):
    with demo_db.sessions() as s:
        data = dashboard_data(s)
    back = figures_json.loads(figures_json.dumps(data))
    assert back == data
    assert isinstance(back.indicators.hours_realised, D)


def test_stored_figures_never_build_other_classes():
    with pytest.raises(KeyError):
        figures_json.loads('{"$c": "Popen", "f": {"args": "true"}}')


def test_a_changed_clause_default_is_seen(demo_db, computed):
    """A lot whose labour share is blank takes the base's default: changing the default changes the hours its
    operation requires, and the kept figures follow."""
    from erbm_desk.db.models import Lot
    from erbm_desk.services.security.database_settings import CLAUSE_LABOUR_SHARE, write_database_setting

    db = demo_db
    with db.session() as s:
        lot = s.scalar(select(Lot).where(Lot.amount.is_not(None), Lot.hours_stated.is_(None)).order_by(Lot.id)
                       .limit(1))
        assert lot is not None, "the demo has a lot whose hours come from the formula"
        save_record(s, "lot", {"labour_share": None}, lot.id)
    same_as_fresh(db)
    with db.sessions() as s:
        before = territory_dashboard(s).indicators.hours_required
    with db.session() as s:
        write_database_setting(s, CLAUSE_LABOUR_SHARE, D("80"))
    same_as_fresh(db)
    with db.sessions() as s:
        assert territory_dashboard(s).indicators.hours_required > before
