"""The reliability suites: seeded, short under `make test`, long under `make soak`; figures printed at the end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from harness import PASSPHRASE, SEED, SOAK, TALLY, SignedUpdate
from hypothesis import HealthCheck, settings

from desktop.cli import main

settings.register_profile(
    "reliability", max_examples=300 if SOAK else 15, deadline=None, derandomize=not SOAK, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY.suites:
        return
    terminalreporter.section(f"reliability figures (seed {SEED}{', soak' if SOAK else ''})")
    for line in TALLY.lines():
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def signed_update(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> SignedUpdate:
    """A signed delivery-plan update and the partnership's root certificate, made by the real command line."""
    folder = tmp_path_factory.mktemp("signed")
    store = folder / "demo.pathways"
    shutil.copyfile(demo_template, store)
    secret = folder / "passphrase.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    out = folder / "update.pdf"
    assert main(["update-pdf", str(store), "--plan", "Durham", "--period", "2015/16 Q3", "--out", str(out),
                 "--passphrase-file", str(secret)]) == 0
    assert main(["trust-bundle", str(store), "--out", str(folder / "trust"), "--partnership", "Durham",
                 "--passphrase-file", str(secret)]) == 0
    (root,) = (folder / "trust").glob("*.pem")
    return SignedUpdate(out.read_bytes(), root)
