"""The main window: the unlock screen until a store is open, then the workspace (plan, my actions, dashboard,
quarters, people) with menus, toolbar and status bar.

Locking (Ctrl+L or the idle timer) closes the store, drops its key and the loaded data, hides open dialogs behind the
unlock screen, and remembers where the user was; unlocking the same store puts them back there.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__, paths
from desktop.services import periods
from desktop.services.readmodels import PlanData
from desktop.settings import IDLE_LOCK_MINUTES, LAST_VIEW, MAIN_GEOMETRY, MAIN_STATE
from desktop.store.errors import WrongPassphrase
from desktop.ui import commands, errors, ops, wiring
from desktop.ui.action_editor import ActionEditor
from desktop.ui.commands import Need
from desktop.ui.context import AppContext
from desktop.ui.dashboard import DashboardView
from desktop.ui.forms import (
    FormDialog,
    objective_dialog,
    organisation_dialog,
    period_dialog,
    person_dialog,
    plan_dialog,
    preferences_dialog,
    priority_dialog,
    who_am_i_dialog,
)
from desktop.ui.icons import icon
from desktop.ui.my_actions import MyActionsView
from desktop.ui.people_view import PeopleView
from desktop.ui.plan_view import PlanView, fill_column_menu
from desktop.ui.quarters_view import CloseQuarterDialog, QuartersView
from desktop.ui.tasks import Cancelled
from desktop.ui.unlock import UnlockScreen
from desktop.ui.update_dialog import UpdateDialog
from desktop.ui.workspace import Change

log = logging.getLogger("pathways.ui")

VIEW_PLAN = "plan"
VIEW_MINE = "my_actions"
VIEW_DASHBOARD = "dashboard"
VIEW_QUARTERS = "quarters"
VIEW_PEOPLE = "people"

# Keys that work inside a dialog or a field rather than through a window command; Help › Keyboard shortcuts lists
# them after the commands, whose rows come from the command table (menu path, keys, status tip).
IN_DIALOG_SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("Action table › Edit action", "Enter or double-click", "Open the selected action in the editor"),
    ("Record update › Save and next", "Ctrl+Enter", "Save this update and show the next action"),
    ("Record update › RAG", "R, A, G… (the status letters)", "Pick the RAG status while the RAG buttons have focus"),
    ("Any dialog › Save", "Ctrl+S", "Save what the dialog shows"),
    ("A date field › Clear", "Delete", "Clear an optional date"),
    ("Menus", "Alt + the underlined letter", "Open a menu, or choose an entry in an open menu"),
)


@dataclass(frozen=True)
class Resume:
    """Where the user was when the store locked."""

    path: Path
    view: str
    plan_id: int | None
    action_id: int | None
    scope: tuple[int | None, int | None]


class MainWindow(QMainWindow):
    """The one main window. Everything it shares with the screens and dialogs comes in ``context``, built by the
    composition root (:func:`desktop.app.build_context`)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowTitle("Pathways")
        self.context = context
        self.settings = context.settings
        self.dialogs = context.dialogs
        self.runner = context.runner
        self.workspace = context.workspace
        self.undo = context.undo
        self.idle = context.idle
        settings = context.settings
        self.commands: dict[str, QAction] = {}  # every command by key (tests and features reach them here)
        self.action_editor: ActionEditor | None = None
        self.update_dialog: UpdateDialog | None = None
        self.form: QDialog | None = None  # the small form open now (tests reach it here)
        self._resume: Resume | None = None
        self._server: tuple[Path, str] | None = None  # `pathways --server URL`: its name on the unlock screen, URL
        self._hidden: list[QWidget] = []
        self._stale: set[str] = set()  # screens to refresh when next shown (only the visible one refreshes at once)

        # ---- screens
        self.unlock = UnlockScreen()
        self.plan_view = PlanView(settings)
        self.my_actions = MyActionsView(settings)
        self.dashboard = DashboardView(self.workspace)
        self.quarters = QuartersView(self.workspace)
        self.people = PeopleView(settings)
        self.views = QStackedWidget()
        self.views.setObjectName("views")
        self._view_widgets: dict[str, QWidget] = {
            VIEW_PLAN: self.plan_view, VIEW_MINE: self.my_actions, VIEW_DASHBOARD: self.dashboard,
            VIEW_QUARTERS: self.quarters, VIEW_PEOPLE: self.people,
        }
        for key, factory in wiring.SCREENS.items():
            self._view_widgets[key] = factory(self)
        for widget in self._view_widgets.values():
            self.views.addWidget(widget)
        self.root = QStackedWidget()
        self.root.setObjectName("root")
        self.root.addWidget(self.unlock)
        self.root.addWidget(self.views)
        self.setCentralWidget(self.root)

        self._build_commands()
        self._build_status_bar()
        self._connect()
        self._restore_window()
        self.update_enabled()

    # ------------------------------------------------------------------ building

    def handlers(self) -> dict[str, Callable[[], object]]:
        """What each command of the command table does, by key: the window's own methods, the feature handlers of
        :mod:`desktop.ui.wiring`, and showing the screen for each screen command."""
        own: dict[str, Callable[[], object]] = {
            "new_store": self._on_new_store, "open_store": self._on_open_store, "new_plan": self.new_plan,
            "lock": self.lock_now, "close_store": self.close_store, "quit": self.close,
            "undo": self.undo.undo, "redo": self.undo.redo,
            "new_action": self.new_action, "edit_action": self.edit_selected, "new_objective": self.new_objective,
            "new_priority": self.new_priority, "edit_node": self.edit_node, "find": self.focus_search,
            "clear_filters": self.plan_view.filters.clear, "detail_panel": self._toggle_detail_panel,
            "refresh": self.refresh, "record_update": self.record_update_selected, "next_update": self.update_next,
            "open_quarter": self.open_quarter, "close_quarter": self.close_quarter, "who_am_i": self.choose_person,
            "preferences": self.preferences, "shortcuts": self.show_shortcuts, "about": self.about,
        }
        for key, run in wiring.HANDLERS.items():
            own[key] = functools.partial(run, self)
        for key, command in commands.COMMANDS.items():
            if command.screen:
                own[key] = functools.partial(self.show_view, command.screen)
        return own

    def _build_commands(self) -> None:
        """Actions, menus and toolbar, all from the command table (desktop.ui.commands)."""
        self.commands = commands.build_actions(self, self.handlers())
        menus = commands.build_menus(self.menuBar(), self.commands, {
            "recent": self._fill_recent_menu,
            "columns": lambda menu: fill_column_menu(menu, self.plan_view.table),
        })
        self.recent_menu, self.columns_menu = menus["recent"], menus["columns"]
        self.toolbar = commands.build_toolbar(self.commands)
        self.addToolBar(self.toolbar)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        status.setObjectName("status_bar")
        self.actor_button = QToolButton()
        self.actor_button.setObjectName("actor_button")
        self.actor_button.setAutoRaise(True)
        self.actor_button.setIcon(icon("person"))
        self.actor_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.actor_button.clicked.connect(self.choose_person)
        self.period_label = QLabel()
        self.period_label.setObjectName("period_label")
        # Long plan titles are cut, never allowed to widen the window.
        self.period_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.period_label.setMinimumWidth(40)
        self.task_label = QLabel()
        self.task_label.setObjectName("task_label")
        self.task_bar = QProgressBar()
        self.task_bar.setObjectName("task_progress")
        self.task_bar.setRange(0, 100)
        self.task_bar.setMaximumWidth(220)
        self.task_bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel_task")
        self.cancel_button.clicked.connect(self._cancel_task)
        for widget in (self.task_label, self.task_bar, self.cancel_button):
            widget.hide()
        status.addWidget(self.actor_button)
        status.addWidget(self.period_label, 1)
        status.addPermanentWidget(self.task_label)
        status.addPermanentWidget(self.task_bar)
        status.addPermanentWidget(self.cancel_button)

    def _connect(self) -> None:
        u = self.unlock
        u.unlock_requested.connect(self._on_unlock_requested)
        u.create_requested.connect(self._on_create_requested)
        u.connect_requested.connect(self._on_connect_requested)
        u.choose_file_requested.connect(self._on_open_store)
        u.choose_new_file_requested.connect(self._on_choose_new_path)
        u.cancel_requested.connect(self.runner.cancel)
        w = self.workspace
        w.damaged.connect(lambda message: self.dialogs.error(self, "Store damaged", message))
        w.opened.connect(self._on_workspace_opened)
        w.plan_loaded.connect(self._on_plan_loaded)
        w.rows_changed.connect(self._on_rows_changed)
        w.plans_changed.connect(self._on_plans_changed)
        w.actor_changed.connect(self._on_actor_changed)
        r = self.runner
        r.busy_changed.connect(self._on_runner_busy_changed)
        r.blocking_changed.connect(self._show_runner_state)
        r.progress_changed.connect(self._on_runner_progress_changed)
        r.task_started.connect(self.task_label.setText)
        r.error.connect(lambda title, exc: self._show_error(title.rstrip("…"), exc))
        self.undo.failed.connect(lambda message: self.dialogs.error(self, "Undo", message))
        self.undo.indexChanged.connect(self._on_undo_changed)
        self.idle.idle.connect(self._on_idle_idle)
        pv = self.plan_view
        pv.edit_requested.connect(self.edit_action)
        pv.update_requested.connect(self.record_update)
        pv.create_plan_requested.connect(self.new_plan)
        pv.detail_toggled.connect(self.commands["detail_panel"].setChecked)
        self.commands["detail_panel"].setChecked(pv.detail_shown())
        pv.navigator.plan_chosen.connect(self._on_navigator_plan_chosen)
        my = self.my_actions
        my.choose_person_requested.connect(self.choose_person)
        my.edit_requested.connect(self.edit_action)
        my.update_requested.connect(self.record_update)
        my.update_all_requested.connect(lambda ids: self._start_updates(list(ids), None))
        q = self.quarters
        q.open_requested.connect(self.open_quarter)
        q.close_requested.connect(self.close_quarter)
        q.returns_button.clicked.connect(self.commands["feature_lead_returns"].trigger)
        p = self.people
        p.add_person_requested.connect(lambda: self._open_form(person_dialog(self.workspace, self.undo, self)))
        p.edit_person_requested.connect(
            lambda pid: self._open_form(person_dialog(self.workspace, self.undo, self, pid)))
        p.add_organisation_requested.connect(
            lambda: self._open_form(organisation_dialog(self.workspace, self.undo, self)))
        p.edit_organisation_requested.connect(
            lambda oid: self._open_form(organisation_dialog(self.workspace, self.undo, self, oid)))
        p.action_activated.connect(self.edit_action)
        # Enabling: last, so that each signal's own handler above has run when the commands are re-enabled.
        for signal in (w.opened, w.closed, w.plan_loaded, w.rows_changed, w.changed, r.busy_changed, r.blocking_changed,
                       pv.selection_changed, pv.navigator.scope_changed,
                       my.table.selectionModel().selectionChanged, self.undo.indexChanged):
            signal.connect(self._on_state_changed)

    def _restore_window(self) -> None:
        self.resize(1440, 900)
        geometry = self.settings.get(MAIN_GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.get(MAIN_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        self.quarters.returns_button.setToolTip(self.commands["feature_lead_returns"].statusTip())

    def save_window_state(self) -> None:
        self.settings.set(MAIN_GEOMETRY, self.saveGeometry())
        self.settings.set(MAIN_STATE, self.saveState())
        self.plan_view.save_state()
        self.my_actions.save_state()
        self.people.save_state()
        self.settings.sync()

    # ------------------------------------------------------------------ starting, unlocking, locking

    def start(self, store: Path | None = None, *, server: str | None = None) -> None:
        """Show the unlock screen for ``store`` (or the last store used), or for a shared ``server``."""
        self._server = None
        if server:
            from desktop.store.server import display_name

            self._server = (Path(display_name(server)), server)
            self.unlock.server_names.add(self._server[0])
            self.unlock.set_recent([], self._server[0])
        else:
            self.unlock.set_recent(self.settings.recent_stores(), store or self.settings.last_store())
        self.root.setCurrentWidget(self.unlock)
        self.unlock.show_unlock("Shared server: enter the partnership's data passphrase." if server else "")
        self.update_enabled()

    def _on_unlock_requested(self, path: Path, secret: str) -> None:
        resume = self._resume if self._resume and self._resume.path == path else None
        # The server's entry on the unlock screen connects there; a file chosen instead opens as usual.
        target = self._server[1] if self._server and path == self._server[0] else path
        self.workspace.open_store(target, secret, plan_id=resume.plan_id if resume else None,
                                  on_error=self._on_open_failed)

    def _on_connect_requested(self, address: str, secret: str) -> None:
        """The unlock screen's server form: connect as a `--server` start would (never a recent file)."""
        from desktop.store.server import display_name

        name = Path(display_name(address))
        self._server = (name, address)
        self.unlock.server_names.add(name)
        resume = self._resume if self._resume and self._resume.path == name else None
        self.workspace.open_store(address, secret, plan_id=resume.plan_id if resume else None,
                                  on_error=self._on_open_failed)

    def _on_create_requested(self, path: Path, secret: str) -> None:
        self._resume = None
        self.workspace.open_store(path, secret, create=True, on_error=self._on_create_failed)

    def _open_failure_text(self, exc: BaseException) -> str:
        if isinstance(exc, Cancelled):
            return "Cancelled; nothing was opened."
        if isinstance(exc, WrongPassphrase) and self.unlock.server_mode:
            return str(exc)  # "That is not the partnership's data passphrase; nothing was read."
        if isinstance(exc, WrongPassphrase):
            path = self.unlock.selected_store()
            name = path.name if path else "the store"
            return f"That passphrase didn't unlock {name}. Check Caps Lock and try again; nothing was changed."
        return errors.message_for(exc, nothing="nothing was changed")  # store errors are one actionable sentence

    def _on_open_failed(self, exc: BaseException) -> None:
        errors.log_unexpected("Opening a store", exc)
        self.unlock.unlock_failed(self._open_failure_text(exc))

    def _on_create_failed(self, exc: BaseException) -> None:
        errors.log_unexpected("Creating a store", exc)
        self.unlock.create_failed(self._open_failure_text(exc))

    def _on_workspace_opened(self) -> None:
        self.unlock.set_busy(False)
        self.undo.setClean()
        path = self.workspace.path
        resume = self._resume if self._resume and self._resume.path == path else None
        if resume is None:
            self.undo.clear()
        self.setWindowTitle(f"{path.name if path else ''} — Pathways")
        self.root.setCurrentWidget(self.views)
        self.plan_view.navigator.set_plans(self.workspace.plans, self.workspace.plan_id)
        if self.workspace.data is None:
            self.plan_view.set_data(None)
        self.show_view(resume.view if resume else self.settings.get(LAST_VIEW))
        if resume is not None:
            self.plan_view.navigator.select(*resume.scope)
            if resume.action_id is not None:
                self.plan_view.select_action(resume.action_id)
        for widget in self._hidden:
            if resume is not None:
                widget.show()  # the same store: carry on where they were
            elif isinstance(widget, QDialog):
                widget.reject()  # another store: what was open belonged to the one that locked
        self._hidden = []
        self._resume = None
        self.idle.set_timeout_ms(self.settings.idle_lock_minutes() * 60_000)
        self.idle.start()

    def lock_now(self) -> None:
        self.lock()

    def lock(self, idle_minutes: int | None = None) -> None:
        """Close the store, drop the key and the data, hide the windows behind the unlock screen."""
        if not self.workspace.is_open:
            return
        path = self.workspace.path
        assert path is not None
        self.idle.stop()
        self._resume = Resume(path, self.current_view(), self.workspace.plan_id, self.plan_view.current_action_id(),
                              self.plan_view.navigator.scope())
        self.save_window_state()
        self._hidden = [w for w in QApplication.topLevelWidgets()
                        if w is not self and w.isVisible() and isinstance(w, QDialog) and self._owns(w)]
        for widget in self._hidden:
            widget.hide()
        self._clear_views()
        self.workspace.close(lambda: self._show_locked(path, idle_minutes))

    def _owns(self, widget: QWidget) -> bool:
        parent: QObject | None = widget.parent()
        while parent is not None:
            if parent is self:
                return True
            parent = parent.parent()
        return False

    def _show_locked(self, path: Path, idle_minutes: int | None) -> None:
        self.root.setCurrentWidget(self.unlock)
        self.unlock.set_recent(self.settings.recent_stores(), path)
        self.unlock.show_locked(path, idle_minutes)
        self.setWindowTitle("Pathways (locked)")
        self.update_enabled()

    def close_store(self) -> None:
        if not self.workspace.is_open:
            return
        self.idle.stop()
        self.save_window_state()
        self._resume = None
        for widget in QApplication.topLevelWidgets():
            if widget is not self and isinstance(widget, QDialog) and widget.isVisible() and self._owns(widget):
                widget.reject()
        self._clear_views()
        self.undo.clear()
        self.workspace.close(lambda: self.start(self.workspace.path))
        self.setWindowTitle("Pathways")

    def _clear_views(self) -> None:
        self.plan_view.clear()
        self.my_actions.set_data(None, None, "")
        self.people.set_data(None)
        self.dashboard.clear()
        self.quarters.model.set_rows([])
        self.quarters.awaited.set_rows([])

    def _on_idle_idle(self) -> None:
        if self.runner.busy:
            self.idle.start()  # a long task is running: someone asked for it; try again later
            return
        self.lock(self.settings.get(IDLE_LOCK_MINUTES))

    # ------------------------------------------------------------------ data arriving

    def _on_plan_loaded(self, data: PlanData) -> None:
        self.plan_view.navigator.set_plans(self.workspace.plans, data.plan.id)
        self.plan_view.set_data(data)
        self._refresh_secondary(data)

    def _on_rows_changed(self, rows: object, removed: object) -> None:
        data = self.workspace.data
        if data is None:
            return
        self.plan_view.apply_rows(data, list(rows), set(removed))  # type: ignore[call-overload]
        self._refresh_secondary(data)

    def _refresh_secondary(self, data: PlanData) -> None:
        self._stale = {VIEW_MINE, VIEW_PEOPLE, VIEW_DASHBOARD, VIEW_QUARTERS}
        self._refresh_view(self.current_view())
        period = data.current_period
        state = "" if period is None else f"{period.label} ({'closed' if period.closed else 'open'})"
        self.period_label.setText(f"{data.plan.title} · {state}" if state else data.plan.title)

    def _on_plans_changed(self) -> None:
        self.plan_view.navigator.set_plans(self.workspace.plans, self.workspace.plan_id)

    def _refresh_view(self, key: str) -> None:
        """Bring a secondary screen up to date if the data changed since it was last shown."""
        data = self.workspace.data
        if key not in self._stale or data is None or not self.workspace.is_open or self.runner.busy:
            return
        if not data.complete:  # these screens count: they wait for the rows still arriving (workspace.loaded)
            return
        self._stale.discard(key)
        if key == VIEW_MINE:
            self.my_actions.set_data(data, self.workspace.person_id, self.workspace.actor.label)
        elif key == VIEW_PEOPLE:
            self.people.set_data(data)
        elif key == VIEW_DASHBOARD:
            self.dashboard.refresh()
        elif key == VIEW_QUARTERS:
            self.quarters.refresh()

    def _on_actor_changed(self) -> None:
        self.actor_button.setText(f"Acting as: {self.workspace.actor.label}")
        self.actor_button.setToolTip("The audit trail and updates name this person. Click to change.")
        self._stale.add(VIEW_MINE)
        self._refresh_view(self.current_view())

    def _on_navigator_plan_chosen(self, plan_id: int) -> None:
        self.workspace.load_plan(plan_id)

    # ------------------------------------------------------------------ busy state

    def _show_runner_state(self, *_: object) -> None:
        """While a task the window waits for runs, the views, menus and toolbar wait too. A background task (the
        rest of the rows after unlocking) leaves them usable, except the screens that wait for every row (all but
        the plan's table); the commands that need the store stay off (Need.IDLE)."""
        busy, blocking = self.runner.busy, self.runner.blocking
        self.views.setEnabled(not blocking and (not busy or self.current_view() == VIEW_PLAN))
        self.menuBar().setEnabled(not blocking)
        self.toolbar.setEnabled(not blocking)
        for widget in (self.task_label, self.task_bar):
            widget.setVisible(busy)
        self.cancel_button.setVisible(busy and self.runner.cancellable)

    def _cancel_task(self) -> None:
        self.runner.cancel(background=False)  # the rows still arriving are not what the user is cancelling

    def _on_runner_busy_changed(self, busy: bool) -> None:
        self._show_runner_state()
        self.task_bar.setRange(0, 0)
        if not busy:
            self._refresh_view(self.current_view())

    def _on_runner_progress_changed(self, fraction: float, status: str) -> None:
        self.task_bar.setRange(0, 100)
        self.task_bar.setValue(int(fraction * 100))
        if status:
            self.task_label.setText(status)
            self.unlock.busy_text.setText(status)

    # ------------------------------------------------------------------ views

    def current_view(self) -> str:
        widget = self.views.currentWidget()
        return next((k for k, w in self._view_widgets.items() if w is widget), VIEW_PLAN)

    def show_view(self, key: str) -> None:
        widget = self._view_widgets.get(key, self.plan_view)
        key = next(k for k, w in self._view_widgets.items() if w is widget)
        self.views.setCurrentWidget(widget)
        command = commands.screen_command(key)
        if command is not None:
            self.commands[command].setChecked(True)
        self.settings.set(LAST_VIEW, key)
        self._refresh_view(key)
        self.update_enabled()

    def _toggle_detail_panel(self) -> None:
        self.show_view(VIEW_PLAN)
        self.plan_view.show_detail_panel(self.commands["detail_panel"].isChecked())

    def focus_search(self) -> None:
        self.show_view(VIEW_PLAN)
        self.plan_view.filters.search.setFocus()
        self.plan_view.filters.search.selectAll()

    def refresh(self) -> None:
        if self.workspace.is_open:
            self.workspace.reload()

    # ------------------------------------------------------------------ editing

    def _selected_action(self) -> int | None:
        if self.current_view() == VIEW_MINE:
            return self.my_actions.current_action_id()
        if self.current_view() == VIEW_PLAN:
            return self.plan_view.current_action_id()
        return None

    def edit_selected(self) -> None:
        action_id = self._selected_action()
        if action_id is not None:
            self.edit_action(action_id)

    def _store_free(self) -> bool:
        """Whether the store is free for a dialog that reads it; when a background task (the rows still arriving
        after unlocking) holds it, the status bar says so and the caller waits. Blocking tasks disable the views."""
        if not self.runner.busy:
            return True
        self.statusBar().showMessage(f"{self.runner.current_title.rstrip('…')}: try again when it finishes.", 4000)
        return False

    def edit_action(self, action_id: int) -> None:
        data = self.workspace.data
        if data is None or not self._store_free():
            return
        editor = ActionEditor(self.workspace, self.undo, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.edit_action(action_id, data)
        editor.saved.connect(self._on_action_saved)
        editor.destroyed.connect(lambda *_: setattr(self, "action_editor", None))
        self.action_editor = editor
        editor.open()

    def new_action(self) -> None:
        data = self.workspace.data
        if data is None:
            return
        if not any(o.priorities for o in data.structure):
            self.dialogs.inform(self, "New action", "Add an objective and a priority first: every action belongs "
                                "to a priority (Edit › New objective…, then Edit › New priority…).")
            return
        objective_id, priority_id = self.plan_view.navigator.scope()
        if priority_id is None and objective_id is not None:
            objective = next((o for o in data.structure if o.id == objective_id), None)
            priority_id = objective.priorities[0].id if objective and objective.priorities else None
        editor = ActionEditor(self.workspace, self.undo, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.edit_action(None, data, priority_id)
        editor.saved.connect(self._on_action_saved)
        editor.destroyed.connect(lambda *_: setattr(self, "action_editor", None))
        self.action_editor = editor
        editor.open()

    def _on_action_saved(self, action_id: int) -> None:
        if self.current_view() not in (VIEW_PLAN, VIEW_MINE):
            self.show_view(VIEW_PLAN)
        self.plan_view.select_action(action_id)
        self.statusBar().showMessage("Action saved.", 4000)

    def _open_form(self, dialog: FormDialog) -> FormDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "form", None))
        self.form = dialog
        dialog.open()
        return dialog

    def new_plan(self) -> None:
        if not self.workspace.is_open:
            return
        dialog = self._open_form(plan_dialog(self.workspace, self))
        dialog.saved.connect(lambda plan_id: self.workspace.load_plan(int(plan_id)))

    def new_objective(self) -> None:
        if self.workspace.data is not None:
            dialog = self._open_form(objective_dialog(self.workspace, self.undo, self))
            dialog.saved.connect(lambda oid: self.plan_view.navigator.select(int(oid), None))

    def new_priority(self) -> None:
        data = self.workspace.data
        if data is None:
            return
        if not data.structure:
            self.dialogs.inform(self, "New priority", "Add an objective first: priorities belong to an objective.")
            return
        objective_id, _ = self.plan_view.navigator.scope()
        dialog = self._open_form(priority_dialog(self.workspace, self.undo, self,
                                                 objective_id=objective_id or data.structure[0].id))
        dialog.saved.connect(lambda pid: self._select_priority(int(pid)))

    def _select_priority(self, priority_id: int) -> None:
        data = self.workspace.data
        if data is None:
            return
        for objective in data.structure:
            if any(p.id == priority_id for p in objective.priorities):
                self.plan_view.navigator.select(objective.id, priority_id)

    def edit_node(self) -> None:
        objective_id, priority_id = self.plan_view.navigator.scope()
        if priority_id is not None:
            self._open_form(priority_dialog(self.workspace, self.undo, self, priority_id=priority_id))
        elif objective_id is not None:
            self._open_form(objective_dialog(self.workspace, self.undo, self, objective_id))

    # ------------------------------------------------------------------ updates and quarters

    def record_update_selected(self) -> None:
        action_id = self._selected_action()
        if action_id is not None:
            self.record_update(action_id)

    def record_update(self, action_id: int) -> None:
        if not self._store_free():
            return
        queue = self.my_actions.awaiting_ids() if self.current_view() == VIEW_MINE else self.plan_view.awaiting_ids()
        self._start_updates([action_id, *[i for i in queue if i != action_id]], action_id)

    def update_next(self) -> None:
        queue = self.my_actions.awaiting_ids() if self.current_view() == VIEW_MINE else self.plan_view.awaiting_ids()
        if not queue:
            data = self.workspace.data
            period = data.current_period if data else None
            if period is None or period.closed:
                self.dialogs.inform(self, "Record updates", "There is no open quarter. Open one first "
                                    "(Quarter › Open a new quarter…).")
            else:
                self.dialogs.inform(self, "Record updates",
                                    f"Every action shown already has an update for {period.label}.")
            return
        current = self._selected_action()
        self._start_updates(queue, current if current in queue else None)

    def _start_updates(self, queue: list[int], first: int | None) -> None:
        if not queue or self.workspace.data is None:
            return
        dialog = UpdateDialog(self.workspace, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        problem = dialog.controller.period_problem()
        if problem:
            dialog.deleteLater()
            self.dialogs.inform(self, "Record update", problem)
            return
        dialog.recorded.connect(lambda aid: self.plan_view.select_action(int(aid)))
        dialog.destroyed.connect(lambda *_: setattr(self, "update_dialog", None))
        self.update_dialog = dialog
        dialog.start(queue, first)
        dialog.open()

    def open_quarter(self) -> None:
        if self.workspace.data is not None:
            dialog = self._open_form(period_dialog(self.workspace, self))
            dialog.saved.connect(lambda _: self.statusBar().showMessage("Quarter opened.", 4000))

    def close_quarter(self) -> None:
        data = self.workspace.data
        if data is None or data.current_period is None or data.current_period.closed:
            self.dialogs.inform(self, "Close quarter", "There is no open quarter to close.")
            return
        dialog = CloseQuarterDialog(data, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._close_period(data.current_period.id if data.current_period else 0))
        dialog.destroyed.connect(lambda *_: setattr(self, "form", None))
        self.form = dialog
        dialog.open()

    def _close_period(self, period_id: int) -> None:
        def done(closed: periods.ClosedQuarter) -> None:
            self.statusBar().showMessage(f"{closed.label} closed; snapshot SHA-256 {closed.sha256[:16]}…", 8000)

        ops.change(self.context, self,
                   lambda session, actor, state: periods.close_quarter(session, actor, period_id, state.set_progress),
                   Change(periods=True), done, title="Close quarter")

    # ------------------------------------------------------------------ people and preferences

    def choose_person(self) -> None:
        if self.workspace.is_open:
            self._open_form(who_am_i_dialog(self.workspace, self))

    def preferences(self) -> None:
        dialog = self._open_form(preferences_dialog(self.settings, self))
        dialog.saved.connect(lambda minutes: self.idle.set_timeout_ms(int(minutes) * 60_000))

    # ------------------------------------------------------------------ stores

    def _on_open_store(self) -> None:
        def chosen(path: Path) -> None:
            if self.workspace.is_open:
                self.close_store()
            self.root.setCurrentWidget(self.unlock)
            self.unlock.show_unlock()
            self.unlock.set_store(path)

        self.dialogs.choose_open_file(self, "Open a Pathways store", chosen, directory=paths.stores_dir())

    def _on_new_store(self) -> None:
        if self.workspace.is_open:
            self.close_store()
        self.root.setCurrentWidget(self.unlock)
        self.unlock.show_create()

    def _on_choose_new_path(self) -> None:
        self.dialogs.choose_save_file(self, "Create a Pathways store", self.unlock.set_new_path,
                                      directory=paths.stores_dir())

    def _fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        stores = self.settings.recent_stores()
        if not stores:
            empty = menu.addAction("No recent stores")
            empty.setEnabled(False)
        for n, path in enumerate(stores, start=1):
            action = menu.addAction(f"&{n} {path.name}")
            action.setToolTip(str(path))
            action.triggered.connect(lambda *_, p=path: self._open_recent(p))

    def _open_recent(self, path: Path) -> None:
        if self.workspace.is_open:
            self.close_store()
        self.root.setCurrentWidget(self.unlock)
        self.unlock.show_unlock()
        self.unlock.set_store(path)

    # ------------------------------------------------------------------ features, help

    def show_shortcuts(self) -> None:
        dialog = QDialog(self)
        dialog.setObjectName("shortcuts_dialog")
        dialog.setWindowTitle("Keyboard shortcuts")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        rows = [*commands.shortcut_rows(self.commands), *IN_DIALOG_SHORTCUTS]
        table = QTableWidget(len(rows), 3)
        table.setHorizontalHeaderLabels(["Command", "Keys", "What it does"])
        table.setAccessibleName("Keyboard shortcuts")
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        close = QPushButton("Close")
        close.clicked.connect(dialog.accept)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        dialog.resize(900, 620)
        self.form = dialog
        dialog.open()

    def about(self) -> None:
        self.dialogs.inform(self, "About Pathways",
                            f"Pathways {__version__}\nDelivery plans for community safety partnerships: encrypted, "
                            "offline, audited.")

    # ------------------------------------------------------------------ enabling

    def _on_undo_changed(self, *_: object) -> None:
        # QUndoStack announces its own clearing while the window is being destroyed.
        if shiboken6.isValid(self.undo) and shiboken6.isValid(self.toolbar):
            self.commands["undo"].setText(f"&Undo {self.undo.undoText()}".rstrip())
            self.commands["redo"].setText(f"&Redo {self.undo.redoText()}".rstrip())

    def _on_state_changed(self, *_: object) -> None:
        # The undo stack and the tables announce their own clearing while the window is being destroyed.
        if shiboken6.isValid(self) and shiboken6.isValid(self.undo) and shiboken6.isValid(self.toolbar):
            self.update_enabled()

    def state(self) -> Need:
        """The conditions that hold now, for the commands' declared needs (desktop.ui.commands.Need)."""
        state = Need.NOTHING
        is_open = self.workspace.is_open
        data = self.workspace.data if is_open else None
        facts = {
            Need.STORE: is_open,
            Need.IDLE: not self.runner.busy,
            Need.VIEWS: not self.runner.blocking,
            Need.PLAN: data is not None,
            Need.SELECTION: self._selected_action() is not None,
            Need.NODE: any(node is not None for node in self.plan_view.navigator.scope()),
            Need.OBJECTIVE: bool(data and data.structure),
            Need.PRIORITY: bool(data and any(o.priorities for o in data.structure)),
            Need.OPEN_QUARTER: bool(data and data.current_period and not data.current_period.closed),
            Need.UNDO: self.undo.canUndo(),
            Need.REDO: self.undo.canRedo(),
        }
        for need, holds in facts.items():
            if holds:
                state |= need
        return state

    def update_enabled(self) -> None:
        """Set every command's enabled state from the conditions it declares, and the few widgets that mirror
        commands (the Quarters screen's buttons, the toolbar and status bar shown only with a store open)."""
        commands.update_enabled(self.commands, self.state())
        m = self.commands
        self.quarters.close_button.setEnabled(m["close_quarter"].isEnabled())
        self.quarters.open_button.setEnabled(m["open_quarter"].isEnabled())
        self.quarters.returns_button.setEnabled(m["feature_lead_returns"].isEnabled())
        is_open = self.workspace.is_open
        self.toolbar.setVisible(is_open)
        self.actor_button.setVisible(is_open)
        self.period_label.setVisible(is_open)

    # ------------------------------------------------------------------ errors and closing

    def _show_error(self, title: str, exc: BaseException) -> None:
        errors.present(self.dialogs, self, title, exc)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_window_state()
        self.context.shut_down()
        event.accept()
