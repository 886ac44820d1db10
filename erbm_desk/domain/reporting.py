"""The vocabulary of a report and the rules every figure follows, written once. Pure Python, no I/O.

A report covers a scope (the territory, an EPCI, a bailleur, a cité, an operation) over a period of months.
Its rules:

- a **person in scope** is the beneficiary of a contract in scope with hours realised in the period (a
  non-zero sum over the period's months); the services' reporting engine applies it;
- a person is **under 26** when they were under 26 at the start of one of those contracts (the age band typed
  for an anonymous person otherwise): `under_26_at_start`;
- a **day in the period** (a delivery, for instance) lies between the period's first and last days:
  `Period.contains_day`; the homes **delivered in the period** follow `delivered_in`;
- a **contract active in the period** overlaps it (an open-ended contract runs on): `Period.overlaps`, and its
  SQL form `services.period_filters.contract_active_in`.

`Indicators` are the figures of a scope or of one group of it (a cité, an EPCI): the `stats` command prints
them, the dashboard's tiles and the bilan show them, the Synthèse sheet lists them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping

from erbm_desk.domain import rules
from erbm_desk.domain.enums import AgeBand, Phase
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
    """Whether an operation's homes count as delivered in `period`: every delivered operation over the whole
    programme (dated or not), only those delivered within the period's days otherwise."""
    if phase != Phase.DELIVERED:
        return False
    return period.is_whole or (delivered_on is not None and period.contains_day(delivered_on))


@dataclass
class Indicators:
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
        out["hours_rate"] = None if self.hours_rate is None else float(self.hours_rate)
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
