"""Bénéficiaire: a person in an insertion path (personal data: identity columns are marked `personal`)."""

from __future__ import annotations

from erbm_desk.domain import rules
from erbm_desk.domain.entities.columns import Column as C, Kind as K
from erbm_desk.domain.entities.spec import (
    ADMINISTRATOR,
    FACILITATOR,
    PUBLICS,
    CountPlace,
    Dependent,
    EntitySpec,
    FilterKind,
    ListFilter,
    Match,
    Naming,
    Noun,
    Related,
)
from erbm_desk.domain.enums import ExitOutcome, Prescriber, Sex


def _check(v: dict) -> None:
    rules.check_birth_date(v.get("birth_date"))
    rules.check_period(v.get("entry_date"), v.get("exit_date"), "exit_date")


BENEFICIARY = EntitySpec(
    "beneficiary",
    "Bénéficiaire",
    "Bénéficiaires",
    (
        C("last_name", "Nom", required=True, personal=True, width=20, max_length=80),
        C("first_name", "Prénom", required=True, personal=True, width=18, max_length=80),
        C("birth_date", "Date de naissance", K.DATE, required=True, personal=True),
        C("sex", "Sexe", K.ENUM, required=True, choices=Sex, width=8),
        C("commune_id", "Commune de résidence", K.REF, ref="commune", width=24),
        C("qpv", "Résident QPV", K.BOOL),
        C("rsa", "Bénéficiaire du RSA", K.BOOL),
        C("deld", "DELD (12 mois et plus)", K.BOOL),
        C("detld", "DETLD (24 mois et plus)", K.BOOL),
        C("rqth", "RQTH", K.BOOL),
        C("ass_aah", "ASS / AAH", K.BOOL),
        C("low_qualification", "Faible qualification (niveau 3 ou moins)", K.BOOL),
        C("prescriber", "Prescripteur", K.ENUM, choices=Prescriber, width=20),
        C("entry_date", "Entrée dans le parcours", K.DATE),
        C("exit_date", "Sortie du parcours", K.DATE),
        C("exit_outcome", "Motif de sortie", K.ENUM, choices=ExitOutcome, width=24),
    ),
    natural_key=("last_name", "first_name", "birth_date"),
    display=("last_name", "first_name"),
    noun=Noun("bénéficiaire", "bénéficiaires"),
    # An anonymous person (a workbook from another site) is known by a pseudonym instead of a name.
    naming=Naming(("last_name", "first_name"), " ", fallback="pseudonym", detail="birth_date"),
    duplicate_message="Un bénéficiaire avec ces nom, prénom et date de naissance existe déjà.",
    dependents=(Dependent("contract", "beneficiary_id"),),
    filters=(
        ListFilter("public", "Public", FilterKind.CHOICE, "", Match.PUBLIC, choices=PUBLICS),
        ListFilter("epci", "EPCI de résidence", FilterKind.REF, "commune_id.epci_id", ref="epci"),
        ListFilter("path", "Parcours", FilterKind.CHOICE, "exit_date", Match.OPEN_OR_CLOSED,
                   choices=(("En parcours", "open"), ("Sortis", "closed"))),
    ),
    related=(Related("Contrats", "contract", "beneficiary"), Related("Heures", "hours_entry", "beneficiary")),
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, FACILITATOR}),
    counted_in=frozenset({CountPlace.BACKUP, CountPlace.STATUS_BAR, CountPlace.WINDOW_TITLE}),
    sheet_note="les participants (anonymes : pseudonyme seulement)",
)
