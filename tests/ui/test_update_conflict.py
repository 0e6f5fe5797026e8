"""Two people update the same action: the second is told, shown the first's update, and keeps their own text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.models import Action, ActionUpdate, Person, ReportingPeriod
from desktop.services.actor import Actor
from desktop.services.updates import record_update
from desktop.store import Store
from desktop.ui.main_window import MainWindow

MINE = "Referrals slowed while the new provider settles in; a recovery plan is agreed with the commissioner."
THEIRS = "Caseload review done with probation: on track."


def _record_elsewhere(path: Path, passphrase: str, action_id: int, period_id: int) -> str:
    """Another person, in another session on the same store, records an update first; returns their name."""
    with Store.open(path, passphrase) as other, other.session() as session:
        action = session.get(Action, action_id)
        period = session.get(ReportingPeriod, period_id)
        assert action is not None and period is not None
        author = session.scalars(select(Person).where(Person.active).order_by(Person.id.desc())).first()
        assert author is not None
        record_update(session, Actor.for_person(author), action, period, rag="green", percent_complete=55,
                      commentary=THEIRS, author=author)
        return author.display_name


def test_a_save_after_someone_elses_update_is_refused_shown_theirs_and_keeps_mine(
    qtbot: QtBot, demo_window: MainWindow, demo_store_path: Path, passphrase: str, tmp_path: Path
) -> None:
    w = demo_window
    data = w.workspace.data
    assert data is not None and data.current_period is not None
    waiting = w.plan_view.awaiting_ids()
    assert waiting
    action_id = waiting[0]
    w.record_update(action_id)
    dialog = w.update_dialog
    assert dialog is not None
    dialog.rag.set_value("amber")
    dialog.percent.setValue(30)
    dialog.commentary.setPlainText(MINE)
    dialog.remedial.setPlainText("Weekly referral meeting with the provider until the backlog clears.")
    if dialog.owner.currentData() is None:  # Amber needs a remedial owner
        dialog.owner.setCurrentIndex(1)

    who = _record_elsewhere(demo_store_path, passphrase, action_id, data.current_period.id)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # not saved, not closed
    assert "Someone else recorded an update" in dialog.general_error.text()
    assert dialog.theirs_card.isVisibleTo(dialog)
    shown = dialog.their_update.text()
    assert who in shown and THEIRS in shown and "55% complete" in shown and "Green" in shown
    assert dialog.their_update.accessibleName() == shown
    # Nothing of theirs overwrote mine: the form still holds what I typed.
    assert dialog.commentary.toPlainText() == MINE
    assert dialog.rag.value() == "amber" and dialog.percent.value() == 30
    with w.workspace.session() as session:
        texts = session.scalars(select(ActionUpdate.commentary).where(ActionUpdate.action_id == action_id)).all()
    assert THEIRS in texts and MINE not in texts
    dialog.resize(880, 760)
    dialog.grab().save(str(tmp_path / "update-conflict.png"))

    # Having seen theirs, I save again: judged against the version I was shown, so it goes through.
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with w.workspace.session() as session:
        newest = session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == action_id)
                                 .order_by(ActionUpdate.id.desc())).first()
        assert newest is not None
        assert newest.commentary == MINE and newest.rag == "amber" and newest.percent_complete == 30
