from datetime import date
from decimal import Decimal

import pytest

from erbm_desk.domain import rules
from erbm_desk.domain.enums import ContractType, Sex
from erbm_desk.domain.rules import RuleError


@pytest.mark.parametrize("siret", ["73282932000074", "732 829 320 00074", "35600000000048", "35600000012341"])
def test_valid_sirets_pass(siret):
    assert rules.siret_problem(siret) is None


@pytest.mark.parametrize(
    "siret, message",
    [
        ("73282932000075", "clé de contrôle"),
        ("7328293200007", "14 chiffres"),
        ("7328293200007A", "14 chiffres"),
        ("35600000012342", "La Poste"),
    ],
)
def test_invalid_sirets_are_refused_in_french(siret, message):
    with pytest.raises(RuleError, match=message):
        rules.check_siret(siret)


def test_hours_within_the_legal_monthly_maximum():
    rules.check_hours(Decimal("208"))
    rules.check_hours(Decimal("0"))
    with pytest.raises(RuleError, match="maximum légal de 208 h"):
        rules.check_hours(Decimal("208.01"))
    with pytest.raises(RuleError, match="négatif"):
        rules.check_hours(Decimal("-1"))


def test_hours_month_must_overlap_the_contract():
    rules.check_month_in_contract(date(2024, 1, 1), date(2024, 1, 31), date(2024, 3, 2))
    rules.check_month_in_contract(date(2024, 3, 1), date(2024, 1, 31), date(2024, 3, 2))
    rules.check_month_in_contract(date(2030, 3, 1), date(2024, 1, 31), None)
    with pytest.raises(RuleError, match="hors de la période du contrat"):
        rules.check_month_in_contract(date(2023, 12, 1), date(2024, 1, 31), None)
    with pytest.raises(RuleError, match="04/2024"):
        rules.check_month_in_contract(date(2024, 4, 1), date(2024, 1, 31), date(2024, 3, 2))


def test_birth_dates_must_be_plausible():
    today = date(2026, 1, 1)
    rules.check_birth_date(date(1980, 1, 1), today)
    for bad in (date(2027, 1, 1), date(2015, 1, 1), date(1920, 1, 1)):
        with pytest.raises(RuleError, match="naissance"):
            rules.check_birth_date(bad, today)


def test_end_not_before_start():
    rules.check_period(date(2024, 1, 1), date(2024, 1, 1))
    with pytest.raises(RuleError, match="postérieure"):
        rules.check_period(date(2024, 1, 2), date(2024, 1, 1))


def test_under_26_is_computed_at_contract_start():
    birth = date(2000, 3, 15)
    assert rules.is_under_26(birth, date(2026, 3, 14))
    assert not rules.is_under_26(birth, date(2026, 3, 15))  # 26th birthday


def test_enum_accepts_codes_and_labels_whatever_the_case_or_accents():
    assert ContractType.from_text("interim") is ContractType.INTERIM
    assert ContractType.from_text("  INTÉRIM ") is ContractType.INTERIM
    assert Sex.from_text("femme") is Sex.FEMALE
    with pytest.raises(ValueError):
        Sex.from_text("inconnu")
