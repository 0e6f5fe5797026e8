"""Offender-profile commands: profile-import and profile-preview. No business logic of their own.

Nothing here prints a subject's direct identifiers: the import summary gives counts and the service's messages (which
name rows and columns, never values), and the preview's store side shows subject rows as a count only.
"""

from __future__ import annotations

import argparse
import itertools
import re
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cli.common import CliError, add_store_argument, open_store
from desktop.models.plan import Plan
from desktop.models.profiles import ProfileAppendix
from desktop.services.actor import Actor
from desktop.services.disclosure.aggregates import FLAG_LABELS
from desktop.services.disclosure.importing import (
    IDENTIFIER_COLUMNS,
    MAX_AGE,
    MIN_AGE,
    NEED_PREFIX,
    OFFENCE_PREFIX,
    import_profile_file,
)
from desktop.services.disclosure.profiles import (
    PROFILES,
    AppendixPreview,
    PreviewPair,
    generalised_cells,
    preview,
)
from desktop.services.disclosure.rules import SECONDARY_SYMBOL, DisclosureRule, rule_for
from desktop.services.errors import NotFound
from desktop.services.published import PublishedTable, RedactionNotice
from desktop.services.queries import find_plan

HIDDEN_MARK = "[{}]"  # a store-side count the published table hides
GENERALISED_MARK = "~"  # a published value that is generalised (banded, merged)
GUTTER = "  |  "

IMPORT_EPILOG = f"""\
columns (the header row; names are not case-sensitive, spaces may stand for underscores):
  direct identifiers, kept only inside the encrypted store, never published:
    {", ".join(IDENTIFIER_COLUMNS)}
    (date_of_birth as YYYY-MM-DD or DD/MM/YYYY)
  quasi-identifiers (the age and gender columns are required; a cell may be blank):
    age (a whole number from {MIN_AGE} to {MAX_AGE}), gender (M, F, Male, Female, ...), district
  attributes:
    flags               codes separated by ; or , e.g. PPO;IOM
                        ({", ".join(FLAG_LABELS)})
    needs               needs separated by ; e.g. Accommodation;Drugs and Alcohol
    {OFFENCE_PREFIX}<type>      one column per offence type, a count (blank = 0; yes/x = 1)
    {NEED_PREFIX}<pathway>      one column per need, yes/no (yes, y, true, 1, x)
  other columns are ignored (listed in the summary); use --map HEADING=FIELD for other headings.

All rows or none: if any row is rejected, the command names the row and the reason (never the value) and nothing
is written. --dry-run checks the whole file the same way and writes nothing."""

LEGEND = (
    f"Marks: {HIDDEN_MARK.format('n')} a count held in the store that the published table hides; \"<5\" (or \"<10\") "
    f"a small count suppressed; \"{SECONDARY_SYMBOL}\" a count hidden so that a small count cannot be worked out from "
    f"the totals; \"{GENERALISED_MARK}\" after a published value: generalised (age band, merged district)."
)
PREVIEW_EPILOG = "The store side shows counts only: subject rows are given as a number, never listed.\n" + LEGEND


# ---- profile-import


def _mapping(pairs: Sequence[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping: dict[str, str] = {}
    for item in pairs:
        heading, sep, field = item.rpartition("=")
        if not sep or not heading.strip():
            raise CliError("--map must be written as HEADING=FIELD (FIELD may be empty to ignore the column).")
        mapping[heading.strip()] = field.strip()
    return mapping


def _same_title(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _appendices(session: Session, plan: Plan) -> list[ProfileAppendix]:
    return list(
        session.scalars(
            select(ProfileAppendix)
            .where(ProfileAppendix.plan_id == plan.id)
            .order_by(ProfileAppendix.position, ProfileAppendix.id)
        )
    )


def cmd_profile_import(args: argparse.Namespace) -> int:
    mapping = _mapping(args.map)
    with open_store(args) as store, store.session() as session:
        plan = find_plan(session, args.plan)
        existing = [a for a in _appendices(session, plan) if _same_title(a.title, args.appendix)]
        result = import_profile_file(session, plan, args.appendix, args.file, mapping, replace=args.replace,
                                     actor=Actor.command_line())
        if args.dry_run:
            session.rollback()  # the unit of work then commits nothing
    title = " ".join(args.appendix.split())
    target = f"\u201c{title}\u201d" if existing else f"a new appendix \u201c{title}\u201d"
    verb = "would be imported" if args.dry_run else "imported"
    parts = [f"{result.imported} row{'s' if result.imported != 1 else ''} {verb} into {target}", "0 rows rejected"]
    if result.replaced:
        parts.append(f"{result.replaced} existing subject{'s' if result.replaced != 1 else ''} "
                     f"{'would be ' if args.dry_run else ''}replaced")
    if result.ignored_columns:
        parts.append(f"ignored column{'s' if len(result.ignored_columns) != 1 else ''}: "
                     + ", ".join(result.ignored_columns))
    tail = " (dry run: nothing was written)" if args.dry_run else ""
    print(f"{args.file.name}: " + "; ".join(parts) + f".{tail}")
    return 0


# ---- profile-preview


def _choose_appendices(session: Session, plan: Plan, ref: str | None) -> list[ProfileAppendix]:
    appendices = _appendices(session, plan)
    if not appendices:
        raise NotFound("This plan has no offender-profile appendix.")
    if not ref:
        return appendices
    exact = [a for a in appendices if _same_title(a.title, ref)]
    matches = exact or [a for a in appendices if " ".join(ref.split()).casefold() in a.title.casefold()]
    if ref.strip().isdigit():
        matches = [a for a in appendices if a.id == int(ref)] or matches
    if len(matches) != 1:
        known = "; ".join(f"\u201c{a.title}\u201d" for a in appendices)
        raise NotFound(f"'{ref}' matches {len(matches)} appendices; this plan has {known}.")
    return matches


_COUNT = re.compile(r"^(\[?[\d,]+\]?|<\d+|\*|)$")


def _grid(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A plain-text table: counts right-aligned, text left-aligned."""
    by_column = list(zip(columns, *rows, strict=True))
    widths = [max(len(v) for v in col) for col in by_column]
    numeric = [bool(rows) and all(_COUNT.match(v) for v in col[1:]) for col in by_column]
    lines = []
    for row in (columns, *rows):
        cells = [v.rjust(w) if n else v.ljust(w) for v, w, n in zip(row, widths, numeric, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return lines


def _held_lines(pair: PreviewPair, withheld_rows: int) -> list[str]:
    held = pair.held
    if "Name" in held.columns:  # subject rows: a count only, never the rows themselves
        lines = [f"{len(held.rows)} subject row{'s' if len(held.rows) != 1 else ''} held (not listed here)"]
        if isinstance(pair.published, PublishedTable):
            lines.append(f"{len(pair.published.rows)} published as pseudonymised rows")
            if withheld_rows:
                lines.append(f"{withheld_rows} withheld: could not be protected")
        return lines
    rows = [
        tuple(HIDDEN_MARK.format(v) if c and (r, c) in held.marked else v for c, v in enumerate(row))
        for r, row in enumerate(held.rows)
    ]
    return _grid(held.columns, rows)


def _published_lines(pair: PreviewPair, profile: str) -> list[str]:
    published = pair.published
    if published is None:
        if profile == "restricted":
            return ["Not published (the appendix is replaced by the notice)"]
        return ["Not published: the Public profile publishes counts only"]
    if isinstance(published, RedactionNotice):
        return [published.text]
    if not published.rows:
        return ["Withheld (see the note)"]
    marks = generalised_cells(pair.held, published)
    rows = [
        tuple(f"{v}{GENERALISED_MARK}" if (r, c) in marks else v for c, v in enumerate(row))
        for r, row in enumerate(published.rows)
    ]
    return _grid(published.columns, rows)


def _side_by_side(left: list[str], right: list[str]) -> list[str]:
    width = max([len("WHAT THE STORE HOLDS"), *(len(line) for line in left)])
    header = f"  {'WHAT THE STORE HOLDS'.ljust(width)}{GUTTER}WHAT WILL BE PUBLISHED"
    body = [
        f"  {a.ljust(width)}{GUTTER}{b}".rstrip()
        for a, b in itertools.zip_longest(left, right, fillvalue="")
    ]
    return [header, *body]


def preview_text(result: AppendixPreview, rule: DisclosureRule) -> list[str]:
    """The side-by-side preview of one appendix as lines of text (store side: counts only)."""
    lines = [
        f"{result.title} \u2014 {result.profile.capitalize()} profile",
        f"Rule: {rule.name}",
    ]
    if result.published.intro:
        lines.append(f"Introduction printed: {result.published.intro}")
    for part in result.published.parts:
        if isinstance(part, RedactionNotice):
            lines.append(f"Printed instead of the appendix: {part.text}")
    for pair in result.pairs:
        lines += ["", pair.held.title]
        lines += _side_by_side(_held_lines(pair, result.withheld_rows), _published_lines(pair, result.profile))
        if isinstance(pair.published, PublishedTable) and pair.published.note:
            lines.append(f"  Printed under the table: {pair.published.note}")
    return lines


def cmd_profile_preview(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.session() as session:
        plan = find_plan(session, args.plan)
        partnership = plan.partnership
        rule = rule_for(partnership.disclosure_rule)
        previews = [
            preview(a, args.profile, rule, notice_contact=partnership.notice_contact)
            for a in _choose_appendices(session, plan, args.appendix)
        ]
        session.rollback()  # a preview never writes
    out: list[str] = []
    for number, result in enumerate(previews):
        if number:
            out += ["", "=" * 78, ""]
        out += preview_text(result, rule)
    out += ["", LEGEND]
    print("\n".join(out))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "profile-import",
        help="import offender-profile subjects from CSV or XLSX into a plan's appendix (all rows or none)",
        description="Import offender-profile subjects into the plan's appendix with this title (created if new).",
        epilog=IMPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_store_argument(p)
    p.add_argument("--plan", required=True, help="plan id or a unique part of its title")
    p.add_argument("--appendix", required=True, metavar="TITLE", help="the appendix title (created if new)")
    p.add_argument("file", type=Path, metavar="FILE", help="a .csv or .xlsx file with a header row")
    p.add_argument("--replace", action="store_true", help="replace the appendix's subjects instead of adding")
    p.add_argument("--dry-run", action="store_true", help="check every row and report, but write nothing")
    p.add_argument("--map", action="append", metavar="HEADING=FIELD",
                   help="read the column HEADING as FIELD, e.g. 'Sex=gender' or 'Burglary=offence:Burglary' "
                        "(repeatable; an empty FIELD ignores the column)")
    p.set_defaults(func=cmd_profile_import)

    p = sub.add_parser(
        "profile-preview",
        help="what the store holds beside what an export would publish, under a disclosure profile",
        epilog=PREVIEW_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_store_argument(p)
    p.add_argument("--plan", required=True, help="plan id or a unique part of its title")
    p.add_argument("--appendix", metavar="TITLE", help="the appendix (title, part of it, or id); default: all")
    p.add_argument("--profile", required=True, choices=PROFILES, help="the disclosure profile")
    p.set_defaults(func=cmd_profile_preview)
