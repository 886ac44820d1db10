"""Month columns: a header that names a month holds the hours of that month (« janv.-24 » as a real date,
« Janvier 2024 », « 01/2024 », « 2024-01 », `heures_mois_01` whose year is given elsewhere)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from erbm_desk.domain.text import fold

MONTH_NAMES = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "mars": 3, "mar": 3,
    "avril": 4, "avr": 4, "apr": 4, "mai": 5, "may": 5, "juin": 6, "jun": 6, "juillet": 7, "juil": 7, "jul": 7,
    "aout": 8, "aug": 8, "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11,
    "nov": 11, "decembre": 12, "dec": 12,
}
# Words that may stand beside a month in its header (« Heures janvier 2024 », `heures_mois_01`).
_FILLERS = frozenset({"heures", "heure", "h", "hrs", "nb", "nombre", "de", "du", "d", "mois", "realisees",
                      "realisee", "effectuees", "en"})
_TOKENS = re.compile(r"[a-z]+|\d+")
_NUMERIC = (
    re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$"),  # 01/2024
    re.compile(r"^(\d{4})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*01)?$"),  # 2024-01, 2024-01-01
)
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


@dataclass(frozen=True)
class MonthHeader:
    month: int
    year: int | None  # None: given once elsewhere (a title, a column « Année », the mapping)

    def on(self, year: int | None) -> date | None:
        y = self.year or year
        return date(y, self.month, 1) if y else None


def month_header(cell: Any) -> MonthHeader | None:
    """The month a header cell names, or None when it names no month."""
    if isinstance(cell, (date, datetime)):
        return MonthHeader(cell.month, cell.year)
    if not isinstance(cell, str) or not cell.strip():
        return None
    text = fold(cell).strip()
    for pattern in _NUMERIC:
        m = pattern.match(text)
        if m:
            a, b = (int(g) for g in m.groups())
            month, year = (a, b) if pattern is _NUMERIC[0] else (b, a)
            return MonthHeader(month, year) if 1 <= month <= 12 and 1950 <= year <= 2099 else None
    month = year = None
    numbers: list[str] = []
    saw_mois = False
    for token in _TOKENS.findall(text):
        if token in MONTH_NAMES and month is None:
            month = MONTH_NAMES[token]
        elif token.isdigit():
            numbers.append(token)
        elif token in _FILLERS:
            saw_mois = saw_mois or token == "mois"
        else:
            return None  # another word: « Date de début », « Total janvier »…
    if month is not None:
        for n in numbers:
            if len(n) == 4 and 1950 <= int(n) <= 2099:
                year = int(n)
            elif len(n) == 2 and year is None:
                year = 2000 + int(n)  # « janv.-24 »
            else:
                return None
        return MonthHeader(month, year)
    if saw_mois and len(numbers) == 1 and 1 <= int(numbers[0]) <= 12:
        return MonthHeader(int(numbers[0]), None)  # heures_mois_01
    return None


def year_steps(months: list[tuple[int, MonthHeader]]) -> dict[int, int]:
    """Column → years to add to the year given once, for month headers without a year that run over the new year
    (« Septembre » … « Décembre », « Janvier » … « Août »): the year given is the first column's, and a month
    lower than the one before it starts the next year."""
    steps: dict[int, int] = {}
    step = previous = 0
    for column, month in sorted(months, key=lambda m: m[0]):
        if month.year is not None:
            continue
        if month.month < previous:
            step += 1
        previous = month.month
        if step:
            steps[column] = step
    return steps


def year_in(text: Any) -> int | None:
    """The one year a text names (« Suivi des heures 2024 », « Exercice 2024 »), else None."""
    if isinstance(text, (date, datetime)):
        return None
    found = set(_YEAR.findall(str(text))) if text not in (None, "") else set()
    return int(found.pop()) if len(found) == 1 else None
