"""Deciding what to do with a row that matches a record: unchanged, taken from the file, kept as it is here, or a
conflict for the user (DESIGN §4, docs/format-echange.md § 6), and what applying it writes."""

from __future__ import annotations

from typing import Any

from erbm_desk.domain import rules
from erbm_desk.domain.entities import SPECS, Kind
from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.exchange.model import Conflict, NewBailleur, RowPlan, Status, ident
from erbm_desk.services.security import authz


_NOTHING: dict[str, Any] = {}
_PERSONAL = {name: {c.key for c in spec.columns if c.personal} for name, spec in SPECS.items()}
MASKED = "masqué"
_BOOL_KEYS = {name: tuple(c.key for c in spec.columns if c.kind is Kind.BOOL) for name, spec in SPECS.items()}


class Merging:
    """Mixed into the planner, which provides `db` (DbSnapshot), `plan`, `now`, `kinds`, `columns`, `anonymous`."""

    def birth_of(self, target: Any) -> Any:
        if isinstance(target, RowPlan):
            return target.final.get("birth_date")
        return self.db.rows("beneficiary")[target]["birth_date"]

    def differences(self, rp: RowPlan, record: dict[str, Any]) -> list[str]:
        """The columns of the row whose value differs from the record's (as an export would write it)."""
        kinds = self.kinds[rp.entity]
        theirs = self.effective_db(rp, record) if rp.entity in ("beneficiary", "contract") else record
        mine = self.file_effective(rp) if rp.entity == "contract" else rp.values
        out = []
        for key, value in mine.items():
            other = theirs.get(key)
            if value == other:
                continue
            if kinds.get(key) is Kind.REF:
                if value is not None and other is not None and ident(value) == ident(other):
                    continue
            elif fmt.canon(value) == fmt.canon(other):
                continue
            out.append(key)
        return out

    def effective_db(self, rp: RowPlan, record: dict[str, Any]) -> dict[str, Any]:
        """The database record as an export would write it (derived pseudonym, age band from the birth date)."""
        eff = dict(record)
        if rp.entity == "beneficiary" and "pseudonym" in rp.values:
            if not eff["pseudonym"] and rp.values["pseudonym"] == fmt.derived_pseudonym(eff["uuid"]):
                eff["pseudonym"] = rp.values["pseudonym"]
        if rp.entity == "contract" and "age_band" in rp.values:
            birth = self.birth_of(record["beneficiary_id"])
            if birth is not None:
                eff["age_band"] = rules.age_band(birth, record["start_date"])
        return eff

    def file_effective(self, rp: RowPlan) -> dict[str, Any]:
        values = dict(rp.values)
        if rp.entity == "contract" and "age_band" in values:
            birth = self.birth_of(rp.final["beneficiary_id"])
            if birth is not None:
                values["age_band"] = rules.age_band(birth, rp.final["start_date"])
        return values

    def fingerprint_of(self, rp: RowPlan) -> str:
        columns = self.columns[rp.entity]
        canon = fmt.canon
        pairs = []
        for key, value in rp.values.items():
            col = columns.get(key)
            if col is not None and col.kind is Kind.REF:
                pairs.append((key, self.ref_token(col.ref, value)))
            else:
                pairs.append((key, canon(value)))
        return fmt.fingerprint(pairs)

    def ref_token(self, entity: str, target: Any) -> str:
        """What the export wrote in the fingerprint for a reference: INSEE code, bailleur name or identifier."""
        if target is None:
            return ""
        if isinstance(target, RowPlan):
            return target.file_uuid or ""
        if isinstance(target, NewBailleur):
            return target.name
        if entity == "commune":
            return self.db.commune_rows[target][0]
        if entity == "bailleur":
            return self.db.bailleur_names[target]
        return self.db.rows(entity)[target]["uuid"]

    def classify(self, rp: RowPlan, sheet: str, fp: str | None, where: dict[str, str]) -> None:
        record = self.db.rows(rp.entity)[rp.db_id] if rp.db_id is not None else None
        differ = self.differences(rp, record) if record is not None else None
        if record is not None and not differ:
            rp.status = Status.UNCHANGED
            rp.final = record  # the same values: the record itself, not a copy (memory at 10× scale)
            rp.values = _NOTHING
            return
        if record is None:
            # A new record keeps the time the workbook gives it (no later than now), edited by hand or not:
            # nothing here to compare it with.
            rp.updated_at = min(rp.file_updated_at, self.now) if rp.file_updated_at else self.now
            rp.status = Status.NEW
            rp.store = self.store_values(rp)
            return
        rp.fp_ok = fp is not None and rp.file_updated_at is not None and fp == self.fingerprint_of(rp)
        stamp = rp.file_updated_at if rp.fp_ok else None
        rp.updated_at = min(stamp, self.now) if stamp else self.now
        base = self.plan.baseline
        if not rp.fp_ok:
            remote = True
        elif not base.known:
            remote = True
        else:
            remote = rp.file_updated_at > base.remote_since
        local_changed = record["updated_at"] > base.local_since if base.known else \
            not self.db.pristine(rp.entity, record)
        if remote and not local_changed:
            rp.status = Status.CHANGED
        elif local_changed and not remote:
            rp.status = Status.KEPT
        elif remote and local_changed:
            rp.status = Status.CONFLICT
            rp.conflict = self.conflict(rp, sheet, record, differ)
        else:  # neither side changed since the last exchange: an older workbook; the later time wins
            newer = rp.file_updated_at is not None and rp.file_updated_at > record["updated_at"]
            rp.status = Status.CHANGED if newer else Status.KEPT
        if rp.status in (Status.CHANGED, Status.CONFLICT):
            rp.store = self.store_values(rp, record)

    def store_values(self, rp: RowPlan, record: dict[str, Any] | None = None) -> dict[str, Any]:
        if record is None:
            store = rp.values  # the defaults of absent columns are added when writing (apply.DEFAULTS)
        else:
            store = dict(rp.values)
            if rp.entity == "beneficiary" and "pseudonym" in store and not record["pseudonym"] \
                    and store["pseudonym"] == fmt.derived_pseudonym(record["uuid"]):
                store["pseudonym"] = None  # derived for the export, not data of its own
        for key in _BOOL_KEYS[rp.entity]:
            if key in store and store[key] is None:
                store[key] = False
        if rp.entity == "contract" and "age_band" in store and self.birth_of(rp.final["beneficiary_id"]):
            store["age_band"] = None  # derived from the birth date, never stored next to it
        return store

    def conflict(self, rp: RowPlan, sheet: str, record: dict[str, Any], keys: list[str]) -> Conflict:
        spec = SPECS[rp.entity]
        eff = self.effective_db(rp, record)
        mine = self.file_effective(rp)
        # the base's side follows the lists' masking: a role that may not see identities is never shown them
        hidden = _PERSONAL.get(rp.entity, set()) if not authz.sees_identities(self.session) else set()
        diffs = []
        for key in keys:
            label = fmt.PSEUDONYM_LABEL if key == "pseudonym" else spec.column(key).label
            here = MASKED if key in hidden else self.show(rp.entity, key, eff.get(key))
            diffs.append((label, here, self.show(rp.entity, key, mine.get(key))))
        return Conflict(rp.entity, sheet, rp.row, rp.text or rp.uuid, diffs, record["updated_at"],
                        rp.file_updated_at, local_values={k: (None if k in hidden else v) for k, v in dict(record).items()})

    def show(self, entity: str, key: str, value: Any) -> str:
        if value is None:
            return ""
        if key == "pseudonym":
            return str(value)
        column = SPECS[entity].column(key)
        if column.kind is Kind.REF:
            if isinstance(value, RowPlan):
                return value.text
            if isinstance(value, NewBailleur):
                return value.name
            return self.db.text_of(column.ref, value, self.anonymous)
        return column.format(value)
