"""The unlocked store as the windows see it: the store, who is acting, the plan shown and its loaded data.

Store access is serialised: long work (unlocking, loading a large plan) runs on the task runner's one worker while
the UI is busy; quick reads and writes run on the main thread through :meth:`Workspace.session`, which refuses while
the worker holds the store. No widget opens a session any other way.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from desktop.models import Person
from desktop.services.actor import Actor
from desktop.services.errors import PathwaysError
from desktop.services.queries import ActionRow
from desktop.services.readmodels import PlanChoice, PlanData, load_plan, load_rows, plan_choices, structure_of
from desktop.settings import LAST_PLAN, Settings
from desktop.store import Store
from desktop.store.errors import StoreError
from desktop.ui.tasks import TaskRunner, TaskState

log = logging.getLogger("pathways.workspace")

T = TypeVar("T")

# Rows read before the table is shown after unlocking (a tall screen's worth a few times over); the rest follow at
# once on the worker. Issue #17: passphrase → first rows shown in half a second on a 10,000-action plan.
FIRST_PAGE = 200


class StoreBusy(PathwaysError):
    """The worker is using the store; the UI waits for it rather than sharing the connection."""


class StoreLocked(StoreError):
    """No store is open."""


@dataclass(frozen=True)
class Change:
    """What a change touched, so the screens refresh only what they must."""

    action_ids: frozenset[int] = field(default_factory=frozenset)
    removed: frozenset[int] = field(default_factory=frozenset)
    structure: bool = False  # objectives or priorities added, edited or removed
    periods: bool = False  # a quarter opened or closed
    people: bool = False  # people or organisations changed (names appear in rows)
    plans: bool = False  # a plan was added or renamed


@dataclass(frozen=True)
class Opened:
    store: Store
    store_id: str
    plans: list[PlanChoice]
    data: PlanData | None


def desktop_actor() -> Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown user"
    return Actor(None, f"{user} (desktop)")


class Workspace(QObject):
    """Signals:
        opened(): a store was unlocked (``plans`` and ``data`` are set).
        closed(): the store was closed (locked); data was dropped.
        plan_loaded(object): a plan's data was (re)loaded: :class:`PlanData`. After unlocking it may hold only the
            first rows (``data.complete`` is False); the rest then arrive through ``rows_changed`` and ``loaded``.
        rows_changed(object, object): some action rows changed in place or arrived: (list of ActionRow, set of
            removed ids).
        loaded(): every row of the plan shown is loaded (``data.complete``); counts may be made from now on.
        plans_changed(): the list of plans changed.
        actor_changed(): the person at the keyboard changed.
        changed(object): any change went through (a :class:`Change`), after the data was refreshed.
        damaged(str): the whole-file check that runs while the plan loads found damage; nothing can be saved.
    """

    opened = Signal()
    closed = Signal()
    plan_loaded = Signal(object)
    rows_changed = Signal(object, object)
    loaded = Signal()
    plans_changed = Signal()
    actor_changed = Signal()
    changed = Signal(object)
    damaged = Signal(str)

    def __init__(self, settings: Settings, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.runner = runner
        self.store: Store | None = None
        self.store_id = ""
        self.path: Path | None = None
        self.plans: list[PlanChoice] = []
        self.data: PlanData | None = None
        self.actor: Actor = desktop_actor()
        self.person_id: int | None = None

    # ---- state

    @property
    def is_open(self) -> bool:
        return self.store is not None and self.store.is_open

    @property
    def plan_id(self) -> int | None:
        return self.data.plan.id if self.data else None

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work on the main thread (committed at the end, rolled back if it raises)."""
        if self.store is None or not self.store.is_open:
            raise StoreLocked("The store is locked; unlock it to carry on.")
        if self.runner.busy:
            raise StoreBusy("Pathways is still busy with the previous task; try again when it finishes.")
        with self.store.session() as session:
            yield session

    # ---- opening and closing

    def open_store(
        self,
        path: Path | str,
        passphrase: str,
        *,
        create: bool = False,
        plan_id: int | None = None,
        on_done: Callable[[], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Unlock (or create) ``path`` on the worker, then load a plan; the passphrase is not kept."""
        if self.is_open:
            raise StoreError("Close the open store first.")
        wanted = plan_id if plan_id is not None else (self.settings.get(LAST_PLAN) or None)

        def work(state: TaskState) -> Opened:
            state.set_progress(0.05, "Unlocking the store" if not create else "Creating the encrypted store")
            from desktop.store.backend import open_target  # the server modules load only when opening a store

            if create and isinstance(path, str):
                raise StoreError("A server's database is created by its administrator (pathways server-setup).")
            # A file's whole-file check runs once the plan is read; writes wait for it (see store/integrity.py).
            store = Store.create(path, passphrase) if create else open_target(path, passphrase, check_later=True)
            try:
                state.check()
                store_id = store.meta("store_id") or ""
                with store.session() as session:
                    plans = plan_choices(session)
                    chosen = wanted if any(p.id == wanted for p in plans) else (plans[0].id if plans else None)
                    data = (load_plan(session, chosen, progress=state.set_progress, first=FIRST_PAGE)
                            if chosen else None)
                if data is None or data.complete:
                    store.start_integrity_check()  # now that the plan is read (see store/integrity.py)
                state.check()
            except BaseException:
                store.close()
                raise
            state.set_progress(1.0, "Opening the plan")
            return Opened(store, store_id, plans, data)

        def done(result: Opened) -> None:
            self.store = result.store
            self.store_id = result.store_id
            self.plans = result.plans
            self.data = result.data
            if isinstance(path, str):  # a shared server (docs/server.md): named, never listed among recent files
                from desktop.store.server import display_name

                self.path = Path(display_name(path))
            else:
                self.path = path
                self.settings.add_recent_store(path)
            if result.data:
                self.settings.set(LAST_PLAN, result.data.plan.id)
            self._load_actor()
            result.store.when_checked(lambda state, message: self.damaged.emit(message) if message else None)
            # The data first, so that "opened" finds the screens filled (and can restore a selection).
            if result.data is not None:
                self.plan_loaded.emit(result.data)
            self.opened.emit()
            if result.data is not None:
                self._load_rest(result.data)
            if on_done:
                on_done()

        title = "Creating the store…" if create else "Unlocking…"
        self.runner.run(work, done, on_error, title=title, cancellable=True)

    def close(self, on_closed: Callable[[], None] | None = None) -> None:
        """Lock: stop background work, close the store (SQLCipher drops the key) and forget the loaded data."""
        if self.runner.busy:
            self.runner.cancel()

            def later() -> None:
                self.runner.idle.disconnect(later)
                self.close(on_closed)

            self.runner.idle.connect(later)
            return
        if self.store is not None:
            self.store.close()
        self.store = None
        self.data = None
        self.plans = []
        self.closed.emit()
        if on_closed:
            on_closed()

    # ---- who is acting

    def _load_actor(self) -> None:
        person_id = self.settings.person_for_store(self.store_id)
        actor = desktop_actor()
        found: int | None = None
        if person_id is not None and self.store is not None:
            with self.store.session() as session:
                person = session.get(Person, person_id)
                if person is not None:
                    actor, found = Actor.for_person(person), person.id
        self.actor, self.person_id = actor, found
        self.actor_changed.emit()

    def set_person(self, person_id: int | None) -> None:
        self.settings.set_person_for_store(self.store_id, person_id)
        self._load_actor()

    # ---- loading

    @property
    def loading(self) -> bool:
        """Rows of the plan shown are still arriving (nothing may count them yet)."""
        return self.data is not None and not self.data.complete

    def _load_rest(self, first: PlanData) -> None:
        """Read the rest of a plan shown with its first rows, on the worker, and add them (``rows_changed``);
        then ``loaded``. A lock meanwhile cancels it, and a result for data no longer shown is dropped."""
        if self.data is not first or self.store is None or not self.store.is_open:
            return  # locked (or another plan chosen) as the first rows were shown
        if first.complete:
            self.loaded.emit()
            return
        store = self.store
        plan_id, as_at, total = first.plan.id, first.as_at, first.total_actions

        def work(state: TaskState) -> list[ActionRow]:
            state.set_progress(len(first.rows) / max(total, 1), f"Loading actions… {len(first.rows):,} of {total:,}")
            try:
                with store.session() as session:
                    rows = load_rows(session, plan_id, as_at=as_at)
            finally:
                # The whole-file check waits for the rows, rather than slowing them down on a busy machine; writes
                # wait for it whenever it starts (and would start it themselves).
                store.start_integrity_check()
            state.check()
            return rows

        def done(rows: list[ActionRow]) -> None:
            if self.data is not first or self.store is not store:
                return  # another plan (or nothing) is shown now
            self.data = first.completed(rows)
            self.rows_changed.emit(rows, set())
            self.loaded.emit()

        # A failure is reported by the runner (and the plan stays partly loaded: counts keep refusing); a lock
        # cancels quietly.
        self.runner.run(work, done, title="Loading actions…", cancellable=True, background=True)

    def load_plan(self, plan_id: int, on_done: Callable[[], None] | None = None) -> None:
        store = self.require_store()

        def work(state: TaskState) -> PlanData:
            with store.session() as session:
                return load_plan(session, plan_id, progress=state.set_progress)

        def done(data: PlanData) -> None:
            self.data = data
            self.settings.set(LAST_PLAN, data.plan.id)
            self.plan_loaded.emit(data)
            self.loaded.emit()
            if on_done:
                on_done()

        self.runner.run(work, done, title="Loading the plan…")

    def reload(self, on_done: Callable[[], None] | None = None) -> None:
        if self.data is not None:
            self.load_plan(self.data.plan.id, on_done)

    def refresh_plans(self) -> None:
        with self.session() as session:
            self.plans = plan_choices(session)
        self.plans_changed.emit()

    def refresh_actions(self, action_ids: Iterable[int], removed: Iterable[int] = ()) -> None:
        """Re-read just these actions' rows (quick, main thread) and tell the screens."""
        if self.data is None:
            return
        ids = set(action_ids)
        gone = set(removed)
        with self.session() as session:
            rows = load_rows(session, self.data.plan.id, ids) if ids else []
        gone |= ids - {r.id for r in rows}
        self.data = self.data.with_rows(rows, gone)
        self.rows_changed.emit(rows, gone)

    def refresh_structure(self) -> None:
        if self.data is None:
            return
        with self.session() as session:
            structure = structure_of(session, self.data.plan.id)
        self.data = replace(self.data, structure=structure)
        self.plan_loaded.emit(self.data)

    def apply(self, change: Change) -> None:
        """Refresh what ``change`` touched, then announce it."""
        if change.plans:
            self.refresh_plans()
        if change.periods or change.people:
            self.reload(lambda: self.changed.emit(change))
            return
        if change.structure:
            self.refresh_structure()
        if change.action_ids or change.removed:
            self.refresh_actions(change.action_ids, change.removed)
        self.changed.emit(change)

    def run_change(
        self,
        work: Callable[[Session, Actor, TaskState], T],
        change: Change,
        *,
        title: str,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """A long change (closing a quarter, later imports) in one unit of work on the worker, then refresh."""
        store = self.require_store()
        actor = self.actor

        def task(state: TaskState) -> T:
            with store.session() as session:
                return work(session, actor, state)

        def done(result: T) -> None:
            self.apply(change)
            if on_done:
                on_done(result)

        self.runner.run(task, done, on_error, title=title, cancellable=False)

    def require_store(self) -> Store:
        """The open store, or :class:`StoreLocked`."""
        if self.store is None or not self.store.is_open:
            raise StoreLocked("The store is locked; unlock it to carry on.")
        return self.store
