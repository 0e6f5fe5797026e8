"""Indicator commands: ``indicators`` (list with latest figure, target, RAG, direction) and ``indicator-import``."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from desktop.cli.common import add_store_argument, open_store, print_json
from desktop.services.actor import Actor
from desktop.services.indicator_import import ImportProblems, import_indicator_values
from desktop.services.indicators import (
    IndicatorRow,
    format_difference,
    format_parts,
    format_percent,
    format_value,
    freeze_indicators,
    indicator_rows,
)
from desktop.services.queries import current_period, find_plan
from desktop.services.rag import scheme

DIRECTION_WORDS = {
    "improved": "↑ improved", "worse": "↓ worse", "same": "→ no change", "new": "first figure", "none": "no figure",
    "up": "↑ up", "down": "↓ down",
}


def cmd_indicators(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.session() as session:
        plan = find_plan(session, args.plan)
        period = current_period(session, plan.id)
        as_at = period.end_date if period is not None else None
        if args.json:
            print_json({"plan_id": plan.id, "plan": plan.title, "rag_scheme": plan.rag_scheme,
                        "as_at": as_at.isoformat() if as_at else None,
                        "indicators": freeze_indicators(session, plan, as_at=as_at)})
            return 0
        rows = indicator_rows(session, plan.id, as_at=as_at)
        rag_scheme = scheme(plan.rag_scheme)
        title, is_demo = plan.title, plan.is_demo
    demo = "  [DEMONSTRATION DATA]" if is_demo else ""
    print(f"{title}{demo}")
    if as_at is not None:
        print(f"Judged as at {as_at.day} {as_at:%B %Y}. Differences are latest minus baseline, calculated by Pathways.")
    if not rows:
        print("No indicators in this plan.")
        return 0
    for row in rows:
        print(_describe(row, rag_scheme.find(row.assessment.rag)))
    return 0


def _describe(row: IndicatorRow, status: Any) -> str:
    a = row.assessment
    if a.latest is None:
        latest = "no figure"
    else:
        shown = format_value(a.latest.value, row.unit) if a.latest.value is not None else format_parts(
            a.latest.parts, row.unit)
        latest = f"{shown} ({a.latest.period_label})"
    rag = f"{status.label} ({status.letter})" if status else "not assessed"
    lines = [f"{row.code}  {row.name}",
             f"    baseline {row.baseline_text}{f' ({row.baseline_period})' if row.baseline_period else ''}"
             f" · target {row.target_text} · latest {latest}",
             f"    difference {format_difference(a.difference, row.unit)} ({format_percent(a.percent_difference)})"
             f" · RAG {rag} · {DIRECTION_WORDS.get(a.direction, a.direction)}"]
    if a.part_differences:
        lines[-1] += " · " + format_parts(a.part_differences, row.unit, signed=True)
    if a.latest is not None and a.latest.national is not None:
        lines[-1] += f" · England and Wales {format_value(a.latest.national, row.unit)}"
    if a.no_data:
        lines.append(f"    {a.no_data_text} (data lag {row.lag_months} months)")
    return "\n".join(lines)


def cmd_indicator_import(args: argparse.Namespace) -> int:
    file: Path = args.file
    with open_store(args) as store, store.session() as session:
        plan = find_plan(session, args.plan)
        try:
            report = import_indicator_values(session, Actor.command_line(), plan, file, dry_run=args.dry_run)
        except ImportProblems as exc:
            if len(exc.problems) > 1:  # the error line names the first; list them all above it
                for problem in exc.problems:
                    print(f"  {problem}", file=sys.stderr)
            raise
    if args.json:
        print_json(dataclasses.asdict(report))
        return 0
    for warning in report.warnings:
        print(f"Note: {warning}")
    print(report.summary() + (" Nothing was written (dry run)." if report.dry_run else ""))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("indicators", help="a plan's performance indicators: latest figure, target, RAG, direction")
    add_store_argument(p)
    p.add_argument("--plan", required=True, metavar="P", help="plan id or a unique part of its title")
    p.add_argument("--json", action="store_true", help="machine-readable output (the frozen form)")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("indicator-import", help="indicator values from CSV/XLSX (code, period, period_end, value, …)")
    add_store_argument(p)
    p.add_argument("--plan", required=True, metavar="P", help="plan id or a unique part of its title")
    p.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx; see docs/guide/indicators.md")
    p.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
    p.add_argument("--json", action="store_true", help="machine-readable report")
    p.set_defaults(func=cmd_indicator_import)
