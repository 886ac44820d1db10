"""French display of numbers and dates, the one rule for every screen, message, command line, chart and report.

The rule is CLDR's for fr_FR, applied by Babel: decimal comma, digits grouped by three, minus sign « - », dates
`dd/MM/yyyy` (CLDR's short date with a four-digit year), months `MM/yyyy`, times `dd/MM/yyyy à HH:mm`. Two choices are the app's own:

- **Thousands separator: U+00A0 NO-BREAK SPACE** (`GROUP`), not CLDR's U+202F NARROW NO-BREAK SPACE: the texts
  users already copy out of the app (and its tests) hold U+00A0, and every font and program the figures go
  through (Qt's fonts on Windows, matplotlib's DejaVu, Excel, terminals) shows it. Parsers accept both.
- **Rounding half up** (« arrondi commercial »: 12,5 → 13), and units after a plain space: « 12,5 h »,
  « 1 234,50 € », « 45,3 % ».

Babel takes about 20 µs to lay out a number; lists and charts format the same values again and again (hours,
counts, amounts), so each result is memoised: a repeated value costs a dictionary lookup. Dates and months,
whose patterns are numbers only, are laid out directly (see `format_date`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import get_group_symbol, parse_pattern

GROUP = "\u00a0"
LOCALE = Locale.parse("fr_FR")
DATE_PATTERN = "dd/MM/yyyy"
MONTH_PATTERN = "MM/yyyy"
DATETIME_PATTERN = "dd/MM/yyyy 'à' HH:mm"

_CLDR_GROUP = get_group_symbol(LOCALE)
_MEMO = 8192  # distinct values remembered per format (a few hundred kB)
_PATTERNS = {decimals: parse_pattern("#,##0" + ("." + "0" * decimals if decimals else "")) for decimals in range(4)}
_UP_TO_CENTS = parse_pattern("#,##0.##")


def _exact(value: int | float | Decimal) -> Decimal:
    """A Decimal of `value`; a float (numpy's too) by its shortest spelling: 12.3, not its binary expansion."""
    if isinstance(value, Decimal):
        return value
    return Decimal(value) if value.__class__ is int else Decimal(str(value))


def _rounded(value: int | float | Decimal, decimals: int) -> Decimal:
    q = _exact(value).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return q if q else abs(q)  # never « -0 »


def _laid_out(pattern, value: Decimal) -> str:
    return pattern.apply(value, LOCALE).replace(_CLDR_GROUP, GROUP)


@lru_cache(maxsize=_MEMO)
def format_number(value: int | float | Decimal, decimals: int = 0) -> str:
    """12345.6 -> '12 346' (decimals=0) or '12 345,6' (decimals=1): exactly `decimals` decimals."""
    return _laid_out(_PATTERNS[decimals], _rounded(value, decimals))


def format_int(n: int | Decimal) -> str:
    """A count, its decimals dropped: 710156 -> '710 156'."""
    return format_number(int(n))


@lru_cache(maxsize=_MEMO)
def format_hours(h: int | float | Decimal) -> str:
    """Hours to the hundredth, decimals only when needed: 12.5 -> '12,5', 1234.50 -> '1 234,5', 7 -> '7'."""
    return _laid_out(_UP_TO_CENTS, _rounded(h, 2))


def format_decimal(value: Decimal | None) -> str:
    """A decimal column (hours, energy): as `format_hours`, empty for None."""
    return "" if value is None else format_hours(value)


def format_money(value: int | float | Decimal | None) -> str:
    """Euros to the cent: '1 234 567,89 €'; empty for None."""
    return "" if value is None else f"{format_number(value, 2)} €"


def format_percent(value: int | float | Decimal) -> str:
    """A percentage to one decimal: 45.25 -> '45,3 %'."""
    return f"{format_number(value, 1)} %"


# Words that agree with a number: the one rule of every count a user reads (« 0 valeur collée », « 1 personne »,
# « 2 contrats par type »). French keeps the singular below two; the plural of a single word is regular unless
# given (« mois », « travaux »); a participle or adjective agrees in gender and number with what it qualifies.


def plural_of(word: str) -> str:
    """The regular plural of one French word: « cité » -> « cités », « mois » -> « mois », « tableau » ->
    « tableaux », « journal » -> « journaux ». Words of several parts name their plural themselves."""
    if word.endswith(("s", "x", "z")):
        return word
    if word.endswith(("eau", "au", "eu")):
        return word + "x"
    if word.endswith("al"):
        return word[:-2] + "aux"
    return word + "s"


def agree(n: int | Decimal, singular: str, plural: str | None = None) -> str:
    """The form of `singular` for `n` things: singular below two, else `plural` (by default the regular one)."""
    return singular if abs(n) < 2 else (plural or plural_of(singular))


def agreed(n: int | Decimal, masculine: str, feminine: bool = False) -> str:
    """A participle or adjective (given in the masculine singular) agreeing with `n` things of that gender:
    agreed(1, "collé", True) -> « collée », agreed(3, "écrit", True) -> « écrites », agreed(2, "créé") -> « créés »."""
    word = masculine + ("e" if feminine and not masculine.endswith("e") else "")
    return agree(n, word)


def format_count(n: int | Decimal, singular: str, plural: str | None = None) -> str:
    """'0 personne', '1 personne', '2 000 personnes' (French plural from 2)."""
    return f"{format_number(n)} {agree(n, singular, plural)}"


def count_agreed(n: int | Decimal, singular: str, participle: str, feminine: bool = False,
                 plural: str | None = None) -> str:
    """A count and what became of it, both agreeing: « 1 valeur collée », « 3 saisies écrites », « 0 contrat
    renseigné »."""
    return f"{format_count(n, singular, plural)} {agreed(n, participle, feminine)}"


def none_of(singular: str, feminine: bool = False) -> str:
    """« aucune commune », « aucun contrat »."""
    return f"{'aucune' if feminine else 'aucun'} {singular}"


# Dates and months: their patterns hold numbers only, so no locale data enters them, and they are laid out
# here directly: Babel's layout (7 µs a date) was 3-4 % of an import's time, for a text that is exactly
# `babel.dates.format_date(d, DATE_PATTERN)` (tests/domain/test_french.py checks it on thousands of dates).


def format_date(d: date | None) -> str:
    """'01/02/2024' (DATE_PATTERN); empty for None (a datetime shows its day)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}" if d else ""


def format_month(d: date | None) -> str:
    """'02/2024' (MONTH_PATTERN); empty for None."""
    return f"{d.month:02d}/{d.year:04d}" if d else ""


def format_datetime(moment: datetime | None) -> str:
    """'01/02/2024 à 14:05' (to the minute); empty for None."""
    return _babel_datetime(moment, DATETIME_PATTERN, locale=LOCALE) if moment else ""


# Dates and months as people type them into a field: read exactly, never moved to the nearest real date. A
# date that does not exist (31/02/2024) is refused with a message saying so, not clamped to 29/02/2024.

_TYPED_DATE = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$|^(\d{2})(\d{2})(\d{4})$")
_TYPED_MONTH = re.compile(r"^(\d{1,2})[/.\- ](\d{4})$|^(\d{2})(\d{4})$|^(\d{4})-(\d{1,2})$")


def read_date(text: str) -> date | None:
    """The date typed as « 15/03/2024 » (also 15.03.2024, 15-3-2024, 15032024); None for nothing typed.
    Raises ValueError with a French message: « Le 31/02/2024 n'existe pas. », « « 95,5 » n'est pas une date… »."""
    text = text.strip()
    if not text:
        return None
    m = _TYPED_DATE.match(text)
    if m is None:
        if re.match(r"^\d{1,2}[/.\- ]\d{1,2}[/.\- ]\d{2}$", text):
            raise ValueError(f"Tapez l'année sur quatre chiffres : « {text} » (jj/mm/aaaa).")
        raise ValueError(f"« {text} » n'est pas une date : tapez-la jj/mm/aaaa, par exemple 15/03/2024.")
    day, month, year = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Le {day:02d}/{month:02d}/{year:04d} n'existe pas.") from None


def read_month(text: str) -> date | None:
    """The month typed as « 04/2024 » (also 4/2024, 042024, 2024-04): its first day; None for nothing typed.
    Raises ValueError with a French message."""
    text = text.strip()
    if not text:
        return None
    m = _TYPED_MONTH.match(text)
    if m is None:
        raise ValueError(f"« {text} » n'est pas un mois : tapez-le mm/aaaa, par exemple 04/2024.")
    groups = m.groups()
    month, year = ((int(groups[0]), int(groups[1])) if groups[0] else (int(groups[2]), int(groups[3]))
                   if groups[2] else (int(groups[5]), int(groups[4])))
    if not 1 <= month <= 12 or year < 1:
        raise ValueError(f"Le mois {month:02d}/{year:04d} n'existe pas.")
    return date(year, month, 1)
