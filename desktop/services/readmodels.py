"""Read models for the desktop screens: one plan's actions, tree, people and quarters, loaded in a few set-based
queries, plus the pure summaries the screens derive from them (workload, dashboard counts, outstanding returns).

``load_rows`` is the one way to get a plan's action rows (latest RAG, direction of travel, leads, pathways): it scans
the plan's updates once, in columns rather than ORM objects, so a 10,000-action plan with 100,000 updates loads in
well under half a second, and it can reload just the rows of the actions that changed.
No Qt here: the command line and the tests call these the same way the GUI does.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, joinedload

from desktop.models import (
    Action,
    ActionLead,
    ActionStatus,
    ActionUpdate,
    CriticalPathway,
    Objective,
    Organisation,
    Partnership,
    Person,
    Plan,
    Priority,
    ReportingPeriod,
    Snapshot,
    action_pathway,
)
from desktop.services.errors import NotFound, PathwaysError
from desktop.services.quarter_status import QuarterStatus, StatusCounts, count_statuses, statuses_by_quarter
from desktop.services.queries import (
    ActionRow,
    ObjectiveNode,
    PeriodInfo,
    PriorityNode,
    current_period,
    periods_of,
    previous_closed,
)
from desktop.services.rag import RagScheme, scheme

Progress = Callable[[float, str], None]

# Keep IN lists well inside every database's parameter limit (SQLite's default is 32,766; PostgreSQL's 65,535).
_CHUNK = 5000


@dataclass(frozen=True)
class PlanChoice:
    id: int
    title: str
    partnership: str
    period_label: str
    rag_scheme: str
    is_demo: bool


@dataclass(frozen=True)
class PersonInfo:
    id: int
    display_name: str
    name: str
    job_title: str
    organisation_id: int | None
    organisation: str
    email: str
    phone: str
    active: bool


@dataclass(frozen=True)
class OrganisationInfo:
    id: int
    name: str
    short_name: str
    kind: str

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class PriorityInfo:
    id: int
    code: str
    text: str
    strand: str


@dataclass(frozen=True)
class ObjectiveInfo:
    id: int
    code: str
    title: str
    priorities: tuple[PriorityInfo, ...]


@dataclass(frozen=True)
class PlanData:
    """Everything the plan screens show, as plain data (safe to hand from a worker thread to the UI)."""

    plan: PlanChoice
    structure: tuple[ObjectiveInfo, ...]
    rows: tuple[ActionRow, ...]
    periods: tuple[PeriodInfo, ...]
    current_period: PeriodInfo | None
    previous_period: PeriodInfo | None
    people: tuple[PersonInfo, ...]
    organisations: tuple[OrganisationInfo, ...]
    pathways: tuple[str, ...]
    as_at: dt.date
    # Set while only the first rows are loaded (the rest stream in): every priority's number of actions, so the
    # screens can say how many there are without counting the rows read so far. None once every row is here.
    priority_totals: tuple[tuple[int, int], ...] | None = None

    @property
    def scheme(self) -> RagScheme:
        return scheme(self.plan.rag_scheme)

    @property
    def complete(self) -> bool:
        """Every action row is loaded (nothing that counts may use the rows before this)."""
        return self.priority_totals is None

    @property
    def total_actions(self) -> int:
        """How many actions the plan has, loaded or not."""
        return len(self.rows) if self.priority_totals is None else sum(n for _, n in self.priority_totals)

    def tree(self) -> list[ObjectiveNode]:
        if self.priority_totals is None:
            return tree_from_rows(self.structure, self.rows, self.scheme)
        # Still loading: true counts, and no roll-up (a roll-up of some rows could read better than the truth).
        totals = dict(self.priority_totals)
        return [ObjectiveNode(o.id, o.code, o.title, None,
                              tuple(PriorityNode(p.id, p.code, p.text, None, totals.get(p.id, 0))
                                    for p in o.priorities))
                for o in self.structure]

    def with_rows(self, rows: Iterable[ActionRow], removed: Iterable[int] = ()) -> PlanData:
        """A copy with ``rows`` replacing (or adding) rows of the same id and ``removed`` ids dropped, kept in plan
        order."""
        fresh = {r.id: r for r in rows}
        gone = set(removed)
        kept = [fresh.pop(r.id, r) for r in self.rows if r.id not in gone]
        merged = sorted([*kept, *fresh.values()], key=lambda r: r.position)
        return replace(self, rows=tuple(merged))

    def completed(self, rows: Sequence[ActionRow]) -> PlanData:
        """This (partially loaded) plan with all of its rows, as read by :func:`load_rows`."""
        return replace(self, rows=tuple(rows), priority_totals=None)


class StillLoading(PathwaysError):
    """A count was asked of a plan whose rows are still arriving."""


def _require_complete(data: PlanData) -> None:
    if not data.complete:
        raise StillLoading(f"The plan is still loading ({len(data.rows):,} of {data.total_actions:,} actions); "
                           "counts wait until every action is read.")


def _period_info(p: ReportingPeriod) -> PeriodInfo:
    return PeriodInfo(p.id, p.label, p.start_date, p.end_date, p.is_closed)


# ---- choices


def plan_choices(session: Session) -> list[PlanChoice]:
    partnerships = {p.id: p.name for p in session.scalars(select(Partnership))}
    return [
        PlanChoice(p.id, p.title, partnerships.get(p.partnership_id, ""), p.period_label, p.rag_scheme, p.is_demo)
        for p in session.scalars(select(Plan).order_by(Plan.id))
    ]


def people_info(session: Session) -> list[PersonInfo]:
    out = []
    query = select(Person).options(joinedload(Person.organisation)).order_by(Person.name, Person.job_title, Person.id)
    for p in session.scalars(query):
        org = p.organisation
        out.append(PersonInfo(p.id, p.display_name, p.name or "", p.job_title, p.organisation_id,
                              org.display_name if org else "", p.email, p.phone, p.active))
    return sorted(out, key=lambda p: p.display_name.casefold())


def organisations_info(session: Session) -> list[OrganisationInfo]:
    return sorted(
        (OrganisationInfo(o.id, o.name, o.short_name, o.kind.value) for o in session.scalars(select(Organisation))),
        key=lambda o: o.display_name.casefold(),
    )


def pathway_names(session: Session) -> list[str]:
    return list(session.scalars(select(CriticalPathway.name).order_by(CriticalPathway.position, CriticalPathway.id)))


def structure_of(session: Session, plan_id: int) -> tuple[ObjectiveInfo, ...]:
    objectives = list(session.scalars(select(Objective).where(Objective.plan_id == plan_id)
                                      .order_by(Objective.position, Objective.id)))
    priorities: dict[int, list[PriorityInfo]] = defaultdict(list)
    query = (select(Priority).join(Objective, Priority.objective_id == Objective.id)
             .where(Objective.plan_id == plan_id).order_by(Priority.position, Priority.id))
    for p in session.scalars(query):
        priorities[p.objective_id].append(PriorityInfo(p.id, p.code, p.text, p.strand.value))
    return tuple(ObjectiveInfo(o.id, o.code, o.title, tuple(priorities[o.id])) for o in objectives)


# ---- action rows


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _words_of_updates(db: Connection, period_ids: list[int], chunks: Sequence[Sequence[int] | None]) -> dict[int, str]:
    """Every quarter's commentary and remedial action per action, each wording once, so a search finds what was
    said in any quarter, not only the latest (the words are for searching; the screens show the latest)."""
    said: dict[int, dict[str, None]] = defaultdict(dict)
    words = (select(ActionUpdate.action_id, ActionUpdate.commentary, ActionUpdate.remedial_action)
             .where(ActionUpdate.period_id.in_(period_ids or [-1]))
             .where((ActionUpdate.commentary != "") | (ActionUpdate.remedial_action != "")))
    for chunk in chunks:
        query = words if chunk is None else words.where(ActionUpdate.action_id.in_(chunk))
        for action_id, commentary, remedial in db.execute(query):
            seen = said[action_id]
            seen[commentary] = None
            seen[remedial] = None
    return {action_id: " ".join(w for w in seen if w) for action_id, seen in said.items()}


def load_rows(
    session: Session, plan_id: int, action_ids: Iterable[int] | None = None, as_at: dt.date | None = None
) -> list[ActionRow]:
    """The plan's action rows (all, or only ``action_ids``), in plan order."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"No plan with id {plan_id}.")
    # Column queries straight on the session's connection: no ORM row processing for 10,000s of plain rows.
    db = session.connection()
    sch = scheme(plan.rag_scheme)
    today = as_at or dt.date.today()
    periods = periods_of(session, plan_id)
    current = current_period(session, plan_id)
    prev = previous_closed(session, plan_id, current)
    upto = {p.id for p in periods if current is None or p.start_date <= current.start_date}
    order = {p.id: n for n, p in enumerate(periods)}
    labels = {p.id: p.label for p in periods}
    before = {p.id for p in periods if prev is not None and p.start_date <= prev.start_date}
    wanted = None if action_ids is None else sorted(set(action_ids))

    base = (
        select(Action.id, Action.code, Action.text, Action.lead_organisation_id, Action.start_date, Action.due_date,
               Action.timescale, Action.status, Action.position, Priority.id, Priority.code, Priority.strand,
               Priority.position, Objective.id, Objective.code, Objective.position)
        .join(Priority, Action.priority_id == Priority.id)
        .join(Objective, Priority.objective_id == Objective.id)
        .where(Objective.plan_id == plan_id)
        .order_by(Objective.position, Priority.position, Action.position, Action.id)  # plan order
    )
    if wanted is None:
        actions = list(db.execute(base))
    else:
        actions = [r for chunk in _chunks(wanted) for r in db.execute(base.where(Action.id.in_(chunk)))]
    ids = [r[0] for r in actions]
    if not ids:
        return []

    # The newest update so far and the newest at the previous close, by the one rule of
    # desktop.services.quarter_status: the last update of the latest quarter that has one. Quarters are read newest
    # first, one at a time (the index on quarter and action answers each), until every action has both: usually
    # one or two quarters, instead of every update the plan ever had.
    latest: dict[int, int] = {}
    previous: dict[int, int] = {}
    chunks = [None] if wanted is None else list(_chunks(ids))
    want_previous = prev is not None
    for period in sorted((p for p in periods if p.id in upto), key=lambda p: order[p.id], reverse=True):
        if len(latest) == len(ids) and (not want_previous or len(previous) == len(ids)):
            break
        counts_before = period.id in before
        newest = (select(ActionUpdate.action_id, func.max(ActionUpdate.id))
                  .where(ActionUpdate.period_id == period.id).group_by(ActionUpdate.action_id))
        for chunk in chunks:
            query = newest if chunk is None else newest.where(ActionUpdate.action_id.in_(chunk))
            for action_id, update_id in db.execute(query):
                latest.setdefault(action_id, update_id)
                if counts_before:
                    previous.setdefault(action_id, update_id)
    if wanted is None:  # a plan's update can only belong to its own actions, but say so rather than assume it
        known = set(ids)
        latest = {a: u for a, u in latest.items() if a in known}
        previous = {a: u for a, u in previous.items() if a in known}
    details: dict[int, tuple[str | None, str | None, int | None, str, dt.datetime, int]] = {}
    for chunk in _chunks(sorted(latest.values())):
        for uid, rag, forecast, pct, commentary, recorded, period_id in db.execute(
            select(ActionUpdate.id, ActionUpdate.rag, ActionUpdate.forecast_rag, ActionUpdate.percent_complete,
                   ActionUpdate.commentary, ActionUpdate.recorded_at, ActionUpdate.period_id)
            .where(ActionUpdate.id.in_(chunk))
        ):
            details[uid] = (rag, forecast, pct, commentary, recorded, period_id)
    previous_rag: dict[int, str | None] = {}
    for chunk in _chunks(sorted(set(previous.values()) - set(details))):
        for uid, rag in db.execute(
            select(ActionUpdate.id, ActionUpdate.rag).where(ActionUpdate.id.in_(chunk))
        ):
            previous_rag[uid] = rag
    previous_rag.update({uid: details[uid][0] for uid in set(previous.values()) & set(details)})

    earlier = _words_of_updates(db, [p.id for p in periods], chunks)

    names = {person.id: person.display_name
             for person in session.scalars(select(Person).options(joinedload(Person.organisation)))}
    leads: dict[int, list[int]] = defaultdict(list)
    lead_query = select(ActionLead.action_id, ActionLead.person_id).order_by(ActionLead.action_id, ActionLead.position)
    for chunk in chunks:
        q = lead_query if chunk is None else lead_query.where(ActionLead.action_id.in_(chunk))
        for action_id, person_id in db.execute(q):
            leads[action_id].append(person_id)
    orgs = {o.id: o.display_name for o in session.scalars(select(Organisation))}
    pathways: dict[int, list[str]] = defaultdict(list)
    path_query = (select(action_pathway.c.action_id, CriticalPathway.name)
                  .join(CriticalPathway, CriticalPathway.id == action_pathway.c.pathway_id)
                  .order_by(CriticalPathway.position))
    for chunk in chunks:
        pq = path_query if chunk is None else path_query.where(action_pathway.c.action_id.in_(chunk))
        for action_id, pathway_name in db.execute(pq):
            pathways[action_id].append(pathway_name)

    # The direction of travel depends only on the two statuses: work it out once per pair, not per action.
    directions: dict[tuple[str | None, str | None], str] = {}
    rows: list[ActionRow] = []
    for (aid, code, text, org_id, start, due, timescale, status, a_pos, pr_id, pr_code, strand, pr_pos,
         ob_id, ob_code, ob_pos) in actions:
        detail = details.get(latest.get(aid, 0))
        rag = detail[0] if detail else None
        before_rag = previous_rag.get(previous.get(aid, 0)) if aid in previous else None
        lead_ids = tuple(leads.get(aid, ()))
        status = ActionStatus(status)
        rows.append(ActionRow(
            id=aid,
            objective_id=ob_id,
            objective_code=ob_code,
            priority_id=pr_id,
            priority_code=pr_code,
            strand=strand.value if hasattr(strand, "value") else str(strand),
            code=code,
            text=text,
            lead=" / ".join(names.get(pid, "") for pid in lead_ids),
            lead_ids=lead_ids,
            organisation=orgs.get(org_id or -1, ""),
            organisation_id=org_id,
            start_date=start,
            due_date=due,
            timescale=timescale,
            status=status,
            rag=rag,
            forecast_rag=detail[1] if detail else None,
            previous_rag=before_rag,
            direction=directions.get((rag, before_rag)) or directions.setdefault(
                (rag, before_rag), sch.compare(rag, before_rag)),
            percent_complete=detail[2] if detail else None,
            commentary=detail[3] if detail else "",
            last_updated=detail[4] if detail else None,
            updated_this_period=bool(detail and current is not None and detail[5] == current.id),
            overdue=bool(due and due < today and status not in (ActionStatus.COMPLETE, ActionStatus.CANCELLED)),
            pathways=tuple(pathways.get(aid, ())),
            position=(ob_pos, pr_pos, a_pos),
            rag_period=labels.get(detail[5]) if detail else None,
            earlier_commentary=earlier.get(aid, ""),
        ))
    if wanted is not None and len(wanted) > _CHUNK:  # each chunk came in plan order; together they may not
        rows.sort(key=lambda r: (r.position, r.id))
    return rows


def tree_from_rows(
    structure: Sequence[ObjectiveInfo], rows: Iterable[ActionRow], sch: RagScheme
) -> list[ObjectiveNode]:
    """The navigator's tree with roll-ups (the worst child, as the scheme defines it) from rows already loaded."""
    # Each priority's distinct statuses, first seen first (the worst of them is the worst of all its rows).
    by_priority: dict[int, dict[str | None, None]] = defaultdict(dict)
    actions: Counter[int] = Counter()
    for row in rows:
        by_priority[row.priority_id][row.rag] = None
        actions[row.priority_id] += 1
    out = []
    for objective in structure:
        nodes = tuple(
            PriorityNode(p.id, p.code, p.text, sch.worst(by_priority.get(p.id, {})), actions[p.id])
            for p in objective.priorities
        )
        rags = [r for p in objective.priorities for r in by_priority.get(p.id, {})]
        out.append(ObjectiveNode(objective.id, objective.code, objective.title, sch.worst(rags), nodes))
    return out


def plan_tree(session: Session, plan_id: int) -> list[ObjectiveNode]:
    """The plan's objectives and priorities with roll-up RAG (worst child, as the plan's scheme defines it)."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"No plan with id {plan_id}.")
    return tree_from_rows(structure_of(session, plan_id), load_rows(session, plan_id), scheme(plan.rag_scheme))


def first_actions(session: Session, plan_id: int, count: int) -> tuple[list[int], dict[int, int]]:
    """The ids of the plan's first ``count`` actions in plan order (what the action table shows first), and how
    many actions each of its priorities has."""
    in_plan = (select(Action.id)
               .join(Priority, Action.priority_id == Priority.id)
               .join(Objective, Priority.objective_id == Objective.id)
               .where(Objective.plan_id == plan_id))
    first = list(session.scalars(in_plan.order_by(Objective.position, Priority.position, Action.position, Action.id)
                                 .limit(count)))
    totals: dict[int, int] = dict(session.execute(
        in_plan.with_only_columns(Action.priority_id, func.count(Action.id)).group_by(Action.priority_id)).all())
    return first, totals


def load_plan(
    session: Session, plan_id: int, as_at: dt.date | None = None, progress: Progress | None = None,
    first: int | None = None,
) -> PlanData:
    """Everything the plan screens show. With ``first``, only the first ``first`` rows in plan order (the rest are
    read by :func:`load_rows` and added with :meth:`PlanData.completed`): the table can show them sooner."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"No plan with id {plan_id}.")
    partnership = session.get(Partnership, plan.partnership_id)
    choice = PlanChoice(plan.id, plan.title, partnership.name if partnership else "", plan.period_label,
                        plan.rag_scheme, plan.is_demo)
    if progress:
        progress(0.1, "Reading the plan's structure")
    structure = structure_of(session, plan_id)
    periods = periods_of(session, plan_id)
    current = current_period(session, plan_id)
    prev = previous_closed(session, plan_id, current)
    if progress:
        progress(0.3, "Reading actions and their latest updates")
    totals: tuple[tuple[int, int], ...] | None = None
    if first is None:
        rows = load_rows(session, plan_id, as_at=as_at)
    else:
        ids, per_priority = first_actions(session, plan_id, first)
        rows = load_rows(session, plan_id, ids, as_at=as_at)
        if len(rows) < sum(per_priority.values()):
            totals = tuple(sorted(per_priority.items()))
    if progress:
        progress(0.85, "Reading people and organisations")
    return PlanData(
        plan=choice,
        structure=structure,
        rows=tuple(rows),
        periods=tuple(_period_info(p) for p in periods),
        current_period=_period_info(current) if current else None,
        previous_period=_period_info(prev) if prev else None,
        people=tuple(people_info(session)),
        organisations=tuple(organisations_info(session)),
        pathways=tuple(pathway_names(session)),
        as_at=as_at or dt.date.today(),
        priority_totals=totals,
    )


# ---- one action in full (the editor)


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    period: str
    rag: str | None
    forecast_rag: str | None
    suggested_rag: str | None
    suggestion_reason: str
    percent_complete: int | None
    commentary: str
    remedial_action: str
    remedial_owner: str
    author: str
    recorded_at: dt.datetime
    source: str


@dataclass(frozen=True)
class ActionDetail:
    id: int
    plan_id: int
    rag_scheme: str
    objective_id: int
    priority_id: int
    code: str
    text: str
    progress_measures: tuple[str, ...]
    expected_outcome: str
    lead_ids: tuple[int, ...]
    lead_organisation_id: int | None
    resources: str
    start_date: dt.date | None
    due_date: dt.date | None
    timescale: str
    status: ActionStatus
    pathways: tuple[str, ...]
    history: tuple[HistoryEntry, ...]  # newest first

    def fields(self) -> dict[str, object]:
        """The editable fields as ``services.plans.edit`` names them."""
        return {
            "code": self.code, "text": self.text, "progress_measures": "\n".join(self.progress_measures),
            "expected_outcome": self.expected_outcome, "lead_organisation_id": self.lead_organisation_id,
            "resources": self.resources, "start_date": self.start_date, "due_date": self.due_date,
            "timescale": self.timescale, "status": self.status,
        }


def action_detail(session: Session, action_id: int) -> ActionDetail:
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound("That action no longer exists.")
    plan = action.priority.objective.plan
    updates = session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == action_id)
                              .order_by(ActionUpdate.id.desc()))
    history = tuple(
        HistoryEntry(
            u.id, u.period.label, u.rag, u.forecast_rag, u.suggested_rag, u.suggestion_reason, u.percent_complete,
            u.commentary, u.remedial_action, u.remedial_owner.display_name if u.remedial_owner else "",
            u.author.display_name if u.author else "", u.recorded_at, u.source.value,
        )
        for u in updates
    )
    return ActionDetail(
        id=action.id, plan_id=plan.id, rag_scheme=plan.rag_scheme, objective_id=action.priority.objective_id,
        priority_id=action.priority_id, code=action.code, text=action.text,
        progress_measures=tuple(action.measures), expected_outcome=action.expected_outcome,
        lead_ids=tuple(link.person_id for link in action.leads), lead_organisation_id=action.lead_organisation_id,
        resources=action.resources, start_date=action.start_date, due_date=action.due_date,
        timescale=action.timescale, status=action.status, pathways=tuple(p.name for p in action.pathways),
        history=history,
    )


# ---- summaries the screens draw (pure functions of loaded rows)


def row_status(row: ActionRow) -> QuarterStatus:
    """A loaded row's status in the plan's current quarter, by the one rule (desktop.services.quarter_status)."""
    return QuarterStatus(action_id=row.id, code=row.code, action_status=row.status.value, rag=row.rag,
                         updated=row.updated_this_period, rag_from=row.rag_period,
                         lead_id=row.lead_ids[0] if row.lead_ids else None)


def awaiting_update(row: ActionRow, period: PeriodInfo | None) -> bool:
    """Whether the open quarter still needs a return for this action (a closed quarter takes no more)."""
    if period is None or period.closed:
        return False
    return row_status(row).awaiting


def status_counts(data: PlanData) -> StatusCounts:
    """The current quarter's counts, as the close dialog, the snapshot and the update print them."""
    _require_complete(data)
    return count_statuses(row_status(r) for r in data.rows)


def unupdated_exceptions(data: PlanData) -> list[ActionRow]:
    """Actions whose Red or Amber (any status needing remedial action) is carried forward with no update in the
    current quarter, worst first: closing now freezes them at that status, marked "not updated since"."""
    _require_complete(data)
    sch = data.scheme
    flagged = []
    for row in data.rows:
        status = sch.find(row.rag)
        if status is not None and status.needs_remedial and row_status(row).carried_from is not None:
            flagged.append((-status.severity, row.position, row))
    return [row for *_, row in sorted(flagged, key=lambda item: (item[0], item[1]))]


def changed_since_last_quarter(row: ActionRow) -> bool:
    return row.rag is not None and row.rag != row.previous_rag


@dataclass(frozen=True)
class LeadLoad:
    person_id: int
    primary: int  # actions this person leads
    joint: int  # actions where this person is a joint lead
    awaiting_update: int
    overdue: int
    by_rag: dict[str, int]  # RAG key (or "none") → actions led (primary or joint)


def lead_workload(rows: Iterable[ActionRow], period: PeriodInfo | None) -> dict[int, LeadLoad]:
    primary: Counter[int] = Counter()
    joint: Counter[int] = Counter()
    waiting: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    rags: dict[int, Counter[str]] = defaultdict(Counter)
    for row in rows:
        for n, pid in enumerate(row.lead_ids):
            (primary if n == 0 else joint)[pid] += 1
            rags[pid][row.rag or "none"] += 1
            if row.overdue:
                overdue[pid] += 1
            if awaiting_update(row, period):
                waiting[pid] += 1
    ids = set(primary) | set(joint)
    return {pid: LeadLoad(pid, primary[pid], joint[pid], waiting[pid], overdue[pid], dict(rags[pid])) for pid in ids}


def rag_counts_by_objective(data: PlanData) -> list[tuple[str, str, dict[str, int]]]:
    """(objective code, title, RAG key or "none" → actions) in plan order."""
    _require_complete(data)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for row in data.rows:
        counts[row.objective_id][row.rag or "none"] += 1
    return [(o.code, o.title, dict(counts[o.id])) for o in data.structure]


def overdue_by_organisation(rows: Iterable[ActionRow]) -> list[tuple[str, int]]:
    counts = Counter(row.organisation or "No lead organisation" for row in rows if row.overdue)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))


def outstanding_by_lead(data: PlanData) -> list[tuple[str, int]]:
    """Returns still awaited in the open quarter, per primary lead officer (most first)."""
    _require_complete(data)
    names = {p.id: p.display_name for p in data.people}
    counts: Counter[str] = Counter()
    for row in data.rows:
        if awaiting_update(row, data.current_period):
            counts[names.get(row.lead_ids[0], "No lead officer") if row.lead_ids else "No lead officer"] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))


def rag_mix_by_quarter(session: Session, plan_id: int) -> list[tuple[str, dict[str, int]]]:
    """For each quarter, how many actions hold each status ("none": never had one), with statuses carried forward
    by the one rule of desktop.services.quarter_status, as the quarter's snapshot counts them."""
    by_quarter = statuses_by_quarter(session, plan_id)
    return [(p.label, count_statuses(by_quarter.get(p.id, [])).by_rag) for p in periods_of(session, plan_id)]


# ---- quarters


@dataclass(frozen=True)
class QuarterRow:
    id: int
    label: str
    start: dt.date
    end: dt.date
    returns_deadline: dt.date | None
    closed_at: dt.datetime | None
    closed_by: str
    updated_actions: int  # actions with at least one update recorded in the quarter
    snapshot_sha256: str

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


def quarter_rows(session: Session, plan_id: int) -> list[QuarterRow]:
    periods = periods_of(session, plan_id)
    counts = dict(session.execute(
        select(ActionUpdate.period_id, func.count(func.distinct(ActionUpdate.action_id)))
        .where(ActionUpdate.period_id.in_([p.id for p in periods] or [-1]))
        .group_by(ActionUpdate.period_id)
    ).all())
    hashes = dict(session.execute(select(Snapshot.period_id, Snapshot.sha256).where(Snapshot.plan_id == plan_id))
                  .all())
    out = []
    for p in periods:
        closer = p.closed_by.display_name if p.closed_by else ""
        out.append(QuarterRow(p.id, p.label, p.start_date, p.end_date, p.returns_deadline, p.closed_at, closer,
                              int(counts.get(p.id, 0)), hashes.get(p.id, "")))
    return out
