"""Trackers as partnerships keep them: question headings, section rows across the sheet, RAG given only as a cell's
fill colour (plain, theme and tinted), status columns holding sentences, progress notes under the action text, and
the current statuses coming with a new plan into a quarter the import creates. Every spreadsheet here is written
for the test; none is a published plan."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color
from sqlalchemy import func, select

from desktop.models import Action, ActionUpdate, AuditEvent, Plan, ReportingPeriod, UpdateSource
from desktop.services.actor import Actor
from desktop.services.importing import FateKind, ImportOptions, ImportRejected, apply_import, preview_import
from desktop.services.importing.colours import fill_rgb, nearest_status, theme_colours
from desktop.services.importing.headings import Field
from desktop.services.importing.values import is_commentary, quarter_span, split_notes
from desktop.services.rag import scheme
from desktop.services.readmodels import load_rows as action_rows
from desktop.store import Store

QUESTIONS = ["Ref", "What are we going to do?", "Who will lead?", "Who else needs to be involved?",
             "How will we know whether we have succeeded?", "When do we aim to do it by?"]


def _csv(tmp_path: Path, name: str, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _xlsx(tmp_path: Path, name: str, rows: list[list[object]], *, merges: tuple[str, ...] = (),
          fills: dict[str, object] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    for ref, colour in (fills or {}).items():
        ws[ref].fill = PatternFill("solid", fgColor=colour)  # type: ignore[arg-type]
    path = tmp_path / name
    wb.save(path)
    return path


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model)) or 0


# ---------------------------------------------------------------------------------------------- headings


def test_headings_written_as_questions_are_recognised(store: Store, actor: Actor, tmp_path: Path) -> None:
    path = _csv(tmp_path, "questions.csv", [
        QUESTIONS,
        ["1", "Set up a weekly housing surgery at the probation office", "Housing Options Manager (Borough Council)",
         "Probation; two housing associations", "Surgery running weekly; attendance logged", "June 2025"],
        ["2", "Agree a shared referral form for debt advice", "Mina Castellan (Advice Centre)", "Job Centre",
         "Form in use by all three agencies", "Q3 2025/26"],
    ])
    with store.session() as session:
        preview = preview_import(session, path)
        fields = {c.heading: c.field for c in preview.columns}
        assert fields == {
            "Ref": Field.CODE, "What are we going to do?": Field.ACTION, "Who will lead?": Field.LEAD,
            "Who else needs to be involved?": Field.RESOURCES,
            "How will we know whether we have succeeded?": Field.MEASURES,
            "When do we aim to do it by?": Field.TIMESCALE,
        }
        assert preview.ready, preview.problems
        result = apply_import(session, actor, preview)
        rows = {r.code: r for r in action_rows(session, result.plan_id)}
    assert set(rows) == {"1", "2"}
    assert rows["1"].text == "Set up a weekly housing surgery at the probation office"
    assert rows["1"].lead == "Housing Options Manager, Borough Council"
    assert rows["1"].due_date is not None and rows["1"].due_date.isoformat() == "2025-06-30"
    assert rows["2"].lead == "Mina Castellan (Advice Centre)"
    assert rows["2"].due_date is not None and rows["2"].due_date.isoformat() == "2025-12-31"


# ---------------------------------------------------------------------------------------------- section rows


def test_section_rows_across_the_sheet_are_objectives(store: Store, actor: Actor, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Community safety tracker 2025"],
        ["Ref", "Action", "Lead", "Target date"],
        ["PATHWAY: Accommodation"],
        ["A1", "Hold a monthly panel for people leaving custody with nowhere to stay", "Housing Lead", "May 2025"],
        ["A2", "Map the supported beds across the district", "Housing Lead", "July 2025"],
        ["Theme 2 \u2013 Employment"],
        ["E1", "Offer two work-trial places a quarter through the council's contractors", "Skills Officer", ""],
        ["Families and relationships"],
        ["F1", "Run a visits-support session at the local prison each month", "Family Support Worker", ""],
    ]
    path = _xlsx(tmp_path, "sections.xlsx", rows, merges=("A3:D3", "A8:D8"))
    with store.session() as session:
        preview = preview_import(session, path)
        assert preview.ready, preview.problems
        tree = [(o.title, [a.code for p in o.priorities for a in p.actions]) for o in preview.objectives]
        assert tree == [("Accommodation", ["A1", "A2"]), ("Employment", ["E1"]),
                        ("Families and relationships", ["F1"])]
        assert preview.objectives[1].code == "Theme 2"
        kinds = {f.row: f.kind for f in preview.fates}
        assert kinds[3] == kinds[6] == kinds[8] == FateKind.OBJECTIVE
        assert kinds[4] == kinds[7] == kinds[9] == FateKind.ACTION
        section_line = next(line for line in preview.inferences if line.startswith("Section row"))
        assert "3 rows" in section_line and "PATHWAY: Accommodation" in section_line
        result = apply_import(session, actor, preview)
        assert result.objectives == 3 and result.actions == 4


# ---------------------------------------------------------------------------------------------- colour → RAG


def test_fill_colours_resolve_theme_colours_and_tints() -> None:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)  # a saved workbook carries openpyxl's default (Office) theme
    theme = theme_colours(openpyxl.load_workbook(buffer).loaded_theme)
    assert len(theme) == 12 and all(len(c) == 6 for c in theme)
    rag = scheme("rag")

    def read(colour: object) -> str | None:
        status = nearest_status(fill_rgb(PatternFill("solid", fgColor=colour), theme), rag)  # type: ignore[arg-type]
        return status.key if status else None

    # Excel's own traffic lights, its pale "Bad"/"Neutral"/"Good" fills, and theme accents lightened by tints.
    assert [read(c) for c in ("FFFF0000", "FFFFC000", "FFFFFF00", "FF00B050", "FF92D050")] == \
        ["red", "amber", "amber", "green", "green"]
    assert [read(c) for c in ("FFFFC7CE", "FFFFEB9C", "FFC6EFCE")] == ["red", "amber", "green"]
    assert read(Color(theme=5, tint=0.6)) == "red"  # accent 2 of the default theme, 60% lighter
    assert read(Color(theme=6, tint=-0.25)) == "green"  # accent 3 (olive green), darker
    assert read(Color(theme=6, tint=0.4)) == "green"  # and lighter
    assert read(Color(theme=9, tint=0.4)) == "amber"  # accent 6 (orange)
    assert read(Color(indexed=10)) == "red" and read(Color(indexed=17)) == "green"
    # White, light greys and blues are not statuses in a Red / Amber / Green plan.
    assert [read(c) for c in ("FFFFFFFF", "FFD9D9D9", "FFD9E1F2", "FF1F5FA8")] == [None, None, None, None]
    assert fill_rgb(PatternFill(), theme) == ""


def test_rag_given_only_as_fill_colour_is_read_and_said(store: Store, actor: Actor, tmp_path: Path) -> None:
    """A blank RAG column coloured in, in one file; no RAG column at all (the update cells coloured with theme
    colours and tints, the rest banded in light blue) in another."""
    blank_rag = [
        ["Action", "Lead officer", "RAG", "Progress", "Remedial action"],
        ["Publish a leaflet on help after release", "Comms Officer", None, "Printed and in use", ""],
        ["Train duty desk staff on the referral route", "Duty Manager", None, "Half of staff trained so far",
         "Two extra sessions booked"],
        ["Pilot text reminders for appointments", "Duty Manager", None, "Supplier withdrew",
         "New supplier being sought"],
    ]
    path = _xlsx(tmp_path, "blank_rag.xlsx", blank_rag,
                 fills={"C2": "FF00B050", "C3": "FFFFC000", "C4": "FFFF0000"})
    with store.session() as session:
        preview = preview_import(session, path, options=ImportOptions(period="2025/26 Q1"))
        assert preview.ready, preview.problems
        assert [a.rag for a in preview.actions] == ["green", "amber", "red"]
        assert [a.fill_rag for a in preview.actions] == ["green", "amber", "red"]
        colour_line = next(line for line in preview.inferences if line.startswith("Colour"))
        assert "3 actions" in colour_line and "1 Green" in colour_line and "1 Red" in colour_line
        fate = next(f for f in preview.fates if f.row == 4)
        assert "RAG Red read from the fill colour of column 'RAG'" in fate.notes
        assert preview.counts["updates"] == 3

    themed = [
        ["Code", "Action", "Lead officer", "Update"],
        ["T1", "Agree a data-sharing agreement with the health trust", "Analyst", "Draft agreed"],
        ["T2", "Hold a partner workshop on hate crime reporting", "Analyst", "Venue booked"],
        ["T3", "Review the out-of-hours contact arrangements", "Analyst", "Not begun; staff shortage"],
    ]
    path = _xlsx(tmp_path, "themed.xlsx", themed,
                 fills={"D2": Color(theme=6, tint=0.4), "D3": Color(theme=9, tint=0.6),
                        "D4": Color(theme=5, tint=0.0),
                        # light blue banding across the other cells is shading, not status
                        **{f"{c}{r}": "FFDDEBF7" for c in "ABC" for r in (2, 3, 4)}})
    with store.session() as session:
        preview = preview_import(session, path)
        assert {a.code: a.rag for a in preview.actions} == {"T1": "green", "T2": "amber", "T3": "red"}
        assert any("column 'Update'" in note for f in preview.fates for note in f.notes)


# ---------------------------------------------------------------------------------------------- sentences and notes


def test_a_status_column_of_sentences_is_commentary_not_a_vocabulary(store: Store, actor: Actor,
                                                                      tmp_path: Path) -> None:
    rows = [
        ["Action", "Lead", "Status"],
        ["Draft a joint protocol for prison release days", "Offender Manager",
         "Form drafted; police and probation sign-off outstanding."],
        ["Recruit two peer mentors", "Volunteer Coordinator", "Complete"],
        ["Audit the referral backlog", "Volunteer Coordinator",
         "Backlog counted at 31 cases and a plan to clear it by spring is agreed with the team"],
        ["Refresh the partnership website", "Comms Officer", "Ongoing"],
    ]
    path = _csv(tmp_path, "sentences.csv", rows)
    with store.session() as session:
        preview = preview_import(session, path)
        assert preview.questions == [] and preview.ready, preview.problems
        commentary = [a.commentary for a in preview.actions]
        assert commentary[0] == "Form drafted; police and probation sign-off outstanding."
        assert commentary[2].startswith("Backlog counted at 31 cases")
        assert commentary[1] == commentary[3] == ""
        assert [a.status.value for a in preview.actions] == ["not_started", "complete", "not_started", "in_progress"]
        assert any(line.startswith("Sentence") and "2 status cells" in line for line in preview.inferences)

    # A short value nobody recognises is still a status to map: the user is asked, nothing is guessed.
    path = _csv(tmp_path, "short.csv", [rows[0], ["Do one thing", "Lead", "Yellowish"]])
    with store.session() as session:
        preview = preview_import(session, path)
        assert [q.key for q in preview.questions] == ["yellowish"] and not preview.ready


def test_lines_under_an_action_are_progress_notes_not_new_actions(store: Store, actor: Actor,
                                                                  tmp_path: Path) -> None:
    rows = [
        ["Action", "Lead", "Progress"],
        ["Run drop-in sessions for people on licence\nUpdate \u2013 42 offered, 17 held", "Probation Lead", ""],
        ["Set up a shared caseload list\nProgress: template agreed\n14/02/2025 first list circulated",
         "Analyst", "On hold pending system change"],
        ["Launch a mentoring scheme\nQ3: six mentors trained\n\u2013 two more awaiting checks", "Youth Lead", ""],
        ["\u2022 Agree the funding bid\n\u2022 Submit the funding bid", "Commissioner", ""],
        ["Deliver training to:\n\u2013 call handlers\n\u2013 front counter staff", "Trainer", ""],
    ]
    path = _csv(tmp_path, "notes.csv", rows)
    with store.session() as session:
        preview = preview_import(session, path)
        assert preview.ready, preview.problems
        texts = [a.text for a in preview.actions]
        assert texts == [
            "Run drop-in sessions for people on licence",
            "Set up a shared caseload list",
            "Launch a mentoring scheme",
            "Agree the funding bid", "Submit the funding bid",  # bullets are still several actions
            "Deliver training to:\n\u2013 call handlers\n\u2013 front counter staff",  # a list, not notes
        ]
        actions = preview.actions
        assert actions[0].commentary == "Update \u2013 42 offered, 17 held"
        assert actions[1].commentary == ("On hold pending system change\nProgress: template agreed\n"
                                         "14/02/2025 first list circulated")
        assert actions[2].commentary == "Q3: six mentors trained\ntwo more awaiting checks"
        notes_line = next(line for line in preview.inferences if line.startswith("Note lines"))
        assert "5 lines under 3 actions" in notes_line
        result = apply_import(session, actor, preview)
        assert result.actions == 6


def test_value_readers() -> None:
    assert quarter_span("2024/25 Q3")[1:] == (quarter_span("Q3 2024/25") or ("",))[1:]  # type: ignore[index]
    assert quarter_span("q4 2015/2016") is not None and quarter_span("2015/17 Q1") is None
    assert split_notes("One line only") == ("One line only", [])
    assert split_notes("Action\nmore of the same action") == ("Action\nmore of the same action", [])
    assert is_commentary("Form drafted; sign-off outstanding.") and not is_commentary("In progress (amber)")


# ---------------------------------------------------------------------------------------------- a new plan's statuses


TRACKER = [
    ["Ref", "What are we going to do?", "Who will lead?", "RAG", "Latest update", "Remedial action"],
    ["PATHWAY: Finance, benefit and debt"],
    ["D1", "Open a benefits clinic in the approved premises", "Welfare Adviser (Advice Centre)", "G",
     "Clinic open two mornings a week", ""],
    ["D2", "Agree fast-track claims with the Job Centre", "Welfare Adviser (Advice Centre)", None,
     "Meeting postponed twice", "Escalated to the district manager"],
    ["D3", "Publish a debt-advice directory", "Comms Officer", None, "", ""],
]


def test_a_new_plan_keeps_its_statuses_in_the_quarter_named(store: Store, tmp_path: Path) -> None:
    path = _xlsx(tmp_path, "tracker.xlsx", TRACKER, merges=("A2:F2",), fills={"D4": "FFFFC000"})
    importer = Actor(None, "Imported by R. Okafor")
    with store.session() as session:
        preview = preview_import(session, path, options=ImportOptions(period="Q2 2025/26"))
        assert preview.ready, preview.problems
        assert preview.new_period is not None and preview.period_label == "2025/26 Q2"
        assert any(line.startswith("Quarter: the statuses are recorded as updates in 2025/26 Q2")
                   for line in preview.inferences)
        assert preview.counts["updates"] == 2  # D3 has no status to record
        result = apply_import(session, importer, preview)
        assert result.updates == 2
        plan = session.get(Plan, result.plan_id)
        assert plan is not None
        periods = session.scalars(select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id)).all()
        assert [(p.label, p.start_date.isoformat(), p.end_date.isoformat()) for p in periods] == \
            [("2025/26 Q2", "2025-07-01", "2025-09-30")]
        updates = {u.action.code: u for u in session.scalars(select(ActionUpdate))}
        assert set(updates) == {"D1", "D2"}
        assert updates["D1"].rag == "green" and updates["D1"].commentary == "Clinic open two mornings a week"
        assert updates["D2"].rag == "amber" and updates["D2"].remedial_action == "Escalated to the district manager"
        assert all(u.period_id == periods[0].id and u.source == UpdateSource.IMPORT for u in updates.values())
        recorded = session.scalars(select(AuditEvent).where(AuditEvent.verb == "record_update")).all()
        assert len(recorded) == 2 and {e.actor_label for e in recorded} == {"Imported by R. Okafor"}
        created = session.scalars(select(AuditEvent).where(AuditEvent.entity == "reporting_period")).all()
        assert [e.actor_label for e in created] == ["Imported by R. Okafor"]
        rows = {r.code: r for r in action_rows(session, plan.id)}
        assert rows["D1"].rag == "green" and rows["D2"].rag == "amber" and rows["D3"].rag is None


def test_without_a_quarter_the_statuses_are_not_recorded_and_the_preview_says_how(store: Store,
                                                                                  tmp_path: Path) -> None:
    path = _xlsx(tmp_path, "tracker.xlsx", TRACKER)
    with store.session() as session:
        preview = preview_import(session, path)
        assert preview.new_period is None and preview.counts["updates"] == 0
        assert any("--period" in note and "2024/25 Q3" in note for note in preview.notes)


def test_an_unreadable_quarter_is_one_message_and_nothing_is_written(store: Store, actor: Actor,
                                                                     tmp_path: Path) -> None:
    path = _xlsx(tmp_path, "tracker.xlsx", TRACKER)
    with store.session() as session:
        with pytest.raises(ImportRejected, match=r"'autumn' is not a quarter .* 2024/25 Q3"):
            preview_import(session, path, options=ImportOptions(period="autumn"))
        assert _count(session, Plan) == 0


def test_a_failure_while_writing_leaves_nothing_behind(store: Store, actor: Actor, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = _xlsx(tmp_path, "tracker.xlsx", TRACKER)
    with store.session() as session:
        preview = preview_import(session, path, options=ImportOptions(period="2025/26 Q2"))
        assert preview.ready

        def refuse(*args: object, **kwargs: object) -> None:
            raise ImportRejected("refused for the test")

        monkeypatch.setattr("desktop.services.importing.plan_import.record_updates", refuse)
        with pytest.raises(ImportRejected):
            apply_import(session, actor, preview)
        assert (_count(session, Plan), _count(session, Action), _count(session, ReportingPeriod)) == (0, 0, 0)


def test_importing_into_a_plan_creates_a_quarter_it_does_not_have(demo_store: Store, actor: Actor,
                                                                  tmp_path: Path) -> None:
    with demo_store.session() as session:
        from desktop.services.queries import find_plan

        plan = find_plan(session, "Durham")
        labels = [p.label for p in plan.periods]
        path = _xlsx(tmp_path, "tracker.xlsx", TRACKER)
        overlapping = labels[-1]
        with pytest.raises(ImportRejected, match="A new quarter is written like"):
            preview_import(session, path, plan=plan, options=ImportOptions(period="next one"))
        span = quarter_span(overlapping)
        assert span is not None
        later = f"{span[1].year + 2}/{(span[1].year + 3) % 100:02d} Q1"
        preview = preview_import(session, path, plan=plan, options=ImportOptions(period=later))
        assert preview.ready and preview.period_id is None and preview.period_label == later
        result = apply_import(session, actor, preview)
        assert result.updates == 2  # D1 green; D2's commentary with no RAG (no fill in this copy)
        assert later in [p.label for p in session.get(Plan, plan.id).periods]  # type: ignore[union-attr]
