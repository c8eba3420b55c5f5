"""A filter box over a table view of one FrameModel: the Sites/Capacity/Demand/... tabs."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QLineEdit, QTableView,
                               QVBoxLayout, QWidget)

from placement_planner.ui.models.filter_proxy import FrameFilterProxy
from placement_planner.ui.models.frame_model import FrameModel


class SteadyTableView(QTableView):
    """Clicking a cell never scrolls sideways: a wide cell partly in view used to jump the
    table right and push the key column (the id at the left) out of sight."""

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        bar = self.horizontalScrollBar()
        before = bar.value()
        super().scrollTo(index, hint)
        if index.isValid() and hint == QAbstractItemView.ScrollHint.EnsureVisible:
            left = self.columnViewportPosition(index.column())
            if left + bar.value() - before < self.viewport().width() and left + self.columnWidth(index.column()) > 0:
                bar.setValue(before)      # the cell was already (partly) on screen


class FrameTable(QWidget):
    """Filterable, sortable view. ``facets_changed`` fires when a chart narrows the rows."""

    def __init__(self, model: FrameModel, name: str, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = FrameFilterProxy(model, self)
        self.filter_box = QLineEdit(placeholderText=f"Filter {name.lower()}… (any column)")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName(f"Filter {name}")
        self.count = QLabel()
        self.count.setAccessibleName(f"{name} rows shown")
        self.facet_label = QLabel()
        self.facet_label.setVisible(False)
        self.view = SteadyTableView()
        self.view.setAccessibleName(f"{name} table")
        self.view.setModel(self.proxy)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)   # after clearing the indicator: keep file order
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.verticalHeader().setVisible(False)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(lambda: self.proxy.set_text(self.filter_box.text()))
        self.filter_box.textChanged.connect(lambda _: self._debounce.start())
        self.proxy.filter_changed.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        model.modelReset.connect(self._fit_columns)

        top = QHBoxLayout()
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.facet_label)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self._fit_columns()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown:,} of {total:,} rows" if shown != total else f"{total:,} rows")
        facets = self.proxy.facets
        self.facet_label.setVisible(bool(facets))
        self.facet_label.setText("Showing only " + "; ".join(
            f"{k.replace('_', ' ')}: {', '.join(sorted(map(str, v)))}" for k, v in facets.items()))

    def _fit_columns(self) -> None:
        header = self.view.horizontalHeader()
        metrics = self.fontMetrics()
        for c in range(self.model.columnCount()):
            label = str(self.model.headerData(c, Qt.Orientation.Horizontal))
            sample = [str(self.model.data(self.model.index(r, c)) or "") for r in range(min(30, self.model.rowCount()))]
            width = max([metrics.horizontalAdvance(s) for s in sample + [label]]) + 24
            header.resizeSection(c, min(width, 320))
        self._update_count()

    def select_position(self, position: int, column: str | None = None) -> bool:
        """Select and show the row at this frame position (clearing a filter hiding it)."""
        row = self.proxy.proxy_row_of_position(position)
        if row < 0:
            self.filter_box.clear()
            self.proxy.set_text("")
            self.proxy.clear_facets()
            row = self.proxy.proxy_row_of_position(position)
        if row < 0:
            return False
        col = self.model.columns.index(column) if column in self.model.columns else 0
        index = self.proxy.index(row, col)
        self.view.setCurrentIndex(index)
        self.view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        # The row to the middle, then the cell into view with as little sideways scrolling as
        # possible, so the key column at the left stays visible when the cell allows it.
        self.view.horizontalScrollBar().setValue(0)
        self.view.scrollTo(index.siblingAtColumn(0), QAbstractItemView.ScrollHint.PositionAtCenter)
        QTableView.scrollTo(self.view, index, QAbstractItemView.ScrollHint.EnsureVisible)
        self.view.setFocus()
        return True
