"""What every window, view and dialog of the desktop app shares, built once by the composition root
(:func:`desktop.app.build_context`) and handed down: nothing else builds a workspace, task runner, undo stack, idle
watcher or dialog service.

The actor is read live (:attr:`AppContext.actor`), never captured when a screen is wired: after "Who am I…" the next
change is audited under the person now at the keyboard.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from sqlalchemy.orm import Session

from desktop.services.actor import Actor
from desktop.settings import Settings
from desktop.ui.idle import IdleWatcher
from desktop.ui.tasks import TaskRunner
from desktop.ui.undo import UndoStack
from desktop.ui.workspace import Workspace

if TYPE_CHECKING:
    from desktop.ui.dialog_service import DialogService


@dataclass(frozen=True, eq=False)
class AppContext:
    settings: Settings
    dialogs: DialogService
    runner: TaskRunner
    workspace: Workspace
    undo: UndoStack
    idle: IdleWatcher
    owner: QObject  # parent of the QObjects above: deleting it ends them together, while Python is still alive

    @property
    def actor(self) -> Actor:
        return self.workspace.actor

    def shut_down(self) -> None:
        """Stop background work and close the store (quitting): the key is dropped, nothing is left running."""
        self.idle.stop()
        if self.runner.busy:
            self.runner.cancel()
        self.runner.wait(10_000)
        if self.workspace.store is not None:
            self.workspace.store.close()
            self.workspace.store = None


# Who is acting, for screens that can also stand alone (tests): a fixed actor, or a function read at each change.
ActorSource = Actor | Callable[[], Actor]


def current_actor(source: ActorSource) -> Actor:
    return source if isinstance(source, Actor) else source()


class SessionSource(Protocol):
    """Where a controller gets its units of work: the store itself (tests), or the workspace's serialised sessions."""

    def session(self) -> contextlib.AbstractContextManager[Session]: ...
