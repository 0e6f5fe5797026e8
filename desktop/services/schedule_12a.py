"""Exempt business: the paragraphs of Schedule 12A to the Local Government Act 1972 that let a committee take an
item in private (Part 1 in England, Part 4 in Wales), the check an exempt (Part B) item must pass, and the wording the
packs print about it (Durham D:9–11)."""

from __future__ import annotations

from desktop.models import (
    Part,
    Partnership,
)
from desktop.services.errors import ValidationError

PART_B_NOTICE = (
    "Items during which it is considered the meeting will not be open to the public (consideration of exempt or "
    "confidential information)"
)

EXEMPT_NOTICE = (
    "Under Section 100(A)(4) of the Local Government Act 1972, the press and public be excluded from the meeting "
    "for the following items of business on the grounds that they involve the likely disclosure of exempt "
    "information as defined in the paragraphs referred to below of Part 1 of Schedule 12A of the Local Government "
    "Act 1972 as amended by the Local Government (Access to Information) (Variation) Order 2006."
)

# Schedule 12A to the Local Government Act 1972: Part 1 paragraphs 1–7 (England), 12–18C (Wales).
SCHEDULE_12A: dict[str, str] = {
    "1": "Information relating to any individual.",
    "2": "Information which is likely to reveal the identity of an individual.",
    "3": "Information relating to the financial or business affairs of any particular person (including the "
         "authority holding that information).",
    "4": "Information relating to any consultations or negotiations, or contemplated consultations or negotiations, "
         "in connection with any labour relations matter arising between the authority or a Minister of the Crown "
         "and employees of, or office holders under, the authority.",
    "5": "Information in respect of which a claim to legal professional privilege could be maintained in legal "
         "proceedings.",
    "6": "Information which reveals that the authority proposes to give a notice imposing requirements on a person, "
         "or to make an order or direction under any enactment.",
    "7": "Information relating to any action taken or to be taken in connection with the prevention, investigation "
         "or prosecution of crime.",
    "12": "Information relating to a particular individual.",
    "13": "Information which is likely to reveal the identity of an individual.",
    "14": "Information relating to the financial or business affairs of any particular person (including the "
          "authority holding that information).",
    "15": "Information relating to any consultations or negotiations in connection with any labour relations matter.",
    "16": "Information in respect of which a claim to legal professional privilege could be maintained in legal "
          "proceedings.",
    "17": "Information which reveals that the authority proposes to give a notice or to make an order or direction "
          "under any enactment.",
    "18": "Information relating to any action taken or to be taken in connection with the prevention, investigation "
          "or prosecution of crime.",
    "18A": "Information which is subject to any obligation of confidentiality.",
    "18B": "Information which relates in any way to matters concerning national security.",
    "18C": "The deliberations of a standards committee in reaching any finding on a matter referred to it.",
}

# The paragraphs that apply where the committee sits: Part 1 of Schedule 12A in England, Part 4 in Wales.
ENGLAND, WALES = "England", "Wales"

SCHEDULE_12A_PARAGRAPHS: dict[str, tuple[str, ...]] = {
    ENGLAND: ("1", "2", "3", "4", "5", "6", "7"),
    WALES: ("12", "13", "14", "15", "16", "17", "18", "18A", "18B", "18C"),
}

_SCHEDULE_12A_PART = {ENGLAND: "1", WALES: "4"}


def jurisdiction(partnership: Partnership) -> str:
    """England or Wales, read from the access-to-information rule the partnership keeps: papers are published three
    clear days ahead in Wales, five in England (see :func:`desktop.services.meeting_calendar.clear_days`)."""
    return WALES if (partnership.clear_days or 5) == 3 else ENGLAND


def paragraphs(where: str) -> dict[str, str]:
    """Paragraph → description, for the committee's own jurisdiction, in order."""
    return {key: SCHEDULE_12A[key] for key in SCHEDULE_12A_PARAGRAPHS[where]}


def _paragraph_jurisdiction(paragraph: str) -> str:
    return next((where for where, keys in SCHEDULE_12A_PARAGRAPHS.items() if paragraph in keys), ENGLAND)


def check_exemption(part: Part, paragraph: str, where: str = ENGLAND) -> str:
    paragraph = paragraph.strip().upper()
    keys = SCHEDULE_12A_PARAGRAPHS[where]
    span = f"{keys[0]} to {keys[-1]} in {where}"
    if part == Part.B:
        if not paragraph:
            raise ValidationError(
                f"An exempt (Part B) item needs the paragraph of Schedule 12A that applies ({span}).",
                field="exempt_paragraph",
            )
        if paragraph not in keys:
            raise ValidationError(f"'{paragraph}' is not a paragraph of Schedule 12A that applies in {where} "
                                  f"({span}).", field="exempt_paragraph")
    elif paragraph:
        raise ValidationError("Only exempt (Part B) items take a Schedule 12A paragraph.", field="exempt_paragraph")
    return paragraph


def exempt_reason(paragraph: str) -> str:
    """The sentence printed under an exempt item's title, with what the paragraph covers."""
    part = _SCHEDULE_12A_PART[_paragraph_jurisdiction(paragraph)]
    description = SCHEDULE_12A.get(paragraph, "").rstrip(".")
    return (f"Not for publication by virtue of paragraph {paragraph} of Part {part} of Schedule 12A to the Local "
            "Government Act 1972" + (f" ({description[0].lower() + description[1:]})." if description else "."))
