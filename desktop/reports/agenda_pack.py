"""The committee agenda pack: front sheet, then each item's cover report and attachments, one pagination across
the whole pack that the front sheet's page ranges match exactly, bookmarks per item, blank pages for double-sided
printing, and the signature last.

The front sheet's page ranges depend on the pack's pagination, which depends on how long the front sheet is. So the
attachments are laid out first (their page counts are known), the front sheet is built with the ranges that follow
from its assumed length, and rebuilt until its length stops changing (in practice once or twice). The assembled
pack's real page numbers are then checked against what the front sheet printed before anything is returned.

Exempt (Part B) items go into a separate pack marked restricted; the public pack carries only their titles and
never reads their papers from the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from sqlalchemy.orm import Session

from desktop.models import Meeting, Person, StoreMeta
from desktop.reports import pagination
from desktop.reports.cover_report import build_cover_report
from desktop.reports.front_sheet import RESTRICTED, SIGNATURE_BOX, build_front_sheet
from desktop.reports.pagination import Document, PageRange, Section
from desktop.services import agenda_papers, meeting_calendar, pack_contents, periods
from desktop.services.actor import Actor
from desktop.services.errors import NotFound, PathwaysError, ValidationError
from desktop.services.pack_contents import PackAttachment, PackData, PackItem
from desktop.services.pki import SignerMaterial

MAX_ITERATIONS = 6

UpdateRenderer = Callable[[PackAttachment], bytes]
Progress = Callable[[float, str], None]


class PackProblem(PathwaysError):
    """The pack could not be assembled consistently (never expected; nothing is written)."""


@dataclass(frozen=True)
class PackOptions:
    part: str = "A"  # "A": the public pack; "B": the exempt papers, marked restricted
    blank_pages: bool | None = None  # None: the meeting's own setting
    number_front_sheet: bool = True  # False: numbering starts at the first paper, as in Durham's printed pack
    issued_on: dt.date | None = None  # None: the meeting's issue date, else today
    reserve_signature: bool = True  # keep the foot of page 1 clear for the visible signature

    def __post_init__(self) -> None:
        if self.part.upper() not in ("A", "B"):
            raise ValidationError("A pack is Part A (public) or Part B (exempt).", field="part")


@dataclass(frozen=True)
class ItemPages:
    item_id: int
    number: str
    title: str
    first: int
    last: int
    printed: str  # what the front sheet says: "(Pages 17 – 56)"


@dataclass(frozen=True)
class AgendaPack:
    pdf: bytes
    part: str
    pages: int
    front_pages: int
    items: tuple[ItemPages, ...]
    warnings: tuple[str, ...] = ()
    iterations: int = 1
    signed: bool = False
    stamps: tuple[int | None, ...] = field(default=(), repr=False)


# ---- documents of an item


def _checked_pdf(attachment: PackAttachment) -> bytes:
    content = attachment.content
    name = attachment.filename or attachment.title or f"attachment {attachment.id}"
    if content is None:
        raise ValidationError(f"{name} has no content in the store; attach it again.", field="content")
    if attachment.sha256 and hashlib.sha256(content).hexdigest() != attachment.sha256:
        raise ValidationError(f"{name} has changed since it was attached; attach it again.", field="content")
    agenda_papers.inspect_pdf(name, content, deep=False)
    return content


def item_documents(data: PackData, item: PackItem, render_update: UpdateRenderer | None) -> list[Document]:
    """The item's cover report, then its attachments in order, each as PDF bytes."""
    docs: list[Document] = []
    hartlepool = data.house_style == "hartlepool"
    if item.cover is not None:
        docs.append(Document(build_cover_report(data, item), "Report", item.number if hartlepool else ""))
    for k, attachment in enumerate(item.attachments, start=1):
        if attachment.kind == "delivery_update":
            if not item.exempt and attachment.profile != "public":
                raise ValidationError(
                    f"Item {item.number} is public (Part A): its delivery-plan update must use the Public profile.",
                    field="profile",
                )
            if render_update is None:
                raise ValidationError(f"{attachment.title} needs the store to build it.", field="content")
            pdf = render_update(attachment)
        else:
            pdf = _checked_pdf(attachment)
        label = f"{item.number} APPENDIX {k}" if hartlepool else ""
        docs.append(Document(pdf, attachment.title or attachment.filename or f"Attachment {k}", label))
    return docs


# ---- assembling


def _metadata(data: PackData, part: str) -> dict[str, str]:
    what = "Agenda pack" if part == "A" else "Agenda pack, Part B (exempt information, not for publication)"
    return {
        "/Title": f"{data.committee}, {meeting_calendar.long_date(data.date)}: {what}",
        "/Author": data.partnership,
        "/Subject": what,
        "/Creator": "Pathways",
        "/Producer": "Pathways",
        "/Keywords": "agenda pack" + ("" if part == "A" else ", restricted, Part B"),
    }


def _pad_front(front: bytes, pages: int) -> bytes:
    """Bring the front sheet up to ``pages`` pages with empty pages (only if its length never settles)."""
    reader = PdfReader(io.BytesIO(front))
    if len(reader.pages) >= pages:
        return front
    writer = PdfWriter(clone_from=reader)
    for _ in range(pages - len(reader.pages)):
        writer.add_blank_page()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# Stamped on every page of a pack built from demonstration data (the README promises it).
DEMO_PAGE_MARK = "DEMONSTRATION DATA — not real"


def assemble_pack(
    data: PackData,
    options: PackOptions = PackOptions(),
    render_update: UpdateRenderer | None = None,
    progress: Progress | None = None,
) -> AgendaPack:
    """Build the (unsigned) pack of ``options.part`` from ``data``."""
    report = progress or (lambda fraction, message: None)
    part = options.part.upper()
    blank_pages = data.blank_pages if options.blank_pages is None else options.blank_pages
    issued = options.issued_on or data.issued_on or dt.date.today()
    in_pack = [i for i in data.items if i.exempt == (part == "B") and i.has_documents]

    report(0.05, "Preparing the papers")
    sections: list[Section] = []
    counts: list[tuple[str, list[int]]] = []
    for n, item in enumerate(in_pack, start=1):
        docs = item_documents(data, item, render_update)
        sections.append(Section(str(item.id), f"{item.number}. {item.title}", tuple(docs)))
        counts.append((str(item.id), [pagination.page_count(d.pdf) for d in docs]))
        report(0.05 + 0.6 * n / max(1, len(in_pack)), f"Item {item.number}")

    report(0.7, "Front sheet")
    front_pages = 1
    seen: list[int] = []
    planned: dict[str, PageRange] = {}
    front = b""
    iterations = 0
    for _ in range(MAX_ITERATIONS):
        iterations += 1
        first = pagination.padded(front_pages, blank_pages) + 1 if options.number_front_sheet else 1
        planned = pagination.plan_ranges(counts, first_number=first, blank_pages=blank_pages)
        printed = {int(key): r.text for key, r in planned.items()}
        front = build_front_sheet(data, printed, part=part, issued_on=issued,
                                  reserve_signature=options.reserve_signature)
        actual = pagination.page_count(front)
        if not options.number_front_sheet or pagination.padded(actual, blank_pages) == pagination.padded(
                front_pages, blank_pages):
            break
        seen.append(front_pages)
        if actual in seen:  # oscillating: settle on the longer length and pad the shorter sheet to it
            front_pages = max(actual, front_pages)
            first = pagination.padded(front_pages, blank_pages) + 1
            planned = pagination.plan_ranges(counts, first_number=first, blank_pages=blank_pages)
            printed = {int(key): r.text for key, r in planned.items()}
            front = build_front_sheet(data, printed, part=part, issued_on=issued,
                                      reserve_signature=options.reserve_signature)
            front = _pad_front(front, front_pages)
            break
        front_pages = actual
    else:
        raise PackProblem("The front sheet's length did not settle; nothing was written.")

    report(0.8, "Numbering the pages")
    header = RESTRICTED if part == "B" else ""
    assembled = pagination.assemble(
        front, sections, number_front=options.number_front_sheet, blank_pages=blank_pages, header=header,
        metadata=_metadata(data, part), front_bookmark="Agenda" if part == "A" else "Agenda, Part B",
        demo_mark=DEMO_PAGE_MARK if data.is_demo else "",
    )
    if assembled.ranges != planned:
        raise PackProblem("The page ranges on the front sheet do not match the pack; nothing was written.")

    warnings = []
    warning = _clear_days_warning(data, issued)
    if warning:
        warnings.append(warning)
    warnings += [untagged_warning(title) for title in assembled.untagged]
    items = tuple(
        ItemPages(i.id, i.number, i.title, planned[str(i.id)].first, planned[str(i.id)].last,
                  planned[str(i.id)].text)
        for i in in_pack
    )
    report(0.9, "Pack assembled")
    return AgendaPack(assembled.pdf, part, assembled.pages, assembled.front_pages, items, tuple(warnings),
                      iterations, False, assembled.stamps)


def untagged_warning(title: str) -> str:
    return (f"“{title}” is not a tagged PDF: screen-reader users cannot follow it, so the pack is not fully "
            "accessible. Ask its author for a tagged PDF (in Word: Save as PDF with “Document structure tags for "
            "accessibility”) and attach it again.")


def _clear_days_warning(data: PackData, issued: dt.date) -> str | None:
    return meeting_calendar.clear_days_message(data.date, issued, data.clear_days_required)


# ---- from the store


def update_renderer(session: Session, issue_date: dt.date | None = None) -> UpdateRenderer:
    """Builds an attached delivery-plan update from its closed quarter's snapshot, with its disclosure profile (the
    same appendices as a published update), unsigned: the pack is signed as a whole."""
    from desktop.reports.delivery_update import MARKINGS, UpdateOptions, build_delivery_update
    from desktop.reports.publish import appendices_for

    def render(attachment: PackAttachment) -> bytes:
        period = pack_contents.update_period(session, attachment.plan_id, attachment.period_id, attachment.period_label)
        data = periods.snapshot_data(session, period)
        default = period.plan.partnership.default_marking
        marking = "OFFICIAL-SENSITIVE" if attachment.profile != "public" else (
            default if default in MARKINGS else "OFFICIAL")
        options = UpdateOptions(marking=marking, issue_date=issue_date, signature_placeholder=False)
        return build_delivery_update(data, options, appendices_for(session, period.plan, attachment.profile))

    return render


def build_agenda_pack(
    session: Session,
    meeting: Meeting,
    options: PackOptions = PackOptions(),
    *,
    render_update: UpdateRenderer | None = None,
    progress: Progress | None = None,
) -> AgendaPack:
    """Read the meeting (and only the papers of the part being built) and assemble the unsigned pack."""
    data = pack_contents.pack_data(session, meeting, load_part=options.part.upper())
    issued = options.issued_on or meeting.issued_on
    return assemble_pack(data, options, render_update or update_renderer(session, issued), progress)


# ---- signing and writing


def signer_for(session: Session, meeting: Meeting) -> tuple[SignerMaterial, Person]:
    """The committee clerk's signing certificate. A demonstration store issues one on first use; a real store
    needs the clerk's certificate set up in the signing setup first."""
    from desktop.services import signing_setup

    clerk = meeting.committee.clerk
    if clerk is None:
        raise NotFound(f"{meeting.committee.name} has no clerk to sign the pack: set the clerk, or use --no-sign.")
    try:
        return signing_setup.signer_material_for(session, clerk), clerk
    except NotFound:
        demo = session.get(StoreMeta, "demonstration")
        if demo is None or demo.value != "true":
            raise
    signing_setup.issue_signer(session, clerk, partnership=meeting.committee.partnership)
    return signing_setup.signer_material_for(session, clerk), clerk


def sign_pack(pack: AgendaPack, signer: SignerMaterial, *, signer_role: str, signer_org: str, location: str
              ) -> AgendaPack:
    """Certify the finished pack; nothing may change it afterwards."""
    from desktop.reports.signing import sign_pdf

    reason = "Agenda pack issued" if pack.part == "A" else "Agenda pack, Part B (exempt) issued"
    signed = sign_pdf(pack.pdf, signer, field_box_on_page1=SIGNATURE_BOX, reason=reason, location=location,
                      signer_role=signer_role, signer_org=signer_org)
    return replace(pack, pdf=signed, signed=True)


def export_agenda_pack(
    session: Session,
    meeting: Meeting,
    out: Path,
    options: PackOptions = PackOptions(),
    *,
    sign: bool = True,
    actor: Actor | None = None,
    render_update: UpdateRenderer | None = None,
    progress: Progress | None = None,
    html_out: Path | None = None,
) -> AgendaPack:
    """Build, sign (the clerk) and write the pack through the export gate, and with ``html_out`` the front sheet
    as a web page linking to it. Nothing is written on any failure."""
    from desktop.reports.html_export import front_sheet_html
    from desktop.services import audit
    from desktop.services.export_gate import ExportBlocked, check_output, identifiers_for, write_checked

    options = replace(options, reserve_signature=sign)
    pack = build_agenda_pack(session, meeting, options, render_update=render_update, progress=progress)
    if sign:
        material, clerk = signer_for(session, meeting)
        organisation = clerk.organisation.name if clerk.organisation else meeting.committee.partnership.name
        committee = meeting.committee
        location = committee.signoff.splitlines()[-1].strip() if committee.signoff.strip() else ""
        pack = sign_pack(pack, material, signer_role=clerk.job_title, signer_org=organisation, location=location)
    identifiers = identifiers_for(session)
    html = None
    if html_out is not None:
        data = pack_contents.pack_data(session, meeting, load_part=pack.part)
        html = front_sheet_html(
            data, {i.item_id: i.printed for i in pack.items}, part=pack.part,
            issued_on=options.issued_on or meeting.issued_on, pdf_name=Path(out).name,
            pdf_sha256=hashlib.sha256(pack.pdf).hexdigest(),
        ).encode("utf-8")
        findings = check_output(html, "html", identifiers)
        if findings:
            raise ExportBlocked(findings)
    write_checked(Path(out), pack.pdf, "pdf", identifiers)
    if html_out is not None and html is not None:
        write_checked(Path(html_out), html, "html", identifiers)
    if actor is not None:
        audit.record(
            session, actor, "export", "meeting", meeting.id,
            after={"what": "agenda pack", "part": pack.part, "pages": pack.pages, "signed": pack.signed,
                   "sha256": hashlib.sha256(pack.pdf).hexdigest()},
        )
    return pack


def pack_summary(pack: AgendaPack) -> Sequence[str]:
    """Lines for the command line and the app's result message."""
    lines = [f"{pack.pages} pages{' (signed)' if pack.signed else ' (not signed)'}; front sheet {pack.front_pages}."]
    lines += [f"  {i.number}. {i.title} {i.printed}" for i in pack.items]
    lines += [f"Warning: {w}" for w in pack.warnings]
    return lines
