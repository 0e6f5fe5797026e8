"""The command table (desktop.ui.commands) is the one source of the main window's menus, toolbar, shortcuts table
and enabling: the built window is compared with the table, and each state (no store, a store with nothing selected,
an action selected, a task running, locked) enables exactly the commands whose declared needs hold."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QMenu, QTableWidget, QToolBar, QWidgetAction
from pytestqt.qtbot import QtBot

from desktop.ui import commands
from desktop.ui.commands import COMMANDS, MENUS, READY, TABLE, Command, Need, Submenu, enabled
from desktop.ui.forms import FormDialog
from desktop.ui.main_window import IN_DIALOG_SHORTCUTS, MainWindow
from desktop.ui.tasks import TaskState

TIMEOUT = 60_000
SEPARATOR = "—"


def _enabled(window: MainWindow) -> set[str]:
    return {key for key, action in window.commands.items() if action.isEnabled()}


def _declared(state: Need) -> set[str]:
    return {key for key, command in COMMANDS.items() if enabled(command.needs, state)}


def _mnemonic(text: str) -> str | None:
    plain = text.replace("&&", "")
    return plain[plain.index("&") + 1].lower() if "&" in plain else None


# ---------------------------------------------------------------------------------------------- the table itself


def test_a_command_is_enabled_only_when_all_it_needs_holds() -> None:
    assert enabled(Need.NOTHING, Need.NOTHING)
    assert enabled(READY, READY | Need.NODE)
    assert not enabled(READY | Need.SELECTION, READY)
    assert not enabled(Need.STORE | Need.IDLE, Need.STORE)  # busy


def test_every_command_is_reachable_from_the_keyboard_and_no_mnemonic_is_shared() -> None:
    titles = [_mnemonic(title) for _, title in MENUS]
    assert None not in titles and len(set(titles)) == len(titles), titles
    for menu, _ in MENUS:
        letters: dict[str, str] = {}
        for entry in (e for e in TABLE if e.menu == menu):
            letter = _mnemonic(entry.text)
            if isinstance(entry, Command):
                assert letter is not None or entry.shortcuts, f"{entry.key} has neither a mnemonic nor keys"
            if letter is not None:
                assert letter not in letters, f"{menu}: {letters[letter]!r} and {entry.text!r} share Alt+{letter}"
                letters[letter] = entry.text
    keys = [QKeySequence(k).toString() for c in COMMANDS.values() for k in c.shortcuts]
    assert len(set(keys)) == len(keys), "two commands share a key"


def test_screen_commands_name_their_screen() -> None:
    assert commands.screen_command("plan") == "view_plan"
    assert commands.screen_command("meetings") == "feature_meetings"
    assert commands.screen_command("nowhere") is None


# ---------------------------------------------------------------------------------------------- the built window


def test_the_menus_are_the_table(window: MainWindow) -> None:
    bar = window.menuBar()
    assert [a.text() for a in bar.actions()] == [title for _, title in MENUS]
    for (key, _), top in zip(MENUS, bar.actions(), strict=True):
        menu = top.menu()
        assert isinstance(menu, QMenu)
        built = [SEPARATOR if a.isSeparator() else a.text() if a.menu() else a.objectName().removeprefix("action_")
                 for a in menu.actions()]
        expected: list[str] = []
        group = None
        for entry in (e for e in TABLE if e.menu == key):
            if group is not None and entry.group != group:
                expected.append(SEPARATOR)
            group = entry.group
            expected.append(entry.text if isinstance(entry, Submenu) else entry.key)
        assert built == expected, key
    for key, command in COMMANDS.items():
        action = window.commands[key]
        assert action.text() == command.text and action.statusTip() == command.tip
        assert [s.toString() for s in action.shortcuts()] == [QKeySequence(k).toString() for k in command.shortcuts]
        assert action.isCheckable() == command.is_checkable


def test_the_toolbar_is_the_table(window: MainWindow) -> None:
    toolbar = window.findChild(QToolBar, "main_toolbar")
    assert toolbar is window.toolbar
    built: list[str] = []
    for action in toolbar.actions():
        if action.isSeparator():
            built.append(SEPARATOR)
        elif isinstance(action, QWidgetAction) or not action.objectName():
            built.append("spacer")
        else:
            built.append(action.objectName().removeprefix("action_"))
    on_bar = sorted((c for c in COMMANDS.values() if c.toolbar), key=lambda c: c.toolbar)
    expected: list[str] = []
    for previous, command in zip([None, *on_bar], on_bar, strict=False):
        if previous is not None and previous.toolbar != command.toolbar:
            expected.append("spacer" if command.toolbar >= commands.TOOLBAR_RIGHT else SEPARATOR)
        expected.append(command.key)
    assert built == expected
    assert built[:5] == ["view_plan", "view_my_actions", "view_dashboard", "view_quarters", "view_people"]
    assert built[-2:] == ["spacer", "lock"]
    assert window.commands["new_action"].iconText() == "New"


def test_the_shortcuts_table_is_the_table(qtbot: QtBot, demo_window: MainWindow) -> None:
    w = demo_window
    w.show_shortcuts()
    table = w.form.findChild(QTableWidget) if w.form else None
    assert table is not None
    shown = [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]
    titles = dict(MENUS)
    expected = [(f"{titles[c.menu].replace('&', '')} › {c.plain}",
                 " or ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in c.shortcuts),
                 c.tip) for c in COMMANDS.values() if c.shortcuts]
    assert shown == [*expected, *IN_DIALOG_SHORTCUTS]
    assert ("Edit › Redo", "Ctrl+Shift+Z or Ctrl+Y", "Redo the edit just undone") in shown
    w.form.reject()  # type: ignore[union-attr]


def test_every_screen_command_shows_its_screen(demo_window: MainWindow) -> None:
    w = demo_window
    for key, command in COMMANDS.items():
        if command.screen:
            w.commands[key].trigger()
            assert w.current_view() == command.screen and w.commands[key].isChecked()
    assert sum(w.commands[k].isChecked() for k, c in COMMANDS.items() if c.screen) == 1  # exclusive


# ---------------------------------------------------------------------------------------------- enabling


NO_STORE = {"new_store", "open_store", "quit", "preferences", "shortcuts", "about", "feature_verify_pdf"}


def test_with_no_store_only_the_commands_that_need_none_are_enabled(window: MainWindow) -> None:
    window.start()
    assert window.state() == Need.IDLE | Need.VIEWS  # nothing running: the store (none) and the views are free
    assert _enabled(window) == NO_STORE == _declared(Need.IDLE | Need.VIEWS)
    assert not window.toolbar.isVisibleTo(window)


def test_a_store_with_nothing_selected_then_an_action_selected(demo_window: MainWindow) -> None:
    w = demo_window
    w.show_view("plan")
    w.plan_view.table.clearSelection()
    w.plan_view.navigator.select(None, None)
    state = w.state()
    assert state & READY == READY and not state & (Need.SELECTION | Need.NODE)
    on = _enabled(w)
    assert on == _declared(state)
    assert {"new_action", "new_objective", "find", "refresh", "lock", "feature_meetings", "view_people"} <= on
    assert not {"edit_action", "record_update", "edit_node", "undo", "redo"} & on
    assert w.quarters.open_button.isEnabled()

    w.plan_view.table.selectRow(0)
    assert w.state() & Need.SELECTION
    assert "edit_action" in _enabled(w)
    assert ("record_update" in _enabled(w)) == bool(w.state() & Need.OPEN_QUARTER)
    assert _enabled(w) == _declared(w.state())

    assert w.workspace.data is not None
    w.plan_view.navigator.select(w.workspace.data.structure[0].id, None)
    assert "edit_node" in _enabled(w)
    w.show_view("dashboard")  # no action table on this screen: nothing is selected
    assert "edit_action" not in _enabled(w) and "edit_node" in _enabled(w)


def test_my_actions_selection_enables_editing(demo_window: MainWindow) -> None:
    w = demo_window
    data = w.workspace.data
    assert data is not None
    lead = max(data.people, key=lambda p: sum(1 for r in data.rows if r.lead_ids[:1] == (p.id,)))
    w.workspace.set_person(lead.id)  # Tools › Who am I…: someone who leads actions
    w.show_view("my_actions")
    table = w.my_actions.table
    assert table.model().rowCount() > 0
    table.clearSelection()
    assert "edit_action" not in _enabled(w)
    table.selectRow(0)
    assert "edit_action" in _enabled(w)


def test_undo_and_redo_follow_the_undo_stack(qtbot: QtBot, demo_window: MainWindow) -> None:
    w = demo_window
    assert not w.commands["undo"].isEnabled()
    count = len(w.workspace.data.structure)  # type: ignore[union-attr]
    w.commands["new_objective"].trigger()
    assert isinstance(w.form, FormDialog)
    qtbot.keyClicks(w.form.fields["title"], "Reduce reoffending by young adults")
    w.form.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: len(w.workspace.data.structure) == count + 1, timeout=TIMEOUT)  # type: ignore[union-attr]
    assert w.commands["undo"].isEnabled() and not w.commands["redo"].isEnabled()
    assert w.commands["undo"].text().startswith("&Undo ") and len(w.commands["undo"].text()) > len("&Undo ")
    w.commands["undo"].trigger()
    assert w.commands["redo"].isEnabled()


def test_while_a_task_runs_only_what_is_safe_stays_enabled(
    qtbot: QtBot, threaded_window: MainWindow, demo_store_path: Path, passphrase: str
) -> None:
    w = threaded_window
    w.start(demo_store_path)
    with qtbot.waitSignal(w.workspace.opened, timeout=TIMEOUT):
        w.workspace.open_store(demo_store_path, passphrase)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=TIMEOUT)
    release = threading.Event()

    def work(state: TaskState) -> None:
        release.wait(30)

    w.runner.run(work, title="Waiting")
    try:
        qtbot.waitUntil(lambda: w.runner.busy, timeout=TIMEOUT)
        state = w.state()
        assert state & Need.STORE and not state & Need.IDLE
        on = _enabled(w)
        assert on == _declared(state) == {"lock", "quit", "preferences", "shortcuts", "about", "detail_panel"}
    finally:
        release.set()
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=TIMEOUT)
    assert {"refresh", "close_store", "feature_verify_pdf"} <= _enabled(w)


def test_after_locking_the_commands_are_those_of_no_store(demo_window: MainWindow) -> None:
    w = demo_window
    w.plan_view.table.selectRow(0)
    assert "edit_action" in _enabled(w)
    w.lock()
    assert not w.workspace.is_open
    assert _enabled(w) == NO_STORE
    assert not w.quarters.close_button.isEnabled() and not w.quarters.returns_button.isEnabled()
