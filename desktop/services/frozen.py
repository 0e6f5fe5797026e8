"""The frozen state of a plan at the close of a quarter: what a Snapshot stores and what documents are built from.

Plain, immutable data with a canonical JSON form, so the SHA-256 of a snapshot is reproducible and reports never
touch the database (DESIGN §3: the delivery-plan update is built from a closed quarter's snapshot).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from desktop.services.quarter_status import QuarterStatus, StatusCounts, count_statuses, not_updated_mark

FORMAT_VERSION = 1


@dataclass(frozen=True)
class FrozenAction:
    id: int
    code: str
    text: str
    progress_measures: tuple[str, ...]
    expected_outcome: str
    lead: str  # primary lead's display name ("Head of Offender Services, DTV CRC")
    joint_leads: tuple[str, ...]
    lead_organisation: str
    resources: str
    start_date: str | None  # ISO date
    due_date: str | None  # ISO date
    timescale: str  # original free text ("End May 2014", "ongoing")
    status: str  # ActionStatus value
    pathways: tuple[str, ...]
    rag: str | None  # scheme status key this quarter (None: no update)
    forecast_rag: str | None
    suggested_rag: str | None
    percent_complete: int | None
    commentary: str
    remedial_action: str
    remedial_owner: str
    updated_by: str
    updated_at: str | None  # ISO datetime of the update used
    previous_rag: str | None  # status at the previous closed quarter
    direction: str  # "improved" | "worse" | "same" | "new" | "none"
    rag_since: str | None  # label of the first quarter of the current unbroken run of this status
    quarters_at_rag: int  # how many consecutive closed quarters (including this) at this status
    # Written only when set (see _LATER_FIELDS), so snapshots frozen before they existed keep their hash.
    not_updated_since: str | None = None  # no update this quarter: ``rag`` is carried forward from this quarter
    awaiting_update: bool = False  # no update this quarter and the action is still live (not complete etc.)


    def quarter_status(self, period_label: str) -> QuarterStatus:
        updated = self.not_updated_since is None and self.updated_at is not None
        return QuarterStatus(
            action_id=self.id, code=self.code, action_status=self.status, rag=self.rag, updated=updated,
            rag_from=self.not_updated_since or (period_label if updated else None),
        )

    @property
    def mark(self) -> str:
        """"not updated since 2015/16 Q3" for a carried-forward status, else ""."""
        return not_updated_mark(self.not_updated_since)


# FrozenAction fields added after format 1, with the value that means "not set" (left out of the JSON).
_LATER_FIELDS: dict[str, Any] = {"not_updated_since": None, "awaiting_update": False}


@dataclass(frozen=True)
class FrozenPriority:
    id: int
    code: str
    text: str
    strand: str
    rollup_rag: str | None
    actions: tuple[FrozenAction, ...]


@dataclass(frozen=True)
class FrozenObjective:
    id: int
    code: str
    title: str
    description: str
    rollup_rag: str | None
    priorities: tuple[FrozenPriority, ...]


@dataclass(frozen=True)
class PlanSnapshotData:
    """Everything the delivery-plan update needs, frozen at quarter close."""

    format_version: int
    partnership: str
    partnership_short: str
    plan_id: int
    plan_title: str
    plan_period: str
    aim: str
    owning_group: str
    plan_status: str
    plan_version: str
    rag_scheme: str  # key into desktop.services.rag.SCHEMES
    period_label: str
    period_start: str
    period_end: str
    previous_period_label: str | None
    closed_at: str  # ISO datetime
    closed_by: str
    is_demo: bool
    objectives: tuple[FrozenObjective, ...]
    previous_counts: dict[str, int] = field(default_factory=dict)  # RAG key → count at the previous snapshot
    extra: dict[str, Any] = field(default_factory=dict)  # room for later sections (indicators) without a format bump

    # ---- derived views used by documents

    def actions(self) -> list[FrozenAction]:
        return [a for o in self.objectives for p in o.priorities for a in p.actions]

    def counts(self) -> dict[str, int]:
        """Effective status → actions (carried-forward statuses included), by the one rule in quarter_status."""
        return self.status_counts().by_rag

    def statuses(self) -> list[QuarterStatus]:
        return [a.quarter_status(self.period_label) for a in self.actions()]

    def status_counts(self) -> StatusCounts:
        return count_statuses(self.statuses())

    # ---- canonical form

    def to_json(self) -> str:
        raw = asdict(self)
        for o in raw["objectives"]:
            for p in o["priorities"]:
                for a in p["actions"]:
                    for key, default in _LATER_FIELDS.items():
                        if a[key] == default:
                            del a[key]
        return json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def sha256(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_json(cls, text: str) -> PlanSnapshotData:
        raw = json.loads(text)
        objectives = tuple(
            FrozenObjective(
                **{k: v for k, v in o.items() if k != "priorities"},
                priorities=tuple(
                    FrozenPriority(
                        **{k: v for k, v in p.items() if k != "actions"},
                        actions=tuple(_action(a) for a in p["actions"]),
                    )
                    for p in o["priorities"]
                ),
            )
            for o in raw.pop("objectives")
        )
        return cls(**raw, objectives=objectives)


def _action(raw: dict[str, Any]) -> FrozenAction:
    for key in ("progress_measures", "joint_leads", "pathways"):
        raw[key] = tuple(raw[key])
    return FrozenAction(**raw)
