"""A chart with its numbers in a table beside it and a Save as PNG button.

Screen readers cannot read a chart, so every figure drawn is also a row in the table.
Plot items are made once by each chart and updated with ``setData`` on new results.
"""

from __future__ import annotations

import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QPushButton, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from placement_planner.ui.models.frame_model import FrameModel
from placement_planner.ui.theme import colours
from placement_planner.ui.views.frame_table import FrameTable


class ChartPanel(QWidget):
    title = "Chart"

    def __init__(self, project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.plot = pg.PlotWidget()
        self.plot.setAccessibleName(f"{self.title} chart")
        self.plot.setMenuEnabled(False)
        self.numbers = FrameTable(FrameModel(), f"{self.title} figures")
        self.controls = QHBoxLayout()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        save = QPushButton("Save as PNG…")
        save.setToolTip("Save this chart as a picture")
        save.setAccessibleName(f"Save {self.title} chart as PNG")
        save.clicked.connect(self._save_dialog)
        self.controls.addStretch(1)
        self.controls.addWidget(save)
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(self.controls)
        # Before the first plan the chart would be empty axes: say what to do instead.
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName(f"{self.title}: nothing to show yet")
        font = self.hint.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.hint.setFont(font)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.hint)
        self.stack.addWidget(self.plot)
        box.addWidget(self.stack, 1)
        box.addWidget(self.caption)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.numbers)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setObjectName(f"{self.title} splitter")
        remembered = QSettings().value(f"splitters/{self.title}")
        if remembered is not None:
            split.restoreState(remembered)
        split.splitterMoved.connect(
            lambda *_: QSettings().setValue(f"splitters/{self.title}", split.saveState()))
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)
        self._apply_palette()
        self._dirty = False
        project.plan_changed.connect(self._plan_changed)
        project.loaded.connect(self._update_hint)
        self._update_hint()

    def add_control(self, label: str, widget) -> None:
        widget.setAccessibleName(label)
        at = self.controls.count() - 2
        self.controls.insertWidget(at, QLabel(label + ":"))
        self.controls.insertWidget(at + 1, widget)

    def set_numbers(self, frame: pd.DataFrame) -> None:
        self.numbers.model.set_frame(frame.reset_index(drop=True))

    def empty_hint(self) -> str | None:
        """What to do to see this chart, or None when it has something to show."""
        p = self.project
        if p.data is None:
            return (f"Nothing to show yet.\n\nOpen a supply and a demand workbook (File > Open, "
                    f"or drop them here), then press Plan (F5) to see the {self.title.lower()}.")
        if p.results is None:
            return f"No plan yet.\n\nPress Plan (F5) to see the {self.title.lower()}."
        return None

    def _update_hint(self) -> None:
        hint = self.empty_hint()
        self.hint.setText(hint or "")
        self.stack.setCurrentWidget(self.hint if hint else self.plot)

    def _plan_changed(self) -> None:
        self._update_hint()
        # Hidden charts redraw when first shown, so a national plan lands without a freeze.
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:
        if self._dirty:
            self._dirty = False
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:  # charts redraw from project.results
        raise NotImplementedError

    def save_png(self, path: str) -> str:
        self.plot.grab().save(path, "PNG")
        return path

    def _save_dialog(self) -> None:
        from placement_planner.ui.actions import last_folder, remember_folder

        path, _ = QFileDialog.getSaveFileName(self, "Save chart",
                                              last_folder("chart", f"{self.title.lower().replace(' ', '-')}.png"),
                                              "PNG image (*.png)")
        remember_folder("chart", path)
        if path:
            self.save_png(path)

    def _apply_palette(self) -> None:
        c = colours()
        self.plot.setBackground(c["background"])
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(c["foreground"])
            axis.setTextPen(c["foreground"])

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange:   # the system switched light/dark
            self._apply_palette()
        super().changeEvent(event)
