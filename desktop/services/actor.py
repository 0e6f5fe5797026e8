"""Who is acting: the person at the keyboard, named in the audit trail, updates and signatures."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

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
