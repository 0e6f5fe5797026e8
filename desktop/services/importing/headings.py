"""Column headings → the plan field each column most likely holds.

Real plans word their headings many ways ("Key Action", "Action Required", "Lead Officer / Agency", "R/A/G",
"COMPLETION DATE*"); the table below lists the ones seen in partnership documents, and a few keyword rules catch
close variants. A suggestion is only a suggestion: the user confirms or changes the mapping before anything is
written.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass


class Field(enum.StrEnum):
    """What a source column can be imported as."""

    OBJECTIVE_CODE = "objective_code"
    OBJECTIVE = "objective"
    PRIORITY_CODE = "priority_code"
    PRIORITY = "priority"
    STRAND = "strand"
    CODE = "code"
    ACTION = "action"
    MEASURES = "measures"
    OUTCOME = "outcome"
    LEAD = "lead"
    ORGANISATION = "organisation"
    RESOURCES = "resources"
    START = "start"
    DUE = "due"
    TIMESCALE = "timescale"
    STATUS = "status"
    RAG = "rag"
    FORECAST_RAG = "forecast_rag"
    PERCENT = "percent"
    PROGRESS = "progress"
    REMEDIAL = "remedial"
    PATHWAYS = "pathways"
    QUARTER = "quarter"
    IGNORE = "ignore"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        return FIELD_LABELS[self]


FIELD_LABELS: dict[Field, str] = {
    Field.OBJECTIVE_CODE: "Objective code",
    Field.OBJECTIVE: "Objective",
    Field.PRIORITY_CODE: "Priority code",
    Field.PRIORITY: "Priority",
    Field.STRAND: "Strand (adults / young people)",
    Field.CODE: "Action code",
    Field.ACTION: "Action",
    Field.MEASURES: "Progress measure(s)",
    Field.OUTCOME: "Expected outcome",
    Field.LEAD: "Lead officer(s)",
    Field.ORGANISATION: "Lead organisation",
    Field.RESOURCES: "Resources",
    Field.START: "Start date",
    Field.DUE: "Due date",
    Field.TIMESCALE: "Timescale (free text)",
    Field.STATUS: "Status",
    Field.RAG: "RAG",
    Field.FORECAST_RAG: "Forecast RAG",
    Field.PERCENT: "% complete",
    Field.PROGRESS: "Progress / commentary",
    Field.REMEDIAL: "Remedial action",
    Field.PATHWAYS: "Critical pathways",
    Field.QUARTER: "Quarter of the status",
    Field.IGNORE: "(not imported)",
}

# Fields whose text from several columns is joined rather than one column winning.
APPENDABLE = frozenset({Field.MEASURES, Field.OUTCOME, Field.RESOURCES, Field.PROGRESS, Field.REMEDIAL})

# Exact headings (after normalising) seen in partnership plans and Pathways' own exports.
KNOWN_HEADINGS: dict[str, Field] = {
    **dict.fromkeys(("objective code", "objective ref", "objective no", "so code", "so no", "so"),
                    Field.OBJECTIVE_CODE),
    **dict.fromkeys(("objective", "objectives", "strategic objective", "strategic objectives", "aim", "outcome area",
                     "theme", "section", "strategic aim"), Field.OBJECTIVE),
    **dict.fromkeys(("priority code", "priority ref", "priority no", "priority number"), Field.PRIORITY_CODE),
    **dict.fromkeys(("priority", "priorities", "key priority", "priority area", "recommendation", "recommendations",
                     "goal", "area of work", "workstream", "work stream", "key area", "issue"), Field.PRIORITY),
    **dict.fromkeys(("strand", "cohort", "adults young people"), Field.STRAND),
    **dict.fromkeys(("action code", "code", "ref", "reference", "ref no", "no", "number", "id", "action ref",
                     "action no", "action number", "action id", "item", "item no"), Field.CODE),
    **dict.fromkeys(("action", "actions", "key action", "key actions", "action required", "actions required",
                     "proposed action", "executive response proposed action", "executive response",
                     "what we will do", "we will", "activity", "activities", "task", "tasks", "description",
                     "action description", "deliverable", "deliverables", "intervention"), Field.ACTION),
    **dict.fromkeys(("progress measure", "progress measures", "measure", "measures", "measure of success",
                     "measures of success", "success measure", "success measures", "success criteria",
                     "performance measure", "performance measures", "kpi", "kpis", "indicator", "indicators",
                     "milestone", "milestones", "how will we know", "target", "targets"), Field.MEASURES),
    **dict.fromkeys(("outcome", "outcomes", "expected outcome", "expected outcomes", "intended outcome",
                     "desired outcome", "impact", "expected impact"), Field.OUTCOME),
    **dict.fromkeys(("lead officer", "lead officers", "lead officer agency", "lead officer s", "owner", "owners",
                     "action owner", "lead", "leads", "lead person", "responsible officer", "responsible",
                     "responsibility", "responsibility resource", "who", "by whom", "lead s", "accountable officer",
                     "lead contact", "officer"), Field.LEAD),
    **dict.fromkeys(("lead organisation", "lead agency", "organisation", "agency", "partner", "lead partner",
                     "lead organisation agency", "responsible agency", "partner agency"), Field.ORGANISATION),
    **dict.fromkeys(("resources", "resource", "resourcing", "funding", "budget", "cost", "costs",
                     "financial other implications", "financial implications", "implications"), Field.RESOURCES),
    **dict.fromkeys(("start date", "start", "date started", "commencement date"), Field.START),
    **dict.fromkeys(("due date", "due", "due by", "deadline", "target date", "end date", "date due"), Field.DUE),
    **dict.fromkeys(("timescale", "timescales", "timeframe", "time frame", "timeline", "by when", "when",
                     "planned completion date", "completion date", "forecast end date", "target completion date",
                     "date", "target completion", "expected completion date", "planned end date"),
                    Field.TIMESCALE),
    **dict.fromkeys(("status", "current status", "current status of action", "action status", "overall status",
                     "progress status", "delivery status", "state"), Field.STATUS),
    **dict.fromkeys(("rag", "r a g", "rag rating", "rag status", "rag rating current", "current rag", "rating",
                     "red amber green", "brag", "b r a g", "rag this quarter"), Field.RAG),
    **dict.fromkeys(("forecast rag", "forecast", "forecast status", "forecast rating", "direction rag forecast",
                     "predicted rag"), Field.FORECAST_RAG),
    **dict.fromkeys(("percent complete", "percentage complete", "pct complete", "percent", "percent done"),
                    Field.PERCENT),
    **dict.fromkeys(("progress", "progress update", "progress notes", "progress to date", "update", "updates",
                     "commentary", "comment", "comments", "notes", "latest update", "progress commentary",
                     "progress made", "narrative", "quarterly update", "position statement"), Field.PROGRESS),
    **dict.fromkeys(("remedial action", "remedial actions", "remedial", "mitigation", "mitigating action",
                     "corrective action", "action to address", "remedial action owner"), Field.REMEDIAL),
    **dict.fromkeys(("quarter", "reporting quarter", "status quarter", "period", "reporting period"),
                    Field.QUARTER),
    **dict.fromkeys(("last updated", "date updated", "updated", "direction of travel", "direction", "dot",
                     "previous rag", "last quarter"), Field.IGNORE),
    # Headings written as the questions a plan answers ("What are we going to do?").
    **dict.fromkeys(("what are we going to do", "what will we do", "what we are going to do", "what do we need to do",
                     "what needs to be done", "what are we doing", "what will be done"), Field.ACTION),
    **dict.fromkeys(("who will lead", "who is leading", "who leads", "who will lead it", "who is responsible",
                     "who will do it", "who will be responsible"), Field.LEAD),
    **dict.fromkeys(("who else needs to be involved", "who else is involved", "who else will be involved",
                     "who else", "partners involved", "supporting partners", "supporting agencies"),
                    Field.RESOURCES),
    **dict.fromkeys(("how will we know whether we have succeeded", "how will we know if we have succeeded",
                     "how will we know we have succeeded", "how will we measure success",
                     "how will we know it has worked", "how will we measure it"), Field.MEASURES),
    **dict.fromkeys(("when do we aim to do it by", "when will it be done", "when will it be done by",
                     "when will we do it", "by when will it be done", "when by"), Field.TIMESCALE),
    **dict.fromkeys(("what difference will it make", "why are we doing it", "why are we doing this"),
                    Field.OUTCOME),
    **dict.fromkeys(("where are we now", "how are we doing", "what progress have we made", "what has been done"),
                    Field.PROGRESS),
    **dict.fromkeys(("critical pathways", "critical pathway", "pathway", "pathways", "reducing reoffending pathway",
                     "reducing re offending pathway"), Field.PATHWAYS),
}

# Keyword rules for close variants: (pattern, field), tried in order; a match is a weaker suggestion.
_KEYWORDS: tuple[tuple[re.Pattern[str], Field], ...] = tuple(
    (re.compile(pattern), field)
    for pattern, field in (
        # Questions first: "Who else needs to be involved?" names partners, not the lead.
        (r"^who else\b|\binvolved\b", Field.RESOURCES),
        (r"^who\b", Field.LEAD),
        (r"^how will we (know|measure|tell)\b|\bsucceeded\b", Field.MEASURES),
        (r"^(when|by when)\b", Field.TIMESCALE),
        (r"^what\b.*\b(do|done|doing|deliver)$", Field.ACTION),
        (r"^(what|where)\b.*\b(progress|now|doing)\b", Field.PROGRESS),
        (r"\bforecast\b.*\b(rag|status|rating)\b", Field.FORECAST_RAG),
        (r"\bremedial\b|\bmitigat", Field.REMEDIAL),
        (r"\bobjective\b.*\b(code|ref|no)\b", Field.OBJECTIVE_CODE),
        (r"\bpriority\b.*\b(code|ref|no)\b", Field.PRIORITY_CODE),
        (r"\baction\b.*\b(code|ref|no|number|id)\b", Field.CODE),
        (r"\brag\b|\br a g\b|\bbrag\b", Field.RAG),
        (r"\bpercent", Field.PERCENT),
        (r"\bstatus\b", Field.STATUS),
        (r"\bmeasure|\bkpi|\bindicator|\bmilestone|\bsuccess\b", Field.MEASURES),
        (r"\boutcome", Field.OUTCOME),
        (r"\blead\b.*\b(organisation|agency|partner)\b|\b(organisation|agency)\b", Field.ORGANISATION),
        (r"\blead\b|\bowner|\bresponsib|\bofficer\b|\bperson\b", Field.LEAD),
        (r"\bresourc|\bfunding|\bbudget|\bcost|\bimplication", Field.RESOURCES),
        (r"\bstart", Field.START),
        (r"\bdue\b|\bdeadline", Field.DUE),
        (r"\btimescale|\bdate\b|\bwhen\b|\btime ?frame|\bcompletion\b", Field.TIMESCALE),
        (r"\bprogress\b|\bupdate|\bcomment|\bnotes?\b", Field.PROGRESS),
        (r"\baction|\bactivit|\btask|\bresponse\b", Field.ACTION),
        (r"\bpriorit|\brecommendation", Field.PRIORITY),
        (r"\bobjective|\baim\b", Field.OBJECTIVE),
        (r"\bpathway", Field.PATHWAYS),
        (r"\bref\b|\bcode\b", Field.CODE),
    )
)


@dataclass(frozen=True)
class Suggestion:
    field: Field
    confidence: float  # 1.0 exact heading, 0.6 keyword, 0.0 none


def normalise_heading(text: str) -> str:
    """ "Lead Officer /\\nAgency" → "lead officer agency"; "COMPLETION DATE*" → "completion date"."""
    text = text.casefold().replace("&", " and ").replace("%", " percent ")
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def suggest_field(heading: str) -> Suggestion:
    key = normalise_heading(heading)
    if not key:
        return Suggestion(Field.IGNORE, 0.0)
    if key in KNOWN_HEADINGS:
        return Suggestion(KNOWN_HEADINGS[key], 1.0)
    if len(key) > 60:  # a sentence, not a heading
        return Suggestion(Field.IGNORE, 0.0)
    for pattern, field in _KEYWORDS:
        if pattern.search(key):
            return Suggestion(field, 0.6)
    return Suggestion(Field.IGNORE, 0.0)


def suggest_mapping(headings: Sequence[str]) -> list[Suggestion]:
    """One suggestion per column; a single-valued field goes to the most confident column, the others are ignored."""
    suggestions = [suggest_field(h) for h in headings]
    best: dict[Field, int] = {}
    for index, s in enumerate(suggestions):
        if s.field == Field.IGNORE or s.field in APPENDABLE:
            continue
        if s.field not in best or s.confidence > suggestions[best[s.field]].confidence:
            best[s.field] = index
    keep = [s.field in APPENDABLE or s.field == Field.IGNORE or best.get(s.field) == i
            for i, s in enumerate(suggestions)]
    return [s if kept else Suggestion(Field.IGNORE, 0.0) for s, kept in zip(suggestions, keep, strict=True)]


def header_score(cells: Sequence[str]) -> tuple[int, int, bool]:
    """How much a row looks like a heading row: (exact headings, close variants, has an action heading).

    Long cells are sentences of the plan itself, never headings.
    """
    exact = close = 0
    has_action = False
    for cell in cells:
        text = cell.strip()
        if not text or len(text) > 60:
            continue
        key = normalise_heading(text)
        if key in KNOWN_HEADINGS:
            exact += 1
            has_action = has_action or KNOWN_HEADINGS[key] == Field.ACTION
            continue
        s = suggest_field(text)
        if s.field != Field.IGNORE and len(text.split()) <= 5:
            close += 1
            has_action = has_action or s.field == Field.ACTION
    return exact, close, has_action


def is_header_row(cells: Sequence[str]) -> bool:
    """A heading row names an action column, most of its filled cells are headings, and at least one is a heading
    exactly as plans write them (so "DRAFT ACTION PLAN" alone is a title, not a heading row)."""
    filled = sum(1 for c in cells if c.strip())
    exact, close, has_action = header_score(cells)
    if not has_action or exact == 0:
        return False
    if exact + close < max(1, (filled + 1) // 2):
        return False
    return filled == 1 or exact + close >= 2
