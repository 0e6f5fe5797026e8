"""The unlock screen's "Connect to server…" form: address, own password, the partnership's data passphrase."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_harness import DATA_PASSPHRASE, PgHarness
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import make_url

from desktop.store.errors import StoreError
from desktop.store.server import connection_address
from desktop.ui.main_window import MainWindow
from desktop.ui.unlock import FILE_FOOTER, SERVER_FOOTER, UnlockScreen


def _open_server_form(qtbot: QtBot, u: UnlockScreen) -> None:
    u.server_button.setFocus()
    qtbot.keyClick(u.server_button, Qt.Key.Key_Space)  # keyboard, as a user without a mouse would
    assert u.server_mode
    assert u.server_address.isVisibleTo(u) and u.server_password.isVisibleTo(u) and not u.store.isVisibleTo(u)


def test_the_server_form_is_reachable_by_keyboard_and_says_where_data_lives(
    qtbot: QtBot, window: MainWindow
) -> None:
    w, u = window, window.unlock
    w.start(None)
    w.show()
    assert FILE_FOOTER in u.footer.text()
    _open_server_form(qtbot, u)
    assert w.focusWidget() is u.server_address
    assert SERVER_FOOTER in u.footer.text() and "stays on this computer" not in u.footer.text()
    for widget in (u.server_address, u.server_password, u.passphrase, u.server_button):
        assert widget.accessibleName()
    assert u.passphrase.accessibleName() == "The partnership's data passphrase"
    assert u.unlock_button.text() == "&Connect"
    qtbot.keyClick(u.server_address, Qt.Key.Key_Tab)
    assert w.focusWidget() is u.server_password
    qtbot.keyClick(u.server_password, Qt.Key.Key_Tab)
    assert w.focusWidget() is u.passphrase

    # A bad address: one sentence, nothing opened, the address kept to correct.
    u.server_address.setText("db.example.org")
    qtbot.keyClicks(u.passphrase, "any data passphrase")
    qtbot.keyClick(u.passphrase, Qt.Key.Key_Return)
    assert u.message.text() == "That is not a server address: use postgresql://role@host/database."
    assert u.server_address.text() == "db.example.org" and w.focusWidget() is u.server_address
    u.server_address.setText("postgresql://db.example.org/tees_valley_rr")
    qtbot.keyClicks(u.passphrase, "any data passphrase")
    qtbot.keyClick(u.passphrase, Qt.Key.Key_Return)
    assert "Give your role and the database" in u.message.text()
    assert not w.workspace.is_open and not u.busy.isVisibleTo(u)

    qtbot.keyClick(u.server_button, Qt.Key.Key_Space)  # back to files
    assert not u.server_mode and u.store.isVisibleTo(u) and FILE_FOOTER in u.footer.text()
    assert u.server_password.text() == ""  # a typed role password does not linger


def test_the_role_password_typed_goes_with_the_address() -> None:
    url = make_url(connection_address(" postgresql://akhan@db.example.org/tees_valley_rr?sslmode=require ", "s3cret"))
    assert (url.username, url.password, url.host, url.database) == ("akhan", "s3cret", "db.example.org",
                                                                    "tees_valley_rr")
    assert url.query["sslmode"] == "require"
    kept = make_url(connection_address("postgresql://akhan:inline@db.example.org/tees_valley_rr"))
    assert kept.password == "inline"
    with pytest.raises(StoreError, match="not a server address"):
        connection_address("tees_valley_rr")
    with pytest.raises(StoreError, match="Only PostgreSQL"):
        connection_address("mysql://akhan@db.example.org/tees")


def _connect(qtbot: QtBot, u: UnlockScreen, address: str, passphrase: str) -> None:
    u.server_address.setText(address)
    qtbot.keyClicks(u.passphrase, passphrase)
    qtbot.mouseClick(u.unlock_button, Qt.MouseButton.LeftButton)


def test_connecting_from_the_unlock_screen(qtbot: QtBot, window: MainWindow, pg: PgHarness, tmp_path: Path) -> None:
    database = pg.clone(pg.demo_template())
    url = pg.url(database).replace("postgresql+psycopg://", "postgresql://")
    w, u = window, window.unlock
    w.start(None)
    w.show()
    _open_server_form(qtbot, u)

    _connect(qtbot, u, "postgresql://nobody@127.0.0.1:1/tees_valley_rr", DATA_PASSPHRASE)
    qtbot.waitUntil(lambda: u.message.text().startswith("Cannot connect to the server"), timeout=20_000)
    assert "127.0.0.1" in u.message.text() and not w.workspace.is_open

    _connect(qtbot, u, url, "not the data passphrase")
    qtbot.waitUntil(lambda: "not the partnership's data passphrase" in u.message.text(), timeout=20_000)
    assert u.message.text() == "That is not the partnership's data passphrase; nothing was read."
    assert not w.workspace.is_open and u.server_mode and u.server_address.text() == url
    u.grab().save(str(tmp_path / "unlock-server.png"))

    with qtbot.waitSignal(w.workspace.opened, timeout=30_000):
        _connect(qtbot, u, url, DATA_PASSPHRASE)
    assert w.root.currentWidget() is w.views
    assert w.workspace.data is not None and w.workspace.data.rows  # the demo plan, read from the server
    assert w.windowTitle().startswith(f"{database} on ")
    assert w.settings.recent_stores() == []  # a server is never a recent file

    # Locking and unlocking again reconnects to the same server (its entry names it; its footer says so).
    w.lock()
    assert SERVER_FOOTER in u.footer.text()
    qtbot.keyClicks(u.passphrase, DATA_PASSPHRASE)
    with qtbot.waitSignal(w.workspace.opened, timeout=30_000):
        qtbot.mouseClick(u.unlock_button, Qt.MouseButton.LeftButton)
    assert w.settings.recent_stores() == []
    w.workspace.close()
    pg.drop(database)
