"""Messy real layouts: section rows with repeated sub-table headings, lettered recommendations with joint leads,
numbering-only hierarchies, merged cells, blank headings, status values to map, and importing into a live plan."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.models import Action, ActionStatus, ActionUpdate, Person, UpdateSource
from desktop.services import periods, plans
from desktop.services.importing import FateKind, ImportOptions, ImportRejected, apply_import, preview_import
from desktop.services.importing.headings import Field
from desktop.services.queries import find_plan
from desktop.services.readmodels import load_rows as action_rows
from desktop.store import Store


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx(rows: list[list[object]], merges: tuple[str, ...] = ()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


TSVSG = [
    ["Teesside Sexual Violence Strategic Group: Strategic board Action Plan"],
    ["GENERAL"],
    ["1. Board to define a shared vision and strategy"],
    ["Action", "Lead Person", "Timescale", "Progress / Notes"],
    ["Strategy to be developed", "Chair", "End May 2014", "1/5/14 Strategy out for consultation"],
    ["2. Informing commissioners of the whole victim journey, including exit strategies"],
    ["Action", "Lead Person", "Timescale", "Progress / Notes"],
    ["Ensure agency standards are met", "Chair / Vice Chair", "ongoing", ""],
    ["Agree a performance framework", "Chair / Vice Chair", "To commence April 2014", ""],
    ["Inform the future JSNA", "Chair / Vice Chair", "Ongoing.", "1/5 2014 JSNA now under review"],
    ["PROVISION"],
    ["Actions with Operational group"],
    ["PARTNERSHIPS"],
    ["5. Information-sharing protocol"],
    ["Action", "Lead Person", "Timescale", "Progress / Notes"],
    ["Protocol to be developed and agreed by all", "Chair / Vice Chair", "", ""],
    ["DATA"],
    ["6. Minimum data set"],
    ["Action", "Lead Person", "Timescale", "Progress / Notes"],
    ["Define a limited data set", "TSVSG \u2013 Coordinator", "",
     "Individual agencies to give data on client data annually. Data framework in place base line to be set"],
]


def test_section_rows_and_repeated_sub_table_headings(store: Store, actor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "tsvsg.csv", _csv(TSVSG))
    with store.session() as session:
        preview = preview_import(session, path)
        assert preview.ready, preview.problems
        structure = [(o.title, [(p.code, p.text, len(p.actions)) for p in o.priorities]) for o in preview.objectives]
        assert structure == [
            ("GENERAL", [("1", "Board to define a shared vision and strategy", 1),
                         ("2", "Informing commissioners of the whole victim journey, including exit strategies", 3)]),
            ("PARTNERSHIPS", [("5", "Information-sharing protocol", 1)]),
            ("DATA", [("6", "Minimum data set", 1)]),
        ]
        fates = {f.row: f for f in preview.fates}
        assert fates[4].kind == FateKind.HEADER and fates[7].kind == FateKind.HEADER
        assert fates[11].kind == FateKind.OBJECTIVE and fates[12].kind == FateKind.PRIORITY  # PROVISION: no items
        result = apply_import(session, actor, preview)
        rows = {r.code: r for r in action_rows(session, result.plan_id)}
        assert rows["1a"].timescale == "End May 2014" and rows["1a"].due_date == dt.date(2014, 5, 31)
        assert rows["1a"].lead == "Chair"
        assert rows["2a"].lead == "Chair / Vice Chair" and rows["2a"].due_date is None
        assert rows["2b"].timescale == "To commence April 2014" and rows["2b"].start_date == dt.date(2014, 4, 1)
        assert rows["6a"].lead == "Coordinator, TSVSG"
        roles = session.scalars(select(Person).where(Person.job_title == "Vice Chair")).all()
        assert len(roles) == 1 and roles[0].name is None  # the same role is one person, not one per row


SCRUTINY = [
    ["NAME OF COMMITTEE: Audit and Governance Committee"],
    ["NAME OF SCRUTINY ENQUIRY: Re-Offending Investigation"],
    ["RECOMMENDATION", "EXECUTIVE RESPONSE / PROPOSED ACTION +", "FINANCIAL / OTHER IMPLICATIONS", "LEAD OFFICER",
     "COMPLETION DATE*"],
    ["a) That consideration be given to extending the triage scheme to adults",
     "To be explored through the PCC's Restorative Justice Hub and RESTORE", "",
     "Gordon Lang/Clare Clark (Police / HBC)", "February 2015"],
    ["b) That the Community Payback scheme be supported and staff trained",
     "New SLA to be developed with the CRC/NPS", "", "Craig Thelwell (HBC)", "March 2015"],
    [None, "Toolbox talk to be developed", "", "Craig Thelwell (HBC)", "January 2015"],
    ["g) That the local Reducing Re-offending Strategy include:\ni) the IOM approach\nii) holistic plans\n"
     "iii) restorative approaches",
     "The draft reducing re-offending strategy and associated action plan includes all of the suggestions "
     "outlined", "", "Clare Clark (HBC)", "July 2014"],
]


def test_lettered_recommendations_joint_leads_and_merged_recommendation_cells(store: Store, actor,  # type: ignore[no-untyped-def]
                                                                            tmp_path: Path) -> None:
    path = _write(tmp_path, "scrutiny.xlsx", _xlsx(SCRUTINY, merges=("A5:A6",)))
    with store.session() as session:
        preview = preview_import(session, path)
        assert [p.code for o in preview.objectives for p in o.priorities] == ["a", "b", "g"]
        b = preview.objectives[0].priorities[1]
        assert [a.code for a in b.actions] == ["ba", "bb"]  # the merged recommendation cell holds both responses
        g = preview.objectives[0].priorities[2]
        assert "ii) holistic plans" in g.text and len(g.actions) == 1
        result = apply_import(session, actor, preview)
        rows = {r.code: r for r in action_rows(session, result.plan_id)}
        assert rows["aa"].lead == "Gordon Lang (Police) / Clare Clark (HBC)"
        assert rows["aa"].due_date == dt.date(2015, 2, 28)
        assert rows["bb"].timescale == "January 2015"
        craig = session.scalars(select(Person).where(Person.name == "Craig Thelwell")).all()
        assert len(craig) == 1 and craig[0].organisation is not None and craig[0].organisation.name == "HBC"


def test_numbering_carries_the_hierarchy(store: Store, tmp_path: Path) -> None:
    rows = [
        ["Ref", "Description", "Owner", "Deadline", "RAG"],
        ["1", "Reduce re-offending by adults", "", "", ""],
        ["1.1", "Improve accommodation on release", "", "", ""],
        ["1.1.1", "Appoint a housing liaison officer", "Housing Manager (HBC)", "Sep '19", "G"],
        ["1.1.2", "Open supported housing", "Housing Manager (HBC)", "Apr-21", "A"],
        ["1.2", "Employment", "", "", ""],
        ["(1.2a)", "Change for Change scheme", "", "Q3 2015/16", "R"],
        ["2", "Young people", "", "", ""],
        ["2.1", "Transitions", "", "", ""],
        ["2.1.1", "Review 16/17 year olds", "YOS Manager", "ongoing", "Complete"],
    ]
    path = _write(tmp_path, "numbered.csv", _csv(rows))
    with store.session() as session:
        preview = preview_import(session, path)
    tree = [(o.code, o.title, [(p.code, p.text, [a.code for a in p.actions]) for p in o.priorities])
            for o in preview.objectives]
    assert tree == [
        ("1", "Reduce re-offending by adults", [("1.1", "Improve accommodation on release", ["1.1.1", "1.1.2"]),
                                                ("1.2", "Employment", ["1.2a"])]),
        ("2", "Young people", [("2.1", "Transitions", ["2.1.1"])]),
    ]
    actions = {a.code: a for a in preview.actions}
    assert actions["1.1.1"].due == dt.date(2019, 9, 30) and actions["1.1.2"].due == dt.date(2021, 4, 30)
    assert actions["1.2a"].due == dt.date(2015, 12, 31)
    assert actions["2.1.1"].status == ActionStatus.COMPLETE and actions["2.1.1"].timescale == "ongoing"
    assert actions["1.1.2"].rag == "amber" and actions["1.1.2"].status == ActionStatus.IN_PROGRESS


def test_merged_priority_cells_fill_down_and_bullets_split(store: Store, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Priority", "Actions", "Lead officer", "Status"],
        ["1.1 Housing", "\u2022 Appoint a liaison officer\n\u2022 Open supported housing", "Chair", "On track"],
        [None, "Review the Compass process", "Chair", "Not started"],
        ["1.2 Employment", "Change for Change", None, "In Progress (amber)"],
        [None, None, None, None],
        ["1.3 Families", "Local prison placements", "", "Completed."],
    ]
    path = _write(tmp_path, "merged.xlsx", _xlsx(rows, merges=("A2:A3",)))
    with store.session() as session:
        preview = preview_import(session, path)
    priorities = [(p.code, [a.code for a in p.actions]) for o in preview.objectives for p in o.priorities]
    assert priorities == [("1.1", ["1.1a", "1.1b", "1.1c"]), ("1.2", ["1.2a"]), ("1.3", ["1.3a"])]
    assert preview.objectives[0].code == "1" and preview.objectives[0].title == "Objective 1"
    statuses = {a.code: (a.status, a.rag) for a in preview.actions}
    assert statuses["1.1a"] == (ActionStatus.IN_PROGRESS, "green")
    assert statuses["1.1c"] == (ActionStatus.NOT_STARTED, None)
    assert statuses["1.2a"] == (ActionStatus.IN_PROGRESS, "amber")
    assert statuses["1.3a"] == (ActionStatus.COMPLETE, "green")


def test_blank_heading_and_unrecognised_statuses_wait_for_the_user(store: Store, actor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ["Action", "", "Current Status of Action"],
        ["Do one thing", "internal note", "Yellowish"],
        ["Do another", "", "Blue"],
        ["And a third", "", "yellowish"],
    ]
    path = _write(tmp_path, "statuses.csv", _csv(rows))
    with store.session() as session:
        preview = preview_import(session, path)
        blank = next(c for c in preview.columns if c.letter == "B")
        assert blank.key == "column b" and blank.field == Field.IGNORE
        assert {q.key: q.count for q in preview.questions} == {"yellowish": 2, "blue": 1}
        assert not preview.ready
        with pytest.raises(ImportRejected, match="2 status values are not recognised"):
            apply_import(session, actor, preview)
        options = ImportOptions(statuses={"Yellowish": "rag:amber", "blue": "status:complete"},
                                columns={"column b": Field.PROGRESS})
        preview = preview_import(session, path, options=options)
        assert preview.ready and not preview.questions
        assert [(a.status, a.rag, a.commentary) for a in preview.actions] == [
            (ActionStatus.IN_PROGRESS, "amber", "internal note"),
            (ActionStatus.COMPLETE, None, ""),
            (ActionStatus.IN_PROGRESS, "amber", ""),
        ]
    assert store.meta("audit_head") is None  # nothing was written by the previews or the refused import


def test_import_into_a_live_plan_matches_actions_and_records_rag(demo_store: Store, actor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with demo_store.session() as session:
        plan = find_plan(session, "Hartlepool")
        before = {a.code: a.id for a in session.scalars(select(Action))}
        rows = [
            ["Priority", "Ref", "Action", "RAG", "Progress Update", "Remedial action", "Lead officer"],
            ["1.1", "1.1b", "Develop supported housing provision", "Amber", "Site not yet agreed", "", ""],
            ["1.1", "1.1c", "A new action under 1.1", "Red", "Behind", "Escalate to the board", "Chair"],
            ["9.9 A new priority", "", "Something else entirely", "", "", "", ""],
        ]
        path = _write(tmp_path, "update.csv", _csv(rows))
        preview = preview_import(session, path, plan=plan)
        assert preview.period_label == "2014/15 Q4"
        kinds = [f.kind for f in preview.fates if f.kind in (FateKind.ACTION, FateKind.EXISTING)]
        assert kinds == [FateKind.EXISTING, FateKind.ACTION, FateKind.ACTION]
        specs = {a.code: a for a in preview.actions}
        assert specs["1.1b"].existing_id == before["1.1b"]
        # Amber needs a remedial action the file does not give: the Amber is kept (never dropped, which would
        # make the plan read better than it is) with the remedial action already on record, flagged in the preview.
        on_record = session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == before["1.1b"])
                                    .order_by(ActionUpdate.id.desc())).first()
        assert on_record is not None and on_record.rag == "amber" and on_record.remedial_action
        assert specs["1.1b"].record_update
        assert f"Amber kept; remedial action carried forward from {on_record.period.label}" in specs["1.1b"].fate.notes
        assert specs["1.1c"].record_update
        n_updates = session.scalar(select(func.count()).select_from(ActionUpdate))
        result = apply_import(session, actor, preview)
        assert result.actions == 2 and result.objectives == 1  # "9" is a new objective implied by "9.9"
        new = session.scalars(select(Action).where(Action.code == "1.1c")).one()
        update = session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == new.id)).one()
        assert update.source == UpdateSource.IMPORT and update.rag == "red"
        assert update.remedial_action == "Escalate to the board" and update.remedial_owner is not None
        kept = session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == before["1.1b"])
                               .order_by(ActionUpdate.id.desc())).first()
        assert kept is not None and kept.rag == "amber" and kept.commentary == "Site not yet agreed"
        assert kept.id != on_record.id and kept.source == UpdateSource.IMPORT
        assert (kept.remedial_action, kept.remedial_owner_id) == (on_record.remedial_action,
                                                                  on_record.remedial_owner_id)
        assert session.scalar(select(func.count()).select_from(ActionUpdate)) == n_updates + 2


def test_import_into_a_plan_with_no_open_quarter_keeps_rag_out(store: Store, actor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with store.session() as session:
        partnership = plans.add_partnership(session, actor, "Test partnership")
        plan = plans.add_plan(session, actor, partnership, "Plan")
        period = periods.add_period(session, actor, plan, "2015/16 Q1", dt.date(2015, 4, 1), dt.date(2015, 6, 30))
        periods.close_period(session, actor, period)
        path = _write(tmp_path, "p.csv", _csv([["Action", "RAG", "Commentary"], ["Do it", "Green", "Fine"]]))
        preview = preview_import(session, path, plan=plan)
        assert any("no open quarter" in n for n in preview.notes)
        with pytest.raises(ImportRejected, match="is closed"):
            preview_import(session, path, plan=plan, options=ImportOptions(period="2015/16 Q1"))


def test_a_priority_broken_across_a_page_and_a_date_above_the_table(store: Store, tmp_path: Path) -> None:
    rows = [
        ["18 July 2014"],
        ["Priority", "Action", "Outcome"],
        ["1.2 The development of improved partnership working with checks in place to ensure flexibility",
         "Housing advice to begin in adequate time prior to release", "Improved access to housing advice"],
        ["in local approaches to the housing of offenders.", "Review and streamline the Compass application process",
         ""],
    ]
    path = _write(tmp_path, "split.csv", _csv(rows))
    with store.session() as session:
        preview = preview_import(session, path)
    assert preview.fates[0].kind == FateKind.PREAMBLE
    [objective] = preview.objectives
    [priority] = objective.priorities
    assert priority.code == "1.2" and priority.text.endswith("ensure flexibility in local approaches to the housing "
                                                             "of offenders.")
    assert [a.code for a in priority.actions] == ["1.2a", "1.2b"]
    assert "priority text continued from the row above" in preview.fates[3].notes
