"""Creating, changing and deleting records, with every rule checked: the one write path of forms and CLI.

`save_record` and `delete_record` work inside the caller's session (one transaction per user action);
a deletion returns a `Deleted` snapshot that `restore_deleted` puts back exactly (undo).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from erbm_desk.db.models import MODELS, Record, column_keys
from erbm_desk.domain import rules
from erbm_desk.domain.entities import ALL_SPECS, SPECS, EntitySpec, Kind
from erbm_desk.domain.french import format_month
from erbm_desk.domain.validation import record_problems
from erbm_desk.services.security import authz


class RecordInvalid(ValueError):
    """One or more fields break a rule. `errors` maps a column key (or None) to a French message."""

    def __init__(self, errors: dict[str | None, str]):
        super().__init__(" ; ".join(errors.values()))
        self.errors = errors


CONFLICT_MESSAGE = (
    "Cet enregistrement a été modifié par quelqu'un d'autre (ou dans une autre fenêtre) depuis que vous l'avez "
    "ouvert : vos changements n'ont pas été enregistrés, pour ne pas écraser les siens. Rouvrez-le pour voir "
    "sa nouvelle version, puis refaites votre modification."
)


class ConflictError(RecordInvalid):
    """Two users changed the same record: the second one is told, not silently overwritten (the version
    counter of every record, `version_id_col`). A RecordInvalid, so forms show it like any refusal."""

    def __init__(self, message: str = CONFLICT_MESSAGE):
        super().__init__({None: message})


class ReadOnlyError(RecordInvalid):
    """A write on a database opened read-only (another instance has it for writing)."""

    def __init__(self, message: str):
        super().__init__({None: message})


def row_dict(obj: Record) -> dict[str, Any]:
    return {k: getattr(obj, k) for k in column_keys(type(obj))}


def _check_in_database(session: Session, entity: str, values: dict[str, Any], record_id: int | None) -> dict:
    spec = SPECS[entity]
    model = MODELS[entity]
    errors: dict[str | None, str] = {}
    for column in spec.columns:
        ref_id = values.get(column.key)
        if column.kind is Kind.REF and ref_id is not None and session.get(MODELS[column.ref], ref_id) is None:
            errors[column.key] = f"« {column.label} » : enregistrement introuvable."
    key_values = [values.get(k) for k in spec.natural_key]
    # An optional part of the key left empty is a value: one undated line per funder (`== None` is IS NULL);
    # the database's unique constraint cannot tell two empty dates apart.
    if all(v is not None for k, v in zip(spec.natural_key, key_values) if spec.column(k).required):
        clause = and_(*(getattr(model, k) == v for k, v in zip(spec.natural_key, key_values)))
        if record_id is not None:
            clause = and_(clause, model.id != record_id)
        if session.scalar(select(func.count()).select_from(model).where(clause)):
            errors[spec.natural_key[0]] = spec.duplicate_message
    if spec.month_within:
        errors.update(_month_outside_parent(session, spec, values))
    for agreement in spec.agreements:
        if agreement.key not in errors and not _agrees(session, spec, agreement, values):
            errors[agreement.key] = agreement.message
    if record_id is not None:
        errors.update(_months_outside_new_period(session, spec, values, record_id))
    return errors


def _agrees(session: Session, spec: EntitySpec, agreement, values: dict[str, Any]) -> bool:
    """Whether the record `agreement.key` points to leads, along `agreement.path`, to `values[agreement.equals]`
    (true when either end is empty)."""
    target, expected = values.get(agreement.key), values.get(agreement.equals)
    entity = spec.column(agreement.key).ref
    for step in agreement.path.split("."):
        if target is None or expected is None:
            return True
        obj = session.get(MODELS[entity], target)
        if obj is None:
            return True  # reported as « introuvable »
        target, entity = getattr(obj, step), SPECS[entity].column(step).ref
    return target is None or target == expected


def _month_outside_parent(session: Session, spec: EntitySpec, values: dict[str, Any]) -> dict:
    """A month of hours outside the period of its contract."""
    rule = spec.month_within
    parent_id, month = values.get(rule.within), values.get(rule.month)
    if not (parent_id and month):
        return {}
    parent = session.get(MODELS[spec.column(rule.within).ref], parent_id)
    return _month_problem(rule.month, month, parent) if parent is not None else {}


def _month_problem(field_key: str, month, parent) -> dict:
    try:
        rules.check_month_in_contract(month, parent.start_date, parent.end_date, field_key)
    except rules.RuleError as exc:
        return {exc.field: exc.message}
    return {}


def _months_outside_new_period(session: Session, spec: EntitySpec, values: dict[str, Any], record_id: int) -> dict:
    """A contract whose new period would leave some of its months of hours outside."""
    if not values.get("start_date"):
        return {}
    for dep in spec.dependents:
        rule = SPECS[dep.entity].month_within
        if rule is None or rule.within != dep.key:
            continue
        child = MODELS[dep.entity]
        months = session.scalars(select(getattr(child, rule.month)).where(getattr(child, dep.key) == record_id))
        for month in months.all():
            try:
                rules.check_month_in_contract(month, values["start_date"], values.get("end_date"))
            except rules.RuleError:
                return {"end_date": rule.outside_message.format(month=format_month(month))}
    return {}


def check_record(session: Session, entity: str, values: dict[str, Any], record_id: int | None = None) -> None:
    """Raise RecordInvalid with every problem of the record as it would be saved."""
    errors: dict[str | None, str] = dict(record_problems(entity, values))
    for key, message in _check_in_database(session, entity, values, record_id).items():
        errors.setdefault(key, message)
    if errors:
        raise RecordInvalid(errors)


def save_record(session: Session, entity: str, values: dict[str, Any], record_id: int | None = None,
                expected_version: int | None = None) -> Record:
    """Create (record_id None) or update a record from typed values; checks every rule first.

    `expected_version` (or a "version" key in `values`) is the version the user started editing from: if the
    record has changed since, ConflictError is raised instead of overwriting someone else's change."""
    authz.require_write(session, entity)  # rights checked in the service, not only in the window
    model = MODELS[entity]
    if "version" in values:
        values = dict(values)
        expected_version = values.pop("version") if expected_version is None else expected_version
        values.pop("version", None)
    values = _normalised(SPECS[entity], values)
    if record_id is None:
        check_record(session, entity, values)
        obj = model(**values)
        session.add(obj)
    else:
        obj = session.get(model, record_id)
        if obj is None:
            raise RecordInvalid({None: "Cet enregistrement a été supprimé entre-temps."})
        if expected_version is not None and obj.version != expected_version:
            raise ConflictError()
        merged = {**row_dict(obj), **values}
        check_record(session, entity, merged, record_id)
        for key, value in values.items():
            setattr(obj, key, value)
    _flush(session)
    return obj


def write_batch(session: Session, entity: str, new: list[dict[str, Any]], changed: list[tuple[Record, dict]],
                gone: list[Record]) -> None:
    """Create, change and delete many records of `entity` in ONE flush: rights checked once, values normalised,
    the value rules checked at flush (`guard_rules_at_flush`), each record journaled and its version counter
    followed as `save_record` and `delete_record` would. The checks that need the database (references exist,
    natural key free, months within their contract) are the caller's, done in bulk beforehand (the hours
    grid's `month_problems`); `gone` records must have no dependents."""
    authz.require_write(session, entity)
    spec, model = SPECS[entity], MODELS[entity]
    if gone and spec.dependents:
        raise ValueError(f"write_batch ne supprime pas d'enregistrement qui a des dépendants ({entity}).")
    for values in new:
        session.add(model(**_normalised(spec, values)))
    for obj, values in changed:
        for key, value in _normalised(spec, values).items():
            setattr(obj, key, value)
    for obj in gone:
        session.delete(obj)
    _flush(session)


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:  # changed by another user between our read and our write
        raise ConflictError() from exc


def _normalised(spec: EntitySpec, values: dict[str, Any]) -> dict[str, Any]:
    """Values in the one spelling stored (a SIRET typed with spaces)."""
    changes = {c.key: c.normalise(values[c.key]) for c in spec.columns if c.normalise and values.get(c.key)}
    return {**values, **changes} if changes else values


@dataclass
class Deleted:
    """Everything a deletion removed, in insertion order, to put it back as it was."""

    entity: str
    record_id: int
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    detached: list[tuple[str, str, int, int]] = field(default_factory=list)  # (entity, key, id, the id it held)


def dependents(session: Session, entity: str, record_id: int) -> dict[str, int]:
    """Counts of the records that would go with this one, by entity (direct and indirect)."""
    counts: dict[str, int] = {}

    def walk(ent: str, ids: list[int]) -> None:
        for dep in SPECS[ent].dependents:
            if dep.detach:  # they stay: nothing goes with the record
                continue
            model = MODELS[dep.entity]
            child_ids = list(session.scalars(select(model.id).where(getattr(model, dep.key).in_(ids))))
            if child_ids:
                counts[dep.entity] = counts.get(dep.entity, 0) + len(child_ids)
                walk(dep.entity, child_ids)

    walk(entity, [record_id])
    return counts


def delete_record(session: Session, entity: str, record_id: int) -> Deleted:
    """Delete a record and what depends on it (the caller has asked for confirmation)."""
    authz.require_write(session, entity)  # dependents are checked at flush (authz._guard_writes)
    deleted = Deleted(entity, record_id)
    ordered: list[tuple[str, list[Record]]] = []
    to_detach: list[tuple[str, str, Record]] = []

    def walk(ent: str, objs: list[Record]) -> None:
        ordered.append((ent, objs))
        for dep in SPECS[ent].dependents:
            model = MODELS[dep.entity]
            kids = list(session.scalars(select(model).where(getattr(model, dep.key).in_([o.id for o in objs]))))
            if kids and dep.detach:
                to_detach.extend((dep.entity, dep.key, kid) for kid in kids)
            elif kids:
                walk(dep.entity, kids)

    obj = session.get(MODELS[entity], record_id)
    if obj is None:
        raise RecordInvalid({None: "Cet enregistrement a déjà été supprimé."})
    walk(entity, [obj])
    for ent, objs in ordered:
        deleted.rows.extend((ent, row_dict(o)) for o in objs)
    for ent, key, kid in to_detach:  # after the snapshot: records deleted anyway come back as they were
        deleted.detached.append((ent, key, kid.id, getattr(kid, key)))
        setattr(kid, key, None)
    if to_detach:
        _flush(session)
    for ent, objs in reversed(ordered):
        for o in objs:
            session.delete(o)
        _flush(session)
    return deleted


def restore_deleted(session: Session, deleted: Deleted) -> None:
    """Undo a deletion: the same records, ids, UUIDs and timestamps."""
    for ent, values in deleted.rows:
        session.add(MODELS[ent](**values))
        session.flush()
    for ent, key, record_id, target in deleted.detached:  # attached again to what came back
        obj = session.get(MODELS[ent], record_id)
        if obj is not None and getattr(obj, key) is None:
            setattr(obj, key, target)
    if deleted.detached:
        session.flush()


def refuse_bulk_writes_when_read_only(state) -> None:
    message = state.session.info.get("read_only")
    if message and (state.is_insert or state.is_update or state.is_delete):
        raise ReadOnlyError(message)


def guard_rules_at_flush(session: Session, _flush_context, _instances) -> None:
    """Last line of defence: no ORM write, whatever its path, stores a value that breaks a value rule."""
    if session.info.get("read_only") and (session.new or session.dirty or session.deleted):
        raise ReadOnlyError(session.info["read_only"])
    dirty = session.dirty  # a property that walks the identity map: read once, not once per object
    for obj in [*session.new, *dirty]:
        entity = getattr(obj, "__tablename__", None)
        if entity not in ALL_SPECS or (obj in dirty and not session.is_modified(obj)):
            continue
        problems = record_problems(entity, row_dict(obj))
        rule = ALL_SPECS[entity].month_within
        if rule and not problems and getattr(obj, rule.within) is not None:
            with session.no_autoflush:  # the loaded parent, else a primary-key read
                parent = (getattr(obj, rule.within.removesuffix("_id"), None)
                          or session.get(MODELS[SPECS[entity].column(rule.within).ref], getattr(obj, rule.within)))
            if parent is not None:
                problems.update(_month_problem(rule.month, getattr(obj, rule.month), parent))
        if problems:
            raise RecordInvalid(problems)
