"""Matching an imported row with a record (identifier, else natural key; duplicates in the sheet are errors) and
registering the texts that name it, for the reference cells of later rows."""

from __future__ import annotations

import uuid as uuidlib
from typing import Any

from erbm_desk.domain.entities import SPECS
from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.exchange.model import RowPlan, Status, ident
from erbm_desk.services.exchange.snapshot import natural_key


class RowMatching:
    """Mixed into the planner, which provides `db` (DbSnapshot), `anonymous`, `files`, `file_uuids`, `sirets`
    and `_maps` (the lookups of the sheet being checked)."""

    def match(self, rp: RowPlan, errors: dict) -> None:
        entity, values = rp.entity, rp.values
        if errors:
            # parse errors: still match by identifier so that rows referring to this one are not reported too
            rp.status = Status.ERROR
            rp.db_id = self.db.by_uuid(entity).get(rp.file_uuid) if rp.file_uuid else None
            if rp.file_uuid:
                self.file_uuids[entity].setdefault(rp.file_uuid, rp)
            return
        db_by_uuid, db_by_key, db_rows, file_uuids, file_keys = self._maps[entity]
        by_uuid = db_by_uuid.get(rp.file_uuid) if rp.file_uuid else None
        if by_uuid is not None:
            key_values = dict(db_rows[by_uuid])
            key_values.update(values)
        else:
            key_values = values
        key = natural_key(entity, key_values, ident)
        by_key = db_by_key.get(key) if key is not None else None
        if by_uuid is not None and by_key is not None and by_key != by_uuid:
            errors[SPECS[entity].natural_key[0]] = SPECS[entity].duplicate_message
        rp.db_id = by_uuid if by_uuid is not None else by_key
        if rp.file_uuid:
            twin = file_uuids.get(rp.file_uuid)
            if twin is not None:
                errors["uuid"] = f"identifiant en double dans la feuille (déjà ligne {twin.row})."
        if key is not None:
            twin = file_keys.get(key)
            if twin is not None:
                errors.setdefault(SPECS[entity].natural_key[0],
                                  f"doublon de la ligne {twin.row} ({SPECS[entity].duplicate_message.lower()})")
            else:
                file_keys[key] = rp
        if rp.db_id is not None:
            rp.uuid = db_rows[rp.db_id]["uuid"]
        else:
            rp.uuid = rp.file_uuid or str(uuidlib.uuid4())
        if errors:
            rp.status = Status.ERROR

    def register(self, rp: RowPlan, errors: dict) -> None:
        entity = rp.entity
        if rp.file_uuid:
            self.file_uuids[entity].setdefault(rp.file_uuid, rp)
        loose = rp.final.get("name") if entity in ("cite", "operation", "company") else None
        for i, text in enumerate(rp.texts):
            self.files[entity].add(text, rp, *([loose] if loose and i == 0 else []))
        if entity == "company" and rp.final.get("siret"):
            self.sirets.setdefault(rp.final["siret"], rp)

    def texts_of(self, rp: RowPlan) -> tuple[str, ...]:
        """The texts that name this row's record in reference columns (both spellings of a person)."""
        v, entity = rp.final, rp.entity
        if entity in ("hours_entry", "funding"):
            return ()  # never referred to
        try:
            if entity == "cite":
                return (fmt.cite_text(v["name"], self.db.text_of("commune", v["commune_id"], False)),)
            if entity == "operation":
                return tuple(fmt.operation_text(v["name"], t) for t in self._texts("cite", v["cite_id"]))
            if entity == "company":
                return (fmt.company_text(v["name"], v["siret"]),)
            if entity == "marche":
                return tuple(fmt.marche_text(v["reference"], t) for t in self._texts("operation", v["operation_id"]))
            if entity == "lot":
                return tuple(fmt.lot_text(v["number"], t) for t in self._texts("marche", v["marche_id"]))
            if entity == "beneficiary":  # first the spelling this workbook uses, then the other ones
                names = fmt.beneficiary_text(v.get("last_name"), v.get("first_name"), v.get("birth_date"), None)
                pseudo = v.get("pseudonym") or fmt.derived_pseudonym(rp.uuid)
                primary = pseudo if self.anonymous else (names or pseudo)
                out = [t for t in (primary, names, pseudo, v.get("pseudonym")) if t]
                if rp.file_uuid:
                    out.append(fmt.derived_pseudonym(rp.file_uuid))
                return tuple(dict.fromkeys(out))
            if entity == "contract":  # as this workbook names it (the database knows the other spellings)
                return (fmt.contract_text(self._texts("beneficiary", v["beneficiary_id"])[0],
                                          self._siret(v["company_id"]),
                                          self._texts("operation", v["operation_id"])[0], v["start_date"]),)
        except (KeyError, TypeError, IndexError):  # a reference left unread, or to a row with no text (in error)
            return ()
        return ()

    def _texts(self, entity: str, target: Any) -> tuple[str, ...]:
        if isinstance(target, RowPlan):
            return target.texts
        return (self.db.text_of(entity, target, self.anonymous),)

    def _siret(self, target: Any) -> str:
        if isinstance(target, RowPlan):
            return target.final["siret"]
        return self.db.rows("company")[target]["siret"]
