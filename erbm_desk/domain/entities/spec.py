"""What an entity is, said once: `EntitySpec` and the small parts it is made of.

One description per entity drives the table and the form, the messages (« Nouvelle cité », « 2 opérations »),
duplicate and delete checks, list filters, related panels, rights, audit and backup labels and the exchange
workbook. Nothing here knows SQLAlchemy or Qt: paths name columns, and the services turn them into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable

from erbm_desk.domain import parcours
from erbm_desk.domain.entities.columns import Column
from erbm_desk.domain.enums import LabelledEnum
from erbm_desk.domain.french import agreed, format_count, none_of

# The roles that may write an entity, by the code of services.security.authz.Role (a test keeps them equal):
# the domain cannot import the services, and a role code is all a description needs.
ADMINISTRATOR = "administrateur"
FACILITATOR = "facilitateur"
LANDLORD = "bailleur"

_VOWELS = tuple("aàâeéèêiîoôuûyh")


@dataclass(frozen=True)
class Noun:
    """A French noun with its plural and gender, for counts (« 2 opérations ») and titles (« Nouvelle cité »)."""

    one: str
    many: str
    feminine: bool = False

    def count(self, n: int) -> str:
        """« 0 cité », « 1 cité », « 2 cités » (French keeps the singular below two)."""
        return format_count(n, self.one, self.many)

    def agreed(self, n: int, masculine: str) -> str:
        """A participle or adjective agreeing with `n` of these: « créée », « supprimés »."""
        return agreed(n, masculine, self.feminine)

    @property
    def none(self) -> str:
        """« aucune commune », « aucun contrat d'insertion »."""
        return none_of(self.one, self.feminine)

    @property
    def new_title(self) -> str:
        """The title of an empty form: « Nouvelle opération », « Nouveau contrat », « Nouvel enregistrement »."""
        if self.feminine:
            return f"Nouvelle {self.one}"
        return f"{'Nouvel' if self.one.lower().startswith(_VOWELS) else 'Nouveau'} {self.one}"


@dataclass(frozen=True)
class Dependent:
    """Records of `entity` whose `key` points to this one: deleting this record deletes them too, once confirmed.
    With `detach`, they stay and only lose the link (a contract outlives the lot it was attached to)."""

    entity: str
    key: str
    detach: bool = False


@dataclass(frozen=True)
class Agreement:
    """Two references of a record must lead to the same record: following `path` from the record that `key`
    points to ends on the value of `equals` (a contract's lot belongs to a marché of the contract's operation)."""

    key: str
    path: str  # column keys followed from the record `key` points to, « marche_id.operation_id »
    equals: str
    message: str


class FilterKind(str, Enum):
    CHOICE = "choice"  # one of fixed `choices`
    REF = "ref"  # a record of `ref`
    MONTH = "month"  # a month


class Match(str, Enum):
    """How a filter's value selects records (the services write each as SQL once)."""

    EQUALS = "equals"  # the field equals the value
    SAME_MONTH = "same_month"  # the field (a month) is the value's month
    OPEN_OR_CLOSED = "open_or_closed"  # value "open": the field is empty; "closed": it is filled
    ACTIVE_IN_MONTH = "active_in_month"  # the period `field`–`until` (an open end: still running) meets the month
    PUBLIC = "public"  # the person reached by `field` is of the public named by the value (see PUBLICS)
    HAS_RECORD = "has_record"  # value "closed": a record of `ref` points here by its column `of`; "open": none


# The publics a list can be narrowed to, as the indicators count them (domain/parcours.py): a criterion of the
# eligibility check at entry into the clause, the age at entry, the sex; (label, code).
PUBLICS: tuple[tuple[str, str], ...] = tuple((label, code) for code, label in parcours.PUBLICS)


def enum_choices(enum: type[LabelledEnum]) -> tuple[tuple[str, Any], ...]:
    """(label, member) of every member: the choices of a filter on an enumerated column."""
    return tuple((m.label, m) for m in enum)


@dataclass(frozen=True)
class ListFilter:
    """One way to narrow a list of the entity, declared: the services build its SQL from `field` and `match`.

    `field` is a path of column keys from the entity: every step but the last is a reference followed to the
    record it points to (« operation_id.cite_id.bailleur_id »: the bailleur of the cité of the operation). An
    empty path is the record itself (a PUBLIC filter on beneficiaries).
    """

    key: str
    label: str
    kind: FilterKind
    field: str
    match: Match = Match.EQUALS
    choices: tuple[tuple[str, Any], ...] = ()
    ref: str | None = None  # for a REF filter: the entity of the records offered
    visible: bool = True  # False: used by the related-records panels only
    until: str | None = None  # ACTIVE_IN_MONTH: the column where the period ends
    of: str | None = None  # HAS_RECORD: the column of `ref` that points to the entity's records

    @property
    def steps(self) -> tuple[str, ...]:
        return tuple(self.field.split(".")) if self.field else ()


@dataclass(frozen=True)
class Related:
    """A tab under a record's form: the records of `entity` whose filter `filter_key` is this record."""

    title: str
    entity: str
    filter_key: str


@dataclass(frozen=True)
class EditedUnder:
    """A record with no page of its own, edited in a small dialog under the record its `key` points to."""

    key: str
    add_label: str  # the button of the related list that adds one


@dataclass(frozen=True)
class Naming:
    """How a record is named in pick lists, references and messages.

    `parts` are column keys joined by `separator`; a reference part is the referenced record's own name, an
    enumerated or month part its display text. When a part is blank the record is named by `fallback` (a
    person known only by a pseudonym). `detail` tells apart two records of the same name in a pick list,
    written with `detail_format`; a personal detail is left out for a role that may not see identities.
    """

    parts: tuple[str, ...]
    separator: str = " "
    fallback: str | None = None
    detail: str | None = None
    detail_format: str = "{name} ({detail})"


@dataclass(frozen=True)
class MonthWithin:
    """The month column `month` must lie in the period (start_date–end_date) of the record `within` points to;
    changing that record's period is refused with `outside_message` while a month would fall outside."""

    month: str
    within: str
    outside_message: str  # « … en {month} … », the month written mm/yyyy


class CountPlace(str, Enum):
    """Where the number of records of an entity is shown."""

    BACKUP = "backup"  # the description of a backup copy
    STATUS_BAR = "status_bar"  # the main window's status bar
    WINDOW_TITLE = "window_title"  # the main window's title


Checker = Callable[[dict[str, Any]], None]  # raises rules.RuleError on a value that breaks a rule


@dataclass(frozen=True)
class EntitySpec:
    """Everything the app knows about one entity. Adding a field means a Column here, the model and a migration."""

    name: str  # model name, e.g. "cite"
    label: str  # "Cité": dialog titles and the audit log
    plural: str  # "Cités": page title and the exchange workbook's sheet name
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    display: tuple[str, ...] = ()  # columns that name a record in a pick list
    noun: Noun | None = None  # in messages and titles: « 14 contrats d'insertion », « Nouveau contrat d'insertion »
    short_noun: Noun | None = None  # in short counts: « 14 contrats » (defaults to `noun`)
    write_label: str | None = None  # « … ne permet pas de modifier les contrats » (defaults to « les » + plural)
    naming: Naming | None = None
    duplicate_message: str = ""  # when a second record has the same natural key
    dependents: tuple[Dependent, ...] = ()
    filters: tuple[ListFilter, ...] = ()
    related: tuple[Related, ...] = ()
    first_sort: str | None = None  # the column a related list of these records is first sorted by
    edited_under: EditedUnder | None = None
    month_within: MonthWithin | None = None
    agreements: tuple[Agreement, ...] = ()  # references that must agree (checked against the database)
    summed: str | None = None  # column whose exact total a list of these records shows
    checks: tuple[Checker, ...] = ()  # value rules of one record that need no database
    written_by: frozenset[str] = frozenset()  # role codes that may create, change and delete these records
    counted_in: frozenset[CountPlace] = frozenset()
    sheet_note: str | None = None  # what its sheet holds, on the Lisez-moi sheet; None: no sheet
    in_anonymous_workbook: bool = True  # False: the indicators never need it, an anonymous workbook leaves it out

    def __post_init__(self) -> None:
        if self.short_noun is None:
            object.__setattr__(self, "short_noun", self.noun)
        if self.write_label is None and self.short_noun is not None:
            object.__setattr__(self, "write_label", f"les {self.short_noun.many}")

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def new_title(self) -> str:
        return self.noun.new_title

    @property
    def in_workbook(self) -> bool:
        return self.sheet_note is not None

    def filter(self, key: str) -> ListFilter:
        for f in self.filters:
            if f.key == key:
                return f
        raise KeyError(f"{self.name}: pas de filtre « {key} »")

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
