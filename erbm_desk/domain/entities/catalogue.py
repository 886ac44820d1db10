"""One declarative column spec per entity: it drives table headers, forms, Excel sheets and their validation.

A `Column` knows its model attribute, French label, kind, whether it is required, its choices and how to
parse what a person typed and format a stored value. Nothing else in the app lists an entity's columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from erbm_desk.domain import french, values as v
from erbm_desk.domain.enums import (
    AgeBand,
    CompanyKind,
    ContractType,
    DeliveryMethod,
    ExitOutcome,
    Funder,
    LabelledEnum,
    OperationNature,
    Phase,
    Prescriber,
    Sex,
)


class Kind(str, Enum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"  # hours and energy: exact, two decimals
    MONEY = "money"  # euros: exact, cents
    DATE = "date"
    MONTH = "month"
    BOOL = "bool"
    ENUM = "enum"
    REF = "ref"  # id of a record of entity `ref`


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: type[LabelledEnum] | None = None
    ref: str | None = None
    width: int = 14
    personal: bool = False  # identity data: hidden from anonymous exports and the bailleur role
    help: str = ""
    max_length: int | None = None

    def parse(self, raw: Any) -> Any:
        """Typed value from user or spreadsheet input; None for a blank optional value; ValueError (French)."""
        if v.is_blank(raw):
            if self.required:
                raise ValueError(f"« {self.label} » est obligatoire.")
            return False if self.kind is Kind.BOOL else None
        match self.kind:
            case Kind.TEXT:
                text = " ".join(str(raw).split())
                if self.max_length and len(text) > self.max_length:
                    raise ValueError(f"« {self.label} » : {self.max_length} caractères au plus.")
                return text
            case Kind.INT:
                return v.parse_int(raw)
            case Kind.DECIMAL | Kind.MONEY:
                return v.parse_decimal(raw)
            case Kind.DATE:
                return v.parse_date(raw)
            case Kind.MONTH:
                return v.parse_month(raw)
            case Kind.BOOL:
                return v.parse_bool(raw)
            case Kind.ENUM:
                if isinstance(raw, self.choices):
                    return raw
                try:
                    return self.choices.from_text(str(raw))
                except ValueError:
                    allowed = ", ".join(self.choices.labels())
                    raise ValueError(f"« {raw} » n'est pas un choix possible pour « {self.label} » ({allowed}).")
            case Kind.REF:
                return raw  # resolved against the database by the services
        raise AssertionError(self.kind)

    def format(self, value: Any) -> str:
        """Display text in French conventions (dd/mm/yyyy, decimal comma, Oui/Non, labels)."""
        if value is None:
            return ""
        match self.kind:
            case Kind.DECIMAL:
                return french.format_decimal(Decimal(value))
            case Kind.MONEY:
                return french.format_money(Decimal(value))
            case Kind.DATE:
                return french.format_date(value)
            case Kind.MONTH:
                return french.format_month(value)
            case Kind.BOOL:
                return v.format_bool(value)
            case Kind.ENUM:
                return self.choices(value).label
            case Kind.INT:
                return str(value)
        return str(value)


@dataclass(frozen=True)
class EntitySpec:
    name: str  # model name, e.g. "cite"
    label: str  # "Cité"
    plural: str  # "Cités", also the Excel sheet name
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    display: tuple[str, ...] = field(default=())  # columns that name a record in a pick list

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def parse_row(self, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """Parse every column present in `raw`: (values, errors by column key)."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for c in self.columns:
            if c.key not in raw:
                continue
            try:
                values[c.key] = c.parse(raw[c.key])
            except ValueError as exc:
                errors[c.key] = str(exc)
        return values, errors


C = Column
K = Kind

# Free text invites what the indicators never need (issue 7, GDPR minimisation): say so where it is typed.
NOTES_HELP = ("Remarques sur l'opération ou la cité uniquement : n'écrivez ici aucun nom de personne ni aucune "
              "information sur la santé, le handicap, la situation sociale ou judiciaire de quelqu'un.")

CITE = EntitySpec(
    "cite",
    "Cité",
    "Cités",
    (
        C("name", "Nom de la cité", required=True, width=30, max_length=120),
        C("commune_id", "Commune", K.REF, required=True, ref="commune", width=24),
        C("bailleur_id", "Bailleur", K.REF, ref="bailleur", width=20),
        C("homes", "Logements", K.INT, help="Nombre de logements miniers de la cité"),
        C("priority", "Cité prioritaire", K.BOOL, help="Une des cités prioritaires de l'ERBM"),
        C("unesco", "Patrimoine Unesco", K.BOOL),
        C("notes", "Remarques", width=40, max_length=2000, help=NOTES_HELP),
    ),
    natural_key=("name", "commune_id"),
    display=("name",),
)

OPERATION = EntitySpec(
    "operation",
    "Opération",
    "Opérations",
    (
        C("name", "Intitulé", required=True, width=32, max_length=160),
        C("cite_id", "Cité", K.REF, required=True, ref="cite", width=26),
        C("nature", "Nature", K.ENUM, required=True, choices=OperationNature, width=22),
        C("phase", "Phase", K.ENUM, required=True, choices=Phase),
        C("homes", "Logements", K.INT),
        C("start_date", "Début des travaux", K.DATE),
        C("end_date", "Fin prévue", K.DATE),
        C("delivery_date", "Date de livraison", K.DATE),
        C("energy_before", "Conso. avant (kWh/m²/an)", K.DECIMAL, width=16),
        C("energy_after", "Conso. après (kWh/m²/an)", K.DECIMAL, width=16),
        C("hours_required", "Heures d'insertion exigées", K.DECIMAL, width=16),
        C("notes", "Remarques", width=40, max_length=2000, help=NOTES_HELP),
    ),
    natural_key=("name", "cite_id"),
    display=("name",),
)

FUNDING = EntitySpec(
    "funding",
    "Financement",
    "Financements",
    (
        C("operation_id", "Opération", K.REF, required=True, ref="operation", width=32),
        C("funder", "Financeur", K.ENUM, required=True, choices=Funder, width=24),
        C("amount", "Montant (€)", K.MONEY, required=True, width=16),
        C("granted_on", "Date d'attribution", K.DATE),
    ),
    natural_key=("operation_id", "funder"),
    display=("funder",),
)

COMPANY = EntitySpec(
    "company",
    "Entreprise",
    "Entreprises",
    (
        C("name", "Raison sociale", required=True, width=30, max_length=160),
        C("siret", "SIRET", required=True, width=17, help="14 chiffres"),
        C("kind", "Type de structure", K.ENUM, required=True, choices=CompanyKind, width=22),
        C("commune_id", "Commune", K.REF, ref="commune", width=24),
    ),
    natural_key=("siret",),
    display=("name",),
)

BENEFICIARY = EntitySpec(
    "beneficiary",
    "Bénéficiaire",
    "Bénéficiaires",
    (
        C("last_name", "Nom", required=True, personal=True, width=20, max_length=80),
        C("first_name", "Prénom", required=True, personal=True, width=18, max_length=80),
        C("birth_date", "Date de naissance", K.DATE, required=True, personal=True),
        C("sex", "Sexe", K.ENUM, required=True, choices=Sex, width=8),
        C("commune_id", "Commune de résidence", K.REF, ref="commune", width=24),
        C("qpv", "Résident QPV", K.BOOL),
        C("rsa", "Bénéficiaire du RSA", K.BOOL),
        C("deld", "DELD (12 mois et plus)", K.BOOL),
        C("detld", "DETLD (24 mois et plus)", K.BOOL),
        C("rqth", "RQTH", K.BOOL),
        C("ass_aah", "ASS / AAH", K.BOOL),
        C("low_qualification", "Faible qualification (niveau 3 ou moins)", K.BOOL),
        C("prescriber", "Prescripteur", K.ENUM, choices=Prescriber, width=20),
        C("entry_date", "Entrée dans le parcours", K.DATE),
        C("exit_date", "Sortie du parcours", K.DATE),
        C("exit_outcome", "Motif de sortie", K.ENUM, choices=ExitOutcome, width=24),
    ),
    natural_key=("last_name", "first_name", "birth_date"),
    display=("last_name", "first_name"),
)

CONTRACT = EntitySpec(
    "contract",
    "Contrat d'insertion",
    "Contrats",
    (
        C("beneficiary_id", "Bénéficiaire", K.REF, required=True, ref="beneficiary", width=26),
        C("company_id", "Entreprise", K.REF, required=True, ref="company", width=26),
        C("operation_id", "Opération", K.REF, required=True, ref="operation", width=30),
        C("contract_type", "Type de contrat", K.ENUM, required=True, choices=ContractType),
        C("delivery_method", "Mode de réalisation", K.ENUM, required=True, choices=DeliveryMethod, width=24),
        C("start_date", "Début", K.DATE, required=True),
        C("end_date", "Fin", K.DATE),
        C("hours_planned", "Heures prévues", K.DECIMAL),
        C("age_band", "Tranche d'âge au début", K.ENUM, choices=AgeBand,
          help="Renseignée seulement quand la date de naissance n'est pas connue (fichier anonyme)"),
    ),
    natural_key=("beneficiary_id", "company_id", "operation_id", "start_date"),
    display=("start_date",),
)

HOURS = EntitySpec(
    "hours_entry",
    "Heures réalisées",
    "Heures",
    (
        C("contract_id", "Contrat", K.REF, required=True, ref="contract", width=34),
        C("month", "Mois", K.MONTH, required=True, width=10),
        C("hours", "Heures", K.DECIMAL, required=True, width=10),
    ),
    natural_key=("contract_id", "month"),
    display=("month",),
)

SPECS: dict[str, EntitySpec] = {s.name: s for s in (CITE, OPERATION, FUNDING, COMPANY, BENEFICIARY, CONTRACT, HOURS)}

