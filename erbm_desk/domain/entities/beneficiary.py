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
        C("last_name", "Nom", required=True, personal=True, width=20, max_length=80,
          aliases=("Nom de famille", "Nom du bénéficiaire", "Nom du participant", "Nom du salarié", "Nom d'usage",
                   "nom_beneficiaire", "nom_participant")),
        C("first_name", "Prénom", required=True, personal=True, width=18, max_length=80,
          aliases=("Prénom du bénéficiaire", "Prénom du participant", "prenom_beneficiaire", "prenom_participant")),
        C("birth_date", "Date de naissance", K.DATE, required=True, personal=True,
          aliases=("Né(e) le", "Né le", "Née le", "Date naissance", "Date de naiss.", "DDN", "Naissance")),
        C("sex", "Sexe", K.ENUM, required=True, choices=Sex, width=8, aliases=("Genre", "H/F", "F/H", "Civilité")),
        C("commune_id", "Commune de résidence", K.REF, ref="commune", width=24,
          aliases=("Ville de résidence", "Lieu de résidence", "Domicile", "commune_residence")),
        C("qpv", "Résident QPV", K.BOOL, aliases=("QPV", "Habitant QPV", "Quartier prioritaire")),
        C("rsa", "Bénéficiaire du RSA", K.BOOL, aliases=("RSA", "BRSA", "Allocataire du RSA", "Bénéficiaire RSA")),
        C("deld", "DELD (12 mois et plus)", K.BOOL, aliases=("DELD", "Demandeur d'emploi de longue durée")),
        C("detld", "DETLD (24 mois et plus)", K.BOOL, aliases=("DETLD", "Demandeur d'emploi de très longue durée")),
        C("rqth", "RQTH", K.BOOL, aliases=("TH", "BOETH", "Travailleur handicapé")),
        C("ass_aah", "ASS / AAH", K.BOOL, aliases=("ASS", "AAH", "ASS-AAH")),
        C("low_qualification", "Faible qualification (niveau 3 ou moins)", K.BOOL,
          aliases=("Faible qualification", "Niveau 3 ou moins", "Infra bac", "Bas niveau de qualification")),
        C("prescriber", "Prescripteur", K.ENUM, choices=Prescriber, width=20,
          aliases=("Orienteur", "Orienté par", "Structure prescriptrice")),
        C("entry_date", "Entrée dans le parcours", K.DATE,
          aliases=("Date d'entrée dans le parcours", "Entrée PLIE", "Date d'entrée PLIE", "date_entree_parcours")),
        C("exit_date", "Sortie du parcours", K.DATE,
          aliases=("Date de sortie du parcours", "Sortie PLIE", "Date de sortie PLIE", "date_sortie_parcours")),
        C("exit_outcome", "Motif de sortie", K.ENUM, choices=ExitOutcome, width=24,
          aliases=("Situation à la sortie", "Type de sortie", "motif_sortie")),
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
