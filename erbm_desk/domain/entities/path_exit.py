"""Sortie: the end of a person's path, its outcome in the PLIE's categories and the situation six months later.

An entity of its own rather than two columns of the person: a person may leave, come back through another
prescriber and leave again (each exit keeps its date, outcome and six-month follow-up); the follow-up is typed
months after the exit, by someone else, and travels in its own sheet; and the indicators need the exits, not the
person's identity, so an anonymous workbook keeps this sheet whole while it drops the names.
"""

from __future__ import annotations

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
    enum_choices,
)
from erbm_desk.domain.enums import ExitOutcome, SixMonthSituation

EXIT_NOTE_HELP = ("Une précision sur la sortie (nom de l'employeur, intitulé de la formation…) : n'écrivez ici "
                  "aucune information sur la santé, le handicap, la situation sociale ou judiciaire de la personne.")


def _check(v: dict) -> None:
    left, seen = v.get("exit_date"), v.get("situation_date")
    if left and seen and seen < left:
        raise rules.RuleError("situation_date", "La situation se relève après la sortie, pas avant.")
    if v.get("situation_date") and not v.get("situation_6m"):
        raise rules.RuleError("situation_6m", "Indiquez la situation relevée à cette date.")


PATH_EXIT = EntitySpec(
    "path_exit",
    "Sortie",
    "Sorties",
    (
        C("beneficiary_id", "Bénéficiaire", K.REF, required=True, ref="beneficiary", width=26),
        C("exit_date", "Date de sortie", K.DATE, required=True),
        C("outcome", "Motif de sortie", K.ENUM, required=True, choices=ExitOutcome, width=30),
        C("detail", "Précision", width=28, max_length=200, help=EXIT_NOTE_HELP),
        C("situation_6m", "Situation à 6 mois", K.ENUM, choices=SixMonthSituation, width=24,
          help="Relevée six mois après la sortie (point à 6 mois)."),
        C("situation_date", "Situation relevée le", K.DATE),
    ),
    natural_key=("beneficiary_id", "exit_date"),
    display=("exit_date",),
    noun=Noun("sortie", "sorties", feminine=True),
    naming=Naming(("exit_date", "beneficiary_id"), " · "),
    duplicate_message="Cette personne a déjà une sortie à cette date.",
    filters=(
        ListFilter("beneficiary", "Bénéficiaire", FilterKind.REF, "beneficiary_id", ref="beneficiary",
                   visible=False),
        ListFilter("outcome", "Motif de sortie", FilterKind.CHOICE, "outcome", choices=enum_choices(ExitOutcome)),
    ),
    first_sort="exit_date",
    edited_under=EditedUnder("beneficiary_id", "Ajouter une sortie…"),
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, FACILITATOR}),
    sheet_note="les sorties de parcours (motif) et la situation six mois après",
)
