"""What the database already holds, loaded once per import for matching rows: records by identifier and by
natural key, texts naming them (as the workbooks write them), communes and bailleurs.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable

from sqlalchemy import func, null, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import MODELS, Bailleur, Commune, ExchangeImport
from erbm_desk.domain.text import fold
from erbm_desk.domain.entities import SPECS, WORKBOOK_ENTITIES, Kind
from erbm_desk.services.security import authz
from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.database.reference_data import seed_uuid

AMBIGUOUS = object()  # a text naming several records
_INSEE = re.compile(r"\(?\s*(\d[0-9AaBb]\d{3})\s*\)?\s*$")
_SIRET = re.compile(r"(\d[\d \u00a0]{12,20}\d)\s*\)?\s*$")


def siret_in(text: str) -> str | None:
    m = _SIRET.search(text)
    if m:
        digits = re.sub(r"\D", "", m.group(1))
        if len(digits) == 14:
            return digits
    return None


def insee_in(text: str) -> str | None:
    m = _INSEE.search(text)
    return m.group(1).upper() if m else None


_INSEE_WORD = re.compile(r"\(insee (\d[0-9ab]\d{3})\)")


@lru_cache(maxsize=1 << 16)
def folded(text: str) -> str:
    """`fold`, remembered: the same names come back thousands of times in a workbook. A commune written
    « Lens (INSEE 62498) » or, as workbooks did before, « Lens (62498) » is the same text."""
    return _INSEE_WORD.sub(r"(\1)", fold(text))


class TextIndex:
    """Records by the text that names them: exactly, then without case/accents, then by a looser alias (a bare
    name) when only one record has it. The folded indexes are built on the first miss only: a workbook we
    wrote always names its records exactly."""

    def __init__(self) -> None:
        self.exact: dict[str, Any] = {}
        self._pending: list[tuple[str, Any, tuple[str, ...]]] = []
        self._folded: dict[str, Any] | None = None
        self._loose: dict[str, Any] = {}

    @staticmethod
    def _put(index: dict, key: str, target: Any) -> None:
        old = index.get(key)
        if old is None:
            index[key] = target
        elif old is not target and old != target:
            index[key] = AMBIGUOUS

    def add(self, text: str, target: Any, *aliases: str) -> None:
        if text:
            self._put(self.exact, text, target)
        if self._folded is None:
            self._pending.append((text, target, aliases))
        else:
            self._fold_one(text, target, aliases)

    def _fold_one(self, text: str, target: Any, aliases: tuple[str, ...]) -> None:
        if text:
            self._put(self._folded, folded(text), target)
        for alias in aliases:
            if alias:
                self._put(self._loose, folded(alias), target)

    def find(self, text: str) -> Any:
        found = self.exact.get(text)
        if found is not None:
            return found
        if self._folded is None:
            self._folded = {}
            for pending in self._pending:
                self._fold_one(*pending)
            self._pending = []
        key = folded(text)
        found = self._folded.get(key)
        return found if found is not None else self._loose.get(key)


def natural_key(entity: str, v: dict[str, Any], ident: Callable[[Any], Any]) -> tuple | None:
    """The natural key of a record (DESIGN §2), texts compared without case nor accents, references by
    `ident`. None when a part is missing. A person without identity is known by the pseudonym."""
    if entity == "beneficiary":
        last, first, birth = v.get("last_name"), v.get("first_name"), v.get("birth_date")
        if last and first and birth:
            return (folded(last), folded(first), birth)
        pseudonym = v.get("pseudonym")
        return ("pseudonym", folded(pseudonym)) if pseudonym else None
    parts = []
    for key, mode in _KEY_MODES[entity]:
        value = v.get(key)
        if value is None:
            if key in _OPTIONAL_KEY_PARTS[entity]:  # left empty, a value of the key (an undated funding line)
                parts.append(None)
                continue
            return None
        parts.append(value if mode == 0 else ident(value) if mode == 1 else folded(value))
    return tuple(parts)


_KEY_KINDS = {name: tuple((k, spec.column(k).kind) for k in spec.natural_key) for name, spec in SPECS.items()}
_KEY_MODES = {name: tuple((k, 1 if kind is Kind.REF else 2 if kind is Kind.TEXT else 0) for k, kind in parts)
              for name, parts in _KEY_KINDS.items()}  # 0: as it is, 1: a reference (ident), 2: a text (folded)
_OPTIONAL_KEY_PARTS = {name: frozenset(k for k in spec.natural_key if not spec.column(k).required)
                       for name, spec in SPECS.items()}


_SHAREABLE = {date, datetime, Decimal}  # immutable values that repeat across records


class Record(tuple):
    """A database record as a tuple that reads like a mapping: `r["month"]`, `r.get(...)`, `dict(r)`."""

    __slots__ = ()
    _index: dict[str, int] = {}
    _keys: tuple[str, ...] = ()

    def __getitem__(self, key):
        if key.__class__ is str:
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        i = self._index.get(key)
        return default if i is None else tuple.__getitem__(self, i)

    def keys(self) -> tuple[str, ...]:
        return self._keys

    def __contains__(self, key) -> bool:
        return key in self._index


@lru_cache(maxsize=None)
def record_type(keys: tuple[str, ...]) -> type[Record]:
    return type("Record", (Record,), {"__slots__": (), "_index": {k: i for i, k in enumerate(keys)}, "_keys": keys})


def db_ident(record_id: int) -> tuple:
    return ("db", record_id)


class DbSnapshot:
    def __init__(self, session: Session):
        self.session = session
        self.commune_ids: dict[str, int] = {}
        self.commune_rows: dict[int, tuple[str, str]] = {}
        communes = TextIndex()
        for cid, insee, name in session.execute(select(Commune.id, Commune.insee_code, Commune.name)):
            self.commune_ids[insee] = cid
            self.commune_rows[cid] = (insee, name)
            communes.add(fmt.commune_text(name, insee), cid, name)
        self.communes = communes
        self.bailleur_names: dict[int, str] = {}
        self.bailleurs: dict[str, int] = {}
        for bid, name in session.execute(select(Bailleur.id, Bailleur.name)):
            self.bailleur_names[bid] = name
            self.bailleurs[fold(name)] = bid
        self._rows: dict[str, dict[int, dict[str, Any]]] = {}
        self._by_uuid: dict[str, dict[str, int]] = {}
        self._by_key: dict[str, dict[tuple, int]] = {}
        self._texts: dict[tuple[str, bool], TextIndex] = {}
        self._own_text: dict[tuple[str, bool], dict[int, str]] = {}

    # --- records -------------------------------------------------------------------------------------------

    def rows(self, entity: str) -> dict[int, "Record"]:
        """Every record of `entity` by id, as compact read-only rows (hundreds of thousands of hours at 10×
        scale: tuples, and the values that repeat — months, hours, times — shared)."""
        if entity not in self._rows:
            table = MODELS[entity].__table__
            keys = ["id", "uuid", "updated_at", "version", *SPECS[entity].keys]
            if entity == "beneficiary":
                keys.append("pseudonym")
            hidden = set() if authz.can_see_identity(self.session) else {"last_name", "first_name"}
            result = self.session.execute(select(*[null().label(k) if k in hidden else table.c[k] for k in keys]))
            make = record_type(tuple(keys))
            shared: dict[Any, Any] = {}
            rows = {}
            for r in result:
                values = [shared.setdefault((v.__class__, v), v) if v.__class__ in _SHAREABLE else v for v in r]
                if len(shared) > 200_000:
                    shared.clear()
                rows[r[0]] = make(values)
            self._rows[entity] = rows
        return self._rows[entity]

    def by_uuid(self, entity: str) -> dict[str, int]:
        if entity not in self._by_uuid:
            self._by_uuid[entity] = {r["uuid"]: rid for rid, r in self.rows(entity).items()}
        return self._by_uuid[entity]

    def by_key(self, entity: str) -> dict[tuple, int]:
        if entity not in self._by_key:
            index: dict[tuple, int] = {}
            for rid, r in self.rows(entity).items():
                key = natural_key(entity, r, db_ident)
                if key is not None:
                    index.setdefault(key, rid)
                if entity == "beneficiary":  # an identified person can also be found by pseudonym
                    pseudo = r["pseudonym"] or fmt.derived_pseudonym(r["uuid"])
                    index.setdefault(("pseudonym", folded(pseudo)), rid)
            self._by_key[entity] = index
        return self._by_key[entity]

    def pristine(self, entity: str, record: dict[str, Any]) -> bool:
        """A record of the reference data (seeds) never changed here: it has nothing to defend."""
        if entity != "cite" or record["version"] != 1:
            return False
        insee = self.commune_rows[record["commune_id"]][0]
        return record["uuid"] == seed_uuid("cite", insee, record["name"])

    # --- texts ---------------------------------------------------------------------------------------------

    def text_of(self, entity: str, record_id: int, anonymous: bool) -> str:
        if entity == "commune":
            insee, name = self.commune_rows[record_id]
            return fmt.commune_text(name, insee)
        if entity == "bailleur":
            return self.bailleur_names[record_id]
        cache = self._own_text.setdefault((entity, anonymous), {})
        text = cache.get(record_id)
        if text is None:
            text = cache[record_id] = self._make_text(entity, self.rows(entity)[record_id], anonymous)
        return text

    def _make_text(self, entity: str, r: dict[str, Any], anonymous: bool) -> str:
        if entity == "cite":
            return fmt.cite_text(r["name"], self.text_of("commune", r["commune_id"], anonymous))
        if entity == "operation":
            return fmt.operation_text(r["name"], self.text_of("cite", r["cite_id"], anonymous))
        if entity == "company":
            return fmt.company_text(r["name"], r["siret"])
        if entity == "marche":
            return fmt.marche_text(r["reference"], self.text_of("operation", r["operation_id"], anonymous))
        if entity == "lot":
            return fmt.lot_text(r["number"], self.text_of("marche", r["marche_id"], anonymous))
        if entity == "beneficiary":
            pseudonym = r["pseudonym"] or fmt.derived_pseudonym(r["uuid"])
            if anonymous:
                return pseudonym
            return fmt.beneficiary_text(r["last_name"], r["first_name"], r["birth_date"], pseudonym)
        company = self.rows("company")[r["company_id"]]
        return fmt.contract_text(self.text_of("beneficiary", r["beneficiary_id"], anonymous), company["siret"],
                                 self.text_of("operation", r["operation_id"], anonymous), r["start_date"])

    def texts(self, entity: str, anonymous: bool) -> TextIndex:
        """Every record of `entity` by its text (both spellings of a person: identity and pseudonym)."""
        key = (entity, anonymous)
        if key not in self._texts:
            index = TextIndex()
            for rid, r in self.rows(entity).items():
                loose = r.get("name") if entity in ("cite", "operation", "company") else None
                index.add(self.text_of(entity, rid, anonymous), rid, loose or "")
                if entity in ("beneficiary", "contract"):
                    index.add(self.text_of(entity, rid, not anonymous), rid)
            self._texts[key] = index
        return self._texts[key]


def database_token(session: Session) -> tuple:
    """A cheap summary of the database's state: it changes whenever a record is added, changed or deleted."""
    token = []
    for entity in WORKBOOK_ENTITIES + ("bailleur",):
        table = MODELS[entity].__table__
        token.append(tuple(session.execute(
            select(func.count(), func.max(table.c.id), func.max(table.c.updated_at), func.sum(table.c.version))
        ).one()))
    token.append(session.scalar(select(func.count()).select_from(ExchangeImport)))
    return tuple(token)
