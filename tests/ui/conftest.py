"""Shared pieces of the desktop tests: a dialog service that answers at once, and main windows to drive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from ui_fakes import FakeDialogs

from desktop.app import build_context
from desktop.settings import Settings
from desktop.ui.main_window import MainWindow
from desktop.ui.tasks import TaskRunner


@pytest.fixture
def dialogs() -> FakeDialogs:
    return FakeDialogs()


@pytest.fixture
def settings(pathways_home: Path) -> Settings:
    return Settings()


def _window(qtbot: QtBot, settings: Settings, dialogs: FakeDialogs, *, inline: bool) -> MainWindow:
    window = MainWindow(build_context(settings, dialogs=dialogs, runner=TaskRunner(inline=inline)))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1440, 900)
    return window


@pytest.fixture
def window(qtbot: QtBot, settings: Settings, dialogs: FakeDialogs) -> Iterator[MainWindow]:
    """A main window whose background tasks run synchronously (the store still opens through the runner)."""
    win = _window(qtbot, settings, dialogs, inline=True)
    yield win
    if win.workspace.store is not None:
        win.workspace.store.close()


@pytest.fixture
def threaded_window(qtbot: QtBot, settings: Settings, dialogs: FakeDialogs) -> Iterator[MainWindow]:
    """A main window with the real worker thread."""
    win = _window(qtbot, settings, dialogs, inline=False)
    yield win
    win.runner.wait(10_000)
    if win.workspace.store is not None:
        win.workspace.store.close()


@pytest.fixture
def demo_window(window: MainWindow, demo_store_path: Path, passphrase: str) -> MainWindow:
    """A window with the demonstration store unlocked."""
    window.start(demo_store_path)
    window.show()
    window.workspace.open_store(demo_store_path, passphrase)
    assert window.workspace.data is not None
    return window
