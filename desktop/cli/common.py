"""Shared pieces of the command line: passphrase sources, opening stores, output helpers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from desktop.cli import secret_sources
from desktop.cli.secret_sources import NEW_PASSPHRASE_ENV as NEW_PASSPHRASE_ENV
from desktop.cli.secret_sources import PASSPHRASE_ENV as PASSPHRASE_ENV
from desktop.cli.secret_sources import CliError as CliError
from desktop.cli.secret_sources import read_secret_file as read_secret_file
from desktop.store import Store


def store_target(value: str) -> Path | str:
    """A store file, or a server address kept as text (a Path would fold postgresql:// into postgresql:/)."""
    from desktop.store.server import is_server_url

    return value if is_server_url(value) else Path(value)


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", type=store_target, metavar="STORE",
                        help="the .pathways store file, or a server: postgresql://role@host/database")
    add_passphrase_argument(parser)


def add_passphrase_argument(parser: argparse.ArgumentParser) -> None:
    """The command's secret options (--passphrase-file and any others), as the secrets table gives them."""
    secret_sources.secret_options(parser)


def passphrase(args: argparse.Namespace) -> str:
    """The passphrase of the store (or backup) the command opens."""
    value = secret_sources.read(args, "store")
    assert value is not None  # a prompt is the last resort for every "store" secret
    return value


def new_passphrase(args: argparse.Namespace, names: tuple[str, ...] = ()) -> str | None:
    """A new passphrase, refused with the reason when weak; None when the command has a fixed fallback (demo)."""
    return secret_sources.read(args, "new", names=names)


def open_store(args: argparse.Namespace) -> Store:
    """The store file, or the server database (with the partnership's data passphrase); same services either way."""
    from desktop.store.backend import open_target

    return open_target(args.store, passphrase(args))


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
