"""Optimistic concurrency for actions: two people updating the same action, the second is told, nothing is lost.

Every recorded update moves the action's ``version`` on by one with a compare-and-set UPDATE. A writer whose view
of the action is older (a dialog opened before someone else saved, or a transaction that lost the race on a
server) changes no row, and gets :class:`ActionChangedElsewhere` carrying the update that got there first so the
app can show it. Plain SQL, the same on the encrypted file and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from desktop.models import Action, ActionUpdate, ReportingPeriod
from desktop.services.errors import ActionChangedElsewhere


@dataclass(frozen=True)
class TheirUpdate:
    """The update that got there first, to show beside the user's own."""

    update_id: int
    rag: str | None
    percent_complete: int | None
    commentary: str
    author_id: int | None
    recorded_at: dt.datetime


def claim(session: Session, action: Action, period: ReportingPeriod, expected_version: int | None = None) -> int:
    """Move the action to its next version, or raise if it moved since ``expected_version`` (default: as loaded)."""
    seen = action.version if expected_version is None else expected_version
    result = session.execute(
        update(Action).where(Action.id == action.id, Action.version == seen).values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ActionChangedElsewhere(
            f"Someone else recorded an update for action {action.code or action.id} in {period.label} while you "
            "were working on yours; yours was not saved. Review theirs, then record yours again.",
            latest=_theirs(session, action.id, period.id),
        )
    set_committed_value(action, "version", seen + 1)
    return seen + 1


def _theirs(session: Session, action_id: int, period_id: int) -> TheirUpdate | None:
    row = session.execute(
        select(ActionUpdate.id, ActionUpdate.rag, ActionUpdate.percent_complete, ActionUpdate.commentary,
               ActionUpdate.author_id, ActionUpdate.recorded_at)
        .where(ActionUpdate.action_id == action_id, ActionUpdate.period_id == period_id)
        .order_by(ActionUpdate.id.desc()).limit(1)
    ).first()
    return TheirUpdate(*row) if row is not None else None
