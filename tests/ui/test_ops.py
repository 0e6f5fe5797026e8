"""The operation API (desktop.ui.ops): changes are audited under the person at the keyboard when they run, results
for a screen that has gone are dropped, and failures reach the one error presenter."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session
from ui_fakes import FakeDialogs

from desktop.errors import PathwaysError
from desktop.models import AuditEvent, Objective, Person
from desktop.services import plans
from desktop.services.actor import Actor
from desktop.ui import ops
from desktop.ui.main_window import MainWindow
from desktop.ui.tasks import TaskState
from desktop.ui.workspace import Change


def _rename_first_objective(title: str):  # type: ignore[no-untyped-def]
    def work(session: Session, actor: Actor, state: TaskState) -> int:
        objective = session.scalars(select(Objective).order_by(Objective.id)).first()
        assert objective is not None
        plans.edit(session, actor, objective, {"title": title})
        return objective.id

    return work


def test_a_change_is_audited_under_the_person_chosen_after_wiring(qtbot: QtBot, demo_window: MainWindow) -> None:
    w = demo_window
    with w.workspace.session() as session:
        person = session.scalars(select(Person).order_by(Person.id)).first()
        assert person is not None
        person_id, label = person.id, Actor.for_person(person).label
    w.workspace.set_person(person_id)  # Tools › Who am I…, after every screen was built
    done: list[int] = []
    ops.change(w.context, w, _rename_first_objective("Renamed under ops"), Change(structure=True), done.append,
               title="Rename")
    assert done
    with w.workspace.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc())).first()
        assert event is not None and event.actor_id == person_id and event.actor_label == label


def test_results_for_a_screen_that_has_gone_are_dropped(qtbot: QtBot, demo_window: MainWindow,
                                                         dialogs: FakeDialogs) -> None:
    w = demo_window
    screen = QWidget()
    seen: list[object] = []
    import shiboken6

    shiboken6.delete(screen)  # locked and dropped before the answer came back
    ops.query(w.context, screen, lambda session, state: 42, seen.append, title="Count")
    ops.query(w.context, screen, _fail, seen.append, title="Count")
    assert seen == [] and dialogs.shown == []


def test_a_failure_goes_to_the_one_presenter(qtbot: QtBot, demo_window: MainWindow, dialogs: FakeDialogs) -> None:
    w = demo_window
    ops.query(w.context, w, _fail, lambda _: None, title="Count the plans…")
    assert dialogs.shown == [("error", "Count the plans", "The plan was archived.")]
    ops.query(w.context, w, _crash, lambda _: None, title="Count")
    kind, title, text = dialogs.shown[-1]
    assert (kind, title) == ("error", "Count") and "KeyError" in text and "secret" not in text


def _fail(session: Session, state: TaskState) -> int:
    raise PathwaysError("The plan was archived.")


def _crash(session: Session, state: TaskState) -> int:
    raise KeyError("secret value")
