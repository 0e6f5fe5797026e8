"""Connections from a short-lived widget to objects that outlive it (the task runner, the workspace).

A feature screen is dropped on every lock; a lambda it connected to the runner would otherwise be called after the
screen's C++ object is gone ("Internal C++ object already deleted"). :class:`Connections` remembers each link a
widget makes and breaks them all when the widget is dropped or destroyed, whichever comes first::

    self.links = Connections(self)
    self.links.connect(context.runner.busy_changed, self._on_busy_changed)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, SignalInstance


class Connections:
    def __init__(self, owner: QObject) -> None:
        self._owner = id(owner)
        self._links: list[tuple[SignalInstance, Callable[..., Any]]] = []
        # A plain Python object's method: nothing here refers back to the owner's C++ object.
        owner.destroyed.connect(self._on_owner_destroyed)

    def connect(self, signal: SignalInstance, slot: Callable[..., Any]) -> None:
        signal.connect(slot)
        self._links.append((signal, slot))

    def _on_owner_destroyed(self, *_: object) -> None:
        # Qt has already cut the links to the owner's own methods (and touching them now would touch the dying
        # owner); the other callables (lambdas, other objects' methods) are cut here.
        self._links = [(s, slot) for s, slot in self._links if id(getattr(slot, "__self__", None)) != self._owner]
        self.drop()

    def __len__(self) -> int:
        return len(self._links)

    def drop(self, *_: object) -> None:
        """Break every link (again harmless: a link already broken, or a sender already gone, is skipped)."""
        links, self._links = self._links, []
        for signal, slot in links:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                try:
                    signal.disconnect(slot)
                except (RuntimeError, SystemError, TypeError):
                    pass  # the sender, or the owner itself, is already being destroyed
