"""The feature dialogs on the demonstration store: export a signed update, verify it (and a tampered copy),
export the plan as a spreadsheet, and lead-officer returns (make forms, read them back, accept, who has returned).

The main window runs its tasks on the real worker thread here; file dialogs are answered by a fake.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot
from ui_fakes import FakeDialogs

from desktop.reports.publish import PublishResult
from desktop.reports.signing import VerificationReport
from desktop.services.returns import COL_COMMENTARY, COL_RAG, HEADER_ROW, AcceptResult, IssuedForms
from desktop.ui.dialog_base import TaskDialog
from desktop.ui.export_update_dialog import UNSIGNED, ExportUpdateDialog, update_file_name
from desktop.ui.main_window import MainWindow
from desktop.ui.returns_dialog import COL_ACTION, TAB_STATUS, ReturnsDialog
from desktop.ui.spreadsheet_export import SpreadsheetExportDialog
from desktop.ui.tasks import TaskState
from desktop.ui.verify_dialog import INTACT_AND_TRUSTED, MODIFIED, NOT_SIGNED, NOT_TRUSTED, VerifyDialog

TIMEOUT = 60_000


class Dialogs(FakeDialogs):
    """The shared fake, plus the folder / several-files / open-folder calls the feature dialogs make."""

    def __init__(self) -> None:
        super().__init__()
        self.folder_path: Path | None = None
        self.open_paths: list[Path] = []
        self.opened_folders: list[Path] = []

    def choose_folder(self, parent: Any, title: str, on_chosen: Callable[[Path], None], **_: Any) -> None:
        if self.folder_path is not None:
            on_chosen(self.folder_path)

    def choose_open_files(self, parent: Any, title: str, on_chosen: Callable[[list[Path]], None], **_: Any) -> None:
        if self.open_paths:
            on_chosen(list(self.open_paths))

    def open_folder(self, parent: Any, folder: Path) -> None:
        self.opened_folders.append(folder)


@pytest.fixture
def dialogs() -> Dialogs:
    return Dialogs()


@pytest.fixture
def live(threaded_window: MainWindow, demo_store_path: Path, passphrase: str, qtbot: QtBot) -> MainWindow:
    """The demo store unlocked in a main window whose tasks run on the real worker thread."""
    w = threaded_window
    w.start(demo_store_path)
    w.show()
    with qtbot.waitSignal(w.workspace.opened, timeout=TIMEOUT):
        w.workspace.open_store(demo_store_path, passphrase)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=TIMEOUT)
    return w


def _open(window: MainWindow, key: str, kind: type[Any]) -> Any:
    window.commands[f"feature_{key}"].trigger()
    dialog = window.findChild(kind)
    assert dialog is not None and dialog.isVisible()
    return dialog


def _export(qtbot: QtBot, dialog: ExportUpdateDialog) -> PublishResult:
    assert dialog.primary is not None
    with qtbot.waitSignal(dialog.published, timeout=TIMEOUT) as blocker:
        dialog.primary.click()
    result = blocker.args[0]
    assert isinstance(result, PublishResult)
    return result


def _verify(qtbot: QtBot, dialog: VerifyDialog, path: Path) -> VerificationReport:
    with qtbot.waitSignal(dialog.verified, timeout=TIMEOUT) as blocker:
        dialog.set_pdf(path)
    report = blocker.args[0]
    assert isinstance(report, VerificationReport)
    return report


# ---------------------------------------------------------------------------------------------- update and verify


def test_export_update_then_verify_it_and_a_tampered_copy(
    qtbot: QtBot, live: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    dialog = _open(live, "export_update", ExportUpdateDialog)
    assert dialog.plan.currentData() == live.workspace.plan_id
    labels = [dialog.period.itemText(n) for n in range(dialog.period.count())]
    assert labels == ["2015/16 Q3", "2015/16 Q2", "2015/16 Q1"]  # closed quarters only, latest first
    assert dialog.profile() == "public" and dialog.marking.currentText() == "OFFICIAL"
    assert dialog.signer.currentData() not in (None, UNSIGNED)
    assert dialog.signer.itemData(dialog.signer.count() - 1) == UNSIGNED
    assert Path(dialog.output.text()).name == "SDP delivery plan update 2015-16 Q3.pdf"
    assert update_file_name("SDP", "2015/16 Q3") == "SDP delivery plan update 2015-16 Q3.pdf"

    dialogs.save_path = tmp_path / "update.pdf"
    dialog.choose_button.click()
    assert dialog.output.text() == str(tmp_path / "update.pdf")
    dialog.set_profile("partner")
    dialog.key_messages.setPlainText("Housing referrals are up a third.\n\n  Two actions need a remedial plan.  ")
    assert dialog.key_message_lines() == ("Housing referrals are up a third.", "Two actions need a remedial plan.")
    result = _export(qtbot, dialog)
    assert result.path == tmp_path / "update.pdf" and result.path.is_file()
    assert result.pages > 5 and result.signed_by and result.profile == "partner"
    shown = dialog.notice.message()
    assert f"{result.pages} pages" in shown and result.signed_by in shown and "Partner profile" in shown
    assert dialog.open_folder_button.isVisible()
    dialog.open_folder_button.click()
    assert dialogs.opened_folders == [tmp_path]
    dialog.close()

    verify = _open(live, "verify_pdf", VerifyDialog)
    assert "Safe Durham Partnership" in verify.roots_label.text()
    report = _verify(qtbot, verify, result.path)
    assert report.ok
    assert verify.verdict.title.text() == INTACT_AND_TRUSTED and verify.verdict.verdict is not None
    assert verify.verdict.verdict.tone == "ok" and verify.verdict.icon.pixmap() is not None
    assert verify.detail_values["trusted"].text() == "yes"
    assert verify.detail_values["changed"].text() == "no"
    assert "INTACT:TRUSTED" in verify.detail_values["pyhanko"].text()
    assert "Durham" in verify.detail_values["signer"].text()
    verify.copy_report()
    assert QGuiApplication.clipboard().text().startswith(INTACT_AND_TRUSTED)

    data = bytearray(result.path.read_bytes())
    data[len(data) // 3] ^= 0x01  # one bit, inside the signed bytes
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    report = _verify(qtbot, verify, tampered)
    assert not report.ok and verify.verdict.title.text() == MODIFIED
    assert verify.verdict.verdict is not None and verify.verdict.verdict.tone == "error"

    # The other partnership's root, exported as a trust bundle, does not vouch for this signer.
    dialogs.folder_path = tmp_path / "bundle"
    verify.partnership.setCurrentIndex(verify.partnership.findText("Safer Hartlepool Partnership"))
    verify.bundle_button.click()
    written = sorted(p.name for p in (tmp_path / "bundle").iterdir())
    assert "shp-signing-root.pem" in written and "shp-signing-root.cer" in written and len(written) == 4
    assert "SHA-256 fingerprint" in verify.notice.message()
    verify.pdf.setText(str(result.path))
    with qtbot.waitSignal(verify.verified, timeout=TIMEOUT):
        dialogs.open_path = tmp_path / "bundle" / "shp-signing-root.pem"
        verify.choose_root_button.click()  # a report is shown, so choosing a root checks again
    assert verify.verdict.title.text() == NOT_TRUSTED
    assert "does not come from the trusted root" in verify.verdict.explanation.text()
    with qtbot.waitSignal(verify.verified, timeout=TIMEOUT):
        verify.store_roots_button.click()
    assert verify.verdict.title.text() == INTACT_AND_TRUSTED


def test_unsigned_update_says_it_cannot_be_verified(
    qtbot: QtBot, live: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    dialog = _open(live, "export_update", ExportUpdateDialog)
    dialog.signer.setCurrentIndex(dialog.signer.findData(UNSIGNED))
    assert "cannot be verified" in dialog.signer_note.text()
    dialogs.save_path = tmp_path / "unsigned"
    dialog.choose_button.click()
    assert dialog.output.text().endswith("unsigned.pdf")
    result = _export(qtbot, dialog)
    assert result.signed_by is None and "cannot be verified" in dialog.notice.message()
    dialog.close()
    verify = _open(live, "verify_pdf", VerifyDialog)
    _verify(qtbot, verify, result.path)
    assert verify.verdict.title.text() == NOT_SIGNED


def test_disclosure_check_message_is_shown_in_full_and_nothing_written(
    qtbot: QtBot, live: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    dialog = _open(live, "export_update", ExportUpdateDialog)
    dialogs.save_path = tmp_path / "blocked.pdf"
    dialog.choose_button.click()
    dialog.key_messages.setPlainText("Offender 12/345678A was recalled in December.")
    assert dialog.primary is not None
    dialog.primary.click()
    qtbot.waitUntil(lambda: not dialog.running and dialog.notice.isVisible(), timeout=TIMEOUT)
    message = dialog.notice.message()
    assert dialog.notice.tone == "error" and "disclosure check" in message
    assert "PNC" in message and "Nothing was written" in message
    assert "12/345678A" not in message  # the message says what was found where, never the identifier
    assert not (tmp_path / "blocked.pdf").exists()
    assert dialog.inputs.isEnabled() and dialog.primary.isEnabled()


def test_stop_while_exporting_writes_nothing(qtbot: QtBot, live: MainWindow, dialogs: Dialogs, tmp_path: Path) -> None:
    dialog = _open(live, "export_update", ExportUpdateDialog)
    dialogs.save_path = tmp_path / "stopped.pdf"
    dialog.choose_button.click()
    assert dialog.primary is not None
    dialog.primary.click()
    assert dialog.running and not dialog.inputs.isEnabled() and dialog.cancel_button.isVisible()
    dialog.cancel_button.click()  # the work checks between steps, long before it writes
    qtbot.waitUntil(lambda: not dialog.running, timeout=TIMEOUT)
    assert dialog.notice.title.text() == "Stopped" and "nothing was written" in dialog.notice.message()
    assert not (tmp_path / "stopped.pdf").exists()


def test_closing_while_running_stops_first_then_closes(
    qtbot: QtBot, live: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    dialog = _open(live, "export_update", ExportUpdateDialog)
    dialogs.save_path = tmp_path / "closed.pdf"
    dialog.choose_button.click()
    assert dialog.primary is not None
    dialog.primary.click()
    dialog.reject()
    assert dialog.isVisible()  # still there until the work has stopped
    qtbot.waitUntil(lambda: not live.runner.busy, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: live.findChild(ExportUpdateDialog) is None or not dialog.isVisible(), timeout=TIMEOUT)
    assert not (tmp_path / "closed.pdf").exists()


def test_work_that_finished_before_stop_is_reported_as_done(qtbot: QtBot, live: MainWindow, dialogs: Dialogs) -> None:
    dialog = TaskDialog(live.workspace, dialogs, live, name="task", title="Task", heading="Task")  # type: ignore[arg-type]
    done: list[str] = []

    def work(state: TaskState) -> str:
        state.cancel()  # Stop pressed just after the work finished
        return "written"

    dialog.run_task(work, done.append, title="Working…")
    qtbot.waitUntil(lambda: not dialog.running, timeout=TIMEOUT)
    assert done == ["written"] and not dialog.notice.isVisible()


def test_typed_path_to_an_existing_file_asks_before_replacing(
    qtbot: QtBot, live: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    existing = tmp_path / "existing.pdf"
    existing.write_bytes(b"keep me")
    dialog = _open(live, "export_update", ExportUpdateDialog)
    dialog.output.setText(str(existing))
    dialogs.confirm_answer = False
    assert dialog.primary is not None
    dialog.primary.click()
    assert dialogs.shown[-1][:2] == ("confirm", "Replace the file?") and not dialog.running
    assert existing.read_bytes() == b"keep me"


def test_no_closed_quarter_is_explained(qtbot: QtBot, live: MainWindow, dialogs: Dialogs) -> None:
    from desktop.models import Partnership
    from desktop.services import plans

    with live.workspace.session() as session:
        partnership = session.get(Partnership, 1)
        assert partnership is not None
        plans.add_plan(session, live.workspace.actor, partnership, "A plan with no quarters")
    live.workspace.refresh_plans()
    dialog = _open(live, "export_update", ExportUpdateDialog)
    dialog.plan.setCurrentIndex(dialog.plan.findText("A plan with no quarters"))
    assert dialog.period.count() == 0 and not dialog.period.isEnabled()
    assert "no closed quarter" in dialog.period_note.text()
    assert dialog.primary is not None and not dialog.primary.isEnabled()


def test_verify_works_without_a_store(qtbot: QtBot, window: MainWindow, dialogs: Dialogs, tmp_path: Path) -> None:
    window.start()
    window.show()
    assert window.commands["feature_verify_pdf"].isEnabled()
    assert not window.commands["feature_export_update"].isEnabled()
    verify = _open(window, "verify_pdf", VerifyDialog)
    assert "No root is trusted" in verify.roots_label.text() and not verify.bundle_button.isVisible()
    plain = tmp_path / "plain.pdf"
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(plain))
    canvas.drawString(100, 700, "Not signed")
    canvas.save()
    _verify(qtbot, verify, plain)
    assert verify.verdict.title.text() == NOT_SIGNED
    assert verify.detail_values["trusted"].text() == "–"
    verify.set_pdf(tmp_path / "missing.pdf")
    assert "There is no file" in verify.errors["pdf"].text()


# ---------------------------------------------------------------------------------------------- spreadsheet


def test_spreadsheet_export(qtbot: QtBot, live: MainWindow, dialogs: Dialogs, tmp_path: Path) -> None:
    dialog = _open(live, "export_spreadsheet", SpreadsheetExportDialog)
    assert dialog.format() == "xlsx" and dialog.output.text().endswith(".xlsx")
    assert Path(dialog.output.text()).name.startswith("SDP delivery plan ")
    dialog.set_format("csv")
    assert dialog.output.text().endswith(".csv")
    dialogs.save_path = tmp_path / "plan.csv"
    dialog.choose_button.click()
    assert dialog.primary is not None
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT) as blocker:
        dialog.primary.click()
    assert blocker.args[0] == tmp_path / "plan.csv"
    with (tmp_path / "plan.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert any("Action code" in row for row in rows[:8]) and len(rows) > 20
    assert "Saved plan.csv" in dialog.notice.message()
    dialog.open_folder_button.click()
    assert dialogs.opened_folders == [tmp_path]

    dialog.set_format("xlsx")
    dialogs.save_path = tmp_path / "plan.xlsx"
    dialog.choose_button.click()
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT):
        dialog.primary.click()
    assert load_workbook(tmp_path / "plan.xlsx").active is not None


# ---------------------------------------------------------------------------------------------- returns


def _cell(table: Any, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return str(item.text())


def _fill(form: Path, out: Path, rag: str, commentary: str) -> None:
    book = load_workbook(form)
    sheet = book["Return"]
    sheet.cell(HEADER_ROW + 1, COL_RAG).value = rag
    sheet.cell(HEADER_ROW + 1, COL_COMMENTARY).value = commentary
    book.save(out)


def test_returns_make_read_accept_and_status(qtbot: QtBot, live: MainWindow, dialogs: Dialogs, tmp_path: Path) -> None:
    live.show_view("quarters")
    assert live.quarters.returns_button.isEnabled()
    live.quarters.returns_button.click()
    dialog = live.findChild(ReturnsDialog)
    assert isinstance(dialog, ReturnsDialog) and dialog.isVisible()
    assert dialog.make_quarter.currentText().startswith("2015/16 Q4")  # the open quarter; closed ones not offered
    assert dialog.make_quarter.count() == 1

    # 1. Make forms
    dialogs.folder_path = tmp_path / "forms"
    dialog.choose_folder_button.click()
    with qtbot.waitSignal(dialog.forms_issued, timeout=TIMEOUT) as blocker:
        dialog.make_button.click()
    issued = blocker.args[0]
    assert isinstance(issued, IssuedForms) and issued.paths
    assert dialog.made_list.rowCount() == len(issued.paths) and all(p.is_file() for p in issued.paths)
    assert _cell(dialog.made_list, 0, 2) == issued.paths[0].name
    assert _cell(dialog.made_list, 0, 0) == issued.forms[0].lead
    dialog.open_folder_button.click()
    assert dialogs.opened_folders == [tmp_path / "forms"]

    # 2. Read one back unchanged: nothing to record
    dialog.tabs.setCurrentIndex(1)
    dialogs.open_paths = [issued.paths[0]]
    with qtbot.waitSignal(dialog.reviewed, timeout=TIMEOUT):
        dialog.choose_returns_button.click()
    assert dialog.review_table.rowCount() == 0
    assert "no changes" in dialog.read_summary.text() and not dialog.accept_button.isEnabled()

    # ... a filled-in form lists its change, ticked; a form from elsewhere is refused whole
    filled = tmp_path / "filled.xlsx"
    _fill(issued.paths[0], filled, "Green", "Referrals recovered this quarter.")
    stranger = tmp_path / "not-a-form.xlsx"
    load_workbook(issued.paths[0]).save(stranger)
    book = load_workbook(stranger)
    book["_pathways"].cell(2, 1).value = book["_pathways"].cell(2, 1).value.replace('"plan":1', '"plan":2')
    book.save(stranger)
    dialogs.open_paths = [filled, stranger]
    with qtbot.waitSignal(dialog.reviewed, timeout=TIMEOUT):
        dialog.choose_returns_button.click()
    assert dialog.review_table.rowCount() == 2
    record = dialog.review_table.item(0, COL_ACTION)
    assert record is not None
    assert record.checkState() == Qt.CheckState.Checked and record.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert "RAG:" in _cell(dialog.review_table, 0, 2) and "→ G (Green)" in _cell(dialog.review_table, 0, 2)
    refused = dialog.review_table.item(1, COL_ACTION)
    assert refused is not None
    assert refused.text().startswith("Whole form") and not refused.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert "altered" in _cell(dialog.review_table, 1, 3)
    assert dialog.accept_button.isEnabled() and "1 of 1 ticked" in dialog.selected_label.text()
    code = record.text()

    with qtbot.waitSignal(dialog.returns_accepted, timeout=TIMEOUT) as blocker:
        dialog.accept_button.click()
    assert dialogs.shown[-1][0] == "confirm"
    result = blocker.args[0]
    assert isinstance(result, AcceptResult) and result.written == 1 and result.refused == 0
    qtbot.waitUntil(lambda: not live.runner.busy, timeout=TIMEOUT)
    row = next(r for r in live.workspace.data.rows if r.code == code)  # type: ignore[union-attr]
    assert row.rag == "green" and row.updated_this_period

    # ... and the same form again is a second return
    dialogs.open_paths = [filled]
    with qtbot.waitSignal(dialog.reviewed, timeout=TIMEOUT):
        dialog.choose_returns_button.click()
    assert "already has an update" in _cell(dialog.review_table, 0, 3)
    assert not dialog.accept_button.isEnabled()

    # 3. Who has returned
    dialog.tabs.setCurrentIndex(TAB_STATUS)
    qtbot.waitUntil(lambda: dialog.status_result is not None and not dialog.running, timeout=TIMEOUT)
    status = dialog.status_result
    assert status is not None and status.chase
    assert dialog.chase_table.rowCount() >= len(status.chase)
    assert "15 Apr 2016" in dialog.status_summary.text() or "2016" in dialog.status_summary.text()
    assert dialog.deadline_notice.isVisible() and "deadline has passed" in dialog.deadline_notice.message()
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Lead-officer returns still awaited for 2015/16 Q4")
    assert status.chase[0].lead in copied


def test_returns_with_every_quarter_closed_explains(qtbot: QtBot, window: MainWindow, dialogs: Dialogs,
                                                     demo_store_path: Path, passphrase: str) -> None:
    from desktop.services.periods import close_period
    from desktop.services.queries import periods_of

    window.start(demo_store_path)
    window.show()
    window.workspace.open_store(demo_store_path, passphrase)
    plan_id = window.workspace.plan_id
    assert plan_id is not None
    with window.workspace.session() as session:
        for period in periods_of(session, plan_id):
            if not period.is_closed:
                close_period(session, window.workspace.actor, period)
    dialog = _open(window, "lead_returns", ReturnsDialog)
    assert dialog.make_quarter.count() == 0 and "Every quarter of this plan is closed" in dialog.make_note.text()
    assert not dialog.make_button.isEnabled()


def test_export_update_with_its_web_version_beside_it(
    qtbot: QtBot, live: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    dialog = _open(live, "export_update", ExportUpdateDialog)
    assert not dialog.web_version.isChecked()  # the PDF alone unless asked
    dialogs.save_path = tmp_path / "update.pdf"
    dialog.choose_button.click()
    dialog.web_version.setChecked(True)
    result = _export(qtbot, dialog)
    assert result.html_path == tmp_path / "update.html"
    page = result.html_path.read_text(encoding="utf-8")
    assert 'href="update.pdf"' in page and result.snapshot_sha256 in page
    assert "update.html" in dialog.notice.message()
    dialog.close()
