"""What each role can and cannot read or change, through the services."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erbm_desk.db.models import Beneficiary, Contract
from erbm_desk.domain.enums import OperationNature, Phase, Sex
from erbm_desk.services.security import accounts, authz, gdpr
from erbm_desk.services.hours import month_grid as hours_grid
from erbm_desk.services.security.authz import AccessDenied, Role
from erbm_desk.services.reporting.indicators import compute_indicators
from erbm_desk.services.records.writes import delete_record, save_record
from erbm_desk.services.security.audit_chain import verify_audit_chain
from erbm_desk.services.security.audit_reading import list_entries
from tests.security.helpers import PASSWORD, USERNAMES, make_accounts, sign_in_as

NEW_PERSON = dict(last_name="NOUVEAU", first_name="Test", birth_date=date(1990, 1, 1), sex=Sex.MALE)


def _try(db, fn) -> bool:
    try:
        with db.session() as s:
            fn(s)
    except AccessDenied:
        return False
    return True


WRITES = {
    "beneficiary": lambda ids: lambda s: save_record(s, "beneficiary", dict(NEW_PERSON)),
    "hours": lambda ids: lambda s: save_record(s, "hours_entry", {"hours": Decimal("12")}, ids["h1"]),
    "operation": lambda ids: lambda s: save_record(s, "operation", dict(
        name="Nouvelle op", cite_id=ids["cite_a"], nature=OperationNature.REHABILITATION, phase=Phase.STUDY)),
    "cite": lambda ids: lambda s: save_record(s, "cite", {"homes": 61}, ids["cite_a"]),
    "delete_contract": lambda ids: lambda s: delete_record(s, "contract", ids["c4"]),
    "delete_operation_with_contracts": lambda ids: lambda s: delete_record(s, "operation", ids["op_a2"]),
}
EXPECTED_WRITES = {
    Role.ADMIN: {"beneficiary", "hours", "operation", "cite", "delete_contract", "delete_operation_with_contracts"},
    Role.FACILITATOR: {"beneficiary", "hours", "delete_contract"},
    # a bailleur may change operations, but not delete one that carries contracts (those are not theirs)
    Role.BAILLEUR: {"operation", "cite"},
    Role.COMITE: set(),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_writes_only_its_entities(accounts_db, small_dataset, role):
    db = accounts_db
    sign_in_as(db, role)
    allowed = {name for name, make in WRITES.items() if _try(db, make(small_dataset))}
    assert allowed == EXPECTED_WRITES[role]


@pytest.mark.parametrize("role", list(Role))
def test_identity_is_readable_only_by_admin_and_facilitator(accounts_db, small_dataset, role):
    db = accounts_db
    sign_in_as(db, role)
    sees = role in (Role.ADMIN, Role.FACILITATOR)
    with db.session() as s:
        assert authz.can_see_identity(s) is sees
        person = s.get(Beneficiary, small_dataset["p1"])
        assert (person.last_name, person.birth_date) == (("DURAND", date(2000, 3, 15)) if sees else (None, None))
        assert person.sex == Sex.FEMALE  # the rest of the record is there
        names = [r.beneficiary for r in hours_grid.month_rows(s, date(2022, 2, 1))]
        assert ("DURAND Léa" in names) is sees
        if not sees:
            assert all(n.startswith("Bénéficiaire n° ") for n in names)
            for query in (
                select(Beneficiary.last_name),
                select(func.upper(Beneficiary.first_name)),
                select(Contract.id, Beneficiary.last_name + " " + Beneficiary.first_name).join(Beneficiary),
                select(select(Beneficiary.last_name).subquery()),
            ):
                rows = s.execute(query).all()
                assert rows and all(r[-1] is None for r in rows)  # the names come back empty
            assert s.scalars(select(Beneficiary.last_name)).first() is None
            # Core statements run on the session's own connection are masked too
            assert {r[0] for r in s.connection().execute(select(Beneficiary.__table__.c.last_name))} == {None}
            # a search by name finds nobody: names cannot be guessed through a filter either
            assert s.scalar(select(func.count()).select_from(Beneficiary).where(Beneficiary.last_name == "DURAND")) == 0
            assert authz.mask_values(s, "beneficiary", {"last_name": "X", "sex": "f"}) == {"last_name": None, "sex": "f"}
            assert [c.key for c in authz.visible_columns(s, gdpr.BENEFICIARY)][:1] == ["sex"]


@pytest.mark.parametrize("role", list(Role))
def test_list_pages_and_exports_follow_the_role(accounts_db, small_dataset, role, tmp_path):
    from openpyxl import load_workbook

    from erbm_desk.services.records import lists as queries
    from erbm_desk.services.exchange import ExportOptions, export_workbook

    db = accounts_db
    sign_in_as(db, role)
    sees = role in (Role.ADMIN, Role.FACILITATOR)
    with db.session() as s:
        queries.prepare(s)
        shown = str(queries.load_list(s, queries.ListQuery("contract")).rows)
        assert ("DURAND" in shown) is sees
        found = queries.load_list(s, queries.ListQuery("contract", search="durand")).ids
        assert bool(found) is sees
        for anonymous in (True, False):
            out = tmp_path / f"export-{anonymous}.xlsx"
            if not anonymous and not sees:
                with pytest.raises(AccessDenied):
                    export_workbook(s, out, ExportOptions(anonymous=False))
                continue
            export_workbook(s, out, ExportOptions(anonymous=anonymous))
            text = " ".join(str(c) for ws in load_workbook(out).worksheets for r in ws.iter_rows(values_only=True)
                            for c in r if c is not None)
            assert ("DURAND" in text) is (not anonymous)


def test_indicators_are_the_same_for_every_role(accounts_db, small_dataset):
    db = accounts_db
    results = []
    for role in Role:
        sign_in_as(db, role)
        with db.session() as s:
            results.append(compute_indicators(s).to_json())
    assert all(r == results[0] for r in results)
    assert results[0]["people_under_26"] == 1


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.BAILLEUR, Role.COMITE])
def test_only_the_administrator_reads_the_audit_log_and_erases(accounts_db, small_dataset, role, tmp_path):
    db = accounts_db
    sign_in_as(db, role)
    with db.session() as s:
        with pytest.raises(AccessDenied):
            list_entries(s)
        with pytest.raises(AccessDenied):
            verify_audit_chain(s)
        with pytest.raises(AccessDenied):
            gdpr.erase_person(s, small_dataset["p1"])
        with pytest.raises(AccessDenied):
            accounts.create_account(s, "intrus", PASSWORD, Role.ADMIN)
        if role is Role.FACILITATOR:
            gdpr.export_person(s, small_dataset["p1"], tmp_path / "acces.xlsx")
        else:
            with pytest.raises(AccessDenied):
                gdpr.export_person(s, small_dataset["p1"], tmp_path / "acces.xlsx")
    assert (tmp_path / "acces.xlsx").exists() is (role is Role.FACILITATOR)


def test_sign_in_is_optional_until_an_administrator_requires_it(db, small_dataset):
    assert db.user is not None and db.user.implicit and db.user.role is Role.ADMIN
    make_accounts(db, login_required=True)
    from erbm_desk.services.database.opening import open_database

    target = db.url if db.engine.dialect.name != "sqlite" else db.url.removeprefix("sqlite:///")
    db.close()
    again = open_database(target)
    try:
        assert again.login_required and again.user is None
        with pytest.raises(authz.SignInRequired):
            with again.session() as s:
                save_record(s, "hours_entry", {"hours": Decimal("1")}, small_dataset["h1"])
        with again.session() as s:  # nothing personal is readable before signing in
            assert s.get(Beneficiary, small_dataset["p1"]).last_name is None
        sign_in_as(again, Role.FACILITATOR)
        with again.session() as s:
            save_record(s, "hours_entry", {"hours": Decimal("1")}, small_dataset["h1"])
        accounts.sign_out(again)
        assert again.user is None
    finally:
        again.close()


def test_wrong_passwords_are_slowed_down_and_the_counter_persists(accounts_db):
    db = accounts_db
    name = USERNAMES[Role.FACILITATOR]
    t0 = accounts.utcnow()
    for _ in range(3):
        with pytest.raises(accounts.SignInFailed, match="incorrect"):
            accounts.sign_in(db, name, "mauvais mot de passe", now=t0)
    # the third failure asks for a 1 s wait: the right password is not even checked before then
    with pytest.raises(accounts.SignInFailed, match="réessayez dans") as exc:
        accounts.sign_in(db, name, PASSWORD, now=t0)
    assert exc.value.retry_after >= 1
    from datetime import timedelta

    with pytest.raises(accounts.SignInFailed, match="incorrect"):
        accounts.sign_in(db, name, "encore faux", now=t0 + timedelta(seconds=2))
    with pytest.raises(accounts.SignInFailed, match="réessayez dans"):  # now 2 s
        accounts.sign_in(db, name, PASSWORD, now=t0 + timedelta(seconds=3))
    user = accounts.sign_in(db, name, PASSWORD, now=t0 + timedelta(seconds=5))
    assert user.role is Role.FACILITATOR
    assert [accounts.throttle_delay(n) for n in range(1, 8)] == [0, 0, 1, 2, 4, 8, 16]
    assert accounts.throttle_delay(100) == 15 * 60


def test_unknown_user_and_disabled_account(accounts_db):
    db = accounts_db
    with pytest.raises(accounts.SignInFailed, match="incorrect"):
        accounts.sign_in(db, "personne", PASSWORD)
    with db.session() as s:
        accounts.set_active(s, USERNAMES[Role.COMITE], False)
    with pytest.raises(accounts.SignInFailed, match="désactivé"):
        sign_in_as(db, Role.COMITE)


def test_weak_hashes_are_upgraded_at_sign_in(accounts_db, monkeypatch):
    from argon2 import PasswordHasher

    from erbm_desk.db.models import Account

    db = accounts_db
    stronger = PasswordHasher(time_cost=3, memory_cost=32 * 1024, parallelism=1)
    monkeypatch.setattr(accounts, "HASHER", stronger)
    sign_in_as(db, Role.BAILLEUR)
    with db.session() as s:
        stored = s.scalar(select(Account.password_hash).where(Account.username == USERNAMES[Role.BAILLEUR]))
    assert "m=32768,t=3" in stored and stored.startswith("$argon2id$")
    assert not stronger.check_needs_rehash(stored)


def test_default_hasher_meets_owasp():
    from importlib import reload

    import erbm_desk.services.security.accounts as module

    hasher = reload(module).HASHER  # the real one, not the test fixture's
    assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2 and hasher.type.name == "ID"


def test_passwords_and_last_admin_rules(accounts_db):
    db = accounts_db
    with db.session() as s:
        with pytest.raises(accounts.AccountInvalid, match="12 caractères"):
            accounts.create_account(s, "court", "abc", Role.COMITE)
        with pytest.raises(accounts.AccountInvalid, match="existe déjà"):
            accounts.create_account(s, "ADMIN", PASSWORD, Role.COMITE)
    accounts.set_login_required(db, True)
    sign_in_as(db, Role.ADMIN)
    with db.session() as s:
        with pytest.raises(accounts.AccountInvalid, match="dernier compte administrateur"):
            accounts.set_role(s, USERNAMES[Role.ADMIN], Role.COMITE)
        accounts.set_role(s, USERNAMES[Role.BAILLEUR], "comité")
    with db.session() as s:
        rows = {a.username: a.role for a in accounts.list_accounts(s)}
    assert rows[USERNAMES[Role.BAILLEUR]] is Role.COMITE


@pytest.mark.parametrize("role", list(Role))
def test_hand_written_sql_on_identity_is_refused_to_roles_without_it(accounts_db, small_dataset, role):
    """`text()` and `exec_driver_sql` cannot be rewritten like a SELECT built with SQLAlchemy: for a bailleur or
    the comité, one that names an identity column is refused; other hand-written SQL still runs."""
    from sqlalchemy import text

    db = accounts_db
    sign_in_as(db, role)
    sees = role in (Role.ADMIN, Role.FACILITATOR)
    with db.session() as s:
        attempts = (
            lambda: s.execute(text("SELECT last_name FROM beneficiary")).all(),
            lambda: s.execute(text("SELECT b.LAST_NAME || ' ' || b.first_name FROM beneficiary b")).all(),
            lambda: s.connection().exec_driver_sql("SELECT birth_date FROM beneficiary").all(),
            lambda: s.scalar(text("SELECT count(*) FROM beneficiary WHERE last_name = 'DURAND'")),
        )
        for attempt in attempts:
            if sees:
                assert attempt()
            else:
                with pytest.raises(AccessDenied, match="requête SQL directe"):
                    attempt()
        assert s.execute(text("SELECT count(*) FROM beneficiary")).scalar() == 4  # no identity column: runs


def _leaks_birth_date(values) -> bool:
    return any(("15/03/2000" in str(v)) or ("2000-03-15" in str(v)) for v in values)


@pytest.mark.parametrize("role", [Role.BAILLEUR, Role.COMITE])
def test_no_service_shows_a_name_to_bailleur_or_comite(accounts_db, small_dataset, role, tmp_path):
    """Every read service a bailleur or the comité can reach, searched for the names of the test dataset."""
    from erbm_desk.services.reporting import dashboard_data
    from erbm_desk.services.records import lists as queries
    from erbm_desk.services.exchange import releve

    db = accounts_db
    sign_in_as(db, role)
    names = ("DURAND", "Léa", "LEROY", "MARTIN")
    with db.session() as s:
        queries.prepare(s)
        seen = []
        for entity in ("beneficiary", "contract", "hours_entry", "company", "operation"):
            seen.append(str(queries.load_list(s, queries.ListQuery(entity)).rows))
            if entity != "hours_entry":
                seen.append(str(queries.pick_list(s, entity)))
        seen.append(str(hours_grid.month_rows(s, date(2022, 2, 1))))
        seen.append(str(gdpr.due_for_retention(s, years=0)))
        with pytest.raises((gdpr.GdprError, AccessDenied)):
            gdpr.find_beneficiary(s, "DURAND Léa")  # a name finds nobody (or the search is refused)
        seen.append(str(vars(dashboard_data)))  # module only: the data functions are aggregates (no names)
        try:
            releve.write_releve(s, "73282932000074", date(2022, 2, 1), tmp_path / "r.xlsx")
            from openpyxl import load_workbook

            seen += [str(c) for ws in load_workbook(tmp_path / "r.xlsx").worksheets
                     for r in ws.iter_rows(values_only=True) for c in r if c is not None]
        except AccessDenied:
            pass
    text = " ".join(seen)
    assert not any(n in text for n in names)


@pytest.mark.parametrize("role", [Role.BAILLEUR, Role.COMITE])
def test_no_list_or_pick_list_shows_a_birth_date_to_bailleur_or_comite(accounts_db, small_dataset, role):
    from erbm_desk.services.records import lists as queries

    db = accounts_db
    sign_in_as(db, role)
    with db.session() as s:
        queries.prepare(s)
        rows = queries.load_list(s, queries.ListQuery("beneficiary")).rows
        picks = queries.pick_list(s, "beneficiary")
    assert not _leaks_birth_date(rows) and not _leaks_birth_date(picks)


def test_repeated_failures_get_the_same_answer_whether_the_account_exists_or_not(accounts_db):
    """Three wrong passwords, then a fourth try: a real account and a made-up name answer in the same words."""
    db = accounts_db
    answers = {}
    for name in (USERNAMES[Role.ADMIN], "admin9"):
        for _ in range(3):
            with pytest.raises(accounts.SignInFailed) as exc:
                accounts.sign_in(db, name, "mauvais mot de passe")
            assert str(exc.value) == "Nom d'utilisateur ou mot de passe incorrect."
        with pytest.raises(accounts.SignInFailed) as exc:
            accounts.sign_in(db, name, "mauvais mot de passe")
        answers[name] = (str(exc.value).replace(name, "…"), exc.value.retry_after)
    assert answers[USERNAMES[Role.ADMIN]] == answers["admin9"]
    assert "Trop de tentatives pour « … » : réessayez dans" in answers["admin9"][0]
