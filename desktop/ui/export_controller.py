"""What the two export dialogs (Export › Delivery plan update…, Export › Plan as spreadsheet…) ask of the store,
in one place: the facts about a plan the dialog offers choices from, and the export itself (each in one unit of
work). The dialogs hold no sessions and see only plain data.

The quick reads take the workspace (a session on the main thread); the exports run on the worker and take the store
that :meth:`desktop.ui.dialog_base.TaskDialog.run_on_store` hands them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Person, Plan, ReportingPeriod, SignerCredential, SigningRoot
from desktop.reports.publish import PublishOptions, PublishResult, publish_update
from desktop.services.actor import Actor
from desktop.services.errors import NotFound
from desktop.services.plan_export import export_plan
from desktop.services.queries import periods_of
from desktop.ui.context import SessionSource
from desktop.ui.tasks import TaskState

Format = Literal["xlsx", "csv"]


@dataclass(frozen=True)
class PlanFacts:
    """What the update dialog needs to know about one plan (read on the main thread, plain data)."""

    plan_id: int
    title: str
    short: str
    partnership: str
    marking: str
    closed: tuple[tuple[int, str], ...]  # (period id, label), oldest first
    signers: tuple[tuple[int, str], ...]  # (person id, name) of each current signer for the partnership, by name


def _plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("That plan is no longer in the store.")
    return plan


def _signers(session: Session, plan: Plan) -> tuple[tuple[int, str], ...]:
    """Everyone holding an unrevoked certificate from the plan's partnership's signing root, by name."""
    people = session.scalars(
        select(Person)
        .join(SignerCredential, SignerCredential.person_id == Person.id)
        .join(SigningRoot, SignerCredential.root_id == SigningRoot.id)
        .where(SignerCredential.revoked.is_(False), SigningRoot.partnership_id == plan.partnership_id)
        .distinct()
    )
    return tuple(sorted(((p.id, p.display_name) for p in people), key=lambda signer: signer[1].casefold()))


def plan_facts(store: SessionSource, plan_id: int) -> PlanFacts:
    with store.session() as session:
        plan = _plan(session, plan_id)
        partnership = plan.partnership
        closed = tuple((p.id, p.label) for p in periods_of(session, plan.id) if p.is_closed)
        return PlanFacts(plan.id, plan.title, partnership.short_name or partnership.name, partnership.name,
                         partnership.default_marking, closed, _signers(session, plan))


def short_name(store: SessionSource, plan_id: int) -> str:
    """The partnership's short name ("SDP") for a suggested file name; the plan's title if it has none."""
    with store.session() as session:
        plan = session.get(Plan, plan_id)
        return (plan.partnership.short_name or plan.title[:40]) if plan else ""


def publish(store: SessionSource, state: TaskState, actor: Actor, period_id: int, out: Path,
            options: PublishOptions, html: Path | None) -> PublishResult:
    """Build, check, sign and write the update of a closed quarter (on the worker). Stop takes effect between steps,
    always before anything is written."""

    def progress(fraction: float, status: str) -> None:
        state.check()
        state.set_progress(fraction, status)

    with store.session() as session:
        period = session.get(ReportingPeriod, period_id)
        if period is None:
            raise NotFound("That quarter is no longer in the store.")
        return publish_update(session, actor, period, out, options, progress, html_out=html)


def export_spreadsheet(store: SessionSource, state: TaskState, plan_id: int, fmt: Format, out: Path) -> Path:
    """The plan as an XLSX workbook or CSV file, through the disclosure check (on the worker)."""
    with store.session() as session:
        plan = _plan(session, plan_id)
        state.set_progress(0.2, "Writing the spreadsheet")
        return export_plan(session, plan, fmt, out)
