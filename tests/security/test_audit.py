"""The audit log: every write path logged, values old and new, the chain detects edits made outside the app."""

import csv
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text, update

from erbm_desk.db.models import AuditEntry, Beneficiary, HoursEntry
from erbm_desk.domain.enums import Sex
from erbm_desk.services import audit
from erbm_desk.services.audit import AuditFilter
from erbm_desk.services.authz import Role
from erbm_desk.services.demo import generate_demo
from erbm_desk.services.records import delete_record, restore_deleted, save_record
from tests.security.helpers import USERNAMES, sign_in_as


def _entries(db, **flt):
    with db.session() as s:
        return audit.list_entries(s, AuditFilter(**flt))


def test_create_change_delete_are_logged_with_who_and_values(accounts_db, small_dataset):
    db = accounts_db
    sign_in_as(db, Role.FACILITATOR)
    with db.session() as s:
        person = save_record(s, "beneficiary", dict(last_name="AUDIT", first_name="Anne", birth_date=date(1990, 5, 1),
                                                    sex=Sex.FEMALE))
        uuid, pid = person.uuid, person.id
    with db.session() as s:
        save_record(s, "beneficiary", {"last_name": "AUDITÉE", "rsa": True}, pid)
    with db.session() as s:
        deleted = delete_record(s, "beneficiary", pid)
    with db.session() as s:
        restore_deleted(s, deleted)  # undo goes through the ORM: logged as well
    sign_in_as(db, Role.ADMIN)
    rows = list(reversed(_entries(db, record_uuid=uuid)))
    assert [r.action for r in rows] == ["create", "update", "delete", "create"]
    assert all(r.actor == USERNAMES[Role.FACILITATOR] and r.role == "facilitateur" for r in rows)
    assert rows[0].changes["last_name"] == [None, "AUDIT"] and rows[0].changes["birth_date"] == [None, "1990-05-01"]
    assert rows[1].changes == {"last_name": ["AUDIT", "AUDITÉE"], "rsa": [False, True]}
    assert rows[2].changes["last_name"] == ["AUDITÉE", None]
    assert "last_name : AUDIT → AUDITÉE" in rows[1].describe()
    with db.session() as s:
        assert audit.verify_audit_chain(s).ok


def test_personal_values_are_not_hashed_in_clear(accounts_db, small_dataset):
    db = accounts_db
    with db.session() as s:
        save_record(s, "beneficiary", {"first_name": "Léonie"}, small_dataset["p1"])
        raw = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert "Léonie" not in raw.changes and raw.changes.count("sha256:") == 2
    assert json.loads(raw.personal)["values"]["first_name"] == ["Léa", "Léonie"]


def test_an_edit_outside_the_app_is_detected(accounts_db, small_dataset):
    db = accounts_db
    with db.session() as s:
        save_record(s, "hours_entry", {"hours": Decimal("99")}, small_dataset["h1"])
        report = audit.verify_audit_chain(s)
        assert report.ok and report.checked > 20
        target = s.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.entity == "hours_entry"))
    # someone opens the file in a SQLite browser and changes an old value
    with db.engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.id == target)
                     .values(changes=text("replace(changes, '100.25', '10.25')")))
    with db.session() as s:
        report = audit.verify_audit_chain(s)
    assert not report.ok and report.first_broken_id == target and "modifiée en dehors" in report.message


def test_a_deleted_entry_or_a_forged_personal_value_is_detected(accounts_db, small_dataset):
    db = accounts_db
    with db.session() as s:
        save_record(s, "beneficiary", {"first_name": "Léonie"}, small_dataset["p1"])
        last = s.scalar(select(func.max(AuditEntry.id)))
        middle = last // 2
    with db.engine.begin() as conn:
        conn.execute(AuditEntry.__table__.delete().where(AuditEntry.id == middle))
    with db.session() as s:
        report = audit.verify_audit_chain(s)
    assert not report.ok and report.first_broken_id == middle + 1 and "ne suit pas" in report.message
    with db.engine.begin() as conn:  # put a forged personal value in the last entry
        conn.execute(update(AuditEntry).where(AuditEntry.id == last)
                     .values(personal=text("replace(personal, 'Léonie', 'Lucie')")))
        conn.execute(text("DELETE FROM audit_log WHERE id < :last"), {"last": last})
        conn.execute(update(AuditEntry).where(AuditEntry.id == last).values(prev_hash=audit.GENESIS))
    with db.session() as s:
        report = audit.verify_audit_chain(s)
    assert report.first_broken_id == last


def test_bulk_writes_leave_a_summary_entry(db):
    with db.session() as s:
        summary = generate_demo(s, seed=3, scale=0.02)
    rows = _entries(db, action="bulk")
    assert len(rows) == 1
    assert rows[0].changes["counts"]["beneficiary"] == summary.beneficiaries
    assert rows[0].changes["counts"]["hours_entry"] == summary.hours_entries
    assert rows[0].actor.startswith("système:")


def test_export_csv_and_xlsx_and_filters(accounts_db, small_dataset, tmp_path):
    db = accounts_db
    sign_in_as(db, Role.FACILITATOR)
    with db.session() as s:
        save_record(s, "beneficiary", {"last_name": "=HYPERLINK(\"http://x\")"}, small_dataset["p2"])
    sign_in_as(db, Role.ADMIN)
    with db.session() as s:
        n = audit.export_entries(s, tmp_path / "journal.xlsx", AuditFilter(actor="fanny", entity="beneficiary"))
        audit.export_entries(s, tmp_path / "journal.csv", AuditFilter(entity="beneficiary", text="hyperlink"))
    assert n == 1
    ws = load_workbook(tmp_path / "journal.xlsx").active
    assert ws.cell(2, 3).value == "fanny"
    assert ws.cell(2, 9).data_type == "s" and "=HYPERLINK" in ws.cell(2, 9).value
    with open(tmp_path / "journal.csv", encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh, delimiter=";"))
    assert lines[0][0] == "N°" and len(lines) == 2 and "MARTIN → =HYPERLINK" in lines[1][8]
    assert _entries(db, action="access", entity="audit_log")  # exporting the log is itself logged
    assert _entries(db, since=date(2000, 1, 1), until=date.today(), limit=3).__len__() == 3


def test_chain_survives_concurrent_sessions(db, small_dataset):
    """Two transactions writing in turn keep one chain (SQLite write lock / PostgreSQL advisory lock)."""
    for k in range(5):
        with db.session() as s:
            save_record(s, "hours_entry", {"hours": Decimal(k)}, small_dataset["h1"])
            s.execute(select(HoursEntry)).all()
    with db.session() as s:
        assert audit.verify_audit_chain(s).ok
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "hours_entry")) >= 11


def test_erased_person_history_shows_scrubbed_values(accounts_db, small_dataset):
    from erbm_desk.services import gdpr

    db = accounts_db
    with db.session() as s:
        uuid = s.get(Beneficiary, small_dataset["p1"]).uuid
        gdpr.erase_person(s, small_dataset["p1"])
    rows = _entries(db, record_uuid=uuid)
    created = [r for r in rows if r.action == "create"][0]
    assert created.changes["last_name"] == [None, audit.SCRUBBED]
    assert rows[0].action == "erase"
    with db.session() as s:
        assert audit.verify_audit_chain(s).ok


@pytest.mark.parametrize("action", ["login", "login_failed"])
def test_sign_ins_are_logged(accounts_db, action):
    from erbm_desk.services import accounts

    db = accounts_db
    try:
        accounts.sign_in(db, "fanny", "correct-cheval-agrafe-42" if action == "login" else "faux mot de passe")
    except accounts.SignInFailed:
        pass
    sign_in_as(db, Role.ADMIN)
    assert [r.actor for r in _entries(db, action=action)][-1] == "fanny"


def test_core_bulk_writes_are_checked_and_summarised_at_commit(accounts_db, small_dataset):
    from sqlalchemy import insert

    from erbm_desk.services.authz import AccessDenied

    db = accounts_db
    sign_in_as(db, Role.BAILLEUR)
    with pytest.raises(AccessDenied):
        with db.session() as s:
            s.execute(insert(Beneficiary.__table__), [dict(uuid=f"00000000-0000-4000-8000-00000000000{i}",
                                                           pseudonym=f"P{i}", sex="m", created_at=date(2024, 1, 1),
                                                           updated_at=date(2024, 1, 1), version=1) for i in range(3)])
    sign_in_as(db, Role.FACILITATOR)
    with db.session() as s:
        s.execute(insert(Beneficiary.__table__), [dict(uuid=f"00000000-0000-4000-8000-00000000000{i}",
                                                       pseudonym=f"P{i}", sex="m", qpv=False, rsa=False, deld=False,
                                                       detld=False, rqth=False, ass_aah=False, low_qualification=False,
                                                       created_at=date(2024, 1, 1), updated_at=date(2024, 1, 1),
                                                       version=1) for i in range(3)])
        s.execute(update(HoursEntry).where(HoursEntry.id == small_dataset["h1"]).values(hours=Decimal("3")))
    sign_in_as(db, Role.ADMIN)
    rows = _entries(db, action="bulk")
    assert rows[0].changes["counts"] == {"beneficiary:insert": 3, "hours_entry:update": 1}
    assert rows[0].actor == "fanny"
