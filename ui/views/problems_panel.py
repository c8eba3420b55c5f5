"""The Problems dock: every error and warning; activating one jumps to the offending cell."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QLineEdit, QTableView,
                               QVBoxLayout, QWidget)

from placement_planner.ui.models.problems_model import PROBLEM_ROLE, ProblemsModel


class ProblemsPanel(QWidget):
    problem_activated = Signal(object)   # Problem

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = ProblemsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.summary = QLabel("No files open.")
        self.filter_box = QLineEdit(placeholderText="Filter problems…")
        self.filter_box.setAccessibleName("Filter problems")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTableView()
        self.view.setAccessibleName("Problems")
        self.view.setModel(self.proxy)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.setWordWrap(False)
        for col, width in enumerate((70, 90, 55, 120, 560, 120, 140)):
            self.view.setColumnWidth(col, width)
        self.view.clicked.connect(self._activate)
        self.view.activated.connect(self._activate)   # Enter on the keyboard
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.filter_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view)

    def set_problems(self, problems) -> None:
        self.model.set_problems(problems)
        errors, warnings = self.model.counts()
        if not problems:
            self.summary.setText("No problems found.")
        else:
            self.summary.setText(f"{errors:,} error{'s' * (errors != 1)} (must be fixed before planning), "
                                 f"{warnings:,} warning{'s' * (warnings != 1)}. "
                                 "Click one to go to the cell.")

    def _activate(self, index) -> None:
        problem = self.proxy.data(index, PROBLEM_ROLE)
        if problem is not None:
            self.problem_activated.emit(problem)

    def activate_row(self, row: int) -> None:
        index = self.proxy.index(row, 0)
        self.view.setCurrentIndex(index)
        self._activate(index)
