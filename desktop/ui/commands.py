"""The command table: every command of the main window, declared once.

Each :class:`Command` row says what the user sees (menu text with its mnemonic, icon, keys, status tip), where it
lives (its menu and the group between separators, whether and where it is on the toolbar) and *when it is enabled*,
as the :class:`Need` conditions it declares. The main window builds its actions, menus, toolbar and the
Help › Keyboard shortcuts table from this table, and one ``update_enabled()`` sets every action from the conditions
that hold (:func:`enabled`). A command's handler is looked up by its key: a method of the main window, a feature
handler from :mod:`desktop.ui.wiring`, or, for a command that shows a screen, the window showing that screen.

Adding a command is one row here and one handler; a command without a handler stops the window being built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Flag, auto

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QSizePolicy, QToolBar, QToolButton, QWidget

from desktop.ui.icons import icon


class Need(Flag):
    """A condition a command needs before it is enabled."""

    NOTHING = 0
    STORE = auto()  # a store is open (unlocked)
    IDLE = auto()  # no task is running: the store is free
    VIEWS = auto()  # no task the window waits for is running: the views are usable (rows may still be arriving)
    PLAN = auto()  # a plan's data is loaded
    SELECTION = auto()  # an action is selected in the plan or My actions table
    NODE = auto()  # an objective or priority is selected in the navigator
    OBJECTIVE = auto()  # the plan has an objective
    PRIORITY = auto()  # the plan has a priority
    OPEN_QUARTER = auto()  # the plan's current quarter is open
    UNDO = auto()  # there is an edit to undo
    REDO = auto()  # there is an edit to redo


USABLE = Need.STORE | Need.IDLE  # the store is open and free
READY = USABLE | Need.PLAN  # ... and a plan is loaded
VIEWING = Need.STORE | Need.PLAN | Need.VIEWS  # a plan is shown (rows may still be arriving): the table's own commands


def enabled(needs: Need, state: Need) -> bool:
    """Whether a command needing ``needs`` is enabled when the conditions in ``state`` hold."""
    return needs & state == needs


@dataclass(frozen=True)
class Command:
    key: str
    menu: str  # the key of the menu it lives in (MENUS)
    group: int  # entries of one menu with different groups are parted by a separator
    text: str  # menu text, with its mnemonic
    needs: Need = Need.NOTHING
    icon: str = ""
    shortcuts: tuple[str, ...] = ()
    tip: str = ""  # the status-bar text
    screen: str = ""  # shows this screen: checkable, one of the exclusive screen group
    checkable: bool = False
    toolbar: int = 0  # toolbar group (0: not on the toolbar); groups from TOOLBAR_RIGHT on sit at the right end
    toolbar_text: str = ""  # a shorter word for the toolbar
    icon_only: bool = False  # on the toolbar, the icon without its word

    @property
    def plain(self) -> str:
        return self.text.replace("&", "").rstrip("…")

    @property
    def is_checkable(self) -> bool:
        return self.checkable or bool(self.screen)


@dataclass(frozen=True)
class Submenu:
    """A submenu filled when it opens (recent stores, table columns); its filler is looked up by key too."""

    key: str
    menu: str
    group: int
    text: str


MENUS: tuple[tuple[str, str], ...] = (
    ("file", "&File"), ("edit", "&Edit"), ("view", "&View"), ("quarter", "&Quarter"), ("export", "E&xport"),
    ("tools", "&Tools"), ("help", "&Help"),
)
TOOLBAR_RIGHT = 4

_SCREEN_TIP = "Show the {} screen"

TABLE: tuple[Command | Submenu, ...] = (
    # ---- File
    Command("new_store", "file", 1, "&New store…", Need.IDLE, "new-store", ("Ctrl+Shift+N",),
            "Create an encrypted store"),
    Command("open_store", "file", 1, "&Open store…", Need.IDLE, "open", ("Ctrl+O",), "Choose a store file to unlock"),
    Submenu("recent", "file", 1, "Open &recent"),
    Command("new_plan", "file", 2, "New &plan…", USABLE, "plan", tip="Add a delivery plan to this store"),
    Command("feature_import_plan", "file", 2, "&Import plan…", USABLE, "import",
            tip="Import an action plan from a spreadsheet (XLSX or CSV)"),
    Command("lock", "file", 3, "&Lock now", Need.STORE, "lock", ("Ctrl+L",),
            "Close the store and drop its key; unlocking returns you here", toolbar=TOOLBAR_RIGHT),
    Command("close_store", "file", 3, "&Close store", USABLE, shortcuts=("Ctrl+W",),
            tip="Close the store and go back to the unlock screen"),
    Command("quit", "file", 4, "&Quit", shortcuts=("Ctrl+Q",), tip="Close the store and quit Pathways"),
    # ---- Edit
    Command("undo", "edit", 1, "&Undo", USABLE | Need.UNDO, "undo", ("Ctrl+Z",),
            "Undo the last edit (undoing is audited too)", toolbar=3, icon_only=True),
    Command("redo", "edit", 1, "&Redo", USABLE | Need.REDO, "redo", ("Ctrl+Shift+Z", "Ctrl+Y"),
            "Redo the edit just undone", toolbar=3, icon_only=True),
    Command("new_action", "edit", 2, "New &action…", READY | Need.PRIORITY, "add", ("Ctrl+N",),
            "Add an action to the selected priority", toolbar=2, toolbar_text="New"),
    Command("edit_action", "edit", 2, "&Edit action…", READY | Need.SELECTION, "edit", ("Ctrl+E",),
            "Open the selected action in the editor", toolbar=2, toolbar_text="Edit"),
    Command("new_objective", "edit", 2, "New ob&jective…", READY, tip="Add an objective to the plan"),
    Command("new_priority", "edit", 2, "New pr&iority…", READY | Need.OBJECTIVE,
            tip="Add a priority to the selected objective"),
    Command("edit_node", "edit", 2, "Edit objective or priorit&y…", READY | Need.NODE,
            tip="Edit the objective or priority selected in the navigator"),
    Command("find", "edit", 3, "&Find", VIEWING, "search", ("Ctrl+F",), "Search the action table"),
    Command("clear_filters", "edit", 3, "C&lear filters", VIEWING, "filter-clear", ("Ctrl+Shift+F",),
            "Show every action again"),
    # ---- View
    Command("view_plan", "view", 1, "&Plan", USABLE, "plan", ("Ctrl+1",), _SCREEN_TIP.format("Plan"),
            screen="plan", toolbar=1),
    Command("view_my_actions", "view", 1, "&My actions", USABLE, "my-actions", ("Ctrl+2",),
            _SCREEN_TIP.format("My actions"), screen="my_actions", toolbar=1),
    Command("view_dashboard", "view", 1, "&Dashboard", USABLE, "dashboard", ("Ctrl+3",),
            _SCREEN_TIP.format("Dashboard"), screen="dashboard", toolbar=1),
    Command("view_quarters", "view", 1, "&Quarters", USABLE, "quarters", ("Ctrl+4",),
            _SCREEN_TIP.format("Quarters"), screen="quarters", toolbar=1),
    Command("view_people", "view", 1, "P&eople", USABLE, "people", ("Ctrl+5",), _SCREEN_TIP.format("People"),
            screen="people", toolbar=1),
    Command("feature_meetings", "view", 1, "Mee&tings", USABLE, "meetings",
            tip="Committees, meetings and agenda packs", screen="meetings"),
    Command("feature_indicators", "view", 1, "&Indicators", USABLE, "indicators", tip="Performance indicators",
            screen="indicators"),
    Command("feature_profiles", "view", 1, "&Offender profiles", USABLE, "profiles",
            tip="Offender-profile appendices and what each disclosure profile publishes", screen="profiles"),
    Submenu("columns", "view", 2, "Action table &columns"),
    Command("detail_panel", "view", 2, "Detail pane&l", Need.STORE, shortcuts=("Ctrl+Shift+D",),
            tip="Show or fold away the selected action's details beside the table", checkable=True),
    Command("refresh", "view", 2, "&Refresh", READY, "refresh", ("F5",), "Reload the plan from the store"),
    # ---- Quarter
    Command("record_update", "quarter", 1, "Record &update…", READY | Need.SELECTION | Need.OPEN_QUARTER,
            "record-update", ("Ctrl+U",), "Record this quarter's update for the selected action", toolbar=2,
            toolbar_text="Update"),
    Command("next_update", "quarter", 1, "&Next action needing an update", READY | Need.OPEN_QUARTER, "next",
            ("Ctrl+Shift+U",), "Go through every action still awaiting an update, one after another", toolbar=2,
            toolbar_text="Next update"),
    Command("open_quarter", "quarter", 2, "&Open a new quarter…", READY, "quarter-open",
            tip="Add the next reporting quarter to the plan"),
    Command("close_quarter", "quarter", 2, "&Close quarter…", READY | Need.OPEN_QUARTER, "quarter-close",
            tip="Freeze the open quarter: its snapshot is written and its updates are locked"),
    Command("feature_lead_returns", "quarter", 3, "Lead-officer &returns…", USABLE, "returns",
            tip="Make spreadsheet return forms for lead officers, and read completed ones back"),
    # ---- Export
    Command("feature_export_update", "export", 1, "&Delivery plan update…", USABLE, "export",
            tip="The signed PDF delivery-plan update for a closed quarter"),
    Command("feature_export_spreadsheet", "export", 1, "Plan as &spreadsheet…", USABLE, "spreadsheet",
            tip="The plan as an XLSX or CSV file"),
    # ---- Tools
    Command("who_am_i", "tools", 1, "&Who am I…", USABLE, "person", tip="Choose which of the store's people you are"),
    Command("preferences", "tools", 1, "&Preferences…", icon="preferences", shortcuts=("Ctrl+,",),
            tip="Idle lock time"),
    Command("feature_verify_pdf", "tools", 2, "&Verify a signed PDF…", Need.IDLE, "verify",
            tip="Check a received PDF: intact, who signed it, when, and whether the signer is trusted"),
    # ---- Help
    Command("shortcuts", "help", 1, "&Keyboard shortcuts", icon="help", shortcuts=("F1",), tip="This list"),
    Command("about", "help", 1, "&About Pathways", tip="The version of Pathways and what it is for"),
)

COMMANDS: dict[str, Command] = {c.key: c for c in TABLE if isinstance(c, Command)}
SUBMENUS: dict[str, Submenu] = {s.key: s for s in TABLE if isinstance(s, Submenu)}
MENU_TITLES = dict(MENUS)


def screen_command(screen: str) -> str | None:
    """The key of the command that shows ``screen``."""
    return next((c.key for c in COMMANDS.values() if c.screen == screen), None)


# ---------------------------------------------------------------------------------------------- building


def build_actions(owner: QWidget, handlers: Mapping[str, Callable[[], object]]) -> dict[str, QAction]:
    """One QAction per command, added to ``owner`` (so its keys work wherever the focus is in the window) and
    triggering its handler. Raises LookupError if a command has no handler or a handler no command."""
    missing = [key for key in COMMANDS if key not in handlers]
    extra = [key for key in handlers if key not in COMMANDS]
    if missing or extra:
        raise LookupError(f"commands without a handler: {missing}; handlers without a command: {extra}")
    screen_group = QActionGroup(owner)
    actions: dict[str, QAction] = {}
    for command in COMMANDS.values():
        action = QAction(icon(command.icon) if command.icon else QIcon(), command.text, owner)
        action.setObjectName(f"action_{command.key}")
        action.setShortcuts([QKeySequence(k) for k in command.shortcuts])
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{command.plain} ({keys})" if keys else command.plain)
        action.setStatusTip(command.tip)
        action.setCheckable(command.is_checkable)
        if command.screen:
            screen_group.addAction(action)
        if command.toolbar_text:
            action.setIconText(command.toolbar_text)
        handler = handlers[command.key]
        action.triggered.connect(lambda *_, run=handler: run())
        owner.addAction(action)
        actions[command.key] = action
    return actions


def build_menus(bar: QMenuBar, actions: Mapping[str, QAction],
                fillers: Mapping[str, Callable[[QMenu], object]]) -> dict[str, QMenu]:
    """The menu bar, in table order with a separator between groups; each submenu is filled by its filler (looked up
    by key) each time it opens. Returns the menus and submenus by key."""
    built: dict[str, QMenu] = {}
    last_group: dict[str, int] = {}
    for key, title in MENUS:
        menu = bar.addMenu(title)
        menu.setObjectName(f"menu_{key}")
        menu.setToolTipsVisible(True)
        built[key] = menu
    for entry in TABLE:
        menu = built[entry.menu]
        if entry.menu in last_group and last_group[entry.menu] != entry.group:
            menu.addSeparator()
        last_group[entry.menu] = entry.group
        if isinstance(entry, Command):
            menu.addAction(actions[entry.key])
            continue
        sub = menu.addMenu(entry.text)
        sub.setObjectName(f"menu_{entry.key}")
        fill = fillers[entry.key]
        sub.aboutToShow.connect(lambda sub=sub, fill=fill: fill(sub))
        built[entry.key] = sub
    return built


def build_toolbar(actions: Mapping[str, QAction]) -> QToolBar:
    """The main toolbar: the commands with a toolbar group, group by group, the last groups at the right end. Short
    words (the menus keep the full names) so that everything fits at 1280 pixels wide with a larger font; anything
    that still does not fit goes behind the » button."""
    toolbar = QToolBar("Main toolbar")
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    on_bar = sorted((c for c in COMMANDS.values() if c.toolbar), key=lambda c: c.toolbar)  # stable: table order
    previous = 0
    for command in on_bar:
        if previous and command.toolbar != previous:
            if command.toolbar >= TOOLBAR_RIGHT > previous:
                spacer = QWidget()
                spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
                toolbar.addWidget(spacer)
            else:
                toolbar.addSeparator()
        previous = command.toolbar
        toolbar.addAction(actions[command.key])
        if command.icon_only:
            button = toolbar.widgetForAction(actions[command.key])
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    return toolbar


def update_enabled(actions: Mapping[str, QAction], state: Need) -> None:
    """Enable every command whose declared needs hold in ``state``, disable the rest."""
    for key, command in COMMANDS.items():
        actions[key].setEnabled(enabled(command.needs, state))


def shortcut_rows(actions: Mapping[str, QAction]) -> list[tuple[str, str, str]]:
    """(menu path, keys, what it does) for every command with keys, in menu order: the rows of Help › Keyboard
    shortcuts. The keys are read from the built actions, so a key changed on an action shows at once."""
    rows: list[tuple[str, str, str]] = []
    for command in COMMANDS.values():
        action = actions[command.key]
        keys = " or ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        if keys:
            path = f"{MENU_TITLES[command.menu].replace('&', '')} › {command.plain}"
            rows.append((path, keys, action.statusTip() or action.toolTip()))
    return rows


def menu_entries(bar: QMenuBar) -> Iterable[tuple[str, QAction]]:
    """(top-level menu title, entry) for every entry of the built menus, submenus included (for tests and checks)."""
    def walk(menu: QMenu, title: str) -> Iterable[tuple[str, QAction]]:
        for action in menu.actions():
            if action.isSeparator():
                continue
            yield title, action
            sub = action.menu()
            if isinstance(sub, QMenu):
                yield from walk(sub, title)

    for top in bar.actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            yield from walk(menu, top.text())
