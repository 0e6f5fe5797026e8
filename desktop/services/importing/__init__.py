"""Bringing existing action plans in from XLSX and CSV files.

``reading`` turns a file into cells, ``headings`` suggests what each column holds, ``values`` reads statuses, dates
and leads as people write them, ``hierarchy`` rebuilds objectives → priorities → actions from numbering and section
rows, and ``plan_import`` puts these together: a preview in which every row's fate is shown, then one transaction.
"""

from desktop.services.importing.plan_import import (
    ColumnInfo,
    FateKind,
    ImportOptions,
    ImportPlan,
    ImportRejected,
    ImportResult,
    RowFate,
    StatusQuestion,
    apply_import,
    preview_import,
)

__all__ = [
    "ColumnInfo",
    "FateKind",
    "ImportOptions",
    "ImportPlan",
    "ImportRejected",
    "ImportResult",
    "RowFate",
    "StatusQuestion",
    "apply_import",
    "preview_import",
]
