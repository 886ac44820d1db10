"""Opération: a renovation operation on one cité."""

from __future__ import annotations

from erbm_desk.domain import rules
from erbm_desk.domain.entities.columns import NOTES_HELP, Column as C, Kind as K
from erbm_desk.domain.entities.spec import (
    ADMINISTRATOR,
    LANDLORD,
    CountPlace,
    Dependent,
    EntitySpec,
    FilterKind,
    ListFilter,
    Naming,
    Noun,
    Related,
    enum_choices,
)
from erbm_desk.domain.enums import OperationNature, Phase


def _check(v: dict) -> None:
    rules.check_non_negative(v.get("homes"), "homes", "Le nombre de logements")
    rules.check_period(v.get("start_date"), v.get("end_date"))
    rules.check_non_negative(v.get("energy_before"), "energy_before", "La consommation")
    rules.check_non_negative(v.get("energy_after"), "energy_after", "La consommation")
    rules.check_non_negative(v.get("hours_required"), "hours_required", "Le nombre d'heures")


OPERATION = EntitySpec(
    "operation",
    "Opération",
    "Opérations",
    (
        C("name", "Intitulé", required=True, width=32, max_length=160,
          aliases=("Intitulé de l'opération", "Nom de l'opération", "Chantier", "Nom du chantier", "Programme", "nom_operation")),
        C("cite_id", "Cité", K.REF, required=True, ref="cite", width=26),
        C("nature", "Nature", K.ENUM, required=True, choices=OperationNature, width=22,
          aliases=("Nature de l'opération", "Nature des travaux", "Type de travaux")),
        C("phase", "Phase", K.ENUM, required=True, choices=Phase, aliases=("Avancement", "État d'avancement")),
        C("homes", "Logements", K.INT, aliases=("Logements de l'opération", "Nombre de logements")),
        C("start_date", "Début des travaux", K.DATE, aliases=("Démarrage des travaux", "Date de démarrage")),
        C("end_date", "Fin prévue", K.DATE, aliases=("Fin des travaux", "Date de fin prévue")),
        C("delivery_date", "Date de livraison", K.DATE, aliases=("Livraison",)),
        C("energy_before", "Conso. avant (kWh/m²/an)", K.DECIMAL, width=16,
          aliases=("Consommation avant travaux", "Conso avant")),
        C("energy_after", "Conso. après (kWh/m²/an)", K.DECIMAL, width=16,
          aliases=("Consommation après travaux", "Conso après")),
        C("hours_required", "Heures d'insertion exigées", K.DECIMAL, width=16,
          aliases=("Heures exigées", "Objectif d'heures d'insertion", "Heures d'insertion à réaliser"),
          help="Quand l'opération a des marchés avec des lots, ses heures exigées sont la somme de celles des "
               "lots ; ce nombre ne vaut que pour une opération sans lot"),
        C("notes", "Remarques", width=40, max_length=2000, help=NOTES_HELP),
    ),
    natural_key=("name", "cite_id"),
    display=("name",),
    noun=Noun("opération", "opérations", feminine=True),
    naming=Naming(("name", "cite_id"), " · "),
    duplicate_message="Une opération de cet intitulé existe déjà sur cette cité.",
    dependents=(Dependent("funding", "operation_id"), Dependent("marche", "operation_id"),
                Dependent("contract", "operation_id")),
    filters=(
        ListFilter("epci", "EPCI", FilterKind.REF, "cite_id.commune_id.epci_id", ref="epci"),
        ListFilter("bailleur", "Bailleur", FilterKind.REF, "cite_id.bailleur_id", ref="bailleur"),
        ListFilter("cite", "Cité", FilterKind.REF, "cite_id", ref="cite"),
        ListFilter("phase", "Phase", FilterKind.CHOICE, "phase", choices=enum_choices(Phase)),
        ListFilter("nature", "Nature", FilterKind.CHOICE, "nature", choices=enum_choices(OperationNature)),
    ),
    related=(Related("Financements", "funding", "operation"), Related("Marchés", "marche", "operation"),
             Related("Contrats", "contract", "operation")),
    first_sort="name",
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, LANDLORD}),
    counted_in=frozenset({CountPlace.BACKUP, CountPlace.STATUS_BAR}),
    sheet_note="les opérations de rénovation de chaque cité",
)
