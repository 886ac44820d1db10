"""A column of an entity: its model attribute, French label, kind, whether it is required, its choices, and how
to parse what a person typed and format a stored value. Nothing else in the app lists an entity's columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Callable

from erbm_desk.domain import french, values as v
from erbm_desk.domain.enums import LabelledEnum
from erbm_desk.domain.text import forbidden_character

# The largest values a record may hold, whatever wrote it: a count in a 32-bit integer (PostgreSQL's INTEGER), an
# amount of hours, euros or kWh far above any real one and well inside the stored hundredths (BIGINT).
MAX_COUNT = 2**31 - 1
MAX_AMOUNT = Decimal(10) ** 12


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
    normalise: Callable[[str], str] | None = None  # the one spelling stored (a SIRET without spaces)
    # Other headers people give this column in their own workbooks (« Né(e) le », « BRSA », « N° SIRET »): the
    # import of a foreign workbook matches a header against the label, these and the key, whatever the case,
    # accents or punctuation. A column without aliases is still matched by its label.
    aliases: tuple[str, ...] = ()
    # What lists and forms show when the value is blank because the record never had it: a pseudonymised person's
    # pseudonym instead of a name, the age band of their first contract instead of a birth date. A column of the
    # model, or a value services/records/stand_ins.py derives.
    stand_in: str | None = None

    def parse(self, raw: Any) -> Any:
        """Typed value from user or spreadsheet input; None for a blank optional value; ValueError (French)."""
        if v.is_blank(raw):
            if self.required:
                raise ValueError(f"« {self.label} » est obligatoire.")
            return False if self.kind is Kind.BOOL else None
        match self.kind:
            case Kind.TEXT:
                text = " ".join(str(raw).split())
                problem = self.value_problem(text)
                if problem:
                    raise ValueError(problem)
                return text
            case Kind.INT:
                return self._checked(v.parse_int(raw))
            case Kind.DECIMAL | Kind.MONEY:
                return self._checked(v.parse_decimal(raw))
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

    def _checked(self, value: Any) -> Any:
        problem = self.value_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    def value_problem(self, value: Any) -> str | None:
        """What makes a typed value unfit for this column, in French (None: nothing). The rules every write path
        obeys — a form, an import, the CLI, a script — checked when a value is parsed and again before a record is
        saved (domain/validation.py): clean text within its length, dates the app can compute with, numbers the
        database can hold. Blank values are the `required` rule's business."""
        if value is None:
            return None
        kind = self.kind
        if kind is Kind.TEXT:
            if not isinstance(value, str):
                return f"« {self.label} » : du texte est attendu."
            if self.max_length and len(value) > self.max_length:
                return f"« {self.label} » : {self.max_length} caractères au plus."
            bad = forbidden_character(value)
            if bad:
                return f"« {self.label} » contient le caractère {bad} : retirez-le."
        elif kind is Kind.DATE or kind is Kind.MONTH:
            if not isinstance(value, date):
                return f"« {self.label} » : une date est attendue."
            problem = v.date_range_problem(value, month=kind is Kind.MONTH)
            if problem:
                return f"« {self.label} » : {problem}."
        elif kind is Kind.INT:
            if isinstance(value, bool) or not isinstance(value, int):
                return f"« {self.label} » : un nombre entier est attendu."
            if abs(value) > MAX_COUNT:
                return f"« {self.label} » : nombre bien trop grand."
        elif kind is Kind.DECIMAL or kind is Kind.MONEY:
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
                return f"« {self.label} » : un nombre est attendu."
            if isinstance(value, Decimal) and not value.is_finite():
                return f"« {self.label} » : « {value} » n'est pas un nombre."
            if abs(value) >= MAX_AMOUNT:
                return f"« {self.label} » : nombre bien trop grand."
        elif kind is Kind.BOOL and not isinstance(value, bool):
            return f"« {self.label} » : oui ou non est attendu."
        return None

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


# Free text invites what the indicators never need (GDPR minimisation): say so where it is typed.
NOTES_HELP = ("Remarques sur l'opération ou la cité uniquement : n'écrivez ici aucun nom de personne ni aucune "
              "information sur la santé, le handicap, la situation sociale ou judiciaire de quelqu'un.")
