"""Signing and verifying documents with pyHanko: PAdES baseline B-B, certifying, visible block on the cover.

Signing is the last step: the PDF must be complete, because any byte added afterwards shows as a change after
signing. Verification judges by pyHanko's bottom line and summary, never by ``valid`` alone (a tampered file can
still carry a cryptographically valid signature over the wrong bytes).
"""

from __future__ import annotations

import binascii
import datetime as dt
import io
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, BoxConstraints, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from desktop.reports.styles import INK, MUTED, NAVY, RULE, SANS, SANS_BOLD, register_fonts, styles
from desktop.reports.tagging.signature_field import add_tagged_signature_field, keep_accessibility_metadata
from desktop.services.errors import PathwaysError, ValidationError
from desktop.services.pki import SignerMaterial

FIELD_NAME = "Certification"

# pyHanko logs path-building failures (an untrusted signer) with a traceback; the verdict says it in one line.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())

Box = tuple[float, float, float, float]


class SigningFailed(PathwaysError):
    """The document could not be signed (damaged input, unusable key)."""


@dataclass(frozen=True)
class VerificationReport:
    signed: bool
    intact: bool  # the signed bytes are exactly those the signer signed
    trusted: bool  # the signer's certificate chains to a supplied trust root
    modified_after_signing: bool  # bytes were added after the signed revision (incremental update)
    signer_name: str = ""
    signer_org: str = ""
    signer_role: str = ""
    signing_time: dt.datetime | None = None
    bottom_line: bool = False  # pyHanko's overall verdict
    summary: str = ""  # pyHanko's machine-readable summary ("INTACT:TRUSTED,UNTOUCHED")
    message: str = ""  # one line for people
    details: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted and not self.modified_after_signing and self.bottom_line

    @property
    def integrity(self) -> str:
        """ "intact", "modified" or "unsigned": the word the CLI prints first."""
        if not self.signed:
            return "unsigned"
        return "intact" if self.intact and not self.modified_after_signing else "modified"

    def lines(self) -> list[str]:
        """The verdict as the CLI and the Verify dialog show it."""
        out = [self.message]
        if self.signed:
            out.append(f"Integrity: {self.integrity}")
            if self.signer_name:
                parts = [self.signer_name]
                if self.signer_role and self.signer_role != self.signer_name:  # role-only signers: say it once
                    parts.append(self.signer_role)
                who = ", ".join(x for x in (*parts, self.signer_org) if x)
                out.append(f"Signed by: {who}")
            if self.signing_time is not None:
                out.append(f"Signed at: {self.signing_time.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC")
            out.append(f"Trusted: {'yes' if self.trusted else 'no'}")
            out.append(f"Changed after signing: {'yes' if self.modified_after_signing else 'no'}")
            if self.summary:
                out.append(f"pyHanko: {self.summary}")
        out.extend(self.details)
        return out


# ---- signing


def sign_pdf(
    pdf: bytes,
    signer: SignerMaterial,
    *,
    field_box_on_page1: Box,
    reason: str,
    location: str,
    signer_role: str,
    signer_org: str,
) -> bytes:
    """Certify ``pdf`` (no changes allowed afterwards) with a visible signature block on page 1."""
    try:
        cert = _load_cert(signer.certificate_pem)
        key = load_private_key_from_pemder_data(signer.private_key_pem, passphrase=None)
        chain = [_load_cert(c) for c in signer.chain_pem]
    except (ValueError, TypeError) as exc:
        raise SigningFailed(f"The signing certificate or key cannot be read ({type(exc).__name__}).") from None
    name = _cert_field(cert, "common_name") or "Unknown signer"
    now = dt.datetime.now(dt.UTC)
    x1, y1, x2, y2 = field_box_on_page1
    appearance = _appearance_pdf(
        x2 - x1, y2 - y1, name=name, role=signer_role, org=signer_org, when=now, reason=reason, location=location
    )
    registry = SimpleCertificateStore.from_certs(chain)  # type: ignore[no-untyped-call]
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason or None,
        location=location or None,
        name=name,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=registry),
        stamp_style=StaticStampStyle(
            background=_PdfBytesPage(appearance),
            background_layout=SimpleBoxLayoutRule(AxisAlignment.ALIGN_MID, AxisAlignment.ALIGN_MID, margins=Margins()),
            border_width=0,
            background_opacity=1.0,
        ),
    )
    spec = fields.SigFieldSpec(FIELD_NAME, on_page=0, box=(int(x1), int(y1), int(x2), int(y2)))
    out = io.BytesIO()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        # the field first, in the structure tree, then pyHanko signs it: the signed document stays tagged
        keep_accessibility_metadata(writer)
        add_tagged_signature_field(writer, spec, f"Digital signature of {name}" + (f", {signer_org}" if signer_org
                                                                                   else ""))
        pdf_signer.sign_pdf(writer, output=out)
    except (PdfError, SigningError, ValueError) as exc:
        raise SigningFailed(f"The document could not be signed: {exc}") from None
    return out.getvalue()


class _PdfBytesPage(PdfContent):
    """Page 1 of an in-memory PDF as content (pyHanko's ImportedPdfPage reads a file; nothing here touches disk)."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self._pdf = pdf

    def render(self) -> bytes:
        writer = self._ensure_writer
        reader = PdfFileReader(io.BytesIO(self._pdf))
        xobj = writer.import_page_as_xobject(reader, page_ix=0)
        name = "/Import" + binascii.hexlify(uuid.uuid4().bytes).decode("ascii")
        self.resources.xobject[name] = xobj
        bbox = xobj.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(bbox[2] - bbox[0]), height=abs(bbox[3] - bbox[1]))
        return name.encode("ascii") + b" Do"


def _appearance_pdf(
    width: float, height: float, *, name: str, role: str, org: str, when: dt.datetime, reason: str, location: str
) -> bytes:
    """The signature block, drawn in the document's own fonts: who, in what role, for whom, when."""
    register_fonts()
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=(width, height), pageCompression=1, initialFontName=SANS)  # all fonts embedded
    canv.setFillColor("#ffffff")
    canv.rect(0, 0, width, height, stroke=0, fill=1)
    canv.setFillColor(NAVY)
    canv.rect(0, 0, 2.2 * mm, height, stroke=0, fill=1)
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.6)
    canv.rect(0.3, 0.3, width - 0.6, height - 0.6, stroke=1, fill=0)
    left = 5 * mm
    top = height - 4.2 * mm
    canv.setFillColor(NAVY)
    canv.setFont(SANS_BOLD, 7)
    canv.drawString(left, top, "DIGITALLY SIGNED AND CERTIFIED")
    role_org = ", ".join(x for x in (role if role != name else "", org) if x.strip())  # a role-only signer once
    lines = [f"<b>{_esc(name)}</b>"]
    if role_org:
        lines.append(_esc(role_org))
    lines.append(f"{when.day} {when:%B %Y, %H:%M} UTC")  # no %-d: Windows strftime lacks it
    if reason:
        lines.append(f"<font color='{MUTED.hexval().replace('0x', '#')}'>{_esc(reason)}</font>")
    # Long roles and reasons must never spill over the heading: shrink the text until the block fits the box.
    room = top - 3 * mm - 2 * mm
    for size in (7.6, 7.0, 6.4, 5.8, 5.2):
        body = styles().body_small.clone("sig", fontSize=size, leading=size * 1.25, textColor=INK, spaceAfter=0)
        para = Paragraph("<br/>".join(lines), body)
        _, h = para.wrapOn(canv, width - left - 3 * mm, height)
        if h <= room:
            break
    para.drawOn(canv, left, max(2 * mm, top - 3 * mm - h))
    canv.setFont(SANS, 5.6)
    canv.setFillColor(MUTED)
    if location:
        canv.drawRightString(width - 2.5 * mm, 2 * mm, _clip(location, 60))
    canv.showPage()
    canv.save()
    return buffer.getvalue()


# ---- verifying


def verify_pdf(pdf: bytes, trust_roots: Sequence[bytes] | None = None) -> VerificationReport:
    """Check a received PDF: intact or modified, who signed and when, trusted or not, changed after signing or not.

    Only ``trust_roots`` (PEM or DER certificates) are trusted: certificates embedded in the signature are used to
    build the chain but never as anchors, and the operating system's list is not consulted.
    """
    roots = []
    for root in trust_roots or ():
        try:
            roots.append(_load_cert(root))
        except (ValueError, TypeError):
            raise ValidationError("A trust root is not a PEM or DER certificate.") from None
    # A tampered file can fail anywhere inside the parser, with any exception type; all of them mean "modified".
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001
        return _damaged(f"the file cannot be read as a PDF ({type(exc).__name__})")
    if not signatures and b"/ByteRange" in pdf:
        # The remains of a signature the parser no longer recognises: its dictionary has been altered.
        return _damaged("a signature is present but its structure has been altered")
    if not signatures:
        return VerificationReport(
            signed=False,
            intact=False,
            trusted=False,
            modified_after_signing=False,
            message="NOT SIGNED: this document carries no digital signature.",
        )
    embedded = signatures[0]
    try:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(embedded, context)
    except Exception as exc:  # noqa: BLE001 - see above
        return _damaged(f"the signature cannot be checked ({type(exc).__name__})")

    intact = bool(status.intact and status.valid)
    trusted = bool(status.trusted)
    modified = _modified_after(status) or len(signatures) > 1 or _metadata_changed(reader, embedded)
    cert = status.signing_cert
    when = embedded.self_reported_timestamp or status.signer_reported_dt
    report = VerificationReport(
        signed=True,
        intact=intact,
        trusted=trusted,
        modified_after_signing=modified,
        signer_name=_cert_field(cert, "common_name"),
        signer_org=_cert_field(cert, "organization_name"),
        signer_role=_cert_field(cert, "title"),
        signing_time=when,
        bottom_line=bool(status.bottom_line),
        summary=status.summary(),
        message="",
    )
    return _with_message(report, has_roots=bool(roots))


def _modified_after(status: PdfSignatureStatus) -> bool:
    """Any byte after the signed revision counts, except signature-maintenance updates (DSS, document timestamps).

    Stricter than pyHanko's own verdict, which accepts appended bytes that change nothing: a recipient asking
    "is this the file that was signed?" deserves "no" when bytes were added.
    """
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    level = status.modification_level
    return level is None or level.name != "LTA_UPDATES"


def _metadata_changed(reader: PdfFileReader, embedded: EmbeddedPdfSignature) -> bool:
    """True when the document properties (/Info) or the XMP metadata differ from the signed revision's.

    pyHanko counts a metadata-only incremental update as signature maintenance (LTA_UPDATES), but a recipient who
    sees another Title or Author in the document's properties is shown something the signer did not sign.
    """
    try:
        signed = reader.get_historical_resolver(embedded.signed_revision)
        return _metadata(signed) != _metadata(reader)
    except Exception:  # noqa: BLE001 — metadata that cannot be compared is not the metadata that was signed
        return True


def _metadata(revision: PdfFileReader | HistoricalResolver) -> tuple[str, bytes]:
    """The /Info entries and the XMP packet as ``revision`` has them (objects resolved in that revision)."""
    info_ref = revision.trailer_view.raw_get("/Info") if "/Info" in revision.trailer_view else None
    info = revision.get_object(info_ref.reference) if isinstance(info_ref, generic.IndirectObject) else info_ref
    entries = sorted((str(k), str(v)) for k, v in info.items()) if isinstance(info, dict) else []
    xmp_ref = revision.root.raw_get("/Metadata") if "/Metadata" in revision.root else None
    xmp = revision.get_object(xmp_ref.reference) if isinstance(xmp_ref, generic.IndirectObject) else xmp_ref
    data = xmp.data if isinstance(xmp, generic.StreamObject) else b""
    return repr(entries), data


def _with_message(r: VerificationReport, *, has_roots: bool) -> VerificationReport:
    if not r.intact:
        message = "MODIFIED: the document has been changed since it was signed; the signature does not match."
    elif r.modified_after_signing:
        message = "MODIFIED: content was added to the document after it was signed (an incremental update)."
    elif not r.trusted and not has_roots:
        message = "signature intact but signer not trusted: supply --trust ROOT.pem"
    elif not r.trusted:
        message = "signature intact but signer not trusted: the signer's certificate does not chain to the root given"
    elif not r.bottom_line:
        message = "signature intact and trusted, but it breaks the document's signature policy"
    else:
        message = "OK: intact, trusted, and not changed since it was signed."
    return VerificationReport(**{**r.__dict__, "message": message})


def _damaged(reason: str) -> VerificationReport:
    return VerificationReport(
        signed=True,
        intact=False,
        trusted=False,
        modified_after_signing=True,
        summary="INVALID",
        message=f"MODIFIED: the document is damaged or has been altered: {reason}.",
    )


def _load_cert(data: bytes) -> asn1_x509.Certificate:
    certs = list(load_certs_from_pemder_data(data))
    if len(certs) != 1:
        raise ValueError("expected exactly one certificate")
    return certs[0]


def _cert_field(cert: asn1_x509.Certificate, name: str) -> str:
    value = cert.subject.native.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["FIELD_NAME", "SignerMaterial", "SigningFailed", "VerificationReport", "sign_pdf", "verify_pdf"]
