"""`pathways`: the headless commands (DESIGN §5) and the desktop launcher. No business logic of its own."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop import __version__
from desktop.cli import store_cmds
from desktop.services.errors import PathwaysError

log = logging.getLogger("pathways.cli")

Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
# Each feature area registers its own subcommands, in this order in the help.
COMMAND_MODULES = ("report_cmds", "profile_cmds", "import_cmds", "meeting_cmds", "indicator_cmds")


def registrars() -> list[Registrar]:
    import importlib

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


def build_parser() -> tuple[argparse.ArgumentParser, set[str]]:
    parser = argparse.ArgumentParser(
        prog="pathways",
        description="Pathways: encrypted delivery plans, signed updates and agenda packs for community safety "
        "partnerships. Run with no command (or a STORE file) to open the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"pathways {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in registrars():
        register(sub)
    return parser, set(sub.choices)


def _launch_gui(argv: Sequence[str]) -> int:
    gui = argparse.ArgumentParser(prog="pathways", add_help=False)
    gui.add_argument("store", nargs="?", type=Path)
    gui.add_argument("--self-test", action="store_true")
    args, _ = gui.parse_known_args(argv)
    from desktop.app import run, self_test  # Qt is imported only when a window is wanted

    if args.self_test:
        return int(self_test())
    return int(run(args.store))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, commands = build_parser()
    if not argv or argv[0] == "--self-test" or (argv[0] not in commands and not argv[0].startswith("-")):
        return _launch_gui(argv)
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
