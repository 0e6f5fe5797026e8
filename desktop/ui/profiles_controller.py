"""What the Offender profiles screen asks of the store: the plan's appendices, the preview of one appendix under a
disclosure profile, and importing subjects (through ``desktop.services.disclosure``). The screen holds no sessions;
the actor is read when an import runs, so "Who am I…" takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from desktop.errors import PathwaysError
from desktop.models.plan import Plan
from desktop.models.profiles import ProfileAppendix
from desktop.services.disclosure.importing import ImportResult, find_or_create_appendix, import_subjects
from desktop.services.disclosure.profiles import AppendixPreview, preview
from desktop.services.disclosure.rules import DisclosureRule, rule_for
from desktop.ui.context import ActorSource, SessionSource, current_actor


@dataclass(frozen=True)
class AppendixEntry:
    id: int
    title: str
    is_demo: bool
    subjects: int
    tables: int


@dataclass(frozen=True)
class PreviewResult:
    rule: DisclosureRule
    preview: AppendixPreview | None


class ProfilesController:
    def __init__(self, store: SessionSource, plan_id: int, actor: ActorSource) -> None:
        self.store = store
        self.plan_id = plan_id
        self.actor_source = actor

    def appendices(self) -> list[AppendixEntry]:
        with self.store.session() as session:
            found = session.scalars(select(ProfileAppendix).where(ProfileAppendix.plan_id == self.plan_id)
                                    .order_by(ProfileAppendix.position, ProfileAppendix.id))
            return [AppendixEntry(a.id, a.title, bool(a.is_demo), len(a.subjects), len(a.tables)) for a in found]

    def preview(self, appendix_id: int | None, profile: str) -> PreviewResult:
        """The partnership's disclosure rule and what ``profile`` publishes of the appendix (None: no appendix)."""
        with self.store.session() as session:
            plan = session.get(Plan, self.plan_id)
            if plan is None:
                raise PathwaysError("This plan is no longer in the store.")
            partnership = plan.partnership
            rule = rule_for(partnership.disclosure_rule)
            appendix = session.get(ProfileAppendix, appendix_id) if appendix_id is not None else None
            shown = preview(appendix, profile, rule, notice_contact=partnership.notice_contact) if appendix else None
            return PreviewResult(rule, shown)

    def appendix_summary(self, appendix_id: int | None) -> tuple[str | None, int]:
        """The appendix's title and how many subjects it holds (None, 0 when there is none)."""
        if appendix_id is None:
            return None, 0
        with self.store.session() as session:
            appendix = session.get(ProfileAppendix, appendix_id)
            return (appendix.title, len(appendix.subjects)) if appendix is not None else (None, 0)

    def import_subjects(self, appendix_id: int | None, data: bytes, name: Path | str, mapping: dict[str, str],
                        replace: bool, new_title: str) -> ImportResult:
        actor = current_actor(self.actor_source)
        with self.store.session() as session:
            target = session.get(ProfileAppendix, appendix_id) if appendix_id is not None else None
            if target is None:
                plan = session.get(Plan, self.plan_id)
                if plan is None:
                    raise PathwaysError("This plan is no longer in the store.")
                target = find_or_create_appendix(session, plan, new_title)
            return import_subjects(session, target, data, str(name), mapping, replace=replace, actor=actor)
