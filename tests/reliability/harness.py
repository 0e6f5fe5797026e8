"""Shared pieces of the reliability suites: the real CLI in a subprocess, store fingerprints, tally of figures.

The suites run short and seeded under `make test`; `make soak` sets PATHWAYS_SOAK=1 and they run long. Either way
each suite records what it tried and what held in :data:`TALLY`, printed at the end of the run (see conftest.py).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop.store import Store

SOAK = os.environ.get("PATHWAYS_SOAK", "") not in ("", "0")
SEED = int(os.environ.get("PATHWAYS_SEED", "20151231"))
REPO = Path(__file__).resolve().parents[2]
# The passphrase of the session-wide demo store (tests/conftest.py), for fixtures wider than one test.
PASSPHRASE = "test passphrase: Tees Valley 2015"


def scale(short: int, soak: int) -> int:
    """How many of something to try: a few under `make test`, many under `make soak`."""
    return soak if SOAK else short


# ---------------------------------------------------------------- figures


@dataclass
class Figure:
    """One line of a suite's figures: how many were tried, how many held, and what did not."""

    tried: int = 0
    held: int = 0
    failures: list[str] = field(default_factory=list)
    extra: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class Tally:
    def __init__(self) -> None:
        self.suites: dict[str, dict[str, Figure]] = defaultdict(dict)

    def figure(self, suite: str, kind: str) -> Figure:
        return self.suites[suite].setdefault(kind, Figure())

    def record(self, suite: str, kind: str, held: bool, failure: str = "") -> None:
        fig = self.figure(suite, kind)
        fig.tried += 1
        fig.held += int(held)
        if not held and failure:
            fig.failures.append(failure)

    def lines(self) -> list[str]:
        out: list[str] = []
        for suite, kinds in sorted(self.suites.items()):
            tried = sum(f.tried for f in kinds.values())
            held = sum(f.held for f in kinds.values())
            out.append(f"{suite}: {held} of {tried} held ({len(kinds)} kinds){'  [soak]' if SOAK else ''}")
            for kind, fig in kinds.items():
                extra = "".join(f", {k} {v}" for k, v in sorted(fig.extra.items()))
                out.append(f"  {kind:<46} tried {fig.tried:>4}  held {fig.held:>4}{extra}")
                out.extend(f"      FAILED: {text}" for text in fig.failures[:5])
        return out


TALLY = Tally()


# ---------------------------------------------------------------- the real command line


def cli_env(home: Path, passphrase: str | None, new_passphrase: str | None = None) -> dict[str, str]:
    """A clean environment: its own HOME, TMPDIR and PATHWAYS_HOME, so a test sees every file the app makes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
    for name in ("home", "tmp", "pathways-home"):
        (home / name).mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home / "home"), TMPDIR=str(home / "tmp"), PATHWAYS_HOME=str(home / "pathways-home"),
               QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), XDG_CONFIG_HOME=str(home / "home" / ".config"),
               XDG_DATA_HOME=str(home / "home" / ".local" / "share"), XDG_CACHE_HOME=str(home / "home" / ".cache"),
               XDG_STATE_HOME=str(home / "home" / ".local" / "state"))
    if passphrase is not None:
        env["PATHWAYS_PASSPHRASE"] = passphrase
    if new_passphrase is not None:
        env["PATHWAYS_NEW_PASSPHRASE"] = new_passphrase
    return env


def command(args: Sequence[object]) -> list[str]:
    return [sys.executable, "-m", "desktop", *(str(a) for a in args)]


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


def run_cli(args: Sequence[object], env: Mapping[str, str], cwd: Path | None = None, timeout: float = 300) -> Outcome:
    proc = subprocess.run(command(args), env=dict(env), cwd=cwd, capture_output=True, text=True, timeout=timeout)
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


@dataclass(frozen=True)
class SignedUpdate:
    """A signed delivery-plan update and the root certificate that vouches for it (the `signed_update` fixture)."""

    pdf: bytes
    root_pem: Path


# ---------------------------------------------------------------- what a store holds


@dataclass(frozen=True)
class Fingerprint:
    """Row counts of every table, and a digest of each row of the append-only history tables."""

    counts: dict[str, int]
    history: frozenset[str]

    def missing_from(self, later: Fingerprint) -> int:
        """History rows present here but gone from ``later``: updates lost."""
        return len(self.history - later.history)


# Tables that are only ever appended to: every row in them was a committed update someone relied on.
HISTORY_TABLES = ("action_update", "audit_event", "snapshot", "indicator_value")


def fingerprint(path: Path, passphrase: str) -> Fingerprint:
    with Store.open(path, passphrase, migrate=False) as store:
        conn = store.raw_connection()
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}
        history: set[str] = set()
        for table in HISTORY_TABLES:
            if table not in tables:
                continue
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                history.add(table + ":" + hashlib.sha256(repr(tuple(row)).encode()).hexdigest())
    return Fingerprint(counts, frozenset(history))


def opens(path: Path, passphrase: str) -> bool:
    try:
        with Store.open(path, passphrase, migrate=False):
            return True
    except Exception:  # noqa: BLE001 — any refusal counts as "does not open"
        return False


def file_digests(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and the SHA-256 of its bytes: to prove a refusal wrote nothing."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def files_under(roots: Iterable[Path]) -> list[Path]:
    return [p for root in roots if root.exists() for p in sorted(root.rglob("*")) if p.is_file()]
