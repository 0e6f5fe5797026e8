"""The one way the desktop turns an exception into words for the user.

:func:`message_for` gives the sentence (a :class:`PathwaysError` speaks for itself; a file problem names the OS
reason; anything else names only its type and is logged, never its values); :func:`present` shows it through the
dialog service, or, for a cancelled task, just says so in the status bar. Every view and dialog uses these.
"""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtWidgets import QMainWindow, QWidget

from desktop.errors import PathwaysError
from desktop.ui.tasks import Cancelled

log = logging.getLogger("pathways.ui")


class ErrorSink(Protocol):
    def error(self, parent: QWidget | None, title: str, text: str, detail: str = "") -> None: ...


def is_cancel(exc: BaseException) -> bool:
    return isinstance(exc, Cancelled)


def message_for(exc: BaseException, *, nothing: str = "nothing further was written") -> str:
    """One sentence a user can act on. ``nothing`` says what did not happen ("nothing was changed")."""
    if isinstance(exc, Cancelled):
        return f"Cancelled; {nothing}."
    if isinstance(exc, PathwaysError) and str(exc):
        return str(exc)
    if isinstance(exc, OSError):
        return f"The file could not be read or written ({exc.strerror or type(exc).__name__}); {nothing}."
    return f"Something went wrong ({type(exc).__name__}); {nothing}. Please report it."


def log_unexpected(title: str, exc: BaseException) -> None:
    """Unexpected failures go to the log by type only: messages can carry plan data."""
    if not isinstance(exc, PathwaysError | Cancelled | OSError):
        log.error("%s failed: %s", title, type(exc).__name__)


def present(dialogs: ErrorSink, parent: QWidget | None, title: str, exc: BaseException, *,
            nothing: str = "nothing further was written", detail: str = "") -> None:
    """The default failure handler of every operation: a calm message box, or a status-bar note when cancelled."""
    title = title.rstrip("…").strip()
    log_unexpected(title, exc)
    if isinstance(exc, Cancelled):
        window = parent.window() if parent is not None else None
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage("Cancelled.", 4000)
        return
    dialogs.error(parent, title, message_for(exc, nothing=nothing), detail)
