"""Bénéficiaire: a person in an insertion path (personal data: identity columns are marked `personal`).

The person's criteria (RSA, DELD…) and prescriber are dated eligibility checks, their exits records of their own,
their follow-up dated actions: the related entities `eligibility_check`, `path_exit` and `followup_action`."""

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
from erbm_desk.domain.enums import Sex


def _check(v: dict) -> None:
    rules.check_birth_date(v.get("birth_date"))


BENEFICIARY = EntitySpec(
    "beneficiary",
    "Bénéficiaire",
    "Bénéficiaires",
    (
        C("last_name", "Nom", required=True, personal=True, width=20, max_length=80, stand_in="pseudonym",
          aliases=("Nom de famille", "Nom du bénéficiaire", "Nom du participant", "Nom du salarié", "Nom d'usage",
                   "nom_beneficiaire", "nom_participant")),
        C("first_name", "Prénom", required=True, personal=True, width=18, max_length=80,
          aliases=("Prénom du bénéficiaire", "Prénom du participant", "prenom_beneficiaire", "prenom_participant")),
        C("birth_date", "Date de naissance", K.DATE, required=True, personal=True, stand_in="age_band",
          aliases=("Né(e) le", "Né le", "Née le", "Date naissance", "Date de naiss.", "DDN", "Naissance")),
        C("sex", "Sexe", K.ENUM, required=True, choices=Sex, width=8, aliases=("Genre", "H/F", "F/H", "Civilité")),
        C("commune_id", "Commune de résidence", K.REF, ref="commune", width=24,
          aliases=("Ville de résidence", "Lieu de résidence", "Domicile", "commune_residence")),
        C("entry_date", "Entrée dans le parcours", K.DATE,
          aliases=("Date d'entrée dans le parcours", "Entrée PLIE", "Date d'entrée PLIE", "date_entree_parcours"),
          help="L'entrée dans la clause est le début du premier contrat d'insertion ; cette date sert tant "
               "qu'il n'y en a pas."),
    ),
    natural_key=("last_name", "first_name", "birth_date"),
    display=("last_name", "first_name"),
    noun=Noun("bénéficiaire", "bénéficiaires"),
    # An anonymous person (a workbook from another site) is known by a pseudonym instead of a name.
    naming=Naming(("last_name", "first_name"), " ", fallback="pseudonym", detail="birth_date"),
    duplicate_message="Un bénéficiaire avec ces nom, prénom et date de naissance existe déjà.",
    dependents=(Dependent("contract", "beneficiary_id"), Dependent("eligibility_check", "beneficiary_id"),
                Dependent("path_exit", "beneficiary_id"), Dependent("followup_action", "beneficiary_id")),
    filters=(
        ListFilter("public", "Public", FilterKind.CHOICE, "", Match.PUBLIC, choices=PUBLICS),
        ListFilter("epci", "EPCI de résidence", FilterKind.REF, "commune_id.epci_id", ref="epci"),
        ListFilter("path", "Parcours", FilterKind.CHOICE, "", Match.HAS_RECORD,
                   choices=(("En parcours", "open"), ("Sortis", "closed")), ref="path_exit", of="beneficiary_id"),
    ),
    related=(Related("Contrats", "contract", "beneficiary"), Related("Heures", "hours_entry", "beneficiary"),
             Related("Éligibilité", "eligibility_check", "beneficiary"), Related("Sorties", "path_exit", "beneficiary"),
             Related("Suivi", "followup_action", "beneficiary")),
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, FACILITATOR}),
    counted_in=frozenset({CountPlace.BACKUP, CountPlace.STATUS_BAR, CountPlace.WINDOW_TITLE}),
    sheet_note="les participants (anonymes : pseudonyme seulement)",
)
