"""Contrat d'insertion: a beneficiary working for a company on an operation."""

from __future__ import annotations

from erbm_desk.domain import rules
from erbm_desk.domain.entities.columns import Column as C, Kind as K
from erbm_desk.domain.entities.spec import (
    ADMINISTRATOR,
    FACILITATOR,
    PUBLICS,
    Agreement,
    CountPlace,
    Dependent,
    EntitySpec,
    FilterKind,
    ListFilter,
    Match,
    Naming,
    Noun,
    Related,
    enum_choices,
)
from erbm_desk.domain.enums import AgeBand, ContractType, DeliveryMethod


def _check(v: dict) -> None:
    rules.check_period(v.get("start_date"), v.get("end_date"))
    rules.check_non_negative(v.get("hours_planned"), "hours_planned", "Le nombre d'heures")


CONTRACT = EntitySpec(
    "contract",
    "Contrat d'insertion",
    "Contrats",
    (
        C("beneficiary_id", "Bénéficiaire", K.REF, required=True, ref="beneficiary", width=26),
        C("company_id", "Entreprise", K.REF, required=True, ref="company", width=26),
        C("operation_id", "Opération", K.REF, required=True, ref="operation", width=30),
        C("lot_id", "Lot", K.REF, ref="lot", width=30,
          help="Le lot du marché au titre duquel les heures sont faites (l'employeur peut ne pas être le "
               "titulaire : ETTI, GEIQ, SIAE sous-traitante…)"),
        C("contract_type", "Type de contrat", K.ENUM, required=True, choices=ContractType,
          aliases=("Nature du contrat", "Contrat", "type_contrat")),
        C("delivery_method", "Mode de réalisation", K.ENUM, required=True, choices=DeliveryMethod, width=24,
          aliases=("Modalité de réalisation", "Modalité", "Mode d'embauche", "mode_realisation")),
        C("start_date", "Début", K.DATE, required=True,
          aliases=("Date de début", "Début du contrat", "Date de début du contrat", "Date d'embauche", "date_debut")),
        C("end_date", "Fin", K.DATE, aliases=("Date de fin", "Fin du contrat", "Date de fin du contrat", "date_fin")),
        C("hours_planned", "Heures prévues", K.DECIMAL,
          aliases=("Nombre d'heures prévues", "Volume horaire prévu", "heures_prevues")),
        C("age_band", "Tranche d'âge au début", K.ENUM, choices=AgeBand,
          help="Renseignée seulement quand la date de naissance n'est pas connue (fichier anonyme)"),
    ),
    natural_key=("beneficiary_id", "company_id", "operation_id", "start_date"),
    display=("start_date",),
    noun=Noun("contrat d'insertion", "contrats d'insertion"),
    short_noun=Noun("contrat", "contrats"),
    naming=Naming(("beneficiary_id", "company_id"), " — ", detail="start_date",
                  detail_format="{name} (début {detail})"),
    duplicate_message="Ce contrat existe déjà (même bénéficiaire, entreprise, opération et date de début).",
    dependents=(Dependent("hours_entry", "contract_id"),),
    filters=(
        ListFilter("epci", "EPCI", FilterKind.REF, "operation_id.cite_id.commune_id.epci_id", ref="epci"),
        ListFilter("bailleur", "Bailleur", FilterKind.REF, "operation_id.cite_id.bailleur_id", ref="bailleur"),
        ListFilter("cite", "Cité", FilterKind.REF, "operation_id.cite_id", ref="cite"),
        ListFilter("company", "Entreprise", FilterKind.REF, "company_id", ref="company"),
        ListFilter("type", "Type de contrat", FilterKind.CHOICE, "contract_type",
                   choices=enum_choices(ContractType)),
        ListFilter("public", "Public", FilterKind.CHOICE, "beneficiary_id", Match.PUBLIC, choices=PUBLICS),
        ListFilter("active", "Actifs en", FilterKind.MONTH, "start_date", Match.ACTIVE_IN_MONTH, until="end_date"),
        ListFilter("operation", "Opération", FilterKind.REF, "operation_id", ref="operation", visible=False),
        ListFilter("beneficiary", "Bénéficiaire", FilterKind.REF, "beneficiary_id", ref="beneficiary",
                   visible=False),
        ListFilter("lot", "Lot", FilterKind.REF, "lot_id", ref="lot", visible=False),
    ),
    related=(Related("Heures", "hours_entry", "contract"),),
    agreements=(Agreement("lot_id", "marche_id.operation_id", "operation_id",
                          "Ce lot appartient à un marché d'une autre opération que celle du contrat."),),
    first_sort="start_date",
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, FACILITATOR}),
    counted_in=frozenset({CountPlace.BACKUP, CountPlace.STATUS_BAR, CountPlace.WINDOW_TITLE}),
    sheet_note="les contrats d'insertion (tranche d'âge au début)",
)
