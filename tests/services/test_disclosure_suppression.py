"""Small-count suppression: the published cells, the zero policy, and attacks on the result.

The attacks here are written independently of ``audit.py`` (which the suppression itself relies on): row/column
differencing iterated to a fixed point, interval propagation for rounded rules, exact linear algebra over the
rationals, and brute-force enumeration on tiny tables to confirm the auditor's ranges are exact.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.services.disclosure.audit import CellState, hidden_ranges
from desktop.services.disclosure.rules import PRESETS, DisclosureRule, make_rule, rule_for
from desktop.services.disclosure.suppression import (
    CountTable,
    SuppressedTable,
    audit,
    differencing_exposures,
    lines,
    suppress,
)
from desktop.services.errors import ValidationError

LT5 = PRESETS["lt5_secondary"]
ONS = PRESETS["ons_10_5"]
ROUND5 = PRESETS["round5_lt5"]
RULES = list(PRESETS.values())


def table(counts: list[list[int]], *, total_row: bool = True, total_column: bool = True) -> CountTable:
    return CountTable(
        title="T",
        row_header="Row",
        row_labels=tuple(f"r{i}" for i in range(len(counts))),
        column_labels=tuple(f"c{j}" for j in range(len(counts[0]) if counts else 0)),
        counts=tuple(tuple(r) for r in counts),
        total_row=total_row,
        total_column=total_column,
    )


# --- independent attackers ---------------------------------------------------------------------------------------


def known_bounds(s: SuppressedTable) -> dict[tuple[int, int], tuple[int, float]]:
    """What the published table says about each cell, from its printed text only."""
    rule = s.rule
    out: dict[tuple[int, int], tuple[int, float]] = {}
    for i, row in enumerate(s.states):
        for j, state in enumerate(row):
            if state is CellState.SHOWN:
                shown = int(s.text(i, j).replace(",", ""))
                if shown == 0 and not rule.suppress_zero:
                    out[(i, j)] = (0, 0)
                else:
                    low = shown - rule.rounding_base // 2
                    out[(i, j)] = (max(low, rule.threshold), low + rule.rounding_base - 1)
            elif state is CellState.PRIMARY:
                out[(i, j)] = (rule.lowest_hidden, rule.threshold - 1)
            elif state is CellState.SECONDARY:
                out[(i, j)] = (rule.threshold, float("inf"))
            else:
                out[(i, j)] = (0, float("inf"))
    return out


def propagate(s: SuppressedTable) -> dict[tuple[int, int], tuple[float, float]]:
    """Interval differencing along every published line, repeated until nothing tightens."""
    bounds: dict[tuple[int, int], tuple[float, float]] = dict(known_bounds(s))
    states = [list(r) for r in s.states]
    published_lines = list(lines(states))
    changed = True
    while changed:
        changed = False
        for line in published_lines:
            total = line[-1]  # ``lines`` lists a line's cells first and its total last
            parts = line[:-1]
            t_lo, t_hi = bounds[total]
            for cell in parts:
                others_lo = sum(bounds[c][0] for c in parts if c != cell)
                others_hi = sum(bounds[c][1] for c in parts if c != cell)
                lo, hi = bounds[cell]
                new = (max(lo, t_lo - others_hi), min(hi, t_hi - others_lo))
                if new != (lo, hi):
                    bounds[cell] = new
                    changed = True
            parts_lo = sum(bounds[c][0] for c in parts)
            parts_hi = sum(bounds[c][1] for c in parts)
            new_total = (max(t_lo, parts_lo), min(t_hi, parts_hi))
            if new_total != (t_lo, t_hi):
                bounds[total] = new_total
                changed = True
    return bounds


def differencing_recovers(s: SuppressedTable) -> list[tuple[int, int]]:
    bounds = propagate(s)
    return [
        (i, j)
        for i, row in enumerate(s.states)
        for j, state in enumerate(row)
        if state.hidden and bounds[(i, j)][0] == bounds[(i, j)][1]
    ]


def algebra_recovers(s: SuppressedTable) -> list[tuple[int, int]]:
    """Hidden cells fixed by the linear equations alone (exact rules): e_cell lies in the row space."""
    states = [list(r) for r in s.states]
    unknowns = [(i, j) for i, row in enumerate(states) for j, st_ in enumerate(row) if st_.hidden]
    absent = [(i, j) for i, row in enumerate(states) for j, st_ in enumerate(row) if st_ is CellState.ABSENT]
    variables = unknowns + absent
    index = {c: n for n, c in enumerate(variables)}
    equations: list[list[Fraction]] = []
    rows, cols = s.rows, s.columns
    for i in range(rows + 1):  # row i: sum of cells minus total = 0
        eq = [Fraction(0)] * len(variables)
        for j in range(cols + 1):
            if (i, j) in index:
                eq[index[(i, j)]] += 1 if j < cols else -1
        equations.append(eq)
    for j in range(cols + 1):
        eq = [Fraction(0)] * len(variables)
        for i in range(rows + 1):
            if (i, j) in index:
                eq[index[(i, j)]] += 1 if i < rows else -1
        equations.append(eq)

    def rank(m: list[list[Fraction]]) -> int:
        m = [r[:] for r in m]
        r = 0
        for c in range(len(variables)):
            pivot = next((k for k in range(r, len(m)) if m[k][c] != 0), None)
            if pivot is None:
                continue
            m[r], m[pivot] = m[pivot], m[r]
            for k in range(len(m)):
                if k != r and m[k][c] != 0:
                    f = m[k][c] / m[r][c]
                    m[k] = [a - f * b for a, b in zip(m[k], m[r], strict=True)]
            r += 1
        return r

    base = rank(equations)
    recovered = []
    for cell in unknowns:
        unit = [Fraction(0)] * len(variables)
        unit[index[cell]] = Fraction(1)
        if rank([*equations, unit]) == base:
            recovered.append(cell)
    return recovered


# --- examples ----------------------------------------------------------------------------------------------------


def test_hartlepool_prison_locations_publish_as_the_partnership_did() -> None:
    prisons = CountTable(
        "HMP location of offenders",
        "Prison",
        (
            "Deerbolt",
            "Durham",
            "Frankland",
            "Holme House",
            "Kirklevington Grange",
            "Low Newton",
            "Northumberland",
            "Out of Region",
        ),
        ("Offenders",),
        ((5,), (4,), (9,), (47,), (10,), (3,), (12,), (20,)),
    )
    published = suppress(prisons, LT5).published()
    assert [r[1] for r in published.rows] == ["5", "<5", "9", "47", "10", "<5", "12", "20", "110"]
    assert published.columns == ("Prison", "Offenders")
    assert published.total_row
    assert published.suppressed == {(1, 1), (5, 1)}
    assert published.note == LT5.description


def test_single_small_cell_in_a_2x2_table_takes_the_whole_body() -> None:
    s = suppress(table([[420, 78], [29, 4]]), LT5)
    assert [list(r) for r in s.published().rows] == [
        ["r0", "*", "*", "498"],
        ["r1", "*", "<5", "33"],
        ["Total", "449", "82", "531"],
    ]
    assert audit(s) == []


def test_a_complement_too_small_to_protect_is_not_enough() -> None:
    # Row [1, 5] with total 6: hiding the 5 would still give 1 away (the "*" cell is known to be at least 5).
    s = suppress(table([[1, 5], [20, 30]], total_row=False), LT5)
    assert s.text(0, 2) == "*"  # the row total had to go too
    assert audit(s) == []
    assert differencing_recovers(s) == []


def test_totals_are_added_up_from_full_counts_then_rounded() -> None:
    s = suppress(table([[12, 13], [7, 26]]), ONS)
    assert s.text(2, 2) == "60"  # 58 -> 60, not the sum of rounded cells
    assert s.text(0, 0) == "10"
    assert s.text(1, 0) == "<10"
    assert s.text(0, 2) == "25"


def test_zero_is_shown_under_lt5_and_never_chosen_as_a_complement() -> None:
    s = suppress(table([[3, 0, 40], [0, 0, 50]]), LT5)
    assert s.text(0, 1) == "0"
    for i, row in enumerate(s.states):
        for j, state in enumerate(row):
            if state is CellState.SECONDARY:
                assert s.values[i][j] > 0
    assert audit(s) == []


def test_zero_is_hidden_under_the_ons_rule() -> None:
    s = suppress(table([[0, 40], [30, 50]]), ONS)
    assert s.text(0, 0) == "<10"
    assert audit(s) == []


def test_multiple_response_table_has_no_total_row() -> None:
    s = suppress(table([[3, 20], [15, 16]], total_row=False), LT5)
    published = s.published()
    assert published.columns == ("Row", "c0", "c1", "Total")
    assert [r[0] for r in published.rows] == ["r0", "r1"]
    assert not published.total_row


def test_four_ones_adding_up_to_a_small_total_withhold_the_table() -> None:
    s = suppress(table([[1, 1, 1, 1]]), LT5)
    assert s.withheld
    published = s.published()
    assert published.rows == ()
    assert "withheld" in published.note


def test_empty_and_all_zero_tables() -> None:
    assert suppress(table([[0, 0], [0, 0]]), LT5).published().rows[-1] == ("Total", "0", "0", "0")
    empty = CountTable("T", "Row", (), ("a",), ())
    assert suppress(empty, LT5).published().rows == ()


def test_rule_presets_and_validation() -> None:
    assert rule_for(None).key == "lt5_secondary"
    assert rule_for("ons_10_5").threshold == 10
    assert rule_for("lt5_secondary", k=7).k == 7
    assert "<5" in LT5.description and "secondary" in LT5.description
    assert "nearest 5" in ONS.description and "0 to 9" in ONS.description
    assert ROUND5.symbol == "<5" and not ROUND5.secondary
    with pytest.raises(ValidationError):
        rule_for("nope")
    with pytest.raises(ValidationError):
        make_rule("x", "x", threshold=5, rounding_base=1, secondary=False)
    with pytest.raises(ValidationError):
        make_rule("x", "x", threshold=2)  # "<2" would mean "1"
    with pytest.raises(ValidationError):
        make_rule("x", "x", threshold=5, rounding_base=10)  # a 5 would round to 10, a 4 to 0


def test_counts_must_match_labels() -> None:
    with pytest.raises(ValidationError):
        CountTable("T", "Row", ("a",), ("b", "c"), ((1,),))
    with pytest.raises(ValidationError):
        CountTable("T", "Row", ("a",), ("b",), ((-1,),))


# --- properties --------------------------------------------------------------------------------------------------

small_counts = st.one_of(st.integers(0, 6), st.integers(0, 60))


@st.composite
def count_tables(draw: st.DrawFn, max_rows: int = 5, max_cols: int = 4) -> CountTable:
    rows = draw(st.integers(1, max_rows))
    cols = draw(st.integers(1, max_cols))
    counts = draw(st.lists(st.lists(small_counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows))
    return table(counts, total_row=draw(st.booleans()), total_column=draw(st.booleans()))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count_tables(), st.sampled_from(RULES))
def test_no_suppressed_cell_can_be_recovered(t: CountTable, rule: DisclosureRule) -> None:
    s = suppress(t, rule)
    if s.withheld:
        assert s.published().rows == ()
        return
    assert audit(s) == []
    assert differencing_recovers(s) == []
    if rule.rounding_base == 1:
        assert algebra_recovers(s) == []
        # and the classic rule: no published line has exactly one hidden cell
        assert differencing_exposures([list(r) for r in s.states]) == []


@settings(max_examples=150, deadline=None)
@given(count_tables(), st.sampled_from(RULES))
def test_published_cells_follow_the_rule(t: CountTable, rule: DisclosureRule) -> None:
    s = suppress(t, rule)
    if s.withheld:
        return
    for i, row in enumerate(s.states):
        for j, state in enumerate(row):
            value = s.values[i][j]
            if state is CellState.SHOWN:
                assert not rule.is_primary(value)
                assert s.text(i, j) == f"{rule.round(value):,}"
            elif state is CellState.PRIMARY:
                assert rule.is_primary(value) and s.text(i, j) == rule.symbol
            elif state is CellState.SECONDARY:
                assert value >= rule.threshold and s.text(i, j) == "*"
    # totals come from the full counts
    for i in range(s.rows):
        assert s.values[i][s.columns] == sum(t.counts[i])
    published = s.published()
    for r, c in published.suppressed:
        assert published.rows[r][c] in (rule.symbol, "*")


def brute_force_ranges(s: SuppressedTable, cap: int) -> dict[tuple[int, int], tuple[int, int]]:
    """Every 2x2 table with body cells in 0..cap consistent with what is published; each hidden cell's range."""
    bounds = known_bounds(s)
    axis = np.arange(cap + 1, dtype=np.int16)
    a, b, c, d = np.meshgrid(axis, axis, axis, axis, indexing="ij")
    grid = {(0, 0): a, (0, 1): b, (1, 0): c, (1, 1): d}
    grid[(0, 2)], grid[(1, 2)] = a + b, c + d
    grid[(2, 0)], grid[(2, 1)] = a + c, b + d
    grid[(2, 2)] = a + b + c + d
    ok = np.ones_like(a, dtype=bool)
    for cell, values in grid.items():
        low, high = bounds[cell]
        ok &= (values >= low) & (values <= high)
    return {
        cell: (int(values[ok].min()), int(values[ok].max()))
        for cell, values in grid.items()
        if s.states[cell[0]][cell[1]].hidden
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 9), min_size=2, max_size=2), min_size=2, max_size=2),
    st.sampled_from(RULES),
)
def test_auditor_ranges_match_brute_force_on_tiny_tables(counts: list[list[int]], rule: DisclosureRule) -> None:
    s = suppress(table(counts), rule)
    if s.withheld:
        return
    cap = 40  # body counts are at most 9, so any bounded range ends by 38 (36 plus rounding); 40 means "open"
    exact = brute_force_ranges(s, cap)
    claimed = hidden_ranges(s.values, s.states, s.rule)
    for cell, (low, high) in exact.items():
        span = claimed[cell]
        assert span.low == low
        if high >= cap:
            assert span.high is None or span.high >= cap
        else:
            assert span.high == high
        assert high > low  # and nothing hidden is pinned down
