"""Drives the real desktop app in its own process (run by test_app_process.py, not collected by pytest).

``python tests/ui/app_walk.py STORE`` starts Pathways through ``desktop.app.main`` (the composition root the
``pathways`` command uses), unlocks STORE with the passphrase in PATHWAYS_WALK_PASSPHRASE, opens every screen of
the View menu, then quits with File › Quit; the exit status is the app's own. A watchdog ends a hung walk with
status 3.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop import app as desktop_app
from desktop.ui.main_window import MainWindow

STEP_MS = 40
WATCHDOG_MS = 90_000


def later(fn: Callable[[], object], ms: int = STEP_MS) -> None:
    QTimer.singleShot(ms, fn)


def main_window() -> MainWindow | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)


def unlock() -> None:
    window = main_window()
    if window is None or not window.isVisible():
        later(unlock)
        return

    def opened() -> None:
        window.workspace.opened.disconnect(opened)
        screens = [key for key, action in window.commands.items()
                   if action.isCheckable() and key.startswith(("view_", "feature_"))]
        later(lambda: walk(window, screens))

    window.workspace.opened.connect(opened)
    window.unlock.passphrase.setText(os.environ["PATHWAYS_WALK_PASSPHRASE"])
    QTest.keyClick(window.unlock.passphrase, Qt.Key.Key_Return)


def walk(window: MainWindow, screens: list[str]) -> None:
    if window.runner.busy:
        later(lambda: walk(window, screens))
        return
    if not screens:
        print("walked", flush=True)
        window.commands["quit"].trigger()
        return
    window.commands[screens[0]].trigger()
    later(lambda: walk(window, screens[1:]))


def watchdog() -> None:
    print("walk did not finish", file=sys.stderr, flush=True)
    os._exit(3)


if __name__ == "__main__":
    application = QApplication(["pathways"])
    later(unlock, 0)
    later(watchdog, WATCHDOG_MS)
    sys.exit(desktop_app.main(sys.argv[1:]))
