"""Icons: small SVGs drawn for Pathways under resources/icons, with Qt's standard icons as the fallback."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from desktop.resources import resource_path

_FALLBACK: dict[str, QStyle.StandardPixmap] = {
    "open": QStyle.StandardPixmap.SP_DialogOpenButton,
    "new-store": QStyle.StandardPixmap.SP_FileIcon,
    "refresh": QStyle.StandardPixmap.SP_BrowserReload,
    "help": QStyle.StandardPixmap.SP_DialogHelpButton,
    "undo": QStyle.StandardPixmap.SP_ArrowBack,
    "redo": QStyle.StandardPixmap.SP_ArrowForward,
    "next": QStyle.StandardPixmap.SP_MediaSkipForward,
    "edit": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "add": QStyle.StandardPixmap.SP_FileDialogNewFolder,
}


@cache
def icon(name: str) -> QIcon:
    """The icon called ``name`` (an SVG in resources/icons), or a standard icon, or an empty icon."""
    path = resource_path("icons", f"{name}.svg")
    if path.is_file():
        found = QIcon(str(path))
        if not found.isNull():
            return found
    app = QApplication.instance()
    if name in _FALLBACK and isinstance(app, QApplication):
        return app.style().standardIcon(_FALLBACK[name])
    return QIcon()


def standard(pixmap: QStyle.StandardPixmap) -> QIcon:
    app = QApplication.instance()
    return app.style().standardIcon(pixmap) if isinstance(app, QApplication) else QIcon()
