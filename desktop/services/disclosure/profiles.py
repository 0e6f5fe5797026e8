"""Apply a disclosure profile to an offender-profile appendix: what an export may publish, and the preview.

- **public**: aggregate tables only (computed from the subjects, plus any entered tables), small counts suppressed.
- **partner**: pseudonymised, k-anonymous rows ("Offender 1…n") plus aggregate tables. The computed tables count
  only the offenders whose rows are published, so subtracting the rows from the tables reveals nothing about the
  rows that were withheld.
- **restricted**: nothing from the appendix but the standard redaction notice with its title.

Subjects are reduced to ``SubjectFacts`` before anything else happens: direct identifiers never enter this path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from desktop.models.profiles import ProfileAppendix
from desktop.services.disclosure.aggregates import SubjectFacts, computed_tables, entered_table, facts, flag_label
from desktop.services.disclosure.generalise import DEFAULT_MAX_DROPPED, Generalised, QuasiIdentifiers, generalise
from desktop.services.disclosure.rules import DisclosureRule
from desktop.services.disclosure.suppression import CountTable, suppress
from desktop.services.errors import ValidationError
from desktop.services.published import PublishedAppendix, PublishedTable, RedactionNotice

Profile = Literal["public", "partner", "restricted"]
PROFILES: tuple[Profile, ...] = ("public", "partner", "restricted")
DEMO_LABEL = "Demonstration data: every subject in this appendix is fictitious."
ROWS_TITLE = "Pseudonymised offender profiles"
_AGE_TEXT = (
    "Ages are shown exactly",
    "Ages are shown in 5-year bands",
    "Ages are shown in 10-year bands",
    "Ages are shown in broad bands",
    "Ages are not shown",
)
_DISTRICT_TEXT = (
    "districts are shown",
    "districts with few offenders are shown as \u201cOther district\u201d",
    "districts are not shown",
)


def redaction_text(notice_contact: str) -> str:
    contact = notice_contact.strip().rstrip(".") or "the Community Safety Team"
    return f"This has been redacted due to potentially identifiable information; available on request from {contact}."


def _check_profile(profile: str) -> Profile:
    for known in PROFILES:
        if profile == known:
            return known
    raise ValidationError(f"'{profile}' is not a disclosure profile (public, partner or restricted).", field="profile")


def _count(n: int, rule: DisclosureRule) -> str:
    return rule.symbol if rule.is_primary(n) else f"{rule.round(n):,}"


def _intro(appendix: ProfileAppendix, rule: DisclosureRule, extra: str = "") -> str:
    parts = []
    label = appendix.cohort_label.strip()
    size, reoffended = appendix.cohort_size, appendix.reoffended_count
    if size is not None:
        figures = f"{_count(size, rule)} offenders"
        # The re-offending count is shown only when neither it nor its complement is a small number.
        if reoffended is not None and not (rule.is_primary(reoffended) or rule.is_primary(size - reoffended)):
            figures += f", {_count(reoffended, rule)} re-offended"
        label = f"{label}: {figures}" if label else f"Cohort: {figures}"
    if label:
        parts.append(label.rstrip(".") + ".")
    if extra:
        parts.append(extra)
    if appendix.is_demo:
        parts.append(DEMO_LABEL)
    return " ".join(parts)


@dataclass(frozen=True)
class HeldTable:
    """What the store holds, for the in-app preview only. May contain direct identifiers: never export it."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    marked: frozenset[tuple[int, int]]  # (row, column) cells the published version hides, generalises or drops


@dataclass(frozen=True)
class PreviewPair:
    held: HeldTable
    published: PublishedTable | RedactionNotice | None  # None: this profile publishes nothing of it


@dataclass(frozen=True)
class AppendixPreview:
    title: str
    profile: Profile
    pairs: tuple[PreviewPair, ...]
    published: PublishedAppendix
    withheld_rows: int  # Partner rows dropped because they could not be protected


@dataclass(frozen=True)
class _Built:
    published: PublishedAppendix
    pairs: tuple[PreviewPair, ...]
    withheld_rows: int


def publish_appendix(
    appendix: ProfileAppendix,
    profile: str,
    rule: DisclosureRule,
    *,
    notice_contact: str,
    seed: int | None = None,
    max_dropped: float = DEFAULT_MAX_DROPPED,
) -> PublishedAppendix:
    """What an export may publish of ``appendix`` under ``profile``. ``seed`` is for tests only."""
    return _build(appendix, profile, rule, notice_contact, seed, max_dropped).published


def preview(
    appendix: ProfileAppendix,
    profile: str,
    rule: DisclosureRule,
    *,
    notice_contact: str,
    seed: int | None = None,
    max_dropped: float = DEFAULT_MAX_DROPPED,
) -> AppendixPreview:
    """Store-side tables beside what the profile publishes, suppressed and generalised cells marked."""
    built = _build(appendix, profile, rule, notice_contact, seed, max_dropped)
    return AppendixPreview(
        title=appendix.title,
        profile=_check_profile(profile),
        pairs=built.pairs,
        published=built.published,
        withheld_rows=built.withheld_rows,
    )


def _build(
    appendix: ProfileAppendix,
    profile: str,
    rule: DisclosureRule,
    notice_contact: str,
    seed: int | None,
    max_dropped: float,
) -> _Built:
    chosen = _check_profile(profile)
    people = [facts(s) for s in appendix.subjects]
    entered = [entered_table(t) for t in appendix.tables]
    if chosen == "restricted":
        return _restricted(appendix, people, entered, rule, notice_contact)
    return _released(appendix, chosen, people, entered, rule, seed, max_dropped)


def _restricted(
    appendix: ProfileAppendix,
    people: list[SubjectFacts],
    entered: list[CountTable],
    rule: DisclosureRule,
    notice_contact: str,
) -> _Built:
    notice = RedactionNotice(title=appendix.title, text=redaction_text(notice_contact))
    held = [_held_rows(appendix, None)] if people else []
    held += [_unpublished_counts(t, rule) for t in computed_tables(people) + entered]
    return _Built(
        published=PublishedAppendix(
            title=appendix.title, profile="restricted", intro="", parts=(notice,), is_demo=appendix.is_demo
        ),
        pairs=tuple(PreviewPair(h, None) for h in held),
        withheld_rows=0,
    )


def _released(
    appendix: ProfileAppendix,
    profile: Profile,
    people: list[SubjectFacts],
    entered: list[CountTable],
    rule: DisclosureRule,
    seed: int | None,
    max_dropped: float,
) -> _Built:
    pairs: list[PreviewPair] = []
    parts: list[PublishedTable | RedactionNotice] = []
    extra = ""
    withheld = 0
    counted = people
    if profile == "partner" and people:
        qis = [QuasiIdentifiers(p.age, p.gender, p.district) for p in people]
        result = generalise(qis, rule.k, max_dropped=max_dropped, seed=seed)
        withheld = len(result.dropped)
        counted = [people[i] for i in result.order]
        rows_table = _rows_table(people, result)
        if rows_table is not None:
            parts.append(rows_table)
            extra = f"The tables count the {len(counted):,} offenders whose rows are published."
        else:
            extra = f"No individual rows are published: fewer than {rule.k} offenders could be protected."
        pairs.append(PreviewPair(_held_rows(appendix, result), rows_table))
    elif people:
        pairs.append(PreviewPair(_held_rows(appendix, None), None))
    for table in computed_tables(counted) + entered:
        suppressed = suppress(table, rule)
        published = suppressed.published()
        parts.append(published)
        columns, rows, marked = suppressed.held()
        pairs.append(PreviewPair(HeldTable(table.title, columns, rows, marked), published))
    return _Built(
        published=PublishedAppendix(
            title=appendix.title,
            profile=profile,
            intro=_intro(appendix, rule, extra),
            parts=tuple(parts),
            is_demo=appendix.is_demo,
        ),
        pairs=tuple(pairs),
        withheld_rows=withheld,
    )


def _unpublished_counts(table: CountTable, rule: DisclosureRule) -> HeldTable:
    """A count table as held, every cell marked: the Restricted profile publishes none of it."""
    columns, rows, _ = suppress(table, rule).held()
    marked = frozenset((r, c) for r in range(len(rows)) for c in range(1, len(columns)))
    return HeldTable(table.title, columns, rows, marked)


def count_band(count: int) -> str:
    """Offence counts are published in bands: an exact record ("Burglary 6; Shoplifting 1") is itself a
    fingerprint that someone who knows an offender's history could match, whatever the age band and district."""
    if count <= 1:
        return "1"
    if count <= 4:
        return "2–4"
    if count <= 9:
        return "5–9"
    return "10+"


def _attributes(person: SubjectFacts) -> tuple[str, str, str]:
    return (
        ", ".join(flag_label(f) for f in person.flags),
        "; ".join(f"{name} ({count_band(count)})" for name, count in person.offences),
        "; ".join(person.needs),
    )


def _rows_table(people: Sequence[SubjectFacts], result: Generalised) -> PublishedTable | None:
    if not result.order:
        return None
    level = result.level
    show = (level.age < 4, level.gender < 1, level.district < 2)
    qi_columns = [name for name, shown in zip(("Age", "Gender", "District"), show, strict=True) if shown]
    rows = []
    for position, (index, labels) in enumerate(zip(result.order, result.labels, strict=True)):
        qi = [label for label, shown in zip(labels, show, strict=True) if shown]
        rows.append((result.pseudonym(position), *qi, *_attributes(people[index])))
    return PublishedTable(
        title=ROWS_TITLE,
        columns=("Offender", *qi_columns, "Flags", "Offences", "Needs"),
        rows=tuple(rows),
        note=_rows_note(result),
    )


def _rows_note(result: Generalised) -> str:
    level, k = result.level, result.k
    gender = "gender is shown" if level.gender == 0 else "gender is not shown"
    note = (
        f"Pseudonymised: offenders are numbered in a random order that changes with every export. "
        f"{_AGE_TEXT[level.age]}; {_DISTRICT_TEXT[level.district]}; {gender}. Every combination of age, gender and "
        f"district shown is shared by at least {k} offenders (k = {k})."
    )
    if result.dropped:
        n = len(result.dropped)
        who = f"{n} offenders could not be protected and are" if n != 1 else "1 offender could not be protected and is"
        note += f" {who} not shown."
    return note


def _held_rows(appendix: ProfileAppendix, result: Generalised | None) -> HeldTable:
    """Subject rows as held, with how each is published (partner) or that none is (public, restricted)."""
    columns = ("Name", "Age", "Gender", "District", "Flags", "Offences", "Needs", "Published as")
    published_as: dict[int, tuple[int, tuple[str, str, str]]] = {}
    if result is not None:
        pairs = zip(result.order, result.labels, strict=True)
        published_as = {index: (position, labels) for position, (index, labels) in enumerate(pairs)}
    rows = []
    marked: set[tuple[int, int]] = set()
    for r, subject in enumerate(appendix.subjects):
        person = facts(subject)
        held = (str(person.age) if person.age is not None else "", person.gender, person.district)
        if result is None:
            status = "Not published"
            marked.update((r, c) for c in range(len(columns) - 1))
        elif r in published_as:
            position, labels = published_as[r]
            status = f"{result.pseudonym(position)} (numbering changes with every export)"
            marked.add((r, 0))
            marked.update((r, c + 1) for c, (a, b) in enumerate(zip(held, labels, strict=True)) if a != b)
        else:
            status = "Withheld: could not be protected"
            marked.update((r, c) for c in range(len(columns) - 1))
        rows.append((subject.name, *held, *_attributes(person), status))
    title = ROWS_TITLE if result is not None else "Offender rows (held in the store only)"
    return HeldTable(title, columns, tuple(rows), frozenset(marked))


def generalised_cells(held: HeldTable, published: PublishedTable) -> frozenset[tuple[int, int]]:
    """Published (row, column) cells of the pseudonymised rows table whose held value was generalised."""
    if "Published as" not in held.columns or not published.columns or published.columns[0] != "Offender":
        return frozenset()
    status = held.columns.index("Published as")
    held_row = {row[status].split(" (", 1)[0]: r for r, row in enumerate(held.rows)}
    out: set[tuple[int, int]] = set()
    for p, row in enumerate(published.rows):
        r = held_row.get(row[0])
        if r is None:
            continue
        for c, name in enumerate(published.columns):
            if c and name in held.columns[1:4] and (r, held.columns.index(name)) in held.marked:
                out.add((p, c))
    return frozenset(out)
