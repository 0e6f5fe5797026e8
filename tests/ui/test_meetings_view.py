"""The Meetings view, offscreen: listing, item editing through the services, building a pack."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.models import AgendaItem, AuditEvent, Part, Plan
from desktop.resources import resource_path
from desktop.services.actor import Actor
from desktop.services.meeting_demo import load_demo_meeting
from desktop.store import Store
from desktop.ui.meetings_view import (
    AgendaTableModel,
    CoverReportDialog,
    MeetingsView,
    contacts_from_text,
    sections_from_text,
)
from desktop.ui.tasks import TaskRunner


class FakeDialogs:
    """Stands in for DialogService: answers at once and remembers what was shown."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str, str]] = []
        self.save_path: Path | None = None
        self.open_path: Path | None = None
        self.confirm_answer = True

    def inform(self, parent: Any, title: str, text: str, detail: str = "") -> None:
        self.shown.append(("inform", title, text, detail))

    def error(self, parent: Any, title: str, text: str, detail: str = "") -> None:
        self.shown.append(("error", title, text, detail))

    def confirm(self, parent: Any, title: str, text: str, on_answer: Callable[[bool], None], **_: Any) -> None:
        on_answer(self.confirm_answer)

    def choose_save_file(self, parent: Any, title: str, on_chosen: Callable[[Path], None], **_: Any) -> None:
        if self.save_path is not None:
            on_chosen(self.save_path)

    def choose_open_file(self, parent: Any, title: str, on_chosen: Callable[[Path], None], **_: Any) -> None:
        if self.open_path is not None:
            on_chosen(self.open_path)


@pytest.fixture
def meeting_store(demo_store: Store) -> Store:
    with demo_store.session() as session:
        load_demo_meeting(session, {p.title: p for p in session.scalars(select(Plan))}, resource_path("demo"))
    return demo_store


@pytest.fixture
def view(qtbot: QtBot, meeting_store: Store) -> Iterator[tuple[MeetingsView, FakeDialogs]]:
    dialogs = FakeDialogs()
    widget = MeetingsView(meeting_store, actor=Actor(None, "Clerk at the desk"), dialogs=dialogs,  # type: ignore[arg-type]
                          runner=TaskRunner(inline=True))
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    yield widget, dialogs


def _select(view: MeetingsView, number: str) -> None:
    for row in range(view.model.rowCount()):
        if view.model.entry(row).number == number:
            view.table.selectRow(row)
            return
    raise AssertionError(f"no item {number}")


def test_lists_committees_meetings_and_the_numbered_agenda(view: tuple[MeetingsView, FakeDialogs]) -> None:
    widget, _ = view
    QAbstractItemModelTester(widget.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    top = widget.tree.topLevelItem(0)
    assert top is not None and top.text(0).startswith("Safer and Stronger Communities")
    assert top.child(0).text(0) == "Monday 15 February 2016, 9.30 am, Committee Room 2, County Hall, Durham"
    assert widget.model.rowCount() == 15
    numbers = [widget.model.entry(r).number for r in range(15)]
    assert numbers == [str(n) for n in range(1, 16)]
    last = widget.model.index(14, AgendaTableModel.PART)
    assert widget.model.data(last) == "B (para 1)"
    assert "individual" in widget.model.data(last, Qt.ItemDataRole.ToolTipRole)
    assert widget.model.data(widget.model.index(8, AgendaTableModel.PAPERS)) == "cover report, 1 attached"
    assert widget.warning.isHidden()  # issued with five clear days


def test_editing_an_item_saves_through_the_services(view: tuple[MeetingsView, FakeDialogs], meeting_store: Store,
                                                    qtbot: QtBot) -> None:
    widget, dialogs = view
    _select(widget, "11")
    assert widget.editor.title.text() == "Police and Crime Panel" and widget.editor.isEnabled()
    widget.editor.title.setText("Police and Crime Panel update")
    widget.editor.presented_by.setText("the Overview and Scrutiny Officer")
    with qtbot.waitSignal(widget.changed):
        widget.editor.save.click()
    with meeting_store.session() as session:
        item = session.scalars(select(AgendaItem).where(AgendaItem.title == "Police and Crime Panel update")).one()
        assert item.presented_by == "the Overview and Scrutiny Officer"
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc())).first()
        assert last is not None and last.actor_label == "Clerk at the desk" and last.entity == "agenda_item"
    assert widget.model.entry(10).title == "Police and Crime Panel update"
    # Part B without a paragraph is refused, with the reason, and nothing changes.
    widget.editor.part.setCurrentIndex(widget.editor.part.findData(Part.B))
    widget.editor.save.click()
    assert dialogs.shown[-1][0] == "error" and "Schedule 12A" in dialogs.shown[-1][2]
    with meeting_store.session() as session:
        assert len(session.scalars(select(AgendaItem).where(AgendaItem.part == Part.B)).all()) == 1


def test_add_move_and_delete_items(view: tuple[MeetingsView, FakeDialogs]) -> None:
    widget, _ = view
    widget.add_button.click()
    assert widget.model.rowCount() == 16
    new = widget.model.entry(13)
    assert new.title == "New item" and new.number == "14"  # before "Such other business"
    assert widget.model.entry(14).title.startswith("Such other business")
    widget.up_button.click()
    assert widget.model.entry(12).title == "New item"
    widget.delete_button.click()
    assert widget.model.rowCount() == 15 and all(widget.model.entry(r).title != "New item" for r in range(15))
    _select(widget, "1")
    assert not widget.delete_button.isEnabled()  # standing items stay


def test_attaching_a_bad_file_says_which(view: tuple[MeetingsView, FakeDialogs], tmp_path: Path) -> None:
    widget, dialogs = view
    _select(widget, "11")
    bad = tmp_path / "Panel report.docx.pdf"
    bad.write_bytes(b"PK\x03\x04 not really a PDF")
    dialogs.open_path = bad
    widget.attach_button.click()
    assert dialogs.shown[-1][0] == "error" and dialogs.shown[-1][2].startswith("Panel report.docx.pdf is not a PDF")


def test_cover_report_dialog_round_trip(view: tuple[MeetingsView, FakeDialogs], meeting_store: Store,
                                        qtbot: QtBot) -> None:
    widget, _ = view
    _select(widget, "11")
    widget.cover_button.click()
    dialog = widget.findChild(CoverReportDialog)
    assert dialog is not None and dialog.implications.rowCount() == 11
    dialog.fields["purpose"].setPlainText("To update members on the Police and Crime Panel.")  # type: ignore[union-attr]
    dialog.fields["sections"].setPlainText("## Detail\nThe Panel met in January.")  # type: ignore[union-attr]
    dialog.fields["contacts"].setPlainText("Overview and Scrutiny Officer | Durham County Council")  # type: ignore[union-attr]
    dialog.done(QDialog.DialogCode.Accepted)
    with meeting_store.session() as session:
        item = session.scalars(select(AgendaItem).where(AgendaItem.title == "Police and Crime Panel")).one()
        assert item.cover_report is not None
        assert item.cover_report.sections[0].heading == "Detail"
        assert item.cover_report.contacts[0].title == "Durham County Council"
        assert len(item.cover_report.implications) == 11
    assert widget.docx_button.isEnabled()


def test_text_helpers() -> None:
    sections = sections_from_text("Intro\n## Current Position\nA\nB\n## Next Steps\nC")
    assert [(s.heading, s.body) for s in sections] == [("", "Intro"), ("Current Position", "A\nB"), ("Next Steps", "C")]
    assert contacts_from_text("Name | Title | 0300 | a@b\n\n")[0].email == "a@b"


def test_build_pack_writes_the_pdf_and_reports_the_ranges(view: tuple[MeetingsView, FakeDialogs], tmp_path: Path,
                                                          qtbot: QtBot) -> None:
    widget, dialogs = view
    dialogs.save_path = tmp_path / "agenda.pdf"
    widget.sign_box.setChecked(False)
    with qtbot.waitSignal(widget.pack_built, timeout=30_000) as blocker:
        widget.build_button.click()
    pack = blocker.args[0]
    assert dialogs.save_path.read_bytes() == pack.pdf and not pack.signed
    kind, title, _, detail = dialogs.shown[-1]
    assert kind == "inform" and title == "Agenda pack built"
    assert "9. County Durham and Darlington Reducing Re-offending Strategy 2015/18: Delivery Plan Update (Pages" \
        in detail
    assert widget.isEnabled()


def test_build_part_b_signed(view: tuple[MeetingsView, FakeDialogs], tmp_path: Path, qtbot: QtBot) -> None:
    widget, dialogs = view
    dialogs.save_path = tmp_path / "part-b.pdf"
    with qtbot.waitSignal(widget.pack_built, timeout=30_000) as blocker:
        widget.build_b_button.click()
    assert blocker.args[0].signed and blocker.args[0].part == "B"
    assert dialogs.save_path.exists()


def test_schedule_12a_list_is_the_committees_own_with_descriptions(view: tuple[MeetingsView, FakeDialogs]) -> None:
    """Durham is in England: paragraphs 1-7 of Part 1, each with what it covers (issue #14)."""
    widget, _ = view
    _select(widget, "15")
    combo = widget.editor.paragraph
    keys = [combo.itemData(i) for i in range(combo.count())]
    assert keys == ["", "1", "2", "3", "4", "5", "6", "7"]
    assert combo.currentData() == "1"
    assert combo.itemText(1) == "Paragraph 1: Information relating to any individual."
    assert "prosecution of crime" in combo.itemText(7)
