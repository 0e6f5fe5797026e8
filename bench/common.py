"""Shared benchmark helpers: timing with medians, markdown tables, and large synthetic plans."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from desktop.models import (
    Action,
    ActionLead,
    ActionUpdate,
    Objective,
    Organisation,
    Partnership,
    Person,
    Plan,
    Priority,
    ReportingPeriod,
    StoreMeta,
)


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, float, list[float]]:
    """Median and 95th percentile seconds of ``repeat`` runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(samples), p95, samples


def table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def build_large_plan(
    session: Session, actions: int = 10_000, updates_per_action: int = 10, seed: int = 7
) -> int:
    """A synthetic plan of ``actions`` actions and ``actions × updates_per_action`` updates, inserted in bulk."""
    rnd = random.Random(seed)
    session.add(StoreMeta(key="app", value="pathways")) if session.get(StoreMeta, "app") is None else None
    partnership = Partnership(name="Benchmark Community Safety Partnership", short_name="BCSP")
    orgs = [Organisation(name=f"Partner agency {i}", short_name=f"PA{i}") for i in range(12)]
    people = [Person(job_title=f"Lead officer role {i}", organisation=orgs[i % 12]) for i in range(60)]
    plan = Plan(partnership=partnership, title="Benchmark delivery plan", period_label="2015–2018")
    session.add_all([partnership, *orgs, *people, plan])
    session.flush()
    periods = []
    start = dt.date(2015, 4, 1)
    for q in range(updates_per_action):
        end = (start.replace(day=1) + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
        periods.append(ReportingPeriod(plan=plan, label=f"P{q + 1:02d}", start_date=start, end_date=end))
        start = end + dt.timedelta(days=1)
    session.add_all(periods)
    objectives = [Objective(plan=plan, code=f"SO {i + 1}", title=f"Strategic objective {i + 1}", position=i)
                  for i in range(20)]
    session.add_all(objectives)
    session.flush()
    priorities = [
        Priority(objective=o, code=f"{oi + 1}.{pi + 1}", text=f"Priority {oi + 1}.{pi + 1}", position=pi)
        for oi, o in enumerate(objectives) for pi in range(10)
    ]
    session.add_all(priorities)
    session.flush()
    per_priority = max(1, actions // len(priorities))
    action_rows = []
    for pr in priorities:
        for ai in range(per_priority):
            action_rows.append({
                "priority_id": pr.id, "code": f"{pr.code}.{ai + 1}", "position": ai,
                "text": f"Action {pr.code}.{ai + 1}: deliver the partnership's commitment on this pathway",
                "progress_measures": "Number of offenders supported\nReduction in proven re-offending",
                "expected_outcome": "", "resources": "", "timescale": "March 2016",
                "due_date": dt.date(2016, 3, 31), "status": "in_progress",
                "lead_organisation_id": orgs[ai % 12].id,
            })
    session.execute(insert(Action), action_rows)
    ids = [row[0] for row in session.execute(Action.__table__.select().with_only_columns(Action.id))]
    session.execute(insert(ActionLead), [{"action_id": a, "person_id": people[a % 60].id, "position": 0}
                                         for a in ids])
    rags = ["green", "green", "green", "amber", "red"]
    when = dt.datetime(2016, 1, 1)
    batch: list[dict[str, Any]] = []
    for period in periods:
        for a in ids:
            batch.append({
                "action_id": a, "period_id": period.id, "rag": rnd.choice(rags),
                "percent_complete": rnd.randint(0, 100),
                "commentary": "Progress as planned; partners engaged.", "remedial_action": "",
                "suggestion_reason": "", "recorded_at": when, "source": "app",
            })
            if len(batch) >= 20_000:
                session.execute(insert(ActionUpdate), batch)
                batch.clear()
    if batch:
        session.execute(insert(ActionUpdate), batch)
    for period in periods[:-1]:
        period.closed_at = when
    session.flush()
    return plan.id
