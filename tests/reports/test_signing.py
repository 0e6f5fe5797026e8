"""Signing and verification: PAdES B-B certification, checked by pyHanko and independently by poppler's pdfsig."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from pdf_probe import page_texts
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from report_fixtures import make_snapshot, require_tool

from desktop.reports.delivery_update import SIGNATURE_BOX, UpdateOptions, build_delivery_update
from desktop.reports.signing import FIELD_NAME, sign_pdf, verify_pdf
from desktop.services import pki

SIGN_ARGS = {
    "field_box_on_page1": SIGNATURE_BOX,
    "reason": "Quarterly delivery plan update for the board",
    "location": "Durham",
    "signer_role": "Community Safety Co-ordinator",
    "signer_org": "Durham County Council",
}


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    return build_delivery_update(make_snapshot(30), UpdateOptions(prepared_by="Jo Bloggs"))


@pytest.fixture(scope="module")
def signed(unsigned: bytes, signer: pki.SignerMaterial) -> bytes:
    return sign_pdf(unsigned, signer, **SIGN_ARGS)


def _byte_range(pdf: bytes) -> tuple[int, int, int, int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert match is not None
    a, b, c, d = (int(x) for x in match.groups())
    return a, b, c, d


def test_signed_pdf_validates_with_pyhanko_against_the_root(signed: bytes, pki_root: pki.CertifiedKey) -> None:
    report = verify_pdf(signed, [pki_root.certificate_pem])
    assert report.ok, report.lines()
    assert report.summary == "INTACT:TRUSTED,UNTOUCHED"
    assert report.integrity == "intact"
    assert (report.signer_name, report.signer_org, report.signer_role) == (
        "Jo Bloggs",
        "Durham County Council",
        "Community Safety Co-ordinator",
    )
    assert report.signing_time is not None

    # And directly, judged by the bottom line (never by .valid).
    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    status = validate_pdf_signature(
        embedded, ValidationContext(trust_roots=[_asn1(pki_root.certificate_pem)], allow_fetching=False)
    )
    assert status.bottom_line
    assert status.docmdp_ok


def test_root_may_be_given_as_der(signed: bytes, pki_root: pki.CertifiedKey) -> None:
    assert verify_pdf(signed, [pki.to_der(pki_root.certificate_pem)]).ok


def test_it_is_a_pades_certification_with_no_changes_allowed(signed: bytes) -> None:
    reader = PdfReader(io.BytesIO(signed))
    root = reader.trailer["/Root"]
    sig = root["/Perms"]["/DocMDP"].get_object()
    assert sig["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES baseline
    transform = sig["/Reference"][0].get_object()
    assert transform["/TransformMethod"] == "/DocMDP"
    assert transform["/TransformParams"]["/P"] == 1  # no changes allowed


def test_visible_signature_block_is_on_the_cover(signed: bytes) -> None:
    page = PdfReader(io.BytesIO(signed)).pages[0]
    widgets = [a.get_object() for a in page["/Annots"]]
    sig = next(w for w in widgets if w.get("/T") == FIELD_NAME or w.get("/FT") == "/Sig")
    rect = [float(v) for v in sig["/Rect"]]
    assert rect == pytest.approx([int(v) for v in SIGNATURE_BOX], abs=1)
    assert "/AP" in sig and "/N" in sig["/AP"]


def test_without_trust_roots_the_signer_is_not_trusted(signed: bytes) -> None:
    report = verify_pdf(signed, None)
    assert report.intact and not report.trusted and not report.ok
    assert report.message == "signature intact but signer not trusted: supply --trust ROOT.pem"


def test_another_partnerships_root_is_not_trusted(signed: bytes) -> None:
    other = pki.create_root("Safer Hartlepool Partnership")
    report = verify_pdf(signed, [other.certificate_pem])
    assert report.intact and not report.trusted and not report.ok
    assert "not trusted" in report.message


def test_pdfsig_finds_the_signature_valid_and_covering_the_whole_file(signed: bytes, tmp_path: Path) -> None:
    pdfsig = require_tool("pdfsig")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    out = subprocess.run([pdfsig, str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Total document signed" in out, out
    assert "Signer Certificate Common Name: Jo Bloggs" in out, out


def test_pdfsig_trusts_it_once_the_root_is_trusted(signed: bytes, pki_root: pki.CertifiedKey, tmp_path: Path) -> None:
    pdfsig = require_tool("pdfsig")
    certutil = require_tool("certutil")  # from libnss3-tools: builds the NSS store pdfsig reads trust from
    nss = tmp_path / "nss"
    nss.mkdir()
    (tmp_path / "root.pem").write_bytes(pki_root.certificate_pem)
    subprocess.run([certutil, "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        [certutil, "-A", "-d", f"sql:{nss}", "-n", "root", "-t", "C,C,C", "-i", str(tmp_path / "root.pem")],
        check=True,
        capture_output=True,
    )
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    out = subprocess.run([pdfsig, "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out


def _positions(pdf: bytes) -> list[int]:
    """Byte offsets spread over both signed ranges, plus their edges."""
    a, b, c, d = _byte_range(pdf)
    first = list(range(a, a + b, max(1, b // 60)))
    second = list(range(c, c + d, max(1, d // 20)))
    return sorted({*first, *second, a, a + b - 1, c, c + d - 1})


def test_one_byte_changed_anywhere_in_the_signed_bytes_is_reported_modified(
    signed: bytes, pki_root: pki.CertifiedKey
) -> None:
    undetected = []
    for pos in _positions(signed):
        tampered = bytearray(signed)
        tampered[pos] ^= 0x01
        report = verify_pdf(bytes(tampered), [pki_root.certificate_pem])
        if report.ok or report.integrity != "modified" or "MODIFIED" not in report.message:
            undetected.append((pos, report.summary, report.message))
    assert undetected == []


def test_a_changed_byte_inside_a_content_stream_breaks_the_digest(signed: bytes, pki_root: pki.CertifiedKey) -> None:
    pos = signed.index(b"stream\n") + 40
    tampered = bytearray(signed)
    tampered[pos] ^= 0xFF
    report = verify_pdf(bytes(tampered), [pki_root.certificate_pem])
    assert not report.ok and not report.intact
    assert report.summary == "INVALID"


def test_an_incremental_update_after_signing_is_a_change_after_signing(
    signed: bytes, pki_root: pki.CertifiedKey
) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue(), [pki_root.certificate_pem])
    assert report.intact  # the signed revision itself is untouched...
    assert report.modified_after_signing and not report.ok  # ...but the file is not what was signed
    assert report.integrity == "modified"
    assert "after it was signed" in report.message
    assert "ILLEGAL_MODIFICATIONS" in report.summary


def test_bytes_appended_after_signing_are_a_change_after_signing(signed: bytes, pki_root: pki.CertifiedKey) -> None:
    report = verify_pdf(signed + b"\n% appended\n", [pki_root.certificate_pem])
    assert report.modified_after_signing and not report.ok


def test_an_unsigned_document_is_reported_as_such(unsigned: bytes) -> None:
    report = verify_pdf(unsigned, None)
    assert not report.signed and not report.ok
    assert report.integrity == "unsigned"


def test_garbage_is_reported_not_raised() -> None:
    report = verify_pdf(b"this is not a pdf", None)
    assert not report.ok and report.integrity == "modified"


def test_signing_keeps_the_text_extractable(signed: bytes) -> None:
    text = "\n".join(page_texts(signed))
    assert "Delivery plan update — 2015/16 Q3" in text
    assert "Page 1 of" in text


def test_report_lines_for_the_command_line(signed: bytes, pki_root: pki.CertifiedKey) -> None:
    lines = verify_pdf(signed, [pki_root.certificate_pem]).lines()
    assert lines[0].startswith("OK")
    assert "Integrity: intact" in lines
    assert "Trusted: yes" in lines
    assert "Changed after signing: no" in lines
    assert any(line.startswith("Signed by: Jo Bloggs, Community Safety Co-ordinator") for line in lines)


def test_an_rsa_signer_also_verifies(unsigned: bytes) -> None:
    root = pki.create_root("Safer Hartlepool Partnership", key_kind="rsa-3072")
    cert = pki.issue_signer(
        root, common_name="Clare Clark", organisation="Hartlepool Borough Council", key_kind="rsa-3072"
    )
    signed = sign_pdf(unsigned, pki.signer_material(cert, [root.certificate_pem]), **SIGN_ARGS)
    assert verify_pdf(signed, [root.certificate_pem]).ok


def _asn1(pem: bytes):  # type: ignore[no-untyped-def]
    from pyhanko.keys import load_certs_from_pemder_data

    return next(load_certs_from_pemder_data(pem))
