"""The demonstration meeting: the Durham Safer and Stronger Communities OSC of 15 February 2016, from
resources/demo/meeting-durham.yaml, loaded through the ordinary meeting services (so the demo obeys the same rules).

Registered as one of ``desktop.services.demo.EXTRA_LOADERS``; safe to call twice (the second call does nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    AgendaItem,
    Committee,
    HouseStyle,
    ItemKind,
    Meeting,
    MemberRole,
    Organisation,
    Part,
    Partnership,
    Plan,
)
from desktop.models.meetings import ContactLine, ImplicationAnswer, ReportSection
from desktop.services import agenda_papers, audit, committees, implications, meeting_records, meetings, plans
from desktop.services.actor import Actor

DEMO_FILE = "meeting-durham.yaml"
DEMO_ACTOR = Actor(None, "Pathways demonstration loader")


def _time(value: Any) -> dt.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, int):  # YAML 1.1 reads 09:30 as sexagesimal minutes
        return dt.time(value // 60, value % 60)
    return dt.time.fromisoformat(str(value))


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def load_demo_meeting(session: Session, plans_by_title: Mapping[str, Plan], folder: Path) -> None:
    """Add the demonstration committee, its members and the meeting with its agenda, cover reports and papers
    (the signature of ``demo.EXTRA_LOADERS``)."""
    demo_meeting(session, plans_by_title, folder)


def demo_meeting(session: Session, plans_by_title: Mapping[str, Plan], folder: Path) -> Meeting | None:
    """As :func:`load_demo_meeting`, returning the meeting (the one already there if the demo was loaded before)."""
    path = folder / DEMO_FILE
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    spec = data["committee"]
    existing = session.scalars(select(Committee).where(Committee.name == spec["name"], Committee.is_demo)).first()
    if existing is not None:
        return existing.meetings[0] if existing.meetings else None
    partnership = session.scalars(select(Partnership).where(Partnership.name == data["partnership"])).first()
    if partnership is None:
        return None
    organisations = {o.short_name: o for o in session.scalars(select(Organisation))}

    def org(key: Any) -> Organisation | None:
        return organisations.get(str(key)) if key else None

    clerk_spec = data.get("clerk") or {}
    clerk = plans.add_person(session, DEMO_ACTOR, job_title=clerk_spec.get("job_title", "Democratic Services Officer"),
                             organisation=org(clerk_spec.get("organisation")))
    committee = committees.add_committee(
        session, DEMO_ACTOR, partnership, spec["name"], house_style=HouseStyle(spec.get("house_style", "durham")),
        clerk=clerk, contact=spec.get("contact", ""), signoff=spec.get("signoff", ""),
        chair_title=spec.get("chair_title", ""), default_venue=spec.get("default_venue", ""),
        default_time=_time(spec.get("default_time")), is_demo=True,
    )
    for m in spec.get("members", []):
        for _ in range(int(m.get("count", 1))):
            committees.add_member(
                session, DEMO_ACTOR, committee, role=MemberRole(m.get("role", "member")), name=m.get("name"),
                honorific=m.get("honorific", ""), job_title=m.get("job_title", ""),
                organisation=org(m.get("organisation")), vacant=bool(m.get("vacant", False)),
            )

    mspec = data["meeting"]
    meeting = meetings.add_meeting(
        session, DEMO_ACTOR, committee, _date(mspec["date"]) or dt.date.today(), time=_time(mspec.get("time")),
        venue=mspec.get("venue"), issued_on=_date(mspec.get("issued_on")),
        blank_pages=bool(mspec.get("blank_pages", True)), fixed_items=False, is_demo=True,
    )
    preset = implications.template_for(session, partnership)
    for position, ispec in enumerate(data.get("items", [])):
        item = AgendaItem(
            meeting=meeting, title=ispec["title"], kind=ItemKind(ispec.get("kind", "report")),
            part=Part(ispec.get("part", "A")), exempt_paragraph=str(ispec.get("exempt_paragraph", "")),
            report_of=ispec.get("report_of", ""), presented_by=ispec.get("presented_by", ""),
            subtopics="\n".join(ispec.get("subtopics", [])), fixed=bool(ispec.get("fixed", False)),
            position=position,
        )
        session.add(item)
        session.flush()
        audit.record(session, DEMO_ACTOR, "create", "agenda_item", item.id, after=meeting_records.describe(item))
        cover = ispec.get("cover")
        if cover:
            default = str(cover.get("default_answer", "None"))
            given = {str(k): str(v) for k, v in (cover.get("implications") or {}).items()}
            agenda_papers.set_cover_report(
                session, DEMO_ACTOR, item,
                report_of=cover.get("report_of", ""), theme_labels=cover.get("theme_labels", []),
                purpose=cover.get("purpose", ""), background=cover.get("background", ""),
                sections=[ReportSection(s.get("heading", ""), s.get("body", "")) for s in cover.get("sections", [])],
                recommendations=cover.get("recommendations", ""), reasons=cover.get("reasons", ""),
                background_papers=cover.get("background_papers", ""),
                contacts=[ContactLine(c.get("name", ""), c.get("title", ""), c.get("tel", ""), c.get("email", ""))
                          for c in cover.get("contacts", [])],
                implication_answers=[ImplicationAnswer(h, given.get(h, default)) for h in preset.headings],
            )
        for aspec in ispec.get("attachments", []):
            if "file" in aspec:
                file = folder / aspec["file"]
                agenda_papers.attach_pdf(session, DEMO_ACTOR, item, file.name, file.read_bytes(),
                                         title=aspec.get("title", ""))
            elif "update" in aspec:
                u = aspec["update"]
                plan = plans_by_title.get(u["plan"]) or session.scalars(select(Plan).where(Plan.title == u["plan"]))\
                    .first()
                if plan is None:
                    continue
                # By label: the demo's quarters are created and closed after the feature loaders have run.
                agenda_papers.attach_delivery_update(session, DEMO_ACTOR, item, plan, str(u["period"]),
                                                     profile=u.get("profile", "public"), title=aspec.get("title", ""))
    session.flush()
    return meeting
