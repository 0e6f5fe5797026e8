"""Where each command takes its secrets from: one table that the commands read, ``--help`` prints and docs/cli.md
shows (tests/cli/test_secret_sources.py keeps the three the same).

Every secret comes from a file option first (its first line), then an environment variable (for automation), then a
prompt when a terminal is attached. Passphrases of new stores and backups come from ``PATHWAYS_NEW_PASSPHRASE``, not
``PATHWAYS_PASSPHRASE``, so that a script can never create a store with the passphrase it meant for another one;
they are checked for strength (``desktop.store.passphrase``) wherever they come from.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path

from desktop.services.errors import PathwaysError
from desktop.store.passphrase import assess

PASSPHRASE_ENV = "PATHWAYS_PASSPHRASE"
NEW_PASSPHRASE_ENV = "PATHWAYS_NEW_PASSPHRASE"
VARIABLES = (PASSPHRASE_ENV, NEW_PASSPHRASE_ENV)

# What happens when neither the file option nor the variable gives the secret.
PROMPT = "a prompt"
PROMPT_TWICE = "a prompt, asked twice"
DEMO_FIXED = "the demonstration passphrase, printed"
SAME_AS_STORE = "the store's passphrase"
NO_PASSWORD = "none (a file without a password)"
SERVER_AUTH = "none (the server's own authentication)"


class CliError(PathwaysError):
    """A command-line usage problem, reported as one line."""


@dataclass(frozen=True)
class Secret:
    """One secret a command needs. ``role``: "store" (opens an existing store or backup), "new" (a new store's
    passphrase), "backup" (the passphrase a backup is written with) or "pkcs12" (an imported certificate's)."""

    role: str  # also "login": a server role's password
    what: str
    option: str
    env: str | None
    otherwise: str

    @property
    def dest(self) -> str:
        return self.option.lstrip("-").replace("-", "_")

    @property
    def is_new(self) -> bool:
        """Chosen now, so held to the strength rules."""
        return self.role in ("new", "backup")

    def sources(self) -> str:
        env = f", otherwise ${self.env}" if self.env else ""
        return f"{self.option} FILE (first line){env}, otherwise {self.otherwise}"

    def help(self) -> str:
        env = f"; otherwise ${self.env}" if self.env else ""
        return f"{self.what}, read from FILE (first line){env}; otherwise {self.otherwise}"


STORE = Secret("store", "the store's passphrase", "--passphrase-file", PASSPHRASE_ENV, PROMPT)
NEW_STORE = Secret("new", "the new store's passphrase", "--passphrase-file", NEW_PASSPHRASE_ENV, PROMPT_TWICE)

# command → the secrets it reads, in the order it reads them. Commands missing here cannot register a store
# argument (see secret_options), so a new command must say where its secrets come from.
SECRETS: dict[str, tuple[Secret, ...]] = {
    "init": (NEW_STORE,),
    "demo": (replace(NEW_STORE, what="the demo store's passphrase", otherwise=DEMO_FIXED),),
    "check": (STORE,),
    "change-passphrase": (
        STORE,
        Secret("new", "the new passphrase", "--new-passphrase-file", NEW_PASSPHRASE_ENV, PROMPT_TWICE),
    ),
    "backup": (
        STORE,
        Secret("backup", "the backup's passphrase", "--backup-passphrase-file", None, SAME_AS_STORE),
    ),
    "restore": (replace(STORE, what="the backup's passphrase"),),
    "plans": (STORE,),
    "update-pdf": (STORE,),
    "trust-bundle": (STORE,),
    "signer": (
        STORE,
        Secret("pkcs12", "the PKCS#12 file's password", "--pkcs12-password-file", None, NO_PASSWORD),
    ),
    "verify": (),
    "profile-import": (STORE,),
    "profile-preview": (STORE,),
    "import": (STORE,),
    "export-plan": (STORE,),
    "returns": (STORE,),
    "returns-import": (STORE,),
    "meetings": (STORE,),
    "agenda-pack": (STORE,),
    "cover-report": (STORE,),
    "indicators": (STORE,),
    "indicator-import": (STORE,),
    "close-quarter": (STORE,),
    "server-check": (replace(STORE, what="the partnership's data passphrase"),),
    "server-setup": (
        Secret("new", "the partnership's data passphrase", "--new-passphrase-file", NEW_PASSPHRASE_ENV,
               PROMPT_TWICE),
    ),
    "server-upgrade": (),
    "server-add-person": (Secret("login", "the role's login password", "--password-file", None, SERVER_AUTH),),
}


def secrets_of(command: str) -> tuple[Secret, ...]:
    try:
        return SECRETS[command]
    except KeyError:
        raise LookupError(f"`pathways {command}` is missing from the secrets table in {__name__}") from None


def secret_of(command: str, role: str) -> Secret:
    for secret in secrets_of(command):
        if secret.role == role:
            return secret
    raise LookupError(f"`pathways {command}` reads no {role} secret according to the secrets table")


def command_of(parser: argparse.ArgumentParser) -> str:
    return parser.prog.split()[-1]


def epilog(command: str) -> str:
    lines = [f"{s.what[:1].upper()}{s.what[1:]} comes from {s.sources()}." for s in secrets_of(command)]
    return " ".join(lines)


def secret_options(parser: argparse.ArgumentParser) -> None:
    """Add the command's file options, with help text from the table, and a line on its secrets to its help."""
    command = command_of(parser)
    secrets = secrets_of(command)
    for secret in secrets:
        parser.add_argument(secret.option, type=Path, metavar="FILE", dest=secret.dest, help=secret.help())
    if secrets:
        # Appended to the command's own epilog, wrapped here for commands whose formatter keeps line breaks.
        text = textwrap.fill(epilog(command), width=100, break_on_hyphens=False)
        parser.epilog = f"{parser.epilog}\n\n{text}" if parser.epilog else text


def markdown_table() -> str:
    """The table in docs/cli.md, "Where secrets come from"."""
    rows = ["| command | secret | file option | environment variable | otherwise |", "|---|---|---|---|---|"]
    for command, secrets in SECRETS.items():
        for secret in secrets:
            env = f"`{secret.env}`" if secret.env else "–"
            rows.append(f"| `{command}` | {secret.what} | `{secret.option} FILE` | {env} | {secret.otherwise} |")
    return "\n".join(rows)


# ---- reading

def read_secret_file(path: Path, what: str = "passphrase") -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"Cannot read the {what} file {path}: {exc.strerror}.") from None
    secret = text.splitlines()[0] if text else ""
    if not secret:
        raise CliError(f"The {what} file {path} is empty.")
    return secret


def _prompt(secret: Secret, command: str, text: str) -> str:
    if not sys.stdin.isatty():
        hint = ""
        others = [v for v in VARIABLES if v != secret.env and os.environ.get(v)]
        if secret.env and others:
            hint = (f" ({others[0]} is set, but `pathways {command}` reads {secret.env} for {secret.what}.)")
        where = f"use {secret.option} FILE or set {secret.env}" if secret.env else f"use {secret.option} FILE"
        raise CliError(f"No {secret.what.removeprefix('the ')} given: {where}.{hint}")
    return getpass.getpass(text)


def read(args: argparse.Namespace, role: str, *, names: tuple[str, ...] = ()) -> str | None:
    """The secret of ``role`` for this command, from the sources its row in the table names, in that order.

    None when the row's last resort is not a prompt (the demo passphrase, the store's passphrase, no password).
    New passphrases are refused with the reason when weak; ``names`` are the partnership's names, never allowed.
    """
    command = str(getattr(args, "command", "") or "")
    secret = secret_of(command, role)
    file = getattr(args, secret.dest, None)
    source = ""
    if file:
        value: str | None = read_secret_file(file, "password" if role == "pkcs12" else "passphrase")
        source = f" (from {file.name})"
    elif secret.env and os.environ.get(secret.env):
        value = os.environ[secret.env]
        source = f" (from ${secret.env})"
    elif secret.otherwise in (PROMPT, PROMPT_TWICE):
        label = secret.what.removeprefix("the ")
        value = _prompt(secret, command, f"{label[:1].upper()}{label[1:]}: ")
        if secret.otherwise == PROMPT_TWICE and _prompt(secret, command, "Repeat it: ") != value:
            raise CliError("The two passphrases differ; nothing was changed.")
    else:
        return None
    if secret.is_new and value is not None:
        strength = assess(value, names)
        if not strength.acceptable:
            raise CliError(f"That passphrase{source} is too weak. {strength.message} Nothing was changed.")
    return value
