"""The reliability suites: seeded, short under `make test`, long under `make soak`; figures printed at the end."""

from __future__ import annotations

import pytest
from harness import SEED, SOAK, TALLY
from hypothesis import HealthCheck, settings

settings.register_profile(
    "reliability", max_examples=600 if SOAK else 25, deadline=None, derandomize=not SOAK, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY.suites:
        return
    terminalreporter.section(f"reliability figures (seed {SEED}{', soak' if SOAK else ''})")
    for line in TALLY.lines():
        terminalreporter.write_line(line)
