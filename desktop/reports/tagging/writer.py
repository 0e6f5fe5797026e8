"""Write a StructTree into the ReportLab document being saved: /StructTreeRoot with a flat /ParentTree,
/StructParents and /Tabs /S on every page, /MarkInfo, DisplayDocTitle and the PDF/UA identification in XMP.

Everything happens inside ReportLab's own object model, before it serialises the file: no second parse of the
PDF, which keeps the cost of tagging to the operators and dictionaries themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFPage, PDFStream, PDFString

from desktop.reports.tagging.tree import Element, MarkedRef, StructTree
from desktop.reports.tagging.xmp import xmp_packet

_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]


def _plain(value: Any) -> str:
    """The text of a ReportLab PDFString (or a str)."""
    if value is None:
        return ""
    return str(getattr(value, "s", value))


def write_structure(doc: Any, pages: Sequence[Any], tree: StructTree) -> None:
    """``doc`` is the canvas's PDFDocument, ``pages`` its PDFPage objects in order."""
    tree.prune()
    page_refs = [doc.Reference(p) for p in pages]
    dicts: dict[Element, PDFDictionary] = {}
    refs: dict[Element, Any] = {}
    for element in tree.elements():
        d = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName(element.role)})
        dicts[element] = d
        refs[element] = doc.Reference(d)
    root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    root_ref = doc.Reference(root)
    for element, d in dicts.items():
        d["P"] = refs[element.parent] if element.parent is not None else root_ref
        marks = [k for k in element.kids if isinstance(k, MarkedRef)]
        home = marks[0].page if marks else None
        if home is not None:
            d["Pg"] = page_refs[home]
        kids: list[Any] = []
        for kid in element.kids:
            if isinstance(kid, Element):
                kids.append(refs[kid])
            elif kid.page == home:
                kids.append(kid.mcid)
            else:
                kids.append(PDFDictionary({"Type": PDFName("MCR"), "Pg": page_refs[kid.page], "MCID": kid.mcid}))
        if len(kids) == 1:
            d["K"] = kids[0]
        elif kids:
            d["K"] = PDFArray(kids)
        if element.alt:
            d["Alt"] = PDFString(element.alt)
        if element.attributes:
            d["A"] = PDFDictionary({k: PDFName(v) if isinstance(v, str) and k != "Summary" else v
                                    for k, v in element.attributes.items()})
    nums: list[Any] = []
    for index, owners in enumerate(tree.pages):
        if owners and index < len(pages):
            nums += [index, PDFArray([refs[o] for o in owners])]
    for index, page in enumerate(pages):
        page.__NoDefault__ = _PAGE_KEYS  # ReportLab writes only the page keys it lists
        page.Tabs = PDFName("S")
        if index < len(tree.pages) and tree.pages[index]:
            page.StructParents = index
    root["K"] = refs[tree.root]
    root["ParentTree"] = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}))
    root["ParentTreeNextKey"] = len(pages)
    catalog = doc.Catalog
    catalog.StructTreeRoot = root_ref
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
