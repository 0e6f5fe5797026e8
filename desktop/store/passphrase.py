"""Passphrase strength: a store's passphrase is the only thing protecting plan and offender data on a lost laptop.

The rules follow NIST SP 800-63B-4 (§3.1.1.2) for a secret used on its own:

- at least :data:`MIN_LENGTH` characters, and long ones allowed (up to :data:`MAX_LENGTH`, far past the 64 the
  guidance asks for);
- no composition rules (no "one digit, one capital"): length and unpredictability are what count;
- a block list: the commonly used passwords, and words an attacker would try first for this store, namely the
  application's name and the partnership's names, as whole words;
- the strength itself is estimated by zxcvbn (Dropbox's estimator, a well-kept list of common passwords, names and
  words, keyboard patterns, dates, repeats and sequences). zxcvbn refuses more than 72 characters, so the first 72
  are scored as one and each further word not already used adds its own estimate (repeating the start adds
  nothing).

Every refusal says what is wrong in plain words and what would be better.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

MIN_LENGTH = 15
MAX_LENGTH = 1024
SCORED_CHUNK = 72  # zxcvbn's own limit
# zxcvbn's score 4 ("very unguessable: strong protection from an offline slow-hash attack"): at least 10^10
# guesses, each of which costs 256,000 PBKDF2-HMAC-SHA512 iterations against a stolen store file.
ACCEPT_GUESSES_LOG10 = 10.0
APP_NAMES = ("Pathways",)
LABELS = ("Very weak", "Weak", "Fair", "Almost there", "Strong")
BETTER = "three or four unrelated words, or a short sentence only you would write, are easy to remember and hard to "\
    "guess"


@dataclass(frozen=True)
class Strength:
    score: int  # 0 (very weak) … 4 (strong), the meter's position
    guesses_log10: float  # estimated guesses an attacker needs, as a power of ten
    problems: tuple[str, ...]  # what is wrong, in plain words, worst first; empty when acceptable
    suggestion: str  # what would be better ("" when nothing needs to change)

    @property
    def acceptable(self) -> bool:
        return not self.problems

    @property
    def label(self) -> str:
        return LABELS[self.score]

    @property
    def message(self) -> str:
        """For a refusal: what is wrong, then what would be better, as two sentences ("" when acceptable)."""
        if not self.problems:
            return ""
        return " ".join(_sentence(text) for text in (self.problems[0], self.suggestion) if text)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def words(text: str) -> list[str]:
    """Whole words, case-folded: runs of letters, and runs of digits (so "Pathways2024" is "pathways", "2024")."""
    return re.findall(r"[^\W\d_]+|\d+", text.casefold())


def _contains_phrase(haystack: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(list(haystack[i:i + n]) == list(phrase) for i in range(len(haystack) - n + 1))


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _score(passphrase: str, known: list[str]) -> tuple[float, dict[str, Any]]:
    """log10 of the guesses for the whole passphrase, and zxcvbn's result for its first 72 characters.

    Past the first 72 characters, each word not used before adds what zxcvbn makes of it alone; repeated words,
    separators and order add nothing. That under-counts a long passphrase a little, never over-counts it."""
    from zxcvbn import zxcvbn

    first: dict[str, Any] = dict(zxcvbn(passphrase[:SCORED_CHUNK], user_inputs=known))
    total = float(first["guesses_log10"])
    seen = {*known, *words(passphrase[:SCORED_CHUNK])}
    for word in words(passphrase[SCORED_CHUNK:]):
        if word not in seen:
            seen.add(word)
            total += float(zxcvbn(word[:SCORED_CHUNK], user_inputs=known)["guesses_log10"])
    return total, first


def _meter(guesses_log10: float) -> int:
    """zxcvbn's own bands: < 10^3, < 10^6, < 10^8, < 10^10, and beyond."""
    return sum(guesses_log10 >= edge for edge in (3.0, 6.0, 8.0, ACCEPT_GUESSES_LOG10))


_PARTS = {
    "passwords": "a common password", "english_wikipedia": "a common word", "us_tv_and_film": "a common word",
    "female_names": "a name", "male_names": "a name", "surnames": "a name", "user_inputs": "a name from this store",
    "sequence": "a sequence such as abc or 123", "repeat": "a repeat", "spatial": "a keyboard pattern",
    "date": "a date", "recent_year": "a recent year",
}


def _plain(result: dict[str, Any]) -> str:
    """Why zxcvbn finds it guessable: its own warning, else what the passphrase is made of."""
    warning = str(result["feedback"].get("warning") or "").rstrip(".")
    if warning:
        return warning[:1].lower() + warning[1:]
    parts: list[str] = []
    for match in result.get("sequence", ()):
        key = match.get("dictionary_name") or match.get("regex_name") or match["pattern"]
        part = _PARTS.get(str(key))
        if part and match.get("l33t"):
            part += " with look-alike characters"
        if part and part not in parts:
            parts.append(part)
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"it is made of {listed}"


def assess(passphrase: str, names: Iterable[str] = ()) -> Strength:
    """How strong ``passphrase`` is, and if it is refused, why and what would be better.

    ``names`` are words an attacker would try first for this store besides the application's name: the
    partnership's name and short name. Each is refused as whole words anywhere in the passphrase.
    """
    blocked = [n for n in (*APP_NAMES, *names) if n and n.strip()]
    tokens = words(passphrase)
    known = [w for name in blocked for w in words(name)]
    found: list[tuple[str, str]] = []  # (what is wrong, what would be better), worst first
    length = len(passphrase)

    if length > MAX_LENGTH:
        return Strength(0, 0.0, (f"it is {length:,} characters long, more than the {MAX_LENGTH:,} Pathways accepts",),
                        "a passphrase of 15 to 100 characters is plenty")
    guesses, first = _score(passphrase, known) if passphrase else (0.0, {"feedback": {}, "sequence": []})

    if length < MIN_LENGTH:
        have = "no characters" if not length else f"only {length} character{'s' if length != 1 else ''}"
        found.append((f"it has {have}; a passphrase needs at least {MIN_LENGTH}", BETTER))
    squeezed = re.sub(r"[\W_]+", "", passphrase.casefold())
    if passphrase and (passphrase.casefold() in _common_passwords() or squeezed in _common_passwords()):
        found.append(("it is one of the most commonly used passwords, which attackers try first", BETTER))
    for name in blocked:
        if _contains_phrase(tokens, words(name)):
            whose = "the application's name" if name in APP_NAMES else "your partnership's name"
            found.append((f"it contains \u201c{name}\u201d, {whose}, which attackers try first",
                          f"leave out \u201c{name}\u201d and use words of your own: " + BETTER))
            break
    if not found and guesses < ACCEPT_GUESSES_LOG10:
        why = _plain(first)
        found.append((
            f"it would be easy to guess: {why}" if why else "it would be easy to guess",
            "avoid repeating words or characters; " + BETTER if "repeat" in why.lower()
            else "add another word or two that are not obviously connected: uncommon words are better",
        ))

    meter = _meter(guesses)
    if found:
        meter = min(meter, 3 if length >= MIN_LENGTH else 1)
    return Strength(meter, round(guesses, 1), tuple(p for p, _ in found), found[0][1] if found else "")

