"""Paints a placement as one bar across its weeks (each week cell draws its slice of the bar), and
week headers that turn their dates on end when the weeks are narrowed to see a whole year.

The site name is laid out over the whole placement and clipped to the cell, so it reads as
one label spanning the weeks without QTableView spans (which would have to be rebuilt for
thousands of rows on every filter). A repeated site is hatched and marked ↻.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QHeaderView, QStyle, QStyledItemDelegate, QStyleOptionHeader

from placement_planner.ui.models.journey_model import SPAN_ROLE


class PlacementDelegate(QStyledItemDelegate):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._labels: dict[tuple, str] = {}      # (text, width) -> elided text: painted again and again

    def _elided(self, metrics, text: str, width: int) -> str:
        key = (text, width)
        label = self._labels.get(key)
        if label is None:
            if len(self._labels) > 20000:
                self._labels.clear()
            label = self._labels[key] = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        return label

    def paint(self, painter, option, index) -> None:
        span = index.data(SPAN_ROLE)
        if span is None:                     # not a week column
            super().paint(painter, option, index)
            return
        r = option.rect
        if not span:                         # a week without a placement
            if option.state & QStyle.StateFlag.State_Selected:
                painter.fillRect(r, option.palette.highlight())
            return
        offset, length, repeat, placed, text, background, text_colour = span
        painter.save()
        painter.setClipRect(r)
        painter.fillRect(r, background)
        if repeat or not placed:
            hatch = QColor(text_colour if repeat else option.palette.color(option.palette.ColorRole.PlaceholderText))
            hatch.setAlpha(110 if repeat else 70)
            painter.fillRect(r, QBrush(hatch, Qt.BrushStyle.BDiagPattern if repeat else Qt.BrushStyle.Dense6Pattern))
        base = option.palette.color(option.palette.ColorRole.Base)
        if offset == 0:                      # a gap at each placement's start: bars side by side stay apart
            painter.fillRect(QRect(r.left(), r.top(), 2, r.height()), base)
        painter.fillRect(QRect(r.left(), r.bottom() - 1, r.width(), 2), base)
        whole = QRect(r.left() - offset * r.width(), r.top(), length * r.width(), r.height()).adjusted(6, 0, -4, -1)
        label = self._elided(option.fontMetrics, ("↻ " if repeat else "") + text, whole.width())
        align = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        if repeat or not placed:             # the name on a plain patch, so the hatching never hides it
            box = option.fontMetrics.boundingRect(whole, align, label).adjusted(-3, 1, 3, -1)
            painter.fillRect(box, background)
        painter.setPen(text_colour)
        painter.drawText(whole, align, label)
        if option.state & QStyle.StateFlag.State_Selected:
            pen = QPen(option.palette.color(option.palette.ColorRole.Highlight), 3)
            painter.setPen(pen)
            painter.drawRect(r.adjusted(1, 1, -2, -2))
        painter.restore()


class WeekHeader(QHeaderView):
    """Column headers whose week dates (dd/mm/yyyy) stand on end when a week is narrower than
    its date, so a whole placement year fits on a screen and every date still reads in full."""

    def __init__(self, first_week: int, parent=None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.first_week = first_week          # columns before this are not weeks
        self.setSectionsClickable(True)
        self.setHighlightSections(True)

    def date_width(self) -> int:
        return self.fontMetrics().horizontalAdvance("00/00/0000") + 12

    def on_end(self) -> bool:
        return self.defaultSectionSize() < self.date_width()

    def sizeHint(self) -> QSize:
        size = super().sizeHint()
        if self.on_end():
            size.setHeight(self.date_width() + 4)
        return size

    def paintSection(self, painter, rect, logical: int) -> None:
        if logical < self.first_week or not self.on_end():
            super().paintSection(painter, rect, logical)
            return
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect, option.section, option.text = rect, logical, ""
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        text = str(self.model().headerData(logical, Qt.Orientation.Horizontal) or "")
        metrics = self.fontMetrics()
        painter.save()
        painter.translate(rect.left() + (rect.width() + metrics.ascent() - metrics.descent()) / 2, rect.bottom() - 6)
        painter.rotate(-90)
        painter.drawText(0, 0, text)
        painter.restore()
