"""The figures of the person's path as French lines (label, value): written once for `erbm-desk stats`, the
dashboard and the bilan, whose definitions are in docs/indicateurs.md. Pure Python.

In an anonymous output (a `threshold` given) a part of a total is given with its rate only when neither the part
nor the rest of the total is a small count: « 12 sorties, 25 % en emploi durable » gives back 3 as surely as
« 3 » does, and « 12 sorties dont 9 positives » gives back the 3 others. Otherwise the part reads « < 5 » (itself
small) or « s » (the rest is small), without its rate — the notation of the tables (`domain.disclosure`)."""

from __future__ import annotations

from decimal import Decimal

from erbm_desk.domain.disclosure import SECRET
from erbm_desk.domain.enums import CompanyKind, ExitOutcome, SixMonthSituation
from erbm_desk.domain.french import format_hours, format_int, format_number, format_percent
from erbm_desk.domain.parcours import PUBLICS
from erbm_desk.domain.reporting import Indicators

PEOPLE_LABEL = "Personnes ayant réalisé des heures"
CONTRACTS_LABEL = "Contrats actifs sur la période"


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else format_percent(value)


def _small(n: int, threshold: int | None) -> bool:
    return threshold is not None and 0 < n < threshold


def _count(n: int, threshold: int | None) -> str:
    """A count, or « < 5 » when small in an anonymous output (`threshold` given)."""
    return f"< {threshold}" if _small(n, threshold) else format_int(n)


SMALL, REST = "small", "rest"


def hidden_part(part: int, whole: int, threshold: int | None) -> str | None:
    """Why an anonymous output (`threshold` given) may not give a part of a total: SMALL (the part is a small
    count), REST (what is left of the total is), or None (it may)."""
    if threshold is None:
        return None
    if _small(part, threshold):
        return SMALL
    if _small(whole - part, threshold):
        return REST
    return None


def _part(part: int, whole: int, threshold: int | None) -> str | None:
    """A part of a total as an anonymous output may print it, or None when it can be given with its rate."""
    return {SMALL: f"< {threshold}", REST: SECRET}.get(hidden_part(part, whole, threshold))


def part_rate(part: int, whole: int, rate: Decimal | None, threshold: int | None) -> Decimal | None:
    """`rate` (part per hundred whole), or None when an anonymous output must not give it (`_part`)."""
    return rate if _part(part, whole, threshold) is None else None


def _with_rate(part: int, whole: int, rate: Decimal | None, threshold: int | None) -> tuple[str, str]:
    """(the part as printed, « (25,0 %) » or nothing)."""
    hidden = _part(part, whole, threshold)
    if hidden is not None:
        return hidden, ""
    return format_int(part), f" ({_percent(rate)})"


def contracts_text(ind: Indicators, threshold: int | None = None) -> str:
    """« 59 (dont 57 avec des heures réalisées) »: contracts and people do not count the same population."""
    return f"{_count(ind.contracts, threshold)} (dont {_count(ind.contracts_with_hours, threshold)} avec des heures " \
           "réalisées)"


def fte_text(ind: Indicators) -> str:
    return format_number(ind.fte, 2)


def exits_text(ind: Indicators, threshold: int | None = None) -> str:
    if not ind.exits:
        return "aucune sur la période"
    if _small(ind.exits, threshold):  # too few for shares that would single someone out
        return f"< {threshold} (effectif trop petit pour être détaillé)"
    sustainable = ind.exits_by_outcome.get(ExitOutcome.SUSTAINABLE_JOB.value, 0)
    positive, positive_rate = _with_rate(ind.exits_positive, ind.exits, ind.positive_exit_rate, threshold)
    durable, durable_rate = _with_rate(sustainable, ind.exits, ind.sustainable_exit_rate, threshold)
    return (f"{format_int(ind.exits)}, dont {positive} positive{'s' if ind.exits_positive > 1 else ''}"
            f"{positive_rate} et {durable} en emploi durable{durable_rate}")


def situations_text(ind: Indicators, threshold: int | None = None) -> str:
    if not ind.situations_due and not ind.situations_known:
        return "aucune situation due sur la période"
    if _small(ind.situations_known, threshold) or _small(ind.situations_due, threshold):
        return f"< {threshold} situations (effectif trop petit pour être détaillé)"
    known = _part(ind.situations_known, max(ind.situations_due, ind.situations_known), threshold)
    employed = _part(ind.situations_employed, ind.situations_known, threshold)
    return (f"{known or format_int(ind.situations_known)} relevée{'s' if ind.situations_known > 1 else ''} pour "
            f"{format_int(ind.situations_due)} due{'s' if ind.situations_due > 1 else ''} — en emploi : "
            f"{employed or _percent(ind.employment_rate_6m)}")


def siae_text(ind: Indicators) -> str:
    return f"{format_hours(ind.hours_siae)} h ({_percent(ind.siae_share)})"


def path_lines(ind: Indicators, threshold: int | None = None) -> list[tuple[str, str]]:
    """The path's headline figures, in the order every output shows them; with `threshold` (an anonymous output),
    small counts read « < 5 » and the shares of too small a number are not given."""
    average = ind.hours_per_person
    return [
        ("Équivalents temps plein (heures ÷ 1 607)", fte_text(ind)),
        ("Heures par personne (moyenne)", "—" if average is None or _small(ind.people, threshold)
         else f"{format_hours(average)} h"),
        (CONTRACTS_LABEL, contracts_text(ind, threshold)),
        ("Heures en SIAE (ETTI, EI, ACI, AI)", siae_text(ind)),
        ("Sorties", exits_text(ind, threshold)),
        ("Situation à 6 mois", situations_text(ind, threshold)),
    ]


def public_rows(ind: Indicators) -> list[tuple[str, int, Decimal]]:
    """(public, persons, hours) for every public, in PUBLICS' order."""
    return [(label, ind.people_by_public.get(code, 0), ind.hours_by_public.get(code, Decimal("0.00")))
            for code, label in PUBLICS]


def company_kind_rows(ind: Indicators) -> list[tuple[str, int, Decimal]]:
    """(company kind, persons, hours) for every kind with hours, in the enumeration's order."""
    return [(kind.label, ind.people_by_company_kind.get(kind.value, 0), ind.hours_by_company_kind[kind.value])
            for kind in CompanyKind if kind.value in ind.hours_by_company_kind]


def outcome_rows(ind: Indicators) -> list[tuple[str, int]]:
    return [(o.label, ind.exits_by_outcome.get(o.value, 0)) for o in ExitOutcome]


def situation_rows(ind: Indicators) -> list[tuple[str, int]]:
    rows = [(s.label, ind.situations_by_kind.get(s.value, 0)) for s in SixMonthSituation]
    missing = max(ind.situations_due - ind.situations_known, 0)
    return rows + [("Non relevée (six mois passés)", missing)]
