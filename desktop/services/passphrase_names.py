"""Words a new passphrase for a store may not contain: its partnerships' names (see desktop.store.passphrase)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Partnership


def partnership_names(session: Session) -> tuple[str, ...]:
    """Every partnership's name and short name, once each, in the order they were added."""
    found: list[str] = []
    for name, short in session.execute(select(Partnership.name, Partnership.short_name).order_by(Partnership.id)):
        for value in (name, short):
            if value and value.strip() and value not in found:
                found.append(value)
    return tuple(found)
