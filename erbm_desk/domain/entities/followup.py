"""Action de suivi: a dated event of a person's follow-up (an interview, an introduction to a company, a hire,
the six-month review…) with a note, the person in charge and the date of the next action, which feeds the
« À faire » list. Working notes about a person: never in an anonymous workbook (the indicators do not use them).
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
from erbm_desk.domain.enums import ActionKind

ACTION_NOTE_HELP = ("Ce qui a été fait ou convenu. N'écrivez ici aucune information sur la santé, le handicap, "
                    "la situation sociale ou judiciaire de la personne.")


def _check(v: dict) -> None:
    done, planned = v.get("action_date"), v.get("next_action_date")
    if done and planned and planned < done:
        raise rules.RuleError("next_action_date", "La prochaine action ne peut pas être prévue avant celle-ci.")


FOLLOWUP_ACTION = EntitySpec(
    "followup_action",
    "Action de suivi",
    "Actions de suivi",
    (
        C("beneficiary_id", "Bénéficiaire", K.REF, required=True, ref="beneficiary", width=26),
        C("action_date", "Date", K.DATE, required=True),
        C("kind", "Action", K.ENUM, required=True, choices=ActionKind, width=26),
        C("note", "Note", width=40, max_length=1000, personal=True, help=ACTION_NOTE_HELP),
        C("in_charge", "Chargé·e de suivi", width=20, max_length=120, personal=True),
        C("next_action_date", "Prochaine action le", K.DATE,
          help="La date à laquelle la prochaine action est prévue : elle apparaît dans la liste « À faire »."),
        C("next_action", "Prochaine action", width=28, max_length=200, personal=True),
    ),
    natural_key=("beneficiary_id", "action_date", "kind"),
    display=("action_date",),
    noun=Noun("action de suivi", "actions de suivi", feminine=True),
    short_noun=Noun("action", "actions", feminine=True),
    naming=Naming(("kind", "beneficiary_id"), " · "),
    duplicate_message="Cette action est déjà notée pour cette personne à cette date.",
    filters=(
        ListFilter("beneficiary", "Bénéficiaire", FilterKind.REF, "beneficiary_id", ref="beneficiary",
                   visible=False),
        ListFilter("kind", "Action", FilterKind.CHOICE, "kind", choices=enum_choices(ActionKind)),
    ),
    first_sort="action_date",
    edited_under=EditedUnder("beneficiary_id", "Noter une action…"),
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, FACILITATOR}),
    sheet_note="les actions de suivi (nominatif seulement : jamais dans un classeur anonyme)",
    in_anonymous_workbook=False,
)
