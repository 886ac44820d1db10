"""Heures réalisées: the hours worked in one month under one contract."""

from __future__ import annotations

from erbm_desk.domain import rules
from erbm_desk.domain.entities.columns import Column as C, Kind as K
from erbm_desk.domain.entities.spec import (
    ADMINISTRATOR,
    FACILITATOR,
    CountPlace,
    EditedUnder,
    EntitySpec,
    FilterKind,
    ListFilter,
    Match,
    MonthWithin,
    Naming,
    Noun,
)


def _check(v: dict) -> None:
    rules.check_hours(v.get("hours"))


HOURS = EntitySpec(
    "hours_entry",
    "Heures réalisées",
    "Heures",
    (
        C("contract_id", "Contrat", K.REF, required=True, ref="contract", width=34),
        C("month", "Mois", K.MONTH, required=True, width=10,
          aliases=("Mois de réalisation", "Période", "Mois travaillé")),
        C("hours", "Heures", K.DECIMAL, required=True, width=10,
          aliases=("Heures réalisées", "Heures effectuées", "Heures travaillées", "Nombre d'heures",
                   "heures_realisees")),
    ),
    natural_key=("contract_id", "month"),
    display=("month",),
    noun=Noun("mois d'heures", "mois d'heures"),
    write_label="les heures réalisées",
    naming=Naming(("month", "contract_id"), " · "),
    duplicate_message="Des heures sont déjà saisies pour ce contrat et ce mois.",
    filters=(
        ListFilter("contract", "Contrat", FilterKind.REF, "contract_id", ref="contract", visible=False),
        ListFilter("beneficiary", "Bénéficiaire", FilterKind.REF, "contract_id.beneficiary_id", ref="beneficiary",
                   visible=False),
        ListFilter("month", "Mois", FilterKind.MONTH, "month", Match.SAME_MONTH),
    ),
    first_sort="month",
    edited_under=EditedUnder("contract_id", "Ajouter un mois…"),
    month_within=MonthWithin("month", "contract_id",
                             "Des heures sont saisies en {month}, hors de la nouvelle période du contrat."),
    summed="hours",
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, FACILITATOR}),
    counted_in=frozenset({CountPlace.BACKUP, CountPlace.STATUS_BAR}),
    sheet_note="les heures réalisées, une ligne par contrat et par mois",
)
