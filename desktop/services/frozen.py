"""The frozen state of a plan at the close of a quarter: what a Snapshot stores and what documents are built from.

Plain, immutable data with a canonical JSON form, so the SHA-256 of a snapshot is reproducible and reports never
touch the database (DESIGN §3: the delivery-plan update is built from a closed quarter's snapshot).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

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
        out: dict[str, int] = {}
        for a in self.actions():
            key = a.rag or "none"
            out[key] = out.get(key, 0) + 1
        return out

    # ---- canonical form

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

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
