"""The close-quarter dialog and the dashboard count a Red action with no update as Red (issue #14), with the same
numbers as the snapshot, and the dialog warns before freezing Red/Amber actions nobody has updated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import carry_forward_case as case
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget
from pytestqt.qtbot import QtBot

from desktop.models import Plan, ReportingPeriod
from desktop.services import periods
from desktop.services.actor import Actor
from desktop.services.readmodels import load_plan
from desktop.store import Store
from desktop.ui.action_table_model import COL_RAG
from desktop.ui.main_window import MainWindow
from desktop.ui.quarters_view import CloseQuarterDialog
from desktop.ui.rag_delegate import RAG_NOTE_ROLE


def test_close_dialog_counts_carried_statuses_and_warns(qtbot: QtBot, store: Store) -> None:
    c = case.build(store, close_q4=False)
    with store.session() as s:
        data = load_plan(s, c.plan_id)
    dialog = CloseQuarterDialog(data)
    qtbot.addWidget(dialog)

    def text(name: str) -> str:
        label = dialog.findChild(QLabel, name)
        assert label is not None, name
        return label.text()

    assert text("frozen_red") == "Red (R): 2 (2 not updated)"
    assert text("frozen_amber") == "Amber (A): 1 (1 not updated)"
    assert text("frozen_green") == "Green (G): 2 (1 not updated)"
    assert text("frozen_none") == "No status yet: 2"
    assert text("frozen_awaiting") == f"Awaiting an update: {len(case.EXPECTED_AWAITING)}"
    assert "keeps the status of its last update" in text("carry_forward_rule")
    listing = dialog.findChild(QListWidget, "unupdated_exceptions")
    assert listing is not None
    items = [listing.item(i).text() for i in range(listing.count())]
    assert [i.split(" · ")[1].split()[0] for i in items] == ["1.1a", "1.1b", "1.1c"]  # worst first
    assert all("not updated since 2015/16 Q3" in i for i in items)
    assert items[0].startswith("R Red")
    # the awaited table lists the same actions the dialog counts
    assert sorted(code for a in dialog.model.rows() for code in a.codes) == list(case.EXPECTED_AWAITING)

    with store.session() as s:
        q4 = s.get(ReportingPeriod, c.q4_id)
        assert q4 is not None
        periods.close_period(s, Actor(None, "Test"), q4)
        frozen = periods.snapshot_data(s, q4).status_counts()
    assert frozen.by_rag == case.EXPECTED_COUNTS and frozen.awaiting == len(case.EXPECTED_AWAITING)


def test_no_warning_when_every_red_and_amber_is_updated(qtbot: QtBot, store: Store) -> None:
    c = case.build(store, close_q4=True)  # Q4 closed: nothing is open, so add and inspect a fresh Q1
    with store.session() as s:
        plan = s.get(Plan, c.plan_id)
        assert plan is not None
        periods.add_period(s, Actor(None, "Test"), plan, "2016/17 Q1", dt.date(2016, 4, 1), dt.date(2016, 6, 30))
        data = load_plan(s, c.plan_id)
    dialog = CloseQuarterDialog(data)
    qtbot.addWidget(dialog)
    assert len(dialog.unupdated) == 3  # still not updated since 2015/16 Q3
    data_without = data.with_rows([], removed=[r.id for r in dialog.unupdated])
    calm = CloseQuarterDialog(data_without)
    qtbot.addWidget(calm)
    assert calm.findChild(QListWidget, "unupdated_exceptions") is None
    assert calm.findChild(QLabel, "unupdated_warning") is None


def test_dashboard_prints_the_same_counts(window: MainWindow, store_path: Path, passphrase: str) -> None:
    with Store.create(store_path, passphrase) as store:
        case.build(store)
    window.start(store_path)
    window.show()
    window.workspace.open_store(store_path, passphrase)
    assert window.workspace.data is not None
    window.show_view("dashboard")
    window.dashboard.refresh()
    text = window.dashboard.counts.text()
    assert text.startswith("2015/16 Q4: Red (R) 2 (2 not updated), Amber (A) 1 (1 not updated), Green (G) 2 "
                           "(1 not updated), no status 2; 4 awaiting an update.")


def test_search_finds_any_quarters_commentary_and_offers_to_clear(
    window: MainWindow, store_path: Path, passphrase: str, qtbot: QtBot
) -> None:
    with Store.create(store_path, passphrase) as store:
        case.build(store)
    window.start(store_path)
    window.show()
    window.workspace.open_store(store_path, passphrase)
    view = window.plan_view
    assert view.model.rowCount() == 7
    # 1.1d said "On track." in 2015/16 Q3; its latest update (Q4) says "Review drafted."
    view.filters.search.setText("track")
    shown = {view.proxy.row_at(r).code for r in range(view.proxy.rowCount())}
    assert shown == {"1.1d", "1.1e"}
    assert not view.no_match.isVisible()
    view.filters.search.setText("escalated")  # a remedial action, found as well
    assert {view.proxy.row_at(r).code for r in range(view.proxy.rowCount())} == {"1.1a", "1.1b"}
    view.filters.search.setText("no such words anywhere")
    assert view.proxy.rowCount() == 0
    assert view.no_match.isVisible()
    assert view.findChild(QLabel, "no_match_text").text().startswith("No actions match")  # type: ignore[union-attr]
    qtbot.mouseClick(view.clear_filters_button, Qt.MouseButton.LeftButton)
    assert view.filters.search.text() == ""
    assert view.proxy.rowCount() == 7 and not view.no_match.isVisible()


def test_action_table_marks_a_carried_forward_status(window: MainWindow, store_path: Path, passphrase: str) -> None:
    with Store.create(store_path, passphrase) as store:
        case.build(store, close_q4=False)
    window.start(store_path)
    window.show()
    window.workspace.open_store(store_path, passphrase)
    model = window.plan_view.model
    texts = {model.row_at(r).code: model.data(model.index(r, COL_RAG)) for r in range(model.rowCount())}
    assert texts["1.1a"] == "R Red, not updated since 2015/16 Q3"
    assert texts["1.1d"] == "G Green"  # updated this quarter
    assert texts["1.1g"] == "No status"
    row = next(r for r in range(model.rowCount()) if model.row_at(r).code == "1.1a")
    assert model.data(model.index(row, COL_RAG), RAG_NOTE_ROLE) == "not updated since 2015/16 Q3"
    assert "keeps the status of its last update" in model.data(model.index(row, COL_RAG), Qt.ItemDataRole.ToolTipRole)
