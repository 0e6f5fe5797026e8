"""Benchmark: a 120-page committee agenda pack assembled (front sheet to a fixed point, cover reports, imported
papers, one pagination stamped on every page, bookmarks) and signed.

Run:  .venv/bin/python bench/agenda.py [--repeat N] [--pages N]

Aim: at most 3 s (median) for 120 pages. The papers are generated once before timing (text-heavy A4 pages, some
landscape, odd page counts so that blank pages are needed) and stored in an encrypted store, as a clerk's would be;
the timed part reads them from the store, builds and signs the pack.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate  # noqa: E402

from bench.common import ms, table, timed  # noqa: E402
from desktop.models import Meeting  # noqa: E402
from desktop.models.meetings import ContactLine, ReportSection  # noqa: E402
from desktop.reports.agenda_pack import PackOptions, build_agenda_pack, sign_pack  # noqa: E402
from desktop.reports.signing import verify_pdf  # noqa: E402
from desktop.services import agenda_papers, committees, meetings, plans, signing_setup  # noqa: E402
from desktop.services.actor import Actor  # noqa: E402
from desktop.store import Store  # noqa: E402

ACTOR = Actor(None, "benchmark")
PARAGRAPH = (
    "The Durham and Darlington Reducing Re-offending Strategic Group reviewed the delivery plan at its quarterly "
    "meeting. Partners reported progress against each action, with commentary on the critical pathways of "
    "accommodation, education, training and employability, and drug and alcohol misuse. "
)


def paper(pages: int, name: str, wide: bool = False) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4) if wide else A4, leftMargin=20 * mm,
                            rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm)
    style = ParagraphStyle("p", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=6)
    story = []
    for n in range(pages):
        if n:
            story.append(PageBreak())
        story.append(Paragraph(f"<b>{name}, page {n + 1}</b>", style))
        story += [Paragraph(PARAGRAPH * 2, style) for _ in range(3 if wide else 6)]
    doc.build(story)
    return buffer.getvalue()


def build_store(path: Path, target_pages: int) -> int:
    """A committee with fourteen items: cover reports and papers of odd and even lengths, about ``target_pages``."""
    with Store.create(path, "benchmark passphrase 2016") as store, store.session() as session:
        partnership = plans.add_partnership(session, ACTOR, "Safe Durham Partnership", "SDP")
        clerk = plans.add_person(session, ACTOR, name="Committee Clerk", job_title="Democratic Services Officer")
        committee = committees.add_committee(session, ACTOR, partnership,
                                             "Safer and Stronger Communities Overview and Scrutiny Committee",
                                             clerk=clerk, signoff="Head of Legal and Democratic Services\nCounty Hall")
        for n in range(20):
            committees.add_member(session, ACTOR, committee, honorific="Councillor", name=f"A Member {n}")
        meeting = meetings.add_meeting(session, ACTOR, committee, dt.date(2016, 2, 15), time=dt.time(9, 30),
                                       venue="Committee Room 2, County Hall, Durham", issued_on=dt.date(2016, 2, 5))
        signing_setup.issue_signer(session, clerk, partnership=partnership)
        pages_so_far = 2  # front sheet
        n = 0
        while pages_so_far < target_pages:
            n += 1
            item = meetings.add_item(session, ACTOR, meeting, f"Report {n}: partnership performance and delivery",
                                     report_of="the Assistant Chief Executive", presented_by="the Head of Service")
            agenda_papers.set_cover_report(
                session, ACTOR, item, purpose="To provide members with the quarterly update.",
                background=PARAGRAPH, sections=[ReportSection("Current Position", PARAGRAPH)],
                recommendations="Note the report.", contacts=[ContactLine("Community Safety Manager")],
            )
            content = paper((3, 7, 5, 9, 4)[n % 5], f"Paper {n}", wide=n % 4 == 0)
            count = len(PdfReader(io.BytesIO(content)).pages)
            agenda_papers.attach_pdf(session, ACTOR, item, f"paper{n}.pdf", content, title=f"Appendix 2: Paper {n}")
            pages_so_far += 2 + count + (count % 2)  # a one-page report, the implications page, the paper
        return meeting.id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", type=int, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.pathways"
        meeting_id = build_store(path, args.pages)
        with Store.open(path, "benchmark passphrase 2016") as store, store.session() as session:
            meeting = session.get(Meeting, meeting_id)
            assert meeting is not None and meeting.committee.clerk is not None
            material = signing_setup.signer_material_for(session, meeting.committee.clerk)
            root = signing_setup.root_pem(session, meeting.committee.partnership)
            result: dict[str, object] = {}

            def run() -> None:
                session.expire_all()  # read the papers from the store every time
                pack = build_agenda_pack(session, meeting, PackOptions())
                result["pack"] = sign_pack(pack, material, signer_role="Democratic Services Officer",
                                           signer_org="Durham County Council", location="County Hall")

            def build_only() -> None:
                session.expire_all()
                result["unsigned"] = build_agenda_pack(session, meeting, PackOptions())

            median_build, p95_build, _ = timed(build_only, args.repeat)
            median, p95, _ = timed(run, args.repeat)
        pack = result["pack"]
        pdf: bytes = pack.pdf  # type: ignore[attr-defined]
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        ok = verify_pdf(pdf, [root]).ok
    print(table(
        ["what", "pages", "median", "p95"],
        [
            ["pack assembled (unsigned)", str(pages), ms(median_build), ms(p95_build)],
            ["pack assembled and signed", str(pages), ms(median), ms(p95)],
        ],
    ))
    print(f"\n{pages}-page pack assembled and signed: median {median:.2f} s (aim ≤ 3 s); signature verifies: {ok}; "
          f"{len(pdf) / 1024:,.0f} KiB")
    return 0 if ok and median <= 3.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
