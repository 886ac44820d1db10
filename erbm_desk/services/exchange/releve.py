"""The monthly hours statement (« relevé d'heures ») sent to one company and read back.

One sheet: title rows (company, SIRET, month, format, the database that made it and when), then one line per
contract active that month, by lot of the marché it works for (services/clauses/statement.py), with an empty « Heures réalisées »
column checked by the spreadsheet (0 to the legal monthly maximum). Importing it records the hours typed in; empty lines are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Company, utcnow
from erbm_desk.domain import rules
from erbm_desk.domain.entities import HOURS
from erbm_desk.domain.french import format_month
from erbm_desk.services.security import authz
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.clauses.statement import active_contracts, lot_caption
from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.services.exchange.site_log import own_site_uuid
from erbm_desk.services.exchange.sheet_format import Role, SheetColumn, header_key
from erbm_desk.services.exchange.reader import RawSheet, key_values, read_sheet
from erbm_desk.services.exchange.workbook_metadata import normalise_metadata
from erbm_desk.services.exchange.sheetwriter import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONTH_FORMAT,
    ExchangeWorkbook,
    SheetWriter,
)
from erbm_desk.services.progress import NullProgress, Progress, check_cancel
from erbm_desk.domain.french import format_count

HOURS_LABEL = "Heures réalisées"
CONTRACT_ID_LABEL = "Contrat (identifiant)"
INFO_COLUMNS = ("Lot", "Bénéficiaire", "Opération", "Cité", "Début du contrat", "Fin du contrat", "Heures prévues")
HEADERS = (*INFO_COLUMNS, "Mois", HOURS_LABEL, CONTRACT_ID_LABEL)
META = {
    "organisation": "Entreprise",
    "siret": "SIRET",
    "month": "Mois",
    "format": "Format",
    "version": "Version du format",
    "exported_at": "Établi le (UTC)",
    "site": "Identifiant de la base",
}
INSTRUCTION = ("Saisissez dans la colonne « Heures réalisées » les heures de chaque contrat pour le mois (0 s'il n'y "
               "en a pas eu), puis renvoyez ce fichier. Ne modifiez pas les autres colonnes.")


class ReleveError(ValueError):
    """The statement cannot be made (French message)."""


@dataclass
class ReleveSummary:
    path: Path
    company: str
    month: date
    contracts: int

    @property
    def message(self) -> str:
        return (f"Relevé d'heures de {self.company} pour {format_month(self.month)} enregistré : {self.path.name} "
                f"({format_count(self.contracts, 'contrat')}).")


def releve_file_name(month: date) -> str:
    """The file name offered for the statement of `month`: « releve-heures-2026-11.xlsx »."""
    return f"releve-heures-{month:%Y-%m}.xlsx"


def write_releve(session: Session, siret: str, month: date, path: str | Path,
                 progress: Progress | None = None) -> ReleveSummary:
    progress = progress or NullProgress()
    path = Path(path)
    authz.require(session, authz.EXPORT_ANONYMOUS)
    siret = rules.normalise_siret(siret)
    company = session.execute(select(Company.id, Company.name).where(Company.siret == siret)).first()
    if company is None:
        raise ReleveError(f"Aucune entreprise de SIRET {siret} dans la base.")
    month = rules.month_start(month)
    rows = active_contracts(session, company.id, month)
    progress.start(len(rows) + 1, "Écriture du relevé d'heures")
    with atomic_path(path) as tmp:
        wb = ExchangeWorkbook(tmp)
        try:
            _write_releve_sheet(wb, session, company, siret, month, rows, progress)
        except BaseException:
            wb.discard()
            raise
        wb.close()
    progress.advance()
    return ReleveSummary(path, company.name, month, len(rows))


def _write_releve_sheet(wb: ExchangeWorkbook, session: Session, company, siret: str, month: date, rows: list,
                        progress: Progress) -> None:
    widths = [34, 28, 44, 24, 14, 14, 14, 10, 16, 38]
    w = SheetWriter(wb, fmt.RELEVE_SHEET, widths=widths, hidden=[len(HEADERS)])
    w.append([w.labelled("Relevé mensuel des heures d'insertion", "title")])
    meta = [
        (META["organisation"], w.text(company.name)),
        (META["siret"], siret),
        (META["month"], w.styled(month, MONTH_FORMAT)),
        (META["format"], fmt.RELEVE_FORMAT_NAME),
        (META["version"], fmt.FORMAT_VERSION),
        (META["exported_at"], w.styled(fmt.export_time(utcnow()), DATETIME_FORMAT)),
        (META["site"], own_site_uuid(session)),
    ]
    for key, value in meta:
        w.append([w.labelled(key, "bold"), value])
    w.append([w.labelled("Consigne", "bold"), INSTRUCTION])
    w.append([])
    w.header(list(HEADERS))
    first_data = w.rows + 1
    for r in rows:
        person = f"{r.last_name} {r.first_name}" if r.last_name and r.first_name else (
            r.pseudonym or fmt.derived_pseudonym(r.ben_uuid))
        lot = lot_caption(r.lot_number, r.lot_label, r.marche)
        w.append([w.text(lot), w.text(person), w.text(r.name), w.text(r.cite), w.styled(r.start_date, DATE_FORMAT),
                  w.styled(r.end_date, DATE_FORMAT), r.hours_planned, w.styled(month, MONTH_FORMAT), None, r.uuid])
        progress.advance()
        check_cancel(progress)
    w.autofilter()
    hours_col = HEADERS.index(HOURS_LABEL) + 1
    w.validate_decimal(hours_col, Decimal(0), rules.MAX_MONTHLY_HOURS, HOURS_LABEL, first_data,
                       max(w.rows, first_data) + 50)


def releve_index() -> dict[str, SheetColumn]:
    contract, month, hours = HOURS.column("contract_id"), HOURS.column("month"), HOURS.column("hours")
    index = {
        header_key(CONTRACT_ID_LABEL): SheetColumn("contract_id#id", CONTRACT_ID_LABEL, Role.REF_ID, contract),
        header_key("Mois"): SheetColumn("month", month.label, Role.FIELD, month),
        header_key(HOURS_LABEL): SheetColumn("hours", HOURS_LABEL, Role.FIELD, hours),
        header_key("Heures"): SheetColumn("hours", HOURS_LABEL, Role.FIELD, hours),
    }
    return index


def read_releve_sheet(wb, sheet_name: str) -> tuple[RawSheet, dict[str, Any]]:
    raw = read_sheet(wb, sheet_name, releve_index(), ignored={header_key(c) for c in INFO_COLUMNS})
    if raw is None or not any(c.key == "hours" for _, c in raw.header.columns):
        raise ExcelFileError(f"La feuille « {sheet_name} » n'a pas de colonne « {HOURS_LABEL} ».")
    found = key_values(raw.header.title_rows)
    meta = {key: found[header_key(label)] for key, label in META.items() if header_key(label) in found}
    return raw, normalise_metadata(meta)
