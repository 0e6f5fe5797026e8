"""One structure tree for an assembled pack: each tagged document's tree becomes a Part of the pack's Document,
in pack order, with its parent-tree keys moved past the documents before it. A document with no structure tree
(an imported paper that was never tagged) is named, so the clerk hears about it instead of it passing silently.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from desktop.reports.tagging.xmp import xmp_packet


def is_tagged(reader: PdfReader) -> bool:
    root: Any = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo")
    marked = bool(mark_info.get_object().get("/Marked", False)) if mark_info is not None else False
    return marked and root.get("/StructTreeRoot") is not None


def _number_tree(node: Any) -> Iterator[tuple[int, Any]]:
    if node is None:
        return
    node = node.get_object()
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums) - 1, 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids") or []:
        yield from _number_tree(kid)


class PackStructure:
    """Collects the documents' trees while the pack is laid out; ``finish`` writes the pack's own root."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.document = DictionaryObject({
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Document"),
        })
        self.document_ref = writer._add_object(self.document)
        self.parts = ArrayObject()
        self.nums = ArrayObject()
        self.next_key = 0
        self.role_map = DictionaryObject()
        self.class_map = DictionaryObject()
        self.untagged: list[str] = []

    def add(self, reader: PdfReader, pages: Sequence[PageObject], title: str) -> bool:
        """Graft ``reader``'s tree (its pages already copied to ``pages``); False if it has none."""
        if not is_tagged(reader):
            self.untagged.append(title)
            return False
        catalog: Any = reader.trailer["/Root"]
        tree = catalog["/StructTreeRoot"].get_object()
        offset = self.next_key
        part = DictionaryObject({
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Part"),
            NameObject("/P"): self.document_ref,
            NameObject("/T"): TextStringObject(title),
        })
        part_ref = self.writer._add_object(part)
        top = tree.get("/K")
        kids = list(top) if isinstance(top, ArrayObject) else ([] if top is None else [top])
        if len(kids) == 1 and kids[0].get_object().get("/S") == "/Document":  # its own Document: the Part
            inner = kids[0].get_object().get("/K")
            kids = list(inner) if isinstance(inner, ArrayObject) else ([] if inner is None else [inner])
            kids_ref = tree.raw_get("/K")
            dropped: int | None = kids_ref.idnum if isinstance(kids_ref, IndirectObject) else None
        else:
            dropped = None
        cloned = ArrayObject(self._clone(kid) for kid in kids)
        part[NameObject("/K")] = cloned
        self._set_parents(part_ref, part)
        highest = -1
        for key, value in _number_tree(tree.get("/ParentTree")):
            self.nums.append(NumberObject(key + offset))
            self.nums.append(self._entry(value, dropped, part_ref))
            highest = max(highest, key)
        for source, page in zip(reader.pages, pages, strict=True):
            parents = source.get("/StructParents")
            if parents is not None:
                page[NameObject("/StructParents")] = NumberObject(int(parents) + offset)
            for annot in page.get("/Annots") or []:
                annot = annot.get_object()
                if "/StructParent" in annot:
                    annot[NameObject("/StructParent")] = NumberObject(int(annot["/StructParent"]) + offset)
        self.next_key = offset + max(int(tree.get("/ParentTreeNextKey", 0)), highest + 1)
        for name, value in (tree.get("/RoleMap") or {}).items():
            self.role_map.setdefault(NameObject(name), value)
        for name, value in (tree.get("/ClassMap") or {}).items():  # attribute classes a word processor names
            self.class_map.setdefault(NameObject(name), self._clone(value))
        self.parts.append(part_ref)
        return True

    def _clone(self, value: Any) -> Any:
        # /P (parents) is rebuilt afterwards, so the source's root and parent tree are never copied
        return value.clone(self.writer, ignore_fields=("/P",)) if hasattr(value, "clone") else value

    def _set_parents(self, parent_ref: IndirectObject, parent: DictionaryObject) -> None:
        kids = parent.get("/K")
        items = list(kids) if isinstance(kids, ArrayObject) else ([] if kids is None else [kids])
        for item in items:
            if not isinstance(item, IndirectObject):
                continue  # an MCID, or a direct MCR/OBJR dictionary
            element = item.get_object()
            if isinstance(element, DictionaryObject) and "/S" in element:
                element[NameObject("/P")] = parent_ref
                self._set_parents(item, element)

    def _entry(self, value: Any, dropped: int | None, part_ref: IndirectObject) -> Any:
        """A parent-tree value in the pack: content the source's Document owned now belongs to the Part."""
        def one(item: Any) -> Any:
            if isinstance(item, IndirectObject) and item.idnum == dropped:
                return part_ref
            return self._clone(item)

        resolved = value.get_object() if isinstance(value, IndirectObject) else value
        if isinstance(resolved, ArrayObject):
            return ArrayObject(one(item) for item in resolved)
        return one(value)

    def finish(self, *, title: str, author: str = "", subject: str = "", lang: str = "en-GB") -> None:
        writer = self.writer
        self.document[NameObject("/K")] = self.parts
        root = DictionaryObject({
            NameObject("/Type"): NameObject("/StructTreeRoot"),
            NameObject("/K"): self.document_ref,
            NameObject("/ParentTree"): writer._add_object(DictionaryObject({NameObject("/Nums"): self.nums})),
            NameObject("/ParentTreeNextKey"): NumberObject(self.next_key),
        })
        if self.role_map:
            root[NameObject("/RoleMap")] = self.role_map
        if self.class_map:
            root[NameObject("/ClassMap")] = self.class_map
        root_ref = writer._add_object(root)
        self.document[NameObject("/P")] = root_ref
        catalog = writer._root_object
        catalog[NameObject("/StructTreeRoot")] = root_ref
        catalog[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
        catalog[NameObject("/ViewerPreferences")] = DictionaryObject(
            {NameObject("/DisplayDocTitle"): BooleanObject(True)})
        metadata = DecodedStreamObject()
        metadata.set_data(xmp_packet(title=title, author=author, subject=subject, keywords="",
                                     creator="Pathways", producer="Pathways", lang=lang).encode("utf-8"))
        metadata.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
        catalog[NameObject("/Metadata")] = writer._add_object(metadata)
        for page in writer.pages:
            page[NameObject("/Tabs")] = NameObject("/S")
