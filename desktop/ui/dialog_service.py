"""Message boxes and file dialogs, in one small service that tests replace.

Everything is non-blocking: boxes open with ``.open()`` and answers arrive through the callback, so nothing in the app
waits inside a nested event loop (and the idle lock can still fire while a box is up).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.settings import LAST_FOLDER, Settings

STORE_FILTER = "Pathways stores (*.pathways);;All files (*)"


class DialogService(QObject):
    """The real thing: Qt message boxes and file dialogs, opened window-modal and answered by callback.

    File dialogs open in the folder last used (remembered across sessions when given ``settings``), else in the
    caller's suggested folder, else in the home folder: never in the process's working directory."""

    def __init__(self, settings: Settings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._last_folder: Path | None = None

    def start_folder(self, suggested: Path | None = None) -> Path:
        remembered = self._last_folder
        if remembered is None and self.settings is not None and self.settings.get(LAST_FOLDER):
            remembered = Path(self.settings.get(LAST_FOLDER))
        for folder in (remembered, suggested):
            if folder is not None and folder.is_dir():
                return folder
        return Path.home()

    def remember_folder(self, chosen: Path) -> None:
        self._last_folder = chosen.parent
        if self.settings is not None:
            self.settings.set(LAST_FOLDER, str(chosen.parent))

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
        self._file_dialog(parent, title, directory, name_filter, QFileDialog.FileMode.ExistingFile,
                          lambda files: on_chosen(files[0]))

    def choose_open_files(
        self, parent: QWidget | None, title: str, on_chosen: Callable[[list[Path]], None], *,
        directory: Path | None = None, name_filter: str = "All files (*)",
    ) -> None:
        self._file_dialog(parent, title, directory, name_filter, QFileDialog.FileMode.ExistingFiles, on_chosen)

    def choose_save_file(
        self, parent: QWidget | None, title: str, on_chosen: Callable[[Path], None], *,
        directory: Path | None = None, name_filter: str = STORE_FILTER, default_suffix: str = "pathways",
    ) -> None:
        self._file_dialog(parent, title, directory, name_filter, QFileDialog.FileMode.AnyFile,
                          lambda files: on_chosen(files[0]), save_suffix=default_suffix)

    def choose_folder(self, parent: QWidget | None, title: str, on_chosen: Callable[[Path], None], *,
                      directory: Path | None = None) -> None:
        self._file_dialog(parent, title, directory, "", QFileDialog.FileMode.Directory,
                          lambda files: on_chosen(files[0]))

    def open_folder(self, parent: QWidget | None, folder: Path) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.inform(parent, "Open folder", f"The folder could not be opened here. It is:\n{folder}")

    def _file_dialog(self, parent: QWidget | None, title: str, directory: Path | None, name_filter: str,
                     mode: QFileDialog.FileMode, on_files: Callable[[list[Path]], None], *,
                     save_suffix: str | None = None) -> None:
        dialog = QFileDialog(parent, title, str(self.start_folder(directory)), name_filter)
        dialog.setFileMode(mode)
        if mode == QFileDialog.FileMode.Directory:
            dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        if save_suffix is not None:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix(save_suffix)
        else:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)

        def finished(result: int) -> None:
            files = [Path(f) for f in dialog.selectedFiles()]
            dialog.deleteLater()
            if result == QFileDialog.DialogCode.Accepted and files:
                self.remember_folder(files[0] / "x" if mode == QFileDialog.FileMode.Directory else files[0])
                on_files(files)

        dialog.finished.connect(finished)
        dialog.open()
