"""Right to erasure and backups: erasures registered in the database are re-applied after any restore."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from erbm_desk.db.models import AuditEntry, Beneficiary, ErasureRecord
from erbm_desk.domain.enums import ContractType, DeliveryMethod, Sex
from erbm_desk.services.security import gdpr
from erbm_desk.services.backup import copies
from erbm_desk.db import sqlite_files
from erbm_desk.services.database.restore import restore_backup
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.reporting.indicators import Period, Scope, compute_indicators
from erbm_desk.services.records.writes import save_record
from erbm_desk.services.security.audit_chain import verify_audit_chain
from tests.fixtures import build_small_dataset

NAME, FIRST, BORN = "QWERTZUNIKAT", "Ottilienne", date(2002, 7, 19)


@pytest.fixture
def sdb(tmp_path):
    database = open_database(str(tmp_path / "base.sqlite"))
    with database.session() as s:
        ids = build_small_dataset(s)
        p = save_record(s, "beneficiary", dict(last_name=NAME, first_name=FIRST, birth_date=BORN, sex=Sex.FEMALE))
        save_record(s, "eligibility_check", dict(beneficiary_id=p.id, check_date=date(2023, 2, 1), rsa=True))
        c = save_record(s, "contract", dict(beneficiary_id=p.id, company_id=ids["co_a"], operation_id=ids["op_a2"],
                                            contract_type=ContractType.CDD, delivery_method=DeliveryMethod.DIRECT_HIRE,
                                            start_date=date(2023, 2, 1), end_date=date(2023, 6, 30)))
        save_record(s, "hours_entry", dict(contract_id=c.id, month=date(2023, 2, 1), hours=Decimal("35")))
    database.person = p.id
    database.person_uuid = p.uuid
    yield database
    database.close()


def _indicators(db):
    with db.session() as s:
        return [compute_indicators(s, scope, period).to_json() for scope in (Scope(), Scope("cite", "Cité Test A"))
                for period in (Period(), Period(date(2023, 1, 1), date(2023, 12, 1)))]


def _name_in_file(path) -> bool:
    data = b"".join(f.read_bytes() for f in (path, path.with_name(path.name + "-wal")) if f.exists())
    return any(n in data for n in (NAME.encode(), FIRST.encode(), NAME.encode("utf-16-le"), BORN.isoformat().encode()))


def test_erasure_is_registered_without_identity(sdb):
    gdpr.erase_and_vacuum(sdb, [sdb.person])
    with sdb.session() as s:
        rows = s.scalars(select(ErasureRecord)).all()
        assert [(r.beneficiary_uuid, r.reason) for r in rows] == [(sdb.person_uuid, "demande de la personne")]
        assert gdpr.erasure_register(s)[0].beneficiary_uuid == sdb.person_uuid


def test_restoring_an_older_backup_erases_the_person_again(sdb):
    indicators = _indicators(sdb)
    older = copies.save_copy(sdb, sdb.path.with_name("copie-hors-rotation.sqlite"))  # not scrubbed: out of reach
    assert _name_in_file(older.path)  # the backup made before the erasure holds the person
    gdpr.erase_and_vacuum(sdb, [sdb.person])
    assert _indicators(sdb) == indicators and not _name_in_file(sdb.path)

    result = restore_backup(sdb, older.path)

    assert result.erasures_reapplied == 1
    assert any("1 personne effacée après la date de cette sauvegarde l'a été à nouveau" in n for n in result.notes)
    with sdb.session() as s:
        person = s.get(Beneficiary, sdb.person)
        assert (person.last_name, person.first_name, person.birth_date) == (None, None, None)
        assert s.scalar(select(ErasureRecord.beneficiary_uuid)) == sdb.person_uuid  # the register came back too
        erase = s.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).all()
        assert len(erase) == 1 and "réappliqué après restauration" in erase[0].changes
        report = verify_audit_chain(s)
        assert report.ok, report.message  # the shorter, restored log is the new anchor: no false alarm
    assert _indicators(sdb) == indicators
    with sdb.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    sdb.engine.dispose()
    assert not _name_in_file(sdb.path), "the name came back with the backup"

    # restoring it once more (the register now lives in the restored database as well) changes nothing
    again = restore_backup(sdb, older.path)
    assert again.erasures_reapplied == 1
    again = restore_backup(sdb, again.previous_state)
    assert again.erasures_reapplied == 0 and any("Registre des effacements vérifié" in n for n in again.notes)


def test_restoring_through_the_file_path_also_reapplies(sdb, tmp_path):
    """The CLI (`erbm-desk restore`) and the start-up rescue restore by path, without an open Database."""
    older = copies.save_copy(sdb, sdb.path.with_name("copie-hors-rotation.sqlite"))  # not scrubbed: out of reach
    gdpr.erase_and_vacuum(sdb, [sdb.person])
    path = sdb.path
    sdb.close()
    result = restore_backup(path, older.path)
    assert result.erasures_reapplied == 1
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT last_name, first_name, birth_date FROM beneficiary WHERE uuid = ?",
                            (sdb.person_uuid,)).fetchone() == (None, None, None)
    finally:
        conn.close()
    assert not _name_in_file(path)


def test_erasures_from_before_the_register_are_taken_from_the_audit_log(sdb):
    """A database upgraded from 0003 has its past erasures only in the audit log: they count too."""
    older = copies.save_copy(sdb, sdb.path.with_name("copie-hors-rotation.sqlite"))  # not scrubbed: out of reach
    gdpr.erase_and_vacuum(sdb, [sdb.person])
    with sdb.engine.begin() as conn:
        conn.execute(ErasureRecord.__table__.delete())
    result = restore_backup(sdb, older.path)
    assert result.erasures_reapplied == 1


def test_erasure_scrubs_the_automatic_backups_in_place(sdb, tmp_path):
    older = copies.backup_database(sdb, "manuelle")
    elsewhere = copies.save_copy(sdb, tmp_path / "copie-ailleurs.sqlite")  # chosen by the user: out of reach
    assert _name_in_file(older.path)
    indicators = _indicators(sdb)
    report = gdpr.erase_and_vacuum(sdb, [sdb.person])[0]
    scrub = report.backups
    assert scrub.scrubbed == [older.path] and not scrub.skipped
    assert "1 sur 1 contenaient encore cette identité" in scrub.message()
    assert not _name_in_file(older.path) and _name_in_file(elsewhere.path)
    assert sqlite_files.quick_check_problems(older.path) == []
    conn = sqlite3.connect(older.path)
    try:
        assert conn.execute("SELECT pseudonym, last_name FROM beneficiary WHERE uuid = ?",
                            (sdb.person_uuid,)).fetchone() == (report.pseudonym, None)
        assert conn.execute("SELECT count(*) FROM audit_log WHERE personal LIKE ?", (f"%{FIRST}%",)).fetchone() == (0,)
    finally:
        conn.close()
    result = restore_backup(sdb, older.path)  # the scrubbed copy restores with the same indicators
    assert result.erasures_reapplied == 0
    assert _indicators(sdb) == indicators
    with sdb.session() as s:
        assert verify_audit_chain(s).ok


def test_the_backups_are_erased_by_the_same_rule_as_the_database(sdb):
    older = copies.backup_database(sdb, "manuelle")
    report = gdpr.erase_and_vacuum(sdb, [sdb.person])[0]
    columns = ("last_name", "first_name", "birth_date", "pseudonym")

    def erased(path):
        conn = sqlite3.connect(path)
        try:
            person = conn.execute(f"SELECT {', '.join(columns)}, id FROM beneficiary WHERE uuid = ?",
                                  (sdb.person_uuid,)).fetchone()
            bands = conn.execute("SELECT id, age_band FROM contract WHERE beneficiary_id = ? ORDER BY id",
                                 (person[-1],)).fetchall()
            personal = conn.execute("SELECT count(*) FROM audit_log WHERE record_uuid = ? AND personal IS NOT NULL",
                                    (sdb.person_uuid,)).fetchone()[0]
            return person[:-1], bands, personal
        finally:
            conn.close()

    live, backup = erased(sdb.path), erased(older.path)
    assert live == backup
    assert live[0] == (None, None, None, report.pseudonym) and live[1][0][1] is not None and live[2] == 0
