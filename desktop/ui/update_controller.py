"""What the Record update dialog asks of the store: the open quarter, the queue of actions to go through, an
action's detail and the RAG suggestion, and saving an update against the version the user was shown (the optimistic
check of ``desktop.services.concurrency``: a second writer is told, shown the first writer's update, and keeps
their own text). The dialog holds no sessions; each step is one short unit of work on the main thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Action, Person, ReportingPeriod
from desktop.services.concurrency import TheirUpdate
from desktop.services.errors import ActionChangedElsewhere, PathwaysError, ValidationError
from desktop.services.rag import RagScheme
from desktop.services.readmodels import ActionDetail, PlanData, action_detail, awaiting_update
from desktop.services.updates import Suggestion, record_update, suggest_rag
from desktop.ui.workspace import Change, Workspace

CONFLICT = "conflict"  # the field key save() reports when someone else recorded an update first


def _version(session: Session, action_id: int) -> int | None:
    return session.scalar(select(Action.version).where(Action.id == action_id))


@dataclass(frozen=True)
class UpdateValues:
    rag: str | None
    forecast_rag: str | None
    percent_complete: int | None
    commentary: str
    remedial_action: str
    remedial_owner_id: int | None


class UpdateController:
    """The open quarter, the queue of actions to go through, suggestions and saving."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.queue: list[int] = []
        self.position = 0
        self.detail: ActionDetail | None = None
        self.version: int | None = None  # the action's version when its form was shown (services/concurrency.py)
        self.theirs: TheirUpdate | None = None  # the update that got there first, after a conflict

    @property
    def data(self) -> PlanData:
        assert self.workspace.data is not None
        return self.workspace.data

    @property
    def scheme(self) -> RagScheme:
        return self.data.scheme

    def period_problem(self) -> str | None:
        period = self.data.current_period
        if period is None:
            return "This plan has no quarters yet. Open a quarter first (Quarter › Open a new quarter…)."
        if period.closed:
            return "Every quarter of this plan is closed. Open the next quarter first (Quarter › Open a new quarter…)."
        return None

    def start(self, action_ids: Sequence[int], first: int | None = None) -> int | None:
        """Go through ``action_ids`` in order, beginning at ``first`` (or the first)."""
        self.queue = list(action_ids)
        self.position = self.queue.index(first) if first in self.queue else 0
        return self.current()

    def current(self) -> int | None:
        return self.queue[self.position] if 0 <= self.position < len(self.queue) else None

    def advance(self) -> int | None:
        """The next action in the queue that still awaits an update this quarter."""
        rows = {r.id: r for r in self.data.rows}
        period = self.data.current_period
        while self.position + 1 < len(self.queue):
            self.position += 1
            row = rows.get(self.queue[self.position])
            if row is not None and awaiting_update(row, period):
                return self.queue[self.position]
        self.position = len(self.queue)
        return None

    def remaining(self) -> int:
        rows = {r.id: r for r in self.data.rows}
        period = self.data.current_period
        return sum(1 for aid in self.queue[self.position:] if aid in rows and awaiting_update(rows[aid], period))

    def load(self, action_id: int) -> ActionDetail:
        with self.workspace.session() as session:
            self.detail = action_detail(session, action_id)
            self.version = _version(session, action_id)
        self.theirs = None
        return self.detail

    def suggest(self, percent: int | None) -> Suggestion:
        assert self.detail is not None
        period = self.data.current_period
        assert period is not None
        with self.workspace.session() as session:
            action = session.get(Action, self.detail.id)
            if action is None:
                return Suggestion(None, "The action no longer exists.")
            return suggest_rag(action, percent, min(dt.date.today(), period.end), self.scheme)

    def save(self, values: UpdateValues) -> tuple[str | None, str]:
        """Record the update; returns (field, message) of a rule it broke, or (None, "") when saved."""
        assert self.detail is not None
        period_info = self.data.current_period
        assert period_info is not None
        try:
            with self.workspace.session() as session:
                action = session.get(Action, self.detail.id)
                period = session.get(ReportingPeriod, period_info.id)
                if action is None or period is None:
                    return None, "The action or the quarter no longer exists."
                owner = session.get(Person, values.remedial_owner_id) if values.remedial_owner_id else None
                author = session.get(Person, self.workspace.person_id) if self.workspace.person_id else None
                record_update(
                    session, self.workspace.actor, action, period, rag=values.rag, forecast_rag=values.forecast_rag,
                    percent_complete=values.percent_complete, commentary=values.commentary,
                    remedial_action=values.remedial_action, remedial_owner=owner, author=author,
                    expected_version=self.version,
                )
        except ActionChangedElsewhere as exc:
            # Nothing was saved. The next save is judged against what the user has now been shown.
            self.theirs = exc.latest if isinstance(exc.latest, TheirUpdate) else None
            with self.workspace.session() as session:
                self.version = _version(session, self.detail.id)
            self.workspace.apply(Change(action_ids=frozenset({self.detail.id})))
            return CONFLICT, str(exc)
        except ValidationError as exc:
            return exc.field or "", str(exc)
        except PathwaysError as exc:
            return "", str(exc)
        self.workspace.apply(Change(action_ids=frozenset({self.detail.id})))
        return None, ""
