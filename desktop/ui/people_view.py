"""People and organisations: manage lead officers and partner agencies, and see each lead's actions and workload."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QWidget,
)

from desktop.services.readmodels import LeadLoad, OrganisationInfo, PersonInfo, PlanData, lead_workload
from desktop.settings import PEOPLE_SPLITTER, Settings
from desktop.ui.action_table_model import (
    COL_FORECAST,
    COL_LEAD,
    COL_ORGANISATION,
    COL_UPDATED,
    ActionFilter,
    ActionFilterProxy,
    ActionTableModel,
)
from desktop.ui.icons import icon
from desktop.ui.plan_view import make_action_table
from desktop.ui.rag_delegate import rag_pixmap
from desktop.ui.record_model import Column, RecordProxy, RecordTableModel
from desktop.ui.tables import record_table
from desktop.ui.widgets import (
    SCREEN_MARGINS,
    column_of,
    heading_label,
    named,
    page_of,
    row_of,
    wrapped_label,
)

COL_NAME, COL_TITLE, COL_ORG, COL_LEADS, COL_JOINT, COL_AWAITING, COL_OVERDUE, COL_RED_AMBER, COL_ACTIVE = range(9)
COL_ORG_NAME, COL_ORG_SHORT, COL_ORG_KIND, COL_ORG_PEOPLE, COL_ORG_ACTIONS = range(5)


@dataclass(frozen=True)
class PersonLoad:
    person: PersonInfo
    load: LeadLoad | None
    needs_remedial: int  # actions at a status that needs a remedial action (Red, Amber…)


@dataclass(frozen=True)
class OrganisationRow:
    organisation: OrganisationInfo
    people: int
    actions: int


def _n(value: int) -> str:
    return f"{value:,}" if value else "–"


def people_model(parent: QWidget) -> RecordTableModel:
    return RecordTableModel([
        Column("Name or role", lambda r: r.person.name or r.person.job_title,
               lambda r: (r.person.name or r.person.job_title).casefold(),
               lambda r: r.person.display_name, header_tip="The person's name, or the role for leads named by role"),
        Column("Job title", lambda r: r.person.job_title if r.person.name else ""),
        Column("Organisation", lambda r: r.person.organisation),
        Column("Leads", lambda r: _n(r.load.primary if r.load else 0), lambda r: r.load.primary if r.load else 0,
               numeric=True, header_tip="Actions this person leads (primary lead)"),
        Column("Joint", lambda r: _n(r.load.joint if r.load else 0), lambda r: r.load.joint if r.load else 0,
               numeric=True, header_tip="Actions where this person is a joint lead"),
        Column("Awaiting", lambda r: _n(r.load.awaiting_update if r.load else 0),
               lambda r: r.load.awaiting_update if r.load else 0,
               numeric=True, header_tip="Actions still needing an update in the open quarter"),
        Column("Overdue", lambda r: _n(r.load.overdue if r.load else 0), lambda r: r.load.overdue if r.load else 0,
               numeric=True, header_tip="Actions past their due date and not complete"),
        Column("Red/Amber", lambda r: _n(r.needs_remedial), lambda r: r.needs_remedial,
               numeric=True, header_tip="Actions at a status that needs a remedial action (Red, Amber…)"),
        Column("Active", lambda r: "Yes" if r.person.active else "No (archived)", lambda r: r.person.active),
    ], parent)


def organisations_model(parent: QWidget) -> RecordTableModel:
    return RecordTableModel([
        Column("Organisation", lambda r: r.organisation.name),
        Column("Short name", lambda r: r.organisation.short_name),
        Column("Kind", lambda r: r.organisation.kind.replace("_", " ").capitalize()
               .replace("Yos", "Youth offending service").replace("Crc", "CRC")),
        Column("People", lambda r: _n(r.people), lambda r: r.people, numeric=True),
        Column("Actions led", lambda r: _n(r.actions), lambda r: r.actions, numeric=True),
    ], parent)


class PeopleView(QWidget):
    """Signals:
        add_person_requested(), edit_person_requested(int),
        add_organisation_requested(), edit_organisation_requested(int),
        action_activated(int): open this action (from the selected lead's list).
    """

    add_person_requested = Signal()
    edit_person_requested = Signal(int)
    add_organisation_requested = Signal()
    edit_organisation_requested = Signal(int)
    action_activated = Signal(int)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("people_view")
        self.settings = settings
        self.data: PlanData | None = None

        self.people = people_model(self)
        self.people_proxy = RecordProxy(self)
        self.people_proxy.setSourceModel(self.people)
        self.people_table = record_table(self.people_proxy, "people_table", "Lead officers")
        for column, width in ((COL_NAME, 300), (COL_TITLE, 120), (COL_ORG, 120), (COL_LEADS, 60), (COL_JOINT, 56),
                              (COL_AWAITING, 84), (COL_OVERDUE, 76), (COL_RED_AMBER, 88)):
            self.people_table.setColumnWidth(column, width)
        self.people_table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.organisations = organisations_model(self)
        self.org_proxy = RecordProxy(self)
        self.org_proxy.setSourceModel(self.organisations)
        self.org_table = record_table(self.org_proxy, "organisations_table", "Partner organisations")
        for column, width in ((COL_ORG_NAME, 300), (COL_ORG_SHORT, 140), (COL_ORG_KIND, 200), (COL_ORG_PEOPLE, 80)):
            self.org_table.setColumnWidth(column, width)
        self.org_table.sortByColumn(COL_ORG_NAME, Qt.SortOrder.AscendingOrder)

        self.add_person = named(QPushButton(icon("person"), "&Add person…"), "add_person")
        self.edit_person = named(QPushButton(icon("edit"), "&Edit person…"), "edit_person")
        self.add_org = named(QPushButton(icon("organisation"), "Add &organisation…"), "add_organisation")
        self.edit_org = named(QPushButton(icon("edit"), "Edit o&rganisation…"), "edit_organisation")

        people_page = page_of(row_of(self.add_person, self.edit_person, None), self.people_table, top=8,
                              stretch_last=True)
        org_page = page_of(row_of(self.add_org, self.edit_org, None), self.org_table, top=8, stretch_last=True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("people_tabs")
        self.tabs.setAccessibleName("People and organisations")
        self.tabs.addTab(people_page, icon("people"), "&People")
        self.tabs.addTab(org_page, icon("organisation"), "Or&ganisations")

        # The selected lead's workload and actions.
        self.lead_heading = heading_label("Workload")
        self.lead_summary = wrapped_label("Select a person to see the actions they lead.", "lead_summary")
        self.rag_row = QHBoxLayout()
        self.rag_row.setSpacing(6)
        self.actions_model = ActionTableModel(self)
        self.actions_proxy = ActionFilterProxy(self)
        self.actions_proxy.setSourceModel(self.actions_model)
        self.actions_proxy.set_filter(ActionFilter(only_ids=frozenset()))
        self.actions_table = make_action_table(self.actions_proxy, "lead_actions", "Actions this person leads")
        for column in (COL_LEAD, COL_ORGANISATION, COL_FORECAST, COL_UPDATED):
            self.actions_table.hideColumn(column)
        side = QWidget()
        column_of(self.lead_heading, self.lead_summary, self.rag_row, (self.actions_table, 1), parent=side,
                  margins=(8, 0, 0, 0), spacing=6)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(side)
        self.splitter.setSizes([820, 600])
        self.splitter.setChildrenCollapsible(False)
        state = settings.get(PEOPLE_SPLITTER)
        if not state.isEmpty():
            self.splitter.restoreState(state)
        self.heading = heading_label("People and organisations")
        column_of(self.heading, (self.splitter, 1), parent=self, margins=SCREEN_MARGINS, spacing=8)

        self.add_person.clicked.connect(self.add_person_requested)
        self.add_org.clicked.connect(self.add_organisation_requested)
        self.edit_person.clicked.connect(self._on_edit_person_clicked)
        self.edit_org.clicked.connect(self._on_edit_org_clicked)
        self.people_table.doubleClicked.connect(lambda _: self._on_edit_person_clicked())
        self.org_table.doubleClicked.connect(lambda _: self._on_edit_org_clicked())
        self.people_table.selectionModel().selectionChanged.connect(self._on_people_selection_changed)
        self.actions_table.doubleClicked.connect(
            lambda index: self.action_activated.emit(self.actions_proxy.row_at(index.row()).id))
        self._update_buttons()

    def save_state(self) -> None:
        self.settings.set(PEOPLE_SPLITTER, self.splitter.saveState())

    def set_data(self, data: PlanData | None) -> None:
        keep = self.selected_person_id()
        self.data = data
        if data is None:
            self.people.set_rows([])
            self.organisations.set_rows([])
            self.actions_model.clear()
            return
        loads = lead_workload(data.rows, data.current_period)
        remedial = {s.key for s in data.scheme.statuses if s.needs_remedial}
        rows = [PersonLoad(p, loads.get(p.id), sum(n for k, n in (loads[p.id].by_rag.items() if p.id in loads
                                                                     else ()) if k in remedial))
                for p in data.people]
        self.people.set_rows(rows)
        people_per_org: dict[int, int] = {}
        for p in data.people:
            if p.organisation_id is not None:
                people_per_org[p.organisation_id] = people_per_org.get(p.organisation_id, 0) + 1
        actions_per_org: dict[int, int] = {}
        for r in data.rows:
            if r.organisation_id is not None:
                actions_per_org[r.organisation_id] = actions_per_org.get(r.organisation_id, 0) + 1
        self.organisations.set_rows([OrganisationRow(o, people_per_org.get(o.id, 0), actions_per_org.get(o.id, 0))
                                     for o in data.organisations])
        period = data.current_period.label if data.current_period else ""
        self.actions_model.set_rows(data.rows, data.scheme, period)
        self.heading.setText(f"People and organisations · workload in {data.plan.title}")
        if keep is not None:
            self.select_person(keep)
        self._show_lead()
        self._update_buttons()

    def selected_person_id(self) -> int | None:
        rows = self.people_table.selectionModel().selectedRows()
        return self.people_proxy.record_at(rows[0].row()).person.id if rows else None

    def selected_organisation_id(self) -> int | None:
        rows = self.org_table.selectionModel().selectedRows()
        return self.org_proxy.record_at(rows[0].row()).organisation.id if rows else None

    def select_person(self, person_id: int) -> None:
        for n in range(self.people_proxy.rowCount()):
            if self.people_proxy.record_at(n).person.id == person_id:
                self.people_table.selectRow(n)
                return

    def _update_buttons(self) -> None:
        self.edit_person.setEnabled(self.selected_person_id() is not None)
        self.edit_org.setEnabled(self.org_proxy.rowCount() > 0)

    def _on_people_selection_changed(self, *_: QItemSelection) -> None:
        self._show_lead()
        self._update_buttons()

    def _show_lead(self) -> None:
        while self.rag_row.count():
            item = self.rag_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        person_id = self.selected_person_id()
        data = self.data
        if person_id is None or data is None:
            self.lead_heading.setText("Workload")
            self.lead_summary.setText("Select a person to see the actions they lead.")
            self.actions_proxy.set_filter(ActionFilter(only_ids=frozenset()))
            return
        record = next(r for r in self.people.rows() if r.person.id == person_id)
        load = record.load
        self.lead_heading.setText(f"Workload · {record.person.display_name}")
        if load is None:
            self.lead_summary.setText("Leads no actions in this plan.")
        else:
            period = data.current_period
            waiting = (f" {load.awaiting_update:,} still need an update for {period.label}."
                       if period and not period.closed else "")
            self.lead_summary.setText(
                f"Primary lead on {load.primary:,} and joint lead on {load.joint:,} actions; "
                f"{load.overdue:,} overdue.{waiting}")
            for status in [*data.scheme.statuses, None]:
                count = load.by_rag.get(status.key if status else "none", 0)
                if not count:
                    continue
                chip = QLabel()
                chip.setPixmap(rag_pixmap(status, 18, self.devicePixelRatioF()))
                self.rag_row.addWidget(chip)
                self.rag_row.addWidget(QLabel(f"{status.label if status else 'No update'} {count:,}"))
                self.rag_row.addSpacing(8)
            self.rag_row.addStretch(1)
        ids = frozenset(r.id for r in data.rows if person_id in r.lead_ids)
        self.actions_proxy.set_filter(ActionFilter(only_ids=ids))

    def _on_edit_person_clicked(self) -> None:
        person_id = self.selected_person_id()
        if person_id is not None:
            self.edit_person_requested.emit(person_id)

    def _on_edit_org_clicked(self) -> None:
        org_id = self.selected_organisation_id()
        if org_id is None and self.org_proxy.rowCount():
            self.org_table.selectRow(0)
            org_id = self.selected_organisation_id()
        if org_id is not None:
            self.edit_organisation_requested.emit(org_id)
