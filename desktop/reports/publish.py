"""Publishing the delivery-plan update: the one path from a closed quarter to a signed PDF on disk.

build (from the frozen snapshot) → appendices under the chosen disclosure profile → sign last → disclosure check →
atomic write. The CLI and the desktop app both call :func:`publish_update`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Person, Plan, ProfileAppendix, ReportingPeriod, SignerCredential, SigningRoot
from desktop.reports.delivery_update import SIGNATURE_BOX, UpdateOptions, build_delivery_update
from desktop.reports.html_export import update_html
from desktop.reports.signing import sign_pdf
from desktop.services import audit, signing_setup
from desktop.services.actor import Actor, named_person, person_line
from desktop.services.disclosure.profiles import publish_appendix
from desktop.services.disclosure.rules import rule_for
from desktop.services.errors import NotFound, ValidationError
from desktop.services.export_gate import ExportBlocked, check_output, identifiers_for, write_checked
from desktop.services.periods import snapshot_data
from desktop.services.published import PublishedAppendix

PROFILES = ("public", "partner", "restricted")
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class PublishOptions:
    profile: str = "public"
    sign: bool = True
    signer_id: int | None = None  # a Person with a signing certificate; None: the only one there is
    marking: str | None = None  # None: the partnership's default protective marking
    prepared_by: str = ""
    version: str = ""
    key_messages: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class PublishResult:
    path: Path
    pages: int
    size: int
    snapshot_sha256: str
    signed_by: str | None
    profile: str
    html_path: Path | None = None


def appendices_for(session: Session, plan: Plan, profile: str) -> list[PublishedAppendix]:
    if profile not in PROFILES:
        raise ValidationError(f"Unknown disclosure profile '{profile}' (use one of {', '.join(PROFILES)}).",
                              field="profile")
    partnership = plan.partnership
    rule = rule_for(partnership.disclosure_rule)
    appendices = session.scalars(
        select(ProfileAppendix).where(ProfileAppendix.plan_id == plan.id).order_by(ProfileAppendix.position)
    )
    return [publish_appendix(a, profile, rule, notice_contact=partnership.notice_contact) for a in appendices]


def choose_signer(session: Session, plan: Plan, signer_id: int | None) -> Person:
    if signer_id is not None:
        person = session.get(Person, signer_id)
        if person is None:
            raise NotFound(f"No person with id {signer_id}.")
        return person
    people = list(
        session.scalars(
            select(Person)
            .join(SignerCredential, SignerCredential.person_id == Person.id)
            .join(SigningRoot, SignerCredential.root_id == SigningRoot.id)
            .where(SignerCredential.revoked.is_(False), SigningRoot.partnership_id == plan.partnership_id)
            .distinct()
        )
    )
    if len(people) == 1:
        return people[0]
    if not people:
        raise NotFound(f"Nobody can sign for the {plan.partnership.name} yet: issue a signing certificate "
                       "(pathways signer) or publish unsigned (--no-sign).")
    raise ValidationError("Several people can sign; say who signs this update (--signer).", field="signer")


def publish_update(
    session: Session,
    actor: Actor,
    period: ReportingPeriod,
    out: Path,
    options: PublishOptions,
    progress: Progress | None = None,
    *,
    html_out: Path | None = None,
) -> PublishResult:
    """Build, sign and write the update; with ``html_out`` also its HTML version (same data, same gate)."""
    plan = period.plan
    data = snapshot_data(session, period)
    signer = choose_signer(session, plan, options.signer_id) if options.sign else None
    # The cover names a person of the store with their role, never an operating-system login.
    prepared_by = options.prepared_by or (person_line(signer) if signer else named_person(session, actor))
    update_options = UpdateOptions(
        marking=options.marking or plan.partnership.default_marking,
        prepared_by=prepared_by,
        version=options.version or plan.version,
        issue_date=dt.date.today(),
        key_messages=tuple(options.key_messages),
        signature_placeholder=options.sign,
    )
    appendices = appendices_for(session, plan, options.profile)
    pdf = build_delivery_update(data, update_options, appendices, progress)
    if signer is not None:
        if progress:
            progress(0.95, "Signing")
        org = signer.organisation.name if signer.organisation else plan.partnership.name
        pdf = sign_pdf(
            pdf, signing_setup.signer_material_for(session, signer), field_box_on_page1=SIGNATURE_BOX,
            reason=f"Delivery plan update {data.period_label} for the {plan.partnership.name}",
            location=plan.partnership.name, signer_role=signer.job_title, signer_org=org,
        )
    identifiers = identifiers_for(session)
    html = None
    if html_out is not None:  # built and checked before anything is written: both files or neither
        html = update_html(data, update_options, appendices, pdf_name=out.name,
                           pdf_sha256=hashlib.sha256(pdf).hexdigest()).encode("utf-8")
        check = check_output(html, "html", identifiers)
        if check:
            raise ExportBlocked(check)
    write_checked(out, pdf, "pdf", identifiers)
    if html_out is not None and html is not None:
        write_checked(html_out, html, "html", identifiers)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)  # from the bytes in hand, not by reading the file back
    audit.record(session, actor, "export", "plan", plan.id, after={
        "document": "delivery plan update", "period": data.period_label, "profile": options.profile,
        "signed_by": signer.display_name if signer else None, "file": out.name, "snapshot_sha256": data.sha256(),
        "html": html_out.name if html_out is not None else None,
    })
    return PublishResult(out, pages, out.stat().st_size, data.sha256(),
                         signer.display_name if signer else None, options.profile, html_out)
