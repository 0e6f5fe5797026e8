"""Check a finished output file, as bytes, for identifiers: everything a reader or a tool could pull out of it.

Each checker first looks where a person would (page text, cells, paragraphs), so a finding can say where it is, and
then sweeps every string in the file (every PDF object, every XML part of an XLSX/DOCX package), so that metadata or
parts no named check covers cannot slip through. A file that cannot be read is itself a finding: an output that
could not be checked is never written.

What is out of reach: text inside images (no OCR). The builders do not draw identifiers into images.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from desktop.services.disclosure.identifiers import Finding, IdentifierKind, IdentifierSet, dedupe, scan_text

_TAG = re.compile(r"<[^>]*>")
_TEXT_PART = re.compile(r"\.(xml|rels|vml)$", re.I)


def unreadable(what: str) -> Finding:
    return Finding(IdentifierKind.UNREADABLE, "", what)


def _xml_text(data: bytes) -> str:
    """The character content of an XML part (tags become spaces, entities are decoded)."""
    return html.unescape(_TAG.sub(" ", data.decode("utf-8", errors="replace")))


def _scan_package(data: bytes, ids: IdentifierSet) -> list[Finding]:
    """Every XML part of an Office package: custom properties, comments, charts, pivot caches, text boxes…"""
    findings: list[Finding] = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            name = info.filename
            if _TEXT_PART.search(name):
                findings += scan_text(_xml_text(package.read(info)), ids, f"in the package part {name}")
            findings += scan_text(name, ids, "in the name of a package part")
    return findings


def _text_values(value: Any) -> Iterator[str]:
    """The forms a cell value can be read back in, including dates written as text."""
    if value is None:
        return
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        yield value.isoformat()
        yield value.strftime("%d/%m/%Y")
        return
    yield str(value)


# --- PDF ---------------------------------------------------------------------------------------------------------


def check_pdf(pdf: bytes, identifiers: IdentifierSet) -> list[Finding]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        if reader.is_encrypted:
            return [unreadable("the PDF is encrypted")]
        findings = list(_pdf_findings(reader, identifiers))
    except Exception:  # pypdf raises many kinds of errors on damaged files; any of them means "not checked"
        return [unreadable("the PDF could not be parsed")]
    return dedupe(findings)


def _pdf_findings(reader: Any, ids: IdentifierSet) -> Iterator[Finding]:
    from pypdf.generic import DictionaryObject

    for number, page in enumerate(reader.pages, start=1):
        yield from scan_text(page.extract_text() or "", ids, f"on page {number}")
        for index, ref in enumerate(page.get("/Annots") or [], start=1):
            annot = ref.get_object()
            if not isinstance(annot, DictionaryObject):
                continue
            for key in ("/Contents", "/T", "/TU", "/Subj", "/RC", "/NM"):
                if key in annot:
                    yield from scan_text(str(annot[key]), ids, f"in annotation {index} on page {number} ({key[1:]})")
            action = annot.get("/A")
            if isinstance(action, DictionaryObject) and "/URI" in action:
                yield from scan_text(str(action["/URI"]), ids, f"in the link of annotation {index} on page {number}")
    for key, value in (reader.metadata or {}).items():
        yield from scan_text(str(value), ids, f"in the document information ({str(key).lstrip('/')})")
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is not None:
        yield from scan_text(_xml_text(metadata.get_object().get_data()), ids, "in the XMP metadata")
    for number, title in enumerate(_outline_titles(reader.outline), start=1):
        yield from scan_text(title, ids, f"in bookmark {number}")
    for number, (name, field) in enumerate((reader.get_fields() or {}).items(), start=1):
        yield from scan_text(str(name), ids, f"in the name of form field {number}")
        for key in ("/V", "/DV", "/TU", "/TM"):
            value = field.get(key)
            if value is not None and not isinstance(value, DictionaryObject):
                yield from scan_text(str(value), ids, f"in form field {number} ({key[1:]})")
    for number, (name, contents) in enumerate(reader.attachments.items(), start=1):
        yield from scan_text(str(name), ids, f"in the name of attachment {number}")
        for blob in contents:
            yield from scan_text(blob.decode("utf-8", errors="replace"), ids, f"in attachment {number}")
    for name in reader.named_destinations:
        yield from scan_text(str(name), ids, "in a named destination")
    yield from _pdf_sweep(reader, ids)


def _outline_titles(items: Iterable[Any]) -> Iterator[str]:
    for item in items:
        if isinstance(item, list):
            yield from _outline_titles(item)
        else:
            yield str(item.get("/Title", ""))


def _pdf_sweep(reader: Any, ids: IdentifierSet) -> Iterator[Finding]:
    """Every text string in every object of the file, whether or not anything refers to it."""
    from pypdf.generic import (
        ArrayObject,
        ByteStringObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        StreamObject,
        TextStringObject,
    )

    numbers = {n for gen in reader.xref.values() for n in gen} | set(reader.xref_objStm)
    for number in sorted(numbers):
        try:
            obj = reader.get_object(number)
        except Exception:
            yield unreadable(f"PDF object {number} could not be read")
            continue
        stack: list[Any] = [obj]
        strings: list[str] = []
        while stack:
            item = stack.pop()
            if isinstance(item, IndirectObject):
                continue  # swept on its own
            if isinstance(item, StreamObject):
                kind = item.get("/Type")
                if kind in ("/Metadata", "/EmbeddedFile") or item.get("/Subtype") == "/XML":
                    strings.append(_xml_text(item.get_data()))
            if isinstance(item, DictionaryObject):
                stack.extend(v for k, v in item.items() if k != "/ID")
            elif isinstance(item, ArrayObject):
                stack.extend(item)
            elif isinstance(item, TextStringObject):
                strings.append(str(item))
            elif isinstance(item, NameObject):
                strings.append(str(item)[1:])
            elif isinstance(item, ByteStringObject):
                continue  # binary (document IDs, hashes)
        for text in strings:
            yield from scan_text(text, ids, f"in PDF object {number}")


# --- XLSX --------------------------------------------------------------------------------------------------------


def check_xlsx(data: bytes, identifiers: IdentifierSet) -> list[Finding]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False, rich_text=False)
        findings = list(_xlsx_findings(workbook, identifiers))
        findings += _scan_package(data, identifiers)
    except Exception:
        return [unreadable("the spreadsheet could not be opened")]
    return dedupe(findings)


def _xlsx_findings(workbook: Any, ids: IdentifierSet) -> Iterator[Finding]:
    for sheet in workbook.worksheets:
        hidden = "" if sheet.sheet_state == "visible" else f", a {sheet.sheet_state} sheet"
        where = f"sheet \u201c{sheet.title}\u201d{hidden}"
        yield from scan_text(sheet.title, ids, "in a sheet name")
        for row in sheet.iter_rows():
            for cell in row:
                for text in _text_values(cell.value):
                    yield from scan_text(text, ids, f"in {where}, cell {cell.coordinate}")
                if cell.comment is not None:
                    comment = f"{cell.comment.text}\n{cell.comment.author or ''}"
                    yield from scan_text(comment, ids, f"in the comment on {where}, cell {cell.coordinate}")
                if cell.hyperlink is not None:
                    link = f"{cell.hyperlink.target or ''} {cell.hyperlink.tooltip or ''}"
                    yield from scan_text(link, ids, f"in the link in {where}, cell {cell.coordinate}")
        for part in (sheet.oddHeader, sheet.oddFooter, sheet.evenHeader, sheet.evenFooter):
            for section in (part.left, part.center, part.right):
                yield from scan_text(section.text or "", ids, f"in a header or footer of {where}")
        for name, defined in sheet.defined_names.items():
            yield from scan_text(f"{name} {defined.attr_text}", ids, f"in a defined name of {where}")
    for name, defined in workbook.defined_names.items():
        yield from scan_text(f"{name} {defined.attr_text}", ids, "in a defined name")
    props = workbook.properties
    for attr in (
        "title",
        "subject",
        "creator",
        "keywords",
        "description",
        "lastModifiedBy",
        "category",
        "identifier",
        "contentStatus",
        "version",
        "language",
    ):
        yield from scan_text(str(getattr(props, attr, None) or ""), ids, f"in the document properties ({attr})")
    for prop in workbook.custom_doc_props.props:
        yield from scan_text(f"{prop.name} {prop.value}", ids, "in the custom document properties")


# --- CSV ---------------------------------------------------------------------------------------------------------


def check_csv(data: bytes, identifiers: IdentifierSet) -> list[Finding]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    findings: list[Finding] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            for column, value in enumerate(row, start=1):
                findings += scan_text(value, identifiers, f"in row {number}, column {column}")
            # A name split over "forename" and "surname" columns is still a name.
            findings += scan_text(" ".join(row), identifiers, f"in row {number}")
    except csv.Error:
        findings.append(unreadable("the CSV could not be parsed"))
    findings += scan_text(text, identifiers, "in the file")
    return dedupe(findings)


# --- DOCX --------------------------------------------------------------------------------------------------------


def check_docx(data: bytes, identifiers: IdentifierSet) -> list[Finding]:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        findings = list(_docx_findings(document, identifiers))
        findings += _scan_package(data, identifiers)
    except Exception:
        return [unreadable("the Word document could not be opened")]
    return dedupe(findings)


def _docx_findings(document: Any, ids: IdentifierSet) -> Iterator[Finding]:
    for number, paragraph in enumerate(document.paragraphs, start=1):
        yield from scan_text(paragraph.text, ids, f"in paragraph {number}")
    for number, table in enumerate(document.tables, start=1):
        yield from _docx_table(table, ids, f"table {number}")
    for number, section in enumerate(document.sections, start=1):
        for label, part in (
            ("header", section.header),
            ("footer", section.footer),
            ("first-page header", section.first_page_header),
            ("first-page footer", section.first_page_footer),
            ("even-page header", section.even_page_header),
            ("even-page footer", section.even_page_footer),
        ):
            if part.is_linked_to_previous:
                continue
            for paragraph in part.paragraphs:
                yield from scan_text(paragraph.text, ids, f"in the {label} of section {number}")
            for table in part.tables:
                yield from _docx_table(table, ids, f"a table in the {label} of section {number}")
    props = document.core_properties
    for attr in (
        "author",
        "category",
        "comments",
        "content_status",
        "identifier",
        "keywords",
        "language",
        "last_modified_by",
        "subject",
        "title",
        "version",
    ):
        yield from scan_text(str(getattr(props, attr, None) or ""), ids, f"in the document properties ({attr})")


def _docx_table(table: Any, ids: IdentifierSet, where: str) -> Iterator[Finding]:
    for r, row in enumerate(table.rows, start=1):
        for c, cell in enumerate(row.cells, start=1):
            yield from scan_text(cell.text, ids, f"in {where}, row {r}, column {c}")
            for inner in cell.tables:
                yield from _docx_table(inner, ids, f"a table inside {where}")
