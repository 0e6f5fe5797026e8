"""No page of the demonstration update or agenda pack holds only a couple of lines (issue #14): headings keep with
what follows, a report's ending moves as one block, a table row never leaves a sliver on a page of its own.

Counted with poppler's pdftotext: the body lines of a page, leaving out its running header, footer, RAG key line,
page number and demonstration mark. Not counted: the pack's deliberate blank pages for double-sided printing and
the pages of papers imported as they are (the minutes), whose layout is their authors'.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.models import Meeting, Plan
from desktop.reports.agenda_pack import DEMO_PAGE_MARK, build_agenda_pack
from desktop.reports.pagination import BLANK_TEXT
from desktop.reports.publish import PublishOptions, publish_update
from desktop.services import pack_contents
from desktop.services.actor import Actor
from desktop.services.queries import find_period
from desktop.store import Store

MIN_BODY_LINES = 10

_FURNITURE = (
    re.compile(r"^Page \d+( of \d+)?$"),  # page numbers (the pack's stamp, the update's footer)
    re.compile(r"Snapshot [0-9a-f]{12}"),  # the update's footer
    re.compile(r"^Key:"),  # the RAG key line at the foot of every update page
    re.compile(r"DEMONSTRATION (DATA|PLACEHOLDER)"),  # demonstration marks
    re.compile(r"^(OFFICIAL|OFFICIAL-SENSITIVE)$"),
)


def _pages(pdf: Path) -> list[list[str]]:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]


def body_lines(lines: list[str]) -> int:
    body = [line for line in lines if not any(p.search(line) for p in _FURNITURE)]
    if body and "OFFICIAL" in body[0]:  # the update's running header: title, marking, quarter
        body = body[1:]
    return len(body)


def _thin_pages(pages: list[list[str]], skip: set[int] = frozenset()) -> list[tuple[int, int]]:  # type: ignore[assignment]
    """(page number, body lines) of every page but the last below the minimum."""
    return [(n, body_lines(lines)) for n, lines in enumerate(pages[:-1], start=1)
            if n not in skip and body_lines(lines) < MIN_BODY_LINES]


def test_counting_leaves_out_the_furniture() -> None:
    page = ["Reducing Re-offending Plan      OFFICIAL      2015/16 Q3", "DEMONSTRATION DATA", "1. Summary",
            "Key: R Red A Amber", "Snapshot 0123456789ab    OFFICIAL    Page 2 of 9"]
    assert body_lines(page) == 1


@pytest.mark.parametrize("plan_title", ["Durham", "Hartlepool"])
def test_no_page_of_the_demo_update_is_nearly_empty(demo_store: Store, tmp_path: Path, plan_title: str) -> None:
    out = tmp_path / "update.pdf"
    with demo_store.session() as session:
        plan = next(p for p in session.scalars(select(Plan)) if plan_title in p.title)
        period = find_period(session, plan.id, "latest-closed")
        publish_update(session, Actor(None, "test"), period, out, PublishOptions(sign=False, profile="public"))
    pages = _pages(out)
    assert len(pages) > 10
    assert _thin_pages(pages) == []
    assert all(any("DEMONSTRATION DATA" in line for line in page) for page in pages)


def test_no_page_of_the_demo_pack_is_nearly_empty_and_every_page_is_marked(demo_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    with demo_store.session() as session:
        meeting = session.scalars(select(Meeting)).first()
        assert meeting is not None
        pack = build_agenda_pack(session, meeting)
        data = pack_contents.pack_data(session, meeting, load_part="A")
    out.write_bytes(pack.pdf)
    pages = _pages(out)
    assert len(pages) == pack.pages
    imported_only = {i.id for i in data.items
                     if i.cover is None and i.attachments and all(a.kind == "pdf" for a in i.attachments)}
    # physical page → stamped number; pages of items that are only imported papers are not ours to lay out
    imported_numbers = {n for item in pack.items if item.item_id in imported_only
                        for n in range(item.first, item.last + 1)}
    skip = {index + 1 for index, number in enumerate(pack.stamps) if number in imported_numbers}
    skip |= {n for n, lines in enumerate(pages, start=1) if BLANK_TEXT in " ".join(lines)}
    assert imported_numbers, "the demo pack imports the minutes as they are"
    assert _thin_pages(pages, skip) == []
    # the demonstration mark on every page, blank pages and imported papers included (README)
    unmarked = [n for n, lines in enumerate(pages, start=1) if not any(DEMO_PAGE_MARK in line for line in lines)]
    assert unmarked == []
    # no page holds only a "Contact:" box
    assert not [n for n, lines in enumerate(pages, start=1) if lines and lines[0].startswith("Contact:")
                and body_lines(lines) <= 3]


def test_a_priority_heading_repeated_after_a_break_says_continued(demo_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "update.pdf"
    with demo_store.session() as session:
        plan = next(p for p in session.scalars(select(Plan)) if "Durham" in p.title)
        publish_update(session, Actor(None, "test"), find_period(session, plan.id, "latest-closed"), out,
                       PublishOptions(sign=False))
    headings = [line for page in _pages(out) for line in page if re.match(r"^[A-Z]{1,2}\s+Priority \S+", line)]
    seen: set[str] = set()
    repeats = 0
    for line in headings:
        name = re.sub(r"\s+\(continued\)$", "", line)
        if name in seen:
            repeats += 1
            assert line.endswith("(continued)"), line
        else:
            assert not line.endswith("(continued)"), f"first heading marked continued: {line}"
            seen.add(name)
    assert repeats > 0 and len(seen) > 3  # the demo plan breaks several priorities across pages
