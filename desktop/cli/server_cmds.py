"""Shared-server commands: set up a partnership's PostgreSQL database, upgrade it, give people their roles, check
it; and closing a quarter, which on a server is one serialisable transaction (the same command for a file)."""

from __future__ import annotations

import argparse

from desktop.cli import secret_sources
from desktop.cli.common import CliError, add_passphrase_argument, add_store_argument, new_passphrase, open_store
from desktop.services import periods
from desktop.services.actor import Actor
from desktop.services.queries import find_period, find_plan
from desktop.store import server
from desktop.store.units import run_serializable


def _admin_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("admin_url", metavar="ADMIN_URL",
                   help="a superuser (or CREATEROLE + CREATEDB) connection: postgresql://postgres@host/postgres")
    p.add_argument("--database", required=True, help="the partnership's database name (lower case, digits, _)")


def cmd_server_setup(args: argparse.Namespace) -> int:
    secret = new_passphrase(args)
    assert secret is not None  # the table's last resort for this secret is a prompt
    server.provision(args.admin_url, args.database, secret)
    print(f"Created {args.database}: schema at the newest version, row-level security on every table. "
          "Give people their roles with `pathways server-add-person`.")
    return 0


def cmd_server_upgrade(args: argparse.Namespace) -> int:
    server.upgrade(args.admin_url, args.database)
    print(f"{args.database} is at the newest schema; policies re-applied to every table.")
    return 0


def cmd_server_add_person(args: argparse.Namespace) -> int:
    password = secret_sources.read(args, "login")
    try:
        server.add_person(args.admin_url, args.database, args.role, args.kind, args.person, password)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(f"{args.role} can now connect to {args.database} as a {args.kind}.")
    return 0


def cmd_close_quarter(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        def close(session):  # type: ignore[no-untyped-def]
            plan = find_plan(session, args.plan)
            period = find_period(session, plan.id, args.period)
            snapshot = periods.close_period(session, Actor.command_line(), period)
            return period.label, snapshot.sha256

        label, digest = run_serializable(store, close)
    print(f"Closed {label}; snapshot SHA-256 {digest}, chained to the plan's earlier quarters.")
    return 0


def cmd_server_check(args: argparse.Namespace) -> int:
    """Schema version, row-level security on every table, audit chain and snapshot chain: read-only."""
    from sqlalchemy import text

    from desktop.services.audit import verify_chain
    from desktop.services.periods import verify_snapshots
    from desktop.store import schema

    if not isinstance(args.store, str):
        raise CliError("server-check takes a server address (postgresql://…); use `pathways check` for a file.")
    problems = 0
    with open_store(args) as store, store.session() as session:
        current = schema.current_revision(session.connection())
        head = schema.head_revision()
        unforced = session.execute(text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT (c.relrowsecurity AND c.relforcerowsecurity)"
        )).scalars().all()
        chain = verify_chain(session)
        snaps = verify_snapshots(session)
        items = [
            ("schema", current == head, f"version {current}" + ("" if current == head else f", expected {head}")),
            ("row-level security", not unforced,
             "forced on every table" if not unforced else f"not forced on {', '.join(unforced)}"),
            ("audit trail", chain.ok, "; ".join(chain.problems) or f"{chain.events} events, chain unbroken"),
            ("snapshots", not snaps, "; ".join(p.message for p in snaps) or "every closed quarter intact"),
        ]
    for name, ok, detail in items:
        problems += not ok
        print(f"{'ok' if ok else 'PROBLEM':8} {name}: {detail}")
    return 1 if problems else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("server-check", help="a server database: schema, row-level security, audit and snapshot "
                       "chains (as a coordinator)")
    add_store_argument(p)
    p.set_defaults(func=cmd_server_check)

    p = sub.add_parser("close-quarter", help="close a quarter: freeze its snapshot and lock its updates (one "
                       "serialisable transaction, on a file or a server)")
    add_store_argument(p)
    p.add_argument("--plan", required=True, metavar="P", help="plan id or a unique part of its title")
    p.add_argument("--period", default="current", metavar="Q",
                   help="the quarter to close (default: current, the earliest open one)")
    p.set_defaults(func=cmd_close_quarter)

    p = sub.add_parser("server-setup", help="create a partnership's database on a PostgreSQL server")
    _admin_arguments(p)
    add_passphrase_argument(p)  # the data passphrase seals offender identifiers before they leave a client
    p.set_defaults(func=cmd_server_setup)

    p = sub.add_parser("server-upgrade", help="migrate a server database to this version; re-apply its policies")
    _admin_arguments(p)
    add_passphrase_argument(p)  # none: the table says so, and --help stays consistent with it
    p.set_defaults(func=cmd_server_upgrade)

    p = sub.add_parser("server-add-person", help="a person's own database role: coordinator, lead or partner")
    _admin_arguments(p)
    p.add_argument("--role", required=True, help="their login role name")
    p.add_argument("--kind", required=True, choices=("coordinator", "lead", "partner"))
    p.add_argument("--person", type=int, metavar="ID", help="their Person id in the plan (lead officers: required "
                   "for them to see their actions)")
    add_passphrase_argument(p)
    p.set_defaults(func=cmd_server_add_person)
