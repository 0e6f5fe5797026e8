"""Committees and their members, as the clerk sets them up: house style, clerk, contact, sign-off, the public
notice, and who sits (with one chair and one vice-chair at most)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    Committee,
    CommitteeMember,
    HouseStyle,
    MemberRole,
    Organisation,
    Partnership,
    Person,
)
from desktop.services import implications
from desktop.services.actor import Actor
from desktop.services.errors import ValidationError
from desktop.services.meeting_records import add_record, require_text

PUBLIC_NOTICE = (
    "Items during which the Press and Public are welcome to attend. Members of the Public can ask questions with "
    "the Chairman's agreement."
)


def add_committee(
    session: Session,
    actor: Actor,
    partnership: Partnership,
    name: str,
    *,
    house_style: HouseStyle = HouseStyle.DURHAM,
    clerk: Person | None = None,
    contact: str = "",
    signoff: str = "",
    public_notice: str = PUBLIC_NOTICE,
    chair_title: str = "",
    default_venue: str = "",
    default_time: dt.time | None = None,
    implications_template: str = "",
    is_demo: bool = False,
) -> Committee:
    style = HouseStyle(house_style)
    if implications_template:
        implications.template_for(session, partnership, implications_template)
    committee = Committee(
        partnership=partnership,
        name=require_text(name, "name", "A committee's name"),
        house_style=style,
        clerk=clerk,
        contact=contact.strip(),
        signoff=signoff.strip(),
        public_notice=public_notice.strip(),
        chair_title=chair_title.strip() or ("Chair" if style == HouseStyle.HARTLEPOOL else "Chairman"),
        default_venue=default_venue.strip(),
        default_time=default_time,
        implications_template=implications_template,
        is_demo=is_demo,
    )
    add_record(session, actor, committee)
    return committee


def add_member(
    session: Session,
    actor: Actor,
    committee: Committee,
    *,
    role: MemberRole = MemberRole.MEMBER,
    name: str | None = None,
    honorific: str = "",
    job_title: str = "",
    organisation: Organisation | None = None,
    person: Person | None = None,
    vacant: bool = False,
    position: int | None = None,
) -> CommitteeMember:
    role = MemberRole(role)
    if person is not None and not (name or "").strip():
        name = person.name
        job_title = job_title or person.job_title
        organisation = organisation or person.organisation
    if not (name or "").strip() and not job_title.strip() and not honorific.strip():
        raise ValidationError("A member needs a name, a title or a role.", field="name")
    if role in (MemberRole.CHAIR, MemberRole.VICE_CHAIR):
        taken = [m for m in committee.members if m.role == role]
        if taken:
            raise ValidationError(f"The committee already has a {_role_word(committee, role).lower()}.", field="role")
    member = CommitteeMember(
        committee=committee, role=role, name=(name or "").strip() or None, honorific=honorific.strip(),
        job_title=job_title.strip(), organisation=organisation, person=person, vacant=vacant,
        position=position if position is not None else len(committee.members),
    )
    add_record(session, actor, member)
    return member


def _role_word(committee: Committee, role: MemberRole) -> str:
    chair = committee.chair_title or "Chairman"
    return {MemberRole.CHAIR: chair, MemberRole.VICE_CHAIR: f"Vice-{chair}"}.get(role, role.label)


def committees(session: Session) -> list[Committee]:
    return list(session.scalars(select(Committee).order_by(Committee.name)))
