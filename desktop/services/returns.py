"""Quarterly return forms for lead officers who do not have the app, and bringing their returns back in.

A form is an XLSX workbook per lead officer listing the actions they lead that are due an update this quarter, with
last quarter's status beside them. Only the RAG (a drop-down), forecast RAG, % complete, commentary and remedial
action cells can be edited; everything else is locked. A very hidden sheet names the store, plan, quarter, lead
officer and the action on each row, and carries an HMAC of those identifiers keyed with a random secret that never
leaves the encrypted store, so a form whose identifiers were edited (or that came from another store) is detected.

Reading returns never writes: ``review_returns`` shows per action what would change and flags forms for another
plan, a closed quarter, a tampered identifier sheet or a second return for the same action. ``accept_returns``
then records the acceptable changes as updates from the lead officer (source "return"), under the usual RAG rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop.models import Action, ActionStatus, Person, Plan, ReportingPeriod, StoreMeta, UpdateSource
from desktop.services import audit
from desktop.services.actor import Actor
from desktop.services.errors import PeriodClosed, ValidationError
from desktop.services.importing.values import one_line, parse_percent, tidy
from desktop.services.periods import outstanding, plan_actions
from desktop.services.plan_export import lead_label
from desktop.services.queries import previous_closed
from desktop.services.rag import RagScheme, scheme
from desktop.services.spreadsheet_safety import set_cell
from desktop.services.updates import check_update, latest_update, record_update

HMAC_META_KEY = "returns_form_hmac_key"
FORM_MARK = "pathways-return-form"
FORM_VERSION = 1
FORM_SHEET = "Return"
ID_SHEET = "_pathways"
HEADER_ROW = 7
_CHUNK = 30_000

# (heading, width, editable)
FORM_COLUMNS: tuple[tuple[str, int, bool], ...] = (
    ("Action code", 10, False),
    ("Action", 48, False),
    ("Priority", 30, False),
    ("Timescale", 14, False),
    ("Due date", 11, False),
    ("Last quarter RAG", 12, False),
    ("Last quarter commentary", 36, False),
    ("RAG this quarter", 12, True),
    ("Forecast RAG", 12, True),
    ("% complete", 10, True),
    ("Commentary", 48, True),
    ("Remedial action (needed for Red or Amber)", 40, True),
)
COL_CODE, COL_RAG, COL_FORECAST, COL_PERCENT, COL_COMMENTARY, COL_REMEDIAL = 1, 8, 9, 10, 11, 12


class ReturnFormError(ValidationError):
    """A return form cannot be issued (nothing was written)."""


# ---------------------------------------------------------------------------------------------- the secret


def _form_key(session: Session) -> bytes:
    """The store's secret for form HMACs, created on first use; it stays inside the encrypted store."""
    row = session.get(StoreMeta, HMAC_META_KEY)
    if row is None:
        row = StoreMeta(key=HMAC_META_KEY, value=secrets.token_hex(32))
        session.add(row)
        session.flush()
    return bytes.fromhex(row.value)


def _existing_form_key(session: Session) -> bytes | None:
    row = session.get(StoreMeta, HMAC_META_KEY)
    return bytes.fromhex(row.value) if row else None


def _sign(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def _store_id(session: Session) -> str:
    row = session.get(StoreMeta, "store_id")
    return row.value if row else ""


# ---------------------------------------------------------------------------------------------- issuing forms


@dataclass(frozen=True)
class ReturnForm:
    person_id: int
    lead: str
    file_name: str
    actions: int
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class IssuedForms:
    forms: tuple[ReturnForm, ...]
    paths: tuple[Path, ...]
    without_lead: tuple[str, ...]  # codes of actions due a return that have no lead officer


def _rag_options(sch: RagScheme) -> list[str]:
    return [s.label for s in sch.statuses]


def _slug(text: str) -> str:
    text = re.sub(r"[^\w\s-]", "", text, flags=re.UNICODE)
    return re.sub(r"[\s_]+", "-", text).strip("-")[:60] or "lead"


def due_actions(session: Session, period: ReportingPeriod) -> list[Action]:
    """The actions still needing an update this quarter (cancelled and already-reported complete ones excluded)."""
    return outstanding(session, period)


def build_forms(session: Session, plan: Plan, period: ReportingPeriod) -> tuple[list[ReturnForm], list[str]]:
    """One form per primary lead officer (in memory), and the codes of due actions that have no lead."""
    if period.plan_id != plan.id:
        raise ReturnFormError(f"{period.label} is not a quarter of this plan.")
    if period.is_closed:
        raise PeriodClosed(f"{period.label} is closed; return forms can only be issued for an open quarter.")
    key = _form_key(session)
    by_lead: dict[int, list[Action]] = {}
    people: dict[int, Person] = {}
    without: list[str] = []
    for action in due_actions(session, period):
        lead = action.primary_lead
        if lead is None:
            without.append(action.code)
            continue
        people[lead.id] = lead
        by_lead.setdefault(lead.id, []).append(action)
    before = previous_closed(session, plan.id, period)
    forms = []
    for person_id, actions in by_lead.items():
        person = people[person_id]
        content = _form_workbook(session, plan, period, before, person, actions, key)
        name = f"{_slug(period.label)}-return-{person_id:04d}-{_slug(lead_label(person))}.xlsx"
        forms.append(ReturnForm(person_id, lead_label(person), name, len(actions), content))
    forms.sort(key=lambda f: f.lead.casefold())
    return forms, without


def issue_return_forms(session: Session, plan: Plan, period: ReportingPeriod, out_dir: Path) -> IssuedForms:
    """Write one checked form per lead officer into ``out_dir`` (every file goes through the disclosure check)."""
    from desktop.services.export_gate import identifiers_for, write_checked

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ReturnFormError("The output folder is a file; choose a folder for the return forms.")
    forms, without = build_forms(session, plan, period)
    out_dir.mkdir(parents=True, exist_ok=True)
    identifiers = identifiers_for(session)
    paths = []
    for form in forms:
        path = out_dir / form.file_name
        write_checked(path, form.content, "xlsx", identifiers)
        paths.append(path)
    return IssuedForms(tuple(forms), tuple(paths), tuple(without))


def _form_workbook(session: Session, plan: Plan, period: ReportingPeriod, before: ReportingPeriod | None,
                   person: Person, actions: Sequence[Action], key: bytes) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    sch = scheme(plan.rag_scheme)
    wb = Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    deadline = f" Please return it by {period.returns_deadline:%d %B %Y}." if period.returns_deadline else ""
    lines = (
        f"Quarterly return: {plan.title}" + (" — DEMONSTRATION DATA, not a real return" if plan.is_demo else ""),
        f"Quarter: {period.label} ({period.start_date:%d %b %Y} to {period.end_date:%d %b %Y}).{deadline}",
        f"Lead officer: {lead_label(person)}",
        "Fill in the white cells only: RAG and forecast RAG from the drop-down lists, % complete (0 to 100), a "
        "commentary for any change of RAG, and a remedial action for Red or Amber. Save the file and send it back.",
        "RAG key: " + "; ".join(f"{s.letter} {s.label}: {s.definition}" for s in sch.statuses),
    )
    for r, text in enumerate(lines, start=1):
        set_cell(ws.cell(r, 1), text)
        ws.cell(r, 1).alignment = Alignment(wrap_text=False)
    ws.cell(1, 1).font = Font(bold=True, size=13)
    thin = Side(style="thin", color="A0A0A0")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    locked_fill = PatternFill("solid", fgColor="EDEDED")
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    before_label = before.label if before else "last quarter"
    for c, (heading, width, _editable) in enumerate(FORM_COLUMNS, start=1):
        text = heading.replace("Last quarter", f"Last quarter ({before_label})") if before else heading
        cell = ws.cell(HEADER_ROW, c)
        set_cell(cell, text)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.border = border
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    rows: list[list[Any]] = []
    for r, action in enumerate(actions, start=HEADER_ROW + 1):
        last = latest_update(session, action.id, before.id) if before else None
        last_status = sch.find(last.rag) if last else None
        values: list[object] = [
            action.code, action.text, f"{action.priority.code} {action.priority.text}".strip(), action.timescale,
            action.due_date, f"{last_status.letter} ({last_status.label})" if last_status else "",
            last.commentary if last else "", None, None, None, None, None,
        ]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c)
            set_cell(cell, value if value != "" else None)
            cell.border = border
            editable = FORM_COLUMNS[c - 1][2]
            cell.protection = Protection(locked=not editable)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if not editable:
                cell.fill = locked_fill
            if c == 5 and value is not None:
                cell.number_format = "dd/mm/yyyy"
            if c == 6 and last_status is not None:
                cell.fill = PatternFill("solid", fgColor=last_status.colour.lstrip("#").upper())
                cell.font = Font(bold=True, color=last_status.text_colour.lstrip("#").upper())
        rows.append([r, action.id, action.code])
    last_row = HEADER_ROW + max(len(actions), 1)
    options = ",".join(_rag_options(sch))
    for column in (COL_RAG, COL_FORECAST):
        letter = get_column_letter(column)
        dv = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True, showErrorMessage=True,
                            errorTitle="RAG", error="Choose a status from the list.")
        dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{last_row}")
        ws.add_data_validation(dv)
    percent = get_column_letter(COL_PERCENT)
    dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
                        showErrorMessage=True, errorTitle="% complete", error="Enter a whole number from 0 to 100.")
    dv.add(f"{percent}{HEADER_ROW + 1}:{percent}{last_row}")
    ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3).coordinate
    # Protection keeps honest people to the white cells; the HMAC below is what detects edited identifiers.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.password = secrets.token_urlsafe(12)
    ws.page_setup.orientation = "landscape"
    ws.oddHeader.center.text = plan.partnership.default_marking
    ws.oddFooter.center.text = "Page &P of &N"

    payload = json.dumps(
        {
            "v": FORM_VERSION,
            "store": _store_id(session),
            "plan": plan.id,
            "period": period.id,
            "person": person.id,
            "issued": dt.date.today().isoformat(),
            "rows": rows,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    ids = wb.create_sheet(ID_SHEET)
    set_cell(ids.cell(1, 1), FORM_MARK)
    set_cell(ids.cell(1, 2), str(FORM_VERSION))
    chunks = [payload[i:i + _CHUNK] for i in range(0, len(payload), _CHUNK)]
    for i, chunk in enumerate(chunks, start=2):
        set_cell(ids.cell(i, 1), chunk)
    set_cell(ids.cell(len(chunks) + 2, 1), "hmac")
    set_cell(ids.cell(len(chunks) + 2, 2), _sign(key, payload))
    ids.sheet_state = "veryHidden"
    ids.protection.sheet = True
    ids.protection.password = secrets.token_urlsafe(12)
    wb.security = WorkbookProtection(workbookPassword=secrets.token_urlsafe(12), lockStructure=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- reading returns


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass
class ActionReturn:
    """One action's row of a returned form: what it would change and anything stopping it."""

    row: int
    action_id: int
    code: str
    rag: str | None = None
    forecast_rag: str | None = None
    percent: int | None = None
    commentary: str = ""
    remedial: str = ""
    empty: bool = True
    changes: list[FieldChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def acceptable(self) -> bool:
        return not self.empty and not self.problems


@dataclass
class ReturnReview:
    """One returned file. ``problem`` is set when the whole form is refused (then no action of it is written)."""

    file: str
    problem: str = ""
    plan_id: int | None = None
    plan_title: str = ""
    period_id: int | None = None
    period_label: str = ""
    person_id: int | None = None
    lead: str = ""
    actions: list[ActionReturn] = field(default_factory=list)

    @property
    def acceptable(self) -> list[ActionReturn]:
        return [] if self.problem else [a for a in self.actions if a.acceptable]


@dataclass(frozen=True)
class AcceptResult:
    written: int
    refused: int


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rag_from_form(text: str, sch: RagScheme) -> str | None:
    word = one_line(text).casefold()
    for s in sch.statuses:
        if word in (s.label.casefold(), s.letter.casefold(), s.key.casefold(), f"{s.letter} ({s.label})".casefold()):
            return s.key
    raise ValueError(word)


def _read_form(data: bytes) -> tuple[dict[str, Any], str, str, Any]:
    """(payload, payload text, signature, the form sheet) — raises ValueError when it is not a Pathways form."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    except Exception as exc:  # noqa: BLE001 — any failure to open means "not a form we can read"
        raise ValueError("unreadable") from exc
    if ID_SHEET not in wb.sheetnames or FORM_SHEET not in wb.sheetnames:
        raise ValueError("not a form")
    ids = wb[ID_SHEET]
    if _cell_text(ids.cell(1, 1).value) != FORM_MARK:
        raise ValueError("not a form")
    chunks: list[str] = []
    signature = ""
    for r in range(2, ids.max_row + 1):
        first = _cell_text(ids.cell(r, 1).value)
        if first == "hmac":
            signature = _cell_text(ids.cell(r, 2).value)
            break
        chunks.append(first)
    text = "".join(chunks)
    try:
        payload = json.loads(text)
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    return payload, text, signature, wb[FORM_SHEET]


def review_return(session: Session, path: Path, *, plan: Plan | None = None,
                  seen: dict[int, str] | None = None) -> ReturnReview:
    """Read one returned form and say what it would change; writes nothing."""
    review = ReturnReview(file=Path(path).name)
    seen = seen if seen is not None else {}
    try:
        data = Path(path).read_bytes()
    except OSError:
        review.problem = "The file could not be read."
        return review
    try:
        payload, text, signature, ws = _read_form(data)
    except ValueError:
        review.problem = "This is not a Pathways return form."
        return review
    key = _existing_form_key(session)
    if key is None or not signature or not hmac.compare_digest(_sign(key, text), signature):
        review.problem = ("The form's identifier sheet has been altered or the form was issued by another store, so "
                          "it cannot be trusted; send the lead officer a new form.")
        return review
    if payload.get("v") != FORM_VERSION or payload.get("store") != _store_id(session):
        review.problem = "The form was issued by another Pathways store."
        return review
    try:
        form_plan = session.get(Plan, int(payload["plan"]))
        period = session.get(ReportingPeriod, int(payload["period"]))
        person = session.get(Person, int(payload["person"]))
        rows = [(int(r), int(a), str(c)) for r, a, c in payload.get("rows", [])]
    except (KeyError, TypeError, ValueError):
        review.problem = "This is not a Pathways return form."
        return review
    if form_plan is None or period is None or period.plan_id != form_plan.id:
        review.problem = "The plan or quarter this form was issued for no longer exists."
        return review
    review.plan_id, review.plan_title = form_plan.id, form_plan.title
    review.period_id, review.period_label = period.id, period.label
    if person is not None:
        review.person_id, review.lead = person.id, lead_label(person)
    if plan is not None and form_plan.id != plan.id:
        review.problem = "This form is for another plan."
        return review
    if period.is_closed:
        review.problem = f"{period.label} is closed; its updates are frozen, so this return cannot be recorded."
        return review
    if person is None:
        review.problem = "The lead officer this form was issued to is no longer in the store."
        return review
    sch = scheme(form_plan.rag_scheme)
    issued_rows = {row for row, _, _ in rows}
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        # A row typed below the issued ones (another officer's action, say) would otherwise be skipped in silence.
        if row not in issued_rows and any(_cell_text(ws.cell(row, c).value) for c in range(1, len(FORM_COLUMNS) + 1)):
            review.problem = (f"A row has been added to the form (row {row}), so it cannot be trusted; send the lead "
                              "officer a new form.")
            return review
    for row, action_id, code in rows:
        if _cell_text(ws.cell(row, COL_CODE).value) != code:
            review.problem = (f"The rows of the form have been changed (row {row}), so it cannot be trusted; send "
                              "the lead officer a new form.")
            review.actions = []
            return review
        review.actions.append(_review_row(session, ws, row, action_id, code, form_plan, period, person, sch, seen,
                                          review.file))
    return review


def _review_row(session: Session, ws: Any, row: int, action_id: int, code: str, plan: Plan,
                period: ReportingPeriod, person: Person, sch: RagScheme, seen: dict[int, str],
                file: str) -> ActionReturn:
    item = ActionReturn(row=row, action_id=action_id, code=code)
    raw = {c: _cell_text(ws.cell(row, c).value) for c in (COL_RAG, COL_FORECAST, COL_PERCENT, COL_COMMENTARY,
                                                           COL_REMEDIAL)}
    item.empty = not any(raw.values())
    if item.empty:
        return item
    action = session.get(Action, action_id)
    if action is None or action.priority.objective.plan_id != plan.id:
        item.problems.append("the action is no longer in the plan")
        return item
    for column, attr, name in ((COL_RAG, "rag", "RAG"), (COL_FORECAST, "forecast_rag", "forecast RAG")):
        if raw[column]:
            try:
                setattr(item, attr, _rag_from_form(raw[column], sch))
            except ValueError:
                item.problems.append(f"row {row}: the {name} is not one of the drop-down values")
    if raw[COL_PERCENT]:
        item.percent = parse_percent(raw[COL_PERCENT])
        if item.percent is None:
            item.problems.append(f"row {row}: % complete must be a whole number from 0 to 100")
    item.commentary = tidy(raw[COL_COMMENTARY])
    item.remedial = tidy(raw[COL_REMEDIAL])
    if item.rag is None and not any("RAG is not one" in p for p in item.problems):
        item.problems.append(f"row {row}: the RAG for this quarter is missing")
    previous = latest_update(session, action.id)
    # A blank forecast or % complete means "not given", not "cleared": last quarter's value carries forward.
    if previous is not None and not raw[COL_FORECAST] and previous.forecast_rag is not None:
        item.forecast_rag = previous.forecast_rag
        item.notes.append("forecast RAG left blank: last quarter's is kept")
    if previous is not None and not raw[COL_PERCENT] and previous.percent_complete is not None:
        item.percent = previous.percent_complete
        item.notes.append("% complete left blank: last quarter's is kept")
    if item.rag is not None:
        # The same rule record_update applies when the return is accepted (the returning officer owns the remedy).
        try:
            check_update(sch, previous.rag if previous else None, rag=item.rag, forecast_rag=item.forecast_rag,
                         percent_complete=item.percent, commentary=item.commentary, remedial_action=item.remedial,
                         has_remedial_owner=True, source=UpdateSource.RETURN)
        except ValidationError as problem:
            item.problems.append(f"row {row}: {_lower_first(str(problem)).rstrip('.')}")
    if latest_update(session, action.id, period.id) is not None:
        item.problems.append(f"the action already has an update for {period.label} (a second return)")
    if action_id in seen:
        item.problems.append("a second return for this action is in this batch")
    else:
        seen[action_id] = file
    if all(lead.person_id != person.id for lead in action.leads):
        item.notes.append("the lead officer on this form no longer leads this action")
    if action.status == ActionStatus.CANCELLED:
        item.notes.append("the action is cancelled")

    def label(key: str | None) -> str:
        s = sch.find(key)
        return f"{s.letter} ({s.label})" if s else ""

    before = {
        "RAG": label(previous.rag) if previous else "",
        "Forecast RAG": label(previous.forecast_rag) if previous else "",
        "% complete": str(previous.percent_complete) if previous and previous.percent_complete is not None else "",
        "Commentary": previous.commentary if previous else "",
        "Remedial action": previous.remedial_action if previous else "",
    }
    after = {
        "RAG": label(item.rag),
        "Forecast RAG": label(item.forecast_rag),
        "% complete": str(item.percent) if item.percent is not None else "",
        "Commentary": item.commentary,
        "Remedial action": item.remedial,
    }
    item.changes = [FieldChange(k, before[k], after[k]) for k in before if before[k] != after[k]]
    return item


def review_returns(session: Session, paths: Sequence[Path], *, plan: Plan | None = None) -> list[ReturnReview]:
    """Review a batch of returned forms (a second return for the same action in the batch is flagged)."""
    seen: dict[int, str] = {}
    return [review_return(session, Path(p), plan=plan, seen=seen) for p in paths]


def accept_returns(session: Session, actor: Actor, reviews: Sequence[ReturnReview]) -> AcceptResult:
    """Record every acceptable change as an update by the lead officer (source "return"), in one savepoint."""
    written = refused = 0
    with session.begin_nested():
        audit_head = session.get(StoreMeta, audit.HEAD_KEY)  # held: read on every audited change
        for review in reviews:
            if review.problem:
                refused += sum(1 for a in review.actions if not a.empty) or 1
                continue
            period = session.get(ReportingPeriod, review.period_id) if review.period_id else None
            person = session.get(Person, review.person_id) if review.person_id else None
            if period is None or person is None:
                refused += 1
                continue
            for item in review.actions:
                if item.empty:
                    continue
                if not item.acceptable:
                    refused += 1
                    continue
                action = session.get(Action, item.action_id)
                if action is None:
                    refused += 1
                    continue
                record_update(
                    session, actor, action, period, rag=item.rag, forecast_rag=item.forecast_rag,
                    percent_complete=item.percent, commentary=item.commentary, remedial_action=item.remedial,
                    remedial_owner=person if item.remedial else None, source=UpdateSource.RETURN, author=person,
                )
                written += 1
        del audit_head
    return AcceptResult(written, refused)


# ---------------------------------------------------------------------------------------------- who has returned


@dataclass(frozen=True)
class LeadReturnStatus:
    person_id: int
    lead: str
    email: str
    actions: int
    returned: int
    outstanding: tuple[str, ...]  # action codes still to come

    @property
    def complete(self) -> bool:
        return not self.outstanding


@dataclass(frozen=True)
class ReturnsStatus:
    plan_title: str
    period_label: str
    deadline: dt.date | None
    closed: bool
    leads: tuple[LeadReturnStatus, ...]
    without_lead: tuple[str, ...]  # codes of outstanding actions that have no lead officer

    @property
    def returned(self) -> tuple[LeadReturnStatus, ...]:
        return tuple(lead for lead in self.leads if lead.complete)

    @property
    def chase(self) -> tuple[LeadReturnStatus, ...]:
        """Lead officers with actions still outstanding, most outstanding first."""
        return tuple(sorted((lead for lead in self.leads if not lead.complete),
                            key=lambda lead: (-len(lead.outstanding), lead.lead.casefold())))

    def overdue(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return bool(self.deadline and today > self.deadline and not self.closed and self.chase)


def returns_status(session: Session, period: ReportingPeriod) -> ReturnsStatus:
    """Who has returned for ``period`` and who has not (the chase list), by primary lead officer."""
    plan = period.plan
    due = {a.id for a in outstanding(session, period)}
    totals: dict[int, list[Action]] = {}
    people: dict[int, Person] = {}
    without: list[str] = []
    for action in plan_actions(session, plan):
        updated = latest_update(session, action.id, period.id) is not None
        if action.id not in due and not updated:
            continue  # cancelled, or complete and already reported
        lead = action.primary_lead
        if lead is None:
            if action.id in due:
                without.append(action.code)
            continue
        people[lead.id] = lead
        totals.setdefault(lead.id, []).append(action)
    leads = tuple(
        LeadReturnStatus(
            person_id=pid,
            lead=lead_label(people[pid]),
            email=people[pid].email,
            actions=len(actions),
            returned=sum(1 for a in actions if a.id not in due),
            outstanding=tuple(a.code for a in actions if a.id in due),
        )
        for pid, actions in totals.items()
    )
    leads = tuple(sorted(leads, key=lambda lead: lead.lead.casefold()))
    return ReturnsStatus(plan.title, period.label, period.returns_deadline, period.is_closed, leads, tuple(without))


def _lower_first(text: str) -> str:
    """"A change of RAG…" reads as "row 4: a change of RAG…"; a status label ("Amber needs…") keeps its capital."""
    return text[:1].lower() + text[1:] if text.startswith("A ") else text
