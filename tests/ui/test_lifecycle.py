"""The desktop survives lock and unlock: twenty cycles of open every screen → lock → a wrong then the right
passphrase → refresh → run a task, with the real worker thread. Any exception raised in a slot or virtual method,
any Qt warning and any exception Python could only report as "unraisable" fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_fakes import FakeDialogs

from desktop.app import build_context
from desktop.settings import Settings
from desktop.ui.main_window import MainWindow
from desktop.ui.tasks import TaskRunner, TaskState

CYCLES = 20
TIMEOUT = 60_000

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    # Only the offscreen platform's own note about window size hints; every other Qt warning fails.
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
    pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture
def app_window(qtbot: QtBot, settings: Settings, dialogs: FakeDialogs) -> Iterator[MainWindow]:
    """The main window as the app builds it: every feature wired in, the real worker thread."""
    window = MainWindow(build_context(settings, dialogs=dialogs, runner=TaskRunner()))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1440, 900)
    yield window
    window.runner.wait(10_000)
    if window.workspace.store is not None:
        window.workspace.store.close()


def _screens(window: MainWindow) -> list[str]:
    """Every View-menu entry that shows a screen, in menu order."""
    return [key for key, action in window.commands.items()
            if action.isCheckable() and (key.startswith("view_") or key.startswith("feature_"))]


def _idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=TIMEOUT)


def _unlock(qtbot: QtBot, window: MainWindow, passphrase: str) -> None:
    window.unlock.passphrase.setText(passphrase)
    qtbot.keyClick(window.unlock.passphrase, Qt.Key.Key_Return)


def test_twenty_lock_unlock_cycles_raise_nothing(qtbot: QtBot, app_window: MainWindow, dialogs: FakeDialogs,
                                                  demo_store_path: Path, passphrase: str) -> None:
    w = app_window
    w.start(demo_store_path)
    w.show()
    with qtbot.waitSignal(w.workspace.opened, timeout=TIMEOUT):
        _unlock(qtbot, w, passphrase)
    screens = _screens(w)
    counted: list[int] = []
    assert {"view_plan", "view_dashboard", "feature_meetings", "feature_indicators", "feature_profiles"} <= set(screens)
    for cycle in range(CYCLES):
        for key in screens:
            w.commands[key].trigger()
            _idle(qtbot, w)
            assert w.views.currentWidget().isVisible(), (cycle, key)
            if key == "view_dashboard":
                _assert_legends_shown(w, cycle)
        QApplication.processEvents()

        w.commands["lock"].trigger()
        qtbot.waitUntil(lambda: w.root.currentWidget() is w.unlock and not w.workspace.is_open, timeout=TIMEOUT)

        with qtbot.waitSignal(w.runner.idle, timeout=TIMEOUT):
            _unlock(qtbot, w, "not the passphrase")
        assert "didn't unlock" in w.unlock.message.text()
        assert not w.workspace.is_open

        with qtbot.waitSignal(w.workspace.opened, timeout=TIMEOUT):
            _unlock(qtbot, w, passphrase)
        _idle(qtbot, w)
        assert w.root.currentWidget() is w.views

        with qtbot.waitSignal(w.workspace.plan_loaded, timeout=TIMEOUT):
            w.commands["refresh"].trigger()
        _idle(qtbot, w)

        w.runner.run(lambda state: _count_plans(w, state), counted.append, title="Counting plans")
        qtbot.waitUntil(lambda n=cycle + 1: len(counted) == n, timeout=TIMEOUT)  # type: ignore[misc]
        assert counted[-1] >= 1
        assert [shown for shown in dialogs.shown if shown[0] == "error"] == [], cycle


def _count_plans(window: MainWindow, state: TaskState) -> int:
    store = window.workspace.store
    assert store is not None
    from desktop.services.readmodels import plan_choices

    with store.session() as session:
        return len(plan_choices(session))


def _assert_legends_shown(window: MainWindow, cycle: int) -> None:
    """The stacked RAG charts keep their legend (letter + label) through every lock and unlock."""
    for chart in (window.dashboard.by_objective, window.dashboard.over_quarters):
        legend = chart.legend
        assert legend is not None and legend.scene() is chart.scene(), (cycle, chart.objectName())
        assert legend.isVisible() and len(legend.items) >= 1, (cycle, chart.objectName())
