"""Typed registry of the desktop app's settings over QSettings (INI files in ``desktop.paths.config_dir()``).

Two files, on purpose: ``preferences.ini`` holds what the user chose (idle lock, recent stores, who they are in each
store); ``ui-state.ini`` holds what the app remembers about its windows (geometry, splitters, column widths). Deleting
the second never loses a preference. Plan data never goes here: only file paths, store ids and person ids.

Every option is declared once below with its type and default; nothing else calls ``QSettings.value``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings

from desktop import paths

log = logging.getLogger("pathways.settings")

T = TypeVar("T")

PREFERENCES = "setting"
UI_STATE = "persist"

SETTINGS_VERSION = 1
MAX_RECENT = 8
MIN_IDLE_MINUTES = 1
MAX_IDLE_MINUTES = 240


@dataclass(frozen=True)
class Option(Generic[T]):
    """One declared setting: where it lives, its key, type and default, and what it is for."""

    kind: str  # PREFERENCES or UI_STATE
    key: str
    default: T
    doc: str

    def coerce(self, raw: Any) -> T:
        """INI files give strings back; turn a stored value into the declared type, falling back to the default."""
        default = self.default
        try:
            if isinstance(default, bool):
                if isinstance(raw, str):
                    return cast(T, raw.strip().lower() in ("1", "true", "yes", "on"))
                return cast(T, bool(raw))
            if isinstance(default, int):
                return cast(T, int(raw))
            if isinstance(default, str):
                return cast(T, str(raw))
            if isinstance(default, list):
                if raw is None or raw == "":
                    return cast(T, [])
                if isinstance(raw, str):
                    return cast(T, [raw])
                return cast(T, [str(v) for v in raw])
            if isinstance(default, QByteArray):
                return cast(T, raw if isinstance(raw, QByteArray) else QByteArray(raw))
        except (TypeError, ValueError):
            log.warning("setting %s had an unreadable value; using its default", self.key)
            return default
        return cast(T, raw)


REGISTRY: dict[str, Option[Any]] = {}


def _declare(kind: str, key: str, default: T, doc: str) -> Option[T]:
    option = Option(kind, key, default, doc)
    if key in REGISTRY:
        raise ValueError(f"setting {key} declared twice")
    REGISTRY[key] = option
    return option


# ---- preferences

IDLE_LOCK_MINUTES = _declare(PREFERENCES, "security/idle_lock_minutes", 10,
                             "Lock the store after this many minutes without keyboard or mouse activity.")
RECENT_STORES = _declare(PREFERENCES, "stores/recent", cast(list[str], []),
                         "Store files opened recently, newest first.")
LAST_STORE = _declare(PREFERENCES, "stores/last", "", "The store opened last; offered first at start-up.")
LAST_PLAN = _declare(PREFERENCES, "stores/last_plan", 0, "The plan shown last (id within the last store).")

# ---- window state

MAIN_GEOMETRY = _declare(UI_STATE, "main_window/geometry", QByteArray(), "Main window position and size.")
MAIN_STATE = _declare(UI_STATE, "main_window/state", QByteArray(), "Toolbars and docks of the main window.")
PLAN_SPLITTER = _declare(UI_STATE, "plan_view/splitter", QByteArray(), "Navigator / table / detail widths.")
ACTION_HEADER = _declare(UI_STATE, "plan_view/action_header", QByteArray(), "Action table column widths and order.")
MY_ACTIONS_HEADER = _declare(UI_STATE, "my_actions/header", QByteArray(), "My actions column widths.")
PEOPLE_SPLITTER = _declare(UI_STATE, "people_view/splitter", QByteArray(), "People / workload widths.")
EDITOR_GEOMETRY = _declare(UI_STATE, "action_editor/geometry", QByteArray(), "Action editor size.")
UPDATE_GEOMETRY = _declare(UI_STATE, "update_dialog/geometry", QByteArray(), "Record-update dialog size.")
LAST_VIEW = _declare(UI_STATE, "main_window/view", "plan", "The screen shown last.")
LAST_FOLDER = _declare(UI_STATE, "file_dialogs/last_folder", "", "The folder a file was last opened from or saved to.")


# ---- upgrades: one hook per settings version, each saying what changed

UPGRADE_HOOKS: dict[int, Callable[[Settings], None]] = {}


def upgrade_hook(version: int) -> Callable[[Callable[[Settings], None]], Callable[[Settings], None]]:
    def register(fn: Callable[[Settings], None]) -> Callable[[Settings], None]:
        UPGRADE_HOOKS[version] = fn
        return fn

    return register


@upgrade_hook(1)
def _v1(settings: Settings) -> None:
    """First versioned layout: nothing to convert."""


class Settings:
    """The app's settings. ``folder`` defaults to the platform config folder (``PATHWAYS_HOME`` in tests)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or paths.config_dir()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._files = {
            PREFERENCES: QSettings(str(self.folder / "preferences.ini"), QSettings.Format.IniFormat),
            UI_STATE: QSettings(str(self.folder / "ui-state.ini"), QSettings.Format.IniFormat),
        }
        self._upgrade()

    def _upgrade(self) -> None:
        prefs = self._files[PREFERENCES]
        try:
            current = int(str(prefs.value("meta/version", 0)))
        except (TypeError, ValueError):
            current = 0
        for version in sorted(v for v in UPGRADE_HOOKS if v > current):
            UPGRADE_HOOKS[version](self)
            prefs.setValue("meta/version", version)
        if current > SETTINGS_VERSION:
            log.warning("settings were written by a newer Pathways (version %s); unknown keys are kept", current)

    # ---- typed access

    def get(self, option: Option[T]) -> T:
        store = self._files[option.kind]
        if not store.contains(option.key):
            return option.default
        return option.coerce(store.value(option.key))

    def set(self, option: Option[T], value: T) -> None:
        if option.key not in REGISTRY:
            raise KeyError(f"undeclared setting {option.key}")
        self._files[option.kind].setValue(option.key, value)

    def reset(self, option: Option[Any]) -> None:
        self._files[option.kind].remove(option.key)

    def sync(self) -> None:
        for store in self._files.values():
            store.sync()

    # ---- preferences with rules of their own

    def idle_lock_minutes(self) -> int:
        return max(MIN_IDLE_MINUTES, min(MAX_IDLE_MINUTES, self.get(IDLE_LOCK_MINUTES)))

    def set_idle_lock_minutes(self, minutes: int) -> None:
        self.set(IDLE_LOCK_MINUTES, max(MIN_IDLE_MINUTES, min(MAX_IDLE_MINUTES, int(minutes))))

    def recent_stores(self) -> list[Path]:
        """Recent stores that still exist, newest first."""
        return [Path(p) for p in self.get(RECENT_STORES) if p and Path(p).is_file()]

    def add_recent_store(self, path: Path) -> None:
        text = str(Path(path).resolve())
        others = [p for p in self.get(RECENT_STORES) if p != text]
        self.set(RECENT_STORES, [text, *others][:MAX_RECENT])
        self.set(LAST_STORE, text)

    def forget_store(self, path: Path) -> None:
        text = str(Path(path).resolve())
        self.set(RECENT_STORES, [p for p in self.get(RECENT_STORES) if p != text])
        if self.get(LAST_STORE) == text:
            self.reset(LAST_STORE)

    def last_store(self) -> Path | None:
        text = self.get(LAST_STORE)
        return Path(text) if text and Path(text).is_file() else None

    # Who the person at the keyboard is, per store (keyed by the store's own id, so renaming the file keeps it).

    def person_for_store(self, store_id: str) -> int | None:
        store = self._files[PREFERENCES]
        key = f"who_am_i/{store_id}"
        if not store_id or not store.contains(key):
            return None
        try:
            value = int(str(store.value(key)))
        except (TypeError, ValueError):
            return None
        return value if value > 0 else None

    def set_person_for_store(self, store_id: str, person_id: int | None) -> None:
        key = f"who_am_i/{store_id}"
        if person_id is None:
            self._files[PREFERENCES].remove(key)
        else:
            self._files[PREFERENCES].setValue(key, int(person_id))
