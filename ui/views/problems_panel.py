"""The Problems dock: every error and warning, grouped by kind with counts (issue 11 item 9).

Each group expands to its problems; activating one goes to the offending cell. Where the fix is
mechanical (an old ICB name, a "did you mean"), "Apply suggestion" makes it for one problem and
"Fix all like this" for the whole group, as one undoable change.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QTreeView, QVBoxLayout, QWidget)

from placement_planner.ui import colours as C
from placement_planner.ui.models.problems_model import COLUMNS, PROBLEM_ROLE, ProblemsModel

GROUP_ROLE = Qt.ItemDataRole.UserRole + 3      # the list of problems under a group row
_SUGGESTIONS = (re.compile(r"[Dd]id you mean '([^']+)'\?"), re.compile(r"it is read as '([^']+)'"))
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\([^)]*\)")
_NUMBER = re.compile(r"\d[\d,./:-]*")


def suggestion(problem) -> str | None:
    """The value a problem's own message proposes for its cell, if the fix is mechanical."""
    if not problem.row or not problem.column:
        return None
    for pattern in _SUGGESTIONS:
        m = pattern.search(problem.message)
        if m:
            return m.group(1)
    return None


def kind_of(problem) -> tuple:
    """Problems of one kind share severity, sheet, column and wording (values blanked out)."""
    words = _NUMBER.sub("#", _QUOTED.sub("…", problem.message))
    return (not problem.is_error, problem.sheet or "", problem.column or "", words)


def group_title(problems: list) -> str:
    first = problems[0]
    where = " · ".join(x for x in (first.sheet, first.column) if x)
    words = _QUOTED.sub("…", first.message)
    words = words if len(words) < 110 else words[:107] + "…"
    return f"{first.severity.value.title()} — {where}: {words}" if where else f"{first.severity.value.title()} — {words}"


class ProblemsPanel(QWidget):
    problem_activated = Signal(object)        # Problem: go to its cell
    fix_requested = Signal(object, str)       # [Problem, ...], label: apply their suggestions

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = ProblemsModel(self)      # the flat list (counts, tests, other views)
        self.tree = QStandardItemModel(self)
        self.tree.setHorizontalHeaderLabels(list(COLUMNS))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.tree)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.summary = QLabel("No files open.")
        self.summary.setWordWrap(True)
        self.filter_box = QLineEdit(placeholderText="Filter problems…")
        self.filter_box.setAccessibleName("Filter problems")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self._filter)
        self.go_button = QPushButton("Go to cell")
        self.go_button.setToolTip("Show the cell this problem is about (Enter)")
        self.apply_button = QPushButton("Apply suggestion")
        self.apply_button.setToolTip("Put the suggested value in the cell (undoable)")
        self.fix_all_button = QPushButton("Fix all like this")
        self.fix_all_button.setToolTip("Apply the suggested value to every problem of this kind, as one undoable change")
        self.go_button.clicked.connect(self._go)
        self.apply_button.clicked.connect(self._apply_one)
        self.fix_all_button.clicked.connect(self._apply_all)
        self.view = QTreeView()
        self.view.setAccessibleName("Problems")
        self.view.setModel(self.proxy)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        for col, width in enumerate((150, 80, 50, 120, 560, 120, 140)):
            self.view.setColumnWidth(col, width)
        self.view.doubleClicked.connect(self._activate)
        self.view.activated.connect(self._activate)       # Enter on the keyboard
        self.view.clicked.connect(self._activate)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        for w in (self.go_button, self.apply_button, self.fix_all_button):
            top.addWidget(w)
        top.addWidget(self.filter_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self._update_buttons()

    # ---- contents -------------------------------------------------------------------------
    def set_problems(self, problems) -> None:
        self.model.set_problems(problems)
        groups: dict[tuple, list] = {}
        for p in self.model.problems:          # errors first, then as found
            groups.setdefault(kind_of(p), []).append(p)
        self.tree.removeRows(0, self.tree.rowCount())
        bold = QFont()
        bold.setBold(True)
        for problems_of_kind in groups.values():
            first = problems_of_kind[0]
            head = QStandardItem(f"{group_title(problems_of_kind)}  ({len(problems_of_kind):,})")
            head.setData(problems_of_kind, GROUP_ROLE)
            head.setFont(bold)
            head.setToolTip(first.message)
            head.setForeground(QBrush(C.qcolor(C.ERROR_TEXT if first.is_error else C.WARNING_TEXT)))
            rest = [QStandardItem("") for _ in COLUMNS[1:]]
            for p in problems_of_kind:
                cells = [p.severity.value.title(), p.sheet, str(p.row or ""), p.column or "", p.message,
                         p.value, p.file]
                items = [QStandardItem(str(c)) for c in cells]
                for item in items:
                    item.setData(p, PROBLEM_ROLE)
                    item.setToolTip(p.message)
                items[2].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                items[0].setForeground(QBrush(C.qcolor(C.ERROR_TEXT if p.is_error else C.WARNING_TEXT)))
                head.appendRow(items)
            self.tree.appendRow([head] + rest)
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            self.view.setFirstColumnSpanned(r, QModelIndex(), True)
            # Small groups and every error open; a wall of one warning stays one line.
            group = self.proxy.data(index, GROUP_ROLE) or []
            self.view.setExpanded(index, len(group) <= 10 or (group and group[0].is_error and len(group) <= 50))
        errors, warnings = self.model.counts()
        if not problems:
            self.summary.setText("No problems found.")
        else:
            self.summary.setText(
                f"{errors:,} error{'s' * (errors != 1)} (fix them here or in the workbook before planning), "
                f"{warnings:,} warning{'s' * (warnings != 1)}, in {len(groups):,} kind{'s' * (len(groups) != 1)}.")
        self._update_buttons()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if text:
            self.view.expandAll()

    # ---- the current problem / group ------------------------------------------------------
    def current_problem(self):
        return self.proxy.data(self.view.currentIndex(), PROBLEM_ROLE)

    def current_group(self) -> list:
        index = self.view.currentIndex()
        if not index.isValid():
            return []
        head = index.parent() if index.parent().isValid() else index.siblingAtColumn(0)
        return self.proxy.data(head.siblingAtColumn(0), GROUP_ROLE) or []

    def _update_buttons(self) -> None:
        problem = self.current_problem()
        group = self.current_group()
        self.go_button.setEnabled(problem is not None and bool(problem.row))
        self.apply_button.setEnabled(problem is not None and suggestion(problem) is not None)
        fixable = [p for p in group if suggestion(p) is not None]
        self.fix_all_button.setEnabled(len(fixable) > 0)
        self.fix_all_button.setText(f"Fix all like this ({len(fixable):,})" if len(fixable) > 1 else "Fix all like this")
        if problem is not None and suggestion(problem) is not None:
            self.apply_button.setToolTip(f"Put '{suggestion(problem)}' in {problem.column} on row {problem.row} (undoable)")

    # ---- actions ---------------------------------------------------------------------------
    def _activate(self, index) -> None:
        self._update_buttons()
        problem = self.proxy.data(index, PROBLEM_ROLE)
        if problem is not None:
            self.problem_activated.emit(problem)

    def _go(self) -> None:
        problem = self.current_problem()
        if problem is not None:
            self.problem_activated.emit(problem)

    def _apply_one(self) -> None:
        problem = self.current_problem()
        if problem is not None and suggestion(problem) is not None:
            self.fix_requested.emit([problem], f"apply the suggestion on {problem.sheet} row {problem.row}")

    def _apply_all(self) -> None:
        fixable = [p for p in self.current_group() if suggestion(p) is not None]
        if fixable:
            self.fix_requested.emit(fixable, f"fix {len(fixable):,} problem(s) like "
                                              f"'{_QUOTED.sub('…', fixable[0].message)[:60]}'")

    # ---- for keyboard users and tests ------------------------------------------------------
    def problem_indexes(self) -> list:
        """Every problem row shown, in order (group children)."""
        out = []
        for r in range(self.proxy.rowCount()):
            head = self.proxy.index(r, 0)
            out += [self.proxy.index(c, 0, head) for c in range(self.proxy.rowCount(head))]
        return out

    def select_problem(self, index) -> None:
        self.view.setExpanded(index.parent(), True)
        self.view.setCurrentIndex(index)
        self._update_buttons()

    def activate_row(self, row: int) -> None:
        """Activate the row-th problem shown (counting problems, not group headings)."""
        index = self.problem_indexes()[row]
        self.select_problem(index)
        self._activate(index)
