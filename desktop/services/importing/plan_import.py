"""Import an action plan: a preview in which every row's fate is shown, then one transaction that writes it.

``preview_import`` reads the file, suggests the column mapping, rebuilds the hierarchy, reads statuses, dates and
leads, and matches everything against the target plan (when importing into an existing one). It writes nothing.
Status values it does not recognise are listed for the user to map; until they are, the import cannot be applied.

``apply_import`` writes the previewed plan through the ordinary plan services (so every change is audited) inside
one savepoint: it either all happens or none of it does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    Action,
    ActionLead,
    ActionStatus,
    CriticalPathway,
    Objective,
    Organisation,
    Partnership,
    Person,
    Plan,
    Priority,
    ReportingPeriod,
    StoreMeta,
    Strand,
    UpdateSource,
)
from desktop.services import audit, plans
from desktop.services.actor import Actor
from desktop.services.errors import NotFound, ValidationError
from desktop.services.importing.colours import nearest_status
from desktop.services.importing.headings import Field, is_header_row, normalise_heading, suggest_mapping
from desktop.services.importing.hierarchy import (
    DraftAction,
    FateKind,
    MappedSheet,
    RowFate,
    build_outline,
)
from desktop.services.importing.reading import ImportRejected, Sheet, Source, column_letter, read_source
from desktop.services.importing.values import (
    ONGOING_WORDS,
    LeadReading,
    StatusReading,
    Timescale,
    is_commentary,
    normalise_word,
    one_line,
    parse_date,
    parse_leads,
    parse_percent,
    parse_status,
    parse_timescale,
    quarter_span,
    reading_for,
    split_items,
    status_key,
    tidy,
)
from desktop.services.queries import current_period, find_period
from desktop.services.rag import SCHEMES, RagScheme, scheme
from desktop.services.updates import (
    COMMENTARY_NOT_GIVEN,
    REMEDIAL_TO_CONFIRM,
    NewUpdate,
    check_update,
    latest_update,
    record_updates,
)

__all__ = [
    "ActionSpec",
    "ColumnInfo",
    "FateKind",
    "ImportOptions",
    "ImportPlan",
    "ImportRejected",
    "ImportResult",
    "ObjectiveSpec",
    "PrioritySpec",
    "RowFate",
    "StatusQuestion",
    "apply_import",
    "preview_import",
]

T = TypeVar("T")
MAX_CODE = 40
MAX_TIMESCALE = 200
MAX_NAME = 200


@dataclass(frozen=True)
class ImportOptions:
    """The user's choices: column overrides (heading key → field), status mappings (value key → "rag:amber",
    "status:deferred" or "blank"), whether to split cells holding several actions, a title for a new plan and the
    quarter in which RAG and progress are recorded: one of the plan's quarters, or a new one written as "2024/25 Q3"
    (created by the import). Default: an existing plan's current open quarter; for a new plan, the quarter the
    file's own Quarter column gives, if any."""

    columns: Mapping[str, Field] = field(default_factory=dict)
    statuses: Mapping[str, str] = field(default_factory=dict)
    split_cells: bool = True
    plan_title: str = ""
    period: str = ""
    rag_scheme: str = ""  # for a new plan; default: the partnership's, or the scheme the file's statuses need


@dataclass(frozen=True)
class ColumnInfo:
    key: str  # what a column override is keyed by: the normalised heading, or "column C" for a blank heading
    heading: str  # as written (first occurrence)
    letter: str
    suggested: Field
    confidence: float
    field: Field  # the field used: the override, else the suggestion


@dataclass(frozen=True)
class StatusQuestion:
    """A status value not recognised; the user maps it (``key`` → a spec from ``values.status_targets``)."""

    key: str
    example: str  # the value as first written
    count: int
    first_row: str  # "row 14" or "Sheet2 row 14"
    column: str


@dataclass
class ActionSpec:
    sheet: str
    row: int
    fate: RowFate
    code: str
    generated_code: bool
    text: str
    measures: list[str]
    outcome: str
    leads: tuple[LeadReading, ...]
    organisation: str | None
    resources: str
    start: dt.date | None
    due: dt.date | None
    timescale: str
    status: ActionStatus
    rag: str | None
    forecast_rag: str | None
    percent: int | None
    commentary: str
    remedial: str
    pathways: list[str]
    existing_id: int | None = None
    record_update: bool = False
    fill_rag: str = ""  # the RAG read from the cell's fill colour (the file gave no RAG as text)
    status_sentence: bool = False  # the status cell held commentary, kept as such
    note_lines: int = 0  # progress notes read from lines under the action text
    remedial_to_confirm: bool = False  # Red/Amber kept with no remedial action given: recorded as to be confirmed
    remedial_carried: str = ""  # the quarter whose remedial action (and owner) a kept Red/Amber carries forward
    remedial_owner_id: int | None = None  # that remedial action's owner
    commentary_to_confirm: bool = False  # a RAG kept with no commentary given: recorded as to be confirmed


@dataclass
class PrioritySpec:
    code: str
    text: str
    strand: Strand
    actions: list[ActionSpec] = field(default_factory=list)
    existing_id: int | None = None


@dataclass
class ObjectiveSpec:
    code: str
    title: str
    priorities: list[PrioritySpec] = field(default_factory=list)
    existing_id: int | None = None


@dataclass
class ImportPlan:
    """The preview: what would be written, and every row's fate. Apply it with :func:`apply_import`."""

    source: Source
    options: ImportOptions
    plan_id: int | None
    plan_title: str
    partnership_id: int | None
    partnership_name: str
    rag_scheme: str
    period_id: int | None
    period_label: str
    new_period: tuple[str, dt.date, dt.date] | None  # a quarter the import creates for the statuses
    columns: list[ColumnInfo]
    questions: list[StatusQuestion]
    fates: list[RowFate]
    objectives: list[ObjectiveSpec]
    new_organisations: list[str]
    new_people: list[str]
    notes: list[str]
    inferences: list[str] = field(default_factory=list)  # what was read from layout rather than said outright

    @property
    def actions(self) -> list[ActionSpec]:
        return [a for o in self.objectives for p in o.priorities for a in p.actions]

    @property
    def counts(self) -> dict[str, int]:
        actions = self.actions
        return {
            "objectives": sum(1 for o in self.objectives if o.existing_id is None),
            "priorities": sum(1 for o in self.objectives for p in o.priorities if p.existing_id is None),
            "actions": sum(1 for a in actions if a.existing_id is None),
            "existing": sum(1 for a in actions if a.existing_id is not None),
            "updates": sum(1 for a in actions if a.record_update),
            "organisations": len(self.new_organisations),
            "people": len(self.new_people),
        }

    @property
    def problems(self) -> list[str]:
        """Why the import cannot be applied yet (empty when it can)."""
        out = []
        if self.questions:
            n = len(self.questions)
            out.append(f"{n} status value{'s are' if n != 1 else ' is'} not recognised; map "
                       f"{'them' if n != 1 else 'it'} to the plan's RAG scheme or a status before importing.")
        if not any(a.existing_id is None or a.record_update for a in self.actions):
            out.append("The file has no new actions or updates to import.")
        return out

    @property
    def ready(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportResult:
    plan_id: int
    plan_title: str
    objectives: int
    priorities: int
    actions: int
    updates: int
    people: int
    organisations: int


# ---------------------------------------------------------------------------------------------- columns


def heading_key(heading: str, column: int) -> str:
    key = normalise_heading(heading)
    return key or f"column {column_letter(column).lower()}"


def _header_rows(sheet: Sheet, overrides: Mapping[str, Field], scan: int = 50) -> list[int]:
    def is_header(row: int) -> bool:
        cells = sheet.rows[row]
        if is_header_row(cells):
            return True
        forced = [overrides.get(heading_key(text, c)) for c, text in enumerate(cells) if text]
        return Field.ACTION in forced and sum(1 for f in forced if f is not None) >= max(1, len(forced) // 2)

    first = next((r for r in range(min(scan, len(sheet.rows))) if is_header(r)), None)
    if first is None:
        return []
    return [first] + [r for r in range(first + 1, len(sheet.rows)) if is_header(r)]


def _map_sheets(source: Source, overrides: Mapping[str, Field]) -> tuple[list[MappedSheet], list[ColumnInfo]]:
    mapped: list[MappedSheet] = []
    columns: dict[str, ColumnInfo] = {}
    for sheet in source.sheets:
        headers = _header_rows(sheet, overrides)
        if not headers:
            continue
        used = {c for row in sheet.rows for c, text in enumerate(row) if text}
        mappings: dict[int, dict[int, Field]] = {}
        names: dict[int, dict[int, str]] = {}
        for h in headers:
            cells = sheet.rows[h]
            width = max([len(cells)] + [c + 1 for c in used])
            headings = [cells[c] if c < len(cells) else "" for c in range(width)]
            suggestions = suggest_mapping(headings)
            mapping: dict[int, Field] = {}
            for c, (heading, s) in enumerate(zip(headings, suggestions, strict=True)):
                if not heading and c not in used:
                    continue
                key = heading_key(heading, c)
                chosen = overrides.get(key, s.field)
                mapping[c] = chosen
                if key not in columns:
                    columns[key] = ColumnInfo(key, one_line(heading), column_letter(c), s.field, s.confidence, chosen)
            if Field.ACTION in mapping.values():
                mappings[h] = mapping
                names[h] = {c: one_line(headings[c]) or f"column {column_letter(c)}" for c in mapping}
        kept = [h for h in headers if h in mappings]
        if kept:
            mapped.append(MappedSheet(sheet, tuple(kept), mappings, names))
    return mapped, list(columns.values())


# ---------------------------------------------------------------------------------------------- store lookups


class _Directory:
    """The store's organisations, people and pathways, and the ones this import would add."""

    def __init__(self, session: Session) -> None:
        self.organisations = list(session.scalars(select(Organisation)))
        self.org_names: dict[str, str] = {}
        for o in self.organisations:
            for name in (o.name, o.short_name):
                if name:
                    self.org_names.setdefault(name.casefold(), o.display_name)
        self.people = list(session.scalars(select(Person)))
        self.new_orgs: dict[str, str] = {}
        self.new_people: dict[tuple[str, str, str], LeadReading] = {}
        self.pathway_rows = list(session.scalars(select(CriticalPathway)))
        self.pathways = {p.name.casefold(): p.name for p in self.pathway_rows}
        for name in plans.DEFAULT_PATHWAYS:
            self.pathways.setdefault(name.casefold(), name)

    def organisation(self, name: str | None) -> str | None:
        if not name:
            return None
        known = self.org_names.get(name.casefold())
        if known:
            return known
        return self.new_orgs.setdefault(name.casefold(), name)

    def person(self, lead: LeadReading) -> Person | None:
        org = (lead.organisation or "").casefold()
        for p in self.people:
            p_org = {n.casefold() for n in ((p.organisation.name, p.organisation.short_name) if p.organisation
                                              else ()) if n}
            org_ok = (not org and not p_org) or org in p_org or (not org and lead.name is not None)
            if lead.name and p.name and p.name.casefold() == lead.name.casefold() and org_ok:
                return p
            if lead.role and not p.name and p.job_title.casefold() == lead.role.casefold() and (
                    org in p_org or (not org and not p_org)):
                return p
        return None

    def note_person(self, lead: LeadReading) -> None:
        if self.person(lead) is None:
            self.new_people.setdefault(lead.key, lead)


def _lead_label(lead: LeadReading) -> str:
    who = lead.name or lead.role or ""
    return f"{who} ({lead.organisation})" if lead.organisation else who


# ---------------------------------------------------------------------------------------------- preview


def _strand(text: str) -> Strand | None:
    word = text.casefold()
    if not word.strip():
        return Strand.BOTH
    if re.search(r"\b(both|all|adults? and young|young people and adults?)\b", word):
        return Strand.BOTH
    if re.search(r"\b(young|youth|yp|child|children|juvenile|yos)\b", word):
        return Strand.YOUNG_PEOPLE
    if re.search(r"\badults?\b", word):
        return Strand.ADULTS
    return None


class _Previewer:
    def __init__(self, session: Session, source: Source, plan: Plan | None, options: ImportOptions,
                 many_sheets: bool) -> None:
        self.session = session
        self.source = source
        self.many_sheets = many_sheets
        self.plan = plan
        self.options = options
        self.directory = _Directory(session)
        self.notes: list[str] = []
        self.questions: dict[str, tuple[str, int, str, str]] = {}
        self.status_map = {status_key(k): v for k, v in options.statuses.items()}
        partnership: Partnership | None
        if plan is not None:
            partnership = plan.partnership
            self.scheme: RagScheme = scheme(plan.rag_scheme)
        else:
            partnership = session.scalars(select(Partnership).order_by(Partnership.id).limit(1)).first()
            self.scheme = scheme(options.rag_scheme or (partnership.rag_scheme if partnership else "rag"))
        self.partnership = partnership
        self.new_period: tuple[str, dt.date, dt.date] | None = None
        self.period_from = ""  # how the quarter was chosen, for the preview
        self.inferences: list[str] = []
        self.period = self._period()

    def _new_quarter(self, label: str) -> None:
        span = quarter_span(label)
        if span is None:
            raise ImportRejected(f"'{one_line(label)[:40]}' is not a quarter Pathways can read; write it as a "
                                 "financial-year quarter such as 2024/25 Q3.")
        for other in self.plan.periods if self.plan is not None else []:
            if span[1] <= other.end_date and other.start_date <= span[2]:
                raise ImportRejected(f"{span[0]} overlaps the plan's quarter {other.label}; choose that quarter "
                                     "or another.")
        self.new_period = span

    def _period(self) -> ReportingPeriod | None:
        if self.plan is None:
            if self.options.period:
                self._new_quarter(self.options.period)
                self.period_from = "the quarter chosen for the import"
            return None
        if self.options.period:
            try:
                period = find_period(self.session, self.plan.id, self.options.period)
            except NotFound as exc:
                if quarter_span(self.options.period) is None:
                    raise ImportRejected(f"{exc} A new quarter is written like 2024/25 Q3.") from None
                self._new_quarter(self.options.period)
                self.period_from = "the quarter chosen for the import"
                return None
            if period.is_closed:
                raise ImportRejected(f"{period.label} is closed; choose an open quarter for the imported RAG "
                                     "and progress.")
            return period
        current = current_period(self.session, self.plan.id)
        return current if current is not None and not current.is_closed else None

    def quarter_from_file(self, drafts: list[DraftAction]) -> None:
        """A new plan with no quarter chosen: the quarter the file's Quarter column gives (the latest, if several)."""
        if self.plan is not None or self.options.period or self.new_period is not None:
            return
        spans = {span for d in drafts if d.values.get(Field.QUARTER)
                 for span in [quarter_span(d.values[Field.QUARTER])] if span is not None}
        if not spans:
            return
        latest = max(spans, key=lambda x: x[1])
        self.new_period = latest
        self.period_from = "the file's Quarter column"
        if len(spans) > 1:
            others = ", ".join(x[0] for x in sorted(spans, key=lambda x: x[1]) if x != latest)
            self.notes.append(f"The file's Quarter column names several quarters; the statuses are recorded in the "
                              f"latest, {latest[0]} (also named: {others}). Choose another quarter to change this.")

    @property
    def period_label(self) -> str:
        if self.period is not None:
            return self.period.label
        return self.new_period[0] if self.new_period is not None else ""

    def choose_scheme(self, drafts: list[DraftAction]) -> None:
        """For a new plan with no scheme chosen: the partnership's, unless the file's statuses need another
        (Blue and Grey → BRAG; Amber/Red and Amber/Green → five-point). The choice is noted, never silent."""
        if self.plan is not None or self.options.rag_scheme:
            return
        values = {d.values[f] for d in drafts for f in (Field.STATUS, Field.RAG, Field.FORECAST_RAG)
                  if d.values.get(f)}
        unread = [v for v in values if parse_status(v, self.scheme) is None]
        if not unread:
            return
        for candidate in SCHEMES.values():
            if candidate.key != self.scheme.key and all(parse_status(v, candidate) is not None for v in values):
                self.notes.append(f"The file's statuses use the {candidate.name} scheme, so the new plan uses it "
                                  f"(not {self.scheme.name}).")
                self.scheme = candidate
                return

    # ---- values

    def _status(self, text: str, draft: DraftAction, f: Field) -> StatusReading:
        reading = parse_status(text, self.scheme)
        if reading is not None:
            return reading
        key = status_key(text)
        spec = self.status_map.get(key)
        if spec is not None:
            try:
                return reading_for(spec, self.scheme)
            except ValueError:
                pass
        example, count, first, column = self.questions.get(
            key, (one_line(text)[:60], 0, f"{draft.sheet} row {draft.row}" if self.many_sheets
                  else f"row {draft.row}", draft.columns.get(f, f.label)))
        self.questions[key] = (example, count + 1, first, column)
        return StatusReading()

    def _column(self, draft: DraftAction, f: Field) -> str:
        return draft.columns.get(f, f.label)

    def action(self, draft: DraftAction) -> ActionSpec:
        assert draft.fate is not None
        fate = draft.fate
        v = draft.values

        def note(message: str) -> None:
            if message not in fate.notes:
                fate.notes.append(message)

        # Long free text in a status or RAG column is commentary; only short values are statuses to map.
        sentences: list[str] = []
        commentary_in: set[Field] = set()
        for f in (Field.STATUS, Field.RAG):
            text = v.get(f, "")
            if (text and is_commentary(text) and parse_status(text, self.scheme) is None
                    and status_key(text) not in self.status_map):
                sentences.append(tidy(text))
                commentary_in.add(f)
                note(f"column '{self._column(draft, f)}' holds commentary, not a status; kept as progress "
                     "commentary")
        status_reading = (StatusReading() if Field.STATUS in commentary_in
                          else self._status(v.get(Field.STATUS, ""), draft, Field.STATUS))
        rag_reading = (StatusReading() if Field.RAG in commentary_in
                       else self._status(v.get(Field.RAG, ""), draft, Field.RAG))
        forecast_reading = self._status(v.get(Field.FORECAST_RAG, ""), draft, Field.FORECAST_RAG)
        rag = rag_reading.rag or status_reading.rag
        fill_rag = ""
        if rag is None and draft.fill:
            found = nearest_status(draft.fill, self.scheme,
                                   allow_grey=draft.fill_field in (Field.RAG, Field.STATUS))
            if found is not None:
                rag = fill_rag = found.key
                note(f"RAG {found.label} read from the fill colour of column '{draft.fill_column}'")
        status = status_reading.status or rag_reading.status
        if status is None:
            status = {None: ActionStatus.NOT_STARTED, "blue": ActionStatus.COMPLETE,
                      "grey": ActionStatus.NOT_STARTED}.get(rag, ActionStatus.IN_PROGRESS)
        # A due-date column that is the only timescale keeps its wording too ("Sep '19", "ongoing").
        words_from = Field.TIMESCALE if v.get(Field.TIMESCALE) or not v.get(Field.DUE) else Field.DUE
        timescale = parse_timescale(v.get(words_from, ""))
        due_reading = parse_timescale(v[Field.DUE]) if v.get(Field.DUE) else timescale
        due = due_reading.due or (due_reading.start if v.get(Field.DUE) else None)
        start = parse_date(v[Field.START]) if v.get(Field.START) else timescale.start
        if words_from == Field.DUE and re.fullmatch(r"\d{4}-\d{2}-\d{2}", timescale.text):
            timescale = Timescale("", due=due)  # a date cell: no wording to keep
        if v.get(Field.DUE) and due is None and normalise_word(v[Field.DUE]) not in ONGOING_WORDS:
            note(f"column '{self._column(draft, Field.DUE)}' is not a date Pathways can read; no due date set")
        if v.get(Field.START) and start is None:
            note(f"column '{self._column(draft, Field.START)}' is not a date Pathways can read; no start date set")
        if not timescale.understood and words_from == Field.TIMESCALE:
            note(f"the timescale in column '{self._column(draft, Field.TIMESCALE)}' is kept as text with no due date")
        if start and due and due < start:
            note("the start date is after the due date; the start date was left out")
            start = None
        timescale_text = timescale.text
        if len(timescale_text) > MAX_TIMESCALE:
            timescale_text = timescale_text[: MAX_TIMESCALE - 1] + "…"
            note(f"the timescale was longer than {MAX_TIMESCALE} characters and has been shortened")
        code = draft.code
        if len(code) > MAX_CODE:
            note(f"the code in column '{self._column(draft, Field.CODE)}' is longer than {MAX_CODE} characters; "
                 "a code was assigned instead")
            code = ""
        leads_reading = parse_leads(v.get(Field.LEAD, ""), {**self.directory.org_names,
                                                            **{k: n for k, n in self.directory.new_orgs.items()}})
        if leads_reading.unreadable:
            note(f"column '{self._column(draft, Field.LEAD)}' could not be read as lead officers; no lead was set")
        leads = tuple(lead for lead in leads_reading.leads
                      if len(lead.name or lead.role or "") <= MAX_NAME and len(lead.organisation or "") <= MAX_NAME)
        for lead in leads:
            self.directory.organisation(lead.organisation)
            self.directory.note_person(lead)
        organisation = one_line(v.get(Field.ORGANISATION, "")) or leads_reading.organisation
        if organisation and len(organisation) > MAX_NAME:
            note(f"column '{self._column(draft, Field.ORGANISATION)}' is too long for an organisation's name; "
                 "no lead organisation was set")
            organisation = None
        organisation = self.directory.organisation(organisation)
        percent = parse_percent(v.get(Field.PERCENT, ""))
        if v.get(Field.PERCENT) and percent is None:
            note(f"column '{self._column(draft, Field.PERCENT)}' is not a percentage from 0 to 100; it was left out")
        pathways = self._pathways(v.get(Field.PATHWAYS, ""))
        if pathways is None:
            note(f"a critical pathway in column '{self._column(draft, Field.PATHWAYS)}' is not one of the store's "
                 "pathways and was left out")
            pathways = self._pathways(v.get(Field.PATHWAYS, ""), partial=True) or []
        return ActionSpec(
            sheet=draft.sheet, row=draft.row, fate=fate, code=code, generated_code=False, text=draft.text,
            measures=split_items(v.get(Field.MEASURES, "")), outcome=tidy(v.get(Field.OUTCOME, "")), leads=leads,
            organisation=organisation, resources=tidy(v.get(Field.RESOURCES, "")), start=start, due=due,
            timescale=timescale_text, status=status, rag=rag, forecast_rag=forecast_reading.rag, percent=percent,
            commentary="\n".join(sentences + ([tidy(v[Field.PROGRESS])] if v.get(Field.PROGRESS) else [])),
            remedial=tidy(v.get(Field.REMEDIAL, "")), pathways=pathways, fill_rag=fill_rag,
            status_sentence=bool(sentences), note_lines=draft.note_lines,
        )

    def _pathways(self, text: str, *, partial: bool = False) -> list[str] | None:
        """The store's pathways named in ``text`` (names contain commas, so they are found, not split out);
        None when something else is written there too, unless ``partial``."""
        low = one_line(text).casefold()
        found: list[tuple[int, str]] = []
        for key, name in sorted(self.directory.pathways.items(), key=lambda kv: -len(kv[0])):
            at = low.find(key)
            if at >= 0:
                found.append((at, name))
                low = low.replace(key, " " * len(key))
        residue = re.sub(r"[\s;,/&|]+|\band\b", "", low)
        if residue and not partial:
            return None
        return [name for _, name in sorted(found)]

    # ---- matching against the target plan and recording updates

    def match(self, objectives: list[ObjectiveSpec]) -> None:
        if self.plan is None:
            return
        existing = {o.id: o for o in self.plan.objectives}
        for spec in objectives:
            found = _find(existing.values(), spec.code, spec.title, lambda o: (o.code, o.title))
            if found is None and spec.code:
                # "1" (implied by priority 1.1) is the plan's "Objective 1" or "SO 1".
                number = _trailing_number(spec.code)
                found = next((o for o in existing.values() if number and _trailing_number(o.code) == number), None)
            if found is None:
                continue
            spec.existing_id = found.id
            for p_spec in spec.priorities:
                pri = _find(found.priorities, p_spec.code, p_spec.text, lambda p: (p.code, p.text))
                if pri is None:
                    continue
                p_spec.existing_id = pri.id
                for a_spec in p_spec.actions:
                    act = _find(pri.actions, a_spec.code, a_spec.text, lambda a: (a.code, a.text))
                    if act is not None:
                        a_spec.existing_id = act.id

    def decide_updates(self, actions: list[ActionSpec]) -> None:
        wants = [a for a in actions if a.rag or a.forecast_rag or a.percent is not None or a.commentary or a.remedial]
        if not wants:
            return
        if self.period is None and self.new_period is None:
            where = "no quarter was chosen for them" if self.plan is None else "the plan has no open quarter"
            self.notes.append(f"RAG, % complete and progress commentary are not recorded: {where}. Choose the "
                              "quarter they belong to (--period, e.g. 2024/25 Q3) and the import records them "
                              "there, creating the quarter if need be.")
            return
        for a in wants:
            previous = latest_update(self.session, a.existing_id) if a.existing_id else None
            prior = previous.rag if previous else None
            if a.rag is None and previous is not None and (kept := self.scheme.find(prior)) is not None:
                # A blank RAG beside new progress means "not given", not "cleared": the status on record stands,
                # as a blank forecast or % complete does on a return form. Clearing it would hide a Red.
                a.rag = prior
                a.fate.notes.append(f"RAG left blank: {kept.label} from {previous.period.label} is kept")
            status = self.scheme.find(a.rag)
            # A status the tracker gives is kept even when the words the app asks for are missing: dropping a Red
            # for want of a remedial action would make the plan read better than the truth. The gaps are recorded
            # as "to be confirmed", so they show wherever remedial actions and commentary are shown.
            if status is not None and a.rag != prior and not a.commentary.strip():
                a.commentary, a.commentary_to_confirm = COMMENTARY_NOT_GIVEN, True
            has_owner = self._has_lead(a)
            if status is not None and status.needs_remedial and not a.remedial.strip():
                carried = self.scheme.find(previous.rag) if previous is not None else None
                if previous is not None and previous.remedial_action and carried is not None and carried.needs_remedial:
                    # Still Red/Amber and the file says nothing new: the remedial action on record stands.
                    a.remedial, a.remedial_owner_id = previous.remedial_action, previous.remedial_owner_id
                    a.remedial_carried, has_owner = previous.period.label, previous.remedial_owner_id is not None
                else:
                    a.remedial, a.remedial_to_confirm = REMEDIAL_TO_CONFIRM, True
            try:
                check_update(self.scheme, prior, rag=a.rag, forecast_rag=a.forecast_rag, percent_complete=a.percent,
                             commentary=a.commentary, remedial_action=a.remedial, has_remedial_owner=has_owner,
                             source=UpdateSource.IMPORT)
            except ValidationError as exc:
                a.fate.notes.append(f"RAG and progress not recorded: {str(exc).rstrip('.')}")
                continue
            a.record_update = True
            if status is None:
                continue
            if a.remedial_to_confirm:
                a.fate.notes.append(f"{status.label} kept; remedial action to be confirmed")
            if a.remedial_carried:
                a.fate.notes.append(f"{status.label} kept; remedial action carried forward from {a.remedial_carried}")
            if status.needs_remedial and not has_owner:
                why = "" if a.remedial_carried else " (no lead officer)"
                a.fate.notes.append(f"{status.label} kept; owner of the remedial action to be confirmed{why}")
            if a.commentary_to_confirm:
                a.fate.notes.append(f"{status.label} kept; commentary to be confirmed")

    def _has_lead(self, a: ActionSpec) -> bool:
        """Whether the action will have a lead officer to own a remedial action (its primary lead, as recorded)."""
        if a.existing_id is None:
            return bool(a.leads)
        existing = self.session.get(Action, a.existing_id)
        return existing is not None and existing.primary_lead is not None


def _trailing_number(code: str) -> str:
    m = re.search(r"(\d+)\s*$", code)
    return m.group(1) if m else ""


def _find(items: Iterable[T], code: str, text: str, key: Callable[[T], tuple[str, str]]) -> T | None:
    """The item with the same code (when there is one), else the same text; case does not matter."""
    if code:
        return next((item for item in items if key(item)[0].casefold() == code.casefold()), None)
    return next((item for item in items if key(item)[1].casefold() == text.casefold()), None)


def _letters(n: int) -> str:
    """0 → "a", 25 → "z", 26 → "aa"."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(97 + rem) + out
    return out


def _assign_codes(session: Session, objectives: list[ObjectiveSpec]) -> None:
    """Codes for actions the file gives none: the priority's code and a letter ("1.1a"), as the plans write them."""
    for o in objectives:
        for p in o.priorities:
            used = {a.code.casefold() for a in p.actions if a.code}
            if p.existing_id is not None:
                existing = session.get(Priority, p.existing_id)
                used |= {a.code.casefold() for a in (existing.actions if existing else []) if a.code}
            n = 0
            for a in p.actions:
                if a.code or a.existing_id is not None:
                    continue
                while True:
                    candidate = f"{p.code}{_letters(n)}" if p.code else str(n + 1)
                    n += 1
                    if candidate.casefold() not in used and len(candidate) <= MAX_CODE:
                        break
                used.add(candidate.casefold())
                a.code, a.generated_code = candidate, True


def _describe(fates: list[RowFate], actions: list[ActionSpec], period_label: str) -> None:
    by_fate: dict[int, list[ActionSpec]] = {}
    for a in actions:
        by_fate.setdefault(id(a.fate), []).append(a)
    for fate in fates:
        specs = by_fate.get(id(fate))
        if not specs:
            continue
        new = [a for a in specs if a.existing_id is None]
        old = [a for a in specs if a.existing_id is not None]
        parts = []
        if new:
            codes = ", ".join(a.code for a in new)
            parts.append(f"{len(new)} new actions ({codes}) from one cell" if len(new) > 1 else f"new action {codes}")
        if old:
            parts.append("already in the plan as " + ", ".join(a.code or "an action" for a in old)
                         + ("" if any(a.record_update for a in old) else "; left unchanged"))
        if any(a.record_update for a in specs):
            parts.append(f"RAG and progress recorded in {period_label}")
        fate.kind = FateKind.ACTION if new else FateKind.EXISTING
        fate.detail = "; ".join(parts)


def _quoted(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(f"\u201c{one_line(x)[:50]}\u201d" for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _inferences(sections: list[str], actions: list[ActionSpec], pv: _Previewer) -> list[str]:
    """What the import read from the file's layout rather than from its words, one line each, for the preview."""
    out: list[str] = []
    coloured = [a for a in actions if a.fill_rag]
    if coloured:
        counts = Counter(a.fill_rag for a in coloured)
        spread = ", ".join(f"{n} {pv.scheme.status(k).label}" for k, n in counts.most_common())
        n = len(coloured)
        out.append(f"Colour \u2192 RAG: {n} action{'s' if n != 1 else ''} had no RAG written, so it was read from "
                   f"the cell's fill colour ({spread}).")
    if sections:
        n = len(sections)
        out.append(f"Section row \u2192 objective: {n} row{'s' if n != 1 else ''} across the table "
                   f"{'were' if n != 1 else 'was'} read as the objective of the rows beneath: {_quoted(sections)}.")
    noted = [a for a in actions if a.note_lines]
    if noted:
        lines = sum(a.note_lines for a in noted)
        out.append(f"Note lines \u2192 progress: {lines} line{'s' if lines != 1 else ''} under "
                   f"{len(noted)} action{'s' if len(noted) != 1 else ''} (\u201cUpdate\u2026\u201d, a date, "
                   f"\u201cQ3:\u201d, a dash) {'were' if lines != 1 else 'was'} read as progress commentary, "
                   "not as new actions.")
    sentences = [a for a in actions if a.status_sentence]
    if sentences:
        n = len(sentences)
        out.append(f"Sentence \u2192 commentary: {n} status cell{'s' if n != 1 else ''} held sentences rather than a "
                   "status; they were kept as progress commentary.")
    to_confirm = [a for a in actions if a.record_update and a.remedial_to_confirm]
    if to_confirm:
        counts = Counter(pv.scheme.status(a.rag).label for a in to_confirm if a.rag)
        spread = ", ".join(f"{n} {label}" for label, n in counts.most_common())
        n = len(to_confirm)
        out.append(f"Kept without a remedial action: {n} action{'s' if n != 1 else ''} ({spread}) "
                   f"{'have' if n != 1 else 'has'} a status that needs one and the file gives none; the status is "
                   f"recorded with the remedial action \u201c{REMEDIAL_TO_CONFIRM}\u201d, owned by the action's "
                   "lead, and shows in the exceptions until it is replaced.")
    silent = [a for a in actions if a.record_update and a.commentary_to_confirm]
    if silent:
        n = len(silent)
        out.append(f"Kept without commentary: {n} status{'es' if n != 1 else ''} with no progress commentary "
                   f"{'are' if n != 1 else 'is'} recorded with \u201c{COMMENTARY_NOT_GIVEN}\u201d.")
    if pv.new_period is not None:
        label, start, end = pv.new_period
        out.append(f"Quarter: the statuses are recorded as updates in {label} ({start:%d %b %Y} \u2013 "
                   f"{end:%d %b %Y}), a new quarter created by the import, from {pv.period_from}.")
    return out


def _primary_leads(session: Session, action_ids: list[int]) -> dict[int, int]:
    """Each action's primary lead (its first lead by position), as person ids, in a few queries."""
    out: dict[int, int] = {}
    for i in range(0, len(action_ids), 500):
        rows = session.execute(
            select(ActionLead.action_id, ActionLead.person_id)
            .where(ActionLead.action_id.in_(action_ids[i:i + 500]))
            .order_by(ActionLead.action_id, ActionLead.position.desc())
        )
        out.update({action_id: person_id for action_id, person_id in rows})  # the lowest position is written last
    return out


def _title_from_name(name: str) -> str:
    stem = Path(name).stem.replace("_", " ").replace("-", " ")
    return " ".join(stem.split()) or "Imported plan"


def preview_import(
    session: Session, source: Path | Source, *, plan: Plan | None = None, options: ImportOptions | None = None
) -> ImportPlan:
    """Read ``source`` and work out what importing it would do; writes nothing.

    Raises :class:`ImportRejected` (one sentence, no cell contents) when the file cannot be imported at all.
    """
    options = options or ImportOptions()
    src = source if isinstance(source, Source) else read_source(Path(source))
    overrides = {k: Field(v) for k, v in options.columns.items()}
    mapped, columns = _map_sheets(src, overrides)
    if not mapped:
        if any(c.suggested == Field.ACTION for c in columns):
            raise ImportRejected("No column is mapped to Action; choose the column that holds the actions.")
        raise ImportRejected("No column of actions was recognised; the heading row should name one, such as "
                             "'Action' or 'Key Action'.")
    outline = build_outline(mapped, split_cells=options.split_cells)
    pv = _Previewer(session, src, plan, options, len(mapped) > 1)
    pv.choose_scheme(outline.actions)
    pv.quarter_from_file(outline.actions)
    objectives: list[ObjectiveSpec] = []
    for o in outline.objectives:
        o_spec = ObjectiveSpec(o.code if len(o.code) <= MAX_CODE else "", o.title)
        for p in o.priorities:
            strand = _strand(p.strand)
            if strand is None:
                pv.notes.append(f"The strand of priority {p.code or p.text[:30]} is not adults, young people or "
                                "both; it was set to both.")
                strand = Strand.BOTH
            p_spec = PrioritySpec(p.code if len(p.code) <= MAX_CODE else "", p.text, strand)
            p_spec.actions = [pv.action(d) for d in p.actions]
            o_spec.priorities.append(p_spec)
        objectives.append(o_spec)
    pv.match(objectives)
    _assign_codes(session, objectives)
    actions = [a for o in objectives for p in o.priorities for a in p.actions]
    pv.decide_updates(actions)
    _describe(outline.fates, actions, pv.period_label)
    inferences = _inferences(outline.section_objectives, actions, pv)
    if plan is not None:
        title = plan.title
    else:
        title = one_line(options.plan_title) or outline.title or _title_from_name(src.name)
        title = title[:300]
    partnership_name = pv.partnership.name if pv.partnership else _title_from_name(src.name)
    questions = [StatusQuestion(key, ex, count, first, column)
                 for key, (ex, count, first, column) in pv.questions.items()]
    return ImportPlan(
        source=src,
        options=options,
        plan_id=plan.id if plan else None,
        plan_title=title,
        partnership_id=pv.partnership.id if pv.partnership else None,
        partnership_name=partnership_name,
        rag_scheme=pv.scheme.key,
        period_id=pv.period.id if pv.period else None,
        period_label=pv.period_label,
        new_period=pv.new_period,
        columns=columns,
        questions=questions,
        fates=outline.fates,
        objectives=objectives,
        new_organisations=sorted(pv.directory.new_orgs.values(), key=str.casefold),
        new_people=sorted((_lead_label(p) for p in pv.directory.new_people.values()), key=str.casefold),
        notes=pv.notes,
        inferences=inferences,
    )


# ---------------------------------------------------------------------------------------------- apply


def apply_import(session: Session, actor: Actor, preview: ImportPlan) -> ImportResult:
    """Write the previewed import in one savepoint (all of it or, on any error, none of it)."""
    problems = preview.problems
    if problems:
        raise ImportRejected(problems[0])
    reason = f"Imported from {preview.source.name}"
    created = Counter[str]()
    with session.begin_nested():
        directory = _Directory(session)
        orgs: dict[str, Organisation] = {}
        for o in directory.organisations:
            for name in (o.name, o.short_name):
                if name:
                    orgs.setdefault(name.casefold(), o)

        def organisation(name: str | None) -> Organisation | None:
            if not name:
                return None
            found = orgs.get(name.casefold())
            if found is None:
                found = plans.add_organisation(session, actor, name)
                orgs[name.casefold()] = found
                created["organisations"] += 1
            return found

        people: dict[tuple[str, str, str], Person] = {}

        def person(lead: LeadReading) -> Person:
            found = people.get(lead.key) or directory.person(lead)
            if found is None:
                found = plans.add_person(session, actor, name=lead.name, job_title=lead.role or "",
                                         organisation=organisation(lead.organisation))
                directory.people.append(found)
                created["people"] += 1
            people[lead.key] = found
            return found

        if preview.partnership_id is not None:
            partnership = session.get(Partnership, preview.partnership_id)
            if partnership is None:
                raise ImportRejected("The partnership was deleted after the preview; preview the import again.")
        else:
            partnership = plans.add_partnership(session, actor, preview.partnership_name)
        if preview.plan_id is not None:
            plan = session.get(Plan, preview.plan_id)
            if plan is None:
                raise ImportRejected("The plan was deleted after the preview; preview the import again.")
        else:
            plan = plans.add_plan(session, actor, partnership, preview.plan_title, source=reason,
                                  rag_scheme=preview.rag_scheme)
        # The audit head is read on every audited change; holding it keeps it in the session's identity map (which
        # holds objects weakly) instead of reloading it each time. It exists once anything has been audited.
        audit_head = session.get(StoreMeta, audit.HEAD_KEY)
        period: ReportingPeriod | None = None
        if preview.period_id is not None:
            period = session.get(ReportingPeriod, preview.period_id)
        elif preview.new_period is not None and preview.counts["updates"]:
            from desktop.services.periods import add_period

            label, start, end = preview.new_period
            try:
                period = add_period(session, actor, plan, label, start, end)
            except ValidationError as exc:
                raise ImportRejected(f"The quarter {label} could not be created: {exc}") from None
        if period is not None and period.is_closed:
            raise ImportRejected(f"{period.label} was closed after the preview; preview the import again.")

        if any(a.pathways for a in preview.actions) and not directory.pathway_rows:
            plans.ensure_default_pathways(session)  # the default taxonomy, in its order, before any is used

        new_actions: list[plans.NewAction] = []
        new_specs: list[ActionSpec] = []
        to_update: list[tuple[ActionSpec, int]] = []
        obj_pos = max((o.position for o in plan.objectives), default=-1) + 1
        for o_spec in preview.objectives:
            objective = session.get(Objective, o_spec.existing_id) if o_spec.existing_id is not None else None
            if objective is None:
                objective = plans.add_objective(session, actor, plan, o_spec.code, o_spec.title, position=obj_pos)
                obj_pos += 1
                created["objectives"] += 1
            pri_pos = max((p.position for p in objective.priorities), default=-1) + 1
            for p_spec in o_spec.priorities:
                priority = session.get(Priority, p_spec.existing_id) if p_spec.existing_id is not None else None
                if priority is None:
                    priority = plans.add_priority(session, actor, objective, p_spec.code, p_spec.text, p_spec.strand,
                                                  position=pri_pos)
                    pri_pos += 1
                    created["priorities"] += 1
                act_pos = max((a.position for a in priority.actions), default=-1) + 1
                for a in p_spec.actions:
                    if a.existing_id is not None:
                        existing = session.get(Action, a.existing_id)
                        if existing is not None:
                            if a.record_update:
                                to_update.append((a, existing.id))
                            continue
                    new_actions.append(plans.NewAction(
                        priority, a.code, a.text, progress_measures=a.measures, expected_outcome=a.outcome,
                        leads=[person(lead) for lead in a.leads], lead_organisation=organisation(a.organisation),
                        resources=a.resources, start_date=a.start, due_date=a.due, timescale=a.timescale,
                        status=a.status, pathways=a.pathways, position=act_pos,
                    ))
                    new_specs.append(a)
                    act_pos += 1
        # All new actions in a few set-based inserts, each still audited.
        ids = plans.add_actions(session, actor, new_actions, reason=reason)
        created["actions"] += len(ids)
        to_update += [(a, action_id) for a, action_id in zip(new_specs, ids, strict=True) if a.record_update]
        if period is not None and to_update:
            owners = _primary_leads(session, [action_id for a, action_id in to_update
                                              if a.remedial and not a.remedial_carried])
            # One set-based write with the rules of an update entered in the app (updates.check_update).
            try:
                written = record_updates(session, actor, period, [
                    NewUpdate(action_id, a.rag, forecast_rag=a.forecast_rag, percent_complete=a.percent,
                              commentary=a.commentary, remedial_action=a.remedial,
                              remedial_owner_id=(a.remedial_owner_id if a.remedial_carried
                                                 else owners.get(action_id) if a.remedial else None))
                    for a, action_id in to_update
                ], source=UpdateSource.IMPORT, reason=reason)
            except ValidationError as exc:
                raise ImportRejected(f"{exc} Preview the import again.") from None
            created["updates"] += len(written)
        del audit_head
    return ImportResult(
        plan_id=plan.id, plan_title=plan.title, objectives=created["objectives"], priorities=created["priorities"],
        actions=created["actions"], updates=created["updates"], people=created["people"],
        organisations=created["organisations"],
    )
