"""What the Lead-officer returns dialog asks of the store (through ``desktop.services.returns``): the plan's
quarters, making the forms, reviewing completed ones, recording the accepted rows and who has returned. Each is one
unit of work; the dialog holds no sessions and sees only plain results.

The quarters are read on the main thread from the workspace; the rest runs on the worker with the store that
:meth:`desktop.ui.dialog_base.TaskDialog.run_on_store` hands it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.models import Plan, ReportingPeriod
from desktop.services.actor import Actor
from desktop.services.errors import NotFound
from desktop.services.queries import periods_of
from desktop.services.returns import (
    AcceptResult,
    IssuedForms,
    ReturnReview,
    ReturnsStatus,
    accept_returns,
    issue_return_forms,
    returns_status,
    review_returns,
)
from desktop.ui.action_table_model import format_date
from desktop.ui.context import SessionSource
from desktop.ui.tasks import TaskState


@dataclass(frozen=True)
class Quarter:
    id: int
    label: str
    closed: bool
    deadline: str


def quarters(store: SessionSource, plan_id: int) -> list[Quarter]:
    """The plan's quarters, oldest first, with the returns deadline as the dialog shows it."""
    with store.session() as session:
        return [Quarter(p.id, p.label, p.is_closed, format_date(p.returns_deadline) if p.returns_deadline else "")
                for p in periods_of(session, plan_id)]


def make_forms(store: SessionSource, state: TaskState, plan_id: int, period_id: int, folder: Path) -> IssuedForms:
    with store.session() as session:
        plan = session.get(Plan, plan_id)
        period = session.get(ReportingPeriod, period_id)
        if plan is None or period is None:
            raise NotFound("The plan or quarter is no longer in the store.")
        state.set_progress(0.2, "Making the forms")
        return issue_return_forms(session, plan, period, folder)


def review(store: SessionSource, state: TaskState, plan_id: int, files: list[Path]) -> list[ReturnReview]:
    """What the completed forms would change (nothing is written)."""
    with store.session() as session:
        plan = session.get(Plan, plan_id)
        state.set_progress(0.1, f"Reading {len(files)} form{'s' if len(files) != 1 else ''}")
        return review_returns(session, files, plan=plan)


def accept(store: SessionSource, state: TaskState, actor: Actor, chosen: list[ReturnReview]) -> AcceptResult:
    with store.session() as session:
        state.set_progress(0.2, "Recording the updates")
        return accept_returns(session, actor, chosen)


def status(store: SessionSource, state: TaskState, period_id: int) -> ReturnsStatus:
    with store.session() as session:
        period = session.get(ReportingPeriod, period_id)
        if period is None:
            raise NotFound("That quarter is no longer in the store.")
        state.set_progress(0.2, f"Counting returns for {period.label}")
        return returns_status(session, period)
