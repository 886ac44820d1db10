"""Excel exchange with the comité and other sites (DESIGN §4, docs/format-echange.md).

- `export_workbook`: the exchange workbook (Lisez-moi, one sheet per entity, Synthèse), anonymous by default.
- `plan_import` then `apply_import`: read and check everything, show the preview, write in one transaction.
- `write_releve`: the monthly hours statement of one company, which `plan_import` reads back.

Every long job takes a `services.progress.Progress` and honours cancel (nothing written when cancelled).
"""

from erbm_desk.services.excel.errors import ExcelFileError
from erbm_desk.services.excel.export import ExportOptions, ExportSummary, export_workbook
from erbm_desk.services.excel.plan import Conflict, ImportPlan, Problem, plan_import
from erbm_desk.services.excel.apply import ApplySummary, PlanOutdated, apply_import
from erbm_desk.services.excel.releve import ReleveSummary, write_releve

__all__ = [
    "ApplySummary",
    "Conflict",
    "ExcelFileError",
    "ExportOptions",
    "ExportSummary",
    "ImportPlan",
    "PlanOutdated",
    "Problem",
    "ReleveSummary",
    "apply_import",
    "export_workbook",
    "plan_import",
    "write_releve",
]
