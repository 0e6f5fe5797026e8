"""The task runner (work on one worker thread, results and errors on the main thread) and the idle watcher."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QElapsedTimer, QEvent, Qt, QThread, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.ui.idle import IdleWatcher
from desktop.ui.tasks import Cancelled, TaskRunner, TaskState


def test_work_runs_off_the_ui_thread_and_results_come_back_on_it(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: dict[str, object] = {}
    main = QThread.currentThread()

    def work(state: TaskState) -> int:
        seen["worker"] = threading.current_thread() is not threading.main_thread()
        state.set_progress(0.5, "half way")
        return 42

    def done(value: int) -> None:
        seen["result"] = value
        seen["on_main"] = QThread.currentThread() is main

    progress: list[tuple[float, str]] = []
    runner.progress_changed.connect(lambda f, s: progress.append((f, s)))
    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run(work, done, title="Adding up")
        assert runner.busy
    assert seen == {"worker": True, "result": 42, "on_main": True}
    assert progress == [(0.5, "half way")]
    assert not runner.busy


def test_tasks_run_one_at_a_time_in_order(qtbot: QtBot) -> None:
    runner = TaskRunner()
    order: list[int] = []
    active = threading.Lock()

    def job(n: int):  # type: ignore[no-untyped-def]
        def work(state: TaskState) -> int:
            assert active.acquire(blocking=False), "two tasks ran at once"
            try:
                return n
            finally:
                active.release()
        return work

    with qtbot.waitSignal(runner.idle, timeout=5000):
        for n in range(5):
            runner.run(job(n), order.append)
    assert order == [0, 1, 2, 3, 4]


def test_errors_arrive_on_the_main_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[BaseException] = []
    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run(lambda state: 1 / 0, on_error=errors.append)
    assert isinstance(errors[0], ZeroDivisionError)
    with qtbot.waitSignal(runner.error, timeout=5000) as blocker:
        runner.run(lambda state: [][1], title="Broken")
    assert blocker.args[0] == "Broken" and isinstance(blocker.args[1], IndexError)



def test_a_background_task_keeps_the_store_busy_but_does_not_block_and_is_not_the_cancel_buttons(
    qtbot: QtBot,
) -> None:
    runner = TaskRunner()
    release = threading.Event()
    blocking: list[bool] = []
    runner.blocking_changed.connect(blocking.append)
    outcome: list[object] = []

    def rows(state: TaskState) -> str:
        release.wait(5)
        state.check()
        return "rows"

    runner.run(rows, outcome.append, on_error=outcome.append, title="Loading actions…", background=True)
    assert runner.busy and not runner.blocking and not runner.cancellable and blocking == []
    runner.run(lambda state: "saved", outcome.append, outcome.append, title="Saving")  # queued behind the rows
    assert runner.blocking and runner.cancellable and blocking == [True]
    runner.cancel(background=False)  # the Cancel button: the rows carry on
    with qtbot.waitSignal(runner.idle, timeout=5000):
        release.set()
    assert outcome[0] == "rows" and isinstance(outcome[1], Cancelled)
    assert blocking == [True, False] and not runner.busy

    release.clear()
    runner.run(rows, outcome.append, on_error=outcome.append, title="Loading actions…", background=True)
    runner.cancel()  # locking: every task stops, background ones too
    with qtbot.waitSignal(runner.idle, timeout=5000):
        release.set()
    assert isinstance(outcome[2], Cancelled) and blocking == [True, False]


def test_cancel(qtbot: QtBot) -> None:
    runner = TaskRunner()
    started = threading.Event()
    release = threading.Event()
    outcome: list[object] = []

    def slow(state: TaskState) -> str:
        started.set()
        release.wait(5)
        state.check()
        return "finished"

    runner.run(slow, outcome.append, outcome.append)
    assert started.wait(5)
    runner.cancel()
    release.set()
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert isinstance(outcome[0], Cancelled)


def test_inline_runner_is_synchronous() -> None:
    runner = TaskRunner(inline=True)
    got: list[int] = []
    runner.run(lambda state: 7, got.append)
    assert got == [7] and not runner.busy


@pytest.fixture
def target(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_idle_fires_after_the_timeout(qtbot: QtBot) -> None:
    watcher = IdleWatcher(80)
    watcher.start()
    with qtbot.waitSignal(watcher.idle, timeout=3000):
        pass
    assert not watcher.running


def test_activity_postpones_idle(qtbot: QtBot, target: QWidget) -> None:
    watcher = IdleWatcher(300)
    fired: list[bool] = []
    watcher.idle.connect(lambda: fired.append(True))
    typing = QTimer()
    typing.setInterval(40)
    typing.timeout.connect(lambda: QApplication.sendEvent(
        target, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")))
    clock = QElapsedTimer()
    watcher.start()
    typing.start()
    clock.start()
    # Someone keeps typing for twice the timeout: no lock meanwhile.
    qtbot.waitUntil(lambda: clock.elapsed() > 650, timeout=5000)
    typing.stop()
    assert not fired
    with qtbot.waitSignal(watcher.idle, timeout=3000):
        pass
    watcher.stop()
