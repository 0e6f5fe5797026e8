"""Each action's effective status in a quarter, and the counts every screen and document prints.

This is the one place that decides it. The close-quarter dialog, the frozen snapshot (and so the delivery-plan
update built from it), the dashboard, the return chaser and ``pathways plans`` all come here, so they cannot
disagree, and none of them can make a board paper read better than the truth:

- A status carries forward. An action with no update in the quarter keeps the RAG of its last update, marked
  "not updated since <that quarter>"; it still counts as Red (or Amber) and stays in the exceptions.
- Completed, cancelled and deferred actions are not awaiting an update; every other action with no update in the
  quarter is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Action, ActionLead, ActionStatus, ActionUpdate, Objective, Priority, ReportingPeriod

CARRY_FORWARD_RULE = (
    "An action with no update this quarter keeps the status of its last update, marked “not updated since” that "
    "quarter, and is counted and listed under that status; completed, cancelled and deferred actions are not "
    "awaiting an update."
)

# Actions in these states owe no return: there is nothing left to report on them.
NOT_AWAITED = frozenset({ActionStatus.COMPLETE, ActionStatus.CANCELLED, ActionStatus.DEFERRED})

# Counts use this key for an action that has never had a status.
NO_STATUS = "none"


def is_awaiting_update(status: ActionStatus | str, updated_in_quarter: bool) -> bool:
    """Whether a return is still owed for the quarter: no update yet and the action is still live."""
    return not updated_in_quarter and ActionStatus(status) not in NOT_AWAITED


def not_updated_mark(since: str | None) -> str:
    """The words printed beside a carried-forward status."""
    return f"not updated since {since}" if since else ""


@dataclass(frozen=True)
class QuarterStatus:
    """One action's position in one quarter."""

    action_id: int
    code: str
    action_status: str  # ActionStatus value
    rag: str | None  # effective status: this quarter's update, else carried forward from the last one
    updated: bool  # an update was recorded in this quarter
    rag_from: str | None  # label of the quarter whose update gave ``rag`` (None: never updated)
    rag_from_id: int | None = None  # that quarter's period id (None: never updated, or read from a snapshot)
    lead_id: int | None = None

    @property
    def carried_from(self) -> str | None:
        """The quarter the status was carried forward from, when there was no update this quarter."""
        return None if self.updated else self.rag_from

    @property
    def awaiting(self) -> bool:
        return is_awaiting_update(self.action_status, self.updated)

    @property
    def mark(self) -> str:
        return not_updated_mark(self.carried_from)


@dataclass(frozen=True)
class StatusCounts:
    """How many actions hold each effective status, and how many are carried forward or still awaited."""

    by_rag: dict[str, int] = field(default_factory=dict)  # RAG key (or "none") → actions
    carried: dict[str, int] = field(default_factory=dict)  # RAG key → of those, carried forward (no update)
    awaiting: int = 0
    total: int = 0

    def of(self, key: str) -> int:
        return self.by_rag.get(key, 0)

    def carried_of(self, key: str) -> int:
        return self.carried.get(key, 0)


def count_statuses(statuses: Iterable[QuarterStatus]) -> StatusCounts:
    by_rag: dict[str, int] = defaultdict(int)
    carried: dict[str, int] = defaultdict(int)
    awaiting = total = 0
    for st in statuses:
        key = st.rag or NO_STATUS
        by_rag[key] += 1
        total += 1
        if st.carried_from is not None:
            carried[key] += 1
        if st.awaiting:
            awaiting += 1
    return StatusCounts(dict(by_rag), dict(carried), awaiting, total)


def describe_counts(counts: StatusCounts, labels: Sequence[tuple[str, str]]) -> str:
    """ "Red 2 (1 not updated), Amber 4, Green 6, no status 1; 3 awaiting an update" — ``labels`` gives each
    status key's printed label, worst first."""
    parts = []
    for key, label in [*labels, (NO_STATUS, "no status")]:
        n = counts.of(key)
        if not n:
            continue
        carried = counts.carried_of(key)
        parts.append(f"{label} {n}" + (f" ({carried} not updated)" if carried else ""))
    text = ", ".join(parts) or "no actions"
    return f"{text}; {counts.awaiting} awaiting an update"


# ---- from the database


def _plan_actions(session: Session, plan_id: int) -> list[tuple[int, str, ActionStatus]]:
    query = (
        select(Action.id, Action.code, Action.status)
        .join(Priority, Action.priority_id == Priority.id)
        .join(Objective, Priority.objective_id == Objective.id)
        .where(Objective.plan_id == plan_id)
        .order_by(Objective.position, Priority.position, Action.position, Action.id)
    )
    return [(aid, code, ActionStatus(status)) for aid, code, status in session.connection().execute(query)]


def statuses_by_quarter(
    session: Session, plan_id: int, only: ReportingPeriod | None = None
) -> dict[int, list[QuarterStatus]]:
    """Every quarter of the plan (or ``only`` one) by period id → every action's status in it, in plan order.

    One scan of the plan's updates whatever its size; an update counts for the quarter it was recorded in.
    """
    periods = list(session.scalars(
        select(ReportingPeriod).where(ReportingPeriod.plan_id == plan_id).order_by(ReportingPeriod.start_date)))
    if not periods:
        return {}
    wanted = [n for n, p in enumerate(periods) if only is None or p.id == only.id]
    upto = max(wanted, default=-1)
    order = {p.id: n for n, p in enumerate(periods[:upto + 1])}
    actions = _plan_actions(session, plan_id)
    # newest update per (action, quarter): its id and RAG
    newest: dict[tuple[int, int], tuple[int, str | None]] = {}
    scan = select(ActionUpdate.id, ActionUpdate.action_id, ActionUpdate.period_id, ActionUpdate.rag).where(
        ActionUpdate.period_id.in_(list(order) or [-1]))
    for uid, action_id, period_id, rag in session.connection().execute(scan):
        key = (action_id, period_id)
        if uid > newest.get(key, (0, None))[0]:
            newest[key] = (uid, rag)
    by_action: dict[int, list[tuple[int, str | None]]] = defaultdict(list)  # (quarter index, rag), in order
    for (action_id, period_id), (_, rag) in newest.items():
        by_action[action_id].append((order[period_id], rag))
    leads = _primary_leads(session, [a[0] for a in actions])
    out: dict[int, list[QuarterStatus]] = {periods[n].id: [] for n in wanted}
    labels = [p.label for p in periods]
    ids = [p.id for p in periods]
    columns = [out[ids[n]] for n in wanted]
    for aid, code, status in actions:
        history = sorted(by_action.get(aid, ()))
        value, lead = status.value, leads.get(aid)
        k = -1  # index in ``history`` of the last update at or before quarter n
        for n, column in zip(wanted, columns, strict=True):
            while k + 1 < len(history) and history[k + 1][0] <= n:
                k += 1
            if k < 0:
                column.append(QuarterStatus(aid, code, value, None, False, None, None, lead))
                continue
            at, rag = history[k]
            column.append(QuarterStatus(aid, code, value, rag, at == n, labels[at], ids[at], lead))
    return out


def quarter_statuses(session: Session, period: ReportingPeriod) -> list[QuarterStatus]:
    """Every action's status in ``period``, in plan order."""
    return statuses_by_quarter(session, period.plan_id, only=period).get(period.id, [])


def _primary_leads(session: Session, action_ids: Sequence[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    if not action_ids:
        return out
    query = select(ActionLead.action_id, ActionLead.person_id).order_by(ActionLead.action_id, ActionLead.position)
    wanted = set(action_ids)
    for action_id, person_id in session.connection().execute(query):
        if action_id in wanted and action_id not in out:
            out[action_id] = person_id
    return out
