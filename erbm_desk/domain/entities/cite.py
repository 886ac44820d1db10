"""Cité minière: a mining estate of a commune, owned by a bailleur."""

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
)


def _check(v: dict) -> None:
    rules.check_non_negative(v.get("homes"), "homes", "Le nombre de logements")


CITE = EntitySpec(
    "cite",
    "Cité",
    "Cités",
    (
        C("name", "Nom de la cité", required=True, width=30, max_length=120,
          aliases=("Cité", "Cité minière", "Nom cité", "Quartier", "nom_cite")),
        C("commune_id", "Commune", K.REF, required=True, ref="commune", width=24,
          aliases=("Commune de la cité", "Ville", "Code INSEE", "commune_cite")),
        C("bailleur_id", "Bailleur", K.REF, ref="bailleur", width=20, aliases=("Bailleur social", "Propriétaire")),
        C("homes", "Logements", K.INT, help="Nombre de logements miniers de la cité",
          aliases=("Logements de la cité", "Nombre de logements de la cité")),
        C("priority", "Cité prioritaire", K.BOOL, help="Une des cités prioritaires de l'ERBM",
          aliases=("Prioritaire",)),
        C("unesco", "Patrimoine Unesco", K.BOOL, aliases=("Unesco", "Patrimoine mondial")),
        C("notes", "Remarques", width=40, max_length=2000, help=NOTES_HELP),
    ),
    natural_key=("name", "commune_id"),
    display=("name",),
    noun=Noun("cité", "cités", feminine=True),
    naming=Naming(("name",)),
    duplicate_message="Une cité de ce nom existe déjà dans cette commune.",
    dependents=(Dependent("operation", "cite_id"),),
    filters=(
        ListFilter("epci", "EPCI", FilterKind.REF, "commune_id.epci_id", ref="epci"),
        ListFilter("bailleur", "Bailleur", FilterKind.REF, "bailleur_id", ref="bailleur"),
        ListFilter("priority", "Priorité", FilterKind.CHOICE, "priority",
                   choices=(("Cités prioritaires", True), ("Autres cités", False))),
    ),
    related=(Related("Opérations", "operation", "cite"), Related("Contrats", "contract", "cite")),
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, LANDLORD}),
    counted_in=frozenset({CountPlace.BACKUP, CountPlace.STATUS_BAR, CountPlace.WINDOW_TITLE}),
    sheet_note="les cités minières : commune, bailleur, logements",
)
