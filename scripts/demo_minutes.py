"""Rebuild resources/demo/meeting-durham/minutes-2016-01-05.pdf, the demonstration's stand-in for published
minutes, as a tagged PDF (the pack's own check then passes on the demonstration pack; the Part B placeholder
stays untagged on purpose, so the demonstration also shows the warning about untagged papers).

Run from the repository root: .venv/bin/python scripts/demo_minutes.py
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from desktop.reports.styles import DEMO_RED, SANS, SANS_BOLD, register_fonts
from desktop.reports.tagging import tagged

OUT = Path(__file__).resolve().parents[1] / "resources/demo/meeting-durham/minutes-2016-01-05.pdf"
NOTICE = "DEMONSTRATION PLACEHOLDER — not a real document"
PAGES: list[list[tuple[str, str]]] = [
    [
        ("c_committee", "DURHAM COUNTY COUNCIL"),
        ("c_h1", "Safer and Stronger Communities Overview and Scrutiny Committee"),
        ("c_body", "At a Meeting of the Safer and Stronger Communities Overview and Scrutiny Committee held in "
                   "Committee Room 2, County Hall, Durham on Tuesday 5 January 2016 at 9.30 am."),
        ("c_body", "This placeholder stands in for the published minutes (source pack, lines D:66–293). The "
                   "demonstration data holds no personal names, so the attendance lists are not reproduced."),
        ("c_h2", "1 Apologies for Absence"),
        ("c_body", "Apologies for absence were received from three Members."),
        ("c_h2", "2 Substitute Members"),
        ("c_body", "No notification of Substitute Members had been received."),
        ("c_h2", "3 Minutes"),
        ("c_body", "The Minutes of the meeting held 27 October 2015 were agreed as a correct record and signed by "
                   "the Chairman."),
        ("c_h2", "4 Declarations of Interest"),
        ("c_body", "There were no Declarations of Interest."),
    ],
    [
        ("c_h2", "7 County Durham and Darlington Fire and Rescue Service – Integrated Risk Management Plan (IRMP) "
                 "Action Plan 2016/17 Consultation"),
        ("c_body", "The Committee considered a report and presentation on the consultation on the IRMP Action Plan "
                   "2016/17 (for copy see file of minutes)."),
        ("c_body", "Resolved: (i) That the report and presentation be noted. (ii) That the Committee's comments "
                   "form the basis of its response to the consultation."),
        ("c_h2", "9 Youth Offending and Re-offending Performance"),
        ("c_body", "Members received a report on performance, including proven re-offending by young people and "
                   "the Checkpoint programme."),
        ("c_body", "Resolved: That the report be noted."),
    ],
    [
        ("c_h2", "12 Police and Crime Panel"),
        ("c_body", "The Overview and Scrutiny Officer referred Members to the update report contained within the "
                   "agenda pack."),
        ("c_body", "Resolved: That the report be noted."),
    ],
]


def build() -> bytes:
    register_fonts()
    body = ParagraphStyle("c_body", fontName=SANS, fontSize=10.5, leading=14.5, spaceAfter=6)
    style = {
        "c_body": body,
        "c_committee": ParagraphStyle("c_committee", parent=body, fontName=SANS_BOLD, fontSize=13, leading=17),
        "c_h1": ParagraphStyle("c_h1", parent=body, fontName=SANS_BOLD, fontSize=12.5, leading=16),
        "c_h2": ParagraphStyle("c_h2", parent=body, fontName=SANS_BOLD, fontSize=11.5, leading=15, spaceBefore=4,
                               spaceAfter=3),
        "notice": ParagraphStyle("notice", parent=body, fontName=SANS_BOLD, fontSize=8, textColor=DEMO_RED),
    }
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=25 * mm, title="Minutes: Safer and Stronger Communities Overview and Scrutiny "
                            "Committee, 5 January 2016 (demonstration placeholder)",
                            author="Pathways demonstration data", creator="Pathways", lang="en-GB")
    story: list = []
    for n, page in enumerate(PAGES):
        if n:
            story.append(PageBreak())
        story.append(Paragraph(NOTICE, style["notice"]))
        story += [Paragraph(text, style[name]) for name, text in page]
    doc.build(story, canvasmaker=tagged())
    return buffer.getvalue()


if __name__ == "__main__":
    OUT.write_bytes(build())
    print(f"wrote {OUT}")
