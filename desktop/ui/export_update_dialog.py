"""Export › Delivery plan update…: the signed PDF update for a closed quarter, through ``publish_update``.

Also home to the pieces the other feature dialogs (verify, spreadsheet export, lead-officer returns) share:

* :class:`TaskDialog` runs one piece of work at a time on the window's task runner, with progress and Cancel inside
  the dialog. Closing the dialog while work runs asks it to stop first. Work that had already finished when Cancel
  was pressed is reported as done (its file exists), never as cancelled.
* :class:`NoticePanel` says how things went with an icon *and* words (colour is only a second cue).
* :class:`FeatureDialogs` adds "choose a folder", "choose several files" and "open a folder" to the dialog service,
  using the service's own methods when it has them (tests replace them) and Qt's otherwise.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import platformdirs
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Person, Plan, ReportingPeriod, SignerCredential, SigningRoot
from desktop.reports.delivery_update import MARKINGS
from desktop.reports.publish import PublishOptions, PublishResult, publish_update
from desktop.services.errors import DisclosureBlocked, NotFound, PathwaysError, ValidationError
from desktop.services.queries import periods_of
from desktop.ui.dialog_service import DialogService
from desktop.ui.profiles_view import PROFILE_CHOICES
from desktop.ui.tasks import Cancelled, TaskState
from desktop.ui.widgets import FieldError, fit_to_screen, heading_label
from desktop.ui.workspace import Workspace

log = logging.getLogger("pathways.ui.export")

T = TypeVar("T")

PDF_FILTER = "PDF documents (*.pdf);;All files (*)"
UNSIGNED = 0  # the signer combo's "Unsigned" entry (people ids start at 1)
UNSIGNED_WARNING = ("Unsigned documents cannot be verified: nobody receiving it can check who issued it or whether "
                    "it was changed afterwards.")


# ---------------------------------------------------------------------------------------------- shared pieces


def default_folder() -> Path:
    """Where save dialogs start when nothing better is known: the user's Documents folder (or home)."""
    try:
        folder = Path(platformdirs.user_documents_dir())
    except Exception:  # noqa: BLE001 — an odd platform setup must not stop an export
        folder = Path.home()
    return folder if folder.is_dir() else Path.home()


def safe_file_name(text: str) -> str:
    """``text`` as a file name that works on Windows too: no slashes, colons or other reserved characters."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "-", text)
    return re.sub(r"\s+", " ", cleaned).strip(" .") or "export"


def with_suffix(path: Path, suffix: str) -> Path:
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


class FeatureDialogs:
    """The dialog service's "choose a folder", "choose several files" and "open a folder", for services that lack
    them (older test doubles): each call uses the service's own method when it has one, the real service's
    otherwise."""

    def __init__(self, service: DialogService) -> None:
        self.service = service

    def _method(self, name: str) -> Callable[..., None]:
        own: Callable[..., None] | None = getattr(self.service, name, None)
        if own is not None and callable(own):
            return own
        fallback: Callable[..., None] = getattr(DialogService(), name)
        return fallback

    def choose_folder(self, parent: QWidget | None, title: str, on_chosen: Callable[[Path], None], *,
                      directory: Path | None = None) -> None:
        self._method("choose_folder")(parent, title, on_chosen, directory=directory)

    def choose_open_files(self, parent: QWidget | None, title: str, on_chosen: Callable[[list[Path]], None], *,
                          directory: Path | None = None, name_filter: str = "All files (*)") -> None:
        self._method("choose_open_files")(parent, title, on_chosen, directory=directory, name_filter=name_filter)

    def open_folder(self, parent: QWidget | None, folder: Path) -> None:
        self._method("open_folder")(parent, folder)


# ---- icons that carry the verdict with their shape, not only their colour

TONES: dict[str, tuple[str, str, str]] = {  # tone: (mark colour, panel background, panel border)
    "ok": ("#1e7b34", "#e9f5ec", "#9fcfac"),
    "error": ("#a4262c", "#fbeaea", "#e4b4b4"),
    "warning": ("#9a6700", "#fdf6e3", "#e8d49a"),
    "info": ("#1f5fa8", "#eaf1fa", "#b8cbe2"),
    "none": ("#52606d", "#eef1f4", "#c5ccd3"),
}


def status_pixmap(tone: str, size: int, ratio: float = 1.0) -> QPixmap:
    """A tick (ok), a cross (error), a triangle with "!" (warning), an "i" (info) or a dash (none)."""
    colour = QColor(TONES.get(tone, TONES["none"])[0])
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    white = QPen(QColor("#ffffff"), max(2.0, s * 0.11), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                 Qt.PenJoinStyle.RoundJoin)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    if tone == "warning":
        triangle = QPainterPath()
        triangle.moveTo(s / 2, s * 0.06)
        triangle.lineTo(s * 0.97, s * 0.92)
        triangle.lineTo(s * 0.03, s * 0.92)
        triangle.closeSubpath()
        painter.drawPath(triangle)
        painter.setPen(white)
        painter.drawLine(QPointF(s / 2, s * 0.36), QPointF(s / 2, s * 0.6))
        painter.drawPoint(QPointF(s / 2, s * 0.76))
    else:
        painter.drawEllipse(QRectF(s * 0.04, s * 0.04, s * 0.92, s * 0.92))
        painter.setPen(white)
        if tone == "ok":
            tick = QPainterPath()
            tick.moveTo(s * 0.28, s * 0.52)
            tick.lineTo(s * 0.44, s * 0.68)
            tick.lineTo(s * 0.73, s * 0.35)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(tick)
        elif tone == "error":
            painter.drawLine(QPointF(s * 0.33, s * 0.33), QPointF(s * 0.67, s * 0.67))
            painter.drawLine(QPointF(s * 0.67, s * 0.33), QPointF(s * 0.33, s * 0.67))
        elif tone == "info":
            painter.drawLine(QPointF(s / 2, s * 0.45), QPointF(s / 2, s * 0.72))
            painter.drawPoint(QPointF(s / 2, s * 0.29))
        else:
            painter.drawLine(QPointF(s * 0.3, s / 2), QPointF(s * 0.7, s / 2))
    painter.end()
    return pixmap


class NoticePanel(QFrame):
    """How the last step went: an icon, a bold first line and the full text (selectable, never cut short)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.icon = QLabel()
        self.icon.setObjectName("notice_icon")
        self.icon.setFixedSize(QSize(22, 22))
        self.title = QLabel()
        self.title.setObjectName("notice_title")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setObjectName("notice_text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        column = QVBoxLayout()
        column.setSpacing(3)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(10)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(column, 1)
        self.tone = ""
        self.hide()

    def show_notice(self, tone: str, title: str, text: str = "") -> None:
        mark, background, border = TONES.get(tone, TONES["none"])
        self.tone = tone
        name = self.objectName()
        self.setStyleSheet(f"QFrame#{name} {{ background: {background}; border: 1px solid {border}; "
                           f"border-radius: 4px; }} QFrame#{name} QLabel {{ background: transparent; border: none; "
                           f"color: #1b2733; }}")
        self.icon.setPixmap(status_pixmap(tone, 20, self.devicePixelRatioF()))
        word = {"ok": "Done", "error": "Problem", "warning": "Warning", "info": "Note"}.get(tone, "Note")
        self.icon.setAccessibleName(word)
        self.title.setText(title)
        self.text.setText(text)
        self.text.setVisible(bool(text))
        self.setAccessibleName(f"{word}: {title}")
        self.setAccessibleDescription(text)
        self.show()

    def clear_notice(self) -> None:
        self.tone = ""
        self.title.clear()
        self.text.clear()
        self.hide()

    def message(self) -> str:
        return "\n".join(t for t in (self.title.text(), self.text.text()) if t)


def field_box(field: QWidget, error: FieldError, *extra: QWidget) -> QWidget:
    """A field with its message line under it (and any buttons beside it)."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    if extra:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 1)
        for widget in extra:
            row.addWidget(widget)
        column.addLayout(row)
    else:
        column.addWidget(field)
    column.addWidget(error)
    return box


class WrapLabel(QLabel):
    """A word-wrapped label whose size hint follows its width, so that a form row holding it is as tall as its
    text and no taller (a plain wrapped QLabel hints at a narrow, tall block whatever room it is given)."""

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        if self.wordWrap() and self.width() > 80:
            return QSize(self.width(), self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.wordWrap() and event.oldSize().width() != event.size().width():
            self.updateGeometry()


def subtle(text: str, name: str = "subtle") -> QLabel:
    label = WrapLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


def expanding(widget: QWidget) -> QWidget:
    """Let a form field use the whole width of its column (QFormLayout grows only Expanding fields)."""
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, widget.sizePolicy().verticalPolicy())
    return widget


class TaskDialog(QDialog):
    """A dialog whose work runs on the window's task runner, one task at a time.

    Subclasses put their fields in ``self.body`` (a form is ready in ``self.form``), register each field's message
    line with :meth:`add_row`, and call :meth:`run_on_store` or :meth:`run_task`. While work runs the fields are
    disabled, progress shows under them and Cancel asks the work to stop at its next step.
    """

    def __init__(self, workspace: Workspace, dialogs: DialogService, parent: QWidget | None = None, *,
                 name: str, title: str, heading: str, intro: str = "", primary: str = "") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setSizeGripEnabled(True)
        self.workspace = workspace
        self.runner = workspace.runner
        self.dialogs = dialogs
        self.files = FeatureDialogs(dialogs)
        self.errors: dict[str, FieldError] = {}
        self.fields: dict[str, QWidget] = {}
        self._running = False
        self._close_when_done = False
        self.confirmed_path = ""  # a file the user agreed to replace (a save dialog asks about existing files)

        self.heading = heading_label(heading)
        self.inputs = QWidget()
        self.inputs.setObjectName("inputs")
        self.body = QVBoxLayout(self.inputs)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(10)
        if intro:
            self.body.addWidget(subtle(intro, "intro"))
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setVerticalSpacing(8)
        self.form.setHorizontalSpacing(12)

        self.status = QLabel()
        self.status.setObjectName("task_status")
        self.status.setAccessibleName("Progress")
        self.progress = QProgressBar()
        self.progress.setObjectName("task_progress")
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName("Progress")
        self.cancel_button = QPushButton("S&top")
        self.cancel_button.setObjectName("cancel_task")
        self.cancel_button.setToolTip("Stop at the next step; nothing is written")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel_task)
        self.progress_row = QWidget()
        progress_layout = QHBoxLayout(self.progress_row)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        progress_layout.addWidget(self.status, 1)
        progress_layout.addWidget(self.progress, 1)
        progress_layout.addWidget(self.cancel_button)
        self.progress_row.hide()

        self.notice = NoticePanel()
        self.extra_buttons = QHBoxLayout()
        self.extra_buttons.setSpacing(8)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.primary: QPushButton | None = None
        buttons = QHBoxLayout()
        buttons.addLayout(self.extra_buttons)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        if primary:
            self.primary = QPushButton(primary)
            self.primary.setObjectName("primary")
            self.primary.setDefault(True)
            buttons.addWidget(self.primary)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 12)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.inputs, 1)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        self.runner.progress_changed.connect(self._on_progress)

    # ---- fields

    def add_row(self, key: str, label: str, field: QWidget, *extra: QWidget, buddy: QWidget | None = None,
                accessible: str = "", form: QFormLayout | None = None) -> FieldError:
        """A labelled field (with buttons beside it) and its message line, in ``form`` (default ``self.form``)."""
        field.setObjectName(key)
        if not field.accessibleName():
            field.setAccessibleName(accessible or label.replace("&", ""))
        text = QLabel(label)
        text.setBuddy(buddy or field)
        error = FieldError(field)
        (form or self.form).addRow(text, field_box(field, error, *extra))
        self.errors[key] = error
        self.fields[key] = field
        return error

    def add_output_row(self, placeholder: str) -> None:
        """The "Save as" field with its Choose… button, then the (hidden until done) Open folder button."""
        self.output = QLineEdit()
        self.output.setPlaceholderText(placeholder)
        self.choose_button = QPushButton("C&hoose…")
        self.choose_button.setObjectName("choose_output")
        self.choose_button.setAutoDefault(False)
        self.choose_button.setAccessibleName("Choose the output file")
        self.add_row("output", "Save &as", self.output, self.choose_button, accessible="Output file")
        self.body.addLayout(self.form)
        self.body.addStretch(1)
        self.open_folder_button = QPushButton("&Open folder")
        self.open_folder_button.setObjectName("open_folder")
        self.open_folder_button.setAutoDefault(False)
        self.open_folder_button.hide()
        self.extra_buttons.addWidget(self.open_folder_button)

    def show_error(self, field: str | None, message: str, title: str = "") -> None:
        target = self.errors.get(field or "")
        if target is not None:
            target.show_message(message)
            self.fields[field or ""].setFocus()
        else:
            self.notice.show_notice("error", title or "Not done", message)

    def clear_errors(self) -> None:
        for error in self.errors.values():
            error.clear_message()
        self.notice.clear_notice()

    def confirm_replace(self, path: Path, proceed: Callable[[], None]) -> None:
        """``proceed()`` at once, unless ``path`` exists and was typed rather than chosen in a save dialog (which
        asked already): then only once the user agrees to replace it."""
        if not path.exists() or str(path) == self.confirmed_path:
            proceed()
            return

        def answered(yes: bool) -> None:
            if yes:
                self.confirmed_path = str(path)
                proceed()

        self.dialogs.confirm(self, "Replace the file?", f"{path.name} already exists in {path.parent}. Replace it?",
                             answered, confirm_text="Replace")

    # ---- running

    @property
    def running(self) -> bool:
        return self._running

    def run_on_store(self, work: Callable[[Session, TaskState], T], on_done: Callable[[T], None], *, title: str,
                     cancellable: bool = True, what: str = "") -> bool:
        """``work(session, state)`` in one unit of work on the worker (rolled back if it fails or is cancelled)."""
        store = self.workspace.store
        if store is None or not store.is_open:
            self.notice.show_notice("error", "The store is locked", "Unlock it to carry on.")
            return False

        def task(state: TaskState) -> T:
            with store.session() as session:
                return work(session, state)

        return self.run_task(task, on_done, title=title, cancellable=cancellable, what=what)

    def run_task(self, fn: Callable[[TaskState], T], on_done: Callable[[T], None], *, title: str,
                 cancellable: bool = True, what: str = "") -> bool:
        """Run ``fn`` on the worker; ``on_done(result)`` on the main thread when it finishes.

        ``what`` names the outcome in failure messages ("The update was not exported")."""
        if self.runner.busy:
            self.notice.show_notice("warning", "Pathways is still busy",
                                    "Another task is running; try again when it finishes.")
            return False
        finished: list[T] = []

        def work(state: TaskState) -> T:
            result = fn(state)
            finished.append(result)  # from here on the work is done (and committed), whatever Cancel says
            return result

        def done(result: T) -> None:
            self._end()
            on_done(result)
            self._after()

        def failed(exc: BaseException) -> None:
            self._end()
            if isinstance(exc, Cancelled) and finished:
                on_done(finished[0])  # it had already finished when Cancel was pressed
            else:
                self.show_failure(exc, what)
            self._after()

        self.clear_errors()
        self._running = True
        self.inputs.setEnabled(False)
        if self.primary is not None:
            self.primary.setEnabled(False)
        self.status.setText(title)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.setEnabled(True)
        self.progress_row.show()
        self.runner.run(work, done, failed, title=title, cancellable=cancellable)
        return True

    def show_failure(self, exc: BaseException, what: str = "") -> None:
        nothing = f"{what}; nothing was written." if what else "Nothing was written."
        if isinstance(exc, Cancelled):
            self.notice.show_notice("none", "Stopped", nothing)
        elif isinstance(exc, DisclosureBlocked):
            # The message says what was found where (never the identifier itself): shown in full.
            self.notice.show_notice("error", "The disclosure check stopped it", str(exc))
        elif isinstance(exc, ValidationError) and exc.field in self.errors:
            self.show_error(exc.field, str(exc))
        elif isinstance(exc, PathwaysError):
            self.notice.show_notice("error", what or "Not done", str(exc))
        elif isinstance(exc, OSError):
            self.notice.show_notice("error", what or "Not done",
                                    f"The file could not be written ({exc.strerror or type(exc).__name__}).")
        else:
            log.error("%s failed: %s", self.objectName(), type(exc).__name__)
            self.notice.show_notice("error", what or "Not done",
                                    f"Something went wrong ({type(exc).__name__}). {nothing} Please report it.")

    def cancel_task(self) -> None:
        if self._running:
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping at the next step…")
            self.runner.cancel()

    def _on_progress(self, fraction: float, status: str) -> None:
        if not self._running:
            return
        self.progress.setRange(0, 100)
        self.progress.setValue(int(fraction * 100))
        if status:
            self.status.setText(status)

    def _end(self) -> None:
        self._running = False
        self.progress_row.hide()
        self.inputs.setEnabled(True)
        self.update_state()

    def _after(self) -> None:
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    def update_state(self) -> None:
        """Enable the main button when the inputs allow it (subclasses refine)."""
        if self.primary is not None:
            self.primary.setEnabled(not self._running)

    def reject(self) -> None:
        if self._running:
            self._close_when_done = True
            self.cancel_task()
            return
        super().reject()


# ---------------------------------------------------------------------------------------------- the update


@dataclass(frozen=True)
class SignerChoice:
    person_id: int
    name: str


@dataclass(frozen=True)
class PlanFacts:
    """What the dialog needs to know about one plan (read on the main thread, plain data)."""

    plan_id: int
    title: str
    short: str
    partnership: str
    marking: str
    closed: tuple[tuple[int, str], ...]  # (period id, label), oldest first
    signers: tuple[SignerChoice, ...]


def plan_facts(session: Session, plan_id: int) -> PlanFacts:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("That plan is no longer in the store.")
    partnership = plan.partnership
    closed = tuple((p.id, p.label) for p in periods_of(session, plan.id) if p.is_closed)
    people = session.scalars(
        select(Person)
        .join(SignerCredential, SignerCredential.person_id == Person.id)
        .join(SigningRoot, SignerCredential.root_id == SigningRoot.id)
        .where(SignerCredential.revoked.is_(False), SigningRoot.partnership_id == plan.partnership_id)
        .distinct()
    )
    signers = tuple(sorted((SignerChoice(p.id, p.display_name) for p in people), key=lambda s: s.name.casefold()))
    return PlanFacts(plan.id, plan.title, partnership.short_name or partnership.name, partnership.name,
                     partnership.default_marking, closed, signers)


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

        self.plan = QComboBox()
        self.plan.setMinimumContentsLength(30)
        self.plan.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        expanding(self.plan)
        self.add_row("plan", "&Plan", self.plan)
        self.period = QComboBox()
        self.period.setMinimumContentsLength(14)
        self.period_note = subtle("", "period_note")
        self.period_note.hide()
        self.add_row("period", "Closed &quarter", self.period, accessible="Closed quarter to publish")
        self.form.addRow("", self.period_note)

        self.profile_group = QButtonGroup(self)
        profiles = expanding(QWidget())
        profiles.setObjectName("profile")
        profiles_layout = QVBoxLayout(profiles)
        profiles_layout.setContentsMargins(0, 0, 0, 0)
        profiles_layout.setSpacing(1)
        self.profile_buttons: dict[str, QRadioButton] = {}
        for key, label, description in PROFILE_CHOICES:
            button = QRadioButton(label)
            button.setObjectName(f"profile_{key}")
            button.setAccessibleName(f"{label} profile")
            button.setAccessibleDescription(description)
            button.setToolTip(description)
            button.setProperty("profile", key)
            self.profile_group.addButton(button)
            self.profile_buttons[key] = button
            note = subtle(description)
            note.setContentsMargins(24, 0, 0, 4)
            profiles_layout.addWidget(button)
            profiles_layout.addWidget(note)
        self.profile_buttons["public"].setChecked(True)
        profile_label = QLabel("Disclosure p&rofile")
        profile_label.setBuddy(self.profile_buttons["public"])
        self.form.addRow(profile_label, profiles)
        self.fields["profile"] = profiles
        self.errors["profile"] = FieldError(profiles)
        profiles_layout.addWidget(self.errors["profile"])

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

        for plan in workspace.plans:
            self.plan.addItem(plan.title + ("  [demonstration]" if plan.is_demo else ""), plan.id)
        current = workspace.plan_id
        self.plan.setCurrentIndex(max(0, self.plan.findData(current)) if current is not None else 0)
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
            with self.workspace.session() as session:
                facts = plan_facts(session, int(plan_id))
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
        for signer in facts.signers:
            self.signer.addItem(signer.name, signer.person_id)
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
        button = self.profile_group.checkedButton()
        return str(button.property("profile")) if button else "public"

    def set_profile(self, key: str) -> None:
        self.profile_buttons[key].setChecked(True)

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
        out = self.output_path()
        if out is None:
            self.show_error("output", "Choose where to save the PDF.")
            return
        if not out.parent.is_dir():
            self.show_error("output", f"The folder {out.parent} does not exist.")
            return
        self.output.setText(str(out))
        self.confirm_replace(out, lambda: self._publish(int(period_id), out))

    def _publish(self, period_id: int, out: Path) -> None:
        options = self.options()
        actor = self.workspace.actor

        def work(session: Session, state: TaskState) -> PublishResult:
            period = session.get(ReportingPeriod, period_id)
            if period is None:
                raise NotFound("That quarter is no longer in the store.")

            def progress(fraction: float, status: str) -> None:
                state.check()  # Stop takes effect between steps, always before anything is written
                state.set_progress(fraction, status)

            return publish_update(session, actor, period, out, options, progress)

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
            f"Folder: {result.path.parent}\nSnapshot SHA-256: {result.snapshot_sha256[:16]}…",
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
    dialog = ExportUpdateDialog(workspace, dialogs, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

