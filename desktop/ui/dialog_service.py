"""Message boxes and file dialogs, in one small service that tests replace.

Everything is non-blocking: boxes open with ``.open()`` and answers arrive through the callback, so nothing in the app
waits inside a nested event loop (and the idle lock can still fire while a box is up).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

STORE_FILTER = "Pathways stores (*.pathways);;All files (*)"


class DialogService(QObject):
    """The real thing: Qt message boxes and file dialogs, opened window-modal and answered by callback."""

    def _box(
        self, parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, detail: str = ""
    ) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
        box.setObjectName("message_box")
        box.setTextFormat(Qt.TextFormat.PlainText)
        if detail:
            box.setInformativeText(detail)
        box.setAccessibleName(title)
        box.setAccessibleDescription(text)
        return box

    def inform(self, parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
        box = self._box(parent, QMessageBox.Icon.Information, title, text, detail)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.finished.connect(box.deleteLater)
        box.open()

    def error(self, parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
        box = self._box(parent, QMessageBox.Icon.Warning, title, text, detail)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.finished.connect(box.deleteLater)
        box.open()

    def confirm(
        self,
        parent: QWidget | None,
        title: str,
        text: str,
        on_answer: Callable[[bool], None],
        *,
        confirm_text: str = "OK",
        detail: str = "",
    ) -> None:
        """Ask a yes/no question; ``on_answer(True)`` only when the user chose ``confirm_text``."""
        box = self._box(parent, QMessageBox.Icon.Question, title, text, detail)
        yes = box.addButton(confirm_text, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)

        def finished(_: int) -> None:
            on_answer(box.clickedButton() is yes)
            box.deleteLater()

        box.finished.connect(finished)
        box.open()

    def choose_open_file(
        self, parent: QWidget | None, title: str, on_chosen: Callable[[Path], None], *,
        directory: Path | None = None, name_filter: str = STORE_FILTER,
    ) -> None:
        dialog = QFileDialog(parent, title, str(directory or ""), name_filter)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        self._open_file_dialog(dialog, on_chosen)

    def choose_save_file(
        self, parent: QWidget | None, title: str, on_chosen: Callable[[Path], None], *,
        directory: Path | None = None, name_filter: str = STORE_FILTER, default_suffix: str = "pathways",
    ) -> None:
        dialog = QFileDialog(parent, title, str(directory or ""), name_filter)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(default_suffix)
        self._open_file_dialog(dialog, on_chosen)

    def _open_file_dialog(self, dialog: QFileDialog, on_chosen: Callable[[Path], None]) -> None:
        def finished(result: int) -> None:
            files = dialog.selectedFiles()
            dialog.deleteLater()
            if result == QFileDialog.DialogCode.Accepted and files:
                on_chosen(Path(files[0]))

        dialog.finished.connect(finished)
        dialog.open()
