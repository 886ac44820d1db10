"""GDPR rights of a beneficiary: access (all their data in a readable workbook), erasure, and retention.

Erasure removes the identity but keeps the person's criteria, contracts and hours as an anonymous record, so
the comité's totals do not change. What it changes is the one rule of `db.erasure` (identity columns NULL, a
pseudonym, each contract's age band at start kept for the indicators, the audit log's personal values scrubbed:
the chain stays valid), applied here through the ORM; the erasure itself is logged, and `vacuum` then rewrites
the file so that no page of it (nor of its -wal) still holds the old values. `erase_and_vacuum` then applies the
same rule to the automatic backups (`services.backup.scrub`); what is still to clean is recorded with the erasure
itself and taken up at the next opening if the process is killed first (`erasure_followup`).

Register: every erasure is also written to `erasure_register` (beneficiary UUID, date, reason; never an
identity). Backups made before an erasure still hold the person: when one is restored,
`services.database.restore` reads the register of the database being replaced and `reapply_erasures` erases
those people again in the restored copy, before anyone can use it.

Retention: people whose path ended more than `retention.years` (default 5) ago are listed by
`due_for_retention` for an administrator to confirm their anonymisation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from erbm_desk.db.erasure import dependent_personal_columns, erasure_of, identity_columns
from erbm_desk.db.models import (
    AuditEntry,
    Beneficiary,
    ErasureRecord,
    Cite,
    Commune,
    Company,
    Contract,
    MODELS,
    HoursEntry,
    Operation,
    PathExit,
    utcnow,
)
from erbm_desk.domain import rules
from erbm_desk.domain.french import format_count, format_date, format_datetime, format_month
from erbm_desk.domain.text import fold
from erbm_desk.domain.entities import BENEFICIARY, CONTRACT, SPECS
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.services.security import audit, authz, erasure_followup
from erbm_desk.services.security.erasure_followup import vacuum  # noqa: F401 - part of this module's interface
from erbm_desk.services.security.audit_reading import as_row
from erbm_desk.services.security.database_settings import RETENTION_YEARS, read_database_setting
from erbm_desk.services.security.simple_workbook import append_rows


class GdprError(ValueError):
    """French message for the user."""


# The records of a person's path, each a sheet of the access workbook.
PATH_SHEETS = {"eligibility_check": "Éligibilité", "path_exit": "Sorties", "followup_action": "Suivi"}


# --- Finding the person ----------------------------------------------------------------------------------

def find_beneficiary(session: Session, text: str | int) -> int:
    """A beneficiary by internal number, UUID, pseudonym or « NOM Prénom »; GdprError when none or several."""
    authz.require(session, authz.PERSON_READ)
    text = str(text).strip()
    if text.isdigit() and session.get(Beneficiary, int(text)) is not None:
        return int(text)
    found = session.scalars(
        select(Beneficiary.id).where(or_(Beneficiary.uuid == text.lower(), func.lower(Beneficiary.pseudonym) == text.lower()))
    ).all()
    if not found and authz.can_see_identity(session):
        wanted = fold(text)
        rows = session.execute(select(Beneficiary.id, Beneficiary.last_name, Beneficiary.first_name)).all()
        found = [bid for bid, last, first in rows
                 if last and wanted in (fold(f"{last} {first or ''}"), fold(f"{first or ''} {last}"))]
    if not found:
        raise GdprError(f"Aucun bénéficiaire ne correspond à « {text} ».")
    if len(found) > 1:
        raise GdprError(f"Plusieurs bénéficiaires correspondent à « {text} » (n° {', '.join(map(str, found))}) : "
                        "précisez le numéro.")
    return found[0]


def _beneficiary(session: Session, beneficiary_id: int) -> Beneficiary:
    person = session.get(Beneficiary, beneficiary_id)
    if person is None:
        raise GdprError(f"Bénéficiaire n° {beneficiary_id} introuvable.")
    return person


def is_erased(person: Beneficiary) -> bool:
    return all(getattr(person, column) is None for column in identity_columns())


# --- Right of access ------------------------------------------------------------------------------------

def export_person(session: Session, beneficiary_id: int, path: str | Path) -> Path:
    """Everything stored about one person, as a workbook they can read: identity and criteria, contracts,
    monthly hours, and the history of changes (who, when, what). Written atomically; logged."""
    from openpyxl import Workbook

    authz.require(session, authz.GDPR_ACCESS)
    authz.require(session, authz.IDENTITY_READ)
    person = _beneficiary(session, beneficiary_id)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise GdprError("Le fichier d'export doit avoir l'extension .xlsx.")
    contracts = session.execute(
        select(Contract, Company.name, Operation.name, Cite.name)
        .join(Company, Contract.company_id == Company.id)
        .join(Operation, Contract.operation_id == Operation.id)
        .join(Cite, Operation.cite_id == Cite.id)
        .where(Contract.beneficiary_id == person.id)
        .order_by(Contract.start_date, Contract.id)
    ).all()
    contract_ids = [c.id for c, *_ in contracts]
    hours = session.execute(
        select(HoursEntry.contract_id, HoursEntry.month, HoursEntry.hours, HoursEntry.uuid)
        .where(HoursEntry.contract_id.in_(contract_ids))
        .order_by(HoursEntry.contract_id, HoursEntry.month)
    ).all() if contract_ids else []
    path_records = {name: list(session.scalars(select(MODELS[name]).where(MODELS[name].beneficiary_id == person.id)
                                               .order_by(MODELS[name].id))) for name in PATH_SHEETS}
    uuids = [person.uuid] + [c.uuid for c, *_ in contracts] + [h.uuid for h in hours] + \
        [r.uuid for records in path_records.values() for r in records]
    history = session.scalars(
        select(AuditEntry).where(AuditEntry.record_uuid.in_(uuids)).order_by(AuditEntry.id)
    ).all()
    commune = session.get(Commune, person.commune_id).name if person.commune_id else None

    wb = Workbook()
    ws = wb.active
    ws.title = "Lisez-moi"
    now = datetime.now().replace(microsecond=0)
    readme = [
        ("Vos données dans ERBM Desk",),
        (f"Extraction du {format_datetime(now)} par {authz.current_user(session).label}.",),
        ("Ce classeur contient toutes les informations enregistrées à votre sujet dans cette base : votre "
         "identité (onglet « Identité »), vos diagnostics d'éligibilité (« Éligibilité »), vos sorties et la "
         "situation six mois après (« Sorties »), les actions de suivi (« Suivi »), vos contrats d'insertion (« Contrats »), "
         "les heures déclarées chaque mois (« Heures ») et l'historique des modifications (« Historique »).",),
        ("Ces données servent au suivi de votre parcours d'insertion et au calcul, sous forme anonyme, des "
         "indicateurs des clauses sociales de l'ERBM. Pour les faire rectifier ou effacer, adressez-vous à "
         "votre référent·e ou au délégué à la protection des données de la structure.",),
    ]
    append_rows(ws, ["ERBM Desk — droit d'accès (article 15 du RGPD)"], readme, widths=(120,))
    ws = wb.create_sheet("Identité")
    identity = [("Identifiant", person.uuid), ("Pseudonyme", person.pseudonym or "")]
    for column in BENEFICIARY.columns:
        value = getattr(person, column.key)
        text = commune if column.key == "commune_id" else column.format(value)
        identity.append((column.label, text or ""))
    identity += [("Enregistré le", format_date(person.created_at)), ("Modifié le", format_date(person.updated_at))]
    append_rows(ws, ["Information", "Valeur"], identity, widths=(42, 50))

    ws = wb.create_sheet("Contrats")
    labels = {c.key: c for c in CONTRACT.columns}
    totals = {}
    for cid, _month, h, _u in hours:
        totals[cid] = totals.get(cid, 0) + h
    append_rows(
        ws,
        ["N°", "Entreprise", "Opération", "Cité", "Type de contrat", "Mode de réalisation", "Début", "Fin",
         "Heures prévues", "Heures réalisées", "Tranche d'âge au début"],
        ([c.id, company, operation, cite, labels["contract_type"].format(c.contract_type),
          labels["delivery_method"].format(c.delivery_method), c.start_date, c.end_date,
          c.hours_planned, totals.get(c.id, 0),
          labels["age_band"].format(c.age_band or (rules.age_band(person.birth_date, c.start_date)
                                                   if person.birth_date else None))]
         for c, company, operation, cite in contracts),
        widths=(6, 30, 32, 24, 18, 26, 12, 12, 14, 14, 20),
    )
    ws = wb.create_sheet("Heures")
    append_rows(ws, ["Contrat n°", "Mois", "Heures"],
                ([cid, format_month(month), h] for cid, month, h, _u in hours), widths=(12, 10, 10))
    for name, title in PATH_SHEETS.items():  # eligibility checks, exits, follow-up actions
        columns = [c for c in SPECS[name].columns if c.key != "beneficiary_id"]
        append_rows(wb.create_sheet(title), [c.label for c in columns],
                    ([c.format(getattr(r, c.key)) for c in columns] for r in path_records[name]),
                    widths=tuple(max(c.width, 12) for c in columns))
    ws = wb.create_sheet("Historique")
    rows = [as_row(e) for e in history]
    append_rows(ws, ["Date (UTC)", "Par", "Action", "Sur", "Détail"],
                      ([r.at.replace(microsecond=0), r.actor, r.action_label, r.entity_label, r.describe()]
                       for r in rows), widths=(20, 20, 24, 18, 100))
    with atomic_path(path) as tmp:
        wb.save(tmp)
    audit.log_event(session, "access", "beneficiary", {"fichier": path.name}, person.uuid, person.id)
    return path


# --- Right to erasure -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ErasureReport:
    beneficiary_id: int
    uuid: str
    pseudonym: str
    contracts: int
    audit_entries_scrubbed: int
    backups: object = None  # services.backup.scrub.ScrubResult: the automatic backups scrubbed after the erasure


def erase_person(session: Session, beneficiary_id: int, reason: str = "demande de la personne") -> ErasureReport:
    """Remove the identity of one person in the caller's transaction; call `vacuum(db)` after the commit."""
    authz.require(session, authz.GDPR_ERASE)
    person = _beneficiary(session, beneficiary_id)
    if is_erased(person):
        raise GdprError(f"Le bénéficiaire n° {beneficiary_id} est déjà anonyme.")
    return _erase(session, person, reason)


def _register(session: Session, uuid: str, at: datetime, reason: str) -> None:
    if session.scalar(select(ErasureRecord.id).where(ErasureRecord.beneficiary_uuid == uuid)) is None:
        session.add(ErasureRecord(beneficiary_uuid=uuid, erased_at=at, reason=reason[:200]))


def _erase(session: Session, person: Beneficiary, reason: str, erased_at: datetime | None = None) -> ErasureReport:
    _register(session, person.uuid, erased_at or utcnow(), reason)
    contracts = list(session.scalars(select(Contract).where(Contract.beneficiary_id == person.id)))
    erasure = erasure_of(person.birth_date, [(c.id, c.start_date) for c in contracts], person.pseudonym)
    for contract in contracts:  # the « moins de 26 ans » indicator must not change
        if contract.id in erasure.contract_age_bands:
            contract.age_band = erasure.contract_age_bands[contract.id]
    for column, value in erasure.beneficiary.items():
        setattr(person, column, value)
    dependents = []
    for table, columns in dependent_personal_columns().items():
        model = MODELS[table]
        for record in session.scalars(select(model).where(model.beneficiary_id == person.id)):
            dependents.append((table, record.uuid))
            for column in columns:
                setattr(record, column, None)
    session.flush()
    scrubbed = audit.scrub_personal(session, "beneficiary", person.uuid)
    scrubbed += sum(audit.scrub_personal(session, table, uuid) for table, uuid in dependents)
    audit.log_event(session, "erase", "beneficiary",
                    {"motif": reason, "contrats conservés": len(contracts), "entrées du journal nettoyées": scrubbed},
                    person.uuid, person.id)
    return ErasureReport(person.id, person.uuid, person.pseudonym, len(contracts), scrubbed)


@dataclass(frozen=True)
class RegisteredErasure:
    beneficiary_uuid: str
    erased_at: datetime
    reason: str
    pseudonym: str | None = None  # kept when the person is erased again, so exchanged workbooks still match


def erasure_register(session: Session, with_table: bool = True) -> list[RegisteredErasure]:
    """Every erasure this database knows of (its register, and the « erase » entries of its audit log);
    `with_table` False for a database older than the register (schema 0003)."""
    found = {r.beneficiary_uuid: RegisteredErasure(r.beneficiary_uuid, r.erased_at, r.reason)
             for r in session.scalars(select(ErasureRecord).order_by(ErasureRecord.id))} if with_table else {}
    logged = session.execute(
        select(AuditEntry.record_uuid, func.min(AuditEntry.at))
        .where(AuditEntry.action == "erase", AuditEntry.entity == "beneficiary", AuditEntry.record_uuid.is_not(None))
        .group_by(AuditEntry.record_uuid)
    ).all()
    for uuid, at in logged:
        found.setdefault(uuid, RegisteredErasure(uuid, at, "effacement journalisé"))
    pseudonyms = dict(session.execute(select(Beneficiary.uuid, Beneficiary.pseudonym)
                                      .where(Beneficiary.uuid.in_(list(found)))).all()) if found else {}
    return [RegisteredErasure(r.beneficiary_uuid, r.erased_at, r.reason, pseudonyms.get(r.beneficiary_uuid))
            for r in found.values()]


def reapply_erasures(session: Session, register: Iterable[RegisteredErasure],
                     context: str = "restauration d'une sauvegarde") -> list[ErasureReport]:
    """After a restore: erase again every registered person the restored copy still identifies, and carry the
    register over. Runs for the restore itself (no GDPR right needed: it only ever removes identities)."""
    reports = []
    for item in register:
        _register(session, item.beneficiary_uuid, item.erased_at, item.reason)
        person = session.scalar(select(Beneficiary).where(Beneficiary.uuid == item.beneficiary_uuid))
        if person is None or is_erased(person):
            continue
        person.pseudonym = person.pseudonym or item.pseudonym
        reports.append(_erase(session, person, f"{item.reason} — effacement du {format_date(item.erased_at)} "
                              f"réappliqué après {context}", item.erased_at))
    session.flush()
    return reports


def erase_and_vacuum(db, beneficiary_ids: Iterable[int], reason: str = "demande de la personne") -> list[ErasureReport]:
    """Erase several people in one transaction, rewrite the file, then scrub the automatic backups of an SQLite
    database the same way (`services.backup.scrub`; what it did is in each report's `backups`)."""
    with db.session() as s:
        reports = [erase_person(s, bid, reason) for bid in beneficiary_ids]
        erasure_followup.mark(s, [r.uuid for r in reports])  # committed with the erasure: finished even if killed
    scrub = erasure_followup.finish(db)
    if scrub is not None and getattr(db, "path", None) is not None:
        reports = [replace(r, backups=scrub) for r in reports]
    return reports


# --- Retention ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RetentionCandidate:
    beneficiary_id: int
    uuid: str
    label: str
    path_end: date


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_years(session: Session) -> int:
    return int(read_database_setting(session, RETENTION_YEARS))


def due_for_retention(session: Session, today: date | None = None, years: int | None = None) -> list[RetentionCandidate]:
    """People still identified whose path ended more than `years` (setting `retention.years`) ago.

    The end of a path is the latest exit date, or else the end of the last contract when none is still open.
    Returns [] for a user who may not erase (the start-up reminder is for administrators)."""
    if not authz.allowed(session, authz.GDPR_ERASE):
        return []
    today = today or date.today()
    years = years if years is not None else retention_years(session)
    cutoff = _years_before(today, years)
    open_contracts = func.sum(case((Contract.id.is_not(None) & Contract.end_date.is_(None), 1), else_=0))
    last_exit = select(func.max(PathExit.exit_date)).where(PathExit.beneficiary_id == Beneficiary.id).scalar_subquery()
    query = (
        select(Beneficiary.id, Beneficiary.uuid, Beneficiary.last_name, Beneficiary.first_name, Beneficiary.pseudonym,
               last_exit, func.max(Contract.end_date), func.count(Contract.id), open_contracts)
        .outerjoin(Contract, Contract.beneficiary_id == Beneficiary.id)
        .where(or_(*(getattr(Beneficiary, column).is_not(None) for column in identity_columns())))
        .group_by(Beneficiary.id)
        .order_by(Beneficiary.id)
    )
    due = []
    for bid, uuid, last, first, pseudo, exit_date, last_end, n_contracts, n_open in session.execute(query):
        end = exit_date or (last_end if n_contracts and not n_open else None)
        if end is not None and end < cutoff:
            due.append(RetentionCandidate(bid, uuid, authz.person_label(session, last, first, pseudo, bid), end))
    return due


def retention_message(candidates: list[RetentionCandidate], years: int) -> str:
    """The start-up reminder, in French."""
    n = len(candidates)
    who = "personne dont le parcours est terminé" if n == 1 else "personnes dont le parcours est terminé"
    return (f"{n} {who} depuis plus de {format_count(years, 'an')} : leurs données doivent être anonymisées "
            "(menu Sécurité → Durée de conservation).")
