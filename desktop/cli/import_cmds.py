"""Spreadsheet commands: import, export-plan, returns, returns-import. No business logic of their own."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.orm import Session

from desktop.cli.common import CliError, add_store_argument, open_store
from desktop.models import ReportingPeriod
from desktop.services.actor import Actor
from desktop.services.importing import ImportOptions, ImportPlan, apply_import, preview_import
from desktop.services.importing.headings import Field
from desktop.services.importing.plan_import import heading_key
from desktop.services.importing.values import status_key, status_targets
from desktop.services.plan_export import export_plan
from desktop.services.queries import find_period, find_plan
from desktop.services.rag import SCHEMES, scheme
from desktop.services.returns import ReturnReview, accept_returns, issue_return_forms, returns_status, review_returns


def _pairs(values: list[str] | None, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.rpartition("=")
        if not sep or not key.strip() or not value.strip():
            raise CliError(f"{what} must be written as VALUE=CHOICE.")
        out[key.strip()] = value.strip()
    return out


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _options(args: argparse.Namespace) -> ImportOptions:
    columns: dict[str, Field] = {}
    fields = {f.value: f for f in Field}
    for heading, name in _pairs(args.column, "--column").items():
        if name not in fields:
            raise CliError(f"--column: '{name}' is not a field; choose one of {', '.join(fields)}.")
        columns[heading_key(heading, 0) if not heading.casefold().startswith("column ") else heading.casefold()] = \
            fields[name]
    statuses = {status_key(k): v for k, v in _pairs(args.map_status, "--map-status").items()}
    if args.rag_scheme and args.rag_scheme not in SCHEMES:
        raise CliError(f"--rag-scheme must be one of {', '.join(SCHEMES)}.")
    return ImportOptions(columns=columns, statuses=statuses, split_cells=not args.no_split,
                         plan_title=args.title or "", period=args.period or "", rag_scheme=args.rag_scheme or "")


def print_preview(preview: ImportPlan) -> None:
    target = (f"plan [{preview.plan_id}] {preview.plan_title}" if preview.plan_id is not None
              else f"a new plan \u201c{preview.plan_title}\u201d (partnership: {preview.partnership_name})")
    print(f"Preview of {preview.source.name} \u2192 {target}; RAG scheme: {scheme(preview.rag_scheme).name}")
    print("Columns (heading \u2192 field):")
    for c in preview.columns:
        suggested = "" if c.field == c.suggested else f"  (suggested: {c.suggested.label})"
        print(f"  {c.letter:>3}  {_short(c.heading or '(no heading)', 40):<40} \u2192 {c.field.label}{suggested}")
    print("Rows:")
    for fate in preview.fates:
        excerpt = f"  \u201c{_short(fate.excerpt, 50)}\u201d" if fate.excerpt else ""
        print(f"  {fate.where:<18} {fate.kind.value:<12} {fate.detail}{excerpt}")
        for note in fate.notes:
            print(f"  {'':<18} {'':<12} note: {note}")
    if preview.inferences:
        print("Inferred from the layout (check these):")
        for line in preview.inferences:
            print(f"  {line}")
    counts = preview.counts
    new = " (a new quarter)" if preview.new_period is not None and preview.period_id is None else ""
    where = f" in {preview.period_label}{new}" if preview.period_label else ""
    matching = f"; {counts['existing']} rows match actions already in the plan" if counts["existing"] else ""
    print(f"Will add {counts['objectives']} objectives, {counts['priorities']} priorities, {counts['actions']} "
          f"actions, {counts['people']} lead officers and {counts['organisations']} organisations; "
          f"{counts['updates']} updates recorded{where}{matching}.")
    for note in preview.notes:
        print(f"Note: {note}")
    if preview.questions:
        print("Status values to map (add --map-status VALUE=CHOICE for each):")
        for q in preview.questions:
            print(f"  \u201c{q.example}\u201d in column '{q.column}' ({q.count} row{'s' if q.count != 1 else ''}, "
                  f"first at {q.first_row})")
        print("  choices: " + ", ".join(spec for spec, _ in status_targets(scheme(preview.rag_scheme))))


def cmd_import(args: argparse.Namespace) -> int:
    options = _options(args)
    with open_store(args) as store, store.session() as session:
        plan = find_plan(session, args.plan) if args.plan else None
        preview = preview_import(session, Path(args.file), plan=plan, options=options)
        print_preview(preview)
        if args.dry_run:
            print("Dry run: nothing was written." if preview.ready else
                  f"Dry run: nothing was written. {preview.problems[0]}")
            return 0 if preview.ready else 1
        if not preview.ready:
            raise CliError(f"{preview.problems[0].rstrip('.')}; nothing was written.")
        result = apply_import(session, Actor.command_line(), preview)
    print(f"Imported into plan [{result.plan_id}] {result.plan_title}: {result.objectives} objectives, "
          f"{result.priorities} priorities, {result.actions} actions, {result.updates} updates, {result.people} "
          f"lead officers, {result.organisations} organisations added.")
    return 0


def cmd_export_plan(args: argparse.Namespace) -> int:
    fmt = args.format or args.out.suffix.lstrip(".").lower()
    if fmt not in ("xlsx", "csv"):
        raise CliError("Say --format xlsx or --format csv.")
    if not args.out.parent.is_dir():
        raise CliError(f"The folder {args.out.parent} does not exist.")
    with open_store(args) as store, store.session() as session:
        plan = find_plan(session, args.plan)
        path = export_plan(session, plan, fmt, args.out)
    print(f"Wrote {path}")
    return 0


def cmd_returns(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.session() as session:
        plan = find_plan(session, args.plan)
        period = find_period(session, plan.id, args.period)
        if args.status:
            _print_status(session, period)
            return 0
        if args.out_dir is None:
            raise CliError("Say where to write the forms with --out-dir DIR (or use --status).")
        issued = issue_return_forms(session, plan, period, args.out_dir)
    for form, path in zip(issued.forms, issued.paths, strict=True):
        print(f"{path}  ({form.lead}, {form.actions} action{'s' if form.actions != 1 else ''})")
    print(f"Wrote {len(issued.forms)} return form{'s' if len(issued.forms) != 1 else ''} for {period.label}.")
    if issued.without_lead:
        print(f"No form for {len(issued.without_lead)} action(s) with no lead officer: "
              + ", ".join(issued.without_lead))
    return 0


def _print_status(session: Session, period: ReportingPeriod) -> None:
    status = returns_status(session, period)
    deadline = f" (deadline {status.deadline:%d %b %Y})" if status.deadline else ""
    total = sum(lead.actions for lead in status.leads)
    returned = sum(lead.returned for lead in status.leads)
    print(f"{status.period_label} returns{deadline}: {len(status.returned)} of {len(status.leads)} lead officers "
          f"have returned everything ({returned} of {total} actions updated)"
          f"{'; the deadline has passed' if status.overdue() else ''}.")
    if status.returned:
        print("Returned:")
        for lead in status.returned:
            print(f"  {lead.lead} ({lead.actions} action{'s' if lead.actions != 1 else ''})")
    if status.chase:
        print("Chase list (not yet returned):")
        for lead in status.chase:
            contact = f" <{lead.email}>" if lead.email else ""
            print(f"  {lead.lead}{contact}: {len(lead.outstanding)} of {lead.actions} outstanding \u2014 "
                  + ", ".join(lead.outstanding))
    if status.without_lead:
        print("Outstanding actions with no lead officer: " + ", ".join(status.without_lead))


def _print_review(review: ReturnReview) -> None:
    who = f" from {review.lead}" if review.lead else ""
    when = f" for {review.period_label}" if review.period_label else ""
    print(f"{review.file}:{when}{who}")
    if review.problem:
        print(f"  REFUSED: {review.problem}")
        return
    for item in review.actions:
        if item.empty:
            print(f"  {item.code:<10} no return")
            continue
        state = "ok" if item.acceptable else "problem"
        changes = "; ".join(f"{c.field}: {_short(c.before, 30) or '(none)'} \u2192 {_short(c.after, 30) or '(none)'}"
                            for c in item.changes) or "no change"
        print(f"  {item.code:<10} {state:<8} {changes}")
        for problem in item.problems:
            print(f"  {'':<10} problem: {problem}")
        for note in item.notes:
            print(f"  {'':<10} note: {note}")


def cmd_returns_import(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.session() as session:
        plan = find_plan(session, args.plan) if args.plan else None
        reviews = review_returns(session, [Path(f) for f in args.files], plan=plan)
        for review in reviews:
            _print_review(review)
        acceptable = sum(len(r.acceptable) for r in reviews)
        refused = sum(1 for r in reviews if r.problem) + sum(
            1 for r in reviews if not r.problem for a in r.actions if not a.empty and not a.acceptable)
        if not args.accept:
            print(f"{acceptable} update{'s' if acceptable != 1 else ''} can be recorded; {refused} refused. "
                  "Nothing was written; run again with --accept to record them.")
            return 0
        result = accept_returns(session, Actor.command_line(), reviews)
    print(f"Recorded {result.written} update{'s' if result.written != 1 else ''} from lead officers' returns; "
          f"{refused} refused.")
    return 0 if not refused else 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", help="import an action plan from XLSX or CSV (a new plan unless --plan)")
    add_store_argument(p)
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--plan", metavar="P", help="import into this existing plan (id or part of its title)")
    p.add_argument("--dry-run", action="store_true", help="show the preview only; write nothing")
    p.add_argument("--map-status", action="append", metavar="VALUE=CHOICE",
                   help="map a status value the preview could not read (e.g. 'Yellowish=rag:amber')")
    p.add_argument("--column", action="append", metavar="HEADING=FIELD",
                   help="import the column with this heading as FIELD (e.g. 'Owner=lead', 'Notes=ignore')")
    p.add_argument("--no-split", action="store_true", help="keep a cell holding several actions as one action")
    p.add_argument("--title", help="title of the new plan (default: from the file)")
    p.add_argument("--period", metavar="Q",
                   help="quarter the file's RAG, %% complete and commentary belong to, e.g. '2024/25 Q3'; created if "
                        "the plan has no such quarter (default: the plan's open quarter, or for a new plan the "
                        "file's Quarter column)")
    p.add_argument("--rag-scheme", metavar="SCHEME", help=f"RAG scheme of a new plan ({', '.join(SCHEMES)})")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export-plan", help="the plan as a formatted XLSX workbook or a CSV file")
    add_store_argument(p)
    p.add_argument("--plan", required=True, metavar="P")
    p.add_argument("--format", choices=("xlsx", "csv"))
    p.add_argument("--out", required=True, type=Path, metavar="FILE")
    p.set_defaults(func=cmd_export_plan)

    p = sub.add_parser("returns", help="lead-officer return forms for a quarter (or --status: who has returned)")
    add_store_argument(p)
    p.add_argument("--plan", required=True, metavar="P")
    p.add_argument("--period", required=True, metavar="Q", help="e.g. '2015/16 Q3' or 'current'")
    p.add_argument("--out-dir", type=Path, metavar="DIR")
    p.add_argument("--status", action="store_true", help="who has returned and the chase list; writes nothing")
    p.set_defaults(func=cmd_returns)

    p = sub.add_parser("returns-import", help="read returned forms; record them with --accept")
    add_store_argument(p)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--plan", metavar="P", help="refuse forms issued for any other plan")
    p.add_argument("--accept", action="store_true", help="record the acceptable updates")
    p.set_defaults(func=cmd_returns_import)
