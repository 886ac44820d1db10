"""Resolving the reference cells of an imported row (a cité's commune, a contract's beneficiary…): by the text
naming the record, in the workbook first and then in the database, else by the hidden identifier column."""

from __future__ import annotations

from typing import Any

from erbm_desk.domain.entities import BAILLEUR, SPECS, Column
from erbm_desk.domain.text import fold
from erbm_desk.services.exchange.model import NewBailleur, RowPlan
from erbm_desk.services.exchange.snapshot import AMBIGUOUS, insee_in, siret_in
from erbm_desk.services.security import authz


class ReferenceResolving:
    """Mixed into the planner, which provides `db` (DbSnapshot), `plan`, `files`, `file_uuids`, `sirets`,
    `columns`, `resolved` ((None, {}) to begin with) and `problem()`."""

    mapped = False  # planning sheets mapped from another layout (plan_sheets), not a workbook's own cells

    def resolve_in_sheet(self, entity: str, key: str, text: str | None, ref_uuid: str | None) -> tuple:
        """`resolve` for a reference cell of a row of `entity`'s sheet, each distinct cell resolved once per
        sheet (the hours of a contract name it on every month): what it names is in an earlier sheet or the
        database, which do not change while this sheet is checked."""
        sheet, memo = self.resolved
        if sheet != entity:  # a new sheet: the previous one's cells are let go
            memo = {}
            self.resolved = (entity, memo)
        cell = (key, text, ref_uuid)
        found = memo.get(cell)
        if found is None:
            column = self.columns[entity][key]
            found = self.resolve(column, text, ref_uuid)
            if column.ref != entity:
                memo[cell] = found
        return found

    def resolve(self, column: Column, text: str | None, ref_uuid: str | None) -> tuple[Any, str | None]:
        """A reference by its text (workbook first, then database); by its identifier when the text names
        nothing (renamed since). The text wins over a stale identifier: it is what the user sees."""
        entity = column.ref
        if entity == "commune":
            return self._commune(column, text)
        if entity == "bailleur":
            return self._bailleur(text)
        if text:
            found = self._by_text(entity, text)
            if found is AMBIGUOUS:
                return None, f"« {text} » désigne plusieurs {SPECS[entity].plural.lower()} : précisez."
            if found is not None:
                return found, None
        if ref_uuid:
            found = self.file_uuids[entity].get(ref_uuid)
            if found is None:
                found = self.db.by_uuid(entity).get(ref_uuid)
            if found is not None:
                return found, None
        shown = text or ref_uuid
        return None, (f"« {column.label} » : « {shown} » est introuvable, ni dans le classeur ni dans la base. "
                      f"Ajoutez la ligne dans la feuille « {SPECS[entity].plural} ».")

    def linked_by_identifier(self, column: Column, target: Any, sheet: str, rownum: int) -> None:
        """A reference cell left empty while the row's hidden identifier names a record (a row added by hand, or
        a name erased): the row is attached by the identifier, and the preview says so, naming the record."""
        entity = column.ref
        if isinstance(target, RowPlan):
            name = target.texts[0] if target.texts else None
        else:
            # named by pseudonym to a role that may not see identities
            name = self.db.text_of(entity, target, self.anonymous or not authz.sees_identities(self.session))
        named = f"à « {name} »" if name else f"à un enregistrement de la feuille « {SPECS[entity].plural} »"
        self.problem(sheet, rownum, f"« {column.label} »", f"case vide : la ligne est rattachée {named} par sa "
                     "colonne d'identifiant (masquée).", notice=True)

    def _by_text(self, entity: str, text: str) -> Any:
        if entity == "company":
            siret = siret_in(text)
            if siret:
                found = self.sirets.get(siret)
                if found is None:
                    found = self.db.by_key("company").get((siret,))
                if found is not None:
                    return found
        found = self.files[entity].find(text)
        if found is None:
            found = self.db.texts(entity, self.anonymous).find(text)
        return found

    def _commune(self, column: Column, text: str | None) -> tuple[Any, str | None]:
        if not text:
            return None, None
        insee = insee_in(text)
        found = self.db.commune_ids.get(insee) if insee else None
        if found is None:
            found = self.db.communes.find(text)
        if found is None or found is AMBIGUOUS:
            return None, f"« {column.label} » : commune inconnue « {text} » (nom ou code INSEE d'une commune du " \
                         "territoire ERBM)."
        return found, None

    def _bailleur(self, text: str | None) -> tuple[Any, str | None]:
        if not text:
            return None, None
        name = " ".join(text.split())
        found = self.db.bailleurs.get(fold(name))
        if found is not None:
            return found, None
        problem = BAILLEUR.column("name").value_problem(name)  # a new bailleur obeys its column's rules
        if problem:
            return None, problem
        key = fold(name)
        if key not in self.plan.new_bailleurs:
            self.plan.new_bailleurs[key] = NewBailleur(name)
            self.problem(SPECS["cite"].plural, None, None,
                         f"bailleur « {name} » inconnu : il sera créé.", notice=True)
        return self.plan.new_bailleurs[key], None
