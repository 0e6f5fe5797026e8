"""The attacker's view of a suppressed count table: the tightest bounds anyone can derive for every hidden cell.

A 2-D count table with row and column totals is a circulation in a small network (rows and columns are nodes, each
cell is an arc row → column, each row total an arc S → row, each column total an arc column → T, the grand total
T → S). Everything a reader knows becomes bounds on arc flows:

- a shown count: exactly its value, or the interval its rounding allows;
- a "<5" cell: 1 to 4 (0 to 9 under a rule that hides zeros);
- a "*" cell (secondary suppression): at least the threshold, since smaller counts would have been "<5" and zeros
  are never chosen as complementary cells;
- a total that is not published at all (multiple-response tables): anything.

The set of tables consistent with the published one is the set of feasible circulations, and the network matrix
is totally unimodular, so the extreme values of a hidden cell over that set are integers and are found exactly with
two max-flow computations on the residual network of the true table. This covers every linear combination of rows,
columns and totals an attacker could use, not only subtracting along one row or column.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.services.disclosure.rules import DisclosureRule

UNBOUNDED = 10**12


class CellState(enum.Enum):
    SHOWN = "shown"
    PRIMARY = "primary"  # a small count, shown as "<5"
    SECONDARY = "secondary"  # hidden to protect a small count, shown as "*"
    ABSENT = "absent"  # a total that is not published (the table does not add up in that direction)

    @property
    def hidden(self) -> bool:
        return self in (CellState.PRIMARY, CellState.SECONDARY)


Grid = Sequence[Sequence[int]]
States = Sequence[Sequence[CellState]]


@dataclass(frozen=True)
class CellRange:
    low: int
    high: int | None  # None: no upper bound can be derived

    @property
    def exact(self) -> bool:
        return self.high == self.low


def bounds(value: int, state: CellState, rule: DisclosureRule) -> tuple[int, int]:
    """What a reader knows about one cell before combining it with the others."""
    if state is CellState.SHOWN:
        return rule.published_bounds(rule.round(value))
    if state is CellState.PRIMARY:
        return rule.lowest_hidden, rule.threshold - 1
    if state is CellState.SECONDARY:
        return rule.threshold, UNBOUNDED
    return 0, UNBOUNDED


def _arc(i: int, j: int, rows: int, cols: int) -> tuple[int, int]:
    """The network arc of grid position (i, j); position (rows, cols) is the grand total."""
    source, sink = 0, 1

    def row(r: int) -> int:
        return 2 + r

    def col(c: int) -> int:
        return 2 + rows + c

    if i < rows and j < cols:
        return row(i), col(j)
    if i < rows:
        return source, row(i)
    if j < cols:
        return col(j), sink
    return sink, source


def _network(
    values: Grid, states: States, rule: DisclosureRule
) -> tuple[list[list[int]], dict[tuple[int, int], tuple[int, int, int, int]]]:
    """The residual network of the true table, and each grid position's arc with its bounds."""
    rows, cols = len(values) - 1, len(values[0]) - 1
    size = 2 + rows + cols
    residual = [[0] * size for _ in range(size)]
    arcs: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for i in range(rows + 1):
        for j in range(cols + 1):
            low, high = bounds(values[i][j], states[i][j], rule)
            flow = values[i][j]
            if not low <= flow <= high:
                raise AssertionError("the true table must satisfy what it publishes")
            a, b = _arc(i, j, rows, cols)
            residual[a][b] += high - flow
            residual[b][a] += flow - low
            arcs[(i, j)] = (a, b, low, high)
    return residual, arcs


def _range(residual: list[list[int]], arc: tuple[int, int, int, int], flow: int) -> CellRange:
    a, b, low, high = arc
    up = _max_flow(residual, b, a, high - flow, (a, b))
    down = _max_flow(residual, a, b, flow - low, (a, b))
    top = flow + up
    return CellRange(flow - down, None if top >= UNBOUNDED // 2 else top)


def hidden_ranges(values: Grid, states: States, rule: DisclosureRule) -> dict[tuple[int, int], CellRange]:
    """The exact range an attacker can derive for every hidden cell, given everything the table publishes.

    ``values`` and ``states`` are (rows + 1) x (cols + 1): the last row and column hold the totals.
    """
    residual, arcs = _network(values, states, rule)
    return {(i, j): _range(residual, arc, values[i][j]) for (i, j), arc in arcs.items() if states[i][j].hidden}


def cell_range(values: Grid, states: States, rule: DisclosureRule, cell: tuple[int, int]) -> CellRange:
    """The attacker's range for one cell (hidden or not)."""
    residual, arcs = _network(values, states, rule)
    return _range(residual, arcs[cell], values[cell[0]][cell[1]])


def exposed_cells(values: Grid, states: States, rule: DisclosureRule) -> list[tuple[int, int]]:
    """Hidden cells whose exact value can be worked out from the published table (row-major order)."""
    return sorted(cell for cell, span in hidden_ranges(values, states, rule).items() if span.exact)


def _max_flow(residual: list[list[int]], source: int, sink: int, limit: int, skip: tuple[int, int]) -> int:
    """Edmonds-Karp max flow from ``source`` to ``sink`` up to ``limit``, ignoring the arc ``skip`` both ways."""
    if limit <= 0:
        return 0
    cap = [row[:] for row in residual]
    a, b = skip
    cap[a][b] = cap[b][a] = 0
    size = len(cap)
    total = 0
    while total < limit:
        parent = [-1] * size
        parent[source] = source
        queue = deque([source])
        while queue and parent[sink] < 0:
            u = queue.popleft()
            for v in range(size):
                if parent[v] < 0 and cap[u][v] > 0:
                    parent[v] = u
                    queue.append(v)
        if parent[sink] < 0:
            break
        push = limit - total
        v = sink
        while v != source:
            push = min(push, cap[parent[v]][v])
            v = parent[v]
        v = sink
        while v != source:
            cap[parent[v]][v] -= push
            cap[v][parent[v]] += push
            v = parent[v]
        total += push
    return total
