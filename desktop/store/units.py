"""Units of work that mean the same on both backends (the encrypted file and a PostgreSQL server)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from desktop.errors import ConcurrentChange

T = TypeVar("T")

# Set in session.info by a store whose database extends the audit chain itself (desktop.store.server); the audit
# service then sends only the events and the server adds sequence, time, actor and hashes.
CHAINED_BY_DATABASE = "audit_chained_by_database"
SERIALIZABLE_ATTEMPTS = 5


class SessionSource(Protocol):
    def session(self, *, serializable: bool = False) -> contextlib.AbstractContextManager[Session]: ...


def run_serializable(store: SessionSource, work: Callable[[Session], T], attempts: int = SERIALIZABLE_ATTEMPTS) -> T:
    """Run ``work`` as one SERIALIZABLE transaction, again from the start when the server reports a conflict.

    The file store has one connection, so every transaction there is already serialisable and never conflicts.
    A conflict the data itself reports (an optimistic version check) is not retried: the user must see it.
    """
    from desktop.store.server import SerializationConflict

    for attempt in range(1, attempts + 1):
        try:
            with store.session(serializable=True) as session:
                return work(session)
        except SerializationConflict:
            if attempt == attempts:
                raise
    raise ConcurrentChange("The change could not be made; try again.")  # pragma: no cover - loop always returns
