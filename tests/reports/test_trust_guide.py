"""The trust bundle and its one-page guide for recipients."""

from __future__ import annotations

import io

from pdf_probe import page_texts
from pypdf import PdfReader

from desktop.reports.trust_guide import build_trust_guide, guide_title, trust_bundle
from desktop.services import pki

PARTNERSHIP = "County Durham and Darlington Community Safety Partnership"


def test_guide_is_one_page_with_fingerprint_and_adobe_steps(pki_root: pki.CertifiedKey) -> None:
    pdf = build_trust_guide(PARTNERSHIP, pki_root.certificate_pem, contact="Community Safety Team, 03000 260000")
    texts = page_texts(pdf)
    assert len(texts) == 1
    text = texts[0].replace("\n", " ")
    assert guide_title(PARTNERSHIP) in text
    compact = text.replace(" ", "")
    assert pki_root.fingerprint in compact
    for step in (
        "Edit › Preferences",
        "Signatures",
        "Identities & Trusted Certificates",
        "More…",
        "Trusted Certificates",
        "Import",
        "Use this certificate as a trusted root",
        "Certified documents",
        "Signature Panel",
        "pathways verify",
        "Community Safety Team, 03000 260000",
    ):
        assert step in text, step


def test_guide_metadata(pki_root: pki.CertifiedKey) -> None:
    meta = PdfReader(io.BytesIO(build_trust_guide(PARTNERSHIP, pki_root.certificate_pem))).metadata
    assert meta is not None and meta.title == guide_title(PARTNERSHIP)
    assert meta.creator == "Pathways"


def test_bundle_holds_root_pem_der_fingerprint_and_guide(pki_root: pki.CertifiedKey) -> None:
    files = trust_bundle(PARTNERSHIP, pki_root.certificate_pem, short_name="CDD CSP")
    assert set(files) == {
        "cdd-csp-signing-root.pem",
        "cdd-csp-signing-root.cer",
        "cdd-csp-signing-root-sha256.txt",
        "How to trust documents signed by CDD CSP.pdf",
    }
    assert files["cdd-csp-signing-root.pem"] == pki_root.certificate_pem
    assert pki.to_pem(files["cdd-csp-signing-root.cer"]) == pki_root.certificate_pem
    assert pki_root.fingerprint in files["cdd-csp-signing-root-sha256.txt"].decode()
    guide = page_texts(files["How to trust documents signed by CDD CSP.pdf"])[0]
    assert "cdd-csp-signing-root.cer" in guide
    assert not any(b"PRIVATE KEY" in content for content in files.values())
