"""What an export may publish of an offender-profile appendix, after the disclosure profile has been applied.

The disclosure services produce these; the document builders only render them. Nothing in here is ever raw
subject data: cells are already-formatted text ("<5", "12", "Offender 3", "25-34").
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PublishedTable:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str  # the disclosure rule used, printed under the table
    suppressed: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (row, column) cells suppressed
    total_row: bool = False  # the last row is a total (rendered bold)


@dataclass(frozen=True)
class RedactionNotice:
    """The standard notice that replaces an appendix published under the Restricted profile."""

    title: str  # "Appendix 3 – Offender profiles"
    text: str  # "This has been redacted due to potentially identifiable information; available on request from …"


@dataclass(frozen=True)
class PublishedAppendix:
    title: str
    profile: str  # "public" | "partner" | "restricted"
    intro: str
    parts: tuple[PublishedTable | RedactionNotice, ...]
    is_demo: bool = False
