"""What a first walk through the app found, each fixed and held here: the update dialog's Tab order, focus on the
RAG buttons, the toolbar at 1280×720, menu mnemonics, the detail panel, "1 minutes", a stale validation message,
and file dialogs that forget the last folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QScrollArea, QSpinBox, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from desktop.settings import Settings
from desktop.ui.dialog_service import DialogService
from desktop.ui.forms import preferences_dialog
from desktop.ui.main_window import MainWindow
from desktop.ui.widgets import FieldError


def _tab_stops(start: QWidget, count: int) -> list[QWidget]:
    """The next ``count`` widgets Tab reaches from ``start`` (what QWidget.focusNextChild walks)."""
    out: list[QWidget] = []
    widget = start.nextInFocusChain()
    while widget is not start and len(out) < count:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible() and widget.isEnabled() \
                and widget.objectName() != "qt_spinbox_lineedit":
            out.append(widget)
        widget = widget.nextInFocusChain()
    return out


def test_tab_from_the_rag_buttons_reaches_forecast_percent_and_commentary(demo_window: MainWindow) -> None:
    w = demo_window
    w.update_next()
    dialog = w.update_dialog
    assert dialog is not None
    first = dialog.rag.first_button()
    assert first is not None
    stops = [s for s in _tab_stops(first, 12) if s.parent() is not dialog.rag]
    assert not any(isinstance(s, QScrollArea) for s in stops)  # no invisible stop
    names = [s.objectName() for s in stops if s.objectName() != "use_suggestion"]
    assert names[:3] == ["forecast_rag", "percent_complete", "commentary"]
    dialog.reject()


def test_the_focused_rag_button_is_drawn_differently(qtbot: QtBot, demo_window: MainWindow) -> None:
    w = demo_window
    w.update_next()
    dialog = w.update_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    button = dialog.rag.first_button()
    assert button is not None
    plain = button.grab().toImage()
    dialog.activateWindow()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus, timeout=5000)
    assert button.grab().toImage() != plain
    dialog.reject()


def test_at_1280_by_720_the_whole_toolbar_shows(qtbot: QtBot, demo_window: MainWindow) -> None:
    w = demo_window
    font = QApplication.font()
    font.setPointSizeF(font.pointSizeF() * 1.2)  # a real display's fonts run larger than the offscreen ones
    w.setFont(font)
    w.resize(1280, 720)
    qtbot.waitUntil(lambda: w.toolbar.width() <= 1280, timeout=5000)
    for key in ("lock", "undo", "redo", "next_update"):
        button = w.toolbar.widgetForAction(w.commands[key])
        assert button is not None and button.isVisible(), key
        assert button.geometry().right() <= w.toolbar.width(), key
    extension = w.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()


def test_no_two_entries_of_a_menu_share_a_mnemonic(demo_window: MainWindow) -> None:
    for menu in demo_window.menuBar().findChildren(QMenu):
        letters: dict[str, str] = {}
        for action in menu.actions():
            text = action.text()
            if "&" not in text.replace("&&", ""):
                continue
            letter = text[text.index("&") + 1].lower()
            assert letter not in letters, f"{menu.title()}: {letters[letter]!r} and {text!r} share Alt+{letter}"
            letters[letter] = text


def test_a_collapsed_detail_panel_comes_back_from_the_view_menu(qtbot: QtBot, demo_window: MainWindow) -> None:
    w = demo_window
    pv = w.plan_view
    sizes = pv.splitter.sizes()
    pv.splitter.setSizes([sizes[0], sizes[1] + sizes[2], 0])  # the user dragged it shut
    pv.splitter.splitterMoved.emit(sizes[0] + sizes[1] + sizes[2], 2)
    assert not pv.detail_shown() and not w.commands["detail_panel"].isChecked()
    w.commands["detail_panel"].trigger()
    assert pv.detail_shown() and pv.splitter.sizes()[2] >= pv.detail.minimumWidth()
    assert w.commands["detail_panel"].isChecked()
    w.commands["detail_panel"].trigger()
    assert not pv.detail_shown()


def test_one_minute_is_singular(qtbot: QtBot, settings: Settings) -> None:
    dialog = preferences_dialog(settings)
    qtbot.addWidget(dialog)
    spin = dialog.findChild(QSpinBox)
    assert spin is not None
    spin.setValue(1)
    assert spin.text() == "1 minute"
    spin.setValue(5)
    assert spin.text() == "5 minutes"


def test_a_validation_message_goes_when_the_field_is_changed(qtbot: QtBot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    error = FieldError(field)
    error.show_message("A title is needed.")
    assert not error.isHidden() and field.property("invalid") is True
    qtbot.keyClicks(field, "Reducing reoffending")
    assert error.isHidden() and field.property("invalid") is False


def test_file_dialogs_start_in_the_last_folder_used(qtbot: QtBot, settings: Settings, tmp_path: Path) -> None:
    service = DialogService(settings)
    assert service.start_folder() == Path.home()  # never the process's working folder
    assert service.start_folder(tmp_path) == tmp_path
    chosen = tmp_path / "exports" / "update.pdf"
    chosen.parent.mkdir()
    service.remember_folder(chosen)
    assert service.start_folder(tmp_path) == chosen.parent
    assert DialogService(settings).start_folder() == chosen.parent  # remembered across sessions


def test_the_shortcuts_table_is_the_menus_own(qtbot: QtBot, demo_window: MainWindow) -> None:
    """Help › Keyboard shortcuts is built from the menus: every command with keys is listed with those keys, and a
    shortcut changed on a command shows there at once."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QTableWidget

    from desktop.ui.commands import shortcut_rows

    w = demo_window
    rows = {path: keys for path, keys, _ in shortcut_rows(w.commands)}
    assert rows["File › Lock now"] == "Ctrl+L"
    assert rows["View › Refresh"] == "F5"
    assert rows["View › Detail panel"] == "Ctrl+Shift+D"
    w.commands["lock"].setShortcut(QKeySequence("Ctrl+Shift+L"))
    w.show_shortcuts()
    table = w.form.findChild(QTableWidget)
    assert table is not None
    shown = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert shown["File › Lock now"] == "Ctrl+Shift+L"
    assert "Record update › Save and next" in shown
    guide = (Path(__file__).resolve().parents[2] / "docs" / "guide" / "desktop.md").read_text(encoding="utf-8")
    for keys in rows.values():
        for key in keys.split(" or "):
            assert key in guide, f"{key} is missing from the user guide's shortcuts table"


def test_every_item_role_is_declared_once_and_models_name_theirs() -> None:
    from desktop.ui.action_table_model import ActionTableModel
    from desktop.ui.indicators_view import IndicatorTableModel
    from desktop.ui.profiles_view import MARK_ROLE, PreviewTableModel
    from desktop.ui.rag_delegate import RAG_ROLE
    from desktop.ui.record_model import RecordTableModel
    from desktop.ui.roles import Role

    assert len({int(r) for r in Role}) == len(Role)
    assert MARK_ROLE != RAG_ROLE  # once the same number: a preview mark read as a RAG status
    assert ActionTableModel.SortRole == RecordTableModel.SortRole == PreviewTableModel.SortRole == Role.SORT
    assert IndicatorTableModel.RagStatusRole == Role.RAG_STATUS and PreviewTableModel.MarkRole == Role.MARK
