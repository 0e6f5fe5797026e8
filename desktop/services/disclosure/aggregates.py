"""Count tables of a profile: computed from its subjects, or read from the tables the partnership entered.

Subjects are first reduced to ``SubjectFacts`` - age, gender, district, flags, offences, needs - so that nothing on
the publishing path ever holds a name, date of birth, number, address or postcode.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from desktop.models.profiles import AggregateTable, ProfileSubject
from desktop.services.disclosure.generalise import BROAD_BANDS, NOT_RECORDED, broad_band
from desktop.services.disclosure.suppression import CountTable
from desktop.services.errors import ValidationError

FLAG_LABELS = {
    "PPO": "Prolific and Priority Offender (PPO)",
    "HCC": "High Crime Causer (HCC)",
    "IOM": "Integrated Offender Management (IOM)",
    "CLASS_A": "Tested positive for Class A drugs",
    "TREATMENT": "Known to drug and alcohol treatment services",
    "PROBATION": "Known to probation",
    "YOS": "Known to the Youth Offending Service",
    "TAH": "Team around the Household",
}
GENDERS = ("Male", "Female")
_GENDER_WORDS = {"m": "Male", "male": "Male", "man": "Male", "f": "Female", "female": "Female", "woman": "Female"}
MULTIPLE_NOTE = "An offender can be counted in more than one row, so the rows do not add up to the cohort."


@dataclass(frozen=True)
class SubjectFacts:
    age: int | None
    gender: str
    district: str
    flags: tuple[str, ...]
    offences: tuple[tuple[str, int], ...]
    needs: tuple[str, ...]


def normalise_gender(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        return NOT_RECORDED
    return _GENDER_WORDS.get(text.lower(), text[:1].upper() + text[1:])


def flag_label(flag: str) -> str:
    return FLAG_LABELS.get(flag.strip().upper().replace(" ", "_"), flag.strip())


def facts(subject: ProfileSubject) -> SubjectFacts:
    return SubjectFacts(
        age=subject.age,
        gender=normalise_gender(subject.gender),
        district=subject.district.strip() or NOT_RECORDED,
        flags=tuple(subject.flag_list),
        offences=tuple(sorted((k, v) for k, v in subject.offences.items() if v > 0)),
        needs=tuple(subject.needs),
    )


def _gender_columns(people: Sequence[SubjectFacts]) -> tuple[str, ...]:
    seen = {p.gender for p in people}
    others = sorted(seen - set(GENDERS) - {NOT_RECORDED})
    return tuple(g for g in GENDERS if g in seen) + tuple(others) + ((NOT_RECORDED,) if NOT_RECORDED in seen else ())


def _by_gender(
    title: str,
    row_header: str,
    rows: Sequence[str],
    people: Sequence[SubjectFacts],
    members: Iterable[tuple[SubjectFacts, Iterable[str]]],
    *,
    exclusive: bool,
) -> CountTable:
    columns = _gender_columns(people)
    counts = {(r, c): 0 for r in rows for c in columns}
    for person, person_rows in members:
        for r in set(person_rows):
            counts[(r, person.gender)] += 1
    return CountTable(
        title=title,
        row_header=row_header,
        row_labels=tuple(rows),
        column_labels=columns,
        counts=tuple(tuple(counts[(r, c)] for c in columns) for r in rows),
        total_row=exclusive,
        total_column=True,
        note="" if exclusive else MULTIPLE_NOTE,
    )


def computed_tables(people: Sequence[SubjectFacts]) -> list[CountTable]:
    """The standard cohort breakdowns (as in Hartlepool's published analysis) from subject rows."""
    if not people:
        return []
    bands = [label for _, _, label in BROAD_BANDS]
    if any(p.age is None for p in people):
        bands.append(NOT_RECORDED)
    tables = [
        _by_gender(
            "Offenders by age band and gender",
            "Age band",
            bands,
            people,
            ((p, [broad_band(p.age)]) for p in people),
            exclusive=True,
        )
    ]
    flags = sorted({flag_label(f) for p in people for f in p.flags}, key=_flag_order)
    if flags:
        tables.append(
            _by_gender(
                "Offenders by flag and gender",
                "Flag",
                flags,
                people,
                ((p, [flag_label(f) for f in p.flags]) for p in people),
                exclusive=False,
            )
        )
    offences = sorted({name for p in people for name, _ in p.offences})
    if offences:
        tables.append(
            _by_gender(
                "Offenders with at least one offence of each type, by gender",
                "Offence type",
                offences,
                people,
                ((p, [n for n, _ in p.offences]) for p in people),
                exclusive=False,
            )
        )
    needs = sorted({n for p in people for n in p.needs})
    if needs:
        tables.append(
            _by_gender(
                "Offenders by criminogenic need (critical pathway) and gender",
                "Need",
                needs,
                people,
                ((p, list(p.needs)) for p in people),
                exclusive=False,
            )
        )
    return tables


def _flag_order(label: str) -> tuple[int, str]:
    known = list(FLAG_LABELS.values())
    return (known.index(label), "") if label in known else (len(known), label)


def entered_table(table: AggregateTable) -> CountTable:
    rows, columns = table.row_labels, table.column_labels
    grid = [[0] * len(columns) for _ in rows]
    for cell in table.cells:
        if not (0 <= cell.row_index < len(rows) and 0 <= cell.column_index < len(columns)):
            raise ValidationError(f"The table \u201c{table.title}\u201d has a count outside its rows and columns.")
        grid[cell.row_index][cell.column_index] = cell.count
    return CountTable(
        title=table.title,
        row_header=table.row_header,
        row_labels=tuple(rows),
        column_labels=tuple(columns),
        counts=tuple(tuple(r) for r in grid),
        total_row=table.total_row,
        total_column=table.total_column,
        note=" ".join(
            n for n in (table.note.strip(), f"Source: {table.source.strip()}" if table.source.strip() else "") if n
        ),
    )
