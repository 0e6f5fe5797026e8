"""Find direct identifiers in text: the store's own (exact, however they are written) and UK identifier patterns.

Two nets, both always cast:
- **the store's identifiers**: subjects' names (whole words, any case, any whitespace, "Surname, Forename" too),
  dates of birth in any common format, PNC/CRO/prison numbers and postcodes with or without separators, addresses;
- **patterns**, for identifiers the store does not hold (a coordinator typing a PNC ID into a commentary): PNC ID,
  CRO number, prison number, National Insurance number, full UK postcode, and a date introduced as a date of birth.

A finding never carries the identifier itself: only its kind, a masked form ("12/3…A") and where it was found, so a
message built from it can be shown, logged or put in an exception without leaking what it reports.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

_SALT = secrets.token_bytes(16)  # per process: finding keys de-duplicate, they cannot be looked up


class IdentifierKind(enum.Enum):
    PNC_ID = "PNC ID"
    CRO_NUMBER = "CRO number"
    PRISON_NUMBER = "prison number"
    NI_NUMBER = "National Insurance number"
    POSTCODE = "postcode"
    DATE_OF_BIRTH = "date of birth"
    NAME = "subject's name"
    ADDRESS = "subject's address"
    UNREADABLE = "part that could not be checked"

    @property
    def label(self) -> str:
        return self.value


@dataclass(frozen=True)
class Finding:
    kind: IdentifierKind
    masked: str  # "12/3…A": enough to find it, not enough to learn it
    location: str  # with its preposition: "on page 4, line 12", "in the document information (Title)"
    from_store: bool = False  # the value is one of the store's own identifiers, not only a pattern
    key: str = field(default="", repr=False, compare=False)  # salted hash, for de-duplication only

    def describe(self) -> str:
        if self.kind is IdentifierKind.UNREADABLE:
            return f"part of the output could not be read to check it ({self.location})"
        return f"a {self.kind.label} ({self.masked}) was found {self.location}"


@dataclass(frozen=True, repr=False)
class IdentifierSet:
    """Every direct identifier the store holds. Its repr shows counts only, never values."""

    names: frozenset[str] = frozenset()
    dates_of_birth: frozenset[dt.date] = frozenset()
    pnc_ids: frozenset[str] = frozenset()
    cro_numbers: frozenset[str] = frozenset()
    prison_numbers: frozenset[str] = frozenset()
    postcodes: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()
    # Pattern matches that are known not to be personal (the council's own office postcode), in any format.
    # A value the store holds as a subject's identifier is reported even when it is allowed here.
    allowed: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return (
            f"IdentifierSet({len(self.names)} names, {len(self.dates_of_birth)} dates of birth, "
            f"{len(self.pnc_ids) + len(self.cro_numbers) + len(self.prison_numbers)} numbers, "
            f"{len(self.postcodes)} postcodes, {len(self.addresses)} addresses)"
        )

    @cached_property
    def _allowed(self) -> frozenset[str]:
        return frozenset(compact(v) for v in self.allowed)

    @cached_property
    def _numbers(self) -> dict[str, IdentifierKind]:
        held: dict[str, IdentifierKind] = {}
        for kind, values in (
            (IdentifierKind.PNC_ID, self.pnc_ids),
            (IdentifierKind.CRO_NUMBER, self.cro_numbers),
            (IdentifierKind.PRISON_NUMBER, self.prison_numbers),
            (IdentifierKind.POSTCODE, self.postcodes),
        ):
            for v in values:
                if len(compact(v)) >= 4:
                    held[compact(v)] = kind
        return held

    @cached_property
    def _phrases(self) -> PhraseIndex:
        index = PhraseIndex()
        for name in self.names:
            tokens = _tokens(name)
            if sum(len(t) for t in tokens) < 3 or " ".join(tokens) in PLACEHOLDERS:
                continue  # initials alone, or "Unknown", would match everywhere
            index.add(tokens, IdentifierKind.NAME)
            if len(tokens) >= 2:  # "Subject, Demo" as registers and nominal rolls write names
                index.add((tokens[-1], *tokens[:-1]), IdentifierKind.NAME)
        for address in self.addresses:
            lines = [line for line in re.split(r"[,\n;]+", address) if line.strip()]
            whole = _tokens(address)
            # "No fixed abode" or "Homeless" is a circumstance, not an address: it would stop ordinary text.
            if " ".join(whole) not in PLACEHOLDERS and (len(lines) > 1 or any(c.isdigit() for c in address)):
                index.add(whole, IdentifierKind.ADDRESS)
            for line in lines:
                # The street line ("12 Demo Street") identifies a household; a town name alone does not.
                if len(line.strip()) >= 6 and any(c.isdigit() for c in line) and any(c.isalpha() for c in line):
                    index.add(_tokens(line), IdentifierKind.ADDRESS)
        return index

    @cached_property
    def _number_lengths(self) -> tuple[int, ...]:
        return tuple(sorted({len(v) for v in self._numbers}, reverse=True))


def compact(value: str) -> str:
    """An identifier reduced to its letters and digits, upper case: "ts24 7bt" and "TS247BT" compare equal."""
    return re.sub(r"[^0-9A-Za-z]", "", value).upper()


def mask(value: str, kind: IdentifierKind) -> str:
    text = " ".join(value.split())
    if kind is IdentifierKind.NAME:
        return " ".join(f"{w[0]}\u2026" for w in text.split())
    if kind is IdentifierKind.DATE_OF_BIRTH or len(text) < 5:
        return f"{text[0]}\u2026{text[-1]}" if len(text) > 1 else "\u2026"
    keep = 4 if len(text) >= 8 else 2
    return f"{text[:keep]}\u2026{text[-1]}"


def _key(kind: IdentifierKind, value: str) -> str:
    return hashlib.blake2b(f"{kind.name}:{compact(value) or value.casefold()}".encode(), key=_SALT).hexdigest()


# --- the store's identifiers -------------------------------------------------------------------------------------

PLACEHOLDERS = frozenset(
    {
        "unknown",
        "not known",
        "n/a",
        "na",
        "none",
        "nfa",
        "no fixed abode",
        "homeless",
        "redacted",
        "withheld",
        "not recorded",
        "not given",
        "anonymous",
    }
)
_TOKEN = re.compile(r"[\w'\u2019\u2018`\-\u2010\u2011\u2013]+")
_SOFT_GAP = re.compile(r"[\s,./;:]+")  # what may sit between the words of a name or an address
_NUMBER_SEPARATORS = frozenset(" \t\r\n\xa0/.-")
_UNIFY = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u2010": "-", "\u2011": "-", "\u2013": "-"})


def _normal_token(token: str) -> str:
    return token.translate(_UNIFY).casefold()


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_normal_token(t) for t in _TOKEN.findall(unicodedata.normalize("NFC", text)))


class PhraseIndex:
    """Whole-word phrases (names, addresses) found in one pass over a text's words, however many are held."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], IdentifierKind]]] = {}

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def add(self, tokens: tuple[str, ...], kind: IdentifierKind) -> None:
        if tokens:
            entries = self._by_first.setdefault(tokens[0], [])
            if (tokens, kind) not in entries:
                entries.append((tokens, kind))
                entries.sort(key=lambda e: len(e[0]), reverse=True)

    def find(self, text: str) -> Iterator[tuple[int, int, IdentifierKind]]:
        words = [(m.start(), m.end(), _normal_token(m.group())) for m in _TOKEN.finditer(text)]
        for i, (start, _, word) in enumerate(words):
            for tokens, kind in self._by_first.get(word, ()):
                end = self._match(text, words, i, tokens)
                if end is not None:
                    yield start, end, kind
                    break

    @staticmethod
    def _match(text: str, words: list[tuple[int, int, str]], i: int, tokens: tuple[str, ...]) -> int | None:
        if i + len(tokens) > len(words):
            return None
        for k in range(1, len(tokens)):
            previous_end, (start, _, word) = words[i + k - 1][1], words[i + k]
            if word != tokens[k] or not _SOFT_GAP.fullmatch(text, previous_end, start):
                return None
        return words[i + len(tokens) - 1][1]


def _number_hits(text: str, ids: IdentifierSet) -> Iterator[tuple[int, int, IdentifierKind]]:
    """Held numbers and postcodes, with or without spaces, slashes, dots or hyphens between their characters."""
    held, lengths = ids._numbers, ids._number_lengths
    if not held:
        return
    longest = lengths[0]
    size = len(text)
    for m in re.finditer(r"(?<![A-Za-z0-9])[A-Za-z0-9]", text):
        chars: list[str] = []
        ends: list[int] = []
        j = m.start()
        while j < size and len(chars) < longest:
            ch = text[j]
            if ch.isascii() and ch.isalnum():
                chars.append(ch.upper())
                ends.append(j + 1)
            elif ch not in _NUMBER_SEPARATORS:
                break
            j += 1
        for length in lengths:
            if length <= len(chars):
                end = ends[length - 1]
                kind = held.get("".join(chars[:length]))
                if kind is not None and not (end < size and text[end].isascii() and text[end].isalnum()):
                    yield m.start(), end, kind
                    break


# --- patterns ----------------------------------------------------------------------------------------------------

_B = r"(?<![A-Za-z0-9])"
_E = r"(?![A-Za-z0-9])"
PATTERNS: tuple[tuple[IdentifierKind, re.Pattern[str]], ...] = (
    # PNC ID: year (2 or 4 digits) / serial (up to 7 digits) + check letter: 12/345678A, 2012/0012345A.
    (IdentifierKind.PNC_ID, re.compile(rf"{_B}(?<!/)(?:\d{{2}}|\d{{4}})/\d{{1,7}}[A-Z]{_E}", re.I)),
    # CRO number: serial / 2-digit year + check letter (123456/12A), or the SF form (SF 93/123456A).
    (IdentifierKind.CRO_NUMBER, re.compile(rf"{_B}(?<!/)(?:SF\s?\d{{2}}/\d{{1,6}}|\d{{1,6}}/\d{{2}})[A-Z]{_E}", re.I)),
    # Prison number: letter, four digits, two letters (A1234BC).
    (IdentifierKind.PRISON_NUMBER, re.compile(rf"{_B}[A-Z]\d{{4}}[A-Z]{{2}}{_E}", re.I)),
    # National Insurance number: allowed prefix letters, six digits (grouped or not), suffix A-D.
    (
        IdentifierKind.NI_NUMBER,
        re.compile(
            rf"{_B}(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
            rf"(?:\d{{6}}|\s\d{{2}}\s\d{{2}}\s\d{{2}})\s?[A-D]{_E}",
            re.I,
        ),
    ),
    # Full UK postcode (TS24 7BT, SW1A 1AA, with or without the space); outward codes alone (TS24) are areas.
    (IdentifierKind.POSTCODE, re.compile(rf"{_B}[A-Z]{{1,2}}\d[A-Z\d]?\s*\d[A-Z]{{2}}{_E}", re.I)),
)
_INWARD_LETTERS = set("ABDEFGHJLNPQRSTUWXYZ")
_ORDINALS = {"st", "nd", "rd", "th"}

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<![\d/.\-])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d/.\-]?\d)"),
    re.compile(r"(?<![\d/.\-])(?P<y>\d{4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<a>\d{1,2})(?![\d/.\-]?\d)"),
    re.compile(
        rf"(?<!\w)(?P<a>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}}|\d{{2}})(?!\d)",
        re.I,
    ),
    re.compile(rf"(?<!\w)(?P<m>{_MONTH})\.?\s+(?P<a>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)", re.I),
    re.compile(r"(?<![\d/.\-])(?P<digits>\d{8})(?![\d/.\-]?\d)"),
)
_DOB_CUE = re.compile(r"(?<!\w)(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?)\s*[:\-\u2013]?\s*$", re.I)


def _years(text: str) -> list[int]:
    year = int(text)
    return [year] if len(text) == 4 else [1900 + year, 2000 + year]


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_candidates(match: re.Match[str]) -> set[dt.date]:
    """Every date a matched date-like string could mean (day/month order and two-digit years are ambiguous)."""
    groups = match.groupdict()
    out: set[dt.date] = set()
    if groups.get("digits"):
        d = groups["digits"]
        options = [(d[4:], d[2:4], d[:2]), (d[:4], d[4:6], d[6:])]  # ddmmyyyy, yyyymmdd
        out.update(x for y, m, dd in options if (x := _date(int(y), int(m), int(dd))))
        return out
    for year in _years(groups["y"]):
        if groups.get("m"):
            month = _MONTHS[groups["m"].lower()]
            out.update(x for x in [_date(year, month, int(groups["a"]))] if x)
        else:
            a, b = int(groups["a"]), int(groups["b"])
            out.update(x for x in (_date(year, b, a), _date(year, a, b)) if x)
    return out


# --- scanning ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: IdentifierKind
    from_store: bool


def _hits(text: str, ids: IdentifierSet) -> Iterator[_Hit]:
    for start, end, kind in ids._phrases.find(text):
        yield _Hit(start, end, kind, True)
    for start, end, kind in _number_hits(text, ids):
        yield _Hit(start, end, kind, True)
    for kind, regex in PATTERNS:
        for m in regex.finditer(text):
            value = m.group()
            if kind is IdentifierKind.POSTCODE and not _looks_like_postcode(value):
                continue
            held = ids._numbers.get(compact(value))
            if held is None and compact(value) in ids._allowed:
                continue
            yield _Hit(m.start(), m.end(), held or kind, held is not None)
    for regex in DATE_PATTERNS:
        for m in regex.finditer(text):
            dates = date_candidates(m)
            if not dates:
                continue
            is_held = bool(dates & ids.dates_of_birth)
            if is_held or _DOB_CUE.search(text[max(0, m.start() - 40) : m.start()]):
                yield _Hit(m.start(), m.end(), IdentifierKind.DATE_OF_BIRTH, is_held)


def _looks_like_postcode(value: str) -> bool:
    inward = re.sub(r"\s", "", value)[-2:]
    if inward.islower() and inward in _ORDINALS:
        return False  # "B1 2nd" is an ordinal, not a postcode
    return all(c in _INWARD_LETTERS for c in inward.upper())


def scan_text(text: str, identifiers: IdentifierSet, where: str) -> list[Finding]:
    """Findings in one piece of text. ``where`` has its preposition ("on page 4"); lines and context are added."""
    if not text or not text.strip():
        return []
    text = unicodedata.normalize("NFC", text)
    accepted: list[_Hit] = []
    for hit in sorted(_hits(text, identifiers), key=lambda h: (h.start, not h.from_store, h.start - h.end)):
        if all(hit.start >= a.end or hit.end <= a.start for a in accepted):
            accepted.append(hit)
    multiline = "\n" in text.strip()
    findings = []
    for hit in accepted:
        value = text[hit.start : hit.end]
        location = where
        if multiline:
            location += f", line {text.count(chr(10), 0, hit.start) + 1}"
        context = _context(text, hit.start, accepted)
        if context:
            location += f", after \u201c{context}\u201d"
        findings.append(Finding(hit.kind, mask(value, hit.kind), location, hit.from_store, _key(hit.kind, value)))
    return findings


def _context(text: str, start: int, hits: Iterable[_Hit]) -> str:
    """Up to four words before a finding on its line, with every finding in them masked out."""
    line_start = text.rfind("\n", 0, start) + 1
    chars = list(text[line_start:start])
    for h in hits:
        for pos in range(max(h.start, line_start), min(h.end, start)):
            chars[pos - line_start] = "\u2026"
    words = "".join(chars).split()[-4:]
    return " ".join(words)[-40:]


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per identifier value and kind, keeping the first (most specific) location."""
    seen: set[tuple[IdentifierKind, str]] = set()
    out = []
    for f in findings:
        token = (f.kind, f.key or f.location)
        if token not in seen:
            seen.add(token)
            out.append(f)
    return out
