from datetime import date
from decimal import Decimal

import pytest

from erbm_desk.domain import values as v
from erbm_desk.domain.enums import Phase
from erbm_desk.domain.entities import OPERATION, SPECS, Kind
from erbm_desk.domain.validation import record_problems


@pytest.mark.parametrize("raw, expected", [("12,5", "12.50"), ("1 234,50", "1234.50"), (12.3, "12.30"), (7, "7.00")])
def test_decimal_comma_and_spreadsheet_numbers(raw, expected):
    assert v.parse_decimal(raw) == Decimal(expected)


def test_decimals_refuse_text_and_extra_places():
    with pytest.raises(ValueError, match="n'est pas un nombre"):
        v.parse_decimal("douze")
    with pytest.raises(ValueError, match="décimales"):
        v.parse_decimal("1,234")


@pytest.mark.parametrize("raw", ["01/02/2024", "1/2/2024", "2024-02-01", "01.02.2024", date(2024, 2, 1)])
def test_dates_day_first(raw):
    assert v.parse_date(raw) == date(2024, 2, 1)


def test_bad_dates_say_the_expected_format():
    with pytest.raises(ValueError, match="jj/mm/aaaa"):
        v.parse_date("31/02/2024")


def test_months():
    assert v.parse_month("02/2024") == v.parse_month("2024-02") == date(2024, 2, 1)


def test_a_column_parses_and_formats_in_french():
    phase = OPERATION.column("phase")
    assert phase.parse("en travaux") is Phase.WORKS
    assert phase.format(Phase.WORKS) == "En travaux"
    with pytest.raises(ValueError, match="n'est pas un choix possible"):
        phase.parse("fini")
    assert OPERATION.column("hours_required").format(Decimal("1500.5")) == "1\u00a0500,5"
    with pytest.raises(ValueError, match="obligatoire"):
        OPERATION.column("name").parse("  ")


def test_every_entity_has_one_spec_with_its_natural_key():
    assert set(SPECS) == {"cite", "operation", "funding", "company", "marche", "lot", "beneficiary", "contract",
                          "hours_entry", "eligibility_check", "path_exit", "followup_action"}
    for spec in SPECS.values():
        for key in spec.natural_key:
            spec.column(key)
        assert all(c.ref for c in spec.columns if c.kind is Kind.REF)


def test_record_rules_report_every_problem():
    problems = record_problems("contract", {"start_date": date(2024, 2, 1), "end_date": date(2024, 1, 1)})
    assert "end_date" in problems and "beneficiary_id" in problems
    assert record_problems("company", {"name": "X", "siret": "12345678901234", "kind": "entreprise"})["siret"]
