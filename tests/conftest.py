"""Test harness: Qt offscreen before anything imports Qt, a private home folder, fresh encrypted stores."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from desktop.services.actor import Actor  # noqa: E402
from desktop.store import Store  # noqa: E402

# The PostgreSQL backend: `pytest --backend=postgresql` (make test-server) runs the `store` and `demo_store`
# tests on a throwaway server; tests/store/test_server*.py use it whatever the option, skipping without PostgreSQL.
pytest_plugins = ["pg_harness"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backend", choices=("sqlite", "postgresql"), default="sqlite",
                     help="where the store and demo_store fixtures live: the encrypted file or a PostgreSQL server")


def _on_server(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--backend") == "postgresql")

PASSPHRASE = "test passphrase: Tees Valley 2015"


@pytest.fixture(autouse=True)
def pathways_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings, logs and default stores go to a per-test folder, never the developer's own."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("PATHWAYS_HOME", str(home))
    monkeypatch.delenv("PATHWAYS_PASSPHRASE", raising=False)
    monkeypatch.delenv("PATHWAYS_NEW_PASSPHRASE", raising=False)
    return home


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "plan.pathways"


@pytest.fixture
def store(store_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A fresh, empty encrypted store (or server database, with --backend=postgresql), closed after the test."""
    if _on_server(request):
        yield request.getfixturevalue("server_store")
        return
    s = Store.create(store_path, PASSPHRASE)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store is built once per test session; tests get their own copy of the file."""
    from desktop.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.pathways"
    with Store.create(path, PASSPHRASE) as s, s.session() as session:
        build_demo(session)
    return path


@pytest.fixture
def demo_store_path(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.pathways"
    target.write_bytes(demo_template.read_bytes())
    return target


@pytest.fixture
def demo_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if _on_server(request):
        yield request.getfixturevalue("server_demo_store")
        return
    s = Store.open(request.getfixturevalue("demo_store_path"), PASSPHRASE)
    yield s
    s.close()


@pytest.fixture
def actor() -> Actor:
    return Actor(None, "Test coordinator")


@pytest.fixture
def store_target(store: Store, store_path: Path, request: pytest.FixtureRequest) -> tuple[str, str]:
    """What a command is given to open the ``store`` fixture, and its passphrase: the file, or the server's address
    with the partnership's data passphrase (--backend=postgresql)."""
    if _on_server(request):
        from pg_harness import DATA_PASSPHRASE

        harness, database = request.getfixturevalue("pg"), request.getfixturevalue("pg_database")
        return str(harness.url(database)), DATA_PASSPHRASE
    return str(store_path), PASSPHRASE
