"""Reading cell values as partnerships write them: statuses, free-text dates, leads, numbering, bulleted cells.

Every reader here is conservative: what it cannot read with confidence it reports as not understood (``None``),
so that the preview can ask the user rather than guess.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from desktop.models import ActionStatus
from desktop.services.rag import RagScheme

# ---------------------------------------------------------------------------------------------- text helpers

_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def tidy(text: str) -> str:
    """One line of text with runs of spaces collapsed (line breaks kept)."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def one_line(text: str) -> str:
    return " ".join(tidy(text).split())


def normalise_word(text: str) -> str:
    """Lower case, typographic quotes and dashes made plain, surrounding punctuation and spaces removed."""
    text = one_line(text).translate(_QUOTES).casefold()
    return text.strip(" .,;:!*-")


# ---------------------------------------------------------------------------------------------- bullets and items

_BULLET = re.compile(r"^\s*(?:[\u2022\u00b7\u25e6\u25aa\u25ab\u25a0\u25a1\u25cf\u25cb\u2023\u2043\u2219"
                     r"\uf0b7\uf0a7\uf0d8\u27a2\u2713\u2714>*]|[-\u2013\u2014](?=\s)|o(?=\s))\s*")
_NUMBERED = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|\(?[a-z]\)|\([a-z]\)|\(?[ivx]{1,4}\))\s+")


def _marker(line: str) -> re.Match[str] | None:
    return _BULLET.match(line) or _NUMBERED.match(line)


def split_items(text: str) -> list[str]:
    """The separate items of a cell: one per paragraph, bullet or numbered line.

    A line that starts in lower case or with a digit (and no list marker) continues the line before it, which is how
    a sentence broken by a hard line break looks.
    """
    items: list[str] = []
    previous_blank = True
    for raw in tidy(text).split("\n"):
        line = raw.strip()
        if not line:
            previous_blank = True
            continue
        marker = _marker(line)
        if marker:
            body = line[marker.end():].strip()
            if body:
                items.append(body)
            previous_blank = False
            continue
        continues = bool(items) and not previous_blank and (line[0].islower() or line[0].isdigit())
        if continues:
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(line)
        previous_blank = False
    return items


# ---------------------------------------------------------------------------------------------- progress notes

_MONTH_NAMES = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
                r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_NOTE_LINE = re.compile(
    r"^\s*(?:"
    r"(?:update|updated|progress|latest|position|comment|note)\b"  # "Update – 42 offered", "Progress: …"
    r"|q[1-4]\b"  # "Q3: form agreed"
    r"|(?:quarter|qtr)\s*[1-4]\b"
    r"|\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\b"  # "12/03/25", "1/5"
    r"|\d{4}-\d{2}-\d{2}\b"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_NAMES})\b"  # "3 March: …"
    rf"|(?:{_MONTH_NAMES})\s+(?:\d{{4}}|'?\d{{2}})\b"  # "March 2025 – …"
    r"|[\u2013\u2014]"  # an en or em dash (a hyphen is a bullet)
    r")",
    re.IGNORECASE,
)


def split_notes(text: str) -> tuple[str, list[str]]:
    """An action cell's own text and the progress notes written under it.

    "Run four drop-in sessions\nUpdate – 42 offered, 17 held" is one action with a progress note, not two actions.
    A line starting "Update", "Progress", "Q3:", a date or a dash (after the first line, and not in a list that a
    line ending in ":" introduces) starts the notes; everything from there on belongs to them.
    """
    lines = tidy(text).split("\n")
    in_list = False
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        dashed = line.lstrip()[:1] in ("\u2013", "\u2014")
        if i == 0 or (in_list and dashed):
            in_list = in_list or line.rstrip().endswith(":")
            continue  # "Deliver training to:\n– police\n– probation" is a list, not notes
        in_list = line.rstrip().endswith(":")
        if not _NOTE_LINE.match(line):
            continue
        notes = [x.strip() for x in lines[i:] if x.strip()]
        notes = [x.lstrip("\u2013\u2014 ").strip() or x for x in notes]
        return "\n".join(lines[:i]).strip(), notes
    return tidy(text), []


def is_commentary(text: str) -> bool:
    """A status or RAG cell holding sentences ("Form drafted; sign-off outstanding.") rather than a status value."""
    plain = one_line(text)
    words = plain.split()
    return len(plain) > 40 or len(words) > 6 or (len(words) > 3 and bool(re.search(r"[.;!?]\s+\S", plain)))


# ---------------------------------------------------------------------------------------------- codes and numbering

_CODE_DOTTED = re.compile(r"^\(?(\d{1,3}(?:\.\d{1,3})+[a-z]?)\)?(?:[.):]\s*|\s+|$)")
_CODE_NUM_LETTER = re.compile(r"^\(?(\d{1,3}[a-z])\)?(?:[.):]\s*|\s+|$)")
_CODE_BARE = re.compile(r"^\(?(\d{1,3})(?:\)\s*|[.:]\s+|\s+(?=[A-Z])|$)")
_CODE_PAREN_LETTER = re.compile(r"^\(?([a-zA-Z])\)\s*")
_CODE_ROMAN = re.compile(r"^\(?((?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))\)\s*")
_OBJECTIVE = re.compile(
    r"^(strategic\s+objective|objective|so|aim|theme|outcome|strategic\s+priority|priority\s+area|section|part)"
    r"\s*(\d{1,2}[a-z]?)\b\s*[:.\-\u2013\u2014)]?\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
# A named section without a number: "PATHWAY: Accommodation", "Theme - Employment", "Strand: Young people".
_NAMED_SECTION = re.compile(
    r"^(pathway|reducing\s+re-?offending\s+pathway|theme|section|objective|strategic\s+objective|strand|"
    r"workstream|work\s+stream|outcome\s+area|priority\s+area)\s*[:\-\u2013\u2014]\s*(\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ROMANS = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"}


def split_code(text: str, *, bare_numbers: bool = False, letters: bool = True) -> tuple[str, str]:
    """A leading code and the text after it: "1.1 Improve…" → ("1.1", "Improve…"); ("", text) when there is none.

    Bare numbers ("1. Board to define…") count only when ``bare_numbers``: in an action cell "3 months prior…" is
    text, not a code.
    """
    text = tidy(text)
    patterns = [_CODE_DOTTED, _CODE_NUM_LETTER]
    if bare_numbers:
        patterns.append(_CODE_BARE)
    if letters:
        patterns += [_CODE_ROMAN, _CODE_PAREN_LETTER]
    for pattern in patterns:
        m = pattern.match(text)
        if m and m.group(1):
            rest = text[m.end():].strip()
            return m.group(1), rest
    return "", text


def clean_code(text: str) -> str:
    """A code written in its own cell, without the punctuation around it: "(1a)" → "1a", "a)" → "a"."""
    code = one_line(text)
    if code.startswith("(") and code.endswith(")"):
        code = code[1:-1]
    return code.rstrip(".):").strip()


def objective_heading(text: str) -> tuple[str, str] | None:
    """ "Objective 1: Improving pathways…" → ("Objective 1", "Improving pathways…"); None if not such a heading."""
    m = _OBJECTIVE.match(one_line(text))
    if not m:
        named = _NAMED_SECTION.match(one_line(text))
        if named and len(named.group(2)) <= 150:
            return "", named.group(2).strip()
        return None
    word = " ".join(m.group(1).split())
    word = word.upper() if word.casefold() == "so" else word[0].upper() + word[1:]
    code = f"{word} {m.group(2)}"
    title = m.group(3).strip() or code
    return code, title


def is_roman(token: str) -> bool:
    return token.casefold() in _ROMANS


@dataclass(frozen=True)
class CodePath:
    """A code read as a position in a numbering scheme: "1.2.3" → ("1", "2", "3"), "(1a)" → ("1", "a")."""

    parts: tuple[str, ...]
    kind: str  # "number", "letter" or "roman"


_PATH_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)([a-z]?)$")


def code_path(code: str) -> CodePath | None:
    code = clean_code(code).casefold()
    m = _PATH_NUMBER.match(code)
    if m:
        parts = tuple(m.group(1).split("."))
        if m.group(2):
            parts += (m.group(2),)
        return CodePath(parts, "number")
    if is_roman(code):
        return CodePath((code,), "roman")
    if len(code) == 1 and code.isalpha():
        return CodePath((code,), "letter")
    return None


# ---------------------------------------------------------------------------------------------- status and RAG


@dataclass(frozen=True)
class StatusReading:
    """What a status cell says: an action status, a RAG status key of the plan's scheme, or both."""

    status: ActionStatus | None = None
    rag: str | None = None

    @property
    def empty(self) -> bool:
        return self.status is None and self.rag is None


_STATUS_WORDS: dict[str, ActionStatus] = {
    **dict.fromkeys(("complete", "completed", "done", "achieved", "delivered", "finished", "closed",
                     "fully complete", "fully completed", "implemented", "in place", "met", "100%"),
                    ActionStatus.COMPLETE),
    **dict.fromkeys(("in progress", "in-progress", "inprogress", "ongoing", "on-going", "on going", "started",
                     "underway", "under way", "progressing", "work in progress", "wip", "in hand", "active",
                     "open", "continuing", "partially complete", "partially completed", "part complete"),
                    ActionStatus.IN_PROGRESS),
    **dict.fromkeys(("not started", "not yet started", "not begun", "not due", "not yet due", "not due to start",
                     "to start", "planned", "pending", "yet to start"), ActionStatus.NOT_STARTED),
    **dict.fromkeys(("deferred", "postponed", "on hold", "paused", "delayed", "rescheduled"), ActionStatus.DEFERRED),
    **dict.fromkeys(("cancelled", "canceled", "withdrawn", "no longer required", "not required", "stopped",
                     "discontinued", "superseded", "abandoned"), ActionStatus.CANCELLED),
}

# RAG words → a status key; the key is used only when the plan's scheme has it.
_RAG_WORDS: dict[str, str] = {
    **dict.fromkeys(("red", "r", "off track", "off-track", "not on track", "behind", "significantly behind"), "red"),
    **dict.fromkeys(("amber", "a", "yellow", "y", "at risk", "some concerns", "slightly behind", "minor issues"),
                    "amber"),
    **dict.fromkeys(("green", "g", "on track", "on-track", "on target", "on schedule", "good"), "green"),
    **dict.fromkeys(("blue", "b"), "blue"),
    **dict.fromkeys(("grey", "gray", "ns"), "grey"),
    **dict.fromkeys(("amber/red", "amber-red", "amber red", "ar", "a/r", "red/amber", "red-amber"), "amber_red"),
    **dict.fromkeys(("amber/green", "amber-green", "amber green", "ag", "a/g", "green/amber", "green-amber"),
                    "amber_green"),
}
# Words that say both how the action is going and its RAG.
_BOTH: dict[str, tuple[ActionStatus, str]] = {
    **dict.fromkeys(("on track", "on-track", "on target", "on schedule"), (ActionStatus.IN_PROGRESS, "green")),
    **dict.fromkeys(("off track", "off-track", "not on track", "behind"), (ActionStatus.IN_PROGRESS, "red")),
}
_PIECES = re.compile(r"\s*(?:[()\[\],;]|\s-\s|\s/\s)\s*")


def _word(word: str, sch: RagScheme) -> StatusReading | None:
    if word in _BOTH:
        both_status, both_rag = _BOTH[word]
        return StatusReading(both_status, both_rag if sch.find(both_rag) else None)
    if word in _RAG_WORDS:
        key = _RAG_WORDS[word]
        if sch.find(key) is not None:
            return StatusReading(None, key)
        return None  # a RAG word the plan's scheme has no place for: the user decides
    if word in _STATUS_WORDS:
        status = _STATUS_WORDS[word]
        rag: str | None = None
        if status == ActionStatus.COMPLETE:
            # Blue is "complete" where the scheme has it; in the others Green covers "on track or complete".
            rag = "blue" if sch.find("blue") else "green"
        elif status == ActionStatus.NOT_STARTED and sch.find("grey"):
            rag = "grey"
        return StatusReading(status, rag)
    for letter_status in sch.statuses:  # the scheme's own letters and labels ("NS", "Amber/Red")
        if word in (letter_status.letter.casefold(), letter_status.label.casefold()):
            return StatusReading(None, letter_status.key)
    return None


def parse_status(text: str, sch: RagScheme) -> StatusReading | None:
    """Read a status cell. Empty → an empty reading; not understood → None (the user is asked to map it)."""
    word = normalise_word(text)
    if not word:
        return StatusReading()
    whole = _word(word, sch)
    if whole is not None:
        return whole
    # Compound values such as "In Progress (amber)" or "Complete - green": every piece must be understood.
    pieces = [normalise_word(p) for p in _PIECES.split(word)]
    pieces = [p for p in pieces if p]
    if len(pieces) < 2 or len(pieces) > 3:
        return None
    status: ActionStatus | None = None
    implied: str | None = None
    explicit: set[str] = set()
    for piece in pieces:
        reading = _word(piece, sch)
        if reading is None:
            return None
        if reading.status is not None:
            if status is not None and status != reading.status:
                return None
            status = reading.status
            implied = reading.rag or implied
        elif reading.rag is not None:
            explicit.add(reading.rag)
    if len(explicit) > 1:
        return None
    rag = next(iter(explicit)) if explicit else implied
    return StatusReading(status, rag)


def status_key(text: str) -> str:
    """How an unrecognised status value is remembered when the user maps it (case and spacing do not matter)."""
    return normalise_word(text)


def status_targets(sch: RagScheme) -> list[tuple[str, str]]:
    """What an unrecognised value can be mapped to: (spec, label); see :func:`reading_for`."""
    out = [(f"rag:{s.key}", f"RAG: {s.label} ({s.letter})") for s in sch.statuses]
    out += [(f"status:{s.value}", f"Status: {s.label}") for s in ActionStatus]
    out.append(("blank", "Leave blank"))
    return out


def reading_for(spec: str, sch: RagScheme) -> StatusReading:
    """The reading a user's mapping choice stands for ("rag:amber", "status:deferred", "blank")."""
    kind, _, value = spec.partition(":")
    if kind == "rag" and sch.find(value) is not None:
        return StatusReading(None, value)
    if kind == "status" and value in {s.value for s in ActionStatus}:
        return StatusReading(ActionStatus(value), None)
    if spec == "blank":
        return StatusReading()
    raise ValueError(spec)


# ---------------------------------------------------------------------------------------------- dates and timescales

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].casefold(), calendar.month_abbr[number].casefold())
}
_MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?:'\s?\d{2}|\d{4}|\d{2})"

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+({_MONTH_RE})\.?,?\s+({_YEAR})\b")
_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\.?(?:\s*[-/,]\s*|\s+)({_YEAR})(?![\d/])")
_FY_QUARTER = re.compile(r"\bq(?:uarter|tr)?\s*([1-4])\s*(?:of\s+)?(?:fy\s*)?(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})\b")
_FY_QUARTER_AFTER = re.compile(r"\b(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})\s*q(?:uarter|tr)?\s*([1-4])\b")
_FY = re.compile(r"\b(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{4}|\d{2})\b")
ONGOING_WORDS = {"ongoing", "on-going", "on going", "continuous", "continual", "continuing", "tbc", "tba",
                 "to be confirmed", "n/a", "na", "not applicable", "annually", "annual", "quarterly", "monthly",
                 "as required", "rolling", "ongoing.", "throughout", "various"}
_START_WORDS = re.compile(r"\b(?:commence|commencing|from|start|starting|starts|begin|beginning|begins)\b\s*$")
_RANGE_JOIN = re.compile(r"^\s*(?:-|to|until|till|through)\s*$")


@dataclass(frozen=True)
class Timescale:
    """A timescale as written, with the dates read from it (either may be absent: "ongoing" has neither)."""

    text: str
    start: dt.date | None = None
    due: dt.date | None = None
    understood: bool = True  # False when there is wording that looks like a date but could not be read


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    first: dt.date  # earliest day the mention covers
    last: dt.date  # latest day


def _year(text: str) -> int:
    digits = text.strip("' ")
    value = int(digits)
    if len(digits) == 2:
        value += 2000 if value < 70 else 1900
    return value


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    if not 1990 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _fy_quarter(q: int, start_text: str, end_text: str) -> tuple[dt.date, dt.date] | None:
    start_year = _year(start_text)
    end_year = _year(end_text)
    if end_year != start_year + 1 or not 1990 <= start_year <= 2100:
        return None
    # UK public-sector financial year: Q1 April–June … Q4 January–March.
    first_month = (4, 7, 10, 1)[q - 1]
    year = start_year if q < 4 else end_year
    return dt.date(year, first_month, 1), _month_end(year, first_month + 2)


def _mentions(text: str) -> list[_Mention]:
    found: list[_Mention] = []

    def add(m: re.Match[str], first: dt.date | None, last: dt.date | None) -> None:
        if first is not None and last is not None:
            found.append(_Mention(m.start(), m.end(), first, last))

    for m in _FY_QUARTER.finditer(text):
        span = _fy_quarter(int(m.group(1)), m.group(2), m.group(3))
        add(m, *(span or (None, None)))
    for m in _FY_QUARTER_AFTER.finditer(text):
        span = _fy_quarter(int(m.group(3)), m.group(1), m.group(2))
        add(m, *(span or (None, None)))
    for m in _ISO.finditer(text):
        day = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        add(m, day, day)
    for m in _NUMERIC.finditer(text):
        day = _safe_date(_year(m.group(3)), int(m.group(2)), int(m.group(1)))  # UK order: day/month/year
        add(m, day, day)
    for m in _DAY_MONTH.finditer(text):
        day = _safe_date(_year(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
        add(m, day, day)
    for m in _MONTH_YEAR.finditer(text):
        year, month = _year(m.group(2)), _MONTHS[m.group(1)]
        first = _safe_date(year, month, 1)
        add(m, first, _month_end(year, month) if first else None)
    for m in _FY.finditer(text):
        start_year, end_year = int(m.group(1)), _year(m.group(2))
        if end_year == start_year + 1:
            add(m, _safe_date(start_year, 4, 1), _safe_date(end_year, 3, 31))
    # Keep the longest mention where two overlap ("31 March 2015" over "March 2015").
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[_Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def parse_timescale(text: str) -> Timescale:
    """Read a free-text timescale. "March 2015" is due 31 March 2015; "ongoing" is kept as text with no date.

    One date is a due date (or a start date after "from", "commence"…); two joined by "to" or "-" are a start and a
    due date; anything else keeps the wording only.
    """
    original = one_line(text)
    plain = original.translate(_QUOTES).casefold()
    if not plain or plain.strip(" .") in ONGOING_WORDS:
        return Timescale(original)
    mentions = _mentions(plain)
    if not mentions:
        looks_dated = bool(re.search(rf"\b(?:{_MONTH_RE})\b|\d{{4}}|\bq[1-4]\b", plain))
        return Timescale(original, understood=not looks_dated)
    if len(mentions) == 1:
        m = mentions[0]
        if _START_WORDS.search(plain[: m.start]):
            return Timescale(original, start=m.first)
        return Timescale(original, due=m.last)
    if len(mentions) == 2 and _RANGE_JOIN.match(plain[mentions[0].end: mentions[1].start]):
        first, last = mentions[0].first, mentions[1].last
        if first <= last:
            return Timescale(original, start=first, due=last)
    return Timescale(original, understood=False)


_QUARTER_LABEL = re.compile(r"^\s*(\d{4})\s*/\s*(\d{2}|\d{4})\s*q\s*([1-4])\s*$|"
                            r"^\s*q\s*([1-4])\s+(\d{4})\s*/\s*(\d{2}|\d{4})\s*$", re.IGNORECASE)


def quarter_span(label: str) -> tuple[str, dt.date, dt.date] | None:
    """A financial-year quarter as people write it → (the label as Pathways writes it, first day, last day).

    "2024/25 Q3" or "Q3 2024/25" → ("2024/25 Q3", 1 Oct 2024, 31 Dec 2024); None when it is not such a quarter.
    """
    m = _QUARTER_LABEL.match(label)
    if not m:
        return None
    if m.group(1):
        start_text, end_text, q = m.group(1), m.group(2), int(m.group(3))
    else:
        q, start_text, end_text = int(m.group(4)), m.group(5), m.group(6)
    span = _fy_quarter(q, start_text, end_text)
    if span is None:
        return None
    first_year = int(start_text)
    return f"{first_year}/{(first_year + 1) % 100:02d} Q{q}", span[0], span[1]


def parse_date(value: str) -> dt.date | None:
    """An explicit date cell (start or due date column): a day, or the end of a month or quarter."""
    reading = parse_timescale(value)
    return reading.due or reading.start


def parse_percent(value: str) -> int | None:
    """ "50%", "50", "0.5" (a percentage-formatted cell) → 50; None when empty or not a percentage."""
    text = one_line(value).replace(" ", "")
    if not text:
        return None
    m = re.fullmatch(r"(\d{1,3}(?:\.\d+)?)%?(?:complete)?", text.casefold())
    if not m:
        return None
    number = float(m.group(1))
    if "%" not in text and "." in m.group(1) and number <= 1:
        number *= 100
    if not 0 <= number <= 100:
        return None
    return round(number)


# ---------------------------------------------------------------------------------------------- leads


@dataclass(frozen=True)
class LeadReading:
    """One lead as written: a named person or a role, and the organisation given with it."""

    name: str | None = None
    role: str | None = None
    organisation: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return ((self.name or "").casefold(), (self.role or "").casefold(), (self.organisation or "").casefold())


@dataclass(frozen=True)
class LeadsReading:
    leads: tuple[LeadReading, ...] = ()
    organisation: str | None = None  # an organisation written on its own ("HBC"): the action's lead organisation
    unreadable: bool = False


_ROLE_WORDS = {
    "chair", "vice", "head", "manager", "officer", "coordinator", "co-ordinator", "director", "lead", "team",
    "group", "board", "service", "services", "inspector", "superintendent", "commissioner", "partnership",
    "partners", "all", "agencies", "agency", "unit", "department", "chief", "assistant", "deputy", "senior",
    "analyst", "adviser", "advisor", "worker", "secretary", "clerk", "member", "members", "panel", "committee",
    "council", "police", "probation", "trust", "office", "nhs", "ccg", "crc", "nps", "yos", "hbc", "pcc",
    "sergeant", "constable", "practitioner", "commissioning", "community", "safety", "strategic", "operational",
    "policy", "portfolio", "holder", "governor", "executive", "administrator", "specialist", "consultant", "cabinet",
    "project", "programme", "network", "forum", "steering", "task", "theme", "training", "housing", "health",
}
_NAME_WORD = re.compile(r"^(?:[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*|[A-Z]\.?|Mc[A-Z][a-z]+|O'[A-Z][a-z]+)$")
_ACRONYM_WORD = re.compile(r"^[A-Z][A-Z&]{1,6}$")
# Words that make the text after a comma part of a job title rather than an organisation.
_TITLE_WORDS = {"manager", "head", "chair", "officer", "coordinator", "co-ordinator", "director", "lead", "chief",
                "deputy", "assistant", "inspector", "superintendent", "analyst", "adviser", "advisor", "worker",
                "secretary", "of", "for", "representative", "member"}
_ORG_WORDS = {"council", "police", "constabulary", "probation", "trust", "company", "crc", "nps", "ccg", "nhs",
              "commissioner", "office", "service", "services", "prison", "hmp", "partnership", "authority", "agency",
              "university", "college", "foundation", "charity", "association", "ltd", "limited", "cic", "hospital"}
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "cllr", "councillor", "supt", "ch", "insp", "di", "dci", "ds"}
_SEPARATORS = {"/", ";", "\n"}
MAX_LEADS_PER_CELL = 8


def _split_top(text: str, separators: set[str]) -> list[str]:
    """Split at separators that are not inside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if depth == 0 and ch in separators:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [p.strip(" ,") for p in parts if p.strip(" ,")]


def looks_like_name(text: str) -> bool:
    words = [w for w in text.replace(",", " ").split() if w.casefold().rstrip(".") not in _TITLES]
    if not 2 <= len(words) <= 4:
        return False
    if any(w.casefold() in _ROLE_WORDS for w in words):
        return False
    return all(_NAME_WORD.match(w) for w in words)


def _is_organisation(text: str, known: Mapping[str, str]) -> str | None:
    """The organisation ``text`` names (by the store's spelling when known), or None."""
    key = text.casefold().strip()
    if key in known:
        return known[key]
    words = text.split()
    if 1 <= len(words) <= 3 and all(_ACRONYM_WORD.match(w) for w in words):
        return text.strip()
    return None


_ROLE_NOTES = {"chair", "vice", "co-chair", "vice-chair", "deputy", "interim", "acting", "lead", "secretary",
               "coordinator", "co-ordinator", "sponsor", "owner", "support", "supporting"}


def _is_role_note(text: str) -> bool:
    """ "(Chair)" after a job title says what part the person plays, not which organisation they are from."""
    words = {w.strip(".,") for w in text.casefold().replace("/", " ").split()}
    return bool(words) and words <= _ROLE_NOTES


def _org_after_comma(tail: str, known: Mapping[str, str]) -> bool:
    """ "Head of Service, HBC": is "HBC" the organisation (rather than more of the job title)?"""
    if _is_organisation(tail, known):
        return True
    words = {w.casefold().strip(".()") for w in tail.split()}
    return len(words) <= 6 and not words & _TITLE_WORDS and bool(words & _ORG_WORDS)


def _one_lead(part: str, org: str | None, known: Mapping[str, str]) -> LeadReading | None:
    part = part.strip(" -")
    if not part or len(part) > 200:
        return None
    m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", part)
    if m and m.group(1).strip() and not _is_role_note(m.group(2)):
        part, org = m.group(1).strip(), (m.group(2).strip() or org)
    elif "," in part:
        head, tail = part.rsplit(",", 1)
        tail = tail.strip()
        if head.strip() and tail and _org_after_comma(tail, known):
            part, org = head.strip(), tail
    else:
        dash = re.fullmatch(r"(.+?)\s+[-\u2013\u2014]\s+(.+)", part)
        if dash:
            left, right = dash.group(1), dash.group(2)
            if _is_organisation(left, known):
                part, org = right, left
            elif _is_organisation(right, known):
                part, org = left, right
    if org is not None:
        org = known.get(org.casefold(), org)
    if looks_like_name(part):
        return LeadReading(name=part, organisation=org)
    return LeadReading(role=part, organisation=org)


def parse_leads(text: str, known_organisations: Mapping[str, str] | None = None) -> LeadsReading:
    """Read a lead cell: "Name (Org)", joint leads "A / B", "A/B (Org1 / Org2)", roles "Chair / Vice Chair".

    ``known_organisations`` maps lower-case names and short names to the store's spelling.
    """
    known = known_organisations or {}
    text = tidy(text)
    if not text:
        return LeadsReading()
    parts = _split_top(text, _SEPARATORS)
    if len(parts) > MAX_LEADS_PER_CELL:
        return LeadsReading(unreadable=True)
    # "Gordon Lang/Clare Clark (Police / HBC)": the organisations in the last part's brackets belong to the parts in
    # order when there are as many of them as parts; a single organisation belongs to every part without its own.
    shared: list[str] = []
    last = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", parts[-1]) if parts else None
    if last and len(parts) > 1 and not any("(" in p for p in parts[:-1]):
        orgs = [o.strip() for o in re.split(r"[/;&,]", last.group(2)) if o.strip()]
        if len(orgs) == len(parts) or len(orgs) == 1:
            parts[-1] = last.group(1).strip()
            shared = orgs if len(orgs) == len(parts) else orgs * len(parts)
    leads: list[LeadReading] = []
    lone_org: str | None = None
    for index, part in enumerate(parts):
        org_only = _is_organisation(part, known)
        if org_only and not shared:
            if leads and leads[-1].organisation is None:
                leads[-1] = LeadReading(leads[-1].name, leads[-1].role, org_only)
            elif lone_org is None:
                lone_org = org_only
            continue
        lead = _one_lead(part, shared[index] if shared else None, known)
        if lead is None:
            return LeadsReading(unreadable=True)
        leads.append(lead)
    unique: dict[tuple[str, str, str], LeadReading] = {}
    for lead in leads:
        unique.setdefault(lead.key, lead)
    return LeadsReading(tuple(unique.values()), lone_org)
