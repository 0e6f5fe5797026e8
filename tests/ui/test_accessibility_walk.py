"""Every control a user can reach has a name a screen reader can speak, and keyboard focus is drawn (issue #16).

The walk opens every screen of the View menu and every dialog the main window's commands open (found through
``window.commands``, so a new command is walked without editing this file), and asks Qt's accessibility layer for
the name of each visible control that takes focus or is an input, button or item view: the same name a screen
reader reads (button text, a QFormLayout or buddy label, or setAccessibleName).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollBar,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.resources import resource_path
from desktop.ui.main_window import MainWindow

CONTROL_KINDS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QAbstractItemView,
                 QAbstractButton)

# Commands that end or leave the session (the walk needs the store open), or that only act and open nothing.
NOT_WALKED = {
    "quit": "closes the window",
    "lock": "drops the store key",
    "close_store": "closes the store",
    "new_store": "closes the store for the create screen",
    "open_store": "a native file chooser (a fake in tests)",
    "about": "a message box from the dialog service (a fake in tests)",
}


def _internal(widget: QWidget) -> str:
    """Why ``widget`` is a Qt-internal piece a screen reader reaches through its owner, or '' if it is not."""
    parent = widget.parentWidget()
    if isinstance(widget, QScrollBar):
        return "a scroll bar: named by its role and orientation, never focused by Tab"
    if widget.objectName().startswith("qt_"):
        return "a Qt-private part (toolbar extension, spin box line edit, scroll area viewport)"
    if type(widget).__name__ == "QComboBoxListView" or type(widget).__name__ == "QComboBoxPrivateContainer":
        return "a combo box's private popup: the combo box carries the name"
    if isinstance(widget, QToolButton) and isinstance(parent, QLineEdit):
        return "a line edit's clear button: Qt's own, not in the Tab order (deleting the text does the same)"
    if isinstance(parent, QAbstractScrollArea) and widget is parent.viewport():
        return "a scroll area's viewport: the scroll area (table, chart, preview) carries the name"
    if isinstance(widget, QHeaderView) and isinstance(parent, QAbstractItemView):
        return "a table's header: a screen reader speaks each column header with its cell, through the table"
    if parent is not None and isinstance(parent, QAbstractSpinBox | QComboBox):
        return "the editor inside a spin box or editable combo box: its owner carries the name"
    return ""


def _is_control(widget: QWidget) -> bool:
    return isinstance(widget, CONTROL_KINDS) or widget.focusPolicy() != Qt.FocusPolicy.NoFocus


def spoken_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def controls(root: QWidget) -> Iterator[QWidget]:
    """The visible controls under ``root`` (its own window, not dialogs parented to it)."""
    for widget in root.findChildren(QWidget):
        if widget.window() is not root or not widget.isVisible():
            continue
        if _is_control(widget) and not _internal(widget):
            yield widget


def _where(widget: QWidget) -> str:
    window = widget.window()
    chain: list[str] = []
    parent = widget.parentWidget()
    while parent is not None and parent is not window and len(chain) < 4:
        chain.append(parent.objectName() or type(parent).__name__)
        parent = parent.parentWidget()
    return f"{window.objectName() or type(window).__name__} ({window.windowTitle()!r}) in {'/'.join(chain)}"


def open_windows(main: MainWindow) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w is not main and w.isVisible() and w.isWindow()
            and not w.objectName().startswith("qt_") and type(w).__name__ not in ("QMenu", "QComboBoxPrivateContainer")]


def close_all(main: MainWindow) -> None:
    for w in open_windows(main):
        if isinstance(w, QDialog):
            w.reject()
        w.close()
    QApplication.processEvents()


class Walk:
    def __init__(self) -> None:
        self.walked: list[QWidget] = []
        self.nameless: list[str] = []
        self.windows: set[str] = set()
        self.disabled: list[str] = []

    def visit(self, root: QWidget, label: str) -> None:
        """Walk ``root`` as shown, then with each page of each of its tab widgets shown in turn."""
        self.windows.add(label)
        self._visit_shown(root, label)
        for tabs in root.findChildren(QTabWidget):
            if tabs.window() is not root or not tabs.isVisible():
                continue
            shown = tabs.currentIndex()
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                self._visit_shown(root, f"{label}, tab {tabs.tabText(index).replace('&', '')!r}")
            tabs.setCurrentIndex(shown)

    def _visit_shown(self, root: QWidget, label: str) -> None:
        for widget in controls(root):
            if any(widget is seen for seen in self.walked):
                continue
            self.walked.append(widget)
            if not spoken_name(widget):
                self.nameless.append(f"{type(widget).__name__} {widget.objectName()!r} on {_where(widget)} [{label}]")


@pytest.fixture
def walk(demo_window: MainWindow, qtbot: QtBot) -> Iterator[Walk]:
    w = demo_window
    w.dialogs.confirm_answer = False  # type: ignore[attr-defined]  # a confirmation never changes the store
    result = Walk()
    screens = [key for key, action in w.commands.items()
               if action.isCheckable() and action.actionGroup() is not None]
    assert len(screens) >= 8  # plan, my actions, dashboard, quarters, people, meetings, indicators, profiles
    for key in screens:
        w.commands[key].trigger()
        qtbot.wait(1)
        result.visit(w, f"screen {key}")
    w.show_view("plan")
    assert w.workspace.data is not None
    w.plan_view.navigator.select(w.workspace.data.structure[0].id, None)  # so "Edit objective…" is enabled
    dialogs_opened = 0
    for key, action in list(w.commands.items()):
        if key in NOT_WALKED or key in screens:
            continue
        if not action.isEnabled():
            result.disabled.append(key)
            continue
        w.show_view("plan")
        w.plan_view.table.selectRow(0)
        action.trigger()
        qtbot.wait(1)
        for window in open_windows(w):
            dialogs_opened += 1
            result.visit(window, f"command {key}")
        close_all(w)
    assert dialogs_opened >= 10, result.windows
    yield result
    close_all(w)


def test_every_control_has_a_spoken_name(walk: Walk) -> None:
    print(f"walked {len(walk.walked)} controls on {len(walk.windows)} screens and dialogs; "
          f"{len(walk.nameless)} without a name; disabled, so not walked: {walk.disabled}")
    print(sorted(walk.windows))
    assert len(walk.walked) > 150
    assert not walk.nameless, "\n".join(walk.nameless)


# ---------------------------------------------------------------- focus is drawn

FOCUS_KINDS = (QPushButton, QToolButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QCheckBox,
               QRadioButton, QPlainTextEdit)


def _grab(widget: QWidget, focused: bool) -> bytes:
    # Tab was pressed in this window (the style draws focus frames once the keyboard is in use, as a user sees).
    widget.window().setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)
    widget.window().activateWindow()
    QApplication.processEvents()
    if focused:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        assert widget.hasFocus(), widget
    else:
        widget.clearFocus()
    image = widget.grab().toImage()
    return bytes(image.constBits())


@pytest.fixture
def app_style() -> Iterator[None]:
    """The look the app starts with (Fusion and resources/style.qss, as desktop.app sets them)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old_style, old_sheet = app.style().name(), app.styleSheet()
    app.setStyle("Fusion")
    app.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))
    yield
    app.setStyleSheet(old_sheet)
    app.setStyle(old_style)


def test_focus_is_drawn_on_every_kind_of_control(app_style: None, demo_window: MainWindow, qtbot: QtBot) -> None:
    w = demo_window
    w.show_view("plan")
    w.edit_action(w.workspace.data.rows[0].id)  # type: ignore[union-attr]
    assert w.action_editor is not None
    qtbot.wait(1)
    samples: dict[type, QWidget] = {}
    for widget in [*controls(w), *controls(w.action_editor)]:
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            kind = next((k for k in FOCUS_KINDS if isinstance(widget, k)), None)
            if kind is not None and kind not in samples:
                samples[kind] = widget
    assert {QPushButton, QToolButton, QLineEdit, QComboBox, QAbstractItemView, QCheckBox,
            QAbstractSpinBox} <= set(samples), samples
    undrawn = []
    for kind_of, widget in samples.items():
        before = _grab(widget, False)
        after = _grab(widget, True)
        if before == after:
            undrawn.append(f"{kind_of.__name__} {widget.objectName()!r} on {_where(widget)}")
        _grab(widget, False)
    w.action_editor.reject()
    assert not undrawn, "\n".join(undrawn)


# ---------------------------------------------------------------- the unlock screen


def test_every_control_on_the_unlock_screen_has_a_spoken_name(window: MainWindow, demo_store_path: Path,
                                                                 qtbot: QtBot) -> None:
    """The first screen a user meets, in each of its states: a recent store, the server form, the create page,
    and the busy row of an unlock in progress."""
    w = window
    w.start(demo_store_path)
    w.show()
    screen = w.unlock
    qtbot.waitExposed(w)
    result = Walk()
    result.visit(w, "unlock a store file")
    screen.server_button.setChecked(True)
    result.visit(w, "connect to a server")
    screen.server_button.setChecked(False)
    screen.show_create()
    result.visit(w, "create a new store")
    screen.show_unlock()
    screen.set_busy(True, "Unlocking demo.pathways…")
    result.visit(w, "unlock in progress")
    screen.set_busy(False)
    walked = {widget.objectName() for widget in result.walked}
    assert {"store_chooser", "choose_store", "passphrase", "unlock", "new_store", "connect_server", "server_address",
            "server_password", "new_path", "choose_new_path", "new_passphrase", "repeat_passphrase", "create_store",
            "back", "cancel_unlock"} <= walked, walked
    assert not result.nameless, "\n".join(result.nameless)
