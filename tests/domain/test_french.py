"""The one French display rule (domain/french.py): numbers and dates as every screen, message and chart shows them."""

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from babel import dates as babel_dates
from babel.dates import format_date as babel_date
from babel.numbers import format_decimal as babel_decimal

from erbm_desk.domain import french

NB = "\u00a0"


def test_counts_and_hours():
    assert french.GROUP == NB
    assert french.format_int(710156) == f"710{NB}156"
    assert french.format_int(D("12.7")) == "12"  # a count: decimals dropped, not rounded
    assert french.format_hours(D("1234.50")) == f"1{NB}234,5"
    assert french.format_hours(D("12")) == "12" and french.format_hours(D("0.05")) == "0,05"
    assert french.format_hours(12.3) == "12,3"  # a float by its shortest spelling
    assert french.format_decimal(None) == "" and french.format_decimal(D("1500.5")) == f"1{NB}500,5"


def test_money_percent_and_fixed_decimals():
    assert french.format_money(D("-1234567.8")) == f"-1{NB}234{NB}567,80 €"
    assert french.format_money(None) == ""
    assert french.format_percent(D("45.25")) == "45,3 %"
    assert french.format_number(D("1234.56"), 1) == f"1{NB}234,6"
    assert french.format_number(1234567) == f"1{NB}234{NB}567"


def test_rounding_is_half_up_and_never_shows_minus_zero():
    assert french.format_number(D("12.5")) == "13" and french.format_number(D("13.5")) == "14"
    assert french.format_number(-0.4) == "0" and french.format_number(-1500) == f"-1{NB}500"
    assert french.format_hours(D("-0.001")) == "0"


def test_counts_in_words():
    assert french.format_count(1, "personne") == "1 personne"
    assert french.format_count(2000, "personne") == f"2{NB}000 personnes"
    assert french.format_count(3, "mois", "mois") == "3 mois"


def test_dates_and_months():
    assert french.format_date(date(2024, 2, 1)) == "01/02/2024"
    assert french.format_date(datetime(2024, 2, 1, 23, 59)) == "01/02/2024"
    assert french.format_month(date(2024, 2, 1)) == "02/2024"
    assert french.format_date(None) == "" and french.format_month(None) == ""
    assert french.format_date(date(987, 6, 5)) == "05/06/0987"


@pytest.mark.parametrize("value", [D("0"), D("7"), D("999.99"), D("1000"), D("-25000.5"), D("123456789.01")])
def test_it_is_cldr_french_with_the_group_separator_we_chose(value):
    """Babel lays out the numbers: the only difference from CLDR fr_FR is the separator (U+00A0 for U+202F)."""
    cldr = babel_decimal(value, format="#,##0.##", locale="fr_FR")
    assert french.format_hours(value) == cldr.replace("\u202f", NB)


def test_dates_laid_out_directly_are_babels_layout_of_the_patterns():
    days = [date(1, 1, 1), date(999, 12, 31), date(9999, 12, 31)] + [date(1950, 1, 1) + timedelta(days=n * 37)
                                                                     for n in range(1000)]
    assert french.DATE_PATTERN == babel_dates.get_date_format("short", locale="fr_FR").pattern.replace("y", "yyyy")
    assert [french.format_date(d) for d in days] == [babel_date(d, french.DATE_PATTERN, locale="fr_FR") for d in days]
    assert [french.format_month(d) for d in days] == [babel_date(d, french.MONTH_PATTERN, locale="fr_FR")
                                                      for d in days]


def test_memoised_results_are_the_rule_for_every_value():
    hours = [D(n) / 100 for n in range(0, 20_000, 7)]
    first = [french.format_hours(h) for h in hours]
    assert first == [french.format_hours(h) for h in hours]
    assert french.format_hours(D("12.50")) == french.format_hours(D("12.5")) == "12,5"


def test_date_and_time():
    assert french.format_datetime(datetime(2024, 2, 1, 14, 5, 33)) == "01/02/2024 à 14:05"
    assert french.format_datetime(None) == ""


@pytest.mark.parametrize("n, expected", [(0, "0 valeur collée"), (1, "1 valeur collée"), (2, "2 valeurs collées")])
def test_a_count_and_its_participle_agree_in_number_and_gender(n, expected):
    assert french.count_agreed(n, "valeur", "collé", feminine=True) == expected


@pytest.mark.parametrize("n, expected", [(0, "0 bailleur créé"), (1, "1 bailleur créé"), (2, "2 bailleurs créés")])
def test_a_masculine_count_agrees_too(n, expected):
    assert french.count_agreed(n, "bailleur", "créé") == expected


def test_regular_plurals_and_none_of():
    assert [french.plural_of(w) for w in ("cité", "mois", "tableau", "journal", "prix", "jeu")] == [
        "cités", "mois", "tableaux", "journaux", "prix", "jeux"]
    assert french.agree(1, "contrat") == "contrat" and french.agree(2, "contrat") == "contrats"
    assert french.agree(2, "contrat d'insertion", "contrats d'insertion") == "contrats d'insertion"
    assert french.none_of("commune", feminine=True) == "aucune commune"
    assert french.none_of("contrat") == "aucun contrat"
    assert french.format_count(0, "opération") == "0 opération"
