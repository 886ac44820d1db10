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
from erbm_desk.services.security import audit
from erbm_desk.services.security.authz import Role
from erbm_desk.services.database.demo import generate_demo
from erbm_desk.services.records.writes import delete_record, restore_deleted, save_record
from erbm_desk.services.security.audit_chain import verify_audit_chain
from erbm_desk.services.security.audit_reading import AuditFilter, SCRUBBED, export_entries, list_entries
from tests.security.helpers import USERNAMES, sign_in_as


def _entries(db, **flt):
    with db.session() as s:
        return list_entries(s, AuditFilter(**flt))


def test_create_change_delete_are_logged_with_who_and_values(accounts_db, small_dataset):
    db = accounts_db
    sign_in_as(db, Role.FACILITATOR)
    with db.session() as s:
        person = save_record(s, "beneficiary", dict(last_name="AUDIT", first_name="Anne", birth_date=date(1990, 5, 1),
                                                    sex=Sex.FEMALE))
        uuid, pid = person.uuid, person.id
    with db.session() as s:
        save_record(s, "beneficiary", {"last_name": "AUDITÉE", "entry_date": date(2024, 3, 4)}, pid)
    with db.session() as s:
        deleted = delete_record(s, "beneficiary", pid)
    with db.session() as s:
        restore_deleted(s, deleted)  # undo goes through the ORM: logged as well
    sign_in_as(db, Role.ADMIN)
    rows = list(reversed(_entries(db, record_uuid=uuid)))
    assert [r.action for r in rows] == ["create", "update", "delete", "create"]
    assert all(r.actor == USERNAMES[Role.FACILITATOR] and r.role == "facilitateur" for r in rows)
    assert rows[0].changes["last_name"] == [None, "AUDIT"] and rows[0].changes["birth_date"] == [None, "1990-05-01"]
    assert rows[1].changes == {"last_name": ["AUDIT", "AUDITÉE"], "entry_date": [None, "2024-03-04"]}
    assert rows[2].changes["last_name"] == ["AUDITÉE", None]
    assert "last_name : AUDIT → AUDITÉE" in rows[1].describe()
    with db.session() as s:
        assert verify_audit_chain(s).ok


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
        report = verify_audit_chain(s)
        assert report.ok and report.checked > 20
        target = s.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.entity == "hours_entry"))
    # someone opens the file in a SQLite browser and changes an old value
    with db.engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.id == target)
                     .values(changes=text("replace(changes, '100.25', '10.25')")))
    with db.session() as s:
        report = verify_audit_chain(s)
    assert not report.ok and report.first_broken_id == target and "modifiée hors de l'application" in report.message


def test_a_deleted_entry_or_a_forged_personal_value_is_detected(accounts_db, small_dataset):
    db = accounts_db
    with db.session() as s:
        save_record(s, "beneficiary", {"first_name": "Léonie"}, small_dataset["p1"])
        last = s.scalar(select(func.max(AuditEntry.id)))
        middle = last // 2
    with db.engine.begin() as conn:
        conn.execute(AuditEntry.__table__.delete().where(AuditEntry.id == middle))
    with db.session() as s:
        report = verify_audit_chain(s)
    assert not report.ok and report.first_broken_id == middle + 1 and "ne suit pas" in report.message
    with db.engine.begin() as conn:  # put a forged personal value in the last entry
        conn.execute(update(AuditEntry).where(AuditEntry.id == last)
                     .values(personal=text("replace(personal, 'Léonie', 'Lucie')")))
        conn.execute(text("DELETE FROM audit_log WHERE id < :last"), {"last": last})
        conn.execute(update(AuditEntry).where(AuditEntry.id == last).values(prev_hash=audit.GENESIS))
    with db.session() as s:
        report = verify_audit_chain(s)
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
        n = export_entries(s, tmp_path / "journal.xlsx", AuditFilter(actor="fanny", entity="beneficiary"))
        export_entries(s, tmp_path / "journal.csv", AuditFilter(entity="beneficiary", text="hyperlink"))
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
        assert verify_audit_chain(s).ok
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "hours_entry")) >= 11


def test_erased_person_history_shows_scrubbed_values(accounts_db, small_dataset):
    from erbm_desk.services.security import gdpr

    db = accounts_db
    with db.session() as s:
        uuid = s.get(Beneficiary, small_dataset["p1"]).uuid
        gdpr.erase_person(s, small_dataset["p1"])
    rows = _entries(db, record_uuid=uuid)
    created = [r for r in rows if r.action == "create"][0]
    assert created.changes["last_name"] == [None, SCRUBBED]
    assert rows[0].action == "erase"
    with db.session() as s:
        assert verify_audit_chain(s).ok


@pytest.mark.parametrize("action", ["login", "login_failed"])
def test_sign_ins_are_logged(accounts_db, action):
    from erbm_desk.services.security import accounts

    db = accounts_db
    try:
        accounts.sign_in(db, "fanny", "correct-cheval-agrafe-42" if action == "login" else "faux mot de passe")
    except accounts.SignInFailed:
        pass
    sign_in_as(db, Role.ADMIN)
    assert [r.actor for r in _entries(db, action=action)][-1] == "fanny"


def test_core_bulk_writes_are_checked_and_summarised_at_commit(accounts_db, small_dataset):
    from sqlalchemy import insert

    from erbm_desk.services.security.authz import AccessDenied

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
                                                       pseudonym=f"P{i}", sex="m",
                                                       created_at=date(2024, 1, 1), updated_at=date(2024, 1, 1),
                                                       version=1) for i in range(3)])
        s.execute(update(HoursEntry).where(HoursEntry.id == small_dataset["h1"]).values(hours=Decimal("3")))
    sign_in_as(db, Role.ADMIN)
    rows = _entries(db, action="bulk")
    assert rows[0].changes["counts"] == {"beneficiary:insert": 3, "hours_entry:update": 1}
    assert rows[0].actor == "fanny"


# --- Keyed chain (HMAC-SHA256 with a secret outside the database) and anchors -----------------------------

@pytest.fixture
def own_key(monkeypatch):
    """This user's own key signs, as on a workstation without a deployed key; the run's key (which sealed the
    PostgreSQL template's entries) stays available for verification, as a key copied from another post."""
    import os

    from erbm_desk.services.security import audit_keys

    folder = audit_keys.other_keys_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cle-de-la-suite-de-tests.cle").write_text(os.environ[audit_keys.ENV_KEY], encoding="utf-8")
    monkeypatch.delenv(audit_keys.ENV_KEY)
    monkeypatch.delenv(audit_keys.ENV_KEY_FILE, raising=False)
    return audit_keys.signing_key()


def _recompute_plain(conn, from_id: int, keep_key_id: bool) -> None:
    """What a tamperer who knows the procedure does: recompute every SHA-256 hash from `from_id` on."""
    rows = conn.execute(select(AuditEntry).order_by(AuditEntry.id)).all()
    prev = audit.GENESIS
    for row in rows:
        if row.id >= from_id:
            digest = audit.entry_hash(prev, row.at, row.actor, row.role, row.action, row.entity, row.record_uuid,
                                      row.record_id, row.changes)
            values = {"prev_hash": prev, "hash": digest}
            if not keep_key_id:
                values["key_id"] = None
            conn.execute(update(AuditEntry).where(AuditEntry.id == row.id).values(**values))
            prev = digest
        else:
            prev = row.hash


def _edit_hours_entry(db) -> int:
    with db.session() as s:
        target = s.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.entity == "hours_entry"))
    with db.engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.id == target)
                     .values(changes=text("replace(changes, '100.25', '10.25')")))
    return target


def test_a_normal_session_verifies_clean_with_a_key_and_an_anchor(own_key, db_target):
    from erbm_desk.services.security import audit_keys
    from erbm_desk.services.database.opening import open_database
    from tests.fixtures import build_small_dataset
    from tests.security.helpers import make_accounts

    db = open_database(db_target)
    try:
        with db.session() as s:
            ids = build_small_dataset(s)
        make_accounts(db)
        with db.session() as s:
            save_record(s, "hours_entry", {"hours": Decimal("99")}, ids["h1"])
        with db.session() as s:
            report = verify_audit_chain(s)
            key_ids = set(s.scalars(select(AuditEntry.key_id)))
    finally:
        db.close()
    assert report.ok and not report.altered and report.keyed == report.checked and report.legacy == 0
    assert own_key.id in key_ids and key_ids <= {own_key.id, audit_keys.fingerprint(
        __import__("tests.conftest", fromlist=["TEST_AUDIT_KEY"]).TEST_AUDIT_KEY.encode())}
    assert any("conforme" in n for n in report.notes)
    key_file = audit_keys.own_key_path()
    assert key_file.is_file() and (key_file.stat().st_mode & 0o077) == 0  # readable by its owner only
    if db.path is not None:
        assert key_file.read_text().strip() not in db.path.read_bytes().decode("latin-1")  # not in the file


@pytest.mark.parametrize("keep_key_id", [True, False], ids=["hashes-recomputed", "downgraded-to-plain"])
def test_an_edit_with_recomputed_sha256_hashes_is_detected(accounts_db, small_dataset, keep_key_id):
    db = accounts_db
    target = _edit_hours_entry(db)
    with db.engine.begin() as conn:
        _recompute_plain(conn, target, keep_key_id)
    with db.session() as s:
        report = verify_audit_chain(s)
    assert not report.ok and report.altered and report.first_broken_id == target
    assert "hors de l'application" in report.message


def test_a_whole_log_recomputed_without_key_is_detected_by_the_anchor(accounts_db, small_dataset):
    db = accounts_db
    _edit_hours_entry(db)
    with db.engine.begin() as conn:
        _recompute_plain(conn, 1, keep_key_id=False)
    with db.session() as s:
        report = verify_audit_chain(s)
    assert not report.ok and report.altered and "réécrit depuis le début" in report.message
    # the next write from this workstation does not launder the rewrite
    with db.session() as s:
        save_record(s, "hours_entry", {"hours": Decimal("98")}, small_dataset["h1"])
    with db.session() as s:
        report = verify_audit_chain(s)
    assert not report.ok and report.altered and "réécrit depuis le début" in report.message


def test_deleting_the_last_entries_is_detected_by_the_anchor(accounts_db, small_dataset):
    db = accounts_db
    with db.session() as s:
        last = s.scalar(select(func.max(AuditEntry.id)))
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id > :n"), {"n": last - 3})
    with db.session() as s:
        report = verify_audit_chain(s)
    assert not report.ok and report.altered and report.first_broken_id == last - 2
    assert "dernières entrées ont été supprimées" in report.message and "3 entrées manquantes" in report.message


def test_a_missing_key_is_reported_not_taken_for_an_edit(own_key, accounts_db, small_dataset, tmp_path):
    from erbm_desk.services.security import audit_keys

    db = accounts_db
    with db.session() as s:
        save_record(s, "hours_entry", {"hours": Decimal("98")}, small_dataset["h1"])
    own = audit_keys.own_key_path()
    moved = tmp_path / "cle-de-l-autre-poste.cle"
    own.rename(moved)  # the database is opened on another workstation
    with db.session() as s:
        report = verify_audit_chain(s)
        sealed_by_own = s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.key_id == own_key.id))
    assert not report.ok and not report.altered and report.unverified == sealed_by_own > 0
    assert report.message.startswith("Vérification incomplète") and "clé secrète absente" in report.message
    # that workstation writes with its own key; copying the first key into cles-journal/ completes verification
    with db.session() as s:
        save_record(s, "hours_entry", {"hours": Decimal("97")}, small_dataset["h1"])
    audit_keys.other_keys_dir().mkdir(parents=True, exist_ok=True)
    moved.rename(audit_keys.other_keys_dir() / moved.name)
    with db.session() as s:
        report = verify_audit_chain(s)
    assert report.ok and report.keyed == report.checked


def test_entries_written_before_keyed_chaining_still_verify(accounts_db, small_dataset):
    db = accounts_db
    with db.engine.begin() as conn:  # the log as version 0003 wrote it: plain SHA-256, no key_id
        _recompute_plain(conn, 1, keep_key_id=False)
    from erbm_desk.services.security import audit_keys

    audit_keys.anchor_path(audit_keys.database_identity(db.engine.url)).unlink()  # no anchor back then either
    with db.session() as s:
        legacy = s.scalar(select(func.count(AuditEntry.id)))
        save_record(s, "hours_entry", {"hours": Decimal("96")}, small_dataset["h1"])
    with db.session() as s:
        report = verify_audit_chain(s)
    assert report.ok and report.legacy == legacy and report.keyed >= 1, report.message
    assert "antérieures au scellement" in report.message
    # an old (unkeyed) entry cannot be edited any more: the first keyed entry seals the link to it
    with db.engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.id == 2).values(changes=text("replace(changes, '1', '2')")))
        _recompute_plain(conn, 2, keep_key_id=False)
    with db.session() as s:
        report = verify_audit_chain(s)
    assert not report.ok and report.altered


def test_a_deployed_key_is_used_by_every_workstation(accounts_db, small_dataset, monkeypatch, tmp_path):
    from erbm_desk.services.security import audit_keys

    key_file = tmp_path / "cle-deployee.txt"
    key_file.write_text("clé déployée par le service informatique, 32 caractères et plus\n", encoding="utf-8")
    monkeypatch.setenv(audit_keys.ENV_KEY_FILE, str(key_file))
    db = accounts_db
    with db.session() as s:
        save_record(s, "hours_entry", {"hours": Decimal("95")}, small_dataset["h1"])
        newest = s.scalar(select(AuditEntry.key_id).order_by(AuditEntry.id.desc()).limit(1))
    assert newest == audit_keys.fingerprint(key_file.read_text(encoding="utf-8").strip().encode())
    with db.session() as s:
        assert verify_audit_chain(s).ok
    key_file.write_text("trop courte")
    with pytest.raises(audit_keys.AuditKeyError, match="trop courte"):
        audit_keys.signing_key()


@pytest.mark.parametrize("typed", ["%", "_", "*", "f%y", "fann_"])
def test_an_actor_filter_matches_what_was_typed_literally(accounts_db, typed):
    db = accounts_db
    sign_in_as(db, Role.FACILITATOR)
    sign_in_as(db, Role.ADMIN)
    assert _entries(db, actor="fanny")  # the facilitator's sign-in is there…
    assert _entries(db, actor=typed) == []  # …but no account name holds these characters
