"""Meeting commands: meetings (committees, meetings, numbered agendas), agenda-pack, cover-report."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from desktop.cli.common import CliError, add_store_argument, open_store, print_json
from desktop.services import meetings
from desktop.services.actor import Actor


def cmd_meetings(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.session() as session:
        found = meetings.summaries(session)
    if args.json:
        print_json([dataclasses.asdict(c) for c in found])
        return 0
    if not found:
        print("No committees in this store.")
    for c in found:
        demo = "  [DEMONSTRATION DATA]" if c.is_demo else ""
        print(f"[{c.id}] {c.name}{demo}")
        clerk = f" · clerk: {c.clerk}" if c.clerk else ""
        print(f"    {c.partnership} · {c.house_style} style{clerk} · {len(c.members)} members")
        for m in c.meetings:
            when = ", ".join(x for x in (m.date, m.time, m.venue) if x)
            issued = f" (issued {m.issued_on})" if m.issued_on else ""
            print(f"    meeting [{m.id}] {when}{issued}")
            if m.clear_days_warning:
                print(f"      Warning: {m.clear_days_warning}")
            for item in m.items:
                indent = "      " + "  " * item.depth
                extras = []
                if item.part == "B":
                    extras.append(f"Part B, exempt under paragraph {item.exempt_paragraph}")
                if item.kind not in ("standard", "report"):
                    extras.append(item.kind)
                papers = (1 if item.has_cover_report else 0) + item.attachments
                if papers:
                    extras.append(f"{papers} paper{'s' if papers != 1 else ''}")
                suffix = f"  [{'; '.join(extras)}]" if extras else ""
                print(f"{indent}{item.number}. {item.title}{suffix}")
    return 0


def cmd_agenda_pack(args: argparse.Namespace) -> int:
    from desktop.cli.report_cmds import html_path
    from desktop.reports.agenda_pack import PackOptions, export_agenda_pack, pack_summary

    out: Path = args.out
    if out.suffix.lower() != ".pdf":
        raise CliError("The agenda pack is a PDF: give --out a name ending in .pdf.")
    if not out.parent.exists():
        raise CliError(f"The folder {out.parent} does not exist.")
    options = PackOptions(part=args.part.upper(), blank_pages=False if args.no_blank_pages else None)
    with open_store(args) as store, store.session() as session:
        meeting = meetings.find_meeting(session, args.meeting)
        html = html_path(args.html, out)
        pack = export_agenda_pack(session, meeting, out, options, sign=not args.no_sign, actor=Actor.command_line(),
                                  html_out=html)
    what = "Part B pack (restricted)" if pack.part == "B" else "Agenda pack"
    print(f"{what} written to {out}")
    if html is not None:
        print(f"Front sheet (HTML) written to {html}")
    lines = pack_summary(pack)
    for line in lines:
        (sys.stderr if line.startswith("Warning:") else sys.stdout).write(line + "\n")
    return 0


def cmd_cover_report(args: argparse.Namespace) -> int:
    from desktop.reports.cover_docx import export_cover_docx

    out: Path = args.out
    if out.suffix.lower() != ".docx":
        raise CliError("The cover report is exported as Word: give --out a name ending in .docx.")
    with open_store(args) as store, store.session() as session:
        meeting = meetings.find_meeting(session, args.meeting)
        numbered = dict(meetings.ordered_items(meeting))
        item = numbered.get(args.item.strip().rstrip("."))
        if item is None:
            raise CliError(f"No item {args.item} on that agenda (items: {', '.join(numbered)}).")
        if item.cover_report is None:
            raise CliError(f"Item {args.item} has no cover report.")
        export_cover_docx(session, item, out)
    print(f"Cover report for item {args.item} written to {out}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("meetings", help="committees, meetings and numbered agendas")
    add_store_argument(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_meetings)

    p = sub.add_parser("agenda-pack", help="build the signed agenda pack of a meeting (Part A, or Part B)")
    add_store_argument(p)
    p.add_argument("--meeting", required=True, metavar="M", help="the meeting's id or its date (YYYY-MM-DD)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    p.add_argument("--part", choices=("a", "b", "A", "B"), default="a",
                   help="a: the public pack (default); b: the exempt papers, marked restricted")
    p.add_argument("--no-sign", action="store_true", help="leave the pack unsigned")
    p.add_argument("--html", type=Path, metavar="FILE.html",
                   help="also write the front sheet as a web page that links to the pack")
    p.add_argument("--no-blank-pages", action="store_true",
                   help="no 'intentionally left blank' pages (single-sided printing)")
    p.set_defaults(func=cmd_agenda_pack)

    p = sub.add_parser("cover-report", help="export an item's cover report as Word (.docx)")
    add_store_argument(p)
    p.add_argument("--meeting", required=True, metavar="M", help="the meeting's id or its date (YYYY-MM-DD)")
    p.add_argument("--item", required=True, metavar="N", help="the item's number on the agenda (9, 7.1)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.docx")
    p.set_defaults(func=cmd_cover_report)
