"""What a scope covers in the database: the SELECTs of its cités and operations, its label and its title.

A scope's value may be an id, a SIREN, a UUID or a name typed by a user (« CALL », « cité test a »): names are
compared folded (case and accents ignored). A value that names nothing raises ScopeError.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Cite, Commune, Epci, Operation
from erbm_desk.domain.reporting import SCOPE_LABELS, Scope, ScopeError
from erbm_desk.domain.text import fold


def match_one(session: Session, query: Select, wanted: str | int, what: str) -> list[int]:
    """The ids (first column of `query`) whose other columns hold `wanted`."""
    rows = session.execute(query).all()
    if isinstance(wanted, int) or str(wanted).isdigit():
        ids = [r[0] for r in rows if str(r[0]) == str(wanted) or any(str(c) == str(wanted) for c in r[1:])]
    else:
        target = fold(str(wanted))
        ids = [r[0] for r in rows if any(c is not None and fold(str(c)) == target for c in r[1:])]
    if not ids:
        raise ScopeError(f"{what} introuvable : « {wanted} ».")
    return ids


def _epci_ids(session: Session, scope: Scope) -> list[int]:
    return match_one(session, select(Epci.id, Epci.siren, Epci.short_name, Epci.name), scope.value, "EPCI")


def _bailleur_ids(session: Session, scope: Scope) -> list[int]:
    return match_one(session, select(Bailleur.id, Bailleur.name), scope.value, "Bailleur")


def _cite_ids(session: Session, scope: Scope) -> list[int]:
    return match_one(session, select(Cite.id, Cite.name, Cite.uuid), scope.value, "Cité")


def scope_operations(session: Session, scope: Scope) -> Select | None:
    """A SELECT of the operation ids in scope; None for the whole territory."""
    if scope.kind == "territory":
        return None
    base = select(Operation.id).join(Cite, Operation.cite_id == Cite.id)
    if scope.kind == "epci":
        ids = _epci_ids(session, scope)
        return base.join(Commune, Cite.commune_id == Commune.id).where(Commune.epci_id.in_(ids))
    if scope.kind == "bailleur":
        return base.where(Cite.bailleur_id.in_(_bailleur_ids(session, scope)))
    if scope.kind == "cite":
        return base.where(Cite.id.in_(_cite_ids(session, scope)))
    ids = match_one(session, select(Operation.id, Operation.uuid), scope.value, "Opération")
    return select(Operation.id).where(Operation.id.in_(ids))


def scope_cites(session: Session, scope: Scope) -> Select | None:
    """A SELECT of the cité ids in scope, with or without operations; None for the whole territory."""
    if scope.kind == "territory":
        return None
    if scope.kind == "operation":
        return select(Operation.cite_id).where(Operation.id.in_(scope_operations(session, scope)))
    if scope.kind == "epci":
        ids = _epci_ids(session, scope)
        return select(Cite.id).join(Commune, Cite.commune_id == Commune.id).where(Commune.epci_id.in_(ids))
    if scope.kind == "bailleur":
        return select(Cite.id).where(Cite.bailleur_id.in_(_bailleur_ids(session, scope)))
    return select(Cite.id).where(Cite.id.in_(_cite_ids(session, scope)))


def scope_label(session: Session, scope: Scope) -> str:
    """« Territoire ERBM », « EPCI CALL », « Cité 12 »: the scope as the user named it."""
    if scope.kind == "territory":
        return SCOPE_LABELS["territory"]
    return f"{SCOPE_LABELS[scope.kind]} {scope.value}"


def scope_title(session: Session, scope: Scope, only_cite: tuple[str, str, str] | None = None) -> str:
    """What the dashboard's and the bilan's titles say: « Cité 10 — Sains-en-Gohelle (CALL) » (`only_cite`:
    name, commune and EPCI of the scope's one cité), « EPCI : … (CALL) », « Bailleur : … »."""
    if scope.kind == "cite" and only_cite is not None:
        name, commune, epci = only_cite
        return f"{name} — {commune} ({epci})"
    if scope.kind == "epci":
        ids = _epci_ids(session, scope)
        name, short = session.execute(select(Epci.name, Epci.short_name).where(Epci.id == ids[0])).one()
        return f"EPCI : {name} ({short})"
    if scope.kind == "bailleur":
        ids = _bailleur_ids(session, scope)
        return f"Bailleur : {session.scalar(select(Bailleur.name).where(Bailleur.id == ids[0]))}"
    return scope_label(session, scope)
