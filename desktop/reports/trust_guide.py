"""The trust bundle: the partnership's root certificate, its fingerprint, and a one-page guide for recipients.

Adobe Reader shows a Pathways signature as "identity unknown" until the reader trusts the partnership's root once;
the guide walks a board member through that, and through checking a signed document afterwards.
"""

from __future__ import annotations

import io
import re

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate

from desktop.reports.styles import (
    FAINT,
    INK,
    MARGIN_X,
    MONO,
    MUTED,
    NAVY,
    PORTRAIT,
    RULE,
    SANS,
    SANS_BOLD,
    WHITE,
    esc,
    styles,
)
from desktop.reports.tagging import tagged
from desktop.services import pki


def guide_title(partnership: str) -> str:
    return f"How to trust documents signed by {partnership}"


def file_stem(partnership: str, short_name: str = "") -> str:
    """A safe file-name stem from the partnership's short name ("cdd-csp")."""
    base = short_name.strip() or partnership
    stem = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")
    return stem[:40] or "partnership"


def trust_bundle(
    partnership: str, root_certificate: bytes, *, short_name: str = "", contact: str = ""
) -> dict[str, bytes]:
    """The files ``pathways trust-bundle`` writes: root as PEM and as DER (.cer, what Adobe's Browse dialog shows
    by default), its fingerprint as text, and the guide. The caller decides where they go."""
    stem = file_stem(partnership, short_name)
    fingerprint = pki.fingerprint_sha256(root_certificate)
    subject = pki.certificate_subject(root_certificate)
    cer_name = f"{stem}-signing-root.cer"
    return {
        f"{stem}-signing-root.pem": pki.to_pem(root_certificate),
        cer_name: pki.to_der(root_certificate),
        f"{stem}-signing-root-sha256.txt": (
            f"{partnership} signing root\nSubject: {subject}\nSHA-256 fingerprint: {fingerprint}\n"
        ).encode(),
        f"{guide_title(short_name.strip() or partnership)}.pdf": build_trust_guide(
            partnership, root_certificate, contact=contact, certificate_file=cer_name
        ),
    }


def build_trust_guide(
    partnership: str,
    root_certificate: bytes,
    *,
    contact: str = "",
    certificate_file: str = "",
    marking: str = "OFFICIAL",
) -> bytes:
    """One A4 page: what the root is, its fingerprint, the Adobe Reader steps, and how to read the result."""
    s = styles()
    fingerprint = pki.fingerprint_sha256(root_certificate)
    common_name = pki.subject_field(root_certificate, "CN") or partnership
    expires = pki.not_valid_after(root_certificate)
    cert_file = certificate_file or f"{file_stem(partnership)}-signing-root.cer"
    width = PORTRAIT[0] - 2 * MARGIN_X

    small = s.body_small.clone("g_small", spaceAfter=2.5)
    step = s.body_small.clone("g_step", leftIndent=15, bulletIndent=0, bulletFontName=SANS_BOLD, spaceAfter=2.2)
    h = s.h3.clone("g_h", fontSize=10.5, textColor=NAVY, spaceBefore=7, spaceAfter=3)

    def steps(items: list[str]) -> list[Paragraph]:
        return [Paragraph(text, step, bulletText=f"{i}.") for i, text in enumerate(items, start=1)]

    halves = fingerprint.split(":")
    fp_lines = ":".join(halves[:16]) + ":<br/>" + ":".join(halves[16:])
    cert_box = Table(
        [
            [Paragraph("Root certificate", s.label), Paragraph(esc(common_name), small)],
            [Paragraph("File", s.label), Paragraph(esc(cert_file), small)],
            [Paragraph("Valid until", s.label), Paragraph(f"{expires.day} {expires:%B %Y}", small)],
            [
                Paragraph("SHA-256 fingerprint", s.label),
                Paragraph(fp_lines, s.body.clone("fp", fontName=MONO, fontSize=8.6, leading=11, spaceAfter=0)),
            ],
        ],
        colWidths=[38 * mm, width - 38 * mm],
        style=TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), FAINT),
                ("BOX", (0, 0), (-1, -1), 0.8, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
            ]
        ),
    )
    band = Table(
        [[Paragraph(esc(partnership), s.subtitle.clone("g_band", textColor=WHITE, fontName=SANS_BOLD, fontSize=11.5))]],
        colWidths=[width],
        style=TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), NAVY),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        ),
    )
    story = [
        band,
        Spacer(1, 5 * mm),
        Paragraph(esc(guide_title(partnership)), s.h1.clone("g_title", fontSize=15, leading=19)),
        Paragraph(
            f"Delivery plan updates and committee papers from {esc(partnership)} carry a certifying digital "
            "signature, issued from the partnership's own signing root. Until you trust that root, your PDF reader "
            "reports the signer's identity as <i>unknown</i>. Trust it once, on each computer, with these steps.",
            s.body.clone("g_intro", fontSize=9, leading=12.5),
        ),
        cert_box,
        Paragraph("1. Check the fingerprint first", h),
        Paragraph(
            "Compare the fingerprint above with the one the partnership gave you by another route (read out on the "
            "phone, or printed in the board papers). <b>If a single character differs, stop</b> and contact the "
            "partnership: the file is not theirs.",
            small,
        ),
        Paragraph("2. Trust the root in Adobe Acrobat Reader", h),
        *steps(
            [
                f"Save <b>{esc(cert_file)}</b> to your computer.",
                "Open Adobe Acrobat Reader and choose <b>Edit › Preferences</b> "
                "(on a Mac: <b>Acrobat Reader › Settings</b>).",
                "Select <b>Signatures</b>. Under <b>Identities &amp; Trusted Certificates</b>, click <b>More…</b>",
                "In the left-hand list choose <b>Trusted Certificates</b>, then click <b>Import</b>.",
                f"Click <b>Browse…</b>, choose <b>{esc(cert_file)}</b>, then click <b>Import</b> and <b>OK</b>.",
                f"Select <b>{esc(common_name)}</b> in the list and click <b>Edit Trust</b>.",
                "Tick <b>Use this certificate as a trusted root</b>, and under it tick <b>Certified documents</b>.",
                "Still in that window, click <b>Certificate Details</b>, open the <b>Details</b> tab and check that "
                "the <b>SHA-256 digest</b> matches the fingerprint above. Click <b>OK</b> to close each window.",
                "Close any open signed documents and open them again.",
            ]
        ),
        Paragraph("3. Check a signed document", h),
        *steps(
            [
                "Open the document. A blue bar at the top should read <b>Certified by</b> followed by the officer's "
                "name, and the signature block on the cover shows who signed, their role and when.",
                "Click <b>Signature Panel</b>. A trustworthy document shows a green tick, <b>Signature is valid</b>, "
                "and <b>Document has not been modified since it was certified</b>.",
                "A red cross, <i>the document has been altered or corrupted</i>, or <i>changes have been made</i> "
                "means it is not the document the partnership issued: do not rely on it.",
            ]
        ),
        Paragraph("Without Adobe Reader", h),
        Paragraph(
            f"Anyone with Pathways can check a file with <font name='{MONO}'>pathways verify FILE.pdf --trust "
            f"{esc(cert_file.rsplit('.', 1)[0])}.pem</font>: it reports intact or modified, who signed and when, "
            "and ends with status 0 only when the document is intact and trusted.",
            small,
        ),
    ]
    if contact.strip():
        story.append(Paragraph(f"<b>Questions:</b> {esc(contact)}", small))

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PORTRAIT,
        title=guide_title(partnership),
        author=partnership,
        subject="Trusting the partnership's document-signing root certificate",
        creator="Pathways",
        lang="en-GB",
        displayDocTitle=1,
    )
    frame = Frame(
        MARGIN_X,
        20 * mm,
        width,
        PORTRAIT[1] - 20 * mm - 18 * mm,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )

    def furniture(canv: Canvas, _doc: BaseDocTemplate) -> None:
        w, height = canv._pagesize
        canv.saveState()
        canv.setFont(SANS_BOLD, 9.5)
        canv.setFillColor(INK)
        canv.drawCentredString(w / 2, height - 11 * mm, marking)
        canv.drawCentredString(w / 2, 10 * mm, marking)
        canv.setFont(SANS, 7)
        canv.setFillColor(MUTED)
        canv.drawString(MARGIN_X, 10 * mm, f"SHA-256 {fingerprint[:23]}…")
        canv.drawRightString(w - MARGIN_X, 10 * mm, "Produced by Pathways")
        canv.restoreState()

    doc.addPageTemplates([PageTemplate("guide", [frame], onPage=furniture, pagesize=PORTRAIT)])
    doc.build(story, canvasmaker=tagged())
    return buffer.getvalue()
