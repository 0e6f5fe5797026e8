"""Export › Plan as spreadsheet…: the plan as a formatted XLSX workbook or a plain CSV file (``export_plan``).

The file goes through the disclosure check before it is written; if the check stops it, its message (what was
found where) is shown in full and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QWidget,
)

from desktop.services.errors import PathwaysError
from desktop.ui import export_controller
from desktop.ui.dialog_base import TaskDialog, default_folder, open_closing, safe_file_name, with_suffix
from desktop.ui.dialog_service import DialogService
from desktop.ui.export_controller import Format
from desktop.ui.workspace import Workspace

FORMATS: tuple[tuple[Format, str, str, str], ...] = (
    ("xlsx", "Excel workbook (.xlsx)", "Formatted: headings, RAG colours, wrapped text and frozen panes.",
     "Excel workbooks (*.xlsx);;All files (*)"),
    ("csv", "CSV text (.csv)", "Plain text, one row per action: for other systems and any spreadsheet program.",
     "CSV files (*.csv);;All files (*)"),
)


class SpreadsheetExportDialog(TaskDialog):
    """Signals:
        exported(object): the file was written: its Path.
    """

    exported = Signal(object)

    def __init__(self, workspace: Workspace, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace, dialogs, parent, name="spreadsheet_export_dialog", title="Export plan as a spreadsheet",
            heading="Plan as a spreadsheet",
            intro="Every action with its objective, priority, leads, dates and latest update. The columns use "
                  "headings Pathways can import again. The file is checked for personal data before it is saved.",
            primary="&Export",
        )
        self.path: Path | None = None
        self._auto_path = ""

        self.plan = self.add_plan_row(40)

        self.formats = self.add_choices("format", "&Format", [(k, label, about) for k, label, about, _ in FORMATS],
                                        "xlsx")

        self.add_output_row("Choose where to save the file")

        self.plan.currentIndexChanged.connect(lambda _: self._suggest_path())
        self.formats.group.buttonToggled.connect(lambda *_: self._suggest_path())
        self.choose_button.clicked.connect(self._choose_output)
        self.open_folder_button.clicked.connect(self._open_folder)
        assert self.primary is not None
        self.primary.clicked.connect(self.export)
        self._suggest_path()
        self.update_state()
        self.resize(720, 440)

    def format(self) -> Format:
        return cast(Format, self.formats.chosen())

    def set_format(self, key: Format) -> None:
        self.formats.choose(key)

    def _suffix(self) -> str:
        return f".{self.format()}"

    def _short_name(self) -> str:
        """The partnership's short name ("SDP") for the suggested file name; the plan title if it has none."""
        plan_id = self.plan.currentData()
        if plan_id is None:
            return ""
        try:
            return export_controller.short_name(self.workspace, int(plan_id))
        except PathwaysError:
            return ""

    def _suggest_path(self) -> None:
        short = self._short_name()
        if not short:
            return
        suffix = self._suffix()
        current = self.output.text().strip()
        if current and current != self._auto_path:
            typed = Path(current)
            if typed.suffix.lower() in (".xlsx", ".csv") and typed.suffix.lower() != suffix:
                self.output.setText(str(typed.with_suffix(suffix)))  # keep their name, follow the format
            return
        folder = Path(current).parent if current else default_folder()
        self._auto_path = str(folder / (safe_file_name(f"{short} delivery plan {dt.date.today():%Y-%m-%d}") + suffix))
        self.output.setText(self._auto_path)

    def _choose_output(self) -> None:
        current = self.output_path()
        folder = current.parent if current else default_folder()
        name_filter = next(f for key, _, _, f in FORMATS if key == self.format())

        def chosen(path: Path) -> None:
            self.output.setText(str(with_suffix(path, self._suffix())))
            self.confirmed_path = self.output.text()
            self.errors["output"].clear_message()

        self.dialogs.choose_save_file(self, "Save the plan as a spreadsheet", chosen, directory=folder,
                                      name_filter=name_filter, default_suffix=self.format())

    def output_path(self) -> Path | None:
        text = self.output.text().strip()
        return with_suffix(Path(text).expanduser(), self._suffix()) if text else None

    def update_state(self) -> None:
        if self.primary is not None:
            self.primary.setEnabled(not self.running and self.plan.count() > 0)

    def export(self) -> None:
        self.clear_errors()
        self.open_folder_button.hide()
        plan_id = self.plan.currentData()
        if plan_id is None:
            self.show_error("plan", "Choose a plan.")
            return
        out = self.checked_output("Choose where to save the file.")
        if out is not None:
            self.confirm_replace(out, lambda: self._export(int(plan_id), out))

    def _export(self, plan_id: int, out: Path) -> None:
        work = partial(export_controller.export_spreadsheet, plan_id=plan_id, fmt=self.format(), out=out)
        self.run_on_store(work, self._exported, title="Exporting the plan…", cancellable=False,
                          what="The plan was not exported")

    def _exported(self, path: Path) -> None:
        self.path = path
        size = path.stat().st_size if path.exists() else 0
        self.notice.show_notice("ok", f"Saved {path.name}", f"{size / 1024:,.0f} KB, in {path.parent}")
        self.open_folder_button.show()
        self.open_folder_button.setFocus()
        self.exported.emit(path)

    def _open_folder(self) -> None:
        if self.path is not None:
            self.files.open_folder(self, self.path.parent)


def open_spreadsheet_export(workspace: Workspace, dialogs: DialogService, parent: QWidget | None = None
                            ) -> SpreadsheetExportDialog | None:
    """Export › Plan as spreadsheet…"""
    if not workspace.is_open or not workspace.plans:
        dialogs.inform(parent, "Plan as spreadsheet", "Open a store with a plan first.")
        return None
    return open_closing(SpreadsheetExportDialog(workspace, dialogs, parent))
