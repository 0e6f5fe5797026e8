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
def store(store_path: Path) -> Iterator[Store]:
    """A fresh, empty encrypted store, closed after the test."""
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
def demo_store(demo_store_path: Path) -> Iterator[Store]:
    s = Store.open(demo_store_path, PASSPHRASE)
    yield s
    s.close()


@pytest.fixture
def actor() -> Actor:
    return Actor(None, "Test coordinator")
