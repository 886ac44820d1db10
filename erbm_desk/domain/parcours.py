"""The person's path, as the indicators read it: entry into the clause, the criteria at entry, the publics, exits
and the situation six months later, full-time equivalents. Pure Python, no I/O; the SQL twins of the rules a
list filter needs are in `services/entry_filters.py` (tested against these).

- **Entry into the clause** is the start of the person's first insertion contract (any cité, any period); a
  person without a contract enters on their « Entrée dans le parcours » date, if any: `entry_into_clause`.
- **Criteria at entry**: the dated eligibility check in force on the entry day — the latest one dated on or
  before it; when every check is later (a diagnostic typed a few days after the hire), the earliest one:
  `check_at_entry`. A person without any check belongs to no public (and is listed as a data problem).
- **DETLD is a DELD**: 24 months out of work include 12; « DELD » counts a person with DETLD only.
- **Under 26 at entry**: the age on the entry day (the age band of the first contract for an anonymous
  person). A person who started at 25 stays a « jeune » in every later period and every cité.
- **Positive exit**: every PLIE category but « Autre sortie »; the six-month situation of an exit is due six
  months after its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Sequence

from erbm_desk.domain import rules
from erbm_desk.domain.enums import AgeBand

HOURS_PER_FTE = Decimal(1607)  # the legal working year: 35 h × 52 weeks − public holidays, + solidarity day

# The criteria of an eligibility check, in the order forms and sheets show them: (column key, French label).
CRITERIA: tuple[tuple[str, str], ...] = (
    ("rsa", "Bénéficiaire du RSA"),
    ("deld", "DELD (12 mois et plus)"),
    ("detld", "DETLD (24 mois et plus)"),
    ("rqth", "RQTH"),
    ("ass_aah", "ASS / AAH"),
    ("low_qualification", "Faible qualification (niveau 3 ou moins)"),
    ("qpv", "Résident QPV"),
)
CRITERIA_KEYS = tuple(key for key, _ in CRITERIA)

# The publics the indicators count, by code: (code, French label). « deld » includes DETLD; « under_26 » is the
# age at entry; « women » the sex. The codes are those of the list filters' « Public ».
PUBLICS: tuple[tuple[str, str], ...] = (
    ("rsa", "Bénéficiaires du RSA"),
    ("under_26", "Moins de 26 ans"),
    ("deld", "DELD (dont DETLD)"),
    ("detld", "DETLD"),
    ("qpv", "Résidents QPV"),
    ("rqth", "RQTH"),
    ("ass_aah", "ASS / AAH"),
    ("low_qualification", "Faible qualification"),
    ("women", "Femmes"),
)
PUBLIC_CODES = tuple(code for code, _ in PUBLICS)


@dataclass(frozen=True)
class Check:
    """One dated eligibility check of a person: its date and the criteria it found (a mapping key -> bool)."""

    day: date
    criteria: frozenset[str]


def entry_into_clause(first_contract_start: date | None, entry_date: date | None) -> date | None:
    """The day a person entered the clause: their first insertion contract's start, else their entry date."""
    return first_contract_start or entry_date


def check_at_entry(checks: Iterable[Check], entry: date | None) -> Check | None:
    """The check in force on the entry day: the latest dated on or before it, else the earliest (all later);
    with no entry day, the earliest. None without any check."""
    ordered = sorted(checks, key=lambda c: c.day)
    if not ordered:
        return None
    if entry is not None:
        before = [c for c in ordered if c.day <= entry]
        if before:
            return before[-1]
    return ordered[0]


def criteria_publics(criteria: Iterable[str]) -> set[str]:
    """The publics a set of criteria puts a person in (DETLD is a DELD)."""
    found = {c for c in criteria if c in CRITERIA_KEYS}
    if "detld" in found:
        found.add("deld")
    return found


def under_26_at_entry(birth: date | None, entry: date | None, entry_band: AgeBand | None) -> bool:
    """« Moins de 26 ans » at entry into the clause: the age on that day when the birth date is known, else the
    age band typed for the first contract (an anonymous person)."""
    if birth is not None and entry is not None:
        return rules.is_under_26(birth, entry)
    return entry_band == AgeBand.UNDER_26


def person_publics(birth: date | None, woman: bool, entry: date | None, entry_band: AgeBand | None,
                   checks: Sequence[Check]) -> set[str]:
    """Every public of `PUBLICS` a person belongs to, for every period and every cité."""
    found = set()
    at_entry = check_at_entry(checks, entry)
    if at_entry is not None:
        found |= criteria_publics(at_entry.criteria)
    if under_26_at_entry(birth, entry, entry_band):
        found.add("under_26")
    if woman:
        found.add("women")
    return found


def six_months_after(day: date) -> date:
    """The day the six-month situation of an exit on `day` is due (the 31st of a shorter month: its last day)."""
    month = day.month + 6
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, min(day.day, rules.month_end(date(year, month, 1)).day))


def fte(hours: Decimal) -> Decimal:
    """Full-time equivalents of `hours`: hours ÷ 1 607, to two decimals."""
    return (Decimal(hours) / HOURS_PER_FTE).quantize(Decimal("0.01"), ROUND_HALF_UP)


def share(part, whole, places: str = "0.1") -> Decimal | None:
    """`part` per hundred `whole`, rounded half up (None when `whole` is zero)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(places), ROUND_HALF_UP)


def average(total, count: int, places: str = "0.01") -> Decimal | None:
    """`total` ÷ `count`, rounded half up (None when `count` is zero)."""
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal(places), ROUND_HALF_UP)
