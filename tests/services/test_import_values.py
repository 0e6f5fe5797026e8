"""Reading cell values as partnerships write them: headings, statuses, free-text dates, leads, bullets, numbering."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.models import ActionStatus
from desktop.services.importing.headings import Field, is_header_row, suggest_field, suggest_mapping
from desktop.services.importing.values import (
    LeadReading,
    code_path,
    objective_heading,
    parse_leads,
    parse_percent,
    parse_status,
    parse_timescale,
    split_code,
    split_items,
)
from desktop.services.rag import BRAG, FIVE_POINT, RAG
from desktop.services.spreadsheet_safety import neutralise, restore


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Priority", Field.PRIORITY), ("Key Action", Field.ACTION), ("Action", Field.ACTION),
        ("Action Required", Field.ACTION), ("Actions", Field.ACTION), ("Progress Measure", Field.MEASURES),
        ("Responsibility / Resource", Field.LEAD), ("Responsibility Resource", Field.LEAD),
        ("Lead officer", Field.LEAD), ("Lead Officer / Agency", Field.LEAD), ("Owner", Field.LEAD),
        ("Lead", Field.LEAD), ("Lead Person", Field.LEAD), ("Timescale", Field.TIMESCALE),
        ("Planned Completion Date", Field.TIMESCALE), ("Forecast End Date", Field.TIMESCALE),
        ("Completion Date", Field.TIMESCALE), ("COMPLETION DATE*", Field.TIMESCALE), ("Progress", Field.PROGRESS),
        ("Progress Update", Field.PROGRESS), ("Progress / Notes", Field.PROGRESS), ("Status", Field.STATUS),
        ("Current Status of Action", Field.STATUS), ("R/A/G", Field.RAG), ("RAG Rating", Field.RAG),
        ("Outcome", Field.OUTCOME), ("RECOMMENDATION", Field.PRIORITY),
        ("EXECUTIVE RESPONSE / PROPOSED ACTION +", Field.ACTION),
        ("FINANCIAL / OTHER IMPLICATIONS", Field.RESOURCES), ("LEAD OFFICER", Field.LEAD),
        ("Lead Officer /\nAgency", Field.LEAD), ("% complete", Field.PERCENT), ("Ref", Field.CODE),
        ("Action code", Field.CODE), ("", Field.IGNORE), ("Last updated", Field.IGNORE),
    ],
)
def test_headings_as_plans_write_them(heading: str, field: Field) -> None:
    assert suggest_field(heading).field == field


def test_mapping_gives_a_single_valued_field_to_one_column_only() -> None:
    fields = [s.field for s in suggest_mapping(["Action", "Actions", "Progress", "Comments"])]
    assert fields == [Field.ACTION, Field.IGNORE, Field.PROGRESS, Field.PROGRESS]


def test_heading_rows_and_titles() -> None:
    assert is_header_row(["Action", "Lead Person", "Timescale", "Progress / Notes"])
    assert is_header_row(["Action"])
    assert not is_header_row(["DRAFT ACTION PLAN"])
    assert not is_header_row(["Strategy to be developed", "Chair", "End May 2014", "Ongoing"])


@pytest.mark.parametrize(
    ("text", "status", "rag"),
    [
        ("On track", ActionStatus.IN_PROGRESS, "green"),
        ("Complete", ActionStatus.COMPLETE, "green"),
        ("Completed.", ActionStatus.COMPLETE, "green"),
        ("In progress", ActionStatus.IN_PROGRESS, None),
        ("Ongoing", ActionStatus.IN_PROGRESS, None),
        ("In Progress (amber)", ActionStatus.IN_PROGRESS, "amber"),
        ("Not started", ActionStatus.NOT_STARTED, None),
        ("Deferred", ActionStatus.DEFERRED, None),
        ("Red", None, "red"), ("Yellow", None, "amber"), ("Green", None, "green"),
        ("R", None, "red"), ("A", None, "amber"), ("G", None, "green"), ("  amber ", None, "amber"),
        ("Cancelled", ActionStatus.CANCELLED, None), ("", None, None),
    ],
)
def test_status_words_in_the_rag_scheme(text: str, status: ActionStatus | None, rag: str | None) -> None:
    reading = parse_status(text, RAG)
    assert reading is not None
    assert (reading.status, reading.rag) == (status, rag)


def test_status_words_follow_the_plans_scheme() -> None:
    assert parse_status("Complete", BRAG) is not None and parse_status("Complete", BRAG).rag == "blue"  # type: ignore[union-attr]
    assert parse_status("B", BRAG).rag == "blue"  # type: ignore[union-attr]
    assert parse_status("NS", BRAG).rag == "grey"  # type: ignore[union-attr]
    assert parse_status("Not started", BRAG).rag == "grey"  # type: ignore[union-attr]
    assert parse_status("Amber/Red", FIVE_POINT).rag == "amber_red"  # type: ignore[union-attr]
    assert parse_status("AG", FIVE_POINT).rag == "amber_green"  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["Blue", "B", "Amber/Red", "Purple", "Sort of ok", "In progress (purple)",
                                  "Red (green)"])
def test_unrecognised_status_is_never_guessed(text: str) -> None:
    assert parse_status(text, RAG) is None


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("March 2015", None, dt.date(2015, 3, 31)),
        ("End May 2014", None, dt.date(2014, 5, 31)),
        ("Sep '19", None, dt.date(2019, 9, 30)),
        ("Sep \u201919", None, dt.date(2019, 9, 30)),
        ("Apr-21", None, dt.date(2021, 4, 30)),
        ("Q3 2015/16", None, dt.date(2015, 12, 31)),
        ("Q4 2015/16", None, dt.date(2016, 3, 31)),
        ("2015/16 Q1", None, dt.date(2015, 6, 30)),
        ("2015/16", None, dt.date(2016, 3, 31)),
        ("31/03/2015", None, dt.date(2015, 3, 31)),
        ("2015-03-31", None, dt.date(2015, 3, 31)),
        ("1st September 2014", None, dt.date(2014, 9, 1)),
        ("To commence April 2014", dt.date(2014, 4, 1), None),
        ("April 2014 - March 2015", dt.date(2014, 4, 1), dt.date(2015, 3, 31)),
        ("Evaluation of TSVSG due April 2013", None, dt.date(2013, 4, 30)),
    ],
)
def test_free_text_dates(text: str, start: dt.date | None, due: dt.date | None) -> None:
    reading = parse_timescale(text)
    assert (reading.start, reading.due) == (start, due)
    assert reading.text == text.strip()


@pytest.mark.parametrize("text", ["ongoing", "Ongoing.", "on-going", "TBC", ""])
def test_ongoing_is_kept_as_text_with_no_date(text: str) -> None:
    reading = parse_timescale(text)
    assert reading.due is None and reading.start is None and reading.understood and reading.text == text.strip()


def test_ambiguous_timescales_keep_the_words_only() -> None:
    reading = parse_timescale("Funding available from Local authority until April 2015 and NRF until August 2015")
    assert reading.due is None and not reading.understood
    assert parse_timescale("31/02/2015").due is None


def test_percent() -> None:
    assert [parse_percent(v) for v in ("50%", "50", "0.5", "100", "", "150", "lots")] == [50, 50, 50, 100, None,
                                                                                           None, None]


def test_leads_as_the_documents_write_them() -> None:
    one = parse_leads("Craig Thelwell (HBC)")
    assert one.leads == (LeadReading(name="Craig Thelwell", organisation="HBC"),)
    joint = parse_leads("Gordon Lang/Clare Clark (Police / HBC)")
    assert joint.leads == (LeadReading(name="Gordon Lang", organisation="Police"),
                           LeadReading(name="Clare Clark", organisation="HBC"))
    roles = parse_leads("Chair / Vice Chair")
    assert roles.leads == (LeadReading(role="Chair"), LeadReading(role="Vice Chair"))
    assert parse_leads("TSVSG \u2013 Coordinator").leads == (LeadReading(role="Coordinator", organisation="TSVSG"),)
    assert parse_leads("Director of CRC (Chair)").leads == (LeadReading(role="Director of CRC (Chair)"),)
    agency = parse_leads("Clare Clark / HBC")
    assert agency.leads == (LeadReading(name="Clare Clark", organisation="HBC"),)
    only_org = parse_leads("HBC")
    assert only_org.leads == () and only_org.organisation == "HBC"
    titled = parse_leads("Head of Community Safety and Engagement, Hartlepool Borough Council")
    assert titled.leads == (LeadReading(role="Head of Community Safety and Engagement",
                                        organisation="Hartlepool Borough Council"),)
    assert parse_leads("Community Safety Manager, Children and Adults Services").leads[0].organisation is not None
    assert parse_leads("Head of Service, Community Safety").leads == (LeadReading(role="Head of Service, Community "
                                                                                       "Safety"),)
    assert parse_leads("a / b / c / d / e / f / g / h / i / j").unreadable


def test_items_bullets_and_broken_lines() -> None:
    assert split_items("\u2022 First thing\n\u2022 Second thing") == ["First thing", "Second thing"]
    assert split_items("- one\n- two\n- three") == ["one", "two", "three"]
    assert split_items("a) alpha\nb) beta") == ["alpha", "beta"]
    assert split_items("Housing advice no less than\n3 months prior to release") == [
        "Housing advice no less than 3 months prior to release"]
    assert split_items("First paragraph.\n\nSecond paragraph.") == ["First paragraph.", "Second paragraph."]
    assert split_items("Offenders have access\nOffenders leaving custody") == ["Offenders have access",
                                                                               "Offenders leaving custody"]


def test_numbering() -> None:
    assert split_code("1.1 Improve housing pathways") == ("1.1", "Improve housing pathways")
    assert split_code("(1a) Review the policy") == ("1a", "Review the policy")
    assert split_code("a) extend triage to adults") == ("a", "extend triage to adults")
    assert split_code("iv) something") == ("iv", "something")
    assert split_code("3 months prior to release") == ("", "3 months prior to release")
    assert split_code("1. Board to define a vision", bare_numbers=True) == ("1", "Board to define a vision")
    assert objective_heading("Objective 1: Improving pathways out of re-offending") == (
        "Objective 1", "Improving pathways out of re-offending")
    assert objective_heading("SO 2: Prevent repeat offending") == ("SO 2", "Prevent repeat offending")
    assert objective_heading("Objectives and aims") is None
    assert code_path("1.2.3") is not None and code_path("1.2.3").parts == ("1", "2", "3")  # type: ignore[union-attr]
    assert code_path("(1a)").parts == ("1", "a")  # type: ignore[union-attr]
    assert code_path("iv").kind == "roman"  # type: ignore[union-attr]


def test_csv_neutralising_round_trips() -> None:
    for text in ("=HYPERLINK(\"http://x\",\"y\")", "+44 1429", "-5", "@SUM(A1)", "plain", "'quoted"):
        assert restore(neutralise(text)) == text
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("bell\x07") == "bell"
