"""The pieces every feature dialog shares: :class:`TaskDialog` (one piece of work at a time on the task runner,
with progress and Cancel inside the dialog; closing it while work runs asks the work to stop first; work that had
already finished when Cancel was pressed is reported as done), :class:`NoticePanel` (how things went, with an icon
*and* words), :func:`field_box` (a field with its message line), the verdict icons, and file-name helpers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import platformdirs
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
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
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import DisclosureBlocked, ValidationError
from desktop.store import Store
from desktop.ui import errors
from desktop.ui.dialog_service import DialogService
from desktop.ui.tasks import Cancelled, TaskState
from desktop.ui.widgets import FieldError, heading_label
from desktop.ui.workspace import Workspace

log = logging.getLogger("pathways.ui.dialogs")

T = TypeVar("T")

PDF_FILTER = "PDF documents (*.pdf);;All files (*)"




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


class IconMessage(QFrame):
    """An icon beside a bold title and its text (selectable, never cut short): how a step went, or a verdict.

    Its parts are named ``<name>_icon``, ``<name>_title`` and ``<name>_<text_name>`` for the style sheet."""

    def __init__(self, name: str, *, icon_size: int, title_scale: float = 1.0, text_name: str = "text",
                 margins: tuple[int, int] = (10, 8), spacing: tuple[int, int] = (3, 10),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.icon = QLabel()
        self.icon.setObjectName(f"{name}_icon")
        self.icon.setFixedSize(QSize(icon_size, icon_size))
        self.title = QLabel()
        self.title.setObjectName(f"{name}_title")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        if title_scale != 1.0:
            font.setPointSizeF(font.pointSizeF() * title_scale)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setObjectName(f"{name}_{text_name}")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        column = QVBoxLayout()
        column.setSpacing(spacing[0])
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(margins[0], margins[1], margins[0], margins[1])
        layout.setSpacing(spacing[1])
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(column, 1)
        self.hide()


class NoticePanel(IconMessage):
    """How the last step went: an icon, a bold first line and the full text (selectable, never cut short)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("notice", icon_size=22, parent=parent)
        self.tone = ""

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


def side_button(text: str, name: str, *, tip: str = "") -> QPushButton:
    """A dialog button other than the main one: Enter in a field never presses it (only the main button is the
    default)."""
    button = QPushButton(text)
    button.setObjectName(name)
    if tip:
        button.setToolTip(tip)
    button.setAutoDefault(False)
    return button


def subtle(text: str, name: str = "subtle") -> QLabel:
    label = WrapLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


W = TypeVar("W", bound=QWidget)


def expanding(widget: W) -> W:
    """Let a form field use the whole width of its column (QFormLayout grows only Expanding fields)."""
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, widget.sizePolicy().verticalPolicy())
    return widget


D = TypeVar("D", bound=QDialog)


def open_closing(dialog: D) -> D:
    """Open ``dialog`` without waiting for it (answers arrive by signal); it is deleted once closed."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class Choices:
    """Radio buttons for one choice among a few (a format, a disclosure profile), each with its description under
    it; a button's ``key`` property is the choice it stands for."""

    def __init__(self, owner: QWidget, key: str, choices: Sequence[tuple[str, str, str]], default: str) -> None:
        self.default = default
        self.group = QButtonGroup(owner)
        self.box = expanding(QWidget())
        self.box.setObjectName(key)
        self.column = QVBoxLayout(self.box)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(1)
        self.buttons: dict[str, QRadioButton] = {}
        for value, label, description in choices:
            button = QRadioButton(label)
            button.setObjectName(f"{key}_{value}")
            button.setAccessibleDescription(description)
            button.setProperty("key", value)
            self.group.addButton(button)
            self.buttons[value] = button
            note = subtle(description)
            note.setContentsMargins(24, 0, 0, 4)
            self.column.addWidget(button)
            self.column.addWidget(note)
        self.buttons[default].setChecked(True)

    def chosen(self) -> str:
        button = self.group.checkedButton()
        return str(button.property("key")) if button else self.default

    def choose(self, value: str) -> None:
        self.buttons[value].setChecked(True)


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
        self.cancel_button = side_button("S&top", "cancel_task", tip="Stop at the next step; nothing is written")
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
        self.close_button = side_button("Close", "close")
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

    def add_choices(self, key: str, label: str, choices: Sequence[tuple[str, str, str]], default: str) -> Choices:
        """A labelled row of radio buttons, one per (value, label, description), with its message line."""
        made = Choices(self, key, choices, default)
        text = QLabel(label)
        text.setBuddy(made.buttons[default])
        self.form.addRow(text, made.box)
        self.fields[key] = made.box
        self.errors[key] = FieldError(made.box)
        made.column.addWidget(self.errors[key])
        return made

    def add_plan_row(self, min_length: int) -> QComboBox:
        """The "Plan" row: every plan of the store, the one open in the window chosen."""
        combo = QComboBox()
        combo.setMinimumContentsLength(min_length)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for plan in self.workspace.plans:
            combo.addItem(plan.title + ("  [demonstration]" if plan.is_demo else ""), plan.id)
        current = self.workspace.plan_id
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        self.add_row("plan", "&Plan", combo)
        return combo

    def add_output_row(self, placeholder: str) -> None:
        """The "Save as" field with its Choose… button, then the (hidden until done) Open folder button."""
        self.output = QLineEdit()
        self.output.setPlaceholderText(placeholder)
        self.choose_button = side_button("C&hoose…", "choose_output")
        self.choose_button.setAccessibleName("Choose the output file")
        self.add_row("output", "Save &as", self.output, self.choose_button, accessible="Output file")
        self.body.addLayout(self.form)
        self.body.addStretch(1)
        self.open_folder_button = side_button("&Open folder", "open_folder")
        self.open_folder_button.hide()
        self.extra_buttons.addWidget(self.open_folder_button)

    def output_path(self) -> Path | None:
        """The "Save as" file (subclasses add their suffix)."""
        text = self.output.text().strip()
        return Path(text).expanduser() if text else None

    def checked_output(self, missing: str) -> Path | None:
        """The "Save as" file once it names a file in a folder that exists (shown in full in the field); None,
        with ``missing`` or the reason beside the field, otherwise."""
        out = self.output_path()
        if out is None:
            self.show_error("output", missing)
            return None
        if not out.parent.is_dir():
            self.show_error("output", f"The folder {out.parent} does not exist.")
            return None
        self.output.setText(str(out))
        return out

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

    def run_on_store(self, work: Callable[[Store, TaskState], T], on_done: Callable[[T], None], *, title: str,
                     cancellable: bool = True, what: str = "") -> bool:
        """``work(store, state)`` on the worker, where the store is the worker's alone: a controller function that
        opens its own unit of work (rolled back if it fails or is cancelled). Refused, with a note, while locked."""
        store = self.workspace.store
        if store is None or not store.is_open:
            self.notice.show_notice("error", "The store is locked", "Unlock it to carry on.")
            return False
        return self.run_task(lambda state: work(store, state), on_done, title=title, cancellable=cancellable,
                             what=what)

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
        else:
            errors.log_unexpected(self.objectName(), exc)
            self.notice.show_notice("error", what or "Not done", errors.message_for(exc, nothing="nothing was written"))

    def cancel_task(self) -> None:
        if self._running:
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping at the next step…")
            self.runner.cancel(background=False)

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
