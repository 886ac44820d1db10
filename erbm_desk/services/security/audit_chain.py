"""Verifying the audit log: every entry's hash and link, its personal values, and the end of the log against its
anchor outside the database (deleted last entries). How the chain is built: `audit`."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.db.models import AuditEntry
from erbm_desk.services.security import audit_keys, authz
from erbm_desk.services.security.audit import GENESIS, entry_hash, personal_digest


@dataclass(frozen=True)
class ChainReport:
    ok: bool  # nothing altered AND everything could be verified
    checked: int
    head: str  # hash of the last entry
    first_broken_id: int | None = None
    message: str = ""
    altered: bool = False  # an alteration was detected (ok False with altered False: verification incomplete)
    keyed: int = 0  # entries sealed with a secret key (HMAC-SHA256)
    legacy: int = 0  # entries from before keyed chaining (plain SHA-256)
    unverified: int = 0  # keyed entries whose key is missing on this workstation
    missing_keys: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # anchor and key information, in French


def _n(count: int, one: str, many: str) -> str:
    from erbm_desk.domain.french import format_count

    return format_count(count, one, many)


def verify_audit_chain(session: Session) -> ChainReport:
    """Walk the whole log in order; report the first entry whose hash, link or personal values do not match,
    then compare the end of the log with its anchor outside the database (deleted last entries)."""
    authz.require(session, authz.AUDIT_READ)
    keys = audit_keys.available_keys()
    identity = audit_keys.database_identity(session.connection().engine.url)
    anchor = audit_keys.read_anchor(identity)
    anchor_id = int(anchor["id"]) if anchor else None
    prev = GENESIS
    checked = keyed = legacy = unverified = 0
    missing: dict[str, int] = {}
    first_hash = None
    anchored_hash = None
    last_id = 0

    def broken(row_id: int, text: str) -> ChainReport:
        return ChainReport(False, checked, prev, row_id, f"Journal altéré : {text}", True, keyed, legacy, unverified,
                           tuple(missing))

    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)
    for row in session.scalars(query):
        checked += 1
        if row.prev_hash != prev:
            return broken(row.id, f"l'entrée n° {row.id} ne suit pas l'entrée précédente (une entrée a été "
                          "supprimée, insérée ou modifiée hors de l'application).")
        if row.key_id is None:
            if keyed:
                return broken(row.id, f"l'entrée n° {row.id} n'est pas scellée par la clé secrète alors que les "
                              "précédentes le sont : entrée modifiée hors de l'application.")
            legacy += 1
            secret: bytes | None = None
        else:
            keyed += 1
            key = keys.get(row.key_id)
            secret = key.secret if key else None
        if row.key_id is not None and secret is None:
            unverified += 1
            missing[row.key_id] = missing.get(row.key_id, 0) + 1
        else:
            try:
                recomputed = entry_hash(prev, row.at, row.actor, row.role, row.action, row.entity, row.record_uuid,
                                        row.record_id, row.changes, secret)
            except (ValueError, TypeError):
                recomputed = None
            if recomputed != row.hash:
                return broken(row.id, f"l'entrée n° {row.id} a été modifiée hors de l'application.")
        if row.personal is not None and not _personal_matches(row):
            return broken(row.id, f"les valeurs personnelles de l'entrée n° {row.id} ont été modifiées hors de "
                          "l'application.")
        if first_hash is None:
            first_hash = row.hash
        if row.id == anchor_id:
            anchored_hash = row.hash
        prev = row.hash
        last_id = row.id

    notes: list[str] = []
    if anchor is None:
        notes.append("Aucune ancre de ce journal sur ce poste : la suppression des dernières entrées ne peut pas y "
                     "être détectée (l'ancre est écrite à chaque modification faite depuis ce poste).")
    else:
        when = audit_keys.french_time(anchor.get("at", ""))
        if anchor.get("rewritten"):
            old = anchor["rewritten"]
            return broken(int(old.get("id") or 0), f"le journal a été réécrit depuis le début hors de l'application "
                          f"(constaté le {audit_keys.french_time(old.get('seen', ''))} : il comptait au moins "
                          f"{old.get('id')} entrées le {audit_keys.french_time(old.get('at', ''))}).")
        if anchor.get("first") and first_hash is not None and anchor["first"] != first_hash:
            return broken(1, "la première entrée ne correspond plus à celle que ce poste a enregistrée : journal "
                          "réécrit depuis le début hors de l'application.")
        if anchor_id and last_id < anchor_id:
            return broken(last_id + 1, f"les dernières entrées ont été supprimées : ce poste a enregistré l'entrée "
                          f"n° {anchor_id} le {when}, le journal s'arrête à la n° {last_id} "
                          f"({_n(anchor_id - last_id, 'entrée manquante', 'entrées manquantes')} au moins).")
        if anchor_id and anchored_hash != anchor.get("hash"):
            return broken(anchor_id, f"l'entrée n° {anchor_id} ne correspond plus à l'ancre enregistrée sur ce poste "
                          f"le {when} : journal réécrit hors de l'application.")
        notes.append(f"Ancre sur ce poste : entrée n° {anchor_id} du {when}, conforme.")
        notes += [f"Historique de l'ancre : {n}" for n in anchor.get("notes", [])[-3:]]
    parts = []
    if keyed:
        parts.append(_n(keyed, "scellée", "scellées") + " par la clé secrète")
    if legacy:
        parts.append(_n(legacy, "antérieure", "antérieures") + " au scellement par clé (empreinte SHA-256 simple)")
    detail = f" ({', '.join(parts)})" if parts else ""
    if unverified:
        where = os.environ.get(audit_keys.ENV_KEY_FILE) and audit_keys.ENV_KEY_FILE or str(audit_keys.other_keys_dir())
        message = (f"Vérification incomplète : {_n(checked, 'entrée lue', 'entrées lues')}{detail} ; aucune "
                   f"altération détectée, mais {_n(unverified, 'entrée est scellée', 'entrées sont scellées')} par "
                   f"une clé secrète absente de ce poste (empreinte {', '.join(missing)}) : leur contenu n'a pas pu "
                   f"être vérifié. Copiez le fichier de clé du poste qui les a écrites dans « {where} ».")
        return ChainReport(False, checked, prev, None, message, False, keyed, legacy, unverified, tuple(missing),
                           tuple(notes))
    message = f"Journal intègre : {_n(checked, 'entrée vérifiée', 'entrées vérifiées')}{detail}."
    return ChainReport(True, checked, prev, None, message, False, keyed, legacy, 0, (), tuple(notes))


def _personal_matches(row: AuditEntry) -> bool:
    try:
        blob = json.loads(row.personal)
        sealed = json.loads(row.changes)
        salt = blob["salt"]
        for key, (old, new) in blob["values"].items():
            expected = [None if v is None else personal_digest(salt, key, v) for v in (old, new)]
            if sealed.get(key) != expected:
                return False
    except (ValueError, KeyError, TypeError):
        return False
    return True
