"""The demonstration store: the two published plans (County Durham and Darlington; Hartlepool) from resources/demo.

The data lives in readable YAML files; this module only loads them through the ordinary services, so the demo
exercises exactly the rules a real plan does. Everything it creates is flagged as demonstration data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from desktop.models import (
    ActionStatus,
    Organisation,
    OrganisationKind,
    Partnership,
    Person,
    Plan,
    PlanStatus,
    StoreMeta,
    Strand,
    UpdateSource,
)
from desktop.resources import resource_path
from desktop.services import periods, plans, signing_setup, updates
from desktop.services.actor import Actor
from desktop.services.indicator_demo import load_demo_indicators
from desktop.services.meeting_demo import load_demo_meeting

DEMO_ACTOR = Actor(None, "Pathways demonstration loader")
PLAN_FILES = ("durham-darlington-2015-18.yaml", "hartlepool-2014-17.yaml")
DEMO_PASSPHRASE = "demonstration only - not for real data"

Progress = Callable[[float, str], None]


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} is not a demo data file")
    return data


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class _Registry:
    def __init__(self) -> None:
        self.partnerships: dict[str, Partnership] = {}
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        self.plans: dict[str, Plan] = {}
        self.actions: dict[tuple[int, str], Any] = {}
        self.coordinators: dict[int, Person] = {}  # partnership id → who closes its quarters and signs


def _load_people(session: Session, data: dict[str, Any], reg: _Registry) -> None:
    plans.ensure_pathways(session, data.get("critical_pathways", plans.DEFAULT_PATHWAYS))
    for p in data["partnerships"]:
        reg.partnerships[p["key"]] = plans.add_partnership(
            session, DEMO_ACTOR, p["name"], p.get("short_name", ""),
            default_marking=p.get("default_marking", "OFFICIAL"),
            notice_contact=p.get("notice_contact", "the Community Safety Team"),
            implications_template=p.get("implications_template", "durham_council"),
        )
    for o in data["organisations"]:
        reg.organisations[o["short_name"]] = plans.add_organisation(
            session, DEMO_ACTOR, o["name"], o["short_name"], OrganisationKind(o.get("kind", "other"))
        )
    for person in data["people"]:
        reg.people[person["key"]] = plans.add_person(
            session, DEMO_ACTOR, name=person.get("name"), job_title=person.get("job_title", ""),
            organisation=reg.organisations.get(person.get("organisation") or ""),
        )


def _load_signers(session: Session, data: dict[str, Any], reg: _Registry) -> None:
    """Each demo partnership gets its own signing root and a signing certificate for its coordinator."""
    for p in data["partnerships"]:
        partnership = reg.partnerships[p["key"]]
        signing_setup.ensure_root(session, partnership, actor=DEMO_ACTOR)
        for key in p.get("signers", []):
            signing_setup.issue_signer(session, reg.people[key], partnership=partnership, actor=DEMO_ACTOR)
            reg.coordinators.setdefault(partnership.id, reg.people[key])


def _load_plan(session: Session, data: dict[str, Any], reg: _Registry) -> Plan:
    meta = data["plan"]
    plan = plans.add_plan(
        session, DEMO_ACTOR, reg.partnerships[data["partnership"]], meta["title"],
        period_label=str(meta.get("period", "")), aim=meta.get("aim", ""), owning_group=meta.get("owning_group", ""),
        status=PlanStatus(meta.get("status", "draft")), version=str(meta.get("version", "1.0")),
        rag_scheme=meta.get("rag_scheme", "rag"), source=meta.get("source", ""), is_demo=True,
    )
    reg.plans[plan.title] = plan
    for o in data["objectives"]:
        objective = plans.add_objective(session, DEMO_ACTOR, plan, str(o["code"]), o["title"],
                                        o.get("description", ""))
        for pr in o.get("priorities", []):
            priority = plans.add_priority(session, DEMO_ACTOR, objective, str(pr["code"]), pr["text"],
                                          Strand(pr.get("strand", "both")))
            for a in pr.get("actions", []):
                action = plans.add_action(
                    session, DEMO_ACTOR, priority, str(a["code"]), a["text"],
                    progress_measures=a.get("progress_measures") or [],
                    expected_outcome=a.get("expected_outcome") or "",
                    leads=[reg.people[k] for k in a.get("leads") or []],
                    lead_organisation=reg.organisations.get(a.get("lead_organisation") or ""),
                    resources=a.get("resources") or "",
                    start_date=_date(a.get("start_date")),
                    due_date=_date(a.get("due_date")),
                    timescale=str(a.get("timescale") or ""),
                    status=ActionStatus(a.get("status", "not_started")),
                    pathways=a.get("pathways") or [],
                )
                reg.actions[(plan.id, action.code)] = action
    return plan


def _load_updates(session: Session, data: dict[str, Any], reg: _Registry, progress: Progress | None) -> None:
    for entry in data["plans"]:
        plan = reg.plans[entry["plan"]]
        by_period: dict[str, list[dict[str, Any]]] = {}
        for u in entry.get("updates", []):
            by_period.setdefault(u["period"], []).append(u)
        for spec in entry["periods"]:
            period = periods.add_period(
                session, DEMO_ACTOR, plan, spec["label"], _date(spec["start"]) or dt.date.today(),
                _date(spec["end"]) or dt.date.today(), _date(spec.get("returns_deadline")),
            )
            recorded = dt.datetime.combine(period.end_date, dt.time(12, 0), tzinfo=dt.UTC)
            for u in by_period.get(spec["label"], []):
                action = reg.actions[(plan.id, str(u["action"]))]
                lead = action.primary_lead
                updates.record_update(
                    session, DEMO_ACTOR, action, period,
                    rag=u.get("rag"), forecast_rag=u.get("forecast"),
                    percent_complete=u.get("percent_complete"), commentary=u.get("commentary") or "",
                    remedial_action=u.get("remedial_action") or "",
                    remedial_owner=reg.people.get(u.get("remedial_owner") or ""),
                    source=UpdateSource.APP, author=lead, as_at=period.end_date, recorded_at=recorded,
                )
            if spec.get("closed"):
                closed_at = dt.datetime.combine(
                    period.returns_deadline or period.end_date, dt.time(17, 0), tzinfo=dt.UTC
                )
                # The partnership's coordinator closes the quarter, so the cover names a person and role.
                closer = reg.coordinators.get(plan.partnership_id)
                periods.close_period(session, Actor.for_person(closer) if closer else DEMO_ACTOR, period,
                                     closed_at=closed_at)
            if progress:
                progress(0.5, f"{plan.title}: {spec['label']}")


def build_demo(session: Session, progress: Progress | None = None, folder: Path | None = None) -> list[Plan]:
    """Fill an empty store with the demonstration plans, quarters and updates."""
    folder = folder or resource_path("demo")
    reg = _Registry()
    session.add(StoreMeta(key="demonstration", value="true"))
    people = _load(folder / "partnerships.yaml")
    _load_people(session, people, reg)
    _load_signers(session, people, reg)
    loaded = []
    for name in PLAN_FILES:
        loaded.append(_load_plan(session, _load(folder / name), reg))
        if progress:
            progress(0.2, f"Loaded {name}")
    for hook in EXTRA_LOADERS:
        hook(session, reg.plans, folder)
    updates_file = folder / "updates.yaml"
    if updates_file.exists():
        _load_updates(session, _load(updates_file), reg, progress)
    return loaded


def _load_profiles(session: Session, plans_by_title: dict[str, Plan], folder: Path) -> None:
    from desktop.services.disclosure.demo import load_demo_profiles

    path = folder / "profiles-hartlepool.yaml"
    hartlepool = next((p for title, p in plans_by_title.items() if "Hartlepool" in title), None)
    if path.exists() and hartlepool is not None:
        load_demo_profiles(session, hartlepool, path)


# Feature data (profile appendices, indicators, meetings). They run before the quarters are closed, so each
# closed quarter's snapshot holds them as a real store's would.
EXTRA_LOADERS: list[Callable[[Session, dict[str, Plan], Path], None]] = [
    _load_profiles,
    load_demo_indicators,
    load_demo_meeting,
]
