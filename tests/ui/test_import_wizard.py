"""The import wizard: file → mapping → statuses → preview → import, through the import services only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_fakes import FakeDialogs

from desktop.models import Action, Objective, Plan, Priority
from desktop.services.importing.headings import Field
from desktop.services.importing.hierarchy import FateKind, RowFate
from desktop.services.importing.plan_import import ColumnInfo, StatusQuestion
from desktop.settings import Settings
from desktop.ui.import_wizard import ChoiceRole, FatesModel, ImportWizard, MappingModel, StatusModel
from desktop.ui.tasks import TaskRunner
from desktop.ui.workspace import Workspace


@pytest.fixture
def workspace(qtbot: QtBot, settings: Settings, demo_store_path: Path, passphrase: str) -> Iterator[Workspace]:
    ws = Workspace(settings, TaskRunner(inline=True))
    ws.open_store(demo_store_path, passphrase)
    assert ws.is_open
    yield ws
    if ws.store is not None:
        ws.store.close()


def _plan_file(tmp_path: Path) -> Path:
    rows = [
        ["Objective 1: Improving pathways out of re-offending"],
        ["Priority", "Key Action", "Owner", "Notes", "Current Status of Action"],
        ["1.1 Improve housing", "Create a Housing Liaison post\nDevelop supported housing", "Chair", "x", "Yellowish"],
        ["1.2 Employment", "Change for Change", "Chair / Vice Chair", "", "On track"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "plan.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_models_behave(qtbot: QtBot) -> None:
    mapping = MappingModel()
    QAbstractItemModelTester(mapping)
    mapping.set_columns([ColumnInfo("owner", "Owner", "C", Field.LEAD, 1.0, Field.LEAD),
                         ColumnInfo("column d", "", "D", Field.IGNORE, 0.0, Field.IGNORE)])
    assert mapping.rowCount() == 2 and mapping.index(1, 1).data() == "(no heading)"
    changed: list[tuple[str, object]] = []
    mapping.mapping_changed.connect(lambda k, f: changed.append((k, f)))
    cell = mapping.index(1, MappingModel.COL_FIELD)
    assert ("progress", "Progress / commentary") in cell.data(ChoiceRole)
    assert mapping.setData(cell, "progress") and changed == [("column d", Field.PROGRESS)]
    assert not mapping.setData(cell, "nonsense")
    assert "(changed)" in cell.data()

    statuses = StatusModel()
    QAbstractItemModelTester(statuses)
    statuses.set_questions([StatusQuestion("yellowish", "Yellowish", 2, "row 3", "Status")],
                           [("rag:amber", "RAG: Amber (A)"), ("blank", "Leave blank")], {})
    assert not statuses.complete
    assert statuses.setData(statuses.index(0, StatusModel.COL_CHOICE), "rag:amber")
    assert statuses.complete and statuses.index(0, StatusModel.COL_CHOICE).data() == "RAG: Amber (A)"

    fates = FatesModel()
    QAbstractItemModelTester(fates)
    fates.set_fates([RowFate("", 3, FateKind.ACTION, "new action 1.1a", "Create…", ["a note"])])
    assert fates.index(0, FatesModel.COL_KIND).data() == "Action"
    assert fates.index(0, FatesModel.COL_NOTES).data(Qt.ItemDataRole.ToolTipRole) == "a note"
    assert fates.rowCount(QModelIndex()) == 1


def test_wizard_imports_a_plan_after_mapping(qtbot: QtBot, workspace: Workspace, tmp_path: Path,
                                             passphrase: str) -> None:
    dialogs = FakeDialogs()
    dialogs.open_path = _plan_file(tmp_path)
    wizard = ImportWizard(workspace, dialogs)
    qtbot.addWidget(wizard)
    wizard.show()
    imported: list[object] = []
    wizard.imported.connect(imported.append)

    assert not wizard.file_page.isComplete()
    qtbot.mouseClick(wizard.file_page.browse, Qt.MouseButton.LeftButton)
    assert wizard.preview is not None and wizard.file_page.isComplete()
    assert "rows in 1 sheet" in wizard.file_page.summary.text()

    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_MAPPING
    model = wizard.mapping_page.model
    headings = [model.index(r, MappingModel.COL_HEADING).data() for r in range(model.rowCount())]
    notes_row = headings.index("Notes")
    assert model.index(headings.index("Owner"), MappingModel.COL_FIELD).data(Qt.ItemDataRole.EditRole) == "lead"
    model.setData(model.index(notes_row, MappingModel.COL_FIELD), Field.IGNORE.value)
    assert wizard.columns == {"notes": Field.IGNORE}

    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_STATUSES
    statuses = wizard.status_page.model
    assert statuses.rowCount() == 1 and statuses.index(0, 0).data() == "Yellowish"
    assert not wizard.status_page.isComplete()
    statuses.setData(statuses.index(0, StatusModel.COL_CHOICE), "rag:amber")
    assert wizard.status_page.isComplete() and wizard.preview is not None and wizard.preview.ready

    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_PREVIEW
    fates = wizard.preview_page.model
    assert fates.rowCount() == 4
    assert "2 new actions (1.1a, 1.1b)" in fates.index(2, FatesModel.COL_DETAIL).data()
    assert "3 actions" in wizard.preview_page.summary.text()

    with qtbot.waitSignal(wizard.finished, timeout=5000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert imported and wizard.import_result is not None
    assert ("inform", "Plan imported", f"Imported 3 actions into \u201c{wizard.import_result.plan_title}\u201d.") \
        in dialogs.shown
    with workspace.session() as session:
        plan = session.get(Plan, wizard.import_result.plan_id)
        assert plan is not None
        codes = session.scalars(select(Action.code).join(Priority).join(Objective)
                                .where(Objective.plan_id == plan.id)).all()
        assert sorted(codes) == ["1.1a", "1.1b", "1.2a"]


def test_a_bad_file_shows_one_sentence_and_stays_on_the_first_page(qtbot: QtBot, workspace: Workspace,
                                                                    tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("Name,Team\nSomeone,Housing\n", encoding="utf-8")
    dialogs = FakeDialogs()
    dialogs.open_path = bad
    wizard = ImportWizard(workspace, dialogs)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.mouseClick(wizard.file_page.browse, Qt.MouseButton.LeftButton)
    assert wizard.preview is None and not wizard.file_page.isComplete()
    assert wizard.file_page.error.text().startswith("No column of actions was recognised")
    assert "Someone" not in wizard.file_page.error.text()


def test_the_preview_names_what_was_inferred_and_the_statuses_go_to_the_quarter_asked(
        qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.styles import PatternFill

    from desktop.models import ActionUpdate, ReportingPeriod

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["Ref", "What are we going to do?", "Who will lead?", "RAG", "Where are we now?"],
                ["PATHWAY: Accommodation"],
                ["K1", "Hold a weekly housing surgery\nProgress: venue agreed", "Housing Lead", None, "Running"],
                ["K2", "Publish a landlord guide", "Housing Lead", None, "Printed"]):
        ws.append(row)
    ws.merge_cells("A2:E2")
    for ref in ("D3", "D4"):
        ws[ref].fill = PatternFill("solid", fgColor="FF00B050")
    path = tmp_path / "tracker.xlsx"
    wb.save(path)
    dialogs = FakeDialogs()
    dialogs.open_path = path
    wizard = ImportWizard(workspace, dialogs)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.mouseClick(wizard.file_page.browse, Qt.MouseButton.LeftButton)
    assert wizard.preview is not None and wizard.preview.counts["updates"] == 0  # no quarter chosen yet
    wizard.file_page.quarter.setText("2025/26 Q2")
    wizard.file_page.quarter.editingFinished.emit()
    assert wizard.preview is not None and wizard.preview.counts["updates"] == 2
    wizard.next()
    wizard.next()
    assert wizard.currentId() == ImportWizard.PAGE_PREVIEW
    summary = wizard.preview_page.summary.text()
    assert "2 updates in 2025/26 Q2" in summary
    assert "Inferred: Colour \u2192 RAG: 2 actions" in summary
    assert "Inferred: Section row \u2192 objective: 1 row" in summary
    assert "Inferred: Note lines \u2192 progress: 1 line under 1 action" in summary
    wizard.resize(1100, 700)
    wizard.grab().save(str(tmp_path / "preview.png"))
    with qtbot.waitSignal(wizard.finished, timeout=5000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.import_result is not None and wizard.import_result.updates == 2
    with workspace.session() as session:
        periods = session.scalars(select(ReportingPeriod).where(
            ReportingPeriod.plan_id == wizard.import_result.plan_id)).all()
        assert [p.label for p in periods] == ["2025/26 Q2"]
        rags = session.scalars(select(ActionUpdate.rag).where(ActionUpdate.period_id == periods[0].id)).all()
        assert rags == ["green", "green"]
