"""The one way the desktop app runs work off the UI thread.

A single worker thread (a ``QThreadPool`` of one) runs tasks in order, so work that touches the store is serialised:
the store has one SQLCipher connection, and while a task runs the UI is in a busy state and does not touch the store
itself (``busy_changed``). Most tasks also block the window (``blocking_changed`` tells it to disable its views); a
*background* task (the rest of a plan's rows after unlocking) leaves the views usable while it runs.

Each task gets a :class:`TaskState` for progress and cancellation; results and errors come back on the main thread,
through the callbacks given to :meth:`TaskRunner.run`.

Work functions take plain data and never touch widgets.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger("pathways.tasks")

T = TypeVar("T")


class Cancelled(Exception):
    """Raised inside a task (by :meth:`TaskState.check`) when the user pressed Cancel."""


class TaskState:
    """Handed to a work function: report progress, and look for cancellation between steps."""

    def __init__(self, relay: _Relay, task_id: int) -> None:
        self._relay = relay
        self._task_id = task_id
        self._cancel = threading.Event()

    def set_progress(self, fraction: float, status: str = "") -> None:
        self._relay.progressed.emit(self._task_id, max(0.0, min(1.0, float(fraction))), status)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


@dataclass
class Task(Generic[T]):
    id: int
    title: str
    fn: Callable[[TaskState], T]
    on_result: Callable[[T], None] | None
    on_error: Callable[[BaseException], None] | None
    cancellable: bool
    state: TaskState
    background: bool = False
    done: bool = field(default=False)


class _Relay(QObject):
    """Lives on the main thread; signals emitted from the worker are queued to it."""

    progressed = Signal(int, float, str)
    finished = Signal(int, object)
    failed = Signal(int, object)


class _Runnable(QRunnable):
    def __init__(self, task: Task[Any], relay: _Relay) -> None:
        super().__init__()
        self._task = task
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        task = self._task
        try:
            task.state.check()
            result = task.fn(task.state)
        except BaseException as exc:  # noqa: BLE001 — every failure is reported on the main thread
            self._relay.failed.emit(task.id, exc)
        else:
            self._relay.finished.emit(task.id, result)


class TaskRunner(QObject):
    """Runs work functions on one worker thread, in order.

    Signals:
        busy_changed(bool): a task started (True) or the last queued task ended (False).
        blocking_changed(bool): a task that is not a background task was queued (True), or the last such task ended
            (False): the window disables its views while one is queued.
        progress_changed(float, str): progress of the running task, 0…1, and what it is doing.
        task_started(str): the title of the task that started.
        idle(): nothing is running or queued any more.
        error(str, object): a task failed and gave no ``on_error``: its title and the exception.
    """

    busy_changed = Signal(bool)
    blocking_changed = Signal(bool)
    progress_changed = Signal(float, str)
    task_started = Signal(str)
    idle = Signal()
    error = Signal(str, object)

    def __init__(self, parent: QObject | None = None, *, inline: bool = False) -> None:
        super().__init__(parent)
        self._inline = inline
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_progressed)
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._tasks: dict[int, Task[Any]] = {}
        self._next_id = 1
        self._current_title = ""

    # ---- public API

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    @property
    def blocking(self) -> bool:
        """A task other than a background one is queued or running (the window waits for it)."""
        return any(not t.background for t in self._tasks.values())

    @property
    def current_title(self) -> str:
        return self._current_title

    @property
    def cancellable(self) -> bool:
        """A task the user waits for can be cancelled (the Cancel button); background tasks are not offered."""
        return any(t.cancellable and not t.background for t in self._tasks.values())

    def run(
        self,
        fn: Callable[[TaskState], T],
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        title: str = "Working…",
        cancellable: bool = True,
        background: bool = False,
    ) -> Task[T]:
        """Queue ``fn`` on the worker; ``on_result``/``on_error`` run on the main thread when it ends.

        A cancelled task ends with ``on_error(Cancelled())`` (or quietly when there is no ``on_error``). A
        ``background`` task still keeps the store busy, but leaves the window's views usable."""
        task_id = self._next_id
        self._next_id += 1
        task: Task[T] = Task(task_id, title, fn, on_result, on_error, cancellable, TaskState(self._relay, task_id),
                             background)
        was_busy, was_blocking = self.busy, self.blocking
        self._tasks[task_id] = task
        self._current_title = title
        if not was_busy:
            self.busy_changed.emit(True)
        if not was_blocking and self.blocking:
            self.blocking_changed.emit(True)
        self.task_started.emit(title)
        if self._inline:
            _Runnable(task, self._relay).run()
        else:
            self._pool.start(_Runnable(task, self._relay))
        return task

    def cancel(self, *, background: bool = True) -> None:
        """Ask every queued and running task to stop at its next check (locking, quitting); with
        ``background=False``, only the tasks the user is waiting for (the Cancel button)."""
        for task in self._tasks.values():
            if task.cancellable and (background or not task.background):
                task.state.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (for shutdown only: never call this from a running UI)."""
        return bool(self._pool.waitForDone(msecs))

    # ---- delivery on the main thread

    @Slot(int, float, str)
    def _on_progressed(self, task_id: int, fraction: float, status: str) -> None:
        if task_id in self._tasks:
            self.progress_changed.emit(fraction, status)

    @Slot(int, object)
    def _on_finished(self, task_id: int, result: object) -> None:
        self._deliver(task_id, result, None)

    @Slot(int, object)
    def _on_failed(self, task_id: int, exc: object) -> None:
        assert isinstance(exc, BaseException)
        self._deliver(task_id, None, exc)

    def _deliver(self, task_id: int, result: object, exc: BaseException | None) -> None:
        """Hand a task's result (or failure) to its callbacks; a cancelled task ends with ``on_error(Cancelled())``,
        and a failure nobody handles is logged (by type) and announced on ``error``."""
        was_blocking = self.blocking
        task = self._tasks.pop(task_id, None)
        if task is None:
            return
        task.done = True
        if exc is None and task.state.cancelled:
            exc = Cancelled()
        try:
            if exc is None:
                if task.on_result is not None:
                    task.on_result(result)
            elif task.on_error is not None:
                task.on_error(exc)
            elif not isinstance(exc, Cancelled):
                log.error("task %r failed: %s", task.title, type(exc).__name__)
                self.error.emit(task.title, exc)
        finally:
            self._after(was_blocking)

    def _after(self, was_blocking: bool) -> None:
        if was_blocking and not self.blocking:
            self.blocking_changed.emit(False)
        if not self._tasks:
            self._current_title = ""
            self.busy_changed.emit(False)
            self.idle.emit()
        else:
            self._current_title = next(iter(self._tasks.values())).title
