"""Excel exchange with the comité and other sites (DESIGN §4, docs/format-echange.md).

- `export_workbook`: the exchange workbook (Lisez-moi, one sheet per entity, Synthèse), anonymous by default.
- `plan_import` then `apply_import`: read and check everything, show the preview, write in one transaction.
- `write_releve`: the monthly hours statement of one company, which `plan_import` reads back.

Every long job takes a `services.progress.Progress` and honours cancel (nothing written when cancelled).
"""

from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.services.exchange.export import ExportOptions, ExportSummary, export_workbook
from erbm_desk.services.exchange.model import Conflict, ImportPlan, Problem
from erbm_desk.services.exchange.plan import plan_import
from erbm_desk.services.exchange.apply import ApplySummary, PlanOutdated, apply_import
from erbm_desk.services.exchange.releve import ReleveSummary, write_releve

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
