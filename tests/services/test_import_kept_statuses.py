"""A tracker that rates actions Red or Amber (by fill colour or in words) but has no remedial-action column, and no
progress column, keeps those statuses: they are recorded with the remedial action and commentary "to be confirmed",
flagged row by row in the preview, and show in the quarter's exceptions. Dropping them would make the imported plan
read better than the truth. The spreadsheet is written for the test."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
from openpyxl.styles import PatternFill
from sqlalchemy import select

from desktop.models import ActionUpdate, Person, Plan, UpdateSource
from desktop.reports.delivery_update import UpdateOptions, build_delivery_update
from desktop.services import periods
from desktop.services.actor import Actor
from desktop.services.importing import ImportOptions, apply_import, preview_import
from desktop.services.updates import COMMENTARY_NOT_GIVEN, REMEDIAL_TO_CONFIRM, record_update
from desktop.store import Store

ROWS = [
    ["Ref", "What are we going to do?", "Who will lead?", "RAG"],
    ["K1", "Set up a peer-mentoring scheme for women leaving custody", "Probation Delivery Manager", None],
    ["K2", "Agree a protocol for sharing release dates with housing", "Housing Options Lead", None],
    ["K3", "Run a careers fair in the resettlement unit", "Employment Coordinator", "Green"],
    ["K4", "Map drug and alcohol provision in the county", "", "Red"],
]
FILLS = {"D2": "FFFF0000", "D3": "FFFFC000"}  # K1 red, K2 amber, by fill only


def _tracker(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in ROWS:
        ws.append(row)
    for ref, colour in FILLS.items():
        ws[ref].fill = PatternFill("solid", fgColor=colour)
    path = tmp_path / "tracker.xlsx"
    wb.save(path)
    return path


def test_red_and_amber_with_no_remedial_column_are_kept_and_flagged(store: Store, tmp_path: Path) -> None:
    importer = Actor(None, "Imported by the coordinator")
    with store.session() as session:
        preview = preview_import(session, _tracker(tmp_path), options=ImportOptions(period="2025/26 Q1"))
        assert preview.ready, preview.problems
        specs = {a.code: a for a in preview.actions}
        assert {c: (a.rag, a.record_update) for c, a in specs.items()} == {
            "K1": ("red", True), "K2": ("amber", True), "K3": ("green", True), "K4": ("red", True)}
        # Each such row says so in the preview.
        assert "Red kept; remedial action to be confirmed" in specs["K1"].fate.notes
        assert "Amber kept; remedial action to be confirmed" in specs["K2"].fate.notes
        assert "Red kept; remedial action to be confirmed" in specs["K4"].fate.notes
        assert any("owner of the remedial action to be confirmed" in n for n in specs["K4"].fate.notes)
        assert not any("remedial" in n for n in specs["K3"].fate.notes)
        assert any("Red kept; commentary to be confirmed" == n for n in specs["K1"].fate.notes)
        [line] = [x for x in preview.inferences if x.startswith("Kept without a remedial action")]
        assert "3 actions (2 Red, 1 Amber)" in line and REMEDIAL_TO_CONFIRM in line

        result = apply_import(session, importer, preview)
        assert result.updates == 4
        plan = session.get(Plan, result.plan_id)
        assert plan is not None
        updates = {u.action.code: u for u in session.scalars(select(ActionUpdate))}
        assert {c: u.rag for c, u in updates.items()} == {"K1": "red", "K2": "amber", "K3": "green", "K4": "red"}
        for code in ("K1", "K2", "K4"):
            assert updates[code].remedial_action == REMEDIAL_TO_CONFIRM
            assert updates[code].commentary == COMMENTARY_NOT_GIVEN
            assert updates[code].source == UpdateSource.IMPORT
        assert updates["K3"].remedial_action == "" and updates["K3"].remedial_owner is None
        # The owner is the action's lead; an action with no lead leaves the owner to be confirmed.
        owner = updates["K1"].remedial_owner
        assert isinstance(owner, Person) and owner.job_title == "Probation Delivery Manager"
        assert updates["K4"].remedial_owner is None

        # Afterwards the gap is visible: the quarter's exceptions carry the marker for each kept Red and Amber.
        quarter = plan.periods[0]
        periods.close_period(session, importer, quarter)
        data = periods.snapshot_data(session, quarter)
        flagged = {a.code: a for o in data.objectives for p in o.priorities for a in p.actions
                   if a.rag in ("red", "amber")}
        assert set(flagged) == {"K1", "K2", "K4"}
        assert all(a.remedial_action == REMEDIAL_TO_CONFIRM for a in flagged.values())
        pdf = tmp_path / "update.pdf"
        pdf.write_bytes(build_delivery_update(data, UpdateOptions()))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        exceptions = text[text.index("2. Exceptions"):]
        flat = " ".join(exceptions.split())
        assert flat.count("Not given in the imported tracker") >= 3
        assert "owner not recorded" in flat  # K4, which has no lead


def test_a_remedial_action_on_record_is_carried_forward_not_replaced(store: Store, tmp_path: Path) -> None:
    importer = Actor(None, "Imported by the coordinator")
    path = _tracker(tmp_path)
    with store.session() as session:
        first = apply_import(session, importer, preview_import(session, path,
                                                               options=ImportOptions(period="2025/26 Q1")))
        plan = session.get(Plan, first.plan_id)
        assert plan is not None
        quarter = plan.periods[0]
        k1 = next(a for o in plan.objectives for p in o.priorities for a in p.actions if a.code == "K1")
        owner = k1.primary_lead
        record_update(session, importer, k1, quarter, rag="red", commentary="Mentors not yet recruited",
                      remedial_action="Weekly case review with the provider", remedial_owner=owner)

        # The same tracker again next week, still Red and still no remedial-action column.
        again = preview_import(session, path, plan=plan, options=ImportOptions(period="2025/26 Q1"))
        specs = {a.code: a for a in again.actions}
        assert specs["K1"].record_update and specs["K1"].remedial == "Weekly case review with the provider"
        assert "Red kept; remedial action carried forward from 2025/26 Q1" in specs["K1"].fate.notes
        assert "Red kept; remedial action to be confirmed" not in specs["K1"].fate.notes
        apply_import(session, importer, again)
        latest = session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == k1.id)
                                 .order_by(ActionUpdate.id.desc())).first()
        assert latest is not None and latest.rag == "red" and latest.source == UpdateSource.IMPORT
        assert latest.remedial_action == "Weekly case review with the provider" and latest.remedial_owner == owner


def test_a_blank_rag_beside_new_progress_keeps_the_red_on_record(store: Store, tmp_path: Path) -> None:
    importer = Actor(None, "Imported by the coordinator")
    with store.session() as session:
        first = apply_import(session, importer, preview_import(session, _tracker(tmp_path),
                                                               options=ImportOptions(period="2025/26 Q1")))
        plan = session.get(Plan, first.plan_id)
        assert plan is not None
        k1 = next(a for o in plan.objectives for p in o.priorities for a in p.actions if a.code == "K1")
        record_update(session, importer, k1, plan.periods[0], rag="red", commentary="Mentors not yet recruited",
                      remedial_action="Weekly case review with the provider", remedial_owner=k1.primary_lead)

        # Next week's tracker: K1's RAG cell is blank (no fill either) but it has a progress note.
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["Ref", "What are we going to do?", "Who will lead?", "RAG", "Progress"])
        ws.append(["K1", ROWS[1][1], ROWS[1][2], None, "Two mentors interviewed; start date not yet agreed"])
        path = tmp_path / "next-week.xlsx"
        wb.save(path)
        again = preview_import(session, path, plan=plan, options=ImportOptions(period="2025/26 Q1"))
        [spec] = [a for a in again.actions if a.code == "K1"]
        assert spec.rag == "red" and spec.record_update
        assert "RAG left blank: Red from 2025/26 Q1 is kept" in spec.fate.notes
        apply_import(session, importer, again)
        latest = session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == k1.id)
                                 .order_by(ActionUpdate.id.desc())).first()
        assert latest is not None and latest.rag == "red"
        assert latest.commentary == "Two mentors interviewed; start date not yet agreed"
        assert latest.remedial_action == "Weekly case review with the provider"
