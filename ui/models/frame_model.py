"""A read-mostly table model over one DataFrame: cells are read from numpy arrays by index.

Nothing is copied into Qt: ``data()`` formats one cell when the view asks for it, so a
150k-row table opens and scrolls as fast as a 10-row one. Sorting is a numpy argsort kept
as a row order; edits are *requested* through ``edit_requested`` and applied by the
controller (as undoable commands), which then calls ``refresh_cells``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from placement_planner.ui.formatting import percent, uk_date, uk_number

DEFAULT_FORMATS = {c: percent for c in ("utilisation", "shortfall", "fill_rate")}


def _one_decimal(value) -> str:
    return uk_number(value, 1)


def unit_format(column: str):
    """One number format per unit: distances (km) always with one decimal ("14.0", "4.5"),
    shares as percentages; None = the column's own type decides."""
    if column in DEFAULT_FORMATS:
        return DEFAULT_FORMATS[column]
    if column.endswith("_km") or column in ("learner_km", "distance"):
        return _one_decimal
    return None
RAW_ROLE = Qt.ItemDataRole.UserRole + 1      # the unformatted value
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def column_label(name: str) -> str:
    special = {"row": "Excel row", "hei": "University (HEI)", "ics": "ICB", "icb": "ICB", "pcn": "PCN",
               "site_id": "Site ID", "used_percent": "Places used (%)", "places_used_percent": "Places used (%)",
               "demand_id": "Demand ID", "max_travel_km": "Max travel (km)",
               "distance_km": "Distance (km)",
               "start_week_of": "Planned from (week of)", "end_week_of": "Planned to (week of)"}
    return special.get(name, name.replace("_", " ").capitalize())


class FrameModel(QAbstractTableModel):
    edit_requested = Signal(int, str, str)   # frame position, column, text typed
    # Emitted inside set_frame, after the new frame is in place and before endResetModel():
    # a proxy must rebuild anything indexed by frame position here, because endResetModel()
    # makes it re-filter every row at once (see FrameFilterProxy).
    frame_replaced = Signal()

    def __init__(self, frame: pd.DataFrame | None = None, columns: list[str] | None = None,
                 editable: set[str] | frozenset = frozenset(), tooltips: dict[str, str] | None = None,
                 formats: dict | None = None, derived: dict | None = None, parent=None) -> None:
        super().__init__(parent)
        self._wanted = columns
        # Display-only columns worked out from the frame (name -> function(frame) -> array);
        # never written into the frame, so what is exported or checked stays as loaded.
        self._derived = dict(derived or {})
        self._editable = set(editable)
        self._tooltips = tooltips or {}
        self._formats = dict(DEFAULT_FORMATS, **(formats or {}))
        self._flag_column: np.ndarray | None = None
        self._marks: dict = {}          # (frame position, column) -> Problem, tinted
        self.set_frame(frame if frame is not None else pd.DataFrame())

    # ---- the frame ----------------------------------------------------------------------
    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame
        self.columns = [c for c in (self._wanted or list(frame.columns))
                        if c in frame.columns or self._derivable(c)]
        self._arrays = [self._array(c) for c in self.columns]
        self.order = np.arange(len(frame))
        self._inverse = None
        self.frame_replaced.emit()
        self.endResetModel()

    def _derivable(self, column: str) -> bool:
        if column not in self._derived or column in self.frame.columns:
            return False
        try:
            return self._derived[column](self.frame) is not None
        except Exception:   # the frame lacks what the column is worked out from
            return False

    def _array(self, column: str) -> np.ndarray:
        if column in self._derived and column not in self.frame.columns:
            return np.asarray(self._derived[column](self.frame))
        return self.frame[column].to_numpy()

    def refresh_cells(self, positions, column: str | None = None) -> None:
        """Re-read columns after the controller changed the frame in place."""
        cols = [column, *self._derived] if column else self.columns
        for c in cols:
            if c in self.columns:
                self._arrays[self.columns.index(c)] = self._array(c)
        for p in np.atleast_1d(positions):
            row = int(self.source_row_of(int(p)))
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def position(self, row: int) -> int:
        """Frame position (iloc) of a model row."""
        return int(self.order[row])

    def source_row_of(self, position: int) -> int:
        if self._inverse is None:
            self._inverse = np.empty_like(self.order)
            self._inverse[self.order] = np.arange(len(self.order))
        return int(self._inverse[position])

    def set_editable(self, columns) -> None:
        self._editable = set(columns)

    def set_marks(self, marks: dict) -> None:
        """Cells with a problem: (frame position, column or None for the row) -> Problem."""
        self._marks = marks
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1),
                                  [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole])

    def _mark(self, index):
        if not self._marks:
            return None
        position = int(self.order[index.row()])
        return self._marks.get((position, self.columns[index.column()])) or self._marks.get((position, None))

    def set_flag_column(self, mask: np.ndarray | None) -> None:
        """Rows to shade as needing attention (e.g. sites under monitoring)."""
        self._flag_column = mask

    # ---- Qt model API -------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        arr = self._arrays[index.column()]
        value = arr[self.order[index.row()]]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            name = self.columns[index.column()]
            fmt = self._formats.get(name) or unit_format(name)
            return fmt(value) if fmt else self._text(value, arr.dtype)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if arr.dtype.kind in "iuf" else LEFT
        if role == RAW_ROLE:
            return value
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole) and self._marks:
            mark = self._mark(index)
            if mark is not None:
                if role == Qt.ItemDataRole.BackgroundRole:
                    return QColor(255, 214, 214, 150) if mark.is_error else QColor(255, 236, 179, 150)
                return ("Error: " if mark.is_error else "Warning: ") + mark.message
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.data(index)
            if isinstance(text, str) and len(text) > 40:
                return text          # the full text of a long cell (a reason cut off by the column)
        if role == Qt.ItemDataRole.ToolTipRole and self._flag_column is not None:
            if self._flag_column[self.order[index.row()]]:
                return "This site is under monitoring: check before placing learners here."
        return None

    @staticmethod
    def _text(value, dtype) -> str:
        kind = dtype.kind
        if kind == "M":
            return uk_date(value)
        if kind in "iu":
            return f"{int(value):,}"
        if kind == "f":
            return uk_number(value, None if value != value or value == int(value) else 2)
        if kind == "b":
            return "yes" if value else ""
        if isinstance(value, tuple):
            return ", ".join(map(str, value))
        if isinstance(value, (pd.Timestamp,)):
            return uk_date(value)
        if isinstance(value, float):
            return uk_number(value)
        return "" if value is None or value is pd.NA else str(value)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if section >= len(self.columns):
                return None
            name = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column_label(name)
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._tooltips.get(name, name)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and self.columns[index.column()] in self._editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column = self.columns[index.column()]
        if column not in self._editable:
            return False
        if str(value) == self.data(index):
            return False
        self.edit_requested.emit(self.position(index.row()), column, str(value))
        return True   # the controller applies (or refuses) it and refreshes the cell

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        series = pd.Series(self._arrays[column])
        if series.dtype.kind in "iufbM":
            keys = series.to_numpy()
        else:
            keys = series.map(lambda v: ", ".join(v) if isinstance(v, tuple) else str(v)).str.lower().to_numpy()
        positions = np.argsort(keys, kind="stable")
        if order == Qt.SortOrder.DescendingOrder:
            positions = positions[::-1]
        self.beginResetModel()
        self.order = positions
        self._inverse = None
        self.endResetModel()
