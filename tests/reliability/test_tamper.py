"""Tamper suite: every manipulated store, backup, signed PDF and return form is refused, clearly, writing nothing.

Each kind of manipulation is made to a real artefact (the demo store, its encrypted backup, a signed delivery-plan
update, a lead officer's return form) and handed to the command a user would run on it. It holds when the command
exits non-zero with one clear verdict and no traceback, and no file (the artefact, the store, the folder) changed.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from harness import PASSPHRASE, TALLY, SignedUpdate, file_digests, fingerprint
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from pypdf.generic import ArrayObject, NameObject

from desktop.cli import main
from desktop.reports.delivery_update import SIGNATURE_BOX
from desktop.reports.signing import sign_pdf
from desktop.services import pki
from desktop.services.queries import find_period, find_plan
from desktop.services.returns import COL_COMMENTARY, COL_RAG, FORM_SHEET, HEADER_ROW, ID_SHEET, issue_return_forms
from desktop.store import Store

PAGE = 4096
SUITE = "tamper (kinds tried / rejected)"
SIGNER = "Community Safety Manager"  # who signs the demo's Durham updates


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", PASSPHRASE)


def _run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _no_traceback(out: str, err: str) -> bool:
    return "Traceback" not in out + err and "unexpected error" not in err


# ---------------------------------------------------------------- the store and its backups


def _flip(offset: Callable[[int], int]) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        out = bytearray(data)
        out[offset(len(data))] ^= 0x5A
        return bytes(out)
    return change


FILE_MANIPULATIONS: dict[str, Callable[[bytes], bytes]] = {
    "byte flipped in the first page (salt)": _flip(lambda n: 7),
    "byte flipped in the first page (data)": _flip(lambda n: PAGE // 2),
    "byte flipped in a middle page": _flip(lambda n: (n // PAGE // 2) * PAGE + 1000),
    "byte flipped in the last page's HMAC": _flip(lambda n: n - 20),
    "byte flipped in the last page (data)": _flip(lambda n: n - PAGE + 100),
    "truncated to half": lambda d: d[: (len(d) // PAGE // 2) * PAGE],
    "truncated mid-page": lambda d: d[: len(d) - PAGE // 3],
    "last page cut off": lambda d: d[:-PAGE],
    "bytes appended": lambda d: d + b"appended by someone",
    "a page of random bytes appended": lambda d: d + bytes((i * 7919) % 251 for i in range(PAGE)),
    "a middle page swapped with another": lambda d: (
        d[: PAGE * 2] + d[PAGE * 3: PAGE * 4] + d[PAGE * 2: PAGE * 3] + d[PAGE * 4:]),
    "zeroed": lambda d: bytes(len(d)),
}


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> bytes:
    return demo_template.read_bytes()


@pytest.mark.parametrize("kind", FILE_MANIPULATIONS)
def test_a_tampered_store_is_refused(kind: str, demo_copy: bytes, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    store = folder / "plan.pathways"
    store.write_bytes(FILE_MANIPULATIONS[kind](demo_copy))
    before = file_digests(folder)
    opened, out, err = _run(capsys, "plans", store)
    refused_open = opened == 2 and err.count("\n") == 1 and _no_traceback(out, err) and not out
    checked, out2, err2 = _run(capsys, "check", store)
    refused_check = checked in (1, 2) and _no_traceback(out2, err2) and "Store is healthy" not in out2
    unchanged = file_digests(folder) == before
    held = refused_open and refused_check and unchanged
    TALLY.record(SUITE, f"store: {kind}", held,
                 f"plans exit {opened} {err.strip()!r}; check exit {checked}; unchanged {unchanged}")
    assert held, (opened, err, checked, out2, err2, unchanged)


@pytest.fixture(scope="module")
def backup_bytes(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> bytes:
    folder = tmp_path_factory.mktemp("backup")
    with Store.open(demo_template, PASSPHRASE, migrate=False) as store:
        store.backup(folder / "backup.pathways", PASSPHRASE)
    return (folder / "backup.pathways").read_bytes()


@pytest.mark.parametrize("kind", FILE_MANIPULATIONS)
def test_a_tampered_backup_is_not_restored(kind: str, backup_bytes: bytes, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    backup = folder / "backup.pathways"
    backup.write_bytes(FILE_MANIPULATIONS[kind](backup_bytes))
    before = file_digests(folder)
    code, out, err = _run(capsys, "restore", backup, folder / "restored.pathways")
    held = (code == 2 and err.count("\n") == 1 and _no_traceback(out, err) and not out
            and file_digests(folder) == before)
    TALLY.record(SUITE, f"backup: {kind}", held, f"restore exit {code} {err.strip()!r}")
    assert held, (code, out, err, sorted(file_digests(folder)))


def test_an_untouched_backup_restores(backup_bytes: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The control: the same command on the untampered file succeeds, so the refusals above are about tampering."""
    backup = tmp_path / "backup.pathways"
    backup.write_bytes(backup_bytes)
    code, out, err = _run(capsys, "restore", backup, tmp_path / "restored.pathways")
    assert code == 0, err
    assert _run(capsys, "check", tmp_path / "restored.pathways")[0] == 0


# ---------------------------------------------------------------- signed PDFs


def _byte_range(pdf: bytes) -> tuple[int, int, int, int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert match is not None
    a, b, c, d = (int(x) for x in match.groups())
    return a, b, c, d


def _incremental(pdf: bytes, change: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter(PdfReader(io.BytesIO(pdf)), incremental=True)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _unsigned_copy(pdf: bytes) -> bytes:
    """The document rewritten without its signature field (what a forger starts from)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    root = writer._root_object
    if "/AcroForm" in root:
        del root[NameObject("/AcroForm")]
    if "/Perms" in root:
        del root[NameObject("/Perms")]
    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        keep = ArrayObject(a for a in annots.get_object() if a.get_object().get("/FT") != "/Sig")
        if keep:
            page[NameObject("/Annots")] = keep
        else:
            del page[NameObject("/Annots")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _flip_signed_content(pdf: bytes) -> bytes:
    _, first, _, _ = _byte_range(pdf)
    data = bytearray(pdf)
    data[first // 2] ^= 0x01
    return bytes(data)


def _edit_info_in_place(pdf: bytes) -> bytes:
    match = re.search(rb"/Producer\s*\((.)", pdf)
    assert match is not None
    data = bytearray(pdf)
    data[match.start(1)] = ord("X") if data[match.start(1)] != ord("X") else ord("Y")
    return bytes(data)


def _replace_contents(pdf: bytes) -> bytes:
    _, first, second, _ = _byte_range(pdf)
    hex_start, hex_end = first + 1, second - 1  # inside the < >
    length = hex_end - hex_start
    forged = (b"3082" + b"0" * (length - 4))[:length]
    return pdf[:hex_start] + forged + pdf[hex_end:]


def _organisation(root_pem: Path) -> str:
    cert = x509.load_pem_x509_certificate(root_pem.read_bytes())
    return str(cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value)


def _look_alike_signer(root_pem: Path) -> pki.SignerMaterial:
    """A forger's self-made root and signer, with exactly the names of the partnership's real ones."""
    organisation = _organisation(root_pem)
    fake_root = pki.create_root(organisation)
    fake = pki.issue_signer(fake_root, common_name=SIGNER, organisation=organisation, title=SIGNER)
    return pki.signer_material(fake, [fake_root.certificate_pem])


def _look_alike(pdf: bytes, root_pem: Path) -> bytes:
    """The genuine signature stripped and the document re-signed by the look-alike."""
    return sign_pdf(_unsigned_copy(pdf), _look_alike_signer(root_pem), field_box_on_page1=SIGNATURE_BOX,
                    reason="Quarterly update", location="Durham", signer_role=SIGNER,
                    signer_org=_organisation(root_pem))


def _second_signature(pdf: bytes, root_pem: Path) -> bytes:
    """The genuine signature kept, and the look-alike's signature added after it in an incremental update."""
    material = _look_alike_signer(root_pem)
    signer = signers.SimpleSigner(
        signing_cert=next(iter(load_certs_from_pemder_data(material.certificate_pem))),
        signing_key=load_private_key_from_pemder_data(material.private_key_pem, None),
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            list(load_certs_from_pemder_data(material.chain_pem[0]))),
    )
    out = io.BytesIO()
    # The certification forbids changes, and pyHanko honours that; a forger's tool would not: drop it first.
    unlocked = _incremental(pdf, lambda w: w._root_object.pop(NameObject("/Perms"), None))
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(unlocked), strict=False),
                     signers.PdfSignatureMetadata(field_name="Forgery"), signer=signer, output=out)
    return out.getvalue()


def _add_page(writer: PdfWriter) -> None:
    writer.add_blank_page(595, 842)


def _add_annotation(writer: PdfWriter) -> None:
    writer.add_annotation(0, FreeText(text="All actions are Green", rect=(50, 700, 300, 740)))


def _change_info(writer: PdfWriter) -> None:
    writer.add_metadata({"/Title": "Delivery plan update (final)", "/Author": "Someone else"})


PDF_MANIPULATIONS: dict[str, Callable[[bytes, Path], bytes]] = {
    "content byte flipped": lambda pdf, root: _flip_signed_content(pdf),
    "/Info edited in place": lambda pdf, root: _edit_info_in_place(pdf),
    "/Info changed in an incremental update": lambda pdf, root: _incremental(pdf, _change_info),
    "page added in an incremental update": lambda pdf, root: _incremental(pdf, _add_page),
    "annotation added in an incremental update": lambda pdf, root: _incremental(pdf, _add_annotation),
    "signature removed": lambda pdf, root: _unsigned_copy(pdf),
    "signature contents replaced": lambda pdf, root: _replace_contents(pdf),
    "re-signed with a look-alike self-made certificate": _look_alike,
    "second signature by a look-alike added": _second_signature,
    "truncated": lambda pdf, root: pdf[: len(pdf) * 2 // 3],
}
REFUSALS = ("MODIFIED:", "NOT SIGNED:", "signature intact but signer not trusted")


@pytest.mark.parametrize("kind", PDF_MANIPULATIONS)
def test_a_tampered_signed_pdf_fails_verification(kind: str, signed_update: SignedUpdate, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "received"
    folder.mkdir()
    pdf = folder / "update.pdf"
    pdf.write_bytes(PDF_MANIPULATIONS[kind](signed_update.pdf, signed_update.root_pem))
    assert pdf.read_bytes() != signed_update.pdf
    before = file_digests(folder)
    code, out, err = _run(capsys, "verify", pdf, "--trust", signed_update.root_pem)
    verdict = out.splitlines()[0] if out else ""
    held = (code == 1 and verdict.startswith(REFUSALS) and "OK:" not in out and _no_traceback(out, err)
            and file_digests(folder) == before)
    TALLY.record(SUITE, f"signed PDF: {kind}", held, f"verify exit {code}: {verdict!r}")
    assert held, (code, out, err)


def test_the_untouched_signed_pdf_verifies(signed_update: SignedUpdate, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "update.pdf"
    pdf.write_bytes(signed_update.pdf)
    code, out, _ = _run(capsys, "verify", pdf, "--trust", signed_update.root_pem)
    assert code == 0 and out.startswith("OK: intact, trusted")


# ---------------------------------------------------------------- lead officers' return forms


@dataclass(frozen=True)
class Forms:
    store: bytes
    forms: list[tuple[str, bytes]]


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Forms:
    folder = tmp_path_factory.mktemp("forms")
    store = folder / "demo.pathways"
    shutil.copyfile(demo_template, store)
    with Store.open(store, PASSPHRASE) as opened, opened.session() as session:
        plan = find_plan(session, "Durham")
        issue_return_forms(session, plan, find_period(session, plan.id, "current"), folder / "out")
    filled = []
    for path in sorted((folder / "out").glob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        ws = wb[FORM_SHEET]
        for row in range(HEADER_ROW + 1, ws.max_row + 1):
            if ws.cell(row, 1).value:
                ws.cell(row, COL_RAG).value = "Green"
                ws.cell(row, COL_COMMENTARY).value = "Delivered to plan"
        buffer = io.BytesIO()
        wb.save(buffer)
        filled.append((path.name, buffer.getvalue()))
    assert len(filled) >= 2
    return Forms(store.read_bytes(), filled)


def _payload(wb: openpyxl.Workbook) -> dict[str, object]:
    ids = wb[ID_SHEET]
    return dict(json.loads(ids.cell(2, 1).value))


def _set_payload(wb: openpyxl.Workbook, payload: dict[str, object]) -> None:
    wb[ID_SHEET].cell(2, 1).value = json.dumps(payload, sort_keys=True, separators=(",", ":"))


def _other_officers_action(forms: Forms) -> tuple[int, str]:
    wb = openpyxl.load_workbook(io.BytesIO(forms.forms[1][1]))
    _, action_id, code = _payload(wb)["rows"][0]  # type: ignore[index]
    return int(action_id), str(code)


def _form_edit(change: Callable[[openpyxl.Workbook, Forms], None]) -> Callable[[bytes, Forms], bytes]:
    def edit(data: bytes, forms: Forms) -> bytes:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        change(wb, forms)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    return edit


def _action_id_to_other_officers(wb: openpyxl.Workbook, forms: Forms) -> None:
    payload = _payload(wb)
    rows = payload["rows"]
    assert isinstance(rows, list)
    rows[0][1] = _other_officers_action(forms)[0]
    _set_payload(wb, payload)


def _visible_code_to_other_officers(wb: openpyxl.Workbook, forms: Forms) -> None:
    wb[FORM_SHEET].cell(HEADER_ROW + 1, 1).value = _other_officers_action(forms)[1]


def _hmac_altered(wb: openpyxl.Workbook, forms: Forms) -> None:
    ids = wb[ID_SHEET]
    for row in range(2, ids.max_row + 1):
        if ids.cell(row, 1).value == "hmac":
            value = str(ids.cell(row, 2).value)
            ids.cell(row, 2).value = ("0" if value[0] != "0" else "1") + value[1:]


def _row_added(wb: openpyxl.Workbook, forms: Forms) -> None:
    ws = wb[FORM_SHEET]
    last = max(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value)
    _, code = _other_officers_action(forms)
    ws.cell(last + 1, 1).value = code
    ws.cell(last + 1, 2).value = "An action this officer does not lead"
    ws.cell(last + 1, COL_RAG).value = "Green"
    ws.cell(last + 1, COL_COMMENTARY).value = "Marked complete by someone else"


def _quarter_changed(wb: openpyxl.Workbook, forms: Forms) -> None:
    payload = _payload(wb)
    payload["period"] = int(str(payload["period"])) - 1  # the previous quarter
    _set_payload(wb, payload)


def _store_changed(wb: openpyxl.Workbook, forms: Forms) -> None:
    payload = _payload(wb)
    payload["store"] = "00000000-0000-0000-0000-000000000000"
    _set_payload(wb, payload)


FORM_MANIPULATIONS: dict[str, Callable[[bytes, Forms], bytes]] = {
    "action id changed to another officer's": _form_edit(_action_id_to_other_officers),
    "visible action code changed to another officer's": _form_edit(_visible_code_to_other_officers),
    "HMAC altered": _form_edit(_hmac_altered),
    "row added": _form_edit(_row_added),
    "quarter changed": _form_edit(_quarter_changed),
    "issuing store changed": _form_edit(_store_changed),
    "identifier sheet removed": _form_edit(lambda wb, forms: wb.remove(wb[ID_SHEET])),
    "not a workbook": lambda data, forms: data[: len(data) // 2],
}


@pytest.mark.parametrize("kind", FORM_MANIPULATIONS)
def test_a_tampered_return_form_is_refused(kind: str, forms: Forms, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "demo.pathways"
    store.write_bytes(forms.store)
    name, data = forms.forms[0]
    form = tmp_path / name
    form.write_bytes(FORM_MANIPULATIONS[kind](data, forms))
    before = fingerprint(store, PASSPHRASE)
    form_bytes = form.read_bytes()
    code, out, err = _run(capsys, "returns-import", store, form, "--accept")
    refusals = [line.strip() for line in out.splitlines() if "REFUSED:" in line]
    held = (code == 1 and len(refusals) == 1 and "Recorded 0 updates" in out and _no_traceback(out, err)
            and fingerprint(store, PASSPHRASE) == before and form.read_bytes() == form_bytes)
    TALLY.record(SUITE, f"return form: {kind}", held, f"exit {code}: {refusals or out.strip()[-80:]!r}")
    assert held, (code, out, err)


def test_the_untouched_return_form_is_recorded(forms: Forms, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "demo.pathways"
    store.write_bytes(forms.store)
    name, data = forms.forms[0]
    (tmp_path / name).write_bytes(data)
    code, out, err = _run(capsys, "returns-import", store, tmp_path / name, "--accept")
    assert code == 0 and "REFUSED" not in out and "Recorded 0 updates" not in out, (out, err)
