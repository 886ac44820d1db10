"""The session rules (access control, audit journal, write guards) come with a Database opened by the pipeline and
nowhere else: importing the app attaches nothing, a plain Session has no hidden behaviour, and the app's own
internal work acts as a user whose rights are checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import AuditEntry, Company
from erbm_desk.domain.enums import CompanyKind
from erbm_desk.services.backup import copies
from erbm_desk.services.backup.listing import list_backups
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.database.restore import restore_backup
from erbm_desk.services.records.writes import RecordInvalid
from erbm_desk.services.security.authz import AccessDenied, Role
from tests.security.helpers import USERNAMES, make_accounts, sign_in_as

ROOT = Path(__file__).resolve().parents[2]
SESSION_EVENTS = ("before_flush", "after_flush", "do_orm_execute", "after_begin", "before_commit", "after_commit",
                  "after_soft_rollback")

IMPORT_EVERYTHING = """
import importlib, json, pkgutil
import erbm_desk
for info in pkgutil.walk_packages(erbm_desk.__path__, "erbm_desk."):
    if not info.name.startswith(("erbm_desk.ui", "erbm_desk.db.migrations")) and not info.name.endswith("__main__"):
        importlib.import_module(info.name)
from sqlalchemy.orm import Session
from sqlalchemy.orm.instrumentation import manager_of_class
from erbm_desk.db.models import Beneficiary
session = Session()
found = {name: len(list(getattr(session.dispatch, name))) for name in %r}
manager = manager_of_class(Beneficiary)
found.update({"Beneficiary." + name: len(list(getattr(manager.dispatch, name))) for name in ("load", "refresh")})
print(json.dumps(found))
""" % (SESSION_EVENTS,)


def test_importing_every_module_attaches_no_listener():
    proc = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.splitlines()[-1])
    assert found and not any(found.values()), found


def _company(siret: str) -> Company:
    return Company(name="Plâtrerie du Bassin", siret=siret, kind=CompanyKind.COMPANY)


def _journal(db) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def test_a_plain_session_has_no_hidden_behaviour_and_the_database_sessions_have_the_rules(tmp_path):
    db = open_database(str(tmp_path / "base.sqlite"))
    try:
        before = _journal(db)
        with Session(db.engine) as s, s.begin():  # a script's own session: plain SQLAlchemy
            s.add(_company("12345678901234"))  # a SIRET whose check digit is wrong
        assert _journal(db) == before

        with pytest.raises(RecordInvalid):
            with db.session() as s:
                s.add(_company("12345678901235"))
        with db.session() as s:
            s.add(_company("73282932000074"))
        assert _journal(db) == before + 1
    finally:
        db.close()


def test_two_databases_keep_their_own_rules(tmp_path):
    first, second = open_database(str(tmp_path / "a.sqlite")), open_database(str(tmp_path / "b.sqlite"))
    try:
        make_accounts(second)
        sign_in_as(second, Role.COMITE)
        with pytest.raises(AccessDenied):
            with second.session() as s:
                s.add(_company("73282932000074"))
        with first.session() as s:  # the system user of the other database keeps every right
            s.add(_company("73282932000074"))
    finally:
        first.close()
        second.close()


def test_restoring_needs_the_right_and_acts_as_the_signed_in_user(tmp_path):
    db = open_database(str(tmp_path / "base.sqlite"))
    try:
        make_accounts(db)
        saved = copies.save_copy(db, tmp_path / "copie.sqlite")
        with db.session() as s:
            s.add(_company("73282932000074"))
        counts = db.counts()
        sign_in_as(db, Role.FACILITATOR)
        with pytest.raises(AccessDenied, match="restauration"):
            restore_backup(db, saved.path)
        assert db.counts() == counts and list_backups(db) == []  # refused before anything, backup included

        sign_in_as(db, Role.ADMIN)
        restore_backup(db, saved.path)
        assert db.counts()["company"] == counts["company"] - 1
        with db.sessions() as s:
            last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert (last.action, last.actor) == ("database", USERNAMES[Role.ADMIN])
    finally:
        db.close()


def test_restoring_a_file_by_its_path_acts_as_the_given_user(tmp_path):
    path = tmp_path / "base.sqlite"
    db = open_database(str(path))
    try:
        make_accounts(db)
        saved = copies.save_copy(db, tmp_path / "copie.sqlite")
        user = sign_in_as(db, Role.BAILLEUR)
    finally:
        db.close()
    with pytest.raises(AccessDenied):
        restore_backup(path, saved.path, user=user)
    restore_backup(path, saved.path)  # the rescue of a file nobody can open: the operating-system user
