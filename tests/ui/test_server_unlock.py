"""`pathways --server URL`: the unlock screen connects to a shared PostgreSQL server (skipped without PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from pg_harness import DATA_PASSPHRASE, PgHarness
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.ui.main_window import MainWindow


def test_unlocking_a_shared_server_opens_its_plans(
    qtbot: QtBot, window: MainWindow, pg: PgHarness, tmp_path: Path
) -> None:
    database = pg.clone(pg.demo_template())
    url = pg.url(database).replace("postgresql+psycopg://", "postgresql://")
    w, u = window, window.unlock
    w.start(None, server=url)
    w.show()
    assert u.store.currentText() == f"{database} on this computer"  # a Unix socket: no host
    assert "data passphrase" in u.message.text()
    u.grab().save(str(tmp_path / "server-unlock.png"))

    qtbot.keyClicks(u.passphrase, "not the data passphrase")
    qtbot.mouseClick(u.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f"didn't unlock {database} on this computer" in u.message.text(), timeout=20_000)
    assert not w.workspace.is_open

    qtbot.keyClicks(u.passphrase, DATA_PASSPHRASE)
    with qtbot.waitSignal(w.workspace.opened, timeout=30_000):
        qtbot.mouseClick(u.unlock_button, Qt.MouseButton.LeftButton)
    assert w.root.currentWidget() is w.views
    assert w.workspace.data is not None and w.workspace.data.rows  # the demo plan, read from the server
    assert w.windowTitle().startswith(f"{database} on ")
    assert w.settings.recent_stores() == []  # a server is not a recent file
    w.grab().save(str(tmp_path / "server-window.png"))
    w.workspace.close()
    pg.drop(database)


def test_server_flag_opens_the_window_and_commands_take_addresses() -> None:
    from desktop.cli import wants_window
    from desktop.cli.common import store_target

    assert wants_window(["--server", "postgresql://akhan@db.example.org/tees_valley_rr"])
    assert not wants_window(["plans", "postgresql://akhan@db.example.org/tees_valley_rr"])
    assert store_target("postgresql://akhan@db.example.org/tees") == "postgresql://akhan@db.example.org/tees"
    assert store_target("plan.pathways") == Path("plan.pathways")
