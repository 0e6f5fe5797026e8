"""Menu entries and screens for features that other parts of Pathways provide, wired in through one registry.

Each :class:`Feature` has a fixed place in the menus. Until something registers a handler (or a view factory) for it,
its menu entry is shown disabled with the tooltip "coming in a later release". To wire one in::

    from desktop.ui import features
    features.register("export_update", lambda window: MyExportDialog(window).open())
    features.register_view("meetings", lambda window: MeetingsView(window.workspace))

Handlers receive the main window (``window.workspace``, ``window.dialogs``, ``window.runner`` and ``window.undo``
are there for them). Register before the main window is built, e.g. from a module imported by ``desktop.app``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

COMING_LATER = "Coming in a later release"


@dataclass(frozen=True)
class Feature:
    key: str
    menu: str  # the menu it lives in: "file", "quarter", "export", "tools", "view"
    text: str  # menu text with its mnemonic
    icon: str = ""
    shortcut: str = ""
    needs_store: bool = True
    description: str = ""


FEATURES: tuple[Feature, ...] = (
    Feature("import_plan", "file", "&Import plan…", "import",
            description="Import an action plan from a spreadsheet (XLSX or CSV)"),
    Feature("lead_returns", "quarter", "Lead-officer &returns…", "returns",
            description="Make spreadsheet return forms for lead officers, and read completed ones back"),
    Feature("export_update", "export", "&Delivery plan update…", "export",
            description="The signed PDF delivery-plan update for a closed quarter"),
    Feature("export_spreadsheet", "export", "Plan as &spreadsheet…", "spreadsheet",
            description="The plan as an XLSX or CSV file"),
    Feature("verify_pdf", "tools", "&Verify a signed PDF…", "verify", needs_store=False,
            description="Check a received PDF: intact, who signed it, when, and whether the signer is trusted"),
    Feature("meetings", "view", "Mee&tings", "meetings", description="Committees, meetings and agenda packs"),
    Feature("indicators", "view", "&Indicators", "indicators", description="Performance indicators"),
    Feature("profiles", "view", "&Offender profiles", "profiles",
            description="Offender-profile appendices and what each disclosure profile publishes"),
)

_HANDLERS: dict[str, Callable[[MainWindow], None]] = {}
_VIEWS: dict[str, Callable[[MainWindow], QWidget]] = {}


def feature(key: str) -> Feature:
    for f in FEATURES:
        if f.key == key:
            return f
    raise KeyError(f"unknown feature {key!r}")


def register(key: str, handler: Callable[[MainWindow], None]) -> None:
    """Wire a menu entry to ``handler`` (called with the main window when the user chooses it)."""
    feature(key)
    _HANDLERS[key] = handler


def register_view(key: str, factory: Callable[[MainWindow], QWidget]) -> None:
    """Provide the screen for a View-menu feature; ``factory`` is called once, when the window is built."""
    if feature(key).menu != "view":
        raise ValueError(f"{key} is not a view")
    _VIEWS[key] = factory


def unregister(key: str) -> None:
    _HANDLERS.pop(key, None)
    _VIEWS.pop(key, None)


def handler(key: str) -> Callable[[MainWindow], None] | None:
    return _HANDLERS.get(key)


def view_factory(key: str) -> Callable[[MainWindow], QWidget] | None:
    return _VIEWS.get(key)


def available(key: str) -> bool:
    return key in _HANDLERS or key in _VIEWS
