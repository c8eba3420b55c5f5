"""Filtering for the big tables: a QSortFilterProxyModel whose test is one numpy lookup.

The text filter and the facet filters (profession, region, ...) are evaluated once,
vectorised over the whole frame, into a boolean mask; ``filterAcceptsRow`` only indexes
it. Sorting is forwarded to the source model's numpy argsort, because a proxy comparing
150k rows through Python ``lessThan`` calls would freeze the window for seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal

from placement_planner.ui.models.frame_model import FrameModel


def _search_text(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    parts = []
    for c in columns:
        if c not in frame.columns:      # a display-only column the model works out (e.g. week of)
            continue
        s = frame[c]
        if s.dtype.kind == "M":
            s = s.dt.strftime("%d/%m/%Y").fillna("")
        elif s.dtype == object and len(s) and isinstance(s.iloc[0], tuple):
            s = s.map(", ".join)
        parts.append(s.astype(str).fillna(""))
    if not parts:
        return pd.Series([""] * len(frame), index=frame.index)
    joined = parts[0].str.cat(parts[1:], sep="\x1f") if len(parts) > 1 else parts[0]
    return joined.str.lower().reset_index(drop=True)


class FrameFilterProxy(QSortFilterProxyModel):
    filter_changed = Signal()

    def __init__(self, source: FrameModel, parent=None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self._text = ""
        self._facets: dict[str, set] = {}
        self._mask: np.ndarray | None = None
        self._haystack: pd.Series | None = None
        source.frame_replaced.connect(self._frame_replaced)
        source.dataChanged.connect(self._forget_haystack)

    @property
    def frame_model(self) -> FrameModel:
        return self.sourceModel()

    def _frame_replaced(self) -> None:
        """The source holds a new frame and is about to end its reset.

        The mask is indexed by frame position, so it must describe the new frame *before*
        the source's endResetModel(): that call makes this proxy re-filter every row at once.
        A mask left from the old frame was indexed past its end there, and the IndexError
        raised inside this Qt virtual (filterAcceptsRow) crashed PySide 6.11 in
        libshiboken6 while reporting it (issue 14: the crash after a plan with a filter set).
        No begin/endFilterChange: the source reset rebuilds every mapping anyway.
        """
        self._haystack = None
        self._mask = self._compute_mask()

    def _forget_haystack(self, *args) -> None:
        self._haystack = None

    def set_text(self, text: str) -> None:
        self._text = text.strip().lower()
        self._recompute()

    def set_facet(self, column: str, values) -> None:
        if values:
            self._facets[column] = set(values)
        else:
            self._facets.pop(column, None)
        self._recompute()

    def clear_facets(self) -> None:
        self._facets.clear()
        self._recompute()

    @property
    def facets(self) -> dict[str, set]:
        return dict(self._facets)

    def _recompute(self) -> None:
        self._apply(self._compute_mask())

    def _compute_mask(self) -> np.ndarray | None:
        frame = self.frame_model.frame
        mask = None
        if self._text:
            if self._haystack is None:
                self._haystack = _search_text(frame, self.frame_model.columns)
            mask = self._haystack.str.contains(self._text, regex=False).to_numpy()
        for column, values in self._facets.items():
            if column in frame.columns:
                m = frame[column].isin(values).to_numpy()
                mask = m if mask is None else mask & m
        return mask

    def _apply(self, mask) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self._mask = mask
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._mask = mask
            self.invalidateRowsFilter()
        self.filter_changed.emit()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        # Called by Qt: it must never raise (an exception here can crash the bindings).
        # The mask always matches the frame (see _frame_replaced); the length check only
        # keeps a future slip from turning into a crash.
        mask, order = self._mask, self.frame_model.order
        if mask is None or len(mask) != len(order):
            return True
        return bool(mask[order[source_row]])

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.frame_model.sort(column, order)

    def proxy_row_of_position(self, position: int) -> int:
        """The visible row of a frame position, or -1 when it is filtered out."""
        source = self.frame_model
        idx = source.index(source.source_row_of(position), 0)
        return self.mapFromSource(idx).row()
