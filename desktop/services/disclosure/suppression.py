"""Small-count suppression of a count table: primary cells, complementary (secondary) cells, rounded totals.

1. Primary: every count (totals included) below the rule's threshold is hidden and shown as "<5".
2. Secondary (rules with ``secondary``): every row or column that has exactly one hidden cell gets a second one,
   the smallest other count in that line, so nothing can be found by subtracting along one line.
3. Audit (every rule): ``audit.hidden_ranges`` computes what an attacker can derive from *all* the published
   numbers together (any linear combination of rows, columns and totals, with rounding intervals). While a hidden
   cell can be pinned to one value, another complementary cell is hidden. If even that cannot protect it, the
   table is withheld. Totals are always added up from the full counts and then rounded by the rule.

Zeros. A true zero is shown as 0 unless the rule hides zeros (ONS-style "<10 including zero"). A zero is never
chosen as a complementary cell: hiding it adds no uncertainty to any line (it contributes nothing to the sum an
attacker subtracts), and because counts of 1 to 4 are always "<5", a "*" cell that might be 0 would tell the reader
"0 or at least 5" - a gap an attacker can exploit. So every "*" cell is known to be at least the threshold, and the
audit models exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from desktop.services.disclosure.audit import CellState, cell_range, exposed_cells, hidden_ranges
from desktop.services.disclosure.rules import SECONDARY_SYMBOL, DisclosureRule
from desktop.services.errors import ValidationError
from desktop.services.published import PublishedTable

TOTAL_LABEL = "Total"
WITHHELD_NOTE = "This table is withheld: its counts are too small to publish without risk of identifying people."

Cell = tuple[int, int]


@dataclass(frozen=True)
class CountTable:
    """Counts of people, as held (never published as is). ``counts[r][c]`` is row r, column c."""

    title: str
    row_header: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    total_row: bool = True  # each person is in one row: the columns add up to a Total row
    total_column: bool = True  # each person is in one column: the rows add up to a Total column
    note: str = ""

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.row_labels) or any(len(r) != len(self.column_labels) for r in self.counts):
            raise ValidationError(f"The table \u201c{self.title}\u201d does not match its row and column labels.")
        if any(c < 0 for r in self.counts for c in r):
            raise ValidationError(f"The table \u201c{self.title}\u201d has a negative count.")


@dataclass(frozen=True)
class SuppressedTable:
    table: CountTable
    rule: DisclosureRule
    values: tuple[tuple[int, ...], ...]  # (rows + 1) x (columns + 1), the last row and column being the totals
    states: tuple[tuple[CellState, ...], ...]
    withheld: bool = False

    @property
    def rows(self) -> int:
        return len(self.values) - 1

    @property
    def columns(self) -> int:
        return len(self.values[0]) - 1

    @property
    def has_total_row(self) -> bool:
        return any(s is not CellState.ABSENT for s in self.states[self.rows][: self.columns])

    @property
    def has_total_column(self) -> bool:
        return any(self.states[i][self.columns] is not CellState.ABSENT for i in range(self.rows))

    def text(self, i: int, j: int) -> str:
        state = self.states[i][j]
        if state is CellState.PRIMARY:
            return self.rule.symbol
        if state is CellState.SECONDARY:
            return SECONDARY_SYMBOL
        if state is CellState.ABSENT:
            return ""
        return f"{self.rule.round(self.values[i][j]):,}"

    def _positions(self) -> Iterator[tuple[int, str, list[int]]]:
        """(grid row, label, grid columns) of every rendered row."""
        cols = list(range(self.columns)) + ([self.columns] if self.has_total_column else [])
        for i, label in enumerate(self.table.row_labels):
            yield i, label, cols
        if self.has_total_row:
            yield self.rows, TOTAL_LABEL, cols

    def header(self) -> tuple[str, ...]:
        total = (TOTAL_LABEL,) if self.has_total_column else ()
        return (self.table.row_header, *self.table.column_labels, *total)

    def published(self) -> PublishedTable:
        note = " ".join(n for n in (self.rule.description, self.table.note) if n)
        if self.withheld:
            return PublishedTable(self.table.title, self.header(), rows=(), note=f"{WITHHELD_NOTE} {note}")
        rows: list[tuple[str, ...]] = []
        hidden: set[Cell] = set()
        for r, (i, label, cols) in enumerate(self._positions()):
            rows.append((label, *(self.text(i, j) for j in cols)))
            hidden.update((r, c + 1) for c, j in enumerate(cols) if self.states[i][j].hidden)
        return PublishedTable(
            title=self.table.title,
            columns=self.header(),
            rows=tuple(rows),
            note=note,
            suppressed=frozenset(hidden),
            total_row=self.has_total_row,
        )

    def held(self) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], frozenset[Cell]]:
        """The same layout with the true counts, and the cells the published table hides (for the preview)."""
        rows: list[tuple[str, ...]] = []
        marked: set[Cell] = set()
        for r, (i, label, cols) in enumerate(self._positions()):
            rows.append((label, *(f"{self.values[i][j]:,}" for j in cols)))
            marked.update((r, c + 1) for c, j in enumerate(cols) if self.withheld or self.states[i][j].hidden)
        return self.header(), tuple(rows), frozenset(marked)


def with_totals(counts: tuple[tuple[int, ...], ...], columns: int) -> list[list[int]]:
    """The (rows + 1) x (columns + 1) grid: totals are always added up from the full counts."""
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(grid[i][j] for i in range(len(counts))) for j in range(columns + 1)])
    return grid


def initial_states(
    grid: list[list[int]], rule: DisclosureRule, total_row: bool, total_column: bool
) -> list[list[CellState]]:
    rows, cols = len(grid) - 1, len(grid[0]) - 1
    # With one row (or column) its total would repeat the cells and add nothing, so it is not published.
    total_row = total_row and rows > 1
    total_column = total_column and cols > 1
    states: list[list[CellState]] = []
    for i in range(rows + 1):
        line: list[CellState] = []
        for j in range(cols + 1):
            absent = (i == rows and not total_row) or (j == cols and not total_column)
            if absent:
                line.append(CellState.ABSENT)
            else:
                line.append(CellState.PRIMARY if rule.is_primary(grid[i][j]) else CellState.SHOWN)
        states.append(line)
    return states


def lines(states: list[list[CellState]]) -> Iterator[list[Cell]]:
    """Every published additive line (a row or column whose total is published), as its grid positions."""
    rows, cols = len(states) - 1, len(states[0]) - 1
    for i in range(rows + 1):
        if states[i][cols] is not CellState.ABSENT:
            yield [(i, j) for j in range(cols + 1) if states[i][j] is not CellState.ABSENT]
    for j in range(cols + 1):
        if states[rows][j] is not CellState.ABSENT:
            yield [(i, j) for i in range(rows + 1) if states[i][j] is not CellState.ABSENT]


def differencing_exposures(states: list[list[CellState]]) -> list[list[Cell]]:
    """Lines with exactly one hidden cell: under an exact rule that cell is the total minus the others."""
    return [line for line in lines(states) if sum(states[i][j].hidden for i, j in line) == 1]


def _cost(grid: list[list[int]], cell: Cell) -> tuple[int, int, int, int, int]:
    """Prefer hiding small body cells; totals (and the grand total last) only when needed."""
    i, j = cell
    rows, cols = len(grid) - 1, len(grid[0]) - 1
    return (int(i == rows and j == cols), int(i == rows or j == cols), grid[i][j], i, j)


def _eligible(grid: list[list[int]], states: list[list[CellState]], cells: list[Cell]) -> list[Cell]:
    """Cells that may be hidden as complements: shown and non-zero (see the module docstring on zeros)."""
    return sorted(
        (c for c in cells if states[c[0]][c[1]] is CellState.SHOWN and grid[c[0]][c[1]] > 0),
        key=lambda c: _cost(grid, c),
    )


def _neighbours(states: list[list[CellState]], cell: Cell) -> list[Cell]:
    return [c for line in lines(states) if cell in line for c in line if c != cell]


def suppress(table: CountTable, rule: DisclosureRule) -> SuppressedTable:
    columns = len(table.column_labels)
    grid = with_totals(table.counts, columns)
    states = initial_states(grid, rule, table.total_row, table.total_column)
    withheld = False
    if table.row_labels and columns:
        if rule.secondary:
            _one_per_line(grid, states)
        withheld = not _until_safe(grid, states, rule)
    return SuppressedTable(
        table=table,
        rule=rule,
        values=tuple(tuple(r) for r in grid),
        states=tuple(tuple(r) for r in states),
        withheld=withheld,
    )


def _one_per_line(grid: list[list[int]], states: list[list[CellState]]) -> None:
    changed = True
    while changed:
        changed = False
        for line in differencing_exposures(states):
            if sum(states[i][j].hidden for i, j in line) != 1:
                continue  # already protected by a complement chosen for a crossing line in this pass
            candidates = _eligible(grid, states, line)
            if candidates:
                i, j = candidates[0]
                states[i][j] = CellState.SECONDARY
                changed = True


def _until_safe(grid: list[list[int]], states: list[list[CellState]], rule: DisclosureRule) -> bool:
    """Hide complementary cells until no hidden cell can be pinned down; False if that is impossible."""
    while True:
        exposed = exposed_cells(grid, states, rule)
        if not exposed:
            return True
        target = exposed[0]
        candidates = _eligible(grid, states, _neighbours(states, target))
        if not candidates:
            candidates = _eligible(grid, states, [(i, j) for i in range(len(grid)) for j in range(len(grid[0]))])
        if not candidates:
            return False
        chosen = candidates[0]
        for candidate in candidates:
            # Prefer the cheapest single complement that actually protects the exposed cell.
            states[candidate[0]][candidate[1]] = CellState.SECONDARY
            protects = not cell_range(grid, states, rule, target).exact
            states[candidate[0]][candidate[1]] = CellState.SHOWN
            if protects:
                chosen = candidate
                break
        states[chosen[0]][chosen[1]] = CellState.SECONDARY


def audit(suppressed: SuppressedTable) -> list[Cell]:
    """Hidden cells of a published table that an attacker could pin down (empty for every table ``suppress`` made)."""
    if suppressed.withheld:
        return []
    ranges = hidden_ranges(suppressed.values, suppressed.states, suppressed.rule)
    return sorted(cell for cell, span in ranges.items() if span.exact)
