"""The typed settings registry: defaults, types through INI files, preferences kept apart from window state."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray

from desktop import settings as s
from desktop.settings import Settings


def test_defaults_and_types_survive_the_ini_file(tmp_path: Path) -> None:
    first = Settings(tmp_path)
    assert first.get(s.IDLE_LOCK_MINUTES) == 10
    assert first.get(s.RECENT_STORES) == []
    first.set(s.IDLE_LOCK_MINUTES, 3)
    first.set(s.MAIN_GEOMETRY, QByteArray(b"\x01\x02geometry"))
    first.set(s.LAST_VIEW, "dashboard")
    first.sync()
    second = Settings(tmp_path)
    assert second.get(s.IDLE_LOCK_MINUTES) == 3 and isinstance(second.get(s.IDLE_LOCK_MINUTES), int)
    assert bytes(second.get(s.MAIN_GEOMETRY).data()) == b"\x01\x02geometry"
    assert second.get(s.LAST_VIEW) == "dashboard"


def test_preferences_and_window_state_are_separate_files(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    settings.set(s.IDLE_LOCK_MINUTES, 5)
    settings.set(s.PLAN_SPLITTER, QByteArray(b"state"))
    settings.sync()
    assert "idle_lock_minutes" in (tmp_path / "preferences.ini").read_text()
    assert "splitter" in (tmp_path / "ui-state.ini").read_text()
    assert "splitter" not in (tmp_path / "preferences.ini").read_text()
    (tmp_path / "ui-state.ini").unlink()
    assert Settings(tmp_path).idle_lock_minutes() == 5


def test_idle_minutes_are_clamped(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    settings.set_idle_lock_minutes(0)
    assert settings.idle_lock_minutes() == s.MIN_IDLE_MINUTES
    settings.set(s.IDLE_LOCK_MINUTES, 100_000)
    assert settings.idle_lock_minutes() == s.MAX_IDLE_MINUTES


def test_unreadable_values_fall_back_to_defaults(tmp_path: Path) -> None:
    (tmp_path / "preferences.ini").write_text("[security]\nidle_lock_minutes=soon\n")
    assert Settings(tmp_path).get(s.IDLE_LOCK_MINUTES) == 10


def test_recent_stores_newest_first_and_only_existing(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "config")
    stores = []
    for name in ("a", "b", "c"):
        path = tmp_path / f"{name}.pathways"
        path.write_bytes(b"x")
        stores.append(path)
        settings.add_recent_store(path)
    settings.add_recent_store(stores[0])
    assert settings.recent_stores() == [stores[0].resolve(), stores[2].resolve(), stores[1].resolve()]
    assert settings.last_store() == stores[0].resolve()
    stores[2].unlink()
    assert stores[2].resolve() not in settings.recent_stores()
    settings.forget_store(stores[0])
    assert settings.last_store() is None


def test_who_am_i_is_remembered_per_store(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    settings.set_person_for_store("store-1", 7)
    settings.set_person_for_store("store-2", 9)
    assert settings.person_for_store("store-1") == 7
    assert settings.person_for_store("store-2") == 9
    settings.set_person_for_store("store-1", None)
    assert settings.person_for_store("store-1") is None
    assert settings.person_for_store("") is None


def test_only_declared_options(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        Settings(tmp_path).set(s.Option(s.PREFERENCES, "nowhere/x", 1, "undeclared"), 2)
    with pytest.raises(ValueError):
        s._declare(s.PREFERENCES, s.IDLE_LOCK_MINUTES.key, 1, "twice")


def test_settings_live_in_the_config_folder(pathways_home: Path) -> None:
    settings = Settings()
    settings.set(s.LAST_VIEW, "people")
    settings.sync()
    assert (pathways_home / "config" / "ui-state.ini").is_file()
