"""Who exchanges with whom, and when: this database's site identifier (written in every workbook it exports)
and the log of the workbooks imported, which gives the « last exchange » with each site.

A record present on both sides with different values was changed at the source since the last exchange when
its time in the workbook is later than the export time of the last workbook imported from that site (the
source's clock), and changed here when its time in the database is later than that import (our clock).
Both → a conflict for the user to settle. See docs/format-echange.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.domain.french import format_datetime
from erbm_desk.db.models import ExchangeImport, ExchangeSite, utcnow


def own_site_uuid(session: Session, create: bool = True) -> str | None:
    """This database's identifier in exchanges, created at the first export (not on a read-only base)."""
    site = session.scalar(select(ExchangeSite.uuid).order_by(ExchangeSite.id).limit(1))
    if site is None and create and not session.info.get("read_only"):
        row = ExchangeSite()
        session.add(row)
        session.flush()
        site = row.uuid
    return site


@dataclass(frozen=True)
class Baseline:
    """What « since the last exchange » means for one workbook. `known` False: never exchanged with its site."""

    known: bool
    own: bool = False  # a workbook this database exported itself
    remote_since: datetime | None = None  # rows dated after this (source clock) changed at the source
    local_since: datetime | None = None  # records dated after this (our clock) changed here
    description: str = ""


def baseline(session: Session, source_site: str | None, exported_at: datetime | None) -> Baseline:
    if source_site and exported_at and source_site == own_site_uuid(session, create=False):
        return Baseline(True, True, exported_at, exported_at,
                        f"classeur exporté par cette base le {format_datetime(exported_at)} (UTC)")
    if not source_site:
        return Baseline(False, description="classeur sans identifiant de base : aucun échange antérieur connu")
    last = session.execute(
        select(ExchangeImport.exported_at, ExchangeImport.imported_at)
        .where(ExchangeImport.source_site == source_site, ExchangeImport.exported_at.is_not(None))
        .order_by(ExchangeImport.exported_at.desc(), ExchangeImport.id.desc()).limit(1)
    ).first()
    if last is None:
        return Baseline(False, description="premier import depuis cette base")
    return Baseline(True, False, last.exported_at, last.imported_at,
                    f"dernier échange : classeur du {format_datetime(last.exported_at)} importé le "
                    f"{format_datetime(last.imported_at)} (UTC)")


def already_imported(session: Session, sha256: str) -> bool:
    return session.scalar(select(ExchangeImport.id).where(ExchangeImport.file_sha256 == sha256).limit(1)) is not None


def log_import(session: Session, *, source_site: str | None, organisation: str | None, exported_at: datetime | None,
               imported_at: datetime | None, file_name: str, sha256: str, summary: dict) -> None:
    session.add(ExchangeImport(
        source_site=source_site, organisation=(organisation or None) and organisation[:160],
        exported_at=exported_at, imported_at=imported_at or utcnow(), file_name=file_name[-255:],
        file_sha256=sha256, summary=json.dumps(summary, ensure_ascii=False, sort_keys=True),
    ))
    session.flush()
