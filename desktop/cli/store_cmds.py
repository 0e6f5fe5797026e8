"""Store commands: init, demo, check, change-passphrase, backup, restore, plans."""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path

from desktop.cli import secret_sources
from desktop.cli.common import (
    add_passphrase_argument,
    add_store_argument,
    new_passphrase,
    open_store,
    passphrase,
    print_json,
)
from desktop.services import health
from desktop.services.demo import DEMO_PASSPHRASE, build_demo
from desktop.services.passphrase_names import partnership_names
from desktop.services.quarter_status import StatusCounts, describe_counts
from desktop.services.queries import PlanSummary, plan_summaries
from desktop.services.rag import scheme
from desktop.store import Store, restore


def cmd_init(args: argparse.Namespace) -> int:
    secret = new_passphrase(args)
    assert secret is not None  # init's last resort is a prompt
    with Store.create(args.store, secret):
        pass
    print(f"Created encrypted store {args.store}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    chosen = new_passphrase(args)
    secret = chosen or DEMO_PASSPHRASE
    with Store.create(args.store, secret) as store, store.session() as session:
        plans = build_demo(session)
    print(f"Created demonstration store {args.store} with {len(plans)} plans (demonstration data, not real).")
    if chosen is None:
        print(f"Demo passphrase: {secret}")
        if os.environ.get(secret_sources.PASSPHRASE_ENV):
            print(f"({secret_sources.PASSPHRASE_ENV} is set, but `pathways demo` reads "
                  f"{secret_sources.NEW_PASSPHRASE_ENV} for a new store's passphrase; the demo passphrase was used.)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    report = health.check_store(args.store, passphrase(args))
    if args.json:
        print_json(dataclasses.asdict(report))
    else:
        for item in report.items:
            print(f"{'ok  ' if item.ok else 'FAIL'}  {item.name}: {item.detail}")
        print("Store is healthy." if report.ok else "Problems found; see FAIL lines above.")
    return 0 if report.ok else 1


def cmd_change_passphrase(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        with store.session() as session:
            names = partnership_names(session)
        new = new_passphrase(args, names)
        assert new is not None  # change-passphrase's last resort is a prompt
        store.change_passphrase(new)
    print("Passphrase changed. The old passphrase no longer opens this store.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    secret = passphrase(args)
    with Store.open(args.store, secret) as store:
        with store.session() as session:
            names = partnership_names(session)
        target = secret_sources.read(args, "backup", names=names) or secret
        store.backup(args.dest, target)
    print(f"Encrypted backup written to {args.dest}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    restore(args.backup, passphrase(args), args.store)
    print(f"Restored to {args.store}")
    return 0


def cmd_plans(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.session() as session:
        summaries = plan_summaries(session)
    if args.json:
        print_json([dataclasses.asdict(s) for s in summaries])
        return 0
    if not summaries:
        print("No plans in this store.")
    for s in summaries:
        demo = "  [DEMONSTRATION DATA]" if s.is_demo else ""
        print(f"[{s.id}] {s.title}{demo}")
        print(f"    {s.partnership} · {s.period_label} · {s.status} · "
              f"{s.objectives} objectives, {s.priorities} priorities, {s.actions} actions")
        if s.periods:
            print("    quarters: " + ", ".join(f"{p.label}{' (closed)' if p.closed else ' (open)'}"
                                             for p in s.periods))
        if s.latest_period:
            print(f"    {s.latest_period}: {_counts_text(s.rag_scheme, s)}")
    return 0


def _counts_text(scheme_key: str, summary: PlanSummary) -> str:
    """"Red 2 (2 not updated), Amber 4, Green 6, no status 1; 3 awaiting an update": worst first, never colour
    alone, by the one counting rule (desktop.services.quarter_status)."""
    sch = scheme(scheme_key)
    labels = [(st.key, f"{st.label} ({st.letter})") for st in sorted(sch.statuses, key=lambda st: -st.severity)]
    counts = StatusCounts(summary.rag_counts, summary.carried_counts, summary.awaiting_update,
                          sum(summary.rag_counts.values()))
    return describe_counts(counts, labels)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="create an empty encrypted store")
    p.add_argument("store", type=Path, metavar="STORE")
    add_passphrase_argument(p)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="create an encrypted demo store from the partnerships' published plans")
    p.add_argument("store", type=Path, metavar="STORE")
    add_passphrase_argument(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("check", help="integrity, cipher settings, schema, audit chain, snapshot chain")
    add_store_argument(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("change-passphrase", help="re-key the store with a new passphrase")
    add_store_argument(p)
    p.set_defaults(func=cmd_change_passphrase)

    p = sub.add_parser("backup", help="encrypted backup (the store's passphrase unless --backup-passphrase-file)")
    add_store_argument(p)
    p.add_argument("dest", type=Path, metavar="DEST")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup to a new file (never overwrites)")
    p.add_argument("backup", type=Path, metavar="BACKUP")
    p.add_argument("store", type=Path, metavar="STORE")
    add_passphrase_argument(p)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("plans", help="plans, quarters and RAG counts")
    add_store_argument(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_plans)

