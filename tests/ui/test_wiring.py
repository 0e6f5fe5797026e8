"""desktop.ui.wiring: every feature command has its handler and every feature screen its factory, the feature
screens build on the demo store, follow the plan, and are dropped when the store locks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop import app
from desktop.ui import commands, wiring
from desktop.ui.indicators_view import IndicatorsView
from desktop.ui.main_window import MainWindow
from desktop.ui.meetings_view import MeetingsView
from desktop.ui.profiles_view import ProfilesView
from desktop.ui.tasks import TaskState
from desktop.ui.workspace import Change, StoreBusy

TIMEOUT = 60_000


FEATURE_COMMANDS = ("feature_import_plan", "feature_lead_returns", "feature_export_update",
                    "feature_export_spreadsheet", "feature_verify_pdf", "feature_meetings", "feature_indicators",
                    "feature_profiles")


def test_every_feature_command_is_wired_and_the_wiring_is_fixed() -> None:
    screens = {c.screen: key for key, c in commands.COMMANDS.items() if c.screen}
    assert set(wiring.HANDLERS) | {screens[s] for s in wiring.SCREENS} == set(FEATURE_COMMANDS)
    assert all(not commands.COMMANDS[key].screen for key in wiring.HANDLERS)  # a handler is not a screen
    with pytest.raises(TypeError):
        wiring.HANDLERS["feature_verify_pdf"] = print  # type: ignore[index]  # no registering at run time
    with pytest.raises(TypeError):
        del wiring.SCREENS["meetings"]  # type: ignore[attr-defined]


def test_profiles_screen_is_declared() -> None:
    c = commands.COMMANDS["feature_profiles"]
    assert c.menu == "view" and c.text == "&Offender profiles" and c.icon == "profiles" and c.screen == "profiles"
    assert "disclosure profile" in c.tip


def test_feature_menu_entries_are_enabled_on_an_open_store(demo_window: MainWindow) -> None:
    for key in FEATURE_COMMANDS:
        action = demo_window.commands[key]
        assert action.isEnabled(), key
        assert action.statusTip() == commands.COMMANDS[key].tip
    assert demo_window.quarters.returns_button.isEnabled()


def test_views_construct_on_the_demo_store(qtbot: QtBot, demo_window: MainWindow) -> None:
    w = demo_window
    for key, kind in (("meetings", MeetingsView), ("indicators", IndicatorsView), ("profiles", ProfilesView)):
        assert w.commands[f"feature_{key}"] in w.menuBar().actions()[2].menu().actions()  # in the View menu
        w.show_view(key)
        assert w.current_view() == key
        host = w._view_widgets[key]
        assert isinstance(host, wiring.FeatureViewHost)
        assert isinstance(host.view, kind) and host.currentWidget() is host.view and not host.stale
    profiles = wiring.SCREENS["profiles"](w)
    qtbot.addWidget(profiles)
    profiles.show()
    assert isinstance(profiles, wiring.FeatureViewHost) and isinstance(profiles.view, ProfilesView)
    assert profiles.view.plan_id == w.workspace.plan_id


def test_plan_screens_follow_the_plan_and_are_dropped_on_lock(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    w = demo_window
    w.show_view("indicators")
    host = w._view_widgets["indicators"]
    assert isinstance(host, wiring.FeatureViewHost) and host.built_for == w.workspace.plan_id
    other = next(p.id for p in w.workspace.plans if p.id != w.workspace.plan_id)
    w.workspace.load_plan(other)
    assert host.built_for == other and isinstance(host.view, IndicatorsView)
    assert "Hartlepool" in host.view.title.text()

    meetings = w._view_widgets["meetings"]
    assert isinstance(meetings, wiring.FeatureViewHost)
    assert meetings.view is None and meetings.stale  # never shown, never built
    w.lock()
    assert host.view is None and host.currentWidget() is host.placeholder
    assert "Unlock a store" in host.placeholder.text()


def test_hidden_screens_refresh_when_shown_after_a_change(demo_window: MainWindow) -> None:
    w = demo_window
    w.show_view("meetings")
    host = w._view_widgets["meetings"]
    assert isinstance(host, wiring.FeatureViewHost)
    view = host.view
    w.show_view("plan")
    w.workspace.apply(Change(structure=True))
    assert host.stale
    w.show_view("meetings")
    assert not host.stale and host.view is view  # refreshed in place, not rebuilt


def test_sessions_use_the_store_directly_on_the_worker(
    qtbot: QtBot, threaded_window: MainWindow, demo_store_path: Path, passphrase: str
) -> None:
    w = threaded_window
    with qtbot.waitSignal(w.workspace.opened, timeout=TIMEOUT):
        w.workspace.open_store(demo_store_path, passphrase)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=TIMEOUT)
    sessions = wiring.WorkspaceSessions(w.workspace)
    seen: list[object] = []

    def work(state: TaskState) -> int:
        with sessions.session() as session:  # the worker holds the store: allowed
            return len(list(session.execute(text("select 1"))))

    with qtbot.waitSignal(w.runner.idle, timeout=TIMEOUT):
        w.runner.run(work, seen.append)
        with pytest.raises(StoreBusy), sessions.session():  # ... while the UI thread waits its turn
            pass
    assert seen == [1]


def test_create_main_window_has_every_feature_screen(qtbot: QtBot, pathways_home: Path) -> None:
    window = app.create_main_window()
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    for screen in wiring.SCREENS:
        assert isinstance(window._view_widgets[screen], wiring.FeatureViewHost)
    assert not window.commands["feature_meetings"].isEnabled()  # no store open yet
    assert window.commands["feature_verify_pdf"].isEnabled()  # verifying a PDF needs no store
