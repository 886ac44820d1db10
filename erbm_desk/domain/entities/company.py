"""Entreprise / SIAE: an employer, known by its SIRET."""

from __future__ import annotations

from erbm_desk.domain import rules
from erbm_desk.domain.entities.columns import Column as C, Kind as K
from erbm_desk.domain.entities.spec import (
    ADMINISTRATOR,
    FACILITATOR,
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
from erbm_desk.domain.enums import CompanyKind


def _check(v: dict) -> None:
    if v.get("siret") is not None:
        rules.check_siret(v["siret"])


COMPANY = EntitySpec(
    "company",
    "Entreprise",
    "Entreprises",
    (
        C("name", "Raison sociale", required=True, width=30, max_length=160,
          aliases=("Nom de l'entreprise", "Employeur", "Nom de l'employeur", "Structure employeuse", "Structure", "nom_entreprise")),
        C("siret", "SIRET", required=True, width=17, help="14 chiffres", normalise=rules.normalise_siret,
          aliases=("N° SIRET", "Numéro SIRET", "SIRET de l'entreprise", "SIRET employeur", "siret_entreprise")),
        C("kind", "Type de structure", K.ENUM, required=True, choices=CompanyKind, width=22,
          aliases=("Type d'entreprise", "Statut de la structure", "Type d'employeur")),
        C("commune_id", "Commune", K.REF, ref="commune", width=24, aliases=("Commune de l'entreprise",)),
    ),
    natural_key=("siret",),
    display=("name",),
    noun=Noun("entreprise", "entreprises", feminine=True),
    naming=Naming(("name",)),
    duplicate_message="Une entreprise avec ce SIRET existe déjà.",
    dependents=(Dependent("lot", "company_id"), Dependent("contract", "company_id")),
    filters=(
        ListFilter("kind", "Type", FilterKind.CHOICE, "kind", choices=enum_choices(CompanyKind)),
        ListFilter("epci", "EPCI", FilterKind.REF, "commune_id.epci_id", ref="epci"),
    ),
    related=(Related("Contrats", "contract", "company"), Related("Lots (titulaire)", "lot", "company")),
    checks=(_check,),
    written_by=frozenset({ADMINISTRATOR, FACILITATOR}),
    counted_in=frozenset({CountPlace.STATUS_BAR}),
    sheet_note="les entreprises et structures d'insertion (SIRET)",
)
