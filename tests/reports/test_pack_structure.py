"""Joining documents' structure trees in a pack, with a paper tagged by another program: a role map, a parent tree
split into /Kids, and a link annotation tagged through an /OBJR. Built by hand with pikepdf, as a word processor
would write it."""

from __future__ import annotations

import io

import pikepdf
from pdf_ua import elements, parent_tree, pdfinfo_tagged, ua_errors
from pikepdf import Array, Dictionary, Name, String
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate

from desktop.reports.pagination import Document, Section, assemble
from desktop.reports.styles import styles
from desktop.reports.tagging import tagged


def front_sheet() -> bytes:
    s = styles()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, lang="en-GB", title="Agenda").build(
        [Paragraph("Agenda", s.h1), Paragraph("1. Minutes", s.body)], canvasmaker=tagged())
    return buffer.getvalue()


def word_paper() -> bytes:
    """Two pages; page 1 has a custom-role heading and a link to the council's website."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    kids = Array()
    entries = []
    for n in range(2):
        text = f"/Heading1 <</MCID 0>> BDC BT /F1 14 Tf 72 720 Td (Report page {n + 1}) Tj ET EMC".encode()
        if n == 0:
            text += b" /Link <</MCID 1>> BDC BT /F1 11 Tf 72 690 Td (www.durham.gov.uk) Tj ET EMC"
        page = pdf.add_blank_page(page_size=A4)
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(text)
        page.obj.StructParents = n
        heading = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/Heading1"), P=document, Pg=page.obj,
                                               K=0))
        kids.append(heading)
        owners = [heading]
        if n == 0:
            annot = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[72, 685, 200, 702],
                                                 Contents=String("The council's website"), StructParent=2,
                                                 A=Dictionary(S=Name.URI, URI=String("https://www.durham.gov.uk/"))))
            page.obj.Annots = Array([annot])
            link = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Link, P=document, Pg=page.obj,
                                                K=Array([1, Dictionary(Type=Name.OBJR, Obj=annot, Pg=page.obj)])))
            kids.append(link)
            owners.append(link)
            entries.append((2, link))
        entries.append((n, Array(owners)))
    document.K = kids
    entries.sort(key=lambda e: e[0])
    leaf_a = pdf.make_indirect(Dictionary(Nums=Array([entries[0][0], entries[0][1], entries[1][0], entries[1][1]]),
                                          Limits=Array([0, 1])))
    leaf_b = pdf.make_indirect(Dictionary(Nums=Array([entries[2][0], entries[2][1]]), Limits=Array([2, 2])))
    root.K = document
    root.ParentTree = Dictionary(Kids=Array([leaf_a, leaf_b]))
    root.ParentTreeNextKey = 3
    root.RoleMap = Dictionary(Heading1=Name.H1)
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = String("en-GB")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_paper_tagged_elsewhere_keeps_its_structure_links_and_role_map_in_the_pack() -> None:
    paper = word_paper()
    assert ua_errors(paper) == []  # a fair, conforming paper (apart from its unembedded font)
    assembled = assemble(front_sheet(), [Section("1", "1. Minutes", (Document(paper, "Minutes"),))],
                         blank_pages=False, metadata={"/Title": "Agenda pack"})
    assert assembled.untagged == ()
    assert pdfinfo_tagged(assembled.pdf) == "yes" and ua_errors(assembled.pdf) == []
    with pikepdf.open(io.BytesIO(assembled.pdf)) as pdf:
        assert pdf.Root.StructTreeRoot.RoleMap.Heading1 == Name.H1
        parts = [e for depth, e in elements(pdf) if depth == 1]
        assert [str(p.T) for p in parts] == ["Agenda", "Minutes"]
        tree = parent_tree(pdf)
        page_two, page_three = pdf.pages[1], pdf.pages[2]  # the paper follows the one-page front sheet
        annot = page_two.obj.Annots[0]
        link = tree[int(annot.StructParent)]
        assert link.S == Name.Link and link.K[1].Obj.objgen == annot.objgen
        assert link.P.objgen == parts[1].objgen and link.Pg.objgen == page_two.obj.objgen
        owners = tree[int(page_three.obj.StructParents)]
        assert owners[0].S == "/Heading1" and owners[0].Pg.objgen == page_three.obj.objgen
        keys = set(tree)
        assert len(keys) == len(tree) and int(pdf.Root.StructTreeRoot.ParentTreeNextKey) > max(keys)


def test_an_untagged_paper_is_named_and_the_rest_stays_tagged() -> None:
    paper = pikepdf.new()
    paper.add_blank_page(page_size=A4)
    out = io.BytesIO()
    paper.save(out)
    assembled = assemble(front_sheet(), [Section("1", "1. Minutes", (Document(out.getvalue(), "Old minutes"),))],
                         blank_pages=False)
    assert assembled.untagged == ("Old minutes",)
    with pikepdf.open(io.BytesIO(assembled.pdf)) as pdf:
        assert [str(e.T) for depth, e in elements(pdf) if depth == 1] == ["Agenda"]
