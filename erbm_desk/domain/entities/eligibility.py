"""Diagnostic d'éligibilité: a person's criteria (RSA, DELD, DETLD, RQTH, QPV…) on a date, who prescribed the
person and who validated the check. Taken at entry into the clause and renewed when the situation changes; the
indicators read the check in force at entry (domain/parcours.py), so a later change never rewrites a past bilan.
"""

from __future__ import annotations

from datetime import date

from erbm_desk.domain import rules
from erbm_desk.domain.entities.columns import Column as C, Kind as K
from erbm_desk.domain.entities.spec import (
    ADMINISTRATOR,
    FACILITATOR,
    EditedUnder,
    EntitySpec,
    FilterKind,
    ListFilter,
    Naming,
    Noun,
)
from erbm_desk.domain.enums import Prescriber
from erbm_desk.domain.parcours import CRITERIA

def _check(v: dict) -> None:
    day = v.get("check_date")
    if day is not None and day > date.today():
        raise rules.RuleError("check_date", "Un diagnostic d'éligibilité ne peut pas être daté dans le futur.")


ELIGIBILITY_CHECK = EntitySpec(
    "eligibility_check",
    "Diagnostic d'éligibilité",
    "Diagnostics d'éligibilité",
    (
        C("beneficiary_id", "Bénéficiaire", K.REF, required=True, ref="beneficiary", width=26),
        C("check_date", "Date du diagnostic", K.DATE, required=True,
          help="Le diagnostic en vigueur à l'entrée dans la clause (début du premier contrat) compte dans les "
               "indicateurs ; un diagnostic plus récent ne change pas les bilans passés."),
        *(C(key, label, K.BOOL) for key, label in CRITERIA),
        C("prescriber", "Prescripteur", K.ENUM, choices=Prescriber, width=20),
        C("validated_by", "Validé par", width=20, max_length=120, personal=True,
          help="La personne qui a validé l'éligibilité (chargé·e de mission, conseiller·ère)."),
    ),
    natural_key=("beneficiary_id", "check_date"),
    display=("check_date",),
    noun=Noun("diagnostic d'éligibilité", "diagnostics d'éligibilité"),
    short_noun=Noun("diagnostic", "diagnostics"),
    naming=Naming(("check_date", "beneficiary_id"), " · "),
    duplicate_message="Cette personne a déjà un diagnostic d'éligibilité à cette date.",
    filters=(
        ListFilter("beneficiary", "Bénéficiaire", FilterKind.REF, "beneficiary_id", ref="beneficiary",
                   visible=False),
    ),
    first_sort="check_date",
    edited_under=EditedUnder("beneficiary_id", "Ajouter un diagnostic…"),
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, FACILITATOR}),
    sheet_note="les diagnostics d'éligibilité datés (critères à l'entrée, puis chaque changement)",
)
