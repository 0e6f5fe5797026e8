"""Wiring: what the feature commands of the command table (:mod:`desktop.ui.commands`) do.

:data:`HANDLERS` gives, by command key, the handler of every feature menu entry (import, lead-officer returns, the
signed update, the spreadsheet export, verifying a PDF); :data:`SCREENS` gives, by screen key, the factory of every
feature screen (meetings, indicators, offender profiles). The main window takes both when it is built; nothing
registers or unregisters anything at run time.

The screens are built when first shown, not when the window is built: each sits in a :class:`FeatureViewHost`
that creates it for the open store (and, for plan screens, the current plan), refreshes it when the data changed
while it was hidden, and drops it (with everything it showed) when the store locks or closes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, Qt, QThread
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget
from sqlalchemy.orm import Session

from desktop.services.errors import PathwaysError
from desktop.store import Store
from desktop.ui.lifetime import Connections
from desktop.ui.workspace import StoreLocked, Workspace

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


class WorkspaceSessions:
    """Store access for the feature screens, honouring the workspace's one-user-at-a-time rule.

    On the UI thread a session comes from :meth:`Workspace.session` (refused while the worker holds the store); on
    the worker thread (a screen's own background task, such as building an agenda pack) straight from the store,
    since the worker is then its only user.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        app = QCoreApplication.instance()
        if app is None or QThread.currentThread() is app.thread():
            with self.workspace.session() as session:
                yield session
            return
        store = self.workspace.store
        if store is None or not store.is_open:
            raise StoreLocked("The store is locked; unlock it to carry on.")
        with store.session() as session:
            yield session


class FeatureViewHost(QStackedWidget):
    """Holds one feature screen: built on first show for the open store (and plan), refreshed when shown after a
    change, rebuilt when the plan changes, dropped when the store closes or locks."""

    def __init__(self, workspace: Workspace, build: Callable[[int], QWidget], *, name: str, per_plan: bool,
                 closed_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.workspace = workspace
        self.build = build
        self.per_plan = per_plan
        self.closed_text = closed_text
        self.view: QWidget | None = None
        self.built_for: int | None = None
        self.stale = True
        self.placeholder = QLabel(closed_text)
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.placeholder)
        self.links = Connections(self)
        self.links.connect(workspace.opened, self._on_data_changed)
        self.links.connect(workspace.plan_loaded, self._on_data_changed)
        self.links.connect(workspace.changed, self._on_data_changed)
        self.links.connect(workspace.closed, self.drop)
        self.links.connect(workspace.runner.busy_changed, self._on_busy_changed)

    def _on_data_changed(self, *_: object) -> None:
        self.stale = True
        if self.isVisible():
            self.sync()

    def _on_busy_changed(self, busy: bool) -> None:
        if not busy and self.stale and self.isVisible():
            self.sync()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self.stale:
            self.sync()

    def sync(self) -> None:
        """Bring the screen up to date now (when the store is free)."""
        ws = self.workspace
        if not ws.is_open:
            self.drop()
            return
        if ws.runner.busy:
            return  # still stale: busy_changed(False) brings us back
        target = ws.plan_id if self.per_plan else 0
        if target is None:
            self.drop("Open or create a plan to see this screen.")
            return
        try:
            if self.view is None or target != self.built_for:
                self.drop()
                view = self.build(target)
                self.view, self.built_for = view, target
                self.addWidget(view)
                self.setCurrentWidget(view)
            else:
                refresh = getattr(self.view, "refresh", None)
                if callable(refresh):
                    refresh()
        except PathwaysError as exc:
            self.drop(str(exc))
            return
        self.stale = False

    def drop(self, text: str = "") -> None:
        """Forget the screen and everything it showed (the store closed, or it must be rebuilt)."""
        if self.view is not None:
            links = getattr(self.view, "links", None)
            if isinstance(links, Connections):
                links.drop()  # before deleteLater: nothing may reach the screen while it waits to be deleted
            self.removeWidget(self.view)
            self.view.hide()
            self.view.deleteLater()
        self.view, self.built_for = None, None
        self.placeholder.setText(text or self.closed_text)
        self.setCurrentWidget(self.placeholder)
        self.stale = True


# ---------------------------------------------------------------------------------------------- the screens


def meetings_view(window: MainWindow) -> FeatureViewHost:
    context = window.context
    sessions = WorkspaceSessions(context.workspace)

    def build(_: int) -> QWidget:
        from desktop.ui.meetings_view import MeetingsView  # loaded on first show: not before the first frame

        return MeetingsView(sessions, actor=lambda: context.actor, dialogs=context.dialogs, runner=context.runner)

    return FeatureViewHost(context.workspace, build, name="meetings_host", per_plan=False,
                           closed_text="Unlock a store to see its committees and meetings.")


def indicators_view(window: MainWindow) -> FeatureViewHost:
    sessions = WorkspaceSessions(window.context.workspace)

    def build(plan_id: int) -> QWidget:
        from desktop.ui.indicators_view import IndicatorsView  # loaded on first show

        # IndicatorsView only ever asks its store for session(); the workspace's sessions serialise that.
        return IndicatorsView(cast(Store, sessions), plan_id)

    return FeatureViewHost(window.context.workspace, build, name="indicators_host", per_plan=True,
                           closed_text="Unlock a store to see the plan's performance indicators.")


def profiles_view(window: MainWindow) -> FeatureViewHost:
    context = window.context
    sessions = WorkspaceSessions(context.workspace)

    def build(plan_id: int) -> QWidget:
        from desktop.ui.profiles_view import ProfilesView  # loaded on first show

        return ProfilesView(sessions, plan_id, dialogs=context.dialogs, actor=lambda: context.actor)

    return FeatureViewHost(context.workspace, build, name="profiles_host", per_plan=True,
                           closed_text="Unlock a store to see the plan's offender-profile appendices.")


# ---------------------------------------------------------------------------------------------- the menu entries


def _lead_returns(window: MainWindow) -> None:
    from desktop.ui.returns_dialog import open_returns_dialog

    open_returns_dialog(window.workspace, window.dialogs, window)


def _export_update(window: MainWindow) -> None:
    from desktop.ui.export_update_dialog import open_export_update

    open_export_update(window.workspace, window.dialogs, window)


def _export_spreadsheet(window: MainWindow) -> None:
    from desktop.ui.spreadsheet_export import open_spreadsheet_export

    open_spreadsheet_export(window.workspace, window.dialogs, window)


def _verify_pdf(window: MainWindow) -> None:
    from desktop.ui.verify_dialog import open_verify_dialog

    open_verify_dialog(window.workspace, window.dialogs, window)


def _import_plan(window: MainWindow) -> None:
    from desktop.ui.import_wizard import open_import_wizard  # the importer loads when first used

    open_import_wizard(window)


HANDLERS: Mapping[str, Callable[[MainWindow], object]] = MappingProxyType({
    "feature_import_plan": _import_plan,
    "feature_lead_returns": _lead_returns,
    "feature_export_update": _export_update,
    "feature_export_spreadsheet": _export_spreadsheet,
    "feature_verify_pdf": _verify_pdf,
})

SCREENS: Mapping[str, Callable[[MainWindow], QWidget]] = MappingProxyType({
    "meetings": meetings_view,
    "indicators": indicators_view,
    "profiles": profiles_view,
})
