"""The implications checklist at the end of a cover report: preset heading lists and a partnership's own.

The three presets are copied from the published documents (reference/documents-guide.md §3): Durham County
Council's "Appendix 1: Implications" (D:332–354), the Police, Crime and Victims' Commissioner's office "Risks and
Implications" (P:154–208) and the Hartlepool considerations (H:236–316, H:1325), which Hartlepool prints as numbered
sections of the report rather than as an appendix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import ImplicationsTemplate, Partnership
from desktop.models.meetings import ImplicationAnswer
from desktop.services import audit
from desktop.services.actor import Actor
from desktop.services.errors import NotFound, ValidationError


@dataclass(frozen=True)
class ImplicationsPreset:
    key: str
    name: str
    appendix_title: str  # "Implications" → "Appendix 1: Implications"
    headings: tuple[str, ...]
    custom: bool = False


DURHAM_COUNCIL = ImplicationsPreset(
    "durham_council",
    "Durham County Council",
    "Implications",
    (
        "Finance",
        "Staffing",
        "Risk",
        "Equality and Diversity / Public Sector Equality Duty",
        "Accommodation",
        "Crime and Disorder",
        "Human Rights",
        "Consultation",
        "Procurement",
        "Disability Issues",
        "Legal Implications",
    ),
)

COMMISSIONER = ImplicationsPreset(
    "commissioner",
    "Police, Crime and Victims' Commissioner's office",
    "Risks and Implications",
    (
        "Finance",
        "Staffing",
        "Equality and Diversity",
        "Accommodation",
        "Crime and Disorder",
        "Children's Act 2004",
        "Stakeholder/Community Engagement",
        "Environment",
        "Collaboration and Partnerships",
        "Value for Money and Productivity",
        "Potential Impact on Police Crime, and Victims' Plan Priorities",
        "Commissioning",
        "Other risks",
    ),
)

HARTLEPOOL = ImplicationsPreset(
    "hartlepool",
    "Hartlepool Borough Council",
    "Implications",
    (
        "Risk Implications",
        "Financial Considerations",
        "Legal Considerations",
        "Equality and Diversity Considerations",
        "Staff Considerations",
        "Asset Management Considerations",
        "Section 17 of the Crime and Disorder Act 1998 Considerations",
    ),
)

PRESETS: dict[str, ImplicationsPreset] = {p.key: p for p in (DURHAM_COUNCIL, COMMISSIONER, HARTLEPOOL)}
DEFAULT_KEY = DURHAM_COUNCIL.key
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def _from_row(row: ImplicationsTemplate) -> ImplicationsPreset:
    return ImplicationsPreset(row.key, row.name, row.appendix_title or "Implications", tuple(row.headings), True)


def available(session: Session, partnership: Partnership) -> list[ImplicationsPreset]:
    """The presets, then the partnership's own lists."""
    own = session.scalars(
        select(ImplicationsTemplate).where(ImplicationsTemplate.partnership_id == partnership.id)
        .order_by(ImplicationsTemplate.name)
    )
    return [*PRESETS.values(), *(_from_row(r) for r in own)]


def template_for(session: Session, partnership: Partnership, key: str | None = None) -> ImplicationsPreset:
    """The heading list named ``key`` (default: the partnership's choice); the partnership's own list wins."""
    key = (key or partnership.implications_template or DEFAULT_KEY).strip()
    row = session.scalars(
        select(ImplicationsTemplate).where(
            ImplicationsTemplate.partnership_id == partnership.id, ImplicationsTemplate.key == key
        )
    ).first()
    if row is not None:
        return _from_row(row)
    if key in PRESETS:
        return PRESETS[key]
    raise NotFound(f"No implications heading list called '{key}'.")


def define_template(
    session: Session,
    actor: Actor,
    partnership: Partnership,
    key: str,
    name: str,
    headings: Sequence[str],
    appendix_title: str = "Implications",
) -> ImplicationsTemplate:
    """Create or replace a partnership's own heading list (a preset's key cannot be reused)."""
    key = key.strip().lower()
    if not _KEY.match(key):
        raise ValidationError("A heading list's key is lower-case letters, digits, '-' or '_'.", field="key")
    if key in PRESETS:
        raise ValidationError(f"'{key}' is a preset; choose another key for your own list.", field="key")
    cleaned = [h.strip() for h in headings if h.strip()]
    if not cleaned:
        raise ValidationError("A heading list needs at least one heading.", field="headings")
    if len({h.casefold() for h in cleaned}) != len(cleaned):
        raise ValidationError("A heading appears twice in the list.", field="headings")
    if not name.strip():
        raise ValidationError("A heading list needs a name.", field="name")
    row = session.scalars(
        select(ImplicationsTemplate).where(
            ImplicationsTemplate.partnership_id == partnership.id, ImplicationsTemplate.key == key
        )
    ).first()
    before = None if row is None else {"name": row.name, "headings": row.headings, "appendix_title": row.appendix_title}
    if row is None:
        row = ImplicationsTemplate(partnership_id=partnership.id, key=key)
        session.add(row)
    row.name = name.strip()
    row.appendix_title = appendix_title.strip() or "Implications"
    row.headings_json = json.dumps(cleaned, ensure_ascii=False)
    session.flush()
    audit.record(
        session, actor, "create" if before is None else "update", "implications_template", row.id, before=before,
        after={"name": row.name, "headings": cleaned, "appendix_title": row.appendix_title},
    )
    return row


def blank_answers(preset: ImplicationsPreset, default: str = "None") -> list[ImplicationAnswer]:
    return [ImplicationAnswer(h, default) for h in preset.headings]


def merge_answers(preset: ImplicationsPreset, answers: Sequence[ImplicationAnswer]) -> list[ImplicationAnswer]:
    """The preset's headings in order with any answers already given; answers to other headings are kept last."""
    given = {a.heading.casefold(): a for a in answers}
    out = [given.pop(h.casefold(), ImplicationAnswer(h, "None")) for h in preset.headings]
    out += [a for a in answers if a.heading.casefold() in given]
    return out
