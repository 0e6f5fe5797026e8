"""The delivery plan as a spreadsheet: a formatted XLSX workbook or a plain CSV file.

One row per action with its objective and priority, leads, dates, status and the latest RAG and commentary. The
columns use headings the importer recognises, so an exported plan imports back into an empty store unchanged.
Every text cell is neutralised against formula injection, and the finished file goes through the disclosure check
before it is written (``export_gate.write_checked``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Action, ActionUpdate, Objective, Person, Plan, Priority, ReportingPeriod
from desktop.services.queries import current_period, periods_of
from desktop.services.rag import RagScheme, scheme
from desktop.services.readmodels import load_rows
from desktop.services.spreadsheet_safety import neutralise, set_cell

ExportFormat = Literal["xlsx", "csv"]

# (heading, width in characters); the headings are ones the importer maps without help.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Objective code", 12),
    ("Objective", 30),
    ("Priority code", 10),
    ("Priority", 36),
    ("Strand", 12),
    ("Action code", 10),
    ("Action", 50),
    ("Progress measures", 40),
    ("Expected outcome", 36),
    ("Lead officer(s)", 30),
    ("Lead organisation", 18),
    ("Resources", 24),
    ("Start date", 12),
    ("Due date", 12),
    ("Timescale", 16),
    ("Status", 13),
    ("Critical pathways", 24),
    ("Quarter", 12),
    ("RAG", 7),
    ("Forecast RAG", 9),
    ("% complete", 10),
    ("Commentary", 50),
    ("Remedial action", 36),
    ("Last updated", 12),
)
HEADINGS = tuple(h for h, _ in COLUMNS)
RAG_COLUMNS = frozenset({"RAG", "Forecast RAG"})
DATE_COLUMNS = frozenset({"Start date", "Due date", "Last updated"})
WRAPPED = frozenset({"Objective", "Priority", "Action", "Progress measures", "Expected outcome", "Lead officer(s)",
                     "Resources", "Critical pathways", "Commentary", "Remedial action", "Timescale"})
STRAND_LABELS = {"adults": "Adults", "young_people": "Young people", "both": "Both"}
DEMO_NOTICE = "DEMONSTRATION DATA — not real performance information"
HEADER_ROW = 5  # rows 1-3: title, plan details, export note; row 4 the demonstration notice or blank


def lead_label(person: Person) -> str:
    """A lead as the partnership documents write one: "Name (Organisation)" or "Role (Organisation)".

    A role keeps its organisation in brackets too (rather than "Role, Organisation") so that the importer can always
    tell the two apart.
    """
    who = person.name or person.job_title or "Unnamed lead"
    org = person.organisation.display_name if person.organisation else ""
    return f"{who} ({org})" if org else who


@dataclass(frozen=True)
class PlanTable:
    """The plan as rows of cell values, ready for any spreadsheet writer."""

    title: str
    details: str
    marking: str
    scheme: RagScheme
    headings: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    is_demo: bool = False


def plan_table(session: Session, plan: Plan, *, today: dt.date | None = None) -> PlanTable:
    """Every action of ``plan`` in plan order, with its latest update up to the current quarter."""
    sch = scheme(plan.rag_scheme)
    rows = load_rows(session, plan.id, as_at=today)
    objectives = {o.id: o for o in session.scalars(select(Objective).where(Objective.plan_id == plan.id))}
    priorities = {p.id: p for p in session.scalars(
        select(Priority).where(Priority.objective_id.in_(list(objectives) or [-1])))}
    actions = {a.id: a for a in session.scalars(
        select(Action).where(Action.priority_id.in_(list(priorities) or [-1])))}
    people = {p.id: p for p in session.scalars(select(Person))}
    latest = _latest_updates(session, plan, list(actions))
    out: list[tuple[object, ...]] = []
    for row in rows:
        action = actions[row.id]
        objective = objectives[row.objective_id]
        priority = priorities[row.priority_id]
        update = latest.get(row.id)
        status = sch.find(row.rag)
        forecast = sch.find(row.forecast_rag)
        values: dict[str, object] = {
            "Objective code": objective.code,
            "Objective": objective.title,
            "Priority code": priority.code,
            "Priority": priority.text,
            "Strand": STRAND_LABELS.get(priority.strand.value, priority.strand.value),
            "Action code": action.code,
            "Action": action.text,
            "Progress measures": "\n".join(action.measures),
            "Expected outcome": action.expected_outcome,
            "Lead officer(s)": " / ".join(lead_label(people[pid]) for pid in row.lead_ids if pid in people),
            "Lead organisation": row.organisation,
            "Resources": action.resources,
            "Start date": action.start_date,
            "Due date": action.due_date,
            "Timescale": action.timescale,
            "Status": action.status.label,
            "Critical pathways": "; ".join(row.pathways),
            "Quarter": update.period.label if update is not None else "",
            "RAG": status.key if status else "",
            "Forecast RAG": forecast.key if forecast else "",
            "% complete": row.percent_complete,
            "Commentary": row.commentary,
            "Remedial action": update.remedial_action if update is not None else "",
            "Last updated": row.last_updated.date() if row.last_updated else None,
        }
        out.append(tuple(values[h] for h in HEADINGS))
    partnership = plan.partnership
    details = " · ".join(part for part in (partnership.name, plan.period_label, f"{plan.status.label}",
                                           f"version {plan.version}") if part)
    return PlanTable(plan.title, details, partnership.default_marking, sch, HEADINGS, tuple(out), plan.is_demo)


def _latest_updates(session: Session, plan: Plan, action_ids: Sequence[int]) -> dict[int, ActionUpdate]:
    """The newest update per action in quarters up to the current one (as the plan screens show it)."""
    current = current_period(session, plan.id)
    period_ids = [p.id for p in periods_of(session, plan.id)
                  if current is None or p.start_date <= current.start_date]
    if not action_ids or not period_ids:
        return {}
    latest: dict[int, ActionUpdate] = {}
    query = (select(ActionUpdate).join(ReportingPeriod, ActionUpdate.period_id == ReportingPeriod.id)
             .where(ActionUpdate.action_id.in_(list(action_ids)), ActionUpdate.period_id.in_(period_ids))
             .order_by(ActionUpdate.id))
    for update in session.scalars(query):
        latest[update.action_id] = update
    return latest


# ---------------------------------------------------------------------------------------------- writers


def _rag_text(table: PlanTable, key: object, *, letter: bool) -> str:
    status = table.scheme.find(str(key)) if key else None
    if status is None:
        return ""
    return status.letter if letter else status.label


def table_csv(table: PlanTable) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the accents), one heading row, RAG written as its label."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if table.is_demo:  # a line above the headings, as importers skip title rows
        writer.writerow([DEMO_NOTICE])
    writer.writerow(table.headings)
    for row in table.rows:
        cells: list[str] = []
        for heading, value in zip(table.headings, row, strict=True):
            if heading in RAG_COLUMNS:
                cells.append(_rag_text(table, value, letter=False))
            elif value is None:
                cells.append("")
            elif isinstance(value, dt.date):
                cells.append(value.isoformat())
            else:
                cells.append(neutralise(str(value)))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")


def table_xlsx(table: PlanTable, *, sheet_title: str = "Delivery plan") -> bytes:
    """A formatted workbook: title rows, frozen heading row with filters, RAG cells filled and lettered, a key."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    exported = dt.date.today().strftime("%d %B %Y")
    set_cell(ws.cell(1, 1), table.title)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    set_cell(ws.cell(2, 1), table.details)
    set_cell(ws.cell(3, 1), f"Exported from Pathways on {exported}. Protective marking: {table.marking}.")
    ws.cell(3, 1).font = Font(italic=True, size=9)
    if table.is_demo:
        set_cell(ws.cell(4, 1), DEMO_NOTICE)
        ws.cell(4, 1).font = Font(bold=True, color="A4262C")
    thin = Side(style="thin", color="A0A0A0")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    for c, (heading, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, c)
        set_cell(cell, heading)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.border = border
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    fills = {s.key: PatternFill("solid", fgColor=s.colour.lstrip("#").upper()) for s in table.scheme.statuses}
    fonts = {s.key: Font(bold=True, color=s.text_colour.lstrip("#").upper()) for s in table.scheme.statuses}
    top_wrap = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(horizontal="center", vertical="top")
    for r, row in enumerate(table.rows, start=HEADER_ROW + 1):
        for c, (heading, value) in enumerate(zip(table.headings, row, strict=True), start=1):
            cell = ws.cell(r, c)
            cell.border = border
            if heading in RAG_COLUMNS:
                set_cell(cell, _rag_text(table, value, letter=True) or None)
                if value:
                    cell.fill = fills[str(value)]
                    cell.font = fonts[str(value)]
                cell.alignment = centred
                continue
            set_cell(cell, value if value != "" else None)
            if heading in DATE_COLUMNS and value is not None:
                cell.number_format = "dd/mm/yyyy"
                cell.alignment = Alignment(vertical="top")
            elif heading in WRAPPED:
                cell.alignment = top_wrap
            else:
                cell.alignment = Alignment(vertical="top")
    last_row = HEADER_ROW + max(len(table.rows), 1)
    last_col = get_column_letter(len(COLUMNS))
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1).coordinate
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{last_row}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.oddHeader.center.text = table.marking
    ws.oddFooter.center.text = "Page &P of &N"
    ws.oddFooter.right.text = table.marking
    _key_sheet(wb, table)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _key_sheet(wb: object, table: PlanTable) -> None:
    """The RAG key: every status with its letter, colour and definition (RAG is never shown by colour alone)."""
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet("RAG key")  # type: ignore[attr-defined]
    set_cell(ws.cell(1, 1), f"RAG key: {table.scheme.name}")
    ws.cell(1, 1).font = Font(bold=True, size=12)
    for c, heading in enumerate(("Letter", "Status", "Definition"), start=1):
        set_cell(ws.cell(3, c), heading)
        ws.cell(3, c).font = Font(bold=True)
    for r, status in enumerate(table.scheme.statuses, start=4):
        letter = ws.cell(r, 1)
        set_cell(letter, status.letter)
        letter.fill = PatternFill("solid", fgColor=status.colour.lstrip("#").upper())
        letter.font = Font(bold=True, color=status.text_colour.lstrip("#").upper())
        letter.alignment = Alignment(horizontal="center")
        set_cell(ws.cell(r, 2), status.label)
        set_cell(ws.cell(r, 3), status.definition)
        ws.cell(r, 3).alignment = Alignment(wrap_text=True, vertical="top")
    set_cell(ws.cell(len(table.scheme.statuses) + 5, 1), table.scheme.rollup_rule)
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 90


def plan_bytes(session: Session, plan: Plan, fmt: ExportFormat) -> bytes:
    table = plan_table(session, plan)
    if fmt == "xlsx":
        return table_xlsx(table)
    if fmt == "csv":
        return table_csv(table)
    raise ValueError(fmt)


def export_plan(session: Session, plan: Plan, fmt: ExportFormat, out: Path) -> Path:
    """Write the plan to ``out`` after the disclosure check (``DisclosureBlocked`` and nothing written if it fails)."""
    from desktop.services.export_gate import identifiers_for, write_checked

    content = plan_bytes(session, plan, fmt)
    write_checked(Path(out), content, fmt, identifiers_for(session))
    return Path(out)
