"""Export › Delivery plan update…: the signed PDF update for a closed quarter, through ``publish_update``.

The pieces it shares with the other feature dialogs (TaskDialog, NoticePanel, field_box…) live in
:mod:`desktop.ui.dialog_base`.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from desktop.reports.delivery_update import MARKINGS
from desktop.reports.publish import PublishOptions, PublishResult
from desktop.services.errors import PathwaysError
from desktop.ui import export_controller
from desktop.ui.dialog_base import (
    PDF_FILTER,
    TaskDialog,
    default_folder,
    expanding,
    open_closing,
    safe_file_name,
    status_pixmap,
    subtle,
    with_suffix,
)
from desktop.ui.dialog_service import DialogService
from desktop.ui.export_controller import PlanFacts
from desktop.ui.profiles_view import PROFILE_CHOICES
from desktop.ui.widgets import fit_to_screen
from desktop.ui.workspace import Workspace

log = logging.getLogger("pathways.ui.export")

UNSIGNED = 0  # the signer combo's "Unsigned" entry (people ids start at 1)
UNSIGNED_WARNING = ("Unsigned documents cannot be verified: nobody receiving it can check who issued it or whether "
                    "it was changed afterwards.")


# ---------------------------------------------------------------------------------------------- the update


def update_file_name(short: str, period_label: str) -> str:
    """ "SDP delivery plan update 2015-16 Q3.pdf" """
    return safe_file_name(f"{short} delivery plan update {period_label.replace('/', '-')}") + ".pdf"


class ExportUpdateDialog(TaskDialog):
    """Signals:
        published(object): the update was written: the :class:`PublishResult`.
    """

    published = Signal(object)
    _last_folder: Path | None = None  # where the last update went (this session only)

    def __init__(self, workspace: Workspace, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace, dialogs, parent, name="export_update_dialog", title="Export delivery plan update",
            heading="Delivery plan update",
            intro="The PDF update for the partnership, built from a closed quarter's frozen snapshot, checked for "
                  "personal data, and signed last so that recipients can tell it has not been changed.",
            primary="&Export update",
        )
        self.facts: PlanFacts | None = None
        self.publish_result: PublishResult | None = None
        self._auto_path = ""

        self.plan = expanding(self.add_plan_row(30))
        self.period = QComboBox()
        self.period.setMinimumContentsLength(14)
        self.period_note = subtle("", "period_note")
        self.period_note.hide()
        self.add_row("period", "Closed &quarter", self.period, accessible="Closed quarter to publish")
        self.form.addRow("", self.period_note)

        self.profiles = self.add_choices("profile", "Disclosure p&rofile", PROFILE_CHOICES, "public")
        for key, label, description in PROFILE_CHOICES:
            self.profiles.buttons[key].setAccessibleName(f"{label} profile")
            self.profiles.buttons[key].setToolTip(description)

        self.signer = QComboBox()
        self.signer.setMinimumContentsLength(30)
        self.signer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        expanding(self.signer)
        self.signer_icon = QLabel()
        self.signer_icon.setFixedSize(QSize(18, 18))
        self.signer_note = subtle("", "signer_note")
        signer_note_row = expanding(QWidget())
        note_layout = QHBoxLayout(signer_note_row)
        note_layout.setContentsMargins(0, 0, 0, 0)
        note_layout.addWidget(self.signer_icon, 0, Qt.AlignmentFlag.AlignTop)
        note_layout.addWidget(self.signer_note, 1)
        self.add_row("signer", "&Signed by", self.signer, accessible="Who signs the update")
        self.form.addRow("", signer_note_row)

        self.marking = QComboBox()
        self.marking.addItems(list(MARKINGS))
        self.marking.setToolTip("The protective marking printed on every page (the partnership's default is chosen)")
        self.add_row("marking", "Protective &marking", self.marking)

        self.key_messages = QPlainTextEdit()
        self.key_messages.setTabChangesFocus(True)
        self.key_messages.setPlaceholderText("One key message per line (optional); they open the summary page")
        self.key_messages.setFixedHeight(self.key_messages.fontMetrics().lineSpacing() * 4 + 14)
        self.add_row("key_messages", "&Key messages", self.key_messages)

        self.add_output_row("Choose where to save the PDF")
        self.web_version = QCheckBox("Also save a &web version (HTML) beside the PDF")
        self.web_version.setToolTip("The same update as one accessible web page, linking to the signed PDF: "
                                    "publish the two side by side (see the guide, Publishing accessibly)")
        self.form.addRow("", self.web_version)

        self.plan.currentIndexChanged.connect(lambda _: self._load_plan())
        self.period.currentIndexChanged.connect(lambda _: self._suggest_path())
        self.signer.currentIndexChanged.connect(lambda _: self._show_signer_note())
        self.choose_button.clicked.connect(self._choose_output)
        self.open_folder_button.clicked.connect(self._open_folder)
        assert self.primary is not None
        self.primary.clicked.connect(self.export)
        self._load_plan()
        fit_to_screen(self, 800, 720)

    # ---- choices

    def _load_plan(self) -> None:
        plan_id = self.plan.currentData()
        self.facts = None
        self.period.clear()
        self.signer.clear()
        if plan_id is None:
            self._show_no_periods("This store has no plans yet.")
            return
        try:
            facts = export_controller.plan_facts(self.workspace, int(plan_id))
        except PathwaysError as exc:
            self.notice.show_notice("error", "The plan could not be read", str(exc))
            self.update_state()
            return
        self.facts = facts
        for period_id, label in reversed(facts.closed):  # the latest closed quarter first
            self.period.addItem(label, period_id)
        if facts.closed:
            self.period_note.hide()
        else:
            self._show_no_periods("This plan has no closed quarter yet. An update is built from a closed quarter's "
                                  "frozen snapshot: close the quarter first (Quarter › Close quarter…).")
        for person_id, name in facts.signers:
            self.signer.addItem(name, person_id)
        self.signer.addItem("Unsigned", UNSIGNED)
        preferred = self.workspace.person_id
        index = self.signer.findData(preferred) if preferred is not None else -1
        self.signer.setCurrentIndex(index if index >= 0 else 0)
        marking = self.marking.findText(facts.marking)
        self.marking.setCurrentIndex(max(0, marking))
        self._show_signer_note()
        self._suggest_path()
        self.update_state()

    def _show_no_periods(self, text: str) -> None:
        self.period_note.setText(text)
        self.period_note.show()
        self.period.setEnabled(False)
        self.update_state()

    def _show_signer_note(self) -> None:
        facts = self.facts
        signer = self.signer.currentData()
        if facts is None or signer is None:
            self.signer_note.clear()
            self.signer_icon.clear()
            return
        if signer == UNSIGNED:
            tone = "warning"
            text = UNSIGNED_WARNING
            if not facts.signers:
                text = (f"Nobody can sign for the {facts.partnership} yet (issue a signing certificate with "
                        f"'pathways signer'). {text}")
        else:
            tone = "ok"
            text = (f"Signed with a certificate from the {facts.partnership}'s signing root; recipients can check it "
                    "with Tools › Verify a signed PDF… or in Adobe Reader once they trust the root.")
        self.signer_icon.setPixmap(status_pixmap(tone, 16, self.devicePixelRatioF()))
        self.signer_icon.setAccessibleName("Warning" if tone == "warning" else "Can be verified")
        self.signer_note.setText(text)
        self.signer.setAccessibleDescription(text)

    def _suggest_path(self) -> None:
        if self.facts is None:
            return
        label = self.period.currentText()
        if not label:
            return
        folder = self._last_folder or default_folder()
        suggested = str(folder / update_file_name(self.facts.short, label))
        if not self.output.text().strip() or self.output.text() == self._auto_path:
            self.output.setText(suggested)
        self._auto_path = suggested

    def _choose_output(self) -> None:
        current = Path(self.output.text().strip()) if self.output.text().strip() else None
        folder = current.parent if current else (self._last_folder or default_folder())

        def chosen(path: Path) -> None:
            self.output.setText(str(with_suffix(path, ".pdf")))
            self.confirmed_path = self.output.text()
            self.errors["output"].clear_message()

        self.dialogs.choose_save_file(self, "Save the delivery plan update", chosen, directory=folder,
                                      name_filter=PDF_FILTER, default_suffix="pdf")

    def update_state(self) -> None:
        if self.primary is not None:
            self.primary.setEnabled(not self.running and self.facts is not None and self.period.count() > 0)
        self.period.setEnabled(self.period.count() > 0)

    # ---- values

    def profile(self) -> str:
        return self.profiles.chosen()

    def set_profile(self, key: str) -> None:
        self.profiles.choose(key)

    def key_message_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.key_messages.toPlainText().splitlines() if line.strip())

    def options(self) -> PublishOptions:
        signer = self.signer.currentData()
        signed = signer not in (None, UNSIGNED)
        return PublishOptions(profile=self.profile(), sign=signed, signer_id=int(signer) if signed else None,
                              marking=self.marking.currentText() or None, key_messages=self.key_message_lines())

    def output_path(self) -> Path | None:
        text = self.output.text().strip()
        return with_suffix(Path(text).expanduser(), ".pdf") if text else None

    # ---- exporting

    def export(self) -> None:
        self.clear_errors()
        self.open_folder_button.hide()
        period_id = self.period.currentData()
        if self.facts is None or period_id is None:
            self.show_error("period", "Choose a closed quarter.")
            return
        out = self.checked_output("Choose where to save the PDF.")
        if out is not None:
            self.confirm_replace(out, lambda: self._publish(int(period_id), out))

    def _publish(self, period_id: int, out: Path) -> None:
        options = self.options()
        html = out.with_suffix(".html") if self.web_version.isChecked() else None  # read here, on the UI thread
        actor = self.workspace.actor
        work = partial(export_controller.publish, actor=actor, period_id=period_id, out=out, options=options, html=html)
        self.run_on_store(work, self._published, title="Exporting the delivery plan update…",
                          what="The update was not exported")

    def _published(self, result: PublishResult) -> None:
        self.publish_result = result
        ExportUpdateDialog._last_folder = result.path.parent
        profile = next(label for key, label, _ in PROFILE_CHOICES if key == result.profile)
        signed = f"signed by {result.signed_by}" if result.signed_by else "unsigned (it cannot be verified)"
        pages = f"{result.pages} page{'s' if result.pages != 1 else ''}"
        self.notice.show_notice(
            "ok" if result.signed_by else "warning", f"Saved {result.path.name}",
            f"{pages}, {signed}, {profile} profile, {result.size / 1024:,.0f} KB.\n"
            f"Folder: {result.path.parent}\nSnapshot SHA-256: {result.snapshot_sha256[:16]}…"
            + (f"\nWeb version: {result.html_path.name}" if result.html_path is not None else ""),
        )
        self.open_folder_button.show()
        self.open_folder_button.setFocus()
        self.published.emit(result)

    def _open_folder(self) -> None:
        if self.publish_result is not None:
            self.files.open_folder(self, self.publish_result.path.parent)


def open_export_update(workspace: Workspace, dialogs: DialogService, parent: QWidget | None = None
                       ) -> ExportUpdateDialog | None:
    """Export › Delivery plan update…: a non-blocking dialog on the open store."""
    if not workspace.is_open or not workspace.plans:
        dialogs.inform(parent, "Delivery plan update", "Open a store with a plan first.")
        return None
    return open_closing(ExportUpdateDialog(workspace, dialogs, parent))

