"""The vocabulary of a report and the rules every figure follows, written once. Pure Python, no I/O.

A report covers a scope (the territory, an EPCI, a bailleur, a cité, an operation) over a period of months.
Its rules (each indicator's definition, in French with an example, is in docs/indicateurs.md):

- a **person in scope** is the beneficiary of a contract in scope with hours realised in the period (a
  non-zero sum over the period's months); the services' reporting engine applies it;
- a person's **publics** (RSA, DELD, moins de 26 ans…) are those of their entry into the clause, the same in
  every period and every cité: `domain.parcours.person_publics`;
- a **day in the period** (a delivery, a funding line's grant) lies between the period's first and last days:
  `Period.contains_day`; the homes **delivered in the period** follow `delivered_in` (a « Livrée » operation
  without a delivery date counts in no period, not even the whole programme); a funding line or an operation's
  hours required without a date count over the whole programme only; every such record is listed among the
  data to complete (services/reporting/data_problems.py), so that nobody reads a period's figure as complete
  when it is not;
- **hours required** are spread evenly over the months of works of each operation (`required_in`), an
  abandoned operation requiring nothing;
- a **contract active in the period** overlaps it (an open-ended contract runs on): `Period.overlaps`, and its
  SQL form `services.period_filters.contract_active_in`.

`Indicators` are the figures of a scope or of one group of it (a cité, an EPCI): the `stats` command prints
them, the dashboard's tiles and the bilan show them, the Synthèse sheet lists them.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any, Mapping

from erbm_desk.domain import parcours, rules
from erbm_desk.domain.enums import AgeBand, CompanyKind, ExitOutcome, Phase, SixMonthSituation
from erbm_desk.domain.french import agreed, format_count, plural_of

SCOPE_KINDS = ("territory", "epci", "bailleur", "cite", "operation")
SCOPE_LABELS = {
    "territory": "Territoire ERBM",
    "epci": "EPCI",
    "bailleur": "Bailleur",
    "cite": "Cité",
    "operation": "Opération",
}


class ScopeError(ValueError):
    """The scope names nothing in the database (French message)."""


@dataclass(frozen=True)
class Scope:
    kind: str = "territory"
    value: str | int | None = None  # EPCI SIREN or short name; cité/bailleur name or id; operation id

    def __post_init__(self):
        if self.kind not in SCOPE_KINDS:
            raise ScopeError(f"Périmètre inconnu : {self.kind}")


@dataclass(frozen=True)
class Period:
    start: date | None = None  # first month included
    end: date | None = None  # last month included

    @classmethod
    def of_month(cls, month: date) -> Period:
        """The one month `month` falls in."""
        return cls(rules.month_start(month), rules.month_start(month))

    @property
    def is_whole(self) -> bool:
        """No bound: the whole programme."""
        return self.start is None and self.end is None

    def contains_month(self, month: date) -> bool:
        return (self.start is None or month >= self.start) and (self.end is None or month <= self.end)

    @property
    def first_day(self) -> date | None:
        return rules.month_start(self.start) if self.start else None

    @property
    def last_day(self) -> date | None:
        return rules.month_end(self.end) if self.end else None

    def contains_day(self, day: date) -> bool:
        return (self.first_day is None or day >= self.first_day) and (self.last_day is None or day <= self.last_day)

    def overlaps(self, start: date, end: date | None) -> bool:
        """Whether a span from `start` to `end` (None: still running) shares a day with the period."""
        return (self.last_day is None or start <= self.last_day) and (
            self.first_day is None or end is None or end >= self.first_day)


def under_26_at_start(birth: date | None, contract_start: date, band: AgeBand | None) -> bool:
    """« Moins de 26 ans » for one contract: the age at the contract's start when the birth date is known, else
    the age band typed for the contract (an anonymous person)."""
    return rules.is_under_26(birth, contract_start) if birth else band == AgeBand.UNDER_26


def delivered_in(phase: Phase, delivered_on: date | None, period: Period) -> bool:
    """Whether an operation's homes count as delivered in `period`: a « Livrée » operation whose delivery date
    lies in the period (every dated one over the whole programme). Without a delivery date it counts nowhere:
    a data problem to fix, listed with the figures."""
    if phase != Phase.DELIVERED or delivered_on is None:
        return False
    return period.contains_day(delivered_on)


@functools.lru_cache(maxsize=8192)
def works_months(start: date | None, end: date | None, delivered: date | None) -> tuple[date, ...] | None:
    """The months an operation's works span (first day of each): from its start (else its delivery) to its
    planned end (else its delivery, else its start month). None when it has no date at all. (Remembered: every
    refresh of the dashboard spreads the hours of every operation over its months.)"""
    first = start or delivered
    last = end or delivered or start
    if first is None:
        return None
    months, m = [], rules.month_start(first)
    stop = rules.month_start(max(first, last))
    while m <= stop:
        months.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return tuple(months)


def required_by_month(required: Decimal | None, phase: Phase, months: tuple[date, ...] | None
                     ) -> dict[date, Decimal]:
    """An operation's hours required spread evenly over its months of works (the remainder of the division on
    the last month, so the months add up exactly); nothing for an abandoned or undated operation."""
    if not required or phase == Phase.ABANDONED or not months:
        return {}
    part = (required / len(months)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    spread = {m: part for m in months}
    spread[months[-1]] += required - part * len(months)
    return spread


def required_in(required: Decimal | None, phase: Phase, months: tuple[date, ...] | None, period: Period
                ) -> Decimal:
    """The part of an operation's hours required that falls in `period`: all of it over the whole programme
    (dated or not), the months of works in the period otherwise; nothing for an abandoned operation."""
    if not required or phase == Phase.ABANDONED:
        return Decimal("0.00")
    if period.is_whole:
        return required
    return sum((h for m, h in required_by_month(required, phase, months).items() if period.contains_month(m)),
               Decimal("0.00"))


class PathRates:
    """The rates and averages of the person's path, from the fields `Indicators` and `figures.GroupRow` share
    (hours_realised, people, hours_by_company_kind, exits, exits_by_outcome, situations_by_kind)."""

    @property
    def fte(self) -> Decimal:
        """Full-time equivalents: hours realised ÷ 1 607."""
        return parcours.fte(self.hours_realised)

    @property
    def hours_per_person(self) -> Decimal | None:
        return parcours.average(self.hours_realised, self.people)

    @property
    def hours_siae(self) -> Decimal:
        """Hours realised with a SIAE (ETTI, EI, ACI, AI)."""
        return sum((h for kind, h in self.hours_by_company_kind.items() if CompanyKind(kind).siae), Decimal("0.00"))

    @property
    def siae_share(self) -> Decimal | None:
        return parcours.share(self.hours_siae, self.hours_realised)

    @property
    def exits_positive(self) -> int:
        return sum(n for outcome, n in self.exits_by_outcome.items() if ExitOutcome(outcome).positive)

    @property
    def positive_exit_rate(self) -> Decimal | None:
        return parcours.share(self.exits_positive, self.exits)

    @property
    def sustainable_exit_rate(self) -> Decimal | None:
        return parcours.share(self.exits_by_outcome.get(ExitOutcome.SUSTAINABLE_JOB.value, 0), self.exits)

    @property
    def situations_known(self) -> int:
        return sum(self.situations_by_kind.values())

    @property
    def situations_employed(self) -> int:
        """Situations recorded in employment six months after exit."""
        return sum(n for kind, n in self.situations_by_kind.items() if SixMonthSituation(kind).in_employment)

    @property
    def employment_rate_6m(self) -> Decimal | None:
        """In employment six months after exit, per hundred situations recorded."""
        return parcours.share(self.situations_employed, self.situations_known)


@dataclass
class Indicators(PathRates):
    scope_label: str
    hours_realised: Decimal = Decimal("0.00")
    hours_required: Decimal = Decimal("0.00")
    people: int = 0
    people_rsa: int = 0
    people_under_26: int = 0
    people_deld: int = 0
    people_women: int = 0
    people_qpv: int = 0
    contracts: int = 0
    contracts_by_type: dict[str, int] = field(default_factory=dict)
    contracts_by_delivery: dict[str, int] = field(default_factory=dict)
    operations: int = 0
    operations_by_phase: dict[str, int] = field(default_factory=dict)
    homes_planned: int = 0
    homes_in_works: int = 0
    homes_delivered: int = 0
    homes_target: int = rules.TARGET_HOMES
    funding_total: Decimal = Decimal("0.00")
    funding_by_funder: dict[str, Decimal] = field(default_factory=dict)
    # The person's path (domain/parcours.py): publics at entry, company kinds, exits and six months later.
    contracts_with_hours: int = 0  # of `contracts` (active in the period), those with hours in the period
    people_by_public: dict[str, int] = field(default_factory=dict)  # public code -> persons
    hours_by_public: dict[str, Decimal] = field(default_factory=dict)  # public code -> their hours
    people_by_company_kind: dict[str, int] = field(default_factory=dict)  # company kind -> persons who worked there
    hours_by_company_kind: dict[str, Decimal] = field(default_factory=dict)
    exits: int = 0  # exits dated in the period of persons who had a contract in scope
    exits_by_outcome: dict[str, int] = field(default_factory=dict)
    situations_due: int = 0  # of `exits`, those whose six months have passed
    situations_by_kind: dict[str, int] = field(default_factory=dict)  # six-month situations recorded
    data_problems: list[str] = field(default_factory=list)  # what stops a figure from being complete (French)

    @property
    def hours_rate(self) -> Decimal | None:
        """Hours realised as a share of hours required (None when nothing is required)."""
        return hours_rate(self.hours_realised, self.hours_required)

    @property
    def sentence(self) -> str:
        return comite_sentence(self.hours_realised, self.people, self.people_rsa, self.people_under_26)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: hours and euros as numbers with at most two decimals."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, Decimal):
                value = _number(value)
            elif isinstance(value, dict):
                value = {k: _number(v) if isinstance(v, Decimal) else v for k, v in value.items()}
            out[key] = value
        for key in ("hours_rate", "fte", "hours_per_person", "hours_siae", "siae_share", "positive_exit_rate",
                    "sustainable_exit_rate", "employment_rate_6m"):
            value = getattr(self, key)
            out[key] = None if value is None else float(value)
        out["exits_positive"] = self.exits_positive
        out["situations_known"] = self.situations_known
        out["sentence"] = self.sentence
        return out


def hours_rate(realised: Decimal, required: Decimal) -> Decimal | None:
    """Hours realised per hundred hours required, to one decimal (None when nothing is required)."""
    if not required:
        return None
    return (realised / required * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def comite_sentence(hours: Decimal, people: int, rsa: int, under_26: int,
                    masked: Mapping[str, str] | None = None) -> str:
    """« 710 156 heures d'insertion réalisées par 1 630 personnes dont 735 bénéficiaires du RSA et 458 jeunes
    de moins de 26 ans » (numbers with a no-break space as thousands separator, hours rounded to the unit).

    `masked`: the counts a small-count rule hides (« people », « rsa », « under_26 ») and the words said instead
    (« moins de 5 »): « … par moins de 5 personnes dont moins de 5 bénéficiaires du RSA … »."""
    masked = masked or {}
    whole = int(Decimal(hours).quantize(Decimal(1), ROUND_HALF_UP))

    def count(key: str, n: int, one: str) -> str:
        return f"{masked[key]} {plural_of(one)}" if key in masked else format_count(n, one)

    return (
        f"{format_count(whole, 'heure')} d'insertion {agreed(whole, 'réalisé', feminine=True)} "
        f"par {count('people', people, 'personne')} dont "
        f"{count('rsa', rsa, 'bénéficiaire')} du RSA et "
        f"{count('under_26', under_26, 'jeune')} de moins de 26 ans"
    )
