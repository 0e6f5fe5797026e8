"""Quarter commands: close-quarter. No business logic of its own."""

from __future__ import annotations

import argparse

from desktop.cli.common import add_store_argument, open_store
from desktop.services.actor import Actor
from desktop.services.periods import close_period
from desktop.services.queries import find_period, find_plan


def cmd_close_quarter(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.session() as session:
        plan = find_plan(session, args.plan)
        period = find_period(session, plan.id, args.period)
        snapshot = close_period(session, Actor.command_line(), period)
        label, digest = period.label, snapshot.sha256
    print(f"{label} closed; its snapshot (SHA-256 {digest}) is chained to the plan's earlier quarters.")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("close-quarter", help="close a quarter: freeze its snapshot and lock its updates")
    add_store_argument(p)
    p.add_argument("--plan", required=True, metavar="P", help="plan id or a unique part of its title")
    p.add_argument("--period", default="current", metavar="Q",
                   help="the quarter to close (default: current, the earliest open one)")
    p.set_defaults(func=cmd_close_quarter)
