"""The Problems list as a table model: every ERROR and WARNING, located as Excel shows it."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

COLUMNS = ("Severity", "Sheet", "Row", "Column", "Message", "Value", "File")
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 2


class ProblemsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.problems: list = []

    def set_problems(self, problems) -> None:
        self.beginResetModel()
        # Errors first, then in the order they were found (sheet, row).
        self.problems = sorted(problems, key=lambda p: (not p.is_error,))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self.problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (p.severity.value.title(), p.sheet, p.row or "", p.column or "", p.message,
                    p.value, p.file)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return p.message
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0:
            return QBrush(QColor("#d0342c" if p.is_error else "#c77c02"))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == PROBLEM_ROLE:
            return p
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def counts(self) -> tuple[int, int]:
        errors = sum(p.is_error for p in self.problems)
        return errors, len(self.problems) - errors
