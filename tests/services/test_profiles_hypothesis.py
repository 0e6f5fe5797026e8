"""Property tests for offender-profile publishing (issue #5).

Random cohorts with random identifiers and small counts, published under every profile and rule, rendered to every
export format and passed through the export check:
- no direct identifier appears in any output;
- no suppressed cell of a published table can be worked out by subtracting from totals (attacked from the printed
  table alone);
- every published Partner row's quasi-identifier combination is shared by at least k rows;
- the Restricted profile publishes the notice and nothing else from the appendix.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import string
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from desktop.models import AggregateCell, AggregateTable, Base, Partnership, Plan, ProfileAppendix, ProfileSubject
from desktop.services.disclosure.demo import load_demo_profiles
from desktop.services.disclosure.profiles import PROFILES, ROWS_TITLE, preview, publish_appendix, redaction_text
from desktop.services.disclosure.rules import PRESETS, SECONDARY_SYMBOL, DisclosureRule
from desktop.services.export_gate import check_output, identifiers_for
from desktop.services.published import PublishedAppendix, PublishedTable, RedactionNotice

RULES = list(PRESETS.values())
KINDS = ("pdf", "xlsx", "csv", "docx")
CONTACT = "the HBC Community Safety Team"
DEMO_FILE = Path(__file__).resolve().parents[2] / "resources" / "demo" / "profiles-hartlepool.yaml"
DISTRICTS = ["Jesmond", "Headland and Harbour", "Manor House", "Victoria", "De Bruce", "Hart", ""]
FLAGS = ["PPO", "HCC", "IOM", "CLASS_A", "TREATMENT", "PROBATION", "YOS", "TAH"]
OFFENCES = ["Shoplifting", "Violence", "Criminal damage", "Theft", "Burglary", "Motoring"]
NEEDS = ["Accommodation", "Drugs and Alcohol", "Financial management", "Health"]

# --- renderers: stand-ins for the real document builders, putting every published string into the file --------


def lines_of(app: PublishedAppendix) -> Iterator[tuple[str, list[list[str]]]]:
    """(section, rows of cells) for every part, in order."""
    yield app.title, [[app.title], [app.intro]]
    for part in app.parts:
        if isinstance(part, RedactionNotice):
            yield part.title, [[part.title], [part.text]]
        else:
            yield part.title, [[part.title], list(part.columns), *[list(r) for r in part.rows], [part.note]]


def render_pdf(app: PublishedAppendix) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(app.title)
    c.setSubject(f"{app.profile} profile")
    y = 800.0
    for n, (section, rows) in enumerate(lines_of(app)):
        c.bookmarkPage(f"s{n}")
        c.addOutlineEntry(section, f"s{n}", level=0)
        for row in rows:
            for text in textwrap.wrap(" | ".join(row), 110) or [""]:
                if y < 50:
                    c.showPage()
                    y = 800.0
                c.drawString(30, y, text)
                y -= 12
    c.showPage()
    c.save()
    return buf.getvalue()


def render_xlsx(app: PublishedAppendix) -> bytes:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    wb.properties.title = app.title
    for n, (_, rows) in enumerate(lines_of(app)):
        sheet = wb.create_sheet(f"Part {n}")
        for row in rows:
            sheet.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_csv(app: PublishedAppendix) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for _, rows in lines_of(app):
        writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def render_docx(app: PublishedAppendix) -> bytes:
    document = docx.Document()
    document.core_properties.title = app.title
    for _, rows in lines_of(app):
        document.add_paragraph(rows[0][0])
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows) - 1, cols=width)
        for r, row in enumerate(rows[1:]):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


RENDER = {"pdf": render_pdf, "xlsx": render_xlsx, "csv": render_csv, "docx": render_docx}


# --- the attacker: only the printed table ------------------------------------------------------------------------


def attack(table: PublishedTable, rule: DisclosureRule) -> list[tuple[int, int]]:
    """Hidden cells an attacker pins to one value by differencing rows and columns against their totals."""
    has_total_col = table.columns[-1] == "Total" and len(table.columns) > 2
    body_rows = len(table.rows) - (1 if table.total_row else 0)
    width = len(table.columns)
    inf = float("inf")

    def bounds(text: str) -> tuple[float, float]:
        if text == rule.symbol:
            return rule.lowest_hidden, rule.threshold - 1
        if text == SECONDARY_SYMBOL:
            return rule.threshold, inf
        shown = int(text.replace(",", ""))
        if shown == 0 and not rule.suppress_zero:
            return 0, 0
        low = shown - rule.rounding_base // 2
        return max(low, rule.threshold), low + rule.rounding_base - 1

    known = {(r, c): bounds(table.rows[r][c]) for r in range(len(table.rows)) for c in range(1, width)}
    lines: list[list[tuple[int, int]]] = []
    if has_total_col:
        lines += [[(r, c) for c in range(1, width)] for r in range(len(table.rows))]
    if table.total_row:
        lines += [[(r, c) for r in range(body_rows + 1)] for c in range(1, width)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            *parts, total = line
            t_lo, t_hi = known[total]
            for cell in parts:
                lo, hi = known[cell]
                others_lo = sum(known[o][0] for o in parts if o != cell)
                others_hi = sum(known[o][1] for o in parts if o != cell)
                new = (max(lo, t_lo - others_hi), min(hi, t_hi - others_lo))
                if new != (lo, hi):
                    known[cell], changed = new, True
            new_total = (max(t_lo, sum(known[o][0] for o in parts)), min(t_hi, sum(known[o][1] for o in parts)))
            if new_total != (t_lo, t_hi):
                known[total], changed = new_total, True
    return [cell for cell in table.suppressed if known[cell][0] == known[cell][1]]


# --- cohorts -----------------------------------------------------------------------------------------------------

CONSONANTS = "bcdfghjklmnpqrstvwxz"  # no vowels: a random name can never spell a word of the published text
word = st.text(alphabet=CONSONANTS, min_size=3, max_size=8).map(str.capitalize)
letter = st.sampled_from(string.ascii_uppercase)

subject_fields = st.fixed_dictionaries(
    {
        "name": st.builds(lambda a, b: f"{a} {b}", word, word),
        "date_of_birth": st.one_of(st.none(), st.dates(dt.date(1935, 1, 1), dt.date(2005, 12, 31))),
        "pnc_id": st.builds(lambda y, n, c: f"{y:02d}/{n:07d}{c}", st.integers(0, 99), st.integers(0, 9999999), letter),
        "cro_number": st.builds(
            lambda n, y, c: f"{n:06d}/{y:02d}{c}", st.integers(0, 999999), st.integers(0, 99), letter
        ),
        "prison_number": st.builds(
            lambda a, n, b, c: f"{a}{n:04d}{b}{c}", letter, st.integers(0, 9999), letter, letter
        ),
        "postcode": st.builds(
            lambda area, n, d, unit: f"{area}{n} {d}{unit}",
            st.sampled_from(["TS", "DL", "NE", "SW", "M", "ZZ"]),
            st.integers(1, 99),
            st.integers(0, 9),
            st.sampled_from(["AB", "BT", "ZZ", "HX", "NP"]),
        ),
        "address": st.builds(lambda n, w: f"{n} {w} Street, Exampletown", st.integers(1, 300), word),
        "age": st.one_of(st.none(), st.integers(10, 90)),
        "gender": st.sampled_from(["Male", "Female", "Male", "Female", "", "Other"]),
        "district": st.sampled_from(DISTRICTS),
        "flags": st.lists(st.sampled_from(FLAGS), unique=True, max_size=3),
        "offences": st.dictionaries(st.sampled_from(OFFENCES), st.integers(1, 6), max_size=3),
        "needs": st.lists(st.sampled_from(NEEDS), unique=True, max_size=2),
    }
)
entered_tables = st.lists(
    st.tuples(
        st.integers(1, 4),
        st.integers(1, 3),
        st.lists(st.one_of(st.integers(0, 5), st.integers(0, 40)), min_size=12, max_size=12),
        st.booleans(),
        st.booleans(),
    ),
    max_size=2,
)


def make_session() -> Session:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    return Session(engine)


def build_appendix(
    session: Session, subjects: list[dict[str, Any]], tables: list[Any], cohort: int | None
) -> ProfileAppendix:
    plan = Plan(partnership=Partnership(name="Safer Hartlepool Partnership"), title="Reducing Re-offending")
    appendix = ProfileAppendix(
        plan=plan,
        title="Appendix 3 - Offender profiles",
        cohort_label="Test cohort",
        cohort_size=cohort,
        reoffended_count=None if cohort is None else cohort // 3,
    )
    for fields in subjects:
        subject = ProfileSubject(**{k: v for k, v in fields.items() if k not in ("flags", "offences", "needs")})
        subject.flag_list = fields["flags"]
        subject.offences = fields["offences"]
        subject.needs = fields["needs"]
        appendix.subjects.append(subject)
    for n, (rows, cols, counts, total_row, total_column) in enumerate(tables):
        table = AggregateTable(
            title=f"Entered table {n + 1}",
            row_header="Group",
            total_row=total_row,
            total_column=total_column,
            position=n,
        )
        table.row_labels = [f"Group {r + 1}" for r in range(rows)]
        table.column_labels = [f"Column {c + 1}" for c in range(cols)]
        table.cells = [
            AggregateCell(row_index=r, column_index=c, count=counts[r * 3 + c])
            for r in range(rows)
            for c in range(cols)
        ]
        appendix.tables.append(table)
    session.add_all([plan, appendix])
    session.flush()
    return appendix


def identifier_strings(appendix: ProfileAppendix) -> set[str]:
    out: set[str] = set()
    for s in appendix.subjects:
        out |= {s.name, s.pnc_id, s.cro_number, s.prison_number, s.postcode, s.address}
        if s.date_of_birth:
            out |= {s.date_of_birth.isoformat(), s.date_of_birth.strftime("%d/%m/%Y")}
    return {v for v in out if v}


def published_strings(app: PublishedAppendix) -> Iterator[str]:
    for _, rows in lines_of(app):
        for row in rows:
            yield from row


def assert_safe(
    app: PublishedAppendix, appendix: ProfileAppendix, rule: DisclosureRule, kind: str, session: Session
) -> None:
    everything = "\n".join(published_strings(app)).casefold()
    for value in identifier_strings(appendix):
        assert value.casefold() not in everything
    assert check_output(RENDER[kind](app), kind, identifiers_for(session)) == []  # type: ignore[arg-type]
    for part in app.parts:
        if isinstance(part, PublishedTable) and part.title != ROWS_TITLE:
            assert attack(part, rule) == [], part.title
    if app.profile == "partner":
        rows_tables = [p for p in app.parts if isinstance(p, PublishedTable) and p.title == ROWS_TITLE]
        for table in rows_tables:
            qi = [i for i, c in enumerate(table.columns) if c in ("Age", "Gender", "District")]
            sizes = Counter(tuple(row[i] for i in qi) for row in table.rows)
            assert all(size >= rule.k for size in sizes.values())
            assert [row[0] for row in table.rows] == [f"Offender {n}" for n in range(1, len(table.rows) + 1)]
    if app.profile == "restricted":
        assert_restricted(app, appendix)


def assert_restricted(app: PublishedAppendix, appendix: ProfileAppendix) -> None:
    assert app.intro == ""
    assert app.parts == (RedactionNotice(appendix.title, redaction_text(CONTACT)),)
    assert app.parts[0].text == (
        "This has been redacted due to potentially identifiable information; available on request from "
        "the HBC Community Safety Team."
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    subjects=st.lists(subject_fields, max_size=30),
    tables=entered_tables,
    cohort=st.one_of(st.none(), st.integers(0, 2000)),
    profile=st.sampled_from(PROFILES),
    rule=st.sampled_from(RULES),
    kind=st.sampled_from(KINDS),
    k=st.integers(2, 6),
)
def test_random_cohorts_publish_safely(
    subjects: list[dict[str, Any]],
    tables: list[Any],
    cohort: int | None,
    profile: str,
    rule: DisclosureRule,
    kind: str,
    k: int,
) -> None:
    rule = DisclosureRule(**{**rule.__dict__, "k": k})
    with make_session() as session:
        appendix = build_appendix(session, subjects, tables, cohort)
        app = publish_appendix(appendix, profile, rule, notice_contact=CONTACT)
        assert app.title == appendix.title and app.profile == profile
        assert_safe(app, appendix, rule, kind, session)


# --- the demonstration appendix, every combination ---------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[Session, ProfileAppendix]]:
    session = make_session()
    plan = Plan(partnership=Partnership(name="Safer Hartlepool Partnership"), title="Reducing Re-offending")
    session.add(plan)
    appendix = load_demo_profiles(session, plan, DEMO_FILE)
    yield session, appendix
    session.close()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("rule", RULES, ids=[r.key for r in RULES])
@pytest.mark.parametrize("profile", PROFILES)
def test_demo_appendix_publishes_safely(
    demo: tuple[Session, ProfileAppendix], profile: str, rule: DisclosureRule, kind: str
) -> None:
    session, appendix = demo
    app = publish_appendix(appendix, profile, rule, notice_contact=CONTACT)
    assert app.is_demo
    assert_safe(app, appendix, rule, kind, session)
    if profile != "restricted":
        assert "Demonstration data" in app.intro
        assert app.intro.startswith("Hartlepool re-offending cohort 2012/13: 1,70")


def test_restricted_pdf_is_the_notice_page_and_nothing_else(demo: tuple[Session, ProfileAppendix]) -> None:
    from pypdf import PdfReader

    session, appendix = demo
    app = publish_appendix(appendix, "restricted", PRESETS["lt5_secondary"], notice_contact=CONTACT)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(app))).pages)
    assert "Appendix \u2013 Re-offending cohort profile" in text
    assert "redacted due to potentially identifiable information; available on request from the HBC" in text
    for leaked in ("1,704", "cohort 2012/13", "Offender 1", "HMP location", "Prison", "Male", "<5", "Demo Subject"):
        assert leaked not in text


def test_preview_pairs_held_and_published_tables(demo: tuple[Session, ProfileAppendix]) -> None:
    _, appendix = demo
    view = preview(appendix, "partner", PRESETS["lt5_secondary"], notice_contact=CONTACT, seed=4)
    rows_pair = view.pairs[0]
    assert rows_pair.held.columns[0] == "Name" and rows_pair.held.rows[0][0] == "Demo Subject 01"
    assert isinstance(rows_pair.published, PublishedTable) and rows_pair.published.title == ROWS_TITLE
    assert len(rows_pair.published.rows) + view.withheld_rows == len(appendix.subjects)
    for pair in view.pairs[1:]:
        published = pair.published
        assert isinstance(published, PublishedTable)
        assert pair.held.columns == published.columns
        assert len(pair.held.rows) == len(published.rows)
        assert pair.held.marked == published.suppressed
    restricted = preview(appendix, "restricted", PRESETS["lt5_secondary"], notice_contact=CONTACT)
    assert all(p.published is None for p in restricted.pairs)
    assert restricted.published.parts == (RedactionNotice(appendix.title, redaction_text(CONTACT)),)


def test_unknown_profile_is_refused(demo: tuple[Session, ProfileAppendix]) -> None:
    from desktop.services.errors import ValidationError

    with pytest.raises(ValidationError):
        publish_appendix(demo[1], "everyone", PRESETS["lt5_secondary"], notice_contact=CONTACT)
