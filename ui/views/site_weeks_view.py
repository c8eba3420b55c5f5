"""Sites by week: how many journey learners are at each site each week, and which journeys.

A click (or Enter) on a cell asks the schedule to show just those learners (``cell_chosen``).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout,
                               QWidget)

from placement_planner.ui.journeys import SiteWeeks
from placement_planner.ui.models.journey_model import SiteWeeksModel
from placement_planner.ui.views.journey_delegate import WeekHeader

ALL_SITES = "(all sites)"


class SiteWeeksPanel(QWidget):
    cell_chosen = Signal(object, str)      # schedule rows of the learners there, words for them

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = SiteWeeksModel(self)
        self.site = QComboBox()
        self.site.setAccessibleName("Site to show")
        self.site.setToolTip("Show one site's weeks; the Map and Site utilisation tabs choose a site here too")
        self.site.setMinimumContentsLength(28)
        self.site.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.site.currentIndexChanged.connect(self._site_changed)
        self.view = QTableView()
        self.view.setAccessibleName("Journey learners per site and week")
        header = WeekHeader(0, self.view)        # a year of weeks on one screen, dates on end
        self.view.setHorizontalHeader(header)
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header.setDefaultSectionSize(self.fontMetrics().horizontalAdvance("00") + 14)
        names = self.view.verticalHeader()
        names.setMaximumWidth(self.fontMetrics().horizontalAdvance("M" * 24))   # long ward names are cut…
        names.setTextElideMode(Qt.TextElideMode.ElideRight)                    # …their tooltip has it all
        header.setFixedHeight(header.sizeHint().height())
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.clicked.connect(self.choose)
        self.view.activated.connect(self.choose)        # Enter on a cell
        self.view.selectionModel().currentChanged.connect(lambda index, _: self._describe(index))
        self.detail = QLabel("Choose a cell to see which journeys are at that site that week.")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("Journeys at the chosen site and week")
        top = QHBoxLayout()
        caption = QLabel("&Site:")
        caption.setBuddy(self.site)
        top.addWidget(caption)
        top.addWidget(self.site)
        top.addWidget(QLabel("Each cell: journey learners at the site that week. Click one to see their "
                             "schedules."), 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)

    def set_site_weeks(self, site_weeks: SiteWeeks) -> None:
        current = self.site.currentData()
        self.model.set_site_weeks(site_weeks)
        self.site.blockSignals(True)
        self.site.clear()
        self.site.addItem(ALL_SITES, "")
        for sid, name in zip(site_weeks.site_ids, site_weeks.site_names):
            self.site.addItem(f"{name} ({sid})", sid)
        found = self.site.findData(current) if current else 0
        self.site.setCurrentIndex(max(found, 0))
        self.site.blockSignals(False)
        self._site_changed()

    def show_site(self, site_id: str) -> bool:
        """Show one site's weeks (the Map or Site utilisation chose it); False when it hosts
        no journey learners in this plan."""
        found = self.site.findData(site_id)
        if found < 0:
            return False
        self.site.setCurrentIndex(found)
        return True

    def _site_changed(self, *_) -> None:
        sw = self.model.site_weeks
        sid = self.site.currentData()
        row = sw.row_of(sid) if sid else -1
        if row >= 0:
            self.model.show_site(row)        # the site, then a line per journey there
        else:
            self.model.show_sites(np.arange(len(sw)))
        if row >= 0 and sw.counts.shape[1]:
            week = int(np.argmax(sw.counts[row] > 0))
            index = self.model.index(0, week)
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def _describe(self, index) -> None:
        if index.isValid():
            self.detail.setText(self.model.cell_words(index.row(), index.column()))

    def choose(self, index) -> None:
        if not index.isValid():
            return
        week = index.column()
        site, journey = self.model.lines[index.row()]
        rows = self.model.learner_rows(index.row(), week)
        self._describe(index)
        if len(rows):
            sw = self.model.site_weeks
            day = sw.schedule.week_dates[week].strftime("%d/%m/%Y")
            of = f" of journey {journey}" if journey is not None else ""
            self.cell_chosen.emit(np.unique(rows), f"{of} at {sw.site_names[site]} in the week of {day}")
