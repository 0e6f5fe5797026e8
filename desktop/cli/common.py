"""Shared pieces of the command line: passphrase sources, opening stores, output helpers."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from desktop.services.errors import PathwaysError
from desktop.store import Store
from desktop.store.passphrase import assess

PASSPHRASE_ENV = "PATHWAYS_PASSPHRASE"
NEW_PASSPHRASE_ENV = "PATHWAYS_NEW_PASSPHRASE"


class CliError(PathwaysError):
    """A command-line usage problem, reported as one line."""


def store_target(value: str) -> Path | str:
    """A store file, or a server address kept as text (a Path would fold postgresql:// into postgresql:/)."""
    from desktop.store.server import is_server_url

    return value if is_server_url(value) else Path(value)


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("store", type=store_target, metavar="STORE",
                        help="the .pathways store file, or a server: postgresql://role@host/database")
    add_passphrase_argument(parser)


def add_passphrase_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file", type=Path, metavar="FILE",
        help=f"read the passphrase from FILE (first line); otherwise ${PASSPHRASE_ENV}, otherwise a prompt",
    )


def read_secret_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"Cannot read the passphrase file {path}: {exc.strerror}.") from None
    secret = text.splitlines()[0] if text else ""
    if not secret:
        raise CliError(f"The passphrase file {path} is empty.")
    return secret


def _prompt(text: str) -> str:
    if not sys.stdin.isatty():
        raise CliError(f"No passphrase given: use --passphrase-file or set {PASSPHRASE_ENV}.")
    return getpass.getpass(text)


def passphrase(args: argparse.Namespace, prompt: str = "Passphrase: ") -> str:
    file = getattr(args, "passphrase_file", None)
    if file:
        return read_secret_file(file)
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    return _prompt(prompt)


def new_passphrase(args: argparse.Namespace, file_attr: str = "new_passphrase_file") -> str:
    """A new passphrase (twice at a prompt), refused with the reason when it is weak."""
    file = getattr(args, file_attr, None)
    if file:
        value = read_secret_file(file)
    elif os.environ.get(NEW_PASSPHRASE_ENV):
        value = os.environ[NEW_PASSPHRASE_ENV]
    else:
        value = _prompt("New passphrase: ")
        if _prompt("Repeat the new passphrase: ") != value:
            raise CliError("The two passphrases differ; nothing was changed.")
    strength = assess(value)
    if not strength.acceptable:
        raise CliError(f"That passphrase is too weak: {strength.problems[0]}.")
    return value


def open_store(args: argparse.Namespace) -> Store:
    """The store file, or the server database (with the partnership's data passphrase); same services either way."""
    from desktop.store.backend import open_target

    prompt = "Data passphrase: " if isinstance(args.store, str) else "Passphrase: "
    return open_target(args.store, passphrase(args, prompt))


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
