"""Write a StructTree into the ReportLab document being saved: /StructTreeRoot with a flat /ParentTree,
/StructParents and /Tabs /S on every page, /MarkInfo, DisplayDocTitle and the PDF/UA identification in XMP.

Everything happens inside ReportLab's own object model, before it serialises the file: no second parse of the
PDF, which keeps the cost of tagging to the operators and dictionaries themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObject,
    PDFObjectReference,
    PDFPage,
    PDFStream,
    PDFString,
)

from desktop.reports.tagging.tree import Element, MarkedRef, StructTree
from desktop.reports.tagging.xmp import xmp_packet

_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]


def _plain(value: Any) -> str:
    """The text of a ReportLab PDFString (or a str)."""
    if value is None:
        return ""
    return str(getattr(value, "s", value))


class _Compact(PDFObject):  # type: ignore[misc]  # ReportLab ships no type hints
    """A structure element or parent-tree array written straight to bytes. Documents have thousands of them;
    ReportLab's general dictionary formatting (sorting keys, one per line) doubles what tagging costs."""

    def __init__(self, build: Callable[[Any], bytes]) -> None:
        self.build = build

    def format(self, document: Any) -> bytes:
        return self.build(document)


def _ref(document: Any, name: str) -> bytes:
    number, generation = document.idToObjectNumberAndVersion[name]
    return b"%d %d R" % (number, generation)


def write_structure(doc: Any, pages: Sequence[Any], tree: StructTree) -> None:
    """``doc`` is the canvas's PDFDocument, ``pages`` its PDFPage objects in order."""
    tree.prune()
    page_names = [doc.Reference(p).name for p in pages]
    names: dict[Element, str] = {}
    objects: dict[Element, _Compact] = {}
    for element in tree.elements():
        obj = _Compact(lambda document: b"")
        objects[element] = obj
        names[element] = doc.Reference(obj).name
    root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    root_name = doc.Reference(root).name
    for element, obj in objects.items():
        obj.build = _element_bytes(element, names, page_names, root_name)

    nums: list[Any] = []
    for index, owners in enumerate(tree.pages):
        if owners and index < len(pages):
            nums += [index, _Compact(_array_bytes([names[o] for o in owners]))]
    for index, page in enumerate(pages):
        page.__NoDefault__ = _PAGE_KEYS  # ReportLab writes only the page keys it lists
        page.Tabs = PDFName("S")
        if index < len(tree.pages) and tree.pages[index]:
            page.StructParents = index
    root["K"] = PDFObjectReference(names[tree.root])
    root["ParentTree"] = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}))
    root["ParentTreeNextKey"] = len(pages)
    catalog = doc.Catalog
    catalog.StructTreeRoot = PDFObjectReference(root_name)
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    info = doc.info
    metadata = PDFStream(
        PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        xmp_packet(title=_plain(info.title), author=_plain(info.author), subject=_plain(info.subject),
                   keywords=info.keywords, creator=_plain(info.creator), producer=_plain(info.producer),
                   lang=_plain(getattr(catalog, "Lang", None)) or "en-GB").encode("utf-8"),
        filters=[],  # uncompressed, so that any tool (and a search indexer) can read the identification
    )
    catalog.Metadata = metadata


def _element_bytes(element: Element, names: dict[Element, str], page_names: Sequence[str], root_name: str
                   ) -> Callable[[Any], bytes]:
    def build(document: Any) -> bytes:
        parent = names[element.parent] if element.parent is not None else root_name
        out = [b"<</S /", element.role.encode("ascii"), b" /P ", _ref(document, parent)]
        marks = [k for k in element.kids if isinstance(k, MarkedRef)]
        home = marks[0].page if marks else None
        if home is not None:
            out += [b" /Pg ", _ref(document, page_names[home])]
        kids: list[bytes] = []
        for kid in element.kids:
            if isinstance(kid, Element):
                kids.append(_ref(document, names[kid]))
            elif kid.page == home:
                kids.append(b"%d" % kid.mcid)
            else:
                kids.append(b"<</Type /MCR /Pg " + _ref(document, page_names[kid.page]) + b" /MCID %d>>" % kid.mcid)
        if len(kids) == 1:
            out += [b" /K ", kids[0]]
        elif kids:
            out += [b" /K [", b" ".join(kids), b"]"]
        if element.alt:
            out += [b" /Alt ", PDFString(element.alt).format(document)]
        if element.attributes:
            attributes = PDFDictionary({k: PDFName(v) if isinstance(v, str) else v
                                        for k, v in element.attributes.items()})
            out += [b" /A ", attributes.format(document)]
        out.append(b">>")
        return b"".join(out)

    return build


def _array_bytes(names: Sequence[str]) -> Callable[[Any], bytes]:
    return lambda document: b"[" + b" ".join(_ref(document, name) for name in names) + b"]"
