"""Enumerations stored as their string values (readable in the database, stable across versions)."""

from __future__ import annotations

import enum


class StrEnum(enum.StrEnum):
    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class OrganisationKind(StrEnum):
    POLICE = "police"
    PROBATION = "probation"
    CRC = "crc"
    YOS = "yos"
    COUNCIL = "council"
    HEALTH = "health"
    COMMISSIONER = "commissioner"
    PRISON = "prison"
    VOLUNTARY = "voluntary"
    FIRE = "fire"
    HOUSING = "housing"
    OTHER = "other"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    CONSULTATION = "consultation"
    APPROVED = "approved"
    ARCHIVED = "archived"


class Strand(StrEnum):
    ADULTS = "adults"
    YOUNG_PEOPLE = "young_people"
    BOTH = "both"


class ActionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    DEFERRED = "deferred"
    CANCELLED = "cancelled"


class UpdateSource(StrEnum):
    APP = "app"
    RETURN = "return"
    IMPORT = "import"
