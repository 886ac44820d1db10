"""The rules an imported row must obey that involve other records: hours inside their contract's period, a
contract's age band matching its beneficiary's birth date, a contract's new dates keeping its hours inside."""

from __future__ import annotations

from typing import Any

from erbm_desk.domain import rules
from erbm_desk.domain.entities import SPECS
from erbm_desk.domain.french import format_month
from erbm_desk.services.exchange.model import RowPlan, Status, ident


class CrossRecordChecks:
    """Mixed into the planner, which provides `db` (DbSnapshot), `plan`, `birth_of()` and `problem()`."""

    def contract_values(self, target: Any) -> dict[str, Any]:
        return target.final if isinstance(target, RowPlan) else self.db.rows("contract")[target]

    def check_month(self, rp: RowPlan, errors: dict) -> None:
        contract = self.contract_values(rp.final["contract_id"])
        if not contract:
            return  # the contract's own row has errors, reported there
        month, start, end = rp.final["month"], contract["start_date"], contract.get("end_date")
        if start is None or month is None:
            return  # a missing start date or month is reported on its own row (found by the fuzz run, seed 7)
        if start <= month and (end is None or month <= end):
            return  # the month's first day is inside the period: the month overlaps it
        try:
            rules.check_month_in_contract(month, start, end)
        except rules.RuleError as exc:
            errors[exc.field] = exc.message

    def check_age_band(self, rp: RowPlan, errors: dict) -> None:
        birth = self.birth_of(rp.final["beneficiary_id"])
        band = rp.values.get("age_band")
        start = rp.final["start_date"]
        if birth is not None and band is not None and start is not None and band != rules.age_band(birth, start):
            errors["age_band"] = ("La tranche d'âge ne correspond pas à la date de naissance du bénéficiaire au "
                                  "début du contrat.")

    def check_agreements(self, rp: RowPlan, errors: dict) -> None:
        """References that must agree (a contract's lot belongs to a marché of the contract's operation), whether
        the records they reach are rows of the workbook or records of the database."""
        spec = SPECS[rp.entity]
        for agreement in spec.agreements:
            target, expected = rp.final.get(agreement.key), rp.final.get(agreement.equals)
            entity = spec.column(agreement.key).ref
            for step in agreement.path.split("."):
                if target is None or expected is None:
                    break
                values = target.final if isinstance(target, RowPlan) else self.db.rows(entity).get(target)
                target, entity = (values or {}).get(step), SPECS[entity].column(step).ref
            else:
                if target is not None and ident(target) != ident(expected):
                    errors[agreement.key] = agreement.message

    def check_contract_periods(self) -> None:
        """A contract whose dates change keeps every month of hours the database holds inside its period."""
        sp = self.plan.sheets.get("contract")
        if sp is None:
            return
        changed = [rp for rp in sp.rows if rp.db_id is not None and rp.status in (Status.CHANGED, Status.CONFLICT)]
        if not changed:
            return
        months: dict[int, list] = {}
        for h in self.db.rows("hours_entry").values():
            months.setdefault(h["contract_id"], []).append(h["month"])
        for rp in changed:
            for month in sorted(months.get(rp.db_id, ())):
                try:
                    rules.check_month_in_contract(month, rp.final["start_date"], rp.final.get("end_date"))
                except rules.RuleError:
                    self.problem(sp.sheet, rp.row, "« Fin »", f"des heures sont saisies en {format_month(month)}, "
                                 "hors de la nouvelle période du contrat.", key="end_date")
                    rp.status = Status.ERROR
                    if rp.conflict:
                        rp.conflict = None
                    break
