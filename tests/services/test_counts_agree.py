"""Counts read by users agree with what they count, at 0, 1 and 2 (French keeps the singular below two)."""

from __future__ import annotations

import pytest

from erbm_desk.services.error_messages import integrity_summary
from erbm_desk.services.exchange.model import Status, status_count


@pytest.mark.parametrize("n, person, cite", [(0, "0 nouveau", "0 nouvelle"), (1, "1 nouveau", "1 nouvelle"),
                                              (2, "2 nouveaux", "2 nouvelles"), (2000, "2\u00a0000 nouveaux",
                                                                                 "2\u00a0000 nouvelles")])
def test_an_import_summary_agrees_with_the_records_counted(n, person, cite):
    assert status_count("beneficiary", Status.NEW, n) == person
    assert status_count("cite", Status.NEW, n) == cite
    assert status_count("contract", Status.ERROR, n).endswith(" en erreur")


def test_records_are_named_where_the_sheet_title_does_not_name_them():
    assert status_count("funding", Status.UNCHANGED, 467) == "467 lignes de financement inchangées"
    assert status_count("hours_entry", Status.CHANGED, 1) == "1 mois d'heures modifié"
    assert status_count("contract", Status.UNCHANGED, 2) == "2 inchangés"


@pytest.mark.parametrize("pages, said", [(1, "1 page abîmée"), (2, "2 pages abîmées")])
def test_a_damage_report_agrees_with_its_count(pages, said):
    assert said in integrity_summary([f"*** in database main *** Page {p}: never used" for p in range(pages)])


def test_an_export_says_what_it_wrote_in_french_numbers(tmp_path):
    from erbm_desk.services.exchange.export import ExportSummary

    said = ExportSummary(tmp_path / "x.xlsx", {"cite": 1, "funding": 2, "beneficiary": 2000, "hours_entry": 24889},
                         anonymous=True, seconds=1.0).message
    assert said == ("Classeur anonyme enregistré : x.xlsx (1 cité, 2 lignes de financement, 2\u00a0000 bénéficiaires, "
                    "24\u00a0889 mois d'heures).")


@pytest.mark.parametrize("years, said", [(1, "depuis plus de 1 an :"), (5, "depuis plus de 5 ans :")])
def test_the_retention_reminder_agrees_with_its_years(years, said):
    from erbm_desk.services.security.gdpr import retention_message

    assert said in retention_message([object()], years)


def test_the_end_of_an_import_says_its_counts_as_the_preview_does():
    from collections import Counter

    from erbm_desk.services.exchange.apply import ApplySummary

    said = ApplySummary(Counter({("beneficiary", "new"): 2000, ("hours_entry", "new"): 24889,
                                 ("hours_entry", "changed"): 1, ("cite", "changed"): 1})).message
    assert "Bénéficiaires : 2\u00a0000 ajoutés, 0 modifié" in said
    assert "Heures : 24\u00a0889 mois d'heures ajoutés, 1 mois d'heures modifié" in said
    assert "Cités : 0 ajoutée, 1 modifiée" in said
