"""Lot: a part of a marché awarded to a titulaire company, with its insertion clause (domain/clauses.py)."""

from __future__ import annotations

from decimal import Decimal

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

_DEFAULT = " (vide : la valeur par défaut de la base)"


def _check(v: dict) -> None:
    rules.check_non_negative(v.get("amount"), "amount", "Le montant")
    for key, label in (("labour_share", "La part de main-d'œuvre"), ("insertion_rate", "Le taux d'insertion")):
        value = v.get(key)
        rules.check_non_negative(value, key, label)
        if value is not None and value > 100:
            raise rules.RuleError(key, f"{label} est un pourcentage : 100 au plus.")
    cost = v.get("hourly_cost")
    if cost is not None and cost <= Decimal(0):
        raise rules.RuleError("hourly_cost", "Le coût horaire doit être positif.")
    rules.check_non_negative(v.get("hours_stated"), "hours_stated", "Le nombre d'heures")
    rules.check_non_negative(v.get("penalty_per_hour"), "penalty_per_hour", "La pénalité")
    rules.check_period(v.get("start_date"), v.get("end_date"))


LOT = EntitySpec(
    "lot",
    "Lot",
    "Lots",
    (
        C("marche_id", "Marché", K.REF, required=True, ref="marche", width=34),
        C("number", "N° de lot", required=True, width=8, max_length=20),
        C("label", "Intitulé du lot", required=True, width=28, max_length=160),
        C("company_id", "Titulaire", K.REF, required=True, ref="company", width=26,
          help="L'entreprise à qui le lot est attribué : elle doit les heures d'insertion"),
        C("amount", "Montant HT (€)", K.MONEY, width=16),
        C("labour_share", "Part de main-d'œuvre (%)", K.DECIMAL, width=12,
          help="Part du montant qui rémunère la main-d'œuvre" + _DEFAULT),
        C("insertion_rate", "Taux d'insertion (%)", K.DECIMAL, width=12,
          help="Part des heures de main-d'œuvre réservée à l'insertion" + _DEFAULT),
        C("hourly_cost", "Coût horaire (€)", K.MONEY, width=12,
          help="Coût d'une heure de main-d'œuvre" + _DEFAULT),
        C("hours_stated", "Heures fixées par le marché", K.DECIMAL, width=14,
          help="Quand le marché fixe lui-même le nombre d'heures : ce nombre remplace le calcul"),
        C("penalty_per_hour", "Pénalité par heure manquante (€)", K.MONEY, width=14),
        C("start_date", "Début d'exécution", K.DATE, help="Seulement si le lot a ses propres dates"),
        C("end_date", "Fin d'exécution", K.DATE, help="Seulement si le lot a ses propres dates"),
    ),
    natural_key=("number", "marche_id"),
    display=("number", "label"),
    noun=Noun("lot", "lots"),
    naming=Naming(("number", "label", "marche_id"), " · "),
    duplicate_message="Ce marché a déjà un lot de ce numéro.",
    dependents=(Dependent("contract", "lot_id", detach=True),),
    filters=(
        ListFilter("epci", "EPCI", FilterKind.REF, "marche_id.operation_id.cite_id.commune_id.epci_id", ref="epci"),
        ListFilter("bailleur", "Bailleur", FilterKind.REF, "marche_id.operation_id.cite_id.bailleur_id",
                   ref="bailleur"),
        ListFilter("cite", "Cité", FilterKind.REF, "marche_id.operation_id.cite_id", ref="cite"),
        ListFilter("company", "Titulaire", FilterKind.REF, "company_id", ref="company"),
        ListFilter("marche", "Marché", FilterKind.REF, "marche_id", ref="marche", visible=False),
    ),
    related=(Related("Contrats", "contract", "lot"),),
    first_sort="number",
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, LANDLORD, FACILITATOR}),
    sheet_note="les lots de chaque marché : titulaire et clause d'insertion (montant, paramètres, heures)",
)
