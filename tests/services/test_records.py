from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erbm_desk.db.models import Contract, HoursEntry
from erbm_desk.domain.enums import CompanyKind, Sex
from erbm_desk.services.records.lookups import commune_id
from erbm_desk.services.records.writes import RecordInvalid, delete_record, dependents, restore_deleted, save_record
from tests.fixtures import SIRET_A


def test_duplicate_natural_keys_are_refused(db, small_dataset):
    ids = small_dataset
    with db.session() as s:
        cite_a = save_record(s, "cite", {}, ids["cite_a"])
        cases = [
            ("cite", {"name": "Cité Test A", "commune_id": cite_a.commune_id}, "existe déjà dans cette commune"),
            ("company", {"name": "Autre", "siret": SIRET_A, "kind": CompanyKind.COMPANY}, "SIRET existe déjà"),
            ("beneficiary", {"last_name": "DURAND", "first_name": "Léa", "birth_date": date(2000, 3, 15),
                             "sex": Sex.FEMALE}, "existe déjà"),
            ("hours_entry", {"contract_id": ids["c1"], "month": date(2022, 1, 1), "hours": Decimal(1)},
             "déjà saisies pour ce contrat et ce mois"),
        ]
        for entity, values, message in cases:
            with pytest.raises(RecordInvalid, match=message):
                save_record(s, entity, values)


def test_a_different_commune_allows_the_same_cite_name(db, small_dataset):
    with db.session() as s:
        save_record(s, "cite", {"name": "Cité Test A", "commune_id": commune_id(s, "62413")})


def test_unknown_insee_code_is_refused(db):
    with db.session() as s:
        with pytest.raises(ValueError, match="Code INSEE inconnu"):
            commune_id(s, "75056")
        assert commune_id(s, "62498") == commune_id(s, "lens")


def test_invalid_siret_is_refused_on_save(db):
    with db.session() as s:
        with pytest.raises(RecordInvalid) as err:
            save_record(s, "company", {"name": "X", "siret": "12345678901234", "kind": CompanyKind.COMPANY})
    assert "clé de contrôle (son dernier chiffre)" in err.value.errors["siret"]


def test_hours_outside_the_contract_or_over_the_maximum_are_refused(db, small_dataset):
    ids = small_dataset
    with db.session() as s:
        with pytest.raises(RecordInvalid, match="hors de la période"):
            save_record(s, "hours_entry", {"contract_id": ids["c2"], "month": date(2022, 4, 1), "hours": Decimal(5)})
        with pytest.raises(RecordInvalid, match="maximum légal"):
            save_record(s, "hours_entry", {"contract_id": ids["c2"], "month": date(2022, 3, 1), "hours": Decimal(209)},
                        ids["h4"])


def test_shortening_a_contract_under_its_hours_is_refused(db, small_dataset):
    with db.session() as s:
        with pytest.raises(RecordInvalid, match="03/2022"):
            save_record(s, "contract", {"end_date": date(2022, 2, 28)}, small_dataset["c2"])


def test_orm_writes_that_bypass_the_service_still_obey_the_rules(db, small_dataset):
    with pytest.raises(RecordInvalid, match="maximum légal"):
        with db.session() as s:
            s.add(HoursEntry(contract_id=small_dataset["c1"], month=date(2022, 5, 1), hours=Decimal(300)))


def test_delete_says_what_depends_and_undo_restores_everything(db, small_dataset):
    ids = small_dataset
    with db.session() as s:
        assert dependents(s, "beneficiary", ids["p2"]) == {"contract": 1, "hours_entry": 2, "eligibility_check": 1}
        before = s.scalar(select(func.count()).select_from(HoursEntry))
    with db.session() as s:
        deleted = delete_record(s, "beneficiary", ids["p2"])
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(HoursEntry)) == before - 2
    with db.session() as s:
        restore_deleted(s, deleted)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(HoursEntry)) == before
        assert s.get(Contract, ids["c2"]).beneficiary.last_name == "MARTIN"
