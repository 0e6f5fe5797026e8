"""`pathways`: the headless commands (DESIGN §5) and the desktop launcher. No business logic of its own."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop import __version__
from desktop.services.errors import PathwaysError

log = logging.getLogger("pathways.cli")

Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
# Each feature area registers its own subcommands, in this order in the help.
COMMAND_MODULES = ("report_cmds", "profile_cmds", "import_cmds", "meeting_cmds", "indicator_cmds", "server_cmds")


def registrars() -> list[Registrar]:
    import importlib

    from desktop.cli import store_cmds  # here, not at the top: opening the window needs none of the commands

    found: list[Registrar] = [store_cmds.register]
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"desktop.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"desktop.cli.{name}":
                raise
            continue
        found.append(module.register)
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pathways",
        description="Pathways: encrypted delivery plans, signed updates and agenda packs for community safety "
        "partnerships. Run with no command (or a STORE file) to open the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"pathways {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in registrars():
        register(sub)
    return parser


def _launch_gui(argv: Sequence[str]) -> int:
    gui = argparse.ArgumentParser(prog="pathways", add_help=False)
    gui.add_argument("store", nargs="?", type=Path)
    gui.add_argument("--self-test", action="store_true")
    gui.add_argument("--exit-when-shown", action="store_true")  # start-up benchmark
    gui.add_argument("--server", metavar="URL")  # a shared PostgreSQL server instead of a file (docs/server.md)
    args, _ = gui.parse_known_args(argv)
    from desktop.app import run, self_test  # Qt is imported only when a window is wanted

    if args.self_test:
        return int(self_test())
    return int(run(args.store, exit_when_shown=args.exit_when_shown, server=args.server))


GUI_FLAGS = ("--self-test", "--exit-when-shown", "--server")


def wants_window(argv: Sequence[str]) -> bool:
    """No command, a GUI flag, or a store file: open the app. Decided before any command module (and its pandas,
    ReportLab and pyHanko imports) is loaded, so the window comes up as fast as it can."""
    if not argv or argv[0] in GUI_FLAGS:
        return True
    first = argv[0]
    return not first.startswith("-") and (first.endswith(".pathways") or Path(first).is_file())


def main(argv: Sequence[str] | None = None) -> int:
    # Every file Pathways writes (exports, forms, backups, trust bundles) is for this user only, whatever the
    # session's umask; restored on the way out for callers that run commands in-process (tests, automation).
    old_umask = os.umask(0o077)
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    finally:
        os.umask(old_umask)


def _main(argv: list[str]) -> int:
    if wants_window(argv):
        return _launch_gui(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except PathwaysError as exc:
        print(f"pathways: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pathways: interrupted; nothing further was written.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 — one line for the user, the detail (no data values) in the log
        log.error("unexpected %s", type(exc).__name__, exc_info=False)
        print(f"pathways: unexpected error ({type(exc).__name__}); please report it. Nothing further was written.",
              file=sys.stderr)
        return 3
