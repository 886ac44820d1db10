"""What a scope covers in the database: the SELECTs of its cités and operations, its label and its title.

A scope's value is what a user typed or picked (the command line, the window's scope pickers, a workbook's
perimeter), read by one set of rules:

- an EPCI by its SIREN (9 digits), its short name (« CALL ») or its name;
- a cité by its name, or — when two cités share it — by its name followed by its commune or INSEE code in
  brackets (« Cité Bellevue (Harnes) », « Cité Bellevue (62413) »), or by a commune's INSEE code when the
  commune has only one cité; a name that several cités bear is refused with the candidates, written as they are
  accepted;
- a bailleur by its name;
- digits are codes (SIREN, INSEE), never internal numbers: `--cite 10` is not the tenth cité recorded.

Names are compared folded (case and accents ignored). An operation scope takes an operation's internal id or
UUID (the window's « dashboard of this operation », never typed). A Python `int` is an internal id given by the
window itself (a click on the map): it is turned into the canonical text by `canonical_value`. A value that
names nothing, or several things, raises ScopeError (French).
"""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Cite, Commune, Epci, Operation
from erbm_desk.domain.reporting import SCOPE_LABELS, Scope, ScopeError
from erbm_desk.domain.text import fold

_QUALIFIED = re.compile(r"^(?P<name>.*\S)\s*\((?P<qualifier>[^()]+)\)\s*$")


def _internal(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _epci_ids(session: Session, value) -> list[int]:
    rows = session.execute(select(Epci.id, Epci.siren, Epci.short_name, Epci.name)).all()
    if _internal(value):
        ids = [r.id for r in rows if r.id == value]
    else:
        text = str(value).strip()
        if text.isdigit():
            if len(text) != 9:
                raise ScopeError(f"« {text} » n'est pas un code SIREN d'EPCI (9 chiffres) : donnez le SIREN, le nom "
                                 "court (ex. CALL) ou le nom de l'EPCI.")
            ids = [r.id for r in rows if r.siren == text]
        else:
            ids = [r.id for r in rows if fold(text) in (fold(r.short_name), fold(r.name))]
    if not ids:
        raise ScopeError(f"EPCI introuvable : « {value} ».")
    return ids


def _bailleur_ids(session: Session, value) -> list[int]:
    rows = session.execute(select(Bailleur.id, Bailleur.name)).all()
    ids = [r.id for r in rows if (r.id == value if _internal(value) else fold(r.name) == fold(str(value)))]
    if not ids:
        raise ScopeError(f"Bailleur introuvable : « {value} ».")
    return ids


def _cite_rows(session: Session) -> list:
    return session.execute(select(Cite.id, Cite.name, Cite.uuid, Commune.name.label("commune"),
                                  Commune.insee_code).join(Commune, Cite.commune_id == Commune.id)
                           .order_by(Cite.name, Commune.name)).all()


def _cite_texts(rows: list) -> dict[int, str]:
    """Cité id -> the shortest text that names it alone among `rows`: its name, else with its commune, else with
    its INSEE code. (Each name folded once: the pickers are filled on every refresh of the dashboard.)"""
    namesakes: dict[str, list] = {}
    for r in rows:
        namesakes.setdefault(fold(r.name), []).append(r)
    texts = {}
    for same in namesakes.values():
        communes = Counter(fold(r.commune) for r in same) if len(same) > 1 else None
        for r in same:
            if communes is None:
                texts[r.id] = r.name
            elif communes[fold(r.commune)] == 1:
                texts[r.id] = f"{r.name} ({r.commune})"
            else:
                texts[r.id] = f"{r.name} ({r.insee_code})"
    return texts


def _cite_ids(session: Session, value) -> list[int]:
    rows = _cite_rows(session)
    if _internal(value):
        found = [r for r in rows if r.id == value]
    else:
        text = str(value).strip()
        if text.isdigit():
            if len(text) != 5:
                raise ScopeError(f"« {text} » ne désigne aucune cité : donnez le nom de la cité (un nombre n'est lu "
                                 "que comme le code INSEE de sa commune, 5 chiffres).")
            found = [r for r in rows if r.insee_code == text]
        else:
            found = [r for r in rows if fold(r.name) == fold(text) or r.uuid == text.lower()]
            qualified = _QUALIFIED.match(text)
            if not found and qualified:
                name, qualifier = fold(qualified["name"]), fold(qualified["qualifier"])
                found = [r for r in rows if fold(r.name) == name and qualifier in (fold(r.commune), r.insee_code)]
    if not found:
        raise ScopeError(f"Cité introuvable : « {value} ».")
    if len(found) > 1:
        texts = _cite_texts(rows)
        candidates = ", ".join(f"« {texts[r.id]} »" for r in found)
        raise ScopeError(f"« {value} » désigne plusieurs cités : {candidates}. Précisez laquelle.")
    return [found[0].id]


def scope_operations(session: Session, scope: Scope) -> Select | None:
    """A SELECT of the operation ids in scope; None for the whole territory."""
    if scope.kind == "territory":
        return None
    base = select(Operation.id).join(Cite, Operation.cite_id == Cite.id)
    if scope.kind == "epci":
        ids = _epci_ids(session, scope.value)
        return base.join(Commune, Cite.commune_id == Commune.id).where(Commune.epci_id.in_(ids))
    if scope.kind == "bailleur":
        return base.where(Cite.bailleur_id.in_(_bailleur_ids(session, scope.value)))
    if scope.kind == "cite":
        return base.where(Cite.id.in_(_cite_ids(session, scope.value)))
    wanted = str(scope.value).strip()
    ids = [oid for oid, uuid in session.execute(select(Operation.id, Operation.uuid))
           if str(oid) == wanted or uuid == wanted.lower()]
    if not ids:
        raise ScopeError(f"Opération introuvable : « {scope.value} ».")
    return select(Operation.id).where(Operation.id.in_(ids))


def scope_cites(session: Session, scope: Scope) -> Select | None:
    """A SELECT of the cité ids in scope, with or without operations; None for the whole territory."""
    if scope.kind == "territory":
        return None
    if scope.kind == "operation":
        return select(Operation.cite_id).where(Operation.id.in_(scope_operations(session, scope)))
    if scope.kind == "epci":
        ids = _epci_ids(session, scope.value)
        return select(Cite.id).join(Commune, Cite.commune_id == Commune.id).where(Commune.epci_id.in_(ids))
    if scope.kind == "bailleur":
        return select(Cite.id).where(Cite.bailleur_id.in_(_bailleur_ids(session, scope.value)))
    return select(Cite.id).where(Cite.id.in_(_cite_ids(session, scope.value)))


def canonical_value(session: Session, kind: str, value) -> str | int | None:
    """The text a scope value is written as everywhere (pickers, the command line a dialog shows, titles):
    an EPCI's SIREN, a bailleur's name, the text naming a cité alone; an operation keeps its id."""
    if kind == "territory":
        return None
    if kind == "epci":
        return session.scalar(select(Epci.siren).where(Epci.id == _epci_ids(session, value)[0]))
    if kind == "bailleur":
        return session.scalar(select(Bailleur.name).where(Bailleur.id == _bailleur_ids(session, value)[0]))
    if kind == "cite":
        rows = _cite_rows(session)
        wanted = _cite_ids(session, value)[0]
        return _cite_texts(rows)[wanted]
    return value


def canonical_scope(session: Session, scope: Scope) -> Scope:
    """The scope with an internal id (given by the window, never typed) written as its canonical text."""
    if scope.kind in ("territory", "operation") or not _internal(scope.value):
        return scope
    return Scope(scope.kind, canonical_value(session, scope.kind, scope.value))


def cite_choices(session: Session) -> list[tuple[str, str, int]]:
    """(label « Cité X — Commune (EPCI) », value naming it alone, id) of every cité, by name: a picker's items."""
    rows = session.execute(select(Cite.id, Cite.name, Commune.name.label("commune"), Commune.insee_code, Cite.uuid,
                                  Epci.short_name).join(Commune, Cite.commune_id == Commune.id)
                           .join(Epci, Commune.epci_id == Epci.id).order_by(Cite.name, Commune.name)).all()
    texts = _cite_texts(rows)
    return [(f"{r.name} — {r.commune} ({r.short_name})", texts[r.id], r.id) for r in rows]


def scope_label(session: Session, scope: Scope) -> str:
    """« Territoire ERBM », « EPCI CALL », « Cité Bellevue (Harnes) »: the scope as the user named it (an internal
    id as its canonical text)."""
    if scope.kind == "territory":
        return SCOPE_LABELS["territory"]
    value = scope.value
    if _internal(value) and scope.kind != "operation":
        value = canonical_value(session, scope.kind, value)
    return f"{SCOPE_LABELS[scope.kind]} {value}"


def scope_title(session: Session, scope: Scope, only_cite: tuple[str, str, str] | None = None) -> str:
    """What the dashboard's and the bilan's titles say: « Cité 10 — Sains-en-Gohelle (CALL) » (`only_cite`:
    name, commune and EPCI of the scope's one cité), « EPCI : … (CALL) », « Bailleur : … »."""
    if scope.kind == "cite" and only_cite is not None:
        name, commune, epci = only_cite
        return f"{name} — {commune} ({epci})"
    if scope.kind == "epci":
        ids = _epci_ids(session, scope.value)
        name, short = session.execute(select(Epci.name, Epci.short_name).where(Epci.id == ids[0])).one()
        return f"EPCI : {name} ({short})"
    if scope.kind == "bailleur":
        ids = _bailleur_ids(session, scope.value)
        return f"Bailleur : {session.scalar(select(Bailleur.name).where(Bailleur.id == ids[0]))}"
    return scope_label(session, scope)
