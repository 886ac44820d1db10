"""Column types that keep arithmetic exact and enums readable in the database file."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, String
from sqlalchemy.types import TypeDecorator


class Hundredths(TypeDecorator):
    """A Decimal with two places stored as an integer count of hundredths (hours, euros, kWh).

    SUM() over such a column is an exact integer in every database; results come back as Decimal.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        cents = Decimal(value) * 100
        if cents != cents.to_integral_value():
            raise ValueError(f"{value} a plus de deux décimales")
        return int(cents)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))

    @property
    def python_type(self):
        return Decimal


class EnumCode(TypeDecorator):
    """A LabelledEnum stored as its stable code (plain VARCHAR: adding a choice needs no migration)."""

    impl = String(40)
    cache_ok = True

    def __init__(self, enum_cls, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enum_cls = enum_cls

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum_cls(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_cls(value)
