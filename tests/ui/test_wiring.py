"""desktop.ui.wiring: every feature is registered, the feature screens build on the demo store, follow the plan,
and are dropped when the store locks; desktop.app installs the wiring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop import app
from desktop.ui import features, wiring
from desktop.ui.indicators_view import IndicatorsView
from desktop.ui.main_window import MainWindow
from desktop.ui.meetings_view import MeetingsView
from desktop.ui.profiles_view import ProfilesView
from desktop.ui.tasks import TaskState
from desktop.ui.workspace import Change, StoreBusy

TIMEOUT = 60_000


@pytest.fixture
def wired() -> Iterator[None]:
    wiring.install()
    yield
    wiring.uninstall()


def test_every_feature_is_available_after_install() -> None:
    assert not any(features.available(f.key) for f in features.FEATURES)
    wiring.install()
    try:
        missing = [f.key for f in features.FEATURES if not features.available(f.key)]
        assert missing == []
        for f in features.FEATURES:
            if f.menu == "view":
                assert features.view_factory(f.key) is not None
            else:
                assert features.handler(f.key) is not None
        wiring.install()  # a second call changes nothing
        assert all(features.available(f.key) for f in features.FEATURES)
    finally:
        wiring.uninstall()
    assert not any(features.available(f.key) for f in features.FEATURES)


def test_profiles_feature_is_declared() -> None:
    f = features.feature("profiles")
    assert f.menu == "view" and f.text == "&Offender profiles" and f.icon == "profiles"
    assert "disclosure profile" in f.description


def test_feature_menu_entries_are_enabled_on_an_open_store(wired: None, demo_window: MainWindow) -> None:
    for f in features.FEATURES:
        action = demo_window.commands[f"feature_{f.key}"]
        assert action.isEnabled(), f.key
        assert action.toolTip() != features.COMING_LATER
    assert demo_window.quarters.returns_button.isEnabled()


def test_views_construct_on_the_demo_store(qtbot: QtBot, wired: None, demo_window: MainWindow) -> None:
    w = demo_window
    for key, kind in (("meetings", MeetingsView), ("indicators", IndicatorsView), ("profiles", ProfilesView)):
        assert w.commands[f"feature_{key}"] in w.menuBar().actions()[2].menu().actions()  # in the View menu
        w.show_view(key)
        assert w.current_view() == key
        host = w._view_widgets[key]
        assert isinstance(host, wiring.FeatureViewHost)
        assert isinstance(host.view, kind) and host.currentWidget() is host.view and not host.stale
    factory = features.view_factory("profiles")
    assert factory is not None
    profiles = factory(w)
    qtbot.addWidget(profiles)
    profiles.show()
    assert isinstance(profiles, wiring.FeatureViewHost) and isinstance(profiles.view, ProfilesView)
    assert profiles.view.plan_id == w.workspace.plan_id


def test_plan_screens_follow_the_plan_and_are_dropped_on_lock(
    qtbot: QtBot, wired: None, demo_window: MainWindow
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


def test_hidden_screens_refresh_when_shown_after_a_change(wired: None, demo_window: MainWindow) -> None:
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


def test_create_main_window_installs_the_wiring(qtbot: QtBot, pathways_home: Path) -> None:
    try:
        window = app.create_main_window()
        assert isinstance(window, MainWindow)
        qtbot.addWidget(window)
        assert all(features.available(f.key) for f in features.FEATURES)
        assert "meetings" in window._view_widgets and "indicators" in window._view_widgets
    finally:
        wiring.uninstall()
