"""Who is acting: the person at the keyboard, named in the audit trail, updates and signatures."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop.models import Person


@dataclass(frozen=True)
class Actor:
    person_id: int | None
    label: str

    @classmethod
    def for_person(cls, person: Person) -> Actor:
        return cls(person.id, person.display_name)

    @classmethod
    def command_line(cls) -> Actor:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown user"
        return cls(None, f"{user} (command line)")


SYSTEM = Actor(None, "Pathways")


def person_line(person: Person) -> str:
    """ "Jo Bloggs, Community Safety Co-ordinator, HBC": the name and role a document prints for a person."""
    org = person.organisation.display_name if person.organisation else ""
    return ", ".join(part for part in (person.name or "", person.job_title, org) if part.strip())


def named_person(session: Session, actor: Actor) -> str:
    """The store's person behind ``actor`` as documents name them, or "" when the actor is not one of the store's
    People (documents never print an operating-system login such as "root (desktop)")."""
    person = session.get(Person, actor.person_id) if actor.person_id is not None else None
    return person_line(person) if person is not None else ""
