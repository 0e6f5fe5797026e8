"""The screens on the demonstration store: dashboard, quarters, people, my actions, the update queue, locking,
the feature registry, accessibility basics."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_fakes import FakeDialogs

from desktop.app import build_context
from desktop.models import AuditEvent, ReportingPeriod
from desktop.services.readmodels import awaiting_update
from desktop.settings import MAIN_GEOMETRY, Settings
from desktop.ui import commands
from desktop.ui.forms import FormDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.quarters_view import CloseQuarterDialog
from desktop.ui.tasks import TaskRunner


def test_dashboard_charts_have_titles_axes_legends_and_letters(demo_window: MainWindow) -> None:
    w = demo_window
    w.show_view("dashboard")
    charts = (w.dashboard.by_objective, w.dashboard.over_quarters, w.dashboard.overdue, w.dashboard.outstanding)
    for chart in charts:
        item = chart.getPlotItem()
        assert chart.title and item.titleLabel.text
        assert item.getAxis("bottom").labelText
        assert chart.accessibleDescription()
        assert item.listDataItems()
    legend = w.dashboard.by_objective.legend
    assert legend is not None
    names = [label.text for _, label in legend.items]
    assert "R Red" in names and "G Green" in names  # the same letters as the table
    texts = [i.toPlainText() for i in w.dashboard.over_quarters.getPlotItem().items if hasattr(i, "toPlainText")]
    assert "G" in texts and any(t.startswith(("R ", "A ")) or t in ("R", "A") for t in texts)
    assert "2015/16 Q1" in w.dashboard.over_quarters.accessibleDescription()


def test_close_a_quarter_shows_what_is_frozen_and_who_is_missing(demo_window: MainWindow) -> None:
    w = demo_window
    data = w.workspace.data
    assert data is not None and data.current_period is not None
    missing = [r for r in data.rows if awaiting_update(r, data.current_period)]
    w.show_view("quarters")
    assert w.quarters.model.rowCount() == len(data.periods)
    assert f"{len(missing)} awaiting" in w.quarters.summary.text()
    w.commands["close_quarter"].trigger()
    dialog = w.form
    assert isinstance(dialog, CloseQuarterDialog)
    awaited = dialog.model.rows()
    assert sum(len(a.codes) for a in awaited) == len(missing)
    # the dialog counts awaited returns by the same rule as the table of who owes them (issue #14)
    frozen = dialog.findChild(QLabel, "frozen_awaiting")
    assert frozen is not None and frozen.text() == f"Awaiting an update: {len(missing)}"
    label = data.current_period.label
    dialog.close_button.click()
    assert w.workspace.data is not None and w.workspace.data.current_period is not None
    assert w.workspace.data.current_period.closed and w.workspace.data.current_period.label == label
    assert w.statusBar().currentMessage().startswith(f"{label} closed; snapshot SHA-256 ")
    with w.workspace.session() as session:
        period = session.scalar(select(ReportingPeriod).where(ReportingPeriod.label == label,
                                                              ReportingPeriod.plan_id == data.plan.id))
        assert period is not None and period.is_closed
    assert not w.commands["record_update"].isEnabled()


def test_people_and_organisations(demo_window: MainWindow, qtbot: QtBot) -> None:
    w = demo_window
    w.show_view("people")
    data = w.workspace.data
    assert data is not None
    assert w.people.people.rowCount() == len(data.people)
    busiest = max(w.people.people.rows(), key=lambda r: r.load.primary if r.load else 0)
    w.people.select_person(busiest.person.id)
    assert w.people.actions_proxy.rowCount() == busiest.load.primary + busiest.load.joint
    assert "Primary lead on" in w.people.lead_summary.text()
    # add an organisation, then rename a person (undoable)
    w.people.add_org.click()
    form = w.form
    assert isinstance(form, FormDialog)
    qtbot.keyClicks(form.fields["name"], "Cleveland Fire Brigade")
    qtbot.keyClicks(form.fields["short_name"], "CFB")
    form.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert any(o.short_name == "CFB" for o in w.workspace.data.organisations)  # type: ignore[union-attr]
    w.people.select_person(busiest.person.id)
    w.people.edit_person.click()
    form = w.form
    assert isinstance(form, FormDialog)
    form.fields["email"].setText("lead@example.org")  # type: ignore[attr-defined]
    form.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert w.undo.canUndo() and "Edit" in w.undo.undoText()
    w.undo.undo()
    with w.workspace.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc())).first()
        assert last is not None and last.reason == "Undo" and last.entity == "person"


def test_my_actions_and_the_keyboard_update_queue(demo_window: MainWindow, qtbot: QtBot) -> None:
    w = demo_window
    w.show_view("my_actions")
    assert w.my_actions.pages.currentIndex() == 0  # "choose who you are" first
    data = w.workspace.data
    assert data is not None
    period = data.current_period
    lead = max(data.people, key=lambda p: sum(1 for r in data.rows
                                              if r.lead_ids[:1] == (p.id,) and awaiting_update(r, period)))
    w.workspace.set_person(lead.id)
    assert w.my_actions.pages.currentIndex() == 1
    mine = [r for r in data.rows if lead.id in r.lead_ids]
    assert w.my_actions.cards["total"].value.text() == str(len(mine))
    waiting = [r.id for r in mine if awaiting_update(r, period)]
    assert len(waiting) >= 2
    assert set(w.my_actions.awaiting_ids()) == set(waiting)
    assert "Acting as: " + lead.display_name == w.actor_button.text()

    w.my_actions.update_all.click()
    dialog = w.update_dialog
    assert dialog is not None and dialog.controller.queue == w.my_actions.awaiting_ids()
    first = dialog.controller.current()
    # keyboard only: G on the RAG buttons, Tab to the next fields, Ctrl+Enter to save and go on
    button = dialog.rag.first_button()
    assert button is not None
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_G)
    qtbot.keyClicks(dialog.commentary, "On track this quarter.")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    qtbot.keyClick(dialog.commentary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.general_error.isVisible(), dialog.general_error.text()
    second = dialog.controller.current()
    assert second != first and second in waiting
    row = next(r for r in w.workspace.data.rows if r.id == first)  # type: ignore[union-attr]
    assert row.updated_this_period and row.rag == "green"
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert dialog.controller.current() != second
    dialog.reject()
    with w.workspace.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.verb == "record_update")
                                .order_by(AuditEvent.sequence.desc())).first()
        assert event is not None and event.actor_label == lead.display_name


def test_lock_hides_dialogs_and_unlock_brings_them_back(demo_window: MainWindow, passphrase: str,
                                                         qtbot: QtBot) -> None:
    w = demo_window
    action_id = w.workspace.data.rows[2].id  # type: ignore[union-attr]
    w.plan_view.select_action(action_id)
    w.edit_action(action_id)
    editor = w.action_editor
    assert editor is not None and editor.isVisible()
    editor.timescale.setText("typed but not saved")
    w.commands["lock"].trigger()
    assert not w.workspace.is_open and not editor.isVisible()
    assert w.root.currentWidget() is w.unlock and "locked" in w.unlock.message.text().lower()
    assert not w.commands["new_action"].isEnabled() and not w.toolbar.isVisible()
    qtbot.keyClicks(w.unlock.passphrase, "wrong passphrase entirely")
    qtbot.keyClick(w.unlock.passphrase, Qt.Key.Key_Return)
    assert not w.workspace.is_open and not editor.isVisible() and w.unlock.passphrase.text() == ""
    qtbot.keyClicks(w.unlock.passphrase, passphrase)
    qtbot.keyClick(w.unlock.passphrase, Qt.Key.Key_Return)
    assert w.workspace.is_open and editor.isVisible()
    assert editor.timescale.text() == "typed but not saved"
    assert w.plan_view.current_action_id() == action_id
    editor.reject()


def test_undo_that_is_no_longer_possible_says_why(demo_window: MainWindow, qtbot: QtBot) -> None:
    w = demo_window
    data = w.workspace.data
    assert data is not None
    priority = data.structure[0].priorities[0].id
    w.plan_view.navigator.select(data.structure[0].id, priority)
    w.new_action()
    editor = w.action_editor
    assert editor is not None
    qtbot.keyClicks(editor.text, "A brand new action")
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    new_id = max(r.id for r in w.workspace.data.rows)  # type: ignore[union-attr]
    w.plan_view.select_action(new_id)
    w.record_update(new_id)
    dialog = w.update_dialog
    assert dialog is not None
    dialog.rag.set_value("green")
    dialog.commentary.setPlainText("Started well.")
    dialog.save_button.click()
    assert w.undo.undoText().startswith("Add action")
    w.undo.undo()
    dialogs = w.dialogs
    assert isinstance(dialogs, FakeDialogs)
    assert dialogs.shown and dialogs.shown[-1][0] == "error" and "Cancelled instead" in dialogs.shown[-1][2]
    assert any(r.id == new_id for r in w.workspace.data.rows)  # type: ignore[union-attr]
    assert not w.undo.canUndo() or not w.undo.undoText().startswith("Add action")


def test_every_command_has_a_handler_and_is_reachable_from_a_menu(
    qtbot: QtBot, settings: Settings, dialogs: FakeDialogs
) -> None:
    """The command table (desktop.ui.commands) is the one list of commands: each has a handler and sits in a menu,
    and a missing handler (or a handler for no command) stops the window being built: no entry that does nothing.
    (Replaces the test of the "coming later" feature registry, which is gone: every feature is wired.)"""
    window = MainWindow(build_context(settings, dialogs=dialogs, runner=TaskRunner(inline=True)))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    handlers = window.handlers()
    assert set(handlers) == set(commands.COMMANDS) == set(window.commands)
    in_menus = {id(action) for _, action in commands.menu_entries(window.menuBar())}
    assert [key for key, action in window.commands.items() if id(action) not in in_menus] == []
    owner = QWidget()
    qtbot.addWidget(owner)
    with pytest.raises(LookupError, match="feature_verify_pdf"):
        commands.build_actions(owner, {k: v for k, v in handlers.items() if k != "feature_verify_pdf"})
    with pytest.raises(LookupError, match="no_such_command"):
        commands.build_actions(owner, {**handlers, "no_such_command": print})
    called: list[str] = []
    actions = commands.build_actions(owner, {**handlers, "about": lambda: called.append("about")})
    actions["about"].trigger()
    assert called == ["about"]


@pytest.fixture
def every_screen(demo_window: MainWindow) -> Iterator[list[QWidget]]:
    w = demo_window
    w.edit_action(w.workspace.data.rows[0].id)  # type: ignore[union-attr]
    assert w.action_editor is not None
    screens: list[QWidget] = [w, w.action_editor]
    yield screens
    w.action_editor.reject()


def _has_name(widget: QWidget) -> bool:
    if widget.accessibleName():
        return True
    if isinstance(widget, QAbstractButton) and widget.text():
        return True
    window = widget.window()
    return any(label.buddy() is widget for label in window.findChildren(QLabel))


def test_every_input_has_an_accessible_name_or_label(every_screen: list[QWidget]) -> None:
    kinds = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QAbstractButton)
    missing = []
    for screen in every_screen:
        for widget in screen.findChildren(QWidget):
            if not isinstance(widget, kinds) or widget.parent() is None:
                continue
            if type(widget).__name__ in ("QComboBoxPrivateContainer", "QCalendarWidget", "QToolButton",
                                         "QHeaderView"):
                continue
            if widget.objectName().startswith("qt_") or isinstance(widget.parent(), QAbstractSpinBox | QComboBox):
                continue
            if isinstance(widget, QAbstractItemView) and isinstance(widget.parent().parent(), QComboBox):
                continue
            if not _has_name(widget):
                missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert not missing, missing


def test_every_menu_command_has_a_keyboard_route(demo_window: MainWindow) -> None:
    for menu_action in demo_window.menuBar().actions():
        assert "&" in menu_action.text()  # Alt+letter opens each menu
        for action in menu_action.menu().actions():  # type: ignore[union-attr]
            if action.isSeparator():
                continue
            assert "&" in action.text() or action.shortcut().toString(), action.text()


def test_fits_a_1440_by_900_screen_at_150_percent(demo_window: MainWindow) -> None:
    hint = demo_window.minimumSizeHint()
    assert hint.width() <= 960 and hint.height() <= 600, hint


def test_window_geometry_and_recent_stores_are_remembered(
    demo_window: MainWindow, settings: Settings, demo_store_path: Path, qtbot: QtBot, dialogs: FakeDialogs
) -> None:
    demo_window.resize(760, 560)  # (the offscreen screen is 800×600; geometry is clamped to it)
    demo_window.close()
    assert not settings.get(MAIN_GEOMETRY).isEmpty()
    assert settings.recent_stores()[0] == demo_store_path.resolve()
    again = MainWindow(build_context(settings, dialogs=dialogs, runner=TaskRunner(inline=True)))  # type: ignore[arg-type]
    qtbot.addWidget(again)
    assert again.size().width() == 760
    again.start()
    assert again.unlock.selected_store() == demo_store_path.resolve()
