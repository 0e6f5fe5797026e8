"""ProfilesView: the side-by-side disclosure preview and the import dialog, offscreen with pytest-qt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QTableView, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.models import ProfileAppendix, ProfileSubject
from desktop.services.disclosure.importing import ImportResult
from desktop.services.queries import find_plan
from desktop.store import Store
from desktop.ui.dialog_service import DialogService
from desktop.ui.profiles_view import (
    GENERALISED_SYMBOL,
    HIDDEN_SYMBOL,
    MARK_ROLE,
    MASK,
    ChooseFile,
    ImportSubjectsDialog,
    Mark,
    PairWidgets,
    ProfilesView,
)

AGE_TABLE = "Offenders by age band and gender"
IMPORT_CSV = (
    "Full name,DOB,PNC,Age,Sex,Ward,Shoplifting,Notes\n"
    "Testname Alpha,1985-04-12,11/1111111Q,29,M,Rift House,3,called twice\n"
    "Testname Bravo,12/01/1990,22/2222222Q,34,female,Owton,0,\n"
)


class RecordingDialogs(DialogService):
    def __init__(self) -> None:
        super().__init__()
        self.errors: list[tuple[str, str]] = []

    def error(self, parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
        self.errors.append((title, text))


@pytest.fixture
def plan_id(demo_store: Store) -> int:
    with demo_store.session() as session:
        return find_plan(session, "Hartlepool").id


@pytest.fixture
def names(demo_store: Store) -> list[str]:
    with demo_store.session() as session:
        found = [n for n in session.scalars(select(ProfileSubject.name)) if n]
    assert found
    return found


@pytest.fixture
def make_view(qtbot: QtBot, demo_store: Store, plan_id: int) -> Iterator[Callable[..., ProfilesView]]:
    def make(choose_file: ChooseFile | None = None, dialogs: DialogService | None = None) -> ProfilesView:
        view = ProfilesView(demo_store, plan_id, choose_file=choose_file, dialogs=dialogs)
        qtbot.addWidget(view)
        view.resize(1440, 900)
        view.show()
        return view

    yield make


def _pair(view: ProfilesView, title: str) -> PairWidgets:
    return next(p for p in view.pairs if p.title == title)


def _cells(model: QAbstractItemModel) -> Iterator[tuple[int, int]]:
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            yield r, c


def _screen_text(view: QWidget) -> str:
    """Every piece of text the view puts on screen: labels, list items, table cells and headers (every table it
    holds, shown or not, so that nothing pending a show can slip past)."""
    QApplication.processEvents()  # widgets added to a shown layout are shown by a queued call
    parts = [label.text() for label in view.findChildren(QLabel) if label.isVisibleTo(view)]
    for lst in view.findChildren(QListWidget):
        parts += [lst.item(i).text() for i in range(lst.count())]
    for table in view.findChildren(QTableView):
        model = table.model()
        parts += [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]
        parts += [str(model.index(r, c).data()) for r, c in _cells(model)]
        parts += [str(model.index(r, c).data(Qt.ItemDataRole.ToolTipRole)) for r, c in _cells(model)]
    return "\n".join(parts)


def _subjects(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(ProfileSubject)) or 0


def test_public_preview_marks_small_counts_with_colour_symbol_and_tooltip(
    make_view: Callable[..., ProfilesView],
) -> None:
    view = make_view()
    assert view.profile == "public"
    assert view.rule_label.text() == "Rule: <5 with secondary suppression"
    assert "Counts of 1 to 4" in view.rule_label.toolTip()

    pair = _pair(view, AGE_TABLE)
    published, held = pair.published_model, pair.held_model
    assert published is not None and held is not None
    small = [(r, c) for r, c in _cells(published) if published.index(r, c).data() == "<5"]
    assert small
    for r, c in small:
        index = published.index(r, c)
        assert index.data(MARK_ROLE) is Mark.PRIMARY
        assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
        assert "Suppressed" in index.data(Qt.ItemDataRole.ToolTipRole)
        # the same cell on the store side: the true count, marked with a symbol as well as a colour
        held_index = held.index(r, c)
        assert held_index.data(MARK_ROLE) is Mark.HIDDEN
        assert held_index.data().endswith(HIDDEN_SYMBOL)
        assert held_index.data(Qt.ItemDataRole.BackgroundRole) is not None
    stars = [(r, c) for r, c in _cells(published) if published.index(r, c).data() == "*"]
    assert stars and all(published.index(r, c).data(MARK_ROLE) is Mark.SECONDARY for r, c in stars)
    shown = [(r, c) for r, c in _cells(published) if c and (r, c) not in small and (r, c) not in stars]
    assert all(published.index(r, c).data(MARK_ROLE) is None for r, c in shown)
    assert all(published.index(r, c).data(Qt.ItemDataRole.BackgroundRole) is None for r, c in shown)
    assert pair.published_label is not None and "Counts of 1 to 4" in pair.published_label.text()
    assert not view.notice.isVisibleTo(view)


def test_subject_rows_are_a_count_until_identifiers_are_shown(
    make_view: Callable[..., ProfilesView], names: list[str]
) -> None:
    view = make_view()
    rows = view.pairs[0]
    assert rows.held_model is None and rows.held_label is not None
    assert "60 subject rows held in the store" in rows.held_label.text()
    assert not view.identifiers_toggle.isChecked()
    for profile in ("public", "partner", "restricted"):
        view.set_profile(profile)
        text = _screen_text(view)
        assert not any(name in text for name in names), profile

    view.set_profile("partner")
    view.identifiers_toggle.click()
    assert view.identifiers_warning.isVisibleTo(view)
    assert any(name in _screen_text(view) for name in names)
    held = view.pairs[0].held_model
    assert held is not None and held.index(0, 0).data(MARK_ROLE) is Mark.REPLACED

    view.hide()  # leaving the view switches identifiers off
    assert not view.identifiers_toggle.isChecked()
    view.show()
    assert not any(name in _screen_text(view) for name in names)


def test_partner_rows_show_generalised_cells(make_view: Callable[..., ProfilesView]) -> None:
    view = make_view()
    view.set_profile("partner")
    rows = view.pairs[0]
    assert rows.published_model is not None
    model = rows.published_model
    assert model.index(0, 0).data().startswith("Offender ")
    generalised = [(r, c) for r, c in _cells(model) if model.index(r, c).data(MARK_ROLE) is Mark.GENERALISED]
    assert generalised
    r, c = generalised[0]
    assert model.index(r, c).data().endswith(GENERALISED_SYMBOL)
    assert "Generalised" in model.index(r, c).data(Qt.ItemDataRole.ToolTipRole)
    assert rows.held_label is not None and "4 withheld" in rows.held_label.text()

    # shown in the printed order first; sorting by pseudonym is numeric ("Offender 10" after "Offender 9")
    assert rows.published_view is not None
    shown = rows.published_view.model()
    printed = [shown.index(r, 0).data() for r in range(shown.rowCount())]
    assert printed == [model.index(r, 0).data() for r in range(model.rowCount())]
    rows.published_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [shown.index(r, 0).data() for r in range(3)] == [f"Offender {n}" for n in (56, 55, 54)]
    rows.published_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [shown.index(r, 0).data() for r in range(11)] == [f"Offender {n}" for n in range(1, 12)]


def test_switching_to_restricted_shows_the_notice(make_view: Callable[..., ProfilesView]) -> None:
    view = make_view()
    view.profile_combo.setCurrentIndex(view.profile_combo.findData("restricted"))
    assert view.profile == "restricted"
    assert view.notice.isVisibleTo(view)
    assert "redacted due to potentially identifiable information" in view.notice.text()
    assert "HBC Community Safety Team" in view.notice.text()
    assert all(p.published_model is None for p in view.pairs)
    pair = _pair(view, AGE_TABLE)
    assert pair.published_label is not None and "Not published" in pair.published_label.text()
    assert pair.held_model is not None
    assert all(pair.held_model.index(r, c).data(MARK_ROLE) is Mark.NOT_PUBLISHED
               for r, c in _cells(pair.held_model) if c)

    view.set_profile("public")
    assert not view.notice.isVisibleTo(view)


def _open_import(view: ProfilesView, qtbot: QtBot) -> ImportSubjectsDialog:
    view.import_button.click()
    dialog = view.import_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_mapping_dialog_imports_a_csv(
    make_view: Callable[..., ProfilesView], qtbot: QtBot, tmp_path: Path, demo_store: Store
) -> None:
    source = tmp_path / "cohort.csv"
    source.write_text(IMPORT_CSV, encoding="utf-8")
    chosen: list[QWidget] = []

    def choose(parent: QWidget, on_chosen: Callable[[Path], None]) -> None:
        chosen.append(parent)
        on_chosen(source)

    view = make_view(choose_file=choose)
    before = _subjects(demo_store)
    dialog = _open_import(view, qtbot)
    assert chosen == [view]
    assert dialog.mapping() == {
        "Full name": "name", "DOB": "date_of_birth", "PNC": "pnc_id", "Age": "age", "Sex": "gender",
        "Ward": "district", "Shoplifting": "", "Notes": "",
    }
    # the preview of the first rows: identifier and ignored columns masked, the rest shown
    proxy = dialog.rows_view.model()
    headers = [proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(proxy.columnCount())]
    row0 = [proxy.index(0, c).data() for c in range(proxy.columnCount())]
    assert dict(zip(headers, row0, strict=True)) == {
        "Full name": MASK, "DOB": MASK, "PNC": MASK, "Age": "29", "Sex": "M", "Ward": "Rift House",
        "Shoplifting": MASK, "Notes": MASK,
    }
    dialog.set_field("Shoplifting", "offence:Shoplifting")
    assert proxy.index(0, headers.index("Shoplifting")).data() == "3"
    assert "Testname" not in _screen_text(dialog)

    with qtbot.waitSignal(view.imported, timeout=5000) as signal:
        dialog.import_button.click()
    result = signal.args[0]
    assert isinstance(result, ImportResult) and result.imported == 2 and result.replaced == 0
    assert _subjects(demo_store) == before + 2
    qtbot.waitUntil(lambda: view.import_dialog is None)
    with demo_store.session() as session:
        appendix = session.get(ProfileAppendix, result.appendix_id)
        assert appendix is not None
        imported = appendix.subjects[-2:]
        assert [s.gender for s in imported] == ["Male", "Female"]
        assert imported[0].offences == {"Shoplifting": 3} and imported[0].district == "Rift House"
    assert view.pairs[0].held_label is not None and "62 subject rows" in view.pairs[0].held_label.text()


def test_rejected_file_keeps_the_dialog_open_and_writes_nothing(
    make_view: Callable[..., ProfilesView], qtbot: QtBot, tmp_path: Path, demo_store: Store
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(IMPORT_CSV.replace(",29,M,", ",twenty-nine,M,"), encoding="utf-8")
    view = make_view(choose_file=lambda parent, on_chosen: on_chosen(source))
    before = _subjects(demo_store)
    dialog = _open_import(view, qtbot)
    dialog.import_button.click()
    assert dialog.isVisible()
    assert dialog.error.isVisibleTo(dialog)
    assert "Row 2" in dialog.error.text() and "Nothing was imported" in dialog.error.text()
    assert "twenty" not in dialog.error.text()
    assert _subjects(demo_store) == before
    dialog.reject()


def test_unreadable_file_is_reported_through_the_dialog_service(
    make_view: Callable[..., ProfilesView], tmp_path: Path
) -> None:
    source = tmp_path / "binary.csv"
    source.write_bytes(b"\x00\x01\x02")
    dialogs = RecordingDialogs()
    view = make_view(choose_file=lambda parent, on_chosen: on_chosen(source), dialogs=dialogs)
    view.import_button.click()
    assert view.import_dialog is None
    assert dialogs.errors and dialogs.errors[0][0] == "Not imported"


def test_models_pass_the_model_tester(
    make_view: Callable[..., ProfilesView], qtmodeltester: Any, qtbot: QtBot, tmp_path: Path
) -> None:
    source = tmp_path / "cohort.csv"
    source.write_text(IMPORT_CSV, encoding="utf-8")
    view = make_view(choose_file=lambda parent, on_chosen: on_chosen(source))
    checked = 0
    for profile in ("public", "partner", "restricted"):
        view.set_profile(profile)
        if profile == "partner":
            view.identifiers_toggle.setChecked(True)
        for pair in view.pairs:
            for model, table in ((pair.held_model, pair.held_view), (pair.published_model, pair.published_view)):
                if model is not None and table is not None:
                    qtmodeltester.check(model)
                    qtmodeltester.check(table.model())
                    checked += 1
    assert checked > 10
    dialog = _open_import(view, qtbot)
    qtmodeltester.check(dialog.rows_model)
    qtmodeltester.check(dialog.rows_view.model())
    dialog.reject()
