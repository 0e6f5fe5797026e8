"""Idle lock: notice when nobody has touched the keyboard or mouse for a while.

An application-wide event filter only stamps the time of the last input (cheap, it runs on every mouse move); one
timer wakes when the timeout could have passed and either reports ``idle`` or sleeps for the time that is left.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.KeyRelease,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress,
    QEvent.Type.InputMethod,
})


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``timeout_ms`` without user input, while running.

    Signals:
        idle(): nobody has used the keyboard or mouse for the whole timeout.
    """

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timeout = max(1, int(timeout_ms))
        self._since = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._running = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def timeout_ms(self) -> int:
        return self._timeout

    @property
    def running(self) -> bool:
        return self._running

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self._timeout = max(1, int(timeout_ms))
        if self._running:
            self.start()

    def start(self) -> None:
        self._running = True
        self._since.start()
        self._timer.start(self._timeout)

    def stop(self) -> None:
        self._running = False
        self._timer.stop()

    def poke(self) -> None:
        """Count as activity (the event filter calls this on every input event)."""
        if self._running:
            self._since.restart()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 — Qt override
        if self._running and event.type() in _INPUT_EVENTS:
            self._since.restart()
        return False

    def _on_timer_timeout(self) -> None:
        if not self._running:
            return
        remaining = self._timeout - self._since.elapsed()
        if remaining > 0:
            self._timer.start(int(remaining))
            return
        self._running = False
        self.idle.emit()
