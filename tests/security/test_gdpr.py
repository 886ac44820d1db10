"""Right of access, right to erasure (indicators unchanged, no trace in the file), retention."""

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from erbm_desk.db.models import Beneficiary, Contract, EligibilityCheck
from erbm_desk.domain.enums import AgeBand, ContractType, DeliveryMethod, ExitOutcome, Sex
from erbm_desk.services.security import gdpr
from erbm_desk.services.security import database_settings as settings
from erbm_desk.services.reporting.indicators import Period, Scope, compute_indicators
from erbm_desk.services.records.writes import save_record
from erbm_desk.services.security.audit_chain import verify_audit_chain

NAME, FIRST = "ZYXQUOTIDIEN", "Wolfgangette"


def _add_person(db, ids, exit_date=None, start=date(2023, 2, 1), end=date(2023, 6, 30)):
    with db.session() as s:
        p = save_record(s, "beneficiary", dict(last_name=NAME, first_name=FIRST, birth_date=date(2001, 4, 2),
                                               sex=Sex.FEMALE, entry_date=start if exit_date else None))
        save_record(s, "eligibility_check", dict(beneficiary_id=p.id, check_date=start, rsa=True))
        if exit_date:
            save_record(s, "path_exit", dict(beneficiary_id=p.id, exit_date=exit_date, outcome=ExitOutcome.TRAINING))
        c = save_record(s, "contract", dict(beneficiary_id=p.id, company_id=ids["co_a"], operation_id=ids["op_a2"],
                                            contract_type=ContractType.CDD, delivery_method=DeliveryMethod.DIRECT_HIRE,
                                            start_date=start, end_date=end))
        save_record(s, "hours_entry", dict(contract_id=c.id, month=start, hours=Decimal("35")))
        return p.id


def _all_indicators(s):
    return [compute_indicators(s, scope, period).to_json() for scope in (Scope(), Scope("cite", "Cité Test A"))
            for period in (Period(), Period(date(2023, 1, 1), date(2023, 12, 1)))]


def test_erasure_keeps_indicators_and_leaves_no_trace_in_the_file(db, small_dataset):
    pid = _add_person(db, small_dataset)
    with db.session() as s:
        before = _all_indicators(s)
    assert before[0]["people_under_26"] == 2
    reports = gdpr.erase_and_vacuum(db, [pid])
    assert reports[0].audit_entries_scrubbed >= 2
    with db.session() as s:
        assert _all_indicators(s) == before
        person = s.get(Beneficiary, pid)
        assert (person.last_name, person.first_name, person.birth_date) == (None, None, None)
        check = s.scalars(select(EligibilityCheck).where(EligibilityCheck.beneficiary_id == pid)).one()
        assert person.pseudonym.startswith("ANON-") and check.rsa and person.sex == Sex.FEMALE
        contract = s.scalars(select(Contract).where(Contract.beneficiary_id == pid)).one()
        assert contract.age_band is AgeBand.UNDER_26 and len(contract.hours_entries) == 1
        assert verify_audit_chain(s).ok
        with pytest.raises(gdpr.GdprError, match="déjà anonyme"):
            gdpr.erase_person(s, pid)
    if db.engine.dialect.name == "sqlite":
        path = db.path
        for f in (path, path.with_name(path.name + "-wal")):
            if f.exists():
                data = f.read_bytes()
                for needle in (NAME, FIRST, "2001-04-02"):
                    assert needle.encode() not in data, f"{needle} still in {f.name}"
                    assert needle.encode("utf-16-le") not in data


def test_access_export_has_everything_about_the_person(db, small_dataset, tmp_path):
    pid = _add_person(db, small_dataset)
    with db.session() as s:
        assert gdpr.find_beneficiary(s, f"{FIRST} {NAME.lower()}") == pid
        gdpr.export_person(s, pid, tmp_path / "acces.xlsx")
        with pytest.raises(gdpr.GdprError, match="Aucun"):
            gdpr.find_beneficiary(s, "Personne Inconnue")
    wb = load_workbook(tmp_path / "acces.xlsx")
    assert wb.sheetnames == ["Lisez-moi", "Identité", "Contrats", "Heures", "Éligibilité", "Sorties", "Suivi",
                             "Historique"]
    identity = {r[0]: r[1] for r in wb["Identité"].iter_rows(min_row=2, values_only=True)}
    assert identity["Nom"] == NAME and identity["Date de naissance"] == "02/04/2001"
    header, *rows = wb["Éligibilité"].iter_rows(values_only=True)
    checks = [dict(zip(header, row)) for row in rows]
    assert len(checks) == 1 and checks[0]["Bénéficiaire du RSA"] == "Oui" and checks[0]["Date du diagnostic"] == "01/02/2023"
    contracts = list(wb["Contrats"].iter_rows(min_row=2, values_only=True))
    assert len(contracts) == 1 and contracts[0][1] == "Bâtiment Gohelle" and contracts[0][10] == "Moins de 26 ans"
    history = list(wb["Historique"].iter_rows(min_row=2, values_only=True))
    assert {h[2] for h in history} >= {"Création"} and len(history) == 4  # the person, contract, hours, check


def test_retention_lists_people_whose_path_ended_long_ago(db, small_dataset):
    old = _add_person(db, small_dataset, exit_date=date(2018, 3, 1), start=date(2017, 6, 1),
                      end=date(2018, 2, 28))
    with db.session() as s:
        due = gdpr.due_for_retention(s, today=date(2024, 1, 1))
        assert [c.beneficiary_id for c in due] == [old]
        assert due[0].label == f"{NAME} {FIRST}" and due[0].path_end == date(2018, 3, 1)
        # small_dataset: c2 (MARTIN) ended 31/03/2022, no exit date, no open contract
        later = {c.beneficiary_id for c in gdpr.due_for_retention(s, today=date(2028, 1, 1))}
        assert small_dataset["p2"] in later and small_dataset["p1"] not in later  # p1 has an open CDI
        settings.write_database_setting(s, settings.RETENTION_YEARS, 10)
        assert gdpr.due_for_retention(s, today=date(2024, 1, 1)) == []
        assert "1 personne" in gdpr.retention_message(due, 5)
    gdpr.erase_and_vacuum(db, [old], reason="durée de conservation")
    with db.session() as s:
        left = {c.beneficiary_id for c in gdpr.due_for_retention(s, today=date(2030, 1, 1), years=5)}
        assert left == {small_dataset["p2"], small_dataset["p3"], small_dataset["p4"]}  # the erased one is gone


def test_erasing_a_person_is_one_rule_read_from_the_entity_description():
    from erbm_desk.db.erasure import erasure_of, identity_columns

    assert identity_columns() == ("last_name", "first_name", "birth_date")  # the beneficiary's personal columns
    erasure = erasure_of(date(2000, 3, 15), [(7, date(2022, 1, 10)), (8, date(2027, 1, 1))], "ANON-00C0FFEE")
    assert erasure.beneficiary == {"last_name": None, "first_name": None, "birth_date": None,
                                   "pseudonym": "ANON-00C0FFEE"}
    assert erasure.contract_age_bands == {7: AgeBand.UNDER_26, 8: AgeBand.FROM_26_TO_49}
    unknown = erasure_of(None, [(7, date(2022, 1, 10))], None)
    assert unknown.contract_age_bands == {} and unknown.beneficiary["pseudonym"].startswith("ANON-")
