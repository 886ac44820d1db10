"""Marché: a works contract of an operation, whose lots carry the insertion clause."""

from __future__ import annotations

from erbm_desk.domain import rules
from erbm_desk.domain.entities.columns import Column as C, Kind as K
from erbm_desk.domain.entities.spec import (
    ADMINISTRATOR,
    FACILITATOR,
    LANDLORD,
    Dependent,
    EntitySpec,
    FilterKind,
    ListFilter,
    Naming,
    Noun,
    Related,
)


def _check(v: dict) -> None:
    rules.check_period(v.get("works_start"), v.get("works_end"), "works_end")


MARCHE = EntitySpec(
    "marche",
    "Marché",
    "Marchés",
    (
        C("operation_id", "Opération", K.REF, required=True, ref="operation", width=32),
        C("reference", "Référence du marché", required=True, width=18, max_length=60),
        C("subject", "Objet", width=32, max_length=200),
        C("owner", "Maître d'ouvrage", width=24, max_length=160,
          help="Le plus souvent le bailleur ; laissé vide, c'est le bailleur de la cité"),
        C("notified_on", "Notification", K.DATE),
        C("works_start", "Début des travaux", K.DATE,
          help="Début de la période d'exécution des lots (sauf dates propres à un lot)"),
        C("works_end", "Fin des travaux", K.DATE,
          help="Fin de la période d'exécution des lots (sauf dates propres à un lot)"),
    ),
    natural_key=("reference", "operation_id"),
    display=("reference",),
    noun=Noun("marché", "marchés"),
    naming=Naming(("reference", "operation_id"), " · "),
    duplicate_message="Un marché de cette référence existe déjà sur cette opération.",
    dependents=(Dependent("lot", "marche_id"),),
    filters=(
        ListFilter("epci", "EPCI", FilterKind.REF, "operation_id.cite_id.commune_id.epci_id", ref="epci"),
        ListFilter("bailleur", "Bailleur", FilterKind.REF, "operation_id.cite_id.bailleur_id", ref="bailleur"),
        ListFilter("cite", "Cité", FilterKind.REF, "operation_id.cite_id", ref="cite"),
        ListFilter("operation", "Opération", FilterKind.REF, "operation_id", ref="operation", visible=False),
    ),
    related=(Related("Lots", "lot", "marche"),),
    first_sort="reference",
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, LANDLORD, FACILITATOR}),
    sheet_note="les marchés de travaux de chaque opération (dates d'exécution)",
)
