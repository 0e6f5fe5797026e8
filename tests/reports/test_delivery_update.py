"""The delivery-plan update: content, structure, accessibility basics and page furniture of the built PDF."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pdf_probe import outline_titles, page_texts, render_gray
from pypdf import PdfReader
from report_fixtures import make_appendices, make_snapshot

from desktop.reports.delivery_update import UpdateOptions, build_delivery_update
from desktop.services.errors import ValidationError
from desktop.services.frozen import PlanSnapshotData
from desktop.services.rag import scheme

OPTIONS = UpdateOptions(
    marking="OFFICIAL-SENSITIVE",
    prepared_by="Jo Bloggs, Community Safety Co-ordinator",
    version="1.2",
    key_messages=("Two actions are newly Red; both concern housing on release.",),
)


@pytest.fixture(scope="module")
def built() -> tuple[PlanSnapshotData, bytes]:
    data = make_snapshot(40)
    return data, build_delivery_update(data, OPTIONS, make_appendices())


@pytest.fixture(scope="module")
def texts(built: tuple[PlanSnapshotData, bytes]) -> list[str]:
    return page_texts(built[1])


def _has_code(text: str, code: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(code)}(?![\d.])", text) is not None


def test_returns_pdf_bytes_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snapshot: PlanSnapshotData
) -> None:
    monkeypatch.chdir(tmp_path)
    pdf = build_delivery_update(snapshot, UpdateOptions())
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert list(tmp_path.iterdir()) == []


def test_text_contains_every_action_code_and_the_period(
    built: tuple[PlanSnapshotData, bytes], texts: list[str]
) -> None:
    data, _ = built
    text = "\n".join(texts)
    missing = [a.code for a in data.actions() if not _has_code(text, a.code)]
    assert missing == []
    assert "Delivery plan update — 2015/16 Q3" in text
    assert data.plan_title in text and data.partnership in text.replace("\n", " ")


def test_page_count_grows_with_the_plan() -> None:
    counts = [len(PdfReader(io.BytesIO(build_delivery_update(make_snapshot(n), OPTIONS))).pages) for n in (8, 60, 200)]
    assert counts[0] < counts[1] < counts[2], counts


def test_marking_page_numbers_snapshot_and_demo_notice_on_every_page(
    built: tuple[PlanSnapshotData, bytes], texts: list[str]
) -> None:
    data, _ = built
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number}: marking top and bottom"
        assert f"Page {number} of {total}" in text, f"page {number}"
        assert f"Snapshot {data.sha256()[:12]}" in text, f"page {number}"
        assert "DEMONSTRATION DATA — not real performance information" in text, f"page {number}"


def test_real_data_carries_no_demo_notice() -> None:
    texts = page_texts(build_delivery_update(make_snapshot(12, is_demo=False), UpdateOptions()))
    assert not any("DEMONSTRATION" in t for t in texts)
    assert all(t.count("OFFICIAL") >= 2 for t in texts)


def test_cover_shows_partnership_plan_period_version_date_author_marking(texts: list[str]) -> None:
    cover = texts[0]
    for expected in (
        "County Durham and Darlington Community Safety",
        "Reducing Re-offending Delivery",
        "2015–2018",
        "Delivery plan update — 2015/16 Q3",
        "1.2",
        "Jo Bloggs, Community Safety Co-ordinator",
        "Protective marking",
        "Digital signature",
    ):
        assert expected in cover, expected


def test_metadata_title_author_subject_creator(built: tuple[PlanSnapshotData, bytes]) -> None:
    meta = PdfReader(io.BytesIO(built[1])).metadata
    assert meta is not None
    assert meta.title == "Reducing Re-offending Delivery Plan — Delivery plan update 2015/16 Q3"
    assert meta.author == "Jo Bloggs, Community Safety Co-ordinator"
    assert meta.creator == "Pathways"
    assert "2015/16 Q3" in (meta.subject or "")


def test_bookmarks_for_each_section_and_objective(built: tuple[PlanSnapshotData, bytes]) -> None:
    data, pdf = built
    outline = outline_titles(pdf)
    top = [t for depth, t in outline if depth == 0]
    assert top == ["Cover", "Summary", "Exceptions", "Delivery plan", "Appendices", "RAG key"]
    objectives = [t for depth, t in outline if depth == 1 and t.startswith("SO ")]
    assert len(objectives) == len(data.objectives)
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_summary_counts_this_quarter_and_last_and_changes(
    built: tuple[PlanSnapshotData, bytes], texts: list[str]
) -> None:
    data, _ = built
    summary = next(t for t in texts if "1. Summary" in t)
    assert "2015/16 Q2" in summary
    assert "Key messages" in summary and "Two actions are newly Red" in summary
    now, before = data.counts(), data.previous_counts
    assert now["red"] != before["red"]  # the fixture moves statuses between quarters
    assert "Figure 1" in summary
    joined = "\n".join(texts)
    for heading in ("Newly Red", "Recovered", "Completed this quarter"):
        assert heading in joined


def test_exceptions_cover_every_red_and_amber_action(built: tuple[PlanSnapshotData, bytes], texts: list[str]) -> None:
    data, _ = built
    start = next(i for i, t in enumerate(texts) if "2. Exceptions" in t)
    end = next(i for i, t in enumerate(texts) if "3. The delivery plan" in t)
    section = "\n".join(texts[start:end])
    flagged = [a for a in data.actions() if a.rag in ("red", "amber")]
    assert flagged
    assert [a.code for a in flagged if not _has_code(section, a.code)] == []
    assert "Remedial action" in section and "Community Safety Manager (DCC)" in section
    assert "since 2015/16 Q1: 3 quarters" in section


def test_plan_pages_repeat_the_table_header(built: tuple[PlanSnapshotData, bytes], texts: list[str]) -> None:
    reader = PdfReader(io.BytesIO(built[1]))
    landscape = [i for i, p in enumerate(reader.pages) if p.mediabox.width > p.mediabox.height]
    assert len(landscape) >= 3
    for i in landscape:
        assert "Progress this quarter" in texts[i], f"page {i + 1} has no table header"
        assert "Direction of travel:" in texts[i], f"page {i + 1} has no compact RAG key"


def test_a_cell_taller_than_a_page_splits_and_keeps_all_its_text(
    built: tuple[PlanSnapshotData, bytes], texts: list[str]
) -> None:
    data, _ = built
    giant = next(a for a in data.actions() if len(a.commentary) > 3000)
    plan_text = " ".join(t for t in texts).replace("\n", " ")
    last_words = " ".join(giant.commentary.split()[-6:])
    assert last_words.replace("<", "").replace(">", "") in plan_text.replace("<", "").replace(">", "")


def test_direction_arrows_and_welsh_letters_are_real_text(texts: list[str]) -> None:
    joined = "\n".join(texts)
    for glyph in ("↑", "↓", "→", "Llŷr", "Siân"):
        assert glyph in joined, glyph


def test_fonts_are_embedded(built: tuple[PlanSnapshotData, bytes]) -> None:
    reader = PdfReader(io.BytesIO(built[1]))
    for page in reader.pages[:3]:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            if font["/BaseFont"] in ("/Courier", "/Helvetica", "/ZapfDingbats"):
                continue  # standard 14 fonts, present in every reader
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            assert descriptor is not None and "/FontFile2" in descriptor.get_object(), font["/BaseFont"]


def test_rag_key_prints_the_scheme_definitions(texts: list[str]) -> None:
    key = texts[-1].replace("\n", " ")
    assert "RAG key" in key
    for status in scheme("rag").statuses:
        assert status.definition[:40] in key


@pytest.mark.parametrize("scheme_key", ["brag", "five_point"])
def test_other_schemes_show_their_own_letters(scheme_key: str) -> None:
    texts = page_texts(build_delivery_update(make_snapshot(24, scheme_key=scheme_key), UpdateOptions()))
    key = texts[-1]
    for status in scheme(scheme_key).statuses:
        assert status.label in key


def test_appendix_tables_mark_suppressed_cells_and_notices_render(texts: list[str]) -> None:
    start = next(i for i, t in enumerate(texts) if "4. Appendices" in t)
    section = "\n".join(texts[start:]).replace("\n", " ")
    assert "Table 1: IOM cohort by age band and district" in section
    assert "<5 †" in section
    assert "Public profile: counts of 1-4 shown as <5" in section
    assert "redacted due to potentially identifiable information" in section


def test_progress_is_reported_in_order(snapshot: PlanSnapshotData) -> None:
    seen: list[float] = []
    build_delivery_update(snapshot, UpdateOptions(), progress=lambda f, _msg: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)


def test_unknown_marking_is_refused() -> None:
    with pytest.raises(ValidationError):
        UpdateOptions(marking="SECRET")


def test_unsigned_copy_has_no_signature_block(snapshot: PlanSnapshotData) -> None:
    cover = page_texts(build_delivery_update(snapshot, UpdateOptions(signature_placeholder=False)))[0]
    assert "Digital signature" not in cover


def test_page_one_rendered_by_pdftoppm_is_not_blank(built: tuple[PlanSnapshotData, bytes]) -> None:
    width, height, pixels = render_gray(built[1], page=1)
    assert width > 100 and height > 100
    dark = sum(1 for p in pixels if p < 200) / len(pixels)
    assert 0.02 < dark < 0.6, f"{dark:.1%} of page 1 is ink"


def test_plan_tables_stay_small_so_layout_cost_is_linear(snapshot_factory: Callable[..., PlanSnapshotData]) -> None:
    """Guards against quadratic layout (one giant table): every plan table holds at most ROWS_PER_TABLE actions.

    The time per action itself is measured by bench/reports.py, not asserted in a test.
    """
    from reportlab.platypus import Table

    from desktop.reports.flowables import RagPalette
    from desktop.reports.plan_table import ROWS_PER_TABLE, plan_section
    from desktop.reports.styles import LANDSCAPE, frame_width
    from desktop.services.rag import scheme

    data = snapshot_factory(240, huge_cell=False)
    story = plan_section(data, RagPalette(scheme(data.rag_scheme)), frame_width(LANDSCAPE), section_number=3)
    tables = [f for f in story if isinstance(f, Table)]
    assert sum(len(t._cellvalues) - 1 for t in tables) >= 240  # every action is in a table (plus header rows)
    assert max(len(t._cellvalues) for t in tables) <= ROWS_PER_TABLE + 2  # header (+ priority heading) + actions
