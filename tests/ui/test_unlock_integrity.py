"""The unlock screen after issue #17: the key derived while typing, the plan shown before the whole-file check ends,
a damaged store reported (and not written) when that check fails, and the new-store strength meter."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from ui_fakes import FakeDialogs

from desktop.models import StoreMeta
from desktop.store import StoreDamaged, keys
from desktop.ui.main_window import MainWindow


def _damage_a_middle_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 + 100] ^= 0x01
    path.write_bytes(bytes(data))


def _unlock(qtbot: QtBot, w: MainWindow, passphrase: str) -> None:
    qtbot.keyClicks(w.unlock.passphrase, passphrase)
    with qtbot.waitSignal(w.workspace.opened, timeout=30_000):
        qtbot.keyClick(w.unlock.passphrase, "\r")


def test_typing_the_passphrase_derives_its_key(qtbot: QtBot, threaded_window: MainWindow, demo_store_path: Path,
                                                passphrase: str, monkeypatch: pytest.MonkeyPatch) -> None:
    primer = keys.KeyPrimer()
    monkeypatch.setattr(keys, "primer", primer)
    w = threaded_window
    w.start(demo_store_path)
    w.show()
    qtbot.keyClicks(w.unlock.passphrase, passphrase[:-1])
    assert primer.wait(timeout=30)
    qtbot.keyClicks(w.unlock.passphrase, passphrase[-1])  # the last key after a pause, as people type
    assert primer.wait(timeout=30)
    key = primer.take(demo_store_path, passphrase)
    salt = keys.read_salt(demo_store_path)
    assert salt is not None and key == keys.derive(passphrase, salt)


def test_a_damaged_store_is_reported_after_the_plan_shows_and_nothing_is_saved(
    qtbot: QtBot, threaded_window: MainWindow, dialogs: FakeDialogs, demo_store_path: Path, passphrase: str
) -> None:
    _damage_a_middle_page(demo_store_path)
    w = threaded_window
    w.start(demo_store_path)
    w.show()
    _unlock(qtbot, w, passphrase)
    qtbot.waitUntil(lambda: any(title == "Store damaged" for _, title, _ in dialogs.shown), timeout=30_000)
    text = next(t for _, title, t in dialogs.shown if title == "Store damaged")
    assert "damaged or has been tampered with" in text and "restore it from a backup" in text
    with pytest.raises(StoreDamaged, match="nothing was saved"), w.workspace.session() as s:
        s.add(StoreMeta(key="note", value="typed after unlocking"))


@pytest.mark.parametrize("passphrase", ["held-out check passphrase 7", "my passphrase is long and unusual 93"])
def test_the_new_store_meter_accepts_the_issues_passphrases(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                             passphrase: str) -> None:
    window.start(None)
    window.show()
    u = window.unlock
    u.show_create()
    u.new_path.setText(str(tmp_path / "new.pathways"))
    qtbot.keyClicks(u.new_pass, passphrase)
    assert u.meter.value() == 4 and u.strength.text() == "Strength: Strong"
    qtbot.keyClicks(u.repeat, passphrase)
    with qtbot.waitSignal(window.workspace.opened, timeout=30_000):
        u.create_button.click()
    assert (tmp_path / "new.pathways").is_file()


def test_the_meter_explains_a_refusal(qtbot: QtBot, window: MainWindow) -> None:
    window.start(None)
    window.show()
    u = window.unlock
    u.show_create()
    qtbot.keyClicks(u.new_pass, "Password1234567!")
    assert u.meter.value() <= 3
    assert "It would be easy to guess" in u.strength.text() and "Add another word" in u.strength.text()
    u.new_pass.clear()
    qtbot.keyClicks(u.new_pass, "pathways")
    assert u.meter.value() <= 1 and "at least 15" in u.strength.text()
