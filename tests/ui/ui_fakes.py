"""Test doubles for the desktop tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


class FakeDialogs:
    """Stands in for DialogService: records what would have been shown and answers immediately."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.confirm_answer = True
        self.open_path: Path | None = None
        self.save_path: Path | None = None

    def inform(self, parent: Any, title: str, text: str, detail: str = "") -> None:
        self.shown.append(("inform", title, text))

    def error(self, parent: Any, title: str, text: str, detail: str = "") -> None:
        self.shown.append(("error", title, text))

    def confirm(self, parent: Any, title: str, text: str, on_answer: Callable[[bool], None], **_: Any) -> None:
        self.shown.append(("confirm", title, text))
        on_answer(self.confirm_answer)

    def choose_open_file(self, parent: Any, title: str, on_chosen: Callable[[Path], None], **_: Any) -> None:
        if self.open_path is not None:
            on_chosen(self.open_path)

    def choose_save_file(self, parent: Any, title: str, on_chosen: Callable[[Path], None], **_: Any) -> None:
        if self.save_path is not None:
            on_chosen(self.save_path)
