"""Parsing what French users type (or what a spreadsheet hands back) into typed values (display: domain/french.py).

Each parser takes a str, a number or a date, and raises `ValueError` with a French message.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from erbm_desk.domain.text import fold

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_DATE_FR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_MONTH_FR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")


# The dates a record may hold, and that a command accepts: those a spreadsheet stores as dates (from 1900) and
# every computation of months, periods and ages handles (a month's end of 12/9999 is year 10 000). Outside, it is
# a typo (9999, year 1) that would be accepted now and break a bilan, a relevé or a re-import later.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2099, 12, 31)


def date_range_problem(value: date, month: bool = False) -> str | None:
    """Why `value` (a day, or with `month` a month) is outside the dates the app handles, in French; None when it
    is inside."""
    day = value.date() if isinstance(value, datetime) else value
    if FIRST_DATE <= day <= LAST_DATE:
        return None
    what = f"le mois {day.month:02d}/{day.year:04d}" if month else f"le {day.day:02d}/{day.month:02d}/{day.year:04d}"
    return f"{what} est hors des dates possibles (du {FIRST_DATE:%d/%m/%Y} au {LAST_DATE:%d/%m/%Y})"


def _in_range(value: date, raw, month: bool = False) -> date:
    problem = date_range_problem(value, month)
    if problem:
        raise ValueError(f"« {raw} » : {problem}.")
    return value


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_decimal(raw, places: int = 2) -> Decimal:
    """'12,5', '1 234,50', 12.5 (a spreadsheet float) -> Decimal exact to `places` decimals."""
    if isinstance(raw, bool):
        raise ValueError("Nombre attendu.")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))  # shortest repr: 12.3 -> Decimal('12.3'), not its binary expansion
    else:
        text = _SPACES.sub("", str(raw)).replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"« {raw} » n'est pas un nombre (exemple : 12,5).") from None
    if not value.is_finite():
        raise ValueError(f"« {raw} » n'est pas un nombre (exemple : 12,5).")
    if value.adjusted() > 14:  # 1e15 and more: no count of hours or euros; quantize() would raise (found by fuzzing)
        raise ValueError(f"« {raw} » est un nombre bien trop grand.")
    quantum = Decimal(1).scaleb(-places)
    if value != value.quantize(quantum):
        raise ValueError(f"« {raw} » a trop de décimales ({places} au plus).")
    return value.quantize(quantum)


def parse_int(raw) -> int:
    value = parse_decimal(raw, places=2)
    if value != value.to_integral_value():
        raise ValueError(f"« {raw} » doit être un nombre entier.")
    return int(value)


def parse_date(raw) -> date:
    """'01/02/2024' (day first), '2024-02-01', a date or a datetime."""
    if isinstance(raw, date):  # a cell's date (calamine's); its text is written only for a refusal
        day = raw.date() if isinstance(raw, datetime) else raw
        return day if FIRST_DATE <= day <= LAST_DATE else _in_range(day, raw.strftime("%d/%m/%Y"))
    text = str(raw).strip()
    found = None
    try:
        if m := _DATE_FR.match(text):
            d, mth, y = (int(g) for g in m.groups())
            if len(m.group(3)) == 2:  # « 01/02/24 »: a year written with two digits (« 0024 » is year 24)
                y += 2000 if y < 70 else 1900
            found = date(y, mth, d)
        elif m := _DATE_ISO.match(text):
            y, mth, d = (int(g) for g in m.groups())
            found = date(y, mth, d)
    except ValueError:
        pass
    if found is None:
        raise ValueError(f"« {raw} » n'est pas une date valide (jj/mm/aaaa).")
    return _in_range(found, raw)


def parse_month(raw) -> date:
    """'02/2024', '2024-02', or any date: the first day of that month."""
    if isinstance(raw, (date, datetime)):
        return parse_date(raw).replace(day=1)
    text = str(raw).strip()
    try:
        if m := _MONTH_FR.match(text):
            found = date(int(m.group(2)), int(m.group(1)), 1)
        elif m := _MONTH_ISO.match(text):
            found = date(int(m.group(1)), int(m.group(2)), 1)
        else:
            found = None
    except ValueError:
        found = None
    if found is None:
        try:
            return parse_date(text).replace(day=1)
        except ValueError:
            raise ValueError(f"« {raw} » n'est pas un mois valide (mm/aaaa).") from None
    return _in_range(found, raw, month=True)


_TRUE = {"oui", "o", "x", "vrai", "true", "1", "yes", "y"}
_FALSE = {"non", "n", "faux", "false", "0", "no", ""}


def parse_bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    text = fold(raw if raw is not None else "")
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"« {raw} » : répondez oui ou non.")


def format_bool(value: bool | None) -> str:
    return "" if value is None else ("Oui" if value else "Non")
