"""The navigator: the plan chooser and its objectives → priorities tree, each with its roll-up RAG."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelection, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTreeView, QWidget

from desktop.services.queries import ObjectiveNode
from desktop.services.rag import RagScheme
from desktop.services.readmodels import PlanChoice
from desktop.ui.rag_delegate import describe, rag_icon
from desktop.ui.roles import Role
from desktop.ui.widgets import chooser, column_of, named

KIND_ROLE = Role.KIND
ID_ROLE = Role.ID

KIND_PLAN = "plan"
KIND_OBJECTIVE = "objective"
KIND_PRIORITY = "priority"


class Navigator(QWidget):
    """Signals:
        plan_chosen(int): the user picked another plan.
        scope_changed(object, object): the tree selection: (objective id or None, priority id or None).
    """

    plan_chosen = Signal(int)
    scope_changed = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigator")
        self.plans = chooser("plan_chooser", "Plan", 16)
        label = QLabel("P&lan")
        label.setBuddy(self.plans)
        label.setObjectName("section_label")

        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels(["Objectives and priorities", "Actions"])
        self.tree = named(QTreeView(), "plan_tree", "Objectives and priorities")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setIconSize(QSize(26, 18))
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().selectionChanged.connect(self._on_tree_selection_changed)

        column_of(label, self.plans, (self.tree, 1), parent=self, spacing=6)
        self.plans.activated.connect(self._on_plans_activated)
        self._plan_id: int | None = None

    # ---- filling

    def set_plans(self, plans: Sequence[PlanChoice], current: int | None) -> None:
        self.plans.blockSignals(True)
        self.plans.clear()
        for plan in plans:
            suffix = " (demonstration)" if plan.is_demo else ""
            self.plans.addItem(plan.title + suffix, plan.id)
            self.plans.setItemData(self.plans.count() - 1, f"{plan.title}\n{plan.partnership}{suffix}",
                                   Qt.ItemDataRole.ToolTipRole)
        if current is not None:
            self.plans.setCurrentIndex(max(0, self.plans.findData(current)))
        self.plans.blockSignals(False)
        self._plan_id = current

    def set_tree(self, plan_title: str, tree: Sequence[ObjectiveNode], scheme: RagScheme, total_actions: int) -> None:
        """Rebuild the tree, keeping the selected node (and expansion) when it still exists."""
        selected = self.scope()
        expanded = {
            self.model.item(0).child(n).data(ID_ROLE)
            for n in range(self.model.item(0).rowCount() if self.model.item(0) else 0)
            if self.tree.isExpanded(self.model.item(0).child(n).index())
        } if self.model.rowCount() else None
        self.tree.selectionModel().blockSignals(True)
        self.model.removeRows(0, self.model.rowCount())
        root_rag = scheme.worst(o.rollup for o in tree)
        root = self._item(KIND_PLAN, 0, "All actions", plan_title, scheme, root_rag)
        self.model.appendRow([root, self._count(total_actions)])
        for objective in tree:
            item = self._item(KIND_OBJECTIVE, objective.id, f"{objective.code}  {objective.title}".strip(),
                              objective.title, scheme, objective.rollup)
            count = sum(p.actions for p in objective.priorities)
            for priority in objective.priorities:
                child = self._item(KIND_PRIORITY, priority.id, f"{priority.code}  {priority.text}".strip(),
                                   priority.text, scheme, priority.rollup)
                item.appendRow([child, self._count(priority.actions)])
            root.appendRow([item, self._count(count)])
        self.tree.expand(root.index())
        for n in range(root.rowCount()):
            child = root.child(n)
            if expanded is None or child.data(ID_ROLE) in expanded:
                self.tree.expand(child.index())
        self.tree.selectionModel().blockSignals(False)
        self.select(*selected, emit=False)

    @staticmethod
    def _count(n: int) -> QStandardItem:
        item = QStandardItem(f"{n:,}")
        item.setEditable(False)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setData(f"{n} actions", Qt.ItemDataRole.AccessibleTextRole)
        return item

    @staticmethod
    def _item(kind: str, item_id: int, text: str, full: str, scheme: RagScheme, rollup: str | None) -> QStandardItem:
        status = scheme.find(rollup)
        item = QStandardItem(" ".join(text.split()))
        item.setEditable(False)
        item.setData(kind, KIND_ROLE)
        item.setData(item_id, ID_ROLE)
        item.setIcon(rag_icon(status))
        roll = f"Roll-up: {status.label} ({status.letter})" if status else "Roll-up: no status yet"
        item.setToolTip(f"{full}\n{roll}\n{scheme.rollup_rule}")
        item.setData(f"{' '.join(text.split())}. {roll}", Qt.ItemDataRole.AccessibleTextRole)
        item.setData(describe(status), Qt.ItemDataRole.AccessibleDescriptionRole)
        return item

    def clear(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self.plans.clear()

    # ---- selection

    def scope(self) -> tuple[int | None, int | None]:
        indexes = self.tree.selectionModel().selectedRows(0)
        if not indexes:
            return None, None
        return self._scope_of(indexes[0])

    @staticmethod
    def _scope_of(index: QModelIndex) -> tuple[int | None, int | None]:
        kind = index.data(KIND_ROLE)
        if kind == KIND_OBJECTIVE:
            return int(index.data(ID_ROLE)), None
        if kind == KIND_PRIORITY:
            return int(index.parent().data(ID_ROLE)), int(index.data(ID_ROLE))
        return None, None

    def select(self, objective_id: int | None, priority_id: int | None, *, emit: bool = True) -> None:
        root = self.model.item(0)
        if root is None:
            return
        target = root
        for n in range(root.rowCount()):
            objective = root.child(n)
            if objective.data(ID_ROLE) == objective_id:
                target = objective
                for m in range(objective.rowCount()):
                    if objective.child(m).data(ID_ROLE) == priority_id:
                        target = objective.child(m)
        selection = self.tree.selectionModel()
        if not emit:
            selection.blockSignals(True)
        self.tree.setCurrentIndex(target.index())
        if not emit:
            selection.blockSignals(False)

    def _on_tree_selection_changed(self, selected: QItemSelection, _: QItemSelection) -> None:
        indexes = [i for i in selected.indexes() if i.column() == 0]
        objective_id, priority_id = self._scope_of(indexes[0]) if indexes else (None, None)
        self.scope_changed.emit(objective_id, priority_id)

    def _on_plans_activated(self, index: int) -> None:
        plan_id = self.plans.itemData(index)
        if plan_id is not None and plan_id != self._plan_id:
            self._plan_id = int(plan_id)
            self.plan_chosen.emit(int(plan_id))
