"""Where Pathways keeps things on this machine: settings, logs and the default store folder.

``PATHWAYS_HOME`` redirects everything (tests and portable use); otherwise the platform's user folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Pathways"


def _home() -> Path | None:
    value = os.environ.get("PATHWAYS_HOME")
    return Path(value) if value else None


def config_dir() -> Path:
    home = _home()
    path = home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    home = _home()
    path = home / "logs" if home else Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def stores_dir() -> Path:
    """The default folder offered for new stores (the user may keep them anywhere)."""
    home = _home()
    path = home / "stores" if home else Path(platformdirs.user_documents_dir()) / APP_NAME
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_store_path() -> Path:
    return stores_dir() / "demo.pathways"
