"""Shared mode on PostgreSQL: two users, one record, the second is told and nothing is overwritten."""

from __future__ import annotations

import threading
import time

import pytest

from erbm_desk.db.engine import database_url
from erbm_desk.db.models import Cite, Company
from erbm_desk.domain.enums import CompanyKind
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.database.demo import generate_demo
from erbm_desk.services.records.writes import ConflictError, RecordInvalid, save_record
from tests.fixtures import SIRET_A


def test_postgresql_urls_use_psycopg_3():
    assert database_url("postgresql://plie@serveur/erbm") == "postgresql+psycopg://plie@serveur/erbm"
    assert database_url("postgres://plie@serveur/erbm") == "postgresql+psycopg://plie@serveur/erbm"
    assert database_url("postgresql+psycopg://x@y/z") == "postgresql+psycopg://x@y/z"


@pytest.fixture
def two_users(pg_target):
    marie, karim = open_database(pg_target), open_database(pg_target)
    with marie.session() as s:
        company_id = save_record(s, "company", {"name": "Bâtiment Gohelle", "siret": SIRET_A,
                                                "kind": CompanyKind.COMPANY}).id
    yield marie, karim, company_id
    marie.close()
    karim.close()


def test_the_second_user_saving_an_old_version_is_told_not_overwriting(two_users):
    marie, karim, company_id = two_users
    with marie.session() as s:  # both open the form on version 1
        seen_by_marie = s.get(Company, company_id).version
    with karim.session() as s:
        seen_by_karim = s.get(Company, company_id).version
    with karim.session() as s:
        save_record(s, "company", {"name": "Gohelle Rénovation", "version": seen_by_karim}, company_id)
    with pytest.raises(ConflictError) as err:
        with marie.session() as s:
            save_record(s, "company", {"name": "Bâtiment Gohelle SAS"}, company_id, expected_version=seen_by_marie)
    assert "modifié par quelqu'un d'autre" in str(err.value)
    assert isinstance(err.value, RecordInvalid) and None in err.value.errors  # forms show it like any refusal
    with marie.session() as s:
        company = s.get(Company, company_id)
        assert (company.name, company.version) == ("Gohelle Rénovation", 2)


def test_two_transactions_racing_on_one_record_the_second_fails_cleanly(two_users):
    """No expected version given: the version counter in the UPDATE's WHERE still catches the race."""
    marie, karim, company_id = two_users
    karim_loaded = threading.Event()
    marie_committed = threading.Event()
    outcome = {}

    def karim_edits():
        try:
            with karim.session() as s:
                company = s.get(Company, company_id)  # version 1 read inside his transaction
                karim_loaded.set()
                marie_committed.wait(30)
                company.name = "Version de Karim"
        except ConflictError as exc:
            outcome["karim"] = exc

    thread = threading.Thread(target=karim_edits)
    thread.start()
    karim_loaded.wait(30)
    with marie.session() as s:
        s.get(Company, company_id).name = "Version de Marie"
    marie_committed.set()
    thread.join(30)
    assert isinstance(outcome.get("karim"), ConflictError)
    with marie.session() as s:
        assert s.get(Company, company_id).name == "Version de Marie"


def test_a_waiting_writer_is_refused_once_the_first_commits(two_users):
    """PostgreSQL makes the second UPDATE wait for the first transaction, then finds the version changed."""
    marie, karim, company_id = two_users
    result = {}
    with marie.session() as s:
        marie_company = s.get(Company, company_id)
        marie_company.name = "Marie, en cours"
        s.flush()  # row locked by Marie's open transaction

        def karim_saves():
            try:
                with karim.session() as ks:
                    save_record(ks, "company", {"name": "Karim"}, company_id, expected_version=1)
            except ConflictError as exc:
                result["karim"] = exc

        thread = threading.Thread(target=karim_saves)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive()  # Karim waits: no dirty read, no lost update
    thread.join(30)
    assert isinstance(result.get("karim"), ConflictError)
    with karim.session() as s:
        assert s.get(Company, company_id).name == "Marie, en cours"


def test_after_demo_data_ordinary_inserts_still_get_fresh_ids(pg_target):
    db = open_database(pg_target)
    try:
        with db.session() as s:
            generate_demo(s, seed=2, scale=0.02)
        with db.session() as s:
            cite = save_record(s, "cite", {"name": "Cité après la démo", "commune_id": 1})
            assert cite.id == max(c.id for c in s.query(Cite)) and cite.id > 1
    finally:
        db.close()


def test_conflicts_are_detected_on_sqlite_too(db):
    with db.session() as s:
        company = save_record(s, "company", {"name": "X", "siret": SIRET_A, "kind": CompanyKind.COMPANY})
    with db.session() as s:
        save_record(s, "company", {"name": "Y"}, company.id, expected_version=1)
    with pytest.raises(ConflictError):
        with db.session() as s:
            save_record(s, "company", {"name": "Z", "version": 1}, company.id)
