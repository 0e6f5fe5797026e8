"""Rows → objectives → priorities → actions.

Plans carry their hierarchy in three ways, often mixed:

* columns ("Objective", "Priority", with blank or merged cells meaning "same as above");
* section rows above or between the tables ("Objective 1: Improving pathways…", "GENERAL", "1. Board to define…");
* numbering: a code column (or codes at the start of the action cell) where "1" is the parent of "1.1" and "1.1.1",
  "(1a)" belongs to 1, "a)"–"g)" follow the number above them and "i)"–"x)" the letter above them.

Every row gets a fate saying what became of it; nothing is dropped without saying so.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from desktop.services.importing.colours import is_status_colour
from desktop.services.importing.headings import APPENDABLE, Field, is_header_row
from desktop.services.importing.reading import Sheet, column_letter
from desktop.services.importing.values import (
    clean_code,
    code_path,
    objective_heading,
    one_line,
    parse_timescale,
    split_code,
    split_items,
    split_notes,
    tidy,
)

# Fields that place a row in the hierarchy rather than describe an action.
STRUCTURE = frozenset({Field.OBJECTIVE_CODE, Field.OBJECTIVE, Field.PRIORITY_CODE, Field.PRIORITY, Field.STRAND})
# Fields whose items are shared out when one cell holds several actions.
SHARED_LISTS = (Field.MEASURES, Field.OUTCOME)
DEFAULT_OBJECTIVE = "Imported actions"
DEFAULT_PRIORITY = "Actions without a priority in the file"


class FateKind(enum.StrEnum):
    ACTION = "action"  # becomes one or more new actions
    EXISTING = "existing"  # matches an action already in the plan
    CONTINUATION = "continuation"  # adds to the action above it
    OBJECTIVE = "objective"  # sets the objective of the rows below
    PRIORITY = "priority"  # sets the priority of the rows below
    HEADER = "header"
    PREAMBLE = "preamble"  # titles and notes above the table
    BLANK = "blank"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return self.value


@dataclass
class RowFate:
    """What happens to one row. ``excerpt`` is the start of the row's main text, for the preview only."""

    sheet: str
    row: int  # 1-based, as the spreadsheet shows it
    kind: FateKind
    detail: str
    excerpt: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"row {self.row}" if not self.sheet else f"{self.sheet} row {self.row}"


@dataclass
class DraftAction:
    sheet: str
    row: int
    code: str
    text: str
    values: dict[Field, str] = field(default_factory=dict)
    columns: dict[Field, str] = field(default_factory=dict)  # field → heading, for messages
    fate: RowFate | None = None
    fill: str = ""  # the "rrggbb" fill of the row's RAG-coloured cell, when the file shows RAG as colour
    fill_column: str = ""  # that cell's column heading, for messages
    fill_field: Field = Field.IGNORE  # what that column is mapped to (RAG, status, or something else)
    note_lines: int = 0  # progress notes read from lines under the action text


@dataclass
class DraftPriority:
    code: str
    text: str
    strand: str = ""
    actions: list[DraftAction] = field(default_factory=list)


@dataclass
class DraftObjective:
    code: str
    title: str
    priorities: list[DraftPriority] = field(default_factory=list)
    default: bool = False


@dataclass(frozen=True)
class MappedSheet:
    """A sheet, its heading rows, and which field each column of each table holds."""

    sheet: Sheet
    header_rows: tuple[int, ...]  # 0-based
    mappings: Mapping[int, Mapping[int, Field]]  # header row → column → field
    headings: Mapping[int, Mapping[int, str]]  # header row → column → heading as written


@dataclass
class Outline:
    objectives: list[DraftObjective]
    fates: list[RowFate]
    title: str = ""
    # Section rows inside a table read as objectives ("PATHWAY: Accommodation", a merged row of one text).
    section_objectives: list[str] = field(default_factory=list)

    @property
    def actions(self) -> list[DraftAction]:
        return [a for o in self.objectives for p in o.priorities for a in p.actions]


def _excerpt(text: str, limit: int = 70) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _is_caps_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and not any(c.islower() for c in letters) and len(text) <= 100


def _is_date(text: str) -> bool:
    """ "18 July 2014" above a table is the date of the document, not item 18."""
    reading = parse_timescale(text)
    return reading.due is not None or reading.start is not None


def share_out(items: Sequence[str], n: int) -> list[list[str]]:
    """Share ``items`` among ``n`` actions: one each when the counts match, all to each when there is one, else
    in order (the first actions get the first items)."""
    m = len(items)
    if n <= 1:
        return [list(items)]
    if m == 0:
        return [[] for _ in range(n)]
    if m == n:
        return [[x] for x in items]
    if m == 1:
        return [list(items) for _ in range(n)]
    return [list(items[i * m // n:(i + 1) * m // n]) for i in range(n)]


class _Builder:
    def __init__(self, sheets: Sequence[MappedSheet], split_cells: bool) -> None:
        self.sheets = sheets
        self.split_cells = split_cells
        self.objectives: list[DraftObjective] = []
        self.fates: list[RowFate] = []
        self.title = ""
        self.obj: DraftObjective | None = None
        self.pri: DraftPriority | None = None
        self.last: list[DraftAction] = []
        self.sheet_default: DraftObjective | None = None
        self.many_sheets = len(sheets) > 1
        self.obj_implied = False  # the current objective came from numbering, not from the file's own words
        self.section_objectives: list[str] = []
        self.fill_column: int | None = None
        self.fill_heading = ""
        self.fill_field = Field.IGNORE

    # ---- finding or adding levels

    def _objective(self, code: str, title: str) -> DraftObjective:
        for o in self.objectives:
            if (code and o.code.casefold() == code.casefold()) or (not code and not o.code
                                                                  and o.title.casefold() == title.casefold()):
                if title and o.title == o.code and title != code:
                    o.title = title  # an implied objective gets its real title when it appears
                return o
        o = DraftObjective(code, title or code)
        self.objectives.append(o)
        return o

    def _default_objective(self, sheet: Sheet) -> DraftObjective:
        if self.sheet_default is None:
            title = sheet.name if self.many_sheets and sheet.name.strip() else DEFAULT_OBJECTIVE
            self.sheet_default = self._objective("", title)
            self.sheet_default.default = True
        return self.sheet_default

    def _implied_objective(self, priority_code: str, sheet: Sheet) -> DraftObjective:
        path = code_path(priority_code)
        if path is not None and path.kind == "number" and len(path.parts) >= 2:
            number = path.parts[0]
            for o in self.objectives:
                tail = o.code.split()[-1] if o.code.split() else ""
                if tail == number:
                    return o
            return self._objective(number, f"Objective {number}")
        return self._default_objective(sheet)

    def _objective_for(self, code: str, sheet: Sheet) -> DraftObjective:
        """The objective a numbered priority belongs to: the current one when it was given (a section row or an
        objective column), else the one its number implies ("2.1" → 2)."""
        if self.obj is not None and not self.obj_implied:
            return self.obj
        implied = self._implied_objective(code, sheet)
        if self.obj is not None and implied.default:
            return self.obj
        self.obj_implied = not implied.default
        self.obj = implied
        return implied

    def _priority(self, objective: DraftObjective, code: str, text: str) -> DraftPriority:
        for p in objective.priorities:
            if (code and p.code.casefold() == code.casefold()) or (not code and not p.code
                                                                  and p.text.casefold() == text.casefold()):
                return p
        p = DraftPriority(code, text or code)
        objective.priorities.append(p)
        return p

    def _default_priority(self, sheet: Sheet) -> DraftPriority:
        objective = self.obj or self._default_objective(sheet)
        return self._priority(objective, "", DEFAULT_PRIORITY)

    # ---- sheets

    def run(self) -> Outline:
        for mapped in self.sheets:
            self.obj, self.pri, self.last, self.sheet_default = None, None, [], None
            self.obj_implied = False
            self._sheet(mapped)
        # Levels that ended up with no actions (sections with nothing under them) are not created.
        for o in self.objectives:
            o.priorities = [p for p in o.priorities if p.actions]
        self.objectives = [o for o in self.objectives if o.priorities]
        return Outline(self.objectives, self.fates, self.title, self.section_objectives)

    def _fate(self, sheet: Sheet, row: int, kind: FateKind, detail: str, excerpt: str = "") -> RowFate:
        fate = RowFate(sheet.name if self.many_sheets else "", row + 1, kind, detail, _excerpt(excerpt))
        self.fates.append(fate)
        return fate

    def _sheet(self, mapped: MappedSheet) -> None:
        sheet = mapped.sheet
        rows = sheet.rows
        headers = set(mapped.header_rows)
        first_header = mapped.header_rows[0]
        headings_row = first_header
        preamble: list[str] = []
        heading_paths = self._code_headings(mapped)
        lead_in = self._lead_in(sheet, first_header)
        for r, cells in enumerate(rows):
            filled = [(c, text) for c, text in enumerate(cells) if text]
            if r in headers:
                headings_row = r
                self.fill_column = rag_fill_column(mapped, r)
                self.fill_heading = (mapped.headings[r].get(self.fill_column, "") if self.fill_column is not None
                                     else "")
                self.fill_field = (mapped.mappings[r].get(self.fill_column, Field.IGNORE)
                                   if self.fill_column is not None else Field.IGNORE)
                self._fate(sheet, r, FateKind.HEADER, "heading row")
                continue
            if not filled:
                self._fate(sheet, r, FateKind.BLANK, "blank row")
                continue
            if r < first_header:
                if r in lead_in:
                    self._section(sheet, r, filled[0][1])
                else:
                    self._preamble_row(sheet, r, filled, preamble)
                continue
            mapping = mapped.mappings[headings_row]
            names = mapped.headings[headings_row]
            if self._is_section(mapped, r, filled, mapping):
                self._section(sheet, r, filled[0][1], spanning=(r, filled[0][0]) in sheet.spans)
                continue
            self._data_row(sheet, r, cells, mapping, names, heading_paths)
        if not self.title and preamble:
            self.title = preamble[0]

    @staticmethod
    def _lead_in(sheet: Sheet, first_header: int) -> set[int]:
        """Section rows straight above the first table ("GENERAL", "1. Board to define…"): walking up from the
        heading row, single-cell headings, numbered lines and objective rows, up to the first other text."""
        rows: set[int] = set()
        for r in range(first_header - 1, -1, -1):
            filled = [t for t in sheet.rows[r] if t]
            if not filled:
                continue
            if len(filled) != 1:
                break
            text = filled[0]
            code, rest = split_code(text, bare_numbers=True)
            numbered = bool(code and rest and len(text) <= 200 and not _is_date(text))
            if objective_heading(text) or _is_caps_heading(text) or numbered:
                rows.add(r)
                continue
            break
        return rows

    def _preamble_row(self, sheet: Sheet, r: int, filled: list[tuple[int, str]], preamble: list[str]) -> None:
        text = filled[0][1]
        heading = objective_heading(text) if len(filled) == 1 else None
        if heading:
            self.obj = self._objective(*heading)
            self.pri, self.obj_implied = None, False
            self._fate(sheet, r, FateKind.OBJECTIVE, f"objective {heading[0]}", heading[1])
            return
        self._fate(sheet, r, FateKind.PREAMBLE, "title or notes above the table; not imported", text)
        if not self.title and len(filled) == 1 and len(one_line(text)) <= 150:
            if preamble and "plan" in text.casefold() and "plan" not in preamble[0].casefold() and len(text) <= 60:
                second = text.title() if text.isupper() else text
                self.title = f"{preamble[0]} – {one_line(second)}"
            elif not preamble:
                preamble.append(one_line(text))

    def _is_section(self, mapped: MappedSheet, r: int, filled: list[tuple[int, str]],
                    mapping: Mapping[int, Field]) -> bool:
        if len(filled) != 1:
            return False
        c, text = filled[0]
        sheet = mapped.sheet
        if (r, c) in sheet.continued:
            return False
        if objective_heading(text) or (r, c) in sheet.spans or _is_caps_heading(text):
            return True
        if mapping.get(c, Field.IGNORE) in (Field.OBJECTIVE, Field.OBJECTIVE_CODE, Field.PRIORITY,
                                            Field.PRIORITY_CODE):
            return False  # a row that only names its priority is handled as data (it may carry on below)
        following = next((i for i in range(r + 1, len(sheet.rows)) if any(sheet.rows[i])), None)
        if following is None:
            return False
        if following in mapped.header_rows:
            return True
        # A sub-heading with nothing under it before the next section ("Actions with Operational group").
        after = [t for t in sheet.rows[following] if t]
        return len(after) == 1 and (_is_caps_heading(after[0]) or objective_heading(after[0]) is not None)

    def _section(self, sheet: Sheet, r: int, text: str, *, spanning: bool = False) -> None:
        heading = objective_heading(text)
        if heading:
            self.obj, self.pri, self.last = self._objective(*heading), None, []
            self.obj_implied = False
            label = f"objective {heading[0]}" if heading[0] else "objective (section row)"
            self._fate(sheet, r, FateKind.OBJECTIVE, label, heading[1])
            self.section_objectives.append(one_line(text))
            return
        code, rest = split_code(text, bare_numbers=True)
        body = tidy(rest or text)
        if not code and (self.obj is None or _is_caps_heading(text) or spanning):
            self.obj, self.pri, self.last = self._objective("", one_line(text)), None, []
            self.obj_implied = False
            self._fate(sheet, r, FateKind.OBJECTIVE,
                       "objective (section row across the table)" if spanning else "objective (section heading)", text)
            self.section_objectives.append(one_line(text))
            return
        objective = self._objective_for(code, sheet)
        self.pri, self.last = self._priority(objective, code, body), []
        self._fate(sheet, r, FateKind.PRIORITY, f"priority {code}".strip() if code else "priority (section heading)",
                   body)

    # ---- numbering in a code column (or at the start of action cells)

    def _row_code(self, cells: Sequence[str], mapping: Mapping[int, Field]) -> str:
        for c, f in mapping.items():
            if f == Field.CODE and c < len(cells) and cells[c]:
                return clean_code(cells[c])
        for c, f in mapping.items():
            if f == Field.ACTION and c < len(cells) and cells[c]:
                code, _ = split_code(cells[c], bare_numbers=False, letters=True)
                return code
        return ""

    def _code_headings(self, mapped: MappedSheet) -> dict[int, tuple[str, ...]]:
        """Rows whose code has children elsewhere in the sheet ("1" above "1.1"): row → its numbering path."""
        paths: dict[int, tuple[str, ...]] = {}
        last_number: tuple[str, ...] = ()
        last_letter: tuple[str, ...] | None = None
        headers = sorted(mapped.header_rows)
        for r in range(headers[0] + 1, len(mapped.sheet.rows)):
            if r in mapped.mappings:
                continue
            current = max(h for h in headers if h < r)
            mapping = mapped.mappings[current]
            cells = mapped.sheet.rows[r]
            code = self._row_code(cells, mapping)
            path = code_path(code) if code else None
            if path is None:
                continue
            if path.kind == "number":
                full = path.parts
                last_number, last_letter = full, None
            elif path.kind == "roman" and last_letter is not None and not (
                    path.parts[0] == "i" and last_letter[-1] == "h"):
                full = last_letter + path.parts
            else:
                full = last_number + path.parts
                last_letter = full
            paths[r] = full
        prefixes = {p[:i] for p in paths.values() for i in range(1, len(p))}
        return {r: p for r, p in paths.items() if p in prefixes}

    # ---- data rows

    def _values(self, cells: Sequence[str], mapping: Mapping[int, Field], names: Mapping[int, str],
                sheet: Sheet, r: int) -> tuple[dict[Field, str], dict[Field, str], set[Field]]:
        values: dict[Field, str] = {}
        columns: dict[Field, str] = {}
        continued: set[Field] = set()
        for c, f in mapping.items():
            if f == Field.IGNORE or c >= len(cells) or not cells[c]:
                continue
            if (r, c) in sheet.continued:
                continued.add(f)
            if f in values and f in APPENDABLE:
                values[f] = f"{values[f]}\n{cells[c]}"
            elif f not in values:
                values[f] = cells[c]
                columns[f] = names.get(c) or f"column {column_letter(c)}"
        return values, columns, continued

    def _data_row(self, sheet: Sheet, r: int, cells: Sequence[str], mapping: Mapping[int, Field],
                  names: Mapping[int, str], heading_paths: Mapping[int, tuple[str, ...]]) -> None:
        values, columns, continued = self._values(cells, mapping, names, sheet, r)
        notes: list[str] = []
        # Objective column
        obj_code = clean_code(values.get(Field.OBJECTIVE_CODE, ""))
        obj_text = values.get(Field.OBJECTIVE, "")
        obj_same_cell = ((Field.OBJECTIVE in continued or not obj_text)
                         and (Field.OBJECTIVE_CODE in continued or not obj_code))
        if (obj_code or obj_text) and not (obj_same_cell and self.obj is not None):
            if not obj_code:
                heading = objective_heading(obj_text)
                obj_code, obj_title = heading if heading else split_code(obj_text, bare_numbers=True)
            else:
                obj_title = obj_text
            objective = self._objective(obj_code, tidy(obj_title) or obj_code)
            if objective is not self.obj:
                self.obj, self.pri, self.last = objective, None, []
            self.obj_implied = False
        # Priority column
        pri_code = clean_code(values.get(Field.PRIORITY_CODE, ""))
        pri_text = values.get(Field.PRIORITY, "")
        if Field.STRAND in values and self.pri is not None and not self.pri.strand:
            self.pri.strand = values[Field.STRAND]
        new_priority = False
        same_cell = (Field.PRIORITY in continued or not pri_text) and (Field.PRIORITY_CODE in continued or not pri_code)
        if (pri_code or pri_text) and not (same_cell and self.pri is not None):
            body = pri_text
            if not pri_code:
                pri_code, body = split_code(pri_text, bare_numbers=True)
            body = tidy(body)
            if not pri_code and self.pri is not None and body[:1].islower():
                self.pri.text = f"{self.pri.text} {one_line(body)}"  # a priority cell broken across a page
                notes.append("priority text continued from the row above")
            else:
                objective = self._objective_for(pri_code, sheet)
                self.obj = objective
                priority = self._priority(objective, pri_code, body or pri_code)
                if priority is not self.pri:
                    self.pri, self.last, new_priority = priority, [], True
                if Field.STRAND in values and not priority.strand:
                    priority.strand = values[Field.STRAND]
        # Numbering headings ("1" above "1.1" above "1.1.1")
        if r in heading_paths and not pri_text and not obj_text:
            path = heading_paths[r]
            text = values.get(Field.ACTION, "")
            code_cell = values.get(Field.CODE, "")
            if not code_cell:
                _, text = split_code(text, letters=True)
            code = ".".join(path) if all(p.isdigit() for p in path) else clean_code(code_cell) or path[-1]
            is_objective = any(other[: len(path)] == path and len(other) > len(path)
                               for other in heading_paths.values())
            if is_objective:
                self.obj, self.pri, self.last = self._objective(code, tidy(text) or code), None, []
                self.obj_implied = False
                self._fate(sheet, r, FateKind.OBJECTIVE, f"objective {code}", text)
            else:
                objective = self._objective_for(code, sheet)
                self.pri, self.last = self._priority(objective, code, tidy(text) or code), []
                self._fate(sheet, r, FateKind.PRIORITY, f"priority {code}", text)
            return
        action_text = values.get(Field.ACTION, "")
        describing: dict[Field, str] = {
            f: v for f, v in values.items() if f not in STRUCTURE and f not in (Field.ACTION, Field.CODE)
        }
        if Field.ACTION in continued or (not action_text and not values.get(Field.CODE)):
            if self.last and describing and not new_priority:
                self._continue(sheet, r, describing, columns, continued)
                return
            if new_priority or obj_text or obj_code:
                kind = FateKind.PRIORITY if new_priority else FateKind.OBJECTIVE
                label = f"priority {self.pri.code}".strip() if new_priority and self.pri else "objective"
                fate = self._fate(sheet, r, kind, f"{label}; no action text in this row", pri_text or obj_text)
                if describing:
                    fate.notes.append("the other cells of this row were not imported because it has no action")
                return
            self._fate(sheet, r, FateKind.SKIPPED, "no action text; not imported",
                       next(iter(describing.values()), "") if describing else "")
            return
        self._action_row(sheet, r, values, columns, notes)

    def _continue(self, sheet: Sheet, r: int, describing: dict[Field, str], columns: dict[Field, str],
                  continued: set[Field]) -> None:
        target = self.last[-1]
        notes: list[str] = []
        for f, v in describing.items():
            if f in continued:
                continue  # the merged cell above, already taken
            if f in APPENDABLE:
                target.values[f] = f"{target.values[f]}\n{v}" if target.values.get(f) else v
                target.columns.setdefault(f, columns.get(f, f.label))
            elif not target.values.get(f):
                target.values[f] = v
                target.columns.setdefault(f, columns.get(f, f.label))
            elif one_line(target.values[f]) != one_line(v):
                notes.append(f"column '{columns.get(f, f.label)}' differs from the row above and was not used")
        code = target.code or "the action above"
        fate = self._fate(sheet, r, FateKind.CONTINUATION, f"adds to {code}", next(iter(describing.values()), ""))
        fate.notes.extend(notes)

    def _action_row(self, sheet: Sheet, r: int, values: dict[Field, str], columns: dict[Field, str],
                    notes: list[str]) -> None:
        priority = self.pri or self._default_priority(sheet)
        self.pri = priority
        if self.obj is None:
            self.obj = next(o for o in self.objectives if priority in o.priorities)
        text = values.get(Field.ACTION, "")
        explicit = clean_code(values.get(Field.CODE, ""))
        code = explicit
        if not code:
            code, rest = split_code(text, bare_numbers=False, letters=True)
            if code and rest:
                text = rest
            else:
                code = ""
        text, notes_read = split_notes(text) if text else ("", [])
        if notes_read:
            progress = values.get(Field.PROGRESS, "")
            values[Field.PROGRESS] = "\n".join(([progress] if progress else []) + notes_read)
            columns.setdefault(Field.PROGRESS, columns.get(Field.ACTION, Field.ACTION.label))
            n = len(notes_read)
            notes.append(f"{n} line{'s' if n != 1 else ''} under the action read as progress "
                         f"({'notes' if n != 1 else 'a note'}), not as {'new actions' if n != 1 else 'a new action'}")
        items = [tidy(text)] if text else []
        if self.split_cells and not explicit and text:
            parts = split_items(text)
            if len(parts) > 1 and not parts[0].rstrip().endswith(":"):
                items = parts
            elif len(parts) == 1:
                items = parts
        if not items:
            items = [""]
        shared = {f: share_out(split_items(values[f]), len(items)) for f in SHARED_LISTS if f in values}
        drafts: list[DraftAction] = []
        for i, item in enumerate(items):
            draft_values = dict(values)
            for f, portions in shared.items():
                draft_values[f] = "\n".join(portions[i])
            drafts.append(DraftAction(sheet.name, r + 1, code if len(items) == 1 else "", item, draft_values,
                                      dict(columns), note_lines=len(notes_read) if i == len(items) - 1 else 0))
        if self.fill_column is not None:
            fill = sheet.fills.get((r, self.fill_column), "")
            for draft in drafts:
                draft.fill, draft.fill_column = fill, self.fill_heading or f"column {column_letter(self.fill_column)}"
                draft.fill_field = self.fill_field
        fate = self._fate(sheet, r, FateKind.ACTION, "new action" if len(drafts) == 1 else
                          f"{len(drafts)} new actions (one cell held several)", text)
        fate.notes.extend(notes)
        if len(drafts) > 1:
            for f in shared:
                n_items = len(split_items(values[f]))
                if n_items not in (0, 1, len(drafts)):
                    fate.notes.append(f"the {n_items} items in column '{columns.get(f, f.label)}' were shared out "
                                      f"among the {len(drafts)} actions in order; check them")
        for draft in drafts:
            draft.fate = fate
            if not draft.text:
                fate.kind = FateKind.SKIPPED
                fate.detail = "no action text; not imported"
                return
        priority.actions.extend(drafts)
        self.last = drafts


def rag_fill_column(mapped: MappedSheet, header: int) -> int | None:
    """The column whose fill colour gives an action's RAG in the table under ``header``: the RAG column when there is
    one, else the status column if it is coloured, else the column with most coloured cells (None if none is)."""
    sheet = mapped.sheet
    if not sheet.fills:
        return None
    mapping = mapped.mappings[header]
    later = [h for h in mapped.header_rows if h > header]
    end = later[0] if later else len(sheet.rows)
    coloured: dict[int, int] = {}
    for (r, c), rgb in sheet.fills.items():
        if header < r < end and is_status_colour(rgb):
            coloured[c] = coloured.get(c, 0) + 1
    for wanted in (Field.RAG, Field.STATUS):
        column = next((c for c, f in mapping.items() if f == wanted), None)
        if column is not None and (wanted == Field.RAG or coloured.get(column)):
            return column
    candidates = [(n, -c) for c, n in coloured.items() if mapping.get(c) != Field.FORECAST_RAG]
    return -max(candidates)[1] if candidates else None


def build_outline(sheets: Sequence[MappedSheet], *, split_cells: bool = True) -> Outline:
    """The hierarchy and each row's fate (new, continuation, section, skipped…) for the mapped sheets."""
    return _Builder(sheets, split_cells).run()


def find_header_rows(sheet: Sheet, scan: int = 50) -> list[int]:
    """The sheet's heading rows: the first recognisable one within ``scan`` rows and any repeats further down."""
    first = next((r for r in range(min(scan, len(sheet.rows))) if is_header_row(sheet.rows[r])), None)
    if first is None:
        return []
    return [first] + [r for r in range(first + 1, len(sheet.rows)) if is_header_row(sheet.rows[r])]
