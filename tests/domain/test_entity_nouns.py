"""Every entity's noun counts and agrees as French does: « 0 cité », « 1 cité », « 2 cités »."""

import pytest

from erbm_desk.domain.entities import ALL_SPECS, SPECS
from erbm_desk.domain.reporting import comite_sentence

NB = "\u00a0"


@pytest.mark.parametrize("entity", sorted(ALL_SPECS))
def test_each_noun_keeps_the_singular_below_two(entity):
    noun = ALL_SPECS[entity].short_noun
    assert noun.count(0) == f"0 {noun.one}"
    assert noun.count(1) == f"1 {noun.one}"
    assert noun.count(2) == f"2 {noun.many}"
    assert noun.count(1500) == f"1{NB}500 {noun.many}"


def test_participles_follow_the_nouns_gender():
    cite, contract = SPECS["cite"].short_noun, SPECS["contract"].short_noun
    assert (cite.agreed(1, "ajouté"), cite.agreed(2, "ajouté")) == ("ajoutée", "ajoutées")
    assert (contract.agreed(1, "ajouté"), contract.agreed(2, "ajouté")) == ("ajouté", "ajoutés")
    assert ALL_SPECS["commune"].noun.none == "aucune commune" and contract.none == "aucun contrat"


@pytest.mark.parametrize("n, words", [
    (0, "0 heure d'insertion réalisée par 0 personne dont 0 bénéficiaire du RSA et 0 jeune"),
    (1, "1 heure d'insertion réalisée par 1 personne dont 1 bénéficiaire du RSA et 1 jeune"),
    (2, "2 heures d'insertion réalisées par 2 personnes dont 2 bénéficiaires du RSA et 2 jeunes"),
])
def test_the_comite_sentence_agrees_with_every_count(n, words):
    assert comite_sentence(n, n, n, n) == f"{words} de moins de 26 ans"


def test_the_comite_sentence_can_hide_small_counts():
    sentence = comite_sentence(1200, 12, 3, 0, masked={"rsa": "moins de 5"})
    assert sentence == (f"1{NB}200 heures d'insertion réalisées par 12 personnes dont moins de 5 bénéficiaires du "
                        "RSA et 0 jeune de moins de 26 ans")
