# mypy: disable-error-code="no-untyped-call"
# (pyHanko's generic PDF objects have untyped constructors)
"""A visible signature that stays inside the tagged structure.

pyHanko adds the signature field when it signs, after the structure tree was written, so the widget would be an
untagged annotation (PDF/UA-1 §7.18: every annotation in a Form or Annot element). Instead the empty field is
created first, in the same incremental revision that pyHanko then signs: it gets a /TU description, a
/StructParent, and a Form element (with an /OBJR to the widget) placed after the content of its page.
"""

from __future__ import annotations

from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import NS, ExpandedName, XmpStructure, XmpValue
from pyhanko.sign import fields

PDFUA_PART = ExpandedName(NS["pdfuaid"], "part")


def keep_accessibility_metadata(writer: IncrementalPdfFileWriter) -> None:
    """pyHanko rewrites the XMP packet when it signs, from its own document metadata: give it the title, author
    and subject it would otherwise drop (PDF/UA wants dc:title) and the PDF/UA identification, for tagged files."""
    if "/StructTreeRoot" not in writer.root:
        return
    meta, view = writer.document_meta, writer.document_meta_view
    meta.title, meta.author, meta.subject = view.title, view.author, view.subject
    existing = writer.root.get("/Metadata")
    declared = existing is not None and b"pdfuaid" in existing.get_object().data
    if not declared:
        meta.xmp_extra = [XmpStructure.of((PDFUA_PART, XmpValue("1")))]


def add_tagged_signature_field(writer: IncrementalPdfFileWriter, spec: fields.SigFieldSpec, description: str
                               ) -> None:
    """Create the empty field ``spec`` in ``writer``; tag it when the document is tagged."""
    fields.append_signature_field(writer, spec)
    field_ref = _field_ref(writer, spec.sig_field_name)
    widget = field_ref.get_object()
    widget["/TU"] = generic.TextStringObject(description)
    root = writer.root
    struct_root_ref = root.raw_get("/StructTreeRoot") if "/StructTreeRoot" in root else None
    if struct_root_ref is None:
        return
    struct_root = struct_root_ref.get_object()
    page_ref = writer.find_page_for_modification(spec.on_page)[0]
    parent_tree = struct_root["/ParentTree"]
    nums = parent_tree["/Nums"]
    key = int(struct_root.get("/ParentTreeNextKey", len(nums) // 2))
    document_ref = struct_root.raw_get("/K")
    if isinstance(document_ref, generic.ArrayObject):
        document_ref = document_ref[0]
    document_ref = _first_part(document_ref)
    document = document_ref.get_object()
    form = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/StructElem"),
        generic.NameObject("/S"): generic.NameObject("/Form"),
        generic.NameObject("/P"): document_ref,
        generic.NameObject("/Pg"): page_ref,
        generic.NameObject("/Alt"): generic.TextStringObject(description),
        generic.NameObject("/K"): generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/OBJR"),
            generic.NameObject("/Obj"): field_ref,
            generic.NameObject("/Pg"): page_ref,
        }),
    })
    form_ref = writer.add_object(form)
    kids = document.get("/K")
    if not isinstance(kids, generic.ArrayObject):
        kids = generic.ArrayObject([] if kids is None else [document.raw_get("/K")])
        document["/K"] = kids
    kids.insert(_after_page(kids, page_ref), form_ref)
    widget["/StructParent"] = generic.NumberObject(key)
    nums.append(generic.NumberObject(key))
    nums.append(form_ref)
    struct_root["/ParentTreeNextKey"] = generic.NumberObject(key + 1)
    for container in (document, struct_root, parent_tree):
        writer.update_container(container)
    writer.mark_update(document_ref)
    writer.mark_update(struct_root_ref)
    parent_tree_ref = struct_root.raw_get("/ParentTree")
    if isinstance(parent_tree_ref, generic.IndirectObject):
        writer.mark_update(parent_tree_ref)


def _field_ref(writer: IncrementalPdfFileWriter, name: str) -> Any:
    for ref in writer.root["/AcroForm"]["/Fields"]:
        if ref.get_object().get("/T") == name:
            return ref.get_object().container_ref if not isinstance(ref, generic.IndirectObject) else ref
    raise LookupError(name)


def _first_part(document_ref: Any) -> Any:
    """In an assembled pack the field belongs to its first document (the front sheet), a Part of the pack."""
    kids = document_ref.get_object().raw_get("/K") if "/K" in document_ref.get_object() else None
    first = kids[0] if isinstance(kids, generic.ArrayObject) and len(kids) else kids
    if isinstance(first, generic.IndirectObject) and first.get_object().get("/S") == "/Part":
        return first
    return document_ref


def _after_page(kids: generic.ArrayObject, page_ref: Any) -> int:
    """Index just after the last top-level element whose content starts on ``page_ref`` (the field's page)."""
    index = 0
    for i in range(len(kids)):
        element = kids[i]
        if not isinstance(element, generic.DictionaryObject) or "/Pg" not in element:
            continue
        if element.raw_get("/Pg").idnum == page_ref.idnum:
            index = i + 1
        elif index:
            break
    return index
