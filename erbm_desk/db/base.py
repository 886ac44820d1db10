"""The declarative base of every table: naming convention, the columns every record shares (integer key,
stable UUID, timestamps, version counter) and their defaults."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import DateTime, Integer, MetaData, String, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_uuid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Reference(Base):
    """Reference data shipped in seeds/: no UUID or version, keyed by official codes."""

    __abstract__ = True
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class Record(Base):
    __abstract__ = True
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


@cache  # per mapped class: a flush asks for them for each of hundreds of rows
def column_keys(model: type[Base]) -> tuple[str, ...]:
    """The attribute keys of a mapped class's columns, in the table's order."""
    return tuple(c.key for c in inspect(model).column_attrs)
