"""The one operation API of the desktop app: read with :func:`query`, write with :func:`change`.

Both run their work on the task runner's one worker (so the store is never shared with the UI thread while they
run), deliver the result on the main thread, and hand a failure to one default presenter
(:func:`desktop.ui.errors.present`) unless the caller gives its own ``on_error``. A result or failure that arrives
after its ``parent`` widget was destroyed (the store locked meanwhile) is dropped, not delivered to a dead widget.
:func:`change` reads the actor when it starts, audits under that person, and refreshes what the
:class:`~desktop.ui.workspace.Change` says was touched before ``on_done`` runs.

Work functions take plain data (a session, the actor, the task state) and never touch widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import shiboken6
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from desktop.services.actor import Actor
from desktop.ui import errors
from desktop.ui.context import AppContext
from desktop.ui.tasks import TaskState
from desktop.ui.workspace import Change

T = TypeVar("T")

ErrorHandler = Callable[[BaseException], None]


def alive(widget: QWidget | None) -> bool:
    return widget is None or shiboken6.isValid(widget)


def _failure(context: AppContext, parent: QWidget | None, title: str, on_error: ErrorHandler | None,
             nothing: str) -> ErrorHandler:
    def failed(exc: BaseException) -> None:
        if not alive(parent):
            errors.log_unexpected(title, exc)
            return
        if on_error is not None:
            on_error(exc)
        else:
            errors.present(context.dialogs, parent, title, exc, nothing=nothing)

    return failed


def query(context: AppContext, parent: QWidget | None, work: Callable[[Session, TaskState], T],
          on_done: Callable[[T], None], *, title: str, on_error: ErrorHandler | None = None,
          cancellable: bool = True) -> None:
    """Read from the store on the worker; ``on_done(result)`` on the main thread if ``parent`` still exists."""
    store = context.workspace.require_store()

    def task(state: TaskState) -> T:
        with store.session() as session:
            return work(session, state)

    def done(result: T) -> None:
        if alive(parent):
            on_done(result)

    context.runner.run(task, done, _failure(context, parent, title, on_error, "nothing was changed"),
                       title=title, cancellable=cancellable)


def change(context: AppContext, parent: QWidget | None, work: Callable[[Session, Actor, TaskState], T],
           touched: Change | Callable[[T], Change], on_done: Callable[[T], None] | None = None, *, title: str,
           on_error: ErrorHandler | None = None) -> None:
    """Change the store in one unit of work on the worker (committed, or rolled back if it raises), then refresh
    what it touched and call ``on_done(result)``."""
    store = context.workspace.require_store()
    actor = context.actor

    def task(state: TaskState) -> T:
        with store.session() as session:
            return work(session, actor, state)

    def done(result: T) -> None:
        context.workspace.apply(touched(result) if callable(touched) else touched)
        if on_done is not None and alive(parent):
            on_done(result)

    context.runner.run(task, done, _failure(context, parent, title, on_error, "nothing further was written"),
                       title=title, cancellable=False)
