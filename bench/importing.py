"""Benchmark: import a 5,000-row action plan (XLSX) into a fresh encrypted store; prints the median of a few runs.

    .venv/bin/python bench/importing.py [--rows 5000] [--runs 3] [--csv | --colours]

With --colours the workbook is a tracker that gives RAG only as a cell's fill colour (a blank RAG column, coloured
red, amber or green with theme colours and tints) with progress and remedial columns, imported with the quarter the
statuses belong to: reading every cell's fill and recording an update per action are then part of the figures.

Each run reads the file, previews it (mapping, hierarchy, values, every row's fate) and applies it in one
transaction through the audited plan services; the times of the three stages are printed separately.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.services.actor import Actor  # noqa: E402
from desktop.services.importing import ImportOptions, apply_import, preview_import  # noqa: E402
from desktop.services.importing.reading import read_bytes  # noqa: E402
from desktop.store import Store  # noqa: E402

PASSPHRASE = "benchmark passphrase, not a real store"
STATUSES = ("On track", "Complete", "In progress", "Not started", "Red", "Amber", "Green", "Deferred")
TIMESCALES = ("March 2015", "End May 2014", "Sep '19", "Apr-21", "Q3 2015/16", "ongoing", "2016-03-31")
LEADS = ("Craig Thelwell (HBC)", "Chair / Vice Chair", "Head of Community Safety (HBC)",
         "Gordon Lang/Clare Clark (Police / HBC)", "Coordinator", "Director of Public Health (HBC)")


def plan_rows(n: int) -> list[list[str]]:
    rows = [["Objective", "Priority", "Ref", "Action", "Progress Measure", "Lead officer", "Timescale", "Status",
             "Outcome"]]
    for i in range(n):
        o, p, a = i // 1000 + 1, (i // 50) % 20 + 1, i % 50 + 1
        rows.append([
            f"Objective {o}: Reduce re-offending across strand {o}",
            f"{o}.{p} Priority {o}.{p}: improve the pathway for offenders leaving custody",
            f"{o}.{p}.{a}",
            f"Action {i}: develop and deliver the partnership response to need {i} with local providers",
            "Increase in the number of offenders supported\nReduction in re-offending rate",
            LEADS[i % len(LEADS)],
            TIMESCALES[i % len(TIMESCALES)],
            STATUSES[i % len(STATUSES)],
            "Offenders have improved access to services",
        ])
    return rows


def workbook(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Action plan")
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def coloured_workbook(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill
    from openpyxl.styles.colors import Color

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Tracker")
    fills = [PatternFill("solid", fgColor=Color(theme=6, tint=0.4)), PatternFill("solid", fgColor="FFFFC000"),
             PatternFill("solid", fgColor=Color(theme=5, tint=0.6))]
    ws.append([*rows[0][:7], "RAG", "Progress", "Remedial action"])
    for i, row in enumerate(rows[1:]):
        rag = WriteOnlyCell(ws, value=None)
        rag.fill = fills[i % 3]
        ws.append([*row[:7], rag, f"Progress on action {i}: partners met and agreed next steps",
                   "Escalated to the delivery group" if i % 3 else ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]]) -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def one_run(data: bytes, name: str, folder: Path, index: int,
            options: ImportOptions | None = None) -> tuple[float, float, float, int, int]:
    with Store.create(folder / f"bench-{index}.pathways", PASSPHRASE) as store, store.session() as session:
        t0 = time.perf_counter()
        source = read_bytes(data, name)
        t1 = time.perf_counter()
        preview = preview_import(session, source, options=options)
        t2 = time.perf_counter()
        result = apply_import(session, Actor(None, "Benchmark"), preview)
        t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, result.actions, result.updates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--csv", action="store_true", help="a CSV file instead of a workbook")
    parser.add_argument("--colours", action="store_true", help="a tracker giving RAG only as fill colour")
    args = parser.parse_args()
    rows = plan_rows(args.rows)
    options = ImportOptions(period="2024/25 Q3") if args.colours else None
    if args.colours:
        data, name = coloured_workbook(rows), "tracker.xlsx"
    else:
        data, name = (csv_bytes(rows), "plan.csv") if args.csv else (workbook(rows), "plan.xlsx")
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.runs):
            read, preview, apply, actions, updates = one_run(data, name, Path(folder), i, options)
            runs.append((read, preview, apply))
            print(f"run {i + 1}: read {read:.2f} s, preview {preview:.2f} s, apply {apply:.2f} s "
                  f"({actions} actions, {updates} updates)")
    totals = [sum(r) for r in runs]
    print(f"{args.rows} rows ({name}): median {statistics.median(totals):.2f} s "
          f"(read {statistics.median(r[0] for r in runs):.2f}, preview {statistics.median(r[1] for r in runs):.2f},"
          f" apply {statistics.median(r[2] for r in runs):.2f}); aim 3 s")


if __name__ == "__main__":
    main()
