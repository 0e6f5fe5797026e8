"""Unlocking shows the plan's first rows, then the rest stream in (issue #17): the first rows are on screen before
the rest are read, every row arrives without losing the selection, nothing counts the rows read so far, and a lock
while rows are arriving is safe. Runs with the real worker thread; any Qt warning fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from ui_fakes import FakeDialogs

from desktop.models import ReportingPeriod, StoreMeta
from desktop.services import readmodels
from desktop.services.quarter_status import count_statuses, describe_counts, quarter_statuses
from desktop.settings import LAST_VIEW, Settings
from desktop.store import Store, StoreDamaged
from desktop.ui import workspace as workspace_module
from desktop.ui.main_window import MainWindow
from desktop.ui.quarters_view import rag_summary

TIMEOUT = 60_000
FIRST = 12  # a first page smaller than the demonstration plan, so that its rows must stream in

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
    pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture
def streaming(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(workspace_module, "FIRST_PAGE", FIRST)
    return FIRST


def _full_rows(path: Path, passphrase: str) -> list[readmodels.ActionRow]:
    with Store.open(path, passphrase) as store, store.session() as session:
        plan_id = readmodels.plan_choices(session)[0].id
        return readmodels.load_rows(session, plan_id)


def _enter(qtbot: QtBot, w: MainWindow, passphrase: str) -> None:
    w.unlock.passphrase.setText(passphrase)
    qtbot.keyClick(w.unlock.passphrase, Qt.Key.Key_Return)


def test_first_rows_show_before_the_rest_and_the_selection_survives(
    qtbot: QtBot, threaded_window: MainWindow, demo_store_path: Path, passphrase: str, streaming: int
) -> None:
    full = _full_rows(demo_store_path, passphrase)
    assert len(full) > 3 * streaming  # the demonstration plan is well over the first page
    w, view = threaded_window, threaded_window.plan_view
    seen: dict[str, object] = {}

    def on_opened() -> None:  # runs before the worker's next result can be delivered
        data = w.workspace.data
        assert data is not None
        seen.update(rows=view.model.rowCount(), complete=data.complete, count=view.filters.count.text(),
                    ids=[r.id for r in view.model.rows()])
        with pytest.raises(readmodels.StillLoading, match="still loading"):
            readmodels.status_counts(data)
        view.select_action(full[3].id)
        seen["selected"] = view.current_action_id()

    w.workspace.opened.connect(on_opened)
    status_bar: list[str] = []
    w.runner.progress_changed.connect(lambda _, text: status_bar.append(w.task_label.text()))
    w.start(demo_store_path)
    w.show()
    with qtbot.waitSignal(w.workspace.loaded, timeout=TIMEOUT):
        _enter(qtbot, w, passphrase)

    assert seen["rows"] == streaming and seen["complete"] is False
    assert seen["ids"] == [r.id for r in full[:streaming]]  # the table's first rows, in plan order
    assert seen["count"] == f"Loading actions… {streaming:,} of {len(full):,}"
    assert seen["selected"] == full[3].id
    assert f"Loading actions… {streaming:,} of {len(full):,}" in status_bar
    data = w.workspace.data
    assert data is not None and data.complete
    assert view.model.rows() == full and list(data.rows) == full
    assert view.current_action_id() == full[3].id  # the selection stayed on its action
    assert view.filters.count.text() == f"{len(full):,} actions"
    assert view.navigator.model.item(0, 1).text() == f"{len(full):,}"



def test_the_first_rows_can_be_read_while_the_rest_arrive_and_store_work_waits(
    qtbot: QtBot, threaded_window: MainWindow, demo_store_path: Path, passphrase: str, streaming: int
) -> None:
    """While the rest of the rows load, the table is not greyed out: it scrolls, selects and filters; the commands
    that need the store wait, a double-click on a row says why it waits, and Cancel is not offered (locking is)."""
    w, view = threaded_window, threaded_window.plan_view
    seen: dict[str, object] = {}

    def on_progress(_: float, status: str) -> None:  # the worker's first word on the rest of the rows
        if not status.startswith("Loading actions…") or seen:
            return
        seen.update(views=w.views.isEnabled(), table=view.table.isEnabled(), menus=w.menuBar().isEnabled(),
                    toolbar=w.toolbar.isEnabled(), progress=w.task_bar.isVisibleTo(w),
                    cancel=w.cancel_button.isVisibleTo(w), loading=w.workspace.loading,
                    commands={key: w.commands[key].isEnabled()
                              for key in ("find", "clear_filters", "lock", "record_update", "new_action", "refresh")})
        view.select_action(view.model.rows()[1].id)
        w.record_update(view.model.rows()[1].id)  # a double-click on a row, while the rows arrive
        seen.update(message=w.statusBar().currentMessage(), dialog=w.update_dialog)

    w.runner.progress_changed.connect(on_progress)
    w.start(demo_store_path)
    w.show()
    with qtbot.waitSignal(w.workspace.loaded, timeout=TIMEOUT):
        _enter(qtbot, w, passphrase)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=TIMEOUT)

    assert seen["loading"] is True  # observed while the rows were still arriving
    assert seen["views"] is True and seen["table"] is True and seen["menus"] is True and seen["toolbar"] is True
    assert seen["progress"] is True and seen["cancel"] is False
    assert seen["commands"] == {"find": True, "clear_filters": True, "lock": True, "record_update": False,
                                "new_action": False, "refresh": False}
    assert seen["dialog"] is None and seen["message"] == "Loading actions: try again when it finishes."
    assert w.views.isEnabled() and w.commands["record_update"].isEnabled() and w.commands["refresh"].isEnabled()
    assert not w.task_bar.isVisibleTo(w)
    w.record_update(view.current_action_id())  # once every row is in, the same gesture opens the update
    assert w.update_dialog is not None
    w.update_dialog.reject()



def test_a_screen_that_waits_for_every_row_is_not_usable_while_they_arrive(
    qtbot: QtBot, threaded_window: MainWindow, settings: Settings, demo_store_path: Path, passphrase: str,
    streaming: int,
) -> None:
    """Only the plan's table reads rows as they arrive: on the People screen (shown again after unlocking), its
    buttons, whose forms read the store, wait with the screen."""
    settings.set(LAST_VIEW, "people")
    w = threaded_window
    seen: dict[str, bool] = {}

    def on_progress(_: float, status: str) -> None:
        if status.startswith("Loading actions…") and not seen:
            seen.update(people=w.current_view() == "people", add=w.people.add_person.isEnabled(),
                        menus=w.menuBar().isEnabled())

    w.runner.progress_changed.connect(on_progress)
    w.start(demo_store_path)
    w.show()
    with qtbot.waitSignal(w.workspace.loaded, timeout=TIMEOUT):
        _enter(qtbot, w, passphrase)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=TIMEOUT)
    assert seen == {"people": True, "add": False, "menus": True}
    assert w.people.add_person.isEnabled()


def test_counts_wait_for_every_row_and_equal_the_services_counts(
    qtbot: QtBot, threaded_window: MainWindow, settings: Settings, demo_store_path: Path, passphrase: str,
    streaming: int,
) -> None:
    settings.set(LAST_VIEW, "dashboard")
    w = threaded_window
    at_open: dict[str, str] = {}
    w.workspace.opened.connect(lambda: at_open.setdefault("dashboard", w.dashboard.counts.text()))
    w.start(demo_store_path)
    w.show()
    with qtbot.waitSignal(w.workspace.loaded, timeout=TIMEOUT):
        _enter(qtbot, w, passphrase)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=TIMEOUT)
    assert at_open["dashboard"] == ""  # nothing was counted from the first rows

    data = w.workspace.data
    assert data is not None and data.complete
    with w.workspace.session() as session:
        period = session.get(ReportingPeriod, data.current_period.id)  # type: ignore[union-attr]
        assert period is not None
        expected = count_statuses(quarter_statuses(session, period))  # the one rule, straight from the store
    assert readmodels.status_counts(data) == expected
    assert expected.total == len(data.rows)
    labels = [(st.key, f"{st.label} ({st.letter})") for st in sorted(data.scheme.statuses, key=lambda s: -s.severity)]
    assert describe_counts(expected, labels) in w.dashboard.counts.text()
    summary = {key: n for key, _, n in rag_summary(data)}  # what the close-quarter dialog lists
    assert summary["awaiting"] == expected.awaiting
    assert all(summary[st.key] == expected.of(st.key) for st in data.scheme.statuses if expected.of(st.key))


@pytest.mark.parametrize("when", ["as the first rows show", "as the rest start loading"])
def test_locking_while_rows_stream_in_is_safe_and_a_selection_waits_for_its_row(
    qtbot: QtBot, threaded_window: MainWindow, demo_store_path: Path, passphrase: str, streaming: int, when: str
) -> None:
    full = _full_rows(demo_store_path, passphrase)
    w = threaded_window
    w.start(demo_store_path)
    w.show()
    locked_early: list[bool] = []

    def lock_now(*_: object) -> None:
        if locked_early or (when == "as the rest start loading" and w.runner.current_title != "Loading actions…"):
            return
        locked_early.append(w.workspace.loading)
        w.lock_now()

    signal = w.workspace.opened if when == "as the first rows show" else w.runner.task_started
    signal.connect(lock_now)
    with qtbot.waitSignal(w.workspace.closed, timeout=TIMEOUT):
        _enter(qtbot, w, passphrase)
    signal.disconnect(lock_now)
    assert locked_early == [True]
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=TIMEOUT)
    assert not w.workspace.is_open and w.workspace.data is None and w.plan_view.model.rowCount() == 0
    assert w.unlock.isVisible()

    with qtbot.waitSignal(w.workspace.loaded, timeout=TIMEOUT):
        _enter(qtbot, w, passphrase)
    assert w.plan_view.model.rows() == full
    last = full[-1].id  # far past the first page
    assert w.plan_view.select_action(last)
    w.lock_now()
    qtbot.waitUntil(lambda: not w.workspace.is_open, timeout=TIMEOUT)

    at_open: list[int | None] = []
    w.workspace.opened.connect(lambda: at_open.append(w.plan_view.current_action_id()))
    with qtbot.waitSignal(w.workspace.loaded, timeout=TIMEOUT):
        _enter(qtbot, w, passphrase)
    assert at_open == [None]  # its row had not arrived yet
    assert w.plan_view.current_action_id() == last  # selected as soon as it did


def test_a_damaged_store_still_refuses_writes_once_its_rows_have_streamed_in(
    qtbot: QtBot, threaded_window: MainWindow, dialogs: FakeDialogs, demo_store_path: Path, passphrase: str,
    streaming: int,
) -> None:
    data = bytearray(demo_store_path.read_bytes())
    data[len(data) // 2 + 100] ^= 0x01
    demo_store_path.write_bytes(bytes(data))
    w = threaded_window
    w.start(demo_store_path)
    w.show()
    with qtbot.waitSignal(w.workspace.opened, timeout=TIMEOUT):
        _enter(qtbot, w, passphrase)
    qtbot.waitUntil(lambda: any(title == "Store damaged" for _, title, _ in dialogs.shown), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=TIMEOUT)
    with pytest.raises(StoreDamaged, match="nothing was saved"), w.workspace.session() as s:
        s.add(StoreMeta(key="note", value="typed after the rows arrived"))
