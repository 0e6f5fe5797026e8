"""k-anonymity for Partner rows: generalise age, gender and district until every combination covers k people.

The candidate generalisations form a small lattice (age 5 levels x district 3 x gender 2). Each is applied to the
whole cohort (full-domain generalisation, so one row's label never depends on which rows sit next to it); rows in
combinations smaller than k are dropped. The chosen level is the least generalised one (lowest total level) that
drops no more than ``max_dropped`` of the rows, preferring to keep gender and age detail, which the partnerships'
published top-ten tables show. Dropped rows are counted and reported, never shown.

Pseudonyms ("Offender 1…n") follow a shuffle seeded from ``secrets``: the numbering carries no information about
names, PNC IDs, insertion order or the quasi-identifiers, and differs between exports so two exports cannot be
joined on it.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

AGE_LEVELS = ("exact age", "5-year bands", "10-year bands", "broad bands", "all ages")
DISTRICT_LEVELS = ("district", "small districts merged", "all districts")
GENDER_LEVELS = ("gender", "persons")

NOT_RECORDED = "Not recorded"
ALL_AGES = "All ages"
OTHER_DISTRICT = "Other district"
ALL_DISTRICTS = "All districts"
PERSONS = "Persons"
BROAD_BANDS = ((0, 17, "Under 18"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 49, "35-49"), (50, 200, "50+"))
DEFAULT_MAX_DROPPED = 0.1


@dataclass(frozen=True)
class QuasiIdentifiers:
    age: int | None
    gender: str
    district: str


@dataclass(frozen=True, order=True)
class Level:
    age: int = 0
    district: int = 0
    gender: int = 0

    @property
    def height(self) -> int:
        return self.age + self.district + self.gender

    def describe(self) -> str:
        return f"age as {AGE_LEVELS[self.age]}, {DISTRICT_LEVELS[self.district]}, {GENDER_LEVELS[self.gender]}"


@dataclass(frozen=True)
class Generalised:
    level: Level
    k: int
    order: tuple[int, ...]  # indices of the published rows, in published (random) order: "Offender 1" is order[0]
    labels: tuple[tuple[str, str, str], ...]  # (age, gender, district) as published, aligned with ``order``
    dropped: tuple[int, ...]  # indices of rows that could not be protected

    def pseudonym(self, position: int) -> str:
        return f"Offender {position + 1}"


def broad_band(age: int | None) -> str:
    if age is None:
        return NOT_RECORDED
    return next(label for low, high, label in BROAD_BANDS if low <= age <= high)


def age_label(age: int | None, level: int) -> str:
    if level >= 4:
        return ALL_AGES
    if age is None:
        return NOT_RECORDED
    if level == 0:
        return str(age)
    if level in (1, 2):
        width = 5 if level == 1 else 10
        low = age // width * width
        return f"{low}-{low + width - 1}"
    return broad_band(age)


def gender_label(gender: str, level: int) -> str:
    return PERSONS if level >= 1 else (gender.strip() or NOT_RECORDED)


def district_labels(districts: Sequence[str], level: int, k: int) -> list[str]:
    names = [d.strip() or NOT_RECORDED for d in districts]
    if level >= 2:
        return [ALL_DISTRICTS] * len(names)
    if level == 1:
        sizes = Counter(names)
        return [n if sizes[n] >= k else OTHER_DISTRICT for n in names]
    return names


def labels_at(records: Sequence[QuasiIdentifiers], level: Level, k: int) -> list[tuple[str, str, str]]:
    districts = district_labels([r.district for r in records], level.district, k)
    return [
        (age_label(r.age, level.age), gender_label(r.gender, level.gender), d)
        for r, d in zip(records, districts, strict=True)
    ]


def _candidates() -> list[Level]:
    return [
        Level(a, d, g)
        for a in range(len(AGE_LEVELS))
        for d in range(len(DISTRICT_LEVELS))
        for g in range(len(GENDER_LEVELS))
    ]


def generalise(
    records: Sequence[QuasiIdentifiers],
    k: int = 5,
    *,
    max_dropped: float = DEFAULT_MAX_DROPPED,
    seed: int | None = None,
) -> Generalised:
    """The least generalisation giving k-anonymity, with unprotectable rows dropped and the rest shuffled."""
    if k < 1:
        raise ValueError("k must be at least 1")
    allowed = int(max_dropped * len(records))
    best: tuple[tuple[int, ...], Level, list[tuple[str, str, str]], list[int]] | None = None
    for level in _candidates():
        labels = labels_at(records, level, k)
        sizes = Counter(labels)
        dropped = [i for i, label in enumerate(labels) if sizes[label] < k]
        key = (int(len(dropped) > allowed), level.height, len(dropped), level.gender, level.age, level.district)
        if best is None or key < best[0]:
            best = (key, level, labels, dropped)
    assert best is not None
    _, level, labels, dropped = best
    gone = set(dropped)
    kept = [i for i in range(len(records)) if i not in gone]
    rng = random.Random(seed if seed is not None else secrets.randbits(128))
    rng.shuffle(kept)
    return Generalised(
        level=level,
        k=k,
        order=tuple(kept),
        labels=tuple(labels[i] for i in kept),
        dropped=tuple(dropped),
    )
