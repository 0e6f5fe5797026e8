"""A coordinator's first session, end to end, with the real worker thread:

create a store → wrong then right passphrase → a plan, objective, priority and action → an edit → a quarter → an update
that turns the action Red (refused until it has a remedial action) → filters → undo → idle lock → unlock, back where
they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.models import AuditEvent
from desktop.store import Store
from desktop.ui.forms import FormDialog
from desktop.ui.main_window import MainWindow

STRONG = "Tees Valley quarterly returns 2015!"


def _ok(dialog: FormDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    QtBot.mouseClick(button, Qt.MouseButton.LeftButton)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_coordinators_first_session(qtbot: QtBot, threaded_window: MainWindow, tmp_path: Path) -> None:
    w = threaded_window
    ws = w.workspace
    w.start(None)
    w.show()
    u = w.unlock
    store_path = tmp_path / "hartlepool.pathways"

    # ---- create: a weak passphrase is refused with the reason, then a strong one twice
    qtbot.mouseClick(u.new_button, Qt.MouseButton.LeftButton)
    u.new_path.setText(str(store_path))
    qtbot.keyClicks(u.new_pass, "password1")
    assert u.meter.value() <= 1
    qtbot.keyClicks(u.repeat, "password1")
    qtbot.mouseClick(u.create_button, Qt.MouseButton.LeftButton)
    assert "too weak" in u.create_message.text()
    assert not store_path.exists()
    qtbot.keyClicks(u.new_pass, STRONG)
    assert u.meter.value() >= 2 and "Strength:" in u.strength.text()
    qtbot.keyClicks(u.repeat, STRONG[:-1])
    qtbot.mouseClick(u.create_button, Qt.MouseButton.LeftButton)
    assert "differ" in u.create_message.text()
    qtbot.keyClicks(u.new_pass, STRONG)
    qtbot.keyClicks(u.repeat, STRONG)
    with qtbot.waitSignal(ws.opened, timeout=20_000):
        qtbot.mouseClick(u.create_button, Qt.MouseButton.LeftButton)
    assert store_path.is_file() and w.root.currentWidget() is w.views

    # ---- close, then a wrong passphrase: a calm message, the field cleared, the file untouched
    w.close_store()
    qtbot.waitUntil(lambda: w.root.currentWidget() is u, timeout=5000)
    before = _digest(store_path)
    qtbot.keyClicks(u.passphrase, "not the passphrase at all")
    with qtbot.waitSignal(ws.runner.idle, timeout=20_000):
        qtbot.keyClick(u.passphrase, Qt.Key.Key_Return)
    assert "didn't unlock hartlepool.pathways" in u.message.text()
    assert u.passphrase.text() == "" and u.message.isVisible()
    assert not ws.is_open and _digest(store_path) == before
    qtbot.keyClicks(u.passphrase, STRONG)
    with qtbot.waitSignal(ws.opened, timeout=20_000):
        qtbot.keyClick(u.passphrase, Qt.Key.Key_Return)

    # ---- a plan, then the structure
    assert w.plan_view.pages.currentIndex() == 0  # "no plan yet" with a Create button
    qtbot.mouseClick(w.plan_view.create_button, Qt.MouseButton.LeftButton)
    form = w.form
    assert isinstance(form, FormDialog)
    qtbot.keyClicks(form.fields["name"], "Safer Hartlepool Partnership")
    qtbot.keyClicks(form.fields["title"], "Reducing Re-offending Delivery Plan 2014-2017")
    with qtbot.waitSignal(ws.plan_loaded, timeout=20_000):
        _ok(form)
    assert ws.data is not None and ws.data.plan.title.startswith("Reducing Re-offending")

    w.commands["new_objective"].trigger()
    assert isinstance(w.form, FormDialog)
    qtbot.keyClicks(w.form.fields["title"], "Reduce re-offending by adults")
    _ok(w.form)
    qtbot.waitUntil(lambda: ws.data is not None and len(ws.data.structure) == 1, timeout=5000)
    w.commands["new_priority"].trigger()
    assert isinstance(w.form, FormDialog)
    assert w.form.fields["code"].text() == "1.1"  # type: ignore[attr-defined]
    qtbot.keyClicks(w.form.fields["text"], "Accommodation for offenders leaving custody")
    _ok(w.form)
    qtbot.waitUntil(lambda: ws.data is not None and len(ws.data.structure[0].priorities) == 1, timeout=5000)

    # a lead officer to own the action (people changes reload the plan on the worker)
    w.show_view("people")
    qtbot.mouseClick(w.people.add_person, Qt.MouseButton.LeftButton)
    assert isinstance(w.form, FormDialog)
    qtbot.keyClicks(w.form.fields["name"], "Sam Patel")
    qtbot.keyClicks(w.form.fields["job_title"], "Housing Liaison Officer")
    with qtbot.waitSignal(ws.plan_loaded, timeout=20_000):
        _ok(w.form)
    sam = next(p for p in ws.data.people if p.name == "Sam Patel")  # type: ignore[union-attr]

    # ---- an action, in the editor; a rule broken shows beside its field
    w.show_view("plan")
    w.plan_view.navigator.select(ws.data.structure[0].id, ws.data.structure[0].priorities[0].id)  # type: ignore[union-attr]
    w.commands["new_action"].trigger()
    editor = w.action_editor
    assert editor is not None and editor.isVisible()
    qtbot.keyClicks(editor.code, "1.1.1")
    editor.start.setDate(QDate(2015, 4, 1))
    qtbot.mouseClick(editor.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert editor.isVisible() and "cannot be empty" in editor.errors["text"].text()
    assert editor.errors["text"].isVisible()
    qtbot.keyClicks(editor.text, "Run a housing pathway pilot for short-sentence prisoners")
    editor.due.setDate(QDate(2014, 4, 1))
    qtbot.mouseClick(editor.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert "before the start date" in editor.errors["due_date"].text()
    editor.due.setDate(QDate(2015, 6, 30))
    editor.leads.chooser.setCurrentIndex(editor.leads.chooser.findData(sam.id))
    qtbot.mouseClick(editor.leads.add_button, Qt.MouseButton.LeftButton)
    editor.pathways.boxes[0].setChecked(True)
    qtbot.keyClicks(editor.timescale, "End June 2015")
    qtbot.mouseClick(editor.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.action_editor is None, timeout=5000)
    assert ws.data is not None and len(ws.data.rows) == 1
    action = ws.data.rows[0]
    assert action.lead_ids == (sam.id,) and action.pathways == ("Accommodation",) and action.overdue
    assert w.plan_view.current_action_id() == action.id

    # an edit that the undo at the end takes back
    qtbot.keyClick(w.plan_view.table, Qt.Key.Key_Return)
    editor = w.action_editor
    assert editor is not None
    editor.status.setCurrentIndex(editor.status.findText("In progress"))
    qtbot.keyClicks(editor.reason, "Pilot started")
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=5000)
    qtbot.keyClick(editor.reason, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save, from the keyboard
    qtbot.waitUntil(lambda: w.action_editor is None, timeout=5000)
    assert ws.data.rows[0].status.value == "in_progress"

    # ---- a quarter, then an update that turns the action Red
    w.commands["open_quarter"].trigger()
    assert isinstance(w.form, FormDialog)
    with qtbot.waitSignal(ws.plan_loaded, timeout=20_000):
        _ok(w.form)
    assert ws.data.current_period is not None and not ws.data.current_period.closed
    w.plan_view.select_action(action.id)
    w.commands["record_update"].trigger()
    dialog = w.update_dialog
    assert dialog is not None and dialog.isVisible()
    assert "Overdue" in dialog.suggestion.text()  # the app suggests Red, and says why
    dialog.rag.first_button().setFocus()  # type: ignore[union-attr]
    qtbot.keyClick(dialog.rag.focusWidget() or dialog.rag, Qt.Key.Key_R)
    assert dialog.rag.value() == "red"
    assert "(required)" in dialog.remedial_label.text()
    qtbot.keyClicks(dialog.commentary, "The landlord pulled out; the pilot has not started housing anyone.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "needs a remedial action" in dialog.errors["remedial_action"].text()
    assert ws.data.rows[0].rag is None  # nothing recorded
    qtbot.keyClicks(dialog.remedial, "Approach the two housing associations on the panel by May.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.update_dialog is None, timeout=5000)
    row = ws.data.rows[0]
    assert row.rag == "red" and row.updated_this_period

    # ---- filters
    filters = w.plan_view.filters
    filters.rag.setCurrentIndex(filters.rag.findData("red"))
    assert w.plan_view.proxy.rowCount() == 1
    filters.rag.setCurrentIndex(filters.rag.findData("green"))
    assert w.plan_view.proxy.rowCount() == 0
    filters.clear()
    qtbot.keyClicks(filters.search, "housing PILOT")
    assert w.plan_view.proxy.rowCount() == 1
    qtbot.keyClicks(filters.search, " nowhere")
    assert w.plan_view.proxy.rowCount() == 0 and "Showing 0 of 1" in filters.count.text()
    filters.search.clear()
    filters.overdue.setChecked(True)
    assert w.plan_view.proxy.rowCount() == 1
    filters.overdue.setChecked(False)

    # ---- undo: the status edit is reversed by one more audited edit
    assert w.undo.canUndo() and "status" in w.undo.undoText()
    w.commands["undo"].trigger()
    assert ws.data.rows[0].status.value == "not_started"
    with ws.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc())).first()
        assert last is not None and last.reason == "Undo" and last.entity == "action"
    w.commands["redo"].trigger()
    assert ws.data.rows[0].status.value == "in_progress"
    w.commands["undo"].trigger()
    w.plan_view.select_action(action.id)
    filters.rag.setCurrentIndex(filters.rag.findData("red"))

    # ---- idle lock (a short timeout for the test), then unlock: back where they were
    w.idle.set_timeout_ms(250)
    with qtbot.waitSignal(ws.closed, timeout=10_000):
        pass
    assert w.root.currentWidget() is u and not ws.is_open and ws.store is None
    assert w.plan_view.model.rowCount() == 0  # nothing of the plan left on screen
    assert "locked" in u.message.text().lower()
    qtbot.keyClicks(u.passphrase, STRONG)
    with qtbot.waitSignal(ws.opened, timeout=20_000):
        qtbot.keyClick(u.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.plan_view.model.rowCount() == 1, timeout=5000)
    assert w.current_view() == "plan"
    assert w.plan_view.current_action_id() == action.id
    assert filters.rag.currentData() == "red"
    assert w.undo.canRedo()  # the undo history survives a lock of the same store
    w.idle.stop()

    # everything went to the audit trail, and the chain is intact
    store_path_copy = tmp_path / "check.pathways"
    w.close_store()
    qtbot.waitUntil(lambda: not ws.is_open, timeout=5000)
    store_path_copy.write_bytes(store_path.read_bytes())
    with Store.open(store_path_copy, STRONG) as store, store.session() as session:
        from desktop.services.audit import verify_chain

        assert verify_chain(session).ok
        reasons = [e.reason for e in session.scalars(select(AuditEvent))]
        assert "Pilot started" in reasons and reasons.count("Undo") == 2 and "Redo" in reasons
    assert dt.date.today()  # (the quarter opened is the current one)
