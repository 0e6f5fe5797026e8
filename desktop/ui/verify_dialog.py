"""Tools › Verify a signed PDF…: is a received PDF intact, who signed it and when, and is the signer trusted?

Works without an open store (choose the partnership's root certificate, or none). With a store open, the store's
partnership roots are trusted by default, and "Export trust bundle…" writes the root certificate, its fingerprint and
the one-page guide for recipients. The verdict is judged by ``reports.signing.verify_pdf`` alone and shown with an
icon and words, never by colour alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.reports.signing import VerificationReport, verify_pdf
from desktop.services import pki
from desktop.services.errors import PathwaysError, ValidationError
from desktop.ui import verify_controller
from desktop.ui.dialog_base import (
    PDF_FILTER,
    TONES,
    IconMessage,
    TaskDialog,
    default_folder,
    open_closing,
    side_button,
    status_pixmap,
    subtle,
)
from desktop.ui.dialog_service import DialogService
from desktop.ui.tasks import TaskState
from desktop.ui.widgets import fit_to_screen, page_of, row_of
from desktop.ui.workspace import Workspace

CERT_FILTER = "Certificates (*.pem *.cer *.crt *.der);;All files (*)"

INTACT_AND_TRUSTED = "Intact and trusted"
MODIFIED = "Modified after signing"
NOT_TRUSTED = "Signature intact but signer not trusted"
NOT_SIGNED = "Not signed"
NOT_ACCEPTED = "Signature intact but not accepted"


@dataclass(frozen=True)
class Verdict:
    tone: str  # "ok", "error", "warning", "none"
    title: str
    explanation: str


def verdict_for(report: VerificationReport, *, has_roots: bool) -> Verdict:
    """The words the dialog leads with, from the report (never from colour or a single flag)."""
    if not report.signed:
        return Verdict("none", NOT_SIGNED, "This document carries no digital signature, so nobody can tell who "
                                           "issued it or whether it was changed.")
    if report.integrity == "modified":
        reason = report.message.removeprefix("MODIFIED: ")
        return Verdict("error", MODIFIED, reason[:1].upper() + reason[1:] + " Do not rely on its contents; ask the "
                                          "sender for the original.")
    if not report.trusted:
        if has_roots:
            why = "the signer's certificate does not come from the trusted root certificate used for this check."
        else:
            why = ("no trusted root certificate was given. Choose the partnership's root certificate (.pem or .cer) "
                   "to check who signed it.")
        return Verdict("warning", NOT_TRUSTED, "The document has not changed since it was signed, but the signer "
                                               f"cannot be confirmed: {why}")
    if not report.ok:
        return Verdict("warning", NOT_ACCEPTED, "The signature is intact and trusted, but it breaks the document's "
                                                "signature policy (pyHanko's bottom line is no).")
    return Verdict("ok", INTACT_AND_TRUSTED, "Not changed since it was signed, and signed with a certificate from a "
                                             "root you trust.")


def changed_text(report: VerificationReport) -> str:
    """ "Changed after signing", for people: an altered signed byte counts as much as content added afterwards."""
    if not report.signed:
        return "–"
    if report.modified_after_signing:
        return "yes: content was added or altered after it was signed"
    if not report.intact:
        return "yes: the signed bytes were altered"
    return "no"


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return "not recorded"
    utc = value.astimezone(dt.UTC) if value.tzinfo else value
    return f"{utc.day} {utc:%B %Y}, {utc:%H:%M:%S} UTC"


@dataclass(frozen=True)
class Roots:
    """The certificates trusted for a check, and where they came from (for the label)."""

    certificates: tuple[bytes, ...]
    source: str


class VerdictPanel(IconMessage):
    """The verdict of a check: a large icon and title, and the explanation under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("verdict", icon_size=48, title_scale=1.45, text_name="explanation", margins=(14, 12),
                         spacing=(4, 14), parent=parent)
        self.explanation = self.text
        self.verdict: Verdict | None = None

    def show_verdict(self, verdict: Verdict) -> None:
        mark, background, border = TONES[verdict.tone]
        self.setStyleSheet(f"QFrame#verdict {{ background: {background}; border: 2px solid {border}; "
                           "border-radius: 6px; } QFrame#verdict QLabel { background: transparent; border: none; "
                           f"color: #1b2733; }} QLabel#verdict_title {{ color: {mark}; }}")
        self.verdict = verdict
        self.icon.setPixmap(status_pixmap(verdict.tone, 44, self.devicePixelRatioF()))
        self.icon.setAccessibleName(verdict.title)
        self.title.setText(verdict.title)
        self.explanation.setText(verdict.explanation)
        self.setAccessibleName(f"Verdict: {verdict.title}")
        self.setAccessibleDescription(verdict.explanation)
        self.show()


class VerifyDialog(TaskDialog):
    """Signals:
        verified(object): a check finished: the :class:`VerificationReport`.
    """

    verified = Signal(object)

    def __init__(self, workspace: Workspace, dialogs: DialogService, parent: QWidget | None = None) -> None:
        super().__init__(
            workspace, dialogs, parent, name="verify_dialog", title="Verify a signed PDF",
            heading="Verify a signed PDF",
            intro="Check a PDF you received: whether it is exactly what was signed, who signed it and when, and "
                  "whether you trust the signer. The file is only read, never changed.",
            primary="&Verify",
        )
        self.report: VerificationReport | None = None
        self.store_roots = self._store_roots()
        self.chosen_root: Path | None = None
        self.checked_with: Roots | None = None

        self.pdf = QLineEdit()
        self.pdf.setPlaceholderText("The PDF to check")
        self.choose_pdf_button = side_button("C&hoose PDF…", "choose_pdf")
        self.add_row("pdf", "&PDF file", self.pdf, self.choose_pdf_button, accessible="PDF file to verify")

        self.roots_label = subtle("", "roots_label")
        self.roots_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_root_button = side_button("Choose &root certificate…", "choose_root",
                                              tip="A trusted root certificate (.pem or .cer), e.g. from a trust bundle")
        self.store_roots_button = side_button("Use the &store's roots", "use_store_roots")
        roots_box = page_of(self.roots_label, row_of(self.choose_root_button, self.store_roots_button, None))
        roots_box.setObjectName("roots")
        cast(QVBoxLayout, roots_box.layout()).setSpacing(4)
        trust_label = QLabel("&Trusted roots")
        trust_label.setBuddy(self.choose_root_button)
        self.form.addRow(trust_label, roots_box)
        self.body.addLayout(self.form)

        self.verdict = VerdictPanel()
        self.body.addWidget(self.verdict)
        self.details = QFrame()
        self.details.setObjectName("card")
        self.details_form = QFormLayout(self.details)
        self.details_form.setContentsMargins(14, 10, 14, 10)
        self.details_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.details_form.setHorizontalSpacing(14)
        self.details_form.setVerticalSpacing(5)
        self.detail_values: dict[str, QLabel] = {}
        for key, label in (("signer", "Signed by"), ("time", "Signed at"), ("trusted", "Signer trusted"),
                           ("changed", "Changed after signing"), ("integrity", "Signed bytes"),
                           ("pyhanko", "pyHanko verdict"), ("roots", "Checked against"), ("file", "File")):
            value = QLabel()
            value.setObjectName(f"detail_{key}")
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(label)
            name = QLabel(label)
            name.setObjectName("field_name")
            self.details_form.addRow(name, value)
            self.detail_values[key] = value
        self.details.hide()
        self.body.addWidget(self.details)
        self.body.addStretch(1)

        self.copy_button = side_button("&Copy report", "copy_report",
                                       tip="Copy the verdict and the report lines, e.g. to paste into an email")
        self.copy_button.setEnabled(False)
        self.partnership = QComboBox()
        self.partnership.setObjectName("bundle_partnership")
        self.partnership.setAccessibleName("Partnership whose trust bundle to export")
        self.bundle_button = side_button("Export trust &bundle…", "trust_bundle")
        self.bundle_button.setToolTip("The partnership's root certificate, its fingerprint and a one-page guide "
                                      "for recipients, saved to a folder")
        self.extra_buttons.addWidget(self.copy_button)
        self.extra_buttons.addWidget(self.bundle_button)
        self.extra_buttons.addWidget(self.partnership)
        self._fill_partnerships()

        self.choose_pdf_button.clicked.connect(self._choose_pdf)
        self.choose_root_button.clicked.connect(self._choose_root)
        self.store_roots_button.clicked.connect(self._use_store_roots)
        self.copy_button.clicked.connect(self.copy_report)
        self.bundle_button.clicked.connect(self._choose_bundle_folder)
        self.pdf.textChanged.connect(lambda _: self.update_state())
        assert self.primary is not None
        self.primary.clicked.connect(self.verify)
        self._show_roots()
        self.update_state()
        fit_to_screen(self, 840, 640)

    # ---- trust roots

    def _store_roots(self) -> Roots | None:
        """Every partnership root of the open store (public certificates), or None without a store."""
        if not self.workspace.is_open:
            return None
        try:
            found = verify_controller.store_roots(self.workspace)
        except PathwaysError:
            return None
        if not found:
            return None
        return Roots(tuple(found.values()), "the open store's signing roots: " + ", ".join(found))

    def roots(self) -> Roots:
        """What the next check trusts: the chosen certificate, else the store's roots, else nothing."""
        if self.chosen_root is not None:
            return Roots((self.chosen_root.read_bytes(),), self.chosen_root.name)
        if self.store_roots is not None:
            return self.store_roots
        return Roots((), "none")

    def _show_roots(self) -> None:
        if self.chosen_root is not None:
            text = f"Trusting the root certificate {self.chosen_root.name} only."
        elif self.store_roots is not None:
            text = f"Trusting {self.store_roots.source}."
        else:
            text = ("No root is trusted yet: the check can say whether the file is intact, but not whether the "
                    "signer is who they claim. Choose the partnership's root certificate.")
        self.roots_label.setText(text)
        self.store_roots_button.setVisible(self.store_roots is not None and self.chosen_root is not None)

    def set_root(self, path: Path | None) -> None:
        """Trust only ``path`` (a .pem/.cer file); None goes back to the store's roots."""
        self.chosen_root = path
        self._show_roots()
        if self.report is not None and self.pdf_path() is not None:
            self.verify()

    def _choose_root(self) -> None:
        folder = self.chosen_root.parent if self.chosen_root else default_folder()
        self.dialogs.choose_open_file(self, "Choose a trusted root certificate", self.set_root, directory=folder,
                                      name_filter=CERT_FILTER)

    def _use_store_roots(self) -> None:
        self.set_root(None)

    # ---- the file

    def pdf_path(self) -> Path | None:
        text = self.pdf.text().strip()
        return Path(text).expanduser() if text else None

    def set_pdf(self, path: Path) -> None:
        """Choose ``path`` and check it at once."""
        self.pdf.setText(str(path))
        self.verify()

    def _choose_pdf(self) -> None:
        current = self.pdf_path()
        folder = current.parent if current else default_folder()
        self.dialogs.choose_open_file(self, "Choose a signed PDF", self.set_pdf, directory=folder,
                                      name_filter=PDF_FILTER)

    def update_state(self) -> None:
        if self.primary is not None:
            self.primary.setEnabled(not self.running and self.pdf_path() is not None)
        has_store = self.workspace.is_open and self.partnership.count() > 0
        self.bundle_button.setVisible(has_store)
        self.partnership.setVisible(has_store and self.partnership.count() > 1)
        self.bundle_button.setEnabled(not self.running)

    # ---- checking

    def verify(self) -> None:
        self.clear_errors()
        path = self.pdf_path()
        if path is None:
            self.show_error("pdf", "Choose the PDF to check.")
            return
        if not path.is_file():
            self.show_error("pdf", f"There is no file at {path}.")
            return
        try:
            roots = self.roots()
        except OSError as exc:
            self.notice.show_notice("error", "The root certificate could not be read",
                                    f"{self.chosen_root}: {exc.strerror or type(exc).__name__}.")
            return

        def work(state: TaskState) -> VerificationReport:
            state.set_progress(0.1, f"Reading {path.name}")
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ValidationError(f"{path.name} cannot be read ({exc.strerror or type(exc).__name__}).",
                                      field="pdf") from None
            state.check()
            state.set_progress(0.4, "Checking the signature")
            return verify_pdf(data, roots.certificates or None)

        def done(report: VerificationReport) -> None:
            self.show_report(report, roots, path)

        self.run_task(work, done, title="Checking the signature…", what="The file was not checked")

    def show_report(self, report: VerificationReport, roots: Roots, path: Path) -> None:
        self.report = report
        self.checked_with = roots
        verdict = verdict_for(report, has_roots=bool(roots.certificates))
        self.verdict.show_verdict(verdict)
        v = self.detail_values
        who = ", ".join(x for x in dict.fromkeys((report.signer_name, report.signer_role, report.signer_org)) if x)
        v["signer"].setText(who or ("not signed" if not report.signed else "not recorded"))
        v["time"].setText(_when(report.signing_time) if report.signed else "–")
        v["trusted"].setText(("yes" if report.trusted else "no") if report.signed else "–")
        v["changed"].setText(changed_text(report))
        v["integrity"].setText({"intact": "intact: exactly what was signed", "modified": "modified",
                                "unsigned": "no signature"}[report.integrity])
        bottom = "passes" if report.bottom_line else "does not pass"
        v["pyhanko"].setText(f"{report.summary or 'no summary'} (bottom line: {bottom})" if report.signed else "–")
        v["roots"].setText(roots.source if roots.certificates else "no trusted root")
        v["file"].setText(str(path))
        extra = [line for line in report.details if line]
        for row in range(self.details_form.rowCount() - 1, len(self.detail_values) - 1, -1):
            self.details_form.removeRow(row)
        for line in extra:
            note = QLabel(line)
            note.setWordWrap(True)
            self.details_form.addRow("", note)
        self.details.show()
        self.copy_button.setEnabled(True)
        self.verified.emit(report)

    def report_text(self) -> str:
        if self.report is None or self.verdict.verdict is None:
            return ""
        lines = [f"{self.verdict.verdict.title}: {self.verdict.verdict.explanation}"]
        lines += self.report.lines()
        if self.checked_with is not None:
            lines.append(f"Checked against: {self.checked_with.source}")
        lines.append(f"File: {self.detail_values['file'].text()}")
        return "\n".join(lines)

    def copy_report(self) -> None:
        text = self.report_text()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.notice.show_notice("info", "Report copied to the clipboard")

    # ---- the trust bundle

    def _fill_partnerships(self) -> None:
        self.partnership.clear()
        if not self.workspace.is_open:
            return
        current = self.workspace.data.plan.partnership if self.workspace.data else ""
        try:
            for partnership_id, name in verify_controller.partnerships(self.workspace):
                self.partnership.addItem(name, partnership_id)
        except PathwaysError:
            return
        index = self.partnership.findText(current)
        self.partnership.setCurrentIndex(max(0, index))

    def _choose_bundle_folder(self) -> None:
        def chosen(folder: Path) -> None:
            self.export_trust_bundle(folder)

        self.files.choose_folder(self, "Choose a folder for the trust bundle", chosen, directory=default_folder())

    def export_trust_bundle(self, folder: Path) -> list[Path]:
        """Write the chosen partnership's root certificate (PEM and .cer), fingerprint and guide into ``folder``."""
        self.notice.clear_notice()
        partnership_id = self.partnership.currentData()
        if partnership_id is None:
            return []
        try:
            found = verify_controller.bundle(self.workspace, int(partnership_id), self.workspace.actor)
            folder.mkdir(parents=True, exist_ok=True)
            written = []
            for file_name, content in found.files.items():
                target = folder / file_name
                target.write_bytes(content)
                written.append(target)
        except PathwaysError as exc:
            self.notice.show_notice("error", "The trust bundle was not exported", str(exc))
            return []
        except OSError as exc:
            self.notice.show_notice("error", "The trust bundle was not exported",
                                    f"The files could not be written ({exc.strerror or type(exc).__name__}).")
            return []
        fingerprint = pki.fingerprint_sha256(found.pem)
        self.notice.show_notice(
            "ok", f"Trust bundle for the {found.partnership} saved in {folder}",
            "\n".join(p.name for p in written) + f"\nSHA-256 fingerprint: {fingerprint}\nGive recipients the "
            "fingerprint by another route (phone, board papers) so that they can check the certificate is yours.",
        )
        return written


def open_verify_dialog(workspace: Workspace, dialogs: DialogService, parent: QWidget | None = None) -> VerifyDialog:
    """Tools › Verify a signed PDF…: works with or without an open store."""
    return open_closing(VerifyDialog(workspace, dialogs, parent))
