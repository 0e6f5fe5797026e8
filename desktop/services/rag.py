"""RAG schemes: each status has a key, label, letter, colour and definition, printed in every document's key.

RAG is never shown by colour alone: every rendering uses the letter too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop.services.errors import ValidationError


@dataclass(frozen=True)
class RagStatus:
    key: str
    label: str
    letter: str
    colour: str  # "#rrggbb" background
    text_colour: str  # "#rrggbb" foreground that reads on ``colour``
    definition: str
    severity: int  # higher is worse; roll-up takes the worst
    in_rollup: bool = True
    needs_remedial: bool = False


@dataclass(frozen=True)
class RagScheme:
    key: str
    name: str
    statuses: tuple[RagStatus, ...]
    rollup_rule: str = (
        "A priority or objective takes the worst status of its actions; actions with no status yet are left out."
    )

    def status(self, key: str) -> RagStatus:
        for s in self.statuses:
            if s.key == key:
                return s
        raise ValidationError(f"'{key}' is not a status of the {self.name} scheme")

    def find(self, key: str | None) -> RagStatus | None:
        if key is None:
            return None
        return next((s for s in self.statuses if s.key == key), None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.statuses)

    def worst(self, keys: Iterable[str | None]) -> str | None:
        """Roll-up: the most severe status among ``keys``, ignoring unknown, empty and out-of-roll-up ones."""
        found = [s for s in (self.find(k) for k in keys) if s is not None and s.in_rollup]
        if not found:
            return None
        return max(found, key=lambda s: s.severity).key

    def compare(self, now: str | None, before: str | None) -> str:
        """Direction of travel: "improved", "worse", "same", "new" (no earlier status) or "none"."""
        a, b = self.find(now), self.find(before)
        if a is None:
            return "none"
        if b is None:
            return "new"
        if a.key == "blue" and b.key != "blue":
            return "improved"
        if not (a.in_rollup and b.in_rollup):
            return "same" if a.key == b.key else "new"
        if a.severity < b.severity:
            return "improved"
        if a.severity > b.severity:
            return "worse"
        return "same"


_RED = RagStatus(
    "red", "Red", "R", "#c0392b", "#ffffff",
    "Off track: the action will not be delivered by its due date without intervention; remedial action required.",
    severity=50, needs_remedial=True,
)
_AMBER = RagStatus(
    "amber", "Amber", "A", "#f0a30a", "#000000",
    "At risk: issues have been identified that may delay delivery; remedial action in hand.",
    severity=30, needs_remedial=True,
)
_GREEN = RagStatus(
    "green", "Green", "G", "#2e8540", "#ffffff",
    "On track: the action is progressing to plan, or is complete.",
    severity=10,
)

RAG = RagScheme("rag", "Red / Amber / Green", (_RED, _AMBER, _GREEN))
BRAG_ROLLUP = (
    "A priority or objective takes the worst status of its actions; Grey (not started) and actions with no status "
    "yet are left out, and Blue (complete) counts only when every action is complete."
)

BRAG = RagScheme(
    "brag",
    "Blue / Red / Amber / Green + Grey",
    (
        _RED,
        _AMBER,
        RagStatus("green", "Green", "G", "#2e8540", "#ffffff", "On track: progressing to plan.", severity=10),
        RagStatus("blue", "Blue", "B", "#1f5fa8", "#ffffff", "Complete: delivered and signed off.", severity=0),
        RagStatus(
            "grey", "Grey", "NS", "#8a8f94", "#ffffff",
            "Not started: not yet due to start; excluded from roll-ups.", severity=-1, in_rollup=False,
        ),
    ),
    rollup_rule=BRAG_ROLLUP,
)

FIVE_POINT = RagScheme(
    "five_point",
    "Five-point delivery confidence",
    (
        RagStatus("red", "Red", "R", "#c0392b", "#ffffff",
                  "Successful delivery appears unachievable without re-scoping; major issues not currently "
                  "resolvable.", severity=50, needs_remedial=True),
        RagStatus("amber_red", "Amber/Red", "AR", "#e2642b", "#000000",
                  "Successful delivery is in doubt; urgent action is needed.", severity=40, needs_remedial=True),
        RagStatus("amber", "Amber", "A", "#f0a30a", "#000000",
                  "Successful delivery appears feasible but significant issues exist that need management "
                  "attention.", severity=30, needs_remedial=True),
        RagStatus("amber_green", "Amber/Green", "AG", "#8fbf3f", "#000000",
                  "Successful delivery appears probable; constant attention is needed so risks do not become "
                  "issues.", severity=20),
        RagStatus("green", "Green", "G", "#2e8540", "#ffffff",
                  "Successful delivery on time appears highly likely; no major outstanding issues.", severity=10),
    ),
)

SCHEMES: dict[str, RagScheme] = {s.key: s for s in (RAG, BRAG, FIVE_POINT)}


def scheme(key: str) -> RagScheme:
    try:
        return SCHEMES[key]
    except KeyError:
        raise ValidationError(f"Unknown RAG scheme '{key}' (known: {', '.join(SCHEMES)})") from None
