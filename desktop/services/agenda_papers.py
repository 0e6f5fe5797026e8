"""The papers an agenda item carries: its cover report (written from the committee's template), PDFs from elsewhere
(checked to be readable before they are kept), and delivery-plan updates built afresh with each pack."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    AgendaItem,
    Attachment,
    AttachmentKind,
    CoverReport,
    Part,
    Plan,
    ReportingPeriod,
    Snapshot,
)
from desktop.models.meetings import ContactLine, ImplicationAnswer, ReportSection
from desktop.services import audit, implications
from desktop.services.actor import Actor
from desktop.services.errors import ValidationError
from desktop.services.meeting_records import PROFILES, add_record, attachment_facts, edit, move_record, require_text


def set_cover_report(
    session: Session,
    actor: Actor,
    item: AgendaItem,
    *,
    title: str = "",
    report_of: str = "",
    theme_labels: Sequence[str] = (),
    purpose: str = "",
    background: str = "",
    sections: Sequence[ReportSection] = (),
    recommendations: str = "",
    reasons: str = "",
    background_papers: str = "",
    contacts: Sequence[ContactLine] = (),
    implications_template: str | None = None,
    implication_answers: Sequence[ImplicationAnswer] = (),
) -> CoverReport:
    """Write (or rewrite) the item's cover report from the template; the implications use the heading list of the
    committee (or the partnership) unless another is named."""
    committee = item.meeting.committee
    preset = implications.template_for(
        session, committee.partnership, implications_template or committee.implications_template or None
    )
    answers = implications.merge_answers(preset, implication_answers)
    fields: dict[str, Any] = {
        "title": title.strip(),
        "report_of": report_of.strip(),
        "theme_labels": "\n".join(t.strip() for t in theme_labels if t.strip()),
        "purpose": purpose.strip(),
        "background": background.strip(),
        "sections_json": json.dumps([{"heading": s.heading, "body": s.body} for s in sections], ensure_ascii=False),
        "recommendations": recommendations.strip(),
        "reasons": reasons.strip(),
        "background_papers": background_papers.strip(),
        "contacts_json": json.dumps([c.__dict__ for c in contacts], ensure_ascii=False),
        "implications_template": preset.key,
        "implications_json": json.dumps([a.__dict__ for a in answers], ensure_ascii=False),
    }
    if item.cover_report is None:
        report = CoverReport(item=item, **fields)
        add_record(session, actor, report, after={"item_id": item.id, **fields})
        return report
    edit(session, actor, item.cover_report, fields)
    return item.cover_report


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    sha256: str


def inspect_pdf(filename: str, content: bytes, *, deep: bool = True) -> PdfFacts:
    """Check that ``content`` is a readable, unencrypted PDF; the message names the file when it is not."""
    name = filename.strip() or "The attached file"
    if not content:
        raise ValidationError(f"{name} is empty, so it cannot be attached.", field="content")
    if b"%PDF-" not in content[:1024]:
        raise ValidationError(f"{name} is not a PDF file; save or print it as PDF and attach that.", field="content")
    if b"%%EOF" not in content[-4096:]:
        raise ValidationError(f"{name} is damaged (the file is incomplete); attach a fresh copy.", field="content")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                f"{name} is encrypted (password-protected); save a copy without the password and attach that.",
                field="content",
            )
        pages = len(reader.pages)
        for page in reader.pages:
            box = page.mediabox
            if float(box.width) <= 0 or float(box.height) <= 0:
                raise ValueError("empty page")
            if deep:
                contents = page.get_contents()
                if contents is not None:
                    contents.get_data()
    except ValidationError:
        raise
    except Exception:  # pypdf raises many types for broken files; the user needs one message
        raise ValidationError(f"{name} is damaged and cannot be read as a PDF; attach a fresh copy.",
                              field="content") from None
    if pages == 0:
        raise ValidationError(f"{name} has no pages.", field="content")
    return PdfFacts(pages, hashlib.sha256(content).hexdigest())


def attach_pdf(
    session: Session, actor: Actor, item: AgendaItem, filename: str, content: bytes, *, title: str = ""
) -> Attachment:
    """Keep a PDF from elsewhere inside the store, after its position in the item's documents."""
    facts = inspect_pdf(filename, content)
    attachment = Attachment(
        item=item, kind=AttachmentKind.PDF, title=title.strip(), filename=filename.strip(), content=content,
        size=len(content), sha256=facts.sha256, page_count=facts.pages, position=len(item.attachments),
    )
    session.add(attachment)
    session.flush()
    audit.record(session, actor, "create", "attachment", attachment.id, after=attachment_facts(attachment))
    return attachment


def attach_delivery_update(
    session: Session,
    actor: Actor,
    item: AgendaItem,
    plan: Plan,
    period: ReportingPeriod | str,
    *,
    profile: str = "public",
    title: str = "",
) -> Attachment:
    """The delivery-plan update for a quarter, built afresh (with ``profile``) each time the pack is built.

    ``period`` is a closed quarter, or the label of one that will be closed before the pack is built ("2015/16 Q3"):
    agendas are often drafted before the quarter's returns are in."""
    if isinstance(period, ReportingPeriod):
        if period.plan_id != plan.id:
            raise ValidationError(f"{period.label} is not a quarter of {plan.title}.", field="period")
        if session.scalars(select(Snapshot.id).where(Snapshot.period_id == period.id)).first() is None:
            raise ValidationError(f"{period.label} has not been closed, so there is no update to attach yet.",
                                  field="period")
        label = period.label
    else:
        label = require_text(period, "period", "The quarter")
        if len(label) > 40:
            raise ValidationError("A quarter's label is at most 40 characters.", field="period")
    if profile not in PROFILES:
        raise ValidationError("An update in a pack is published with the Public or Partner profile.", field="profile")
    if profile != "public" and item.part == Part.A:
        raise ValidationError("A Part A item is published to everyone: attach the update with the Public profile, "
                              "or make the item exempt (Part B).", field="profile")
    attachment = Attachment(
        item=item, kind=AttachmentKind.DELIVERY_UPDATE,
        title=title.strip() or f"{plan.title}: delivery plan update, {label}",
        filename=f"delivery-plan-update-{label}.pdf".replace("/", "-").replace(" ", "-").lower(),
        plan=plan, period=period if isinstance(period, ReportingPeriod) else None, period_label=label,
        profile=profile, position=len(item.attachments),
    )
    session.add(attachment)
    session.flush()
    audit.record(session, actor, "create", "attachment", attachment.id, after=attachment_facts(attachment))
    return attachment


def move_attachment(session: Session, actor: Actor, attachment: Attachment, offset: int) -> None:
    move_record(session, actor, list(attachment.item.attachments), attachment, offset)
