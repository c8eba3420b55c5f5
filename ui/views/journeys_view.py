"""The Journeys tab: each journey learner's placements week by week, and who is at each site.

One row per learner (journey · learner number), weeks across with Monday dates, the site
name over each placement's weeks coloured by setting. Filters by university, profession and
journey, a search box, and the learners a Sites by week cell picks. When the workbook has no
journeys the tab says so and how to add them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSlider, QStackedWidget, QTableView, QTabWidget,
                               QVBoxLayout, QWidget)

from placement_planner.ui import colours as C
from placement_planner.ui.journeys import SiteWeeks, has_journeys, natural_key
from placement_planner.ui.models.journey_model import INFO, ScheduleModel
from placement_planner.ui.views.journey_delegate import PlacementDelegate, WeekHeader
from placement_planner.ui.views.site_weeks_view import SiteWeeksPanel

ALL = "(all)"
# Alt+U / Alt+R / Alt+J: Alt+P is the Plan menu
FILTERS = [("hei", "&University"), ("profession", "P&rofession"), ("journey", "&Journey")]
NO_JOURNEYS = ("<h3>No journeys in this workbook</h3><p>A journey is a learner's successive placements "
               "planned together. Give the Demand rows of one journey the same value in a <b>journey</b> "
               "column (and, if the programme needs them, list settings such as <i>acute, community</i> "
               "in <b>required_settings</b>); each learner's weeks then show here after planning. "
               "See Help &gt; Workbook format.</p>")
NOT_PLANNED = ("<h3>Plan to see each learner's journey</h3><p>This workbook has {n:,} journeys. "
               "Press Plan (F5): every learner's placements then show here week by week.</p>")
NO_PATHS = ("<h3>This plan has no learner paths</h3><p>It was reopened from a file without a Journeys "
            "sheet that matches its allocations, and its allocations no longer fit the workbook's places, "
            "so its learners' paths cannot be worked out. Plan again (F5) to see each learner's weeks.</p>")


class JourneysView(QWidget):
    site_chosen = Signal(str)

    def __init__(self, project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.model = ScheduleModel(self)
        self.combos: dict[str, QComboBox] = {}
        self._learners: np.ndarray | None = None     # rows picked by a Sites by week cell
        self._schedule = None
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(40)
        self.empty.setAccessibleName("Journeys")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._content())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        project.plan_changed.connect(self.refresh)
        project.loaded.connect(self.refresh)
        project.edited.connect(lambda *_: self.refresh())
        self.refresh()

    # ---- layout -------------------------------------------------------------------------
    def _content(self) -> QWidget:
        bar = QGridLayout()
        for k, (column, label) in enumerate(FILTERS):
            combo = QComboBox()
            combo.setAccessibleName(f"Show only one {label.replace('&', '').lower()}")
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.currentIndexChanged.connect(lambda *_: self.apply_filters())
            caption = QLabel(f"{label}:")
            caption.setBuddy(combo)
            bar.addWidget(caption, 0, 2 * k)
            bar.addWidget(combo, 0, 2 * k + 1)
            bar.setColumnStretch(2 * k + 1, 1)
            self.combos[column] = combo
        self.search = QLineEdit(placeholderText="Search learners… (journey, site, demand id)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search journey learners")
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.unplaced = QCheckBox("Learners &not placed")
        self.unplaced.setChecked(True)
        self.unplaced.setToolTip("Also list learners of journeys the plan could not place (grey)")
        self.unplaced.toggled.connect(lambda _: self.apply_filters())
        clear = QPushButton("C&lear filters")
        clear.clicked.connect(self.clear_filters)
        bar.addWidget(self.search, 1, 0, 1, 4)
        bar.addWidget(self.unplaced, 1, 4)
        bar.addWidget(clear, 1, 5)
        self.count = QLabel()
        self.count.setAccessibleName("Learners shown")
        self.picked = QLabel()
        self.picked.setVisible(False)
        self.stale = QLabel("Out of date: the data has changed since this plan. Plan again (F5).")
        self.stale.setVisible(False)
        self.week_width = QSlider(Qt.Orientation.Horizontal)
        self.week_width.setRange(self.fontMetrics().height() + 6, 160)
        self.week_width.setValue(self.fontMetrics().horizontalAdvance("00/00/0000") + 14)
        self.week_width.setMaximumWidth(160)
        self.week_width.setAccessibleName("Width of a week")
        self.week_width.setToolTip("Narrow the weeks to see a whole year; widen them to read site names")
        self.week_width.valueChanged.connect(self.set_week_width)
        zoom = QLabel("&Week width:")
        zoom.setBuddy(self.week_width)
        status = QHBoxLayout()
        status.addWidget(self.count)
        status.addWidget(self.picked)
        status.addStretch(1)
        status.addWidget(self.stale)

        self.view = QTableView()
        self.view.setAccessibleName("Learner schedule: one row per learner, weeks across")
        self.view.setHorizontalHeader(WeekHeader(len(INFO), self.view))
        self.view.setModel(self.model)
        self.view.setItemDelegate(PlacementDelegate(self.view))
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.view.horizontalHeader().setDefaultSectionSize(self.week_width.value())
        self.view.activated.connect(self._placement_chosen)      # Enter or double-click: its site's weeks
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        schedule = QWidget()
        box = QVBoxLayout(schedule)
        box.setContentsMargins(4, 4, 4, 4)
        box.addWidget(self.view, 1)
        below = QHBoxLayout()
        below.addWidget(self.legend, 1)
        below.addWidget(zoom)
        below.addWidget(self.week_width)
        box.addLayout(below)
        self.sites = SiteWeeksPanel()
        self.sites.cell_chosen.connect(self.show_learners)
        self.tabs = QTabWidget()
        self.tabs.addTab(schedule, "Learner schedule")
        self.tabs.addTab(self.sites, "Sites by week")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addLayout(status)
        layout.addWidget(self.tabs, 1)
        return page

    # ---- the plan -----------------------------------------------------------------------
    def refresh(self) -> None:
        p = self.project
        r = p.results
        data = p.data
        if not has_journeys(data):
            self._show_empty(NO_JOURNEYS if data is not None else NO_JOURNEYS.replace(
                "No journeys in this workbook", "No workbook open"))
            return
        schedule = getattr(r, "schedule", None) if r is not None else None
        if schedule is None:
            self._show_empty(NOT_PLANNED.format(n=data.demand.loc[data.demand["journey"] != "", "journey"].nunique()))
            return
        if not schedule.has_paths:
            self._show_empty(NO_PATHS)
            return
        self.stack.setCurrentIndex(1)
        self.stale.setVisible(p.plan_stale)
        if schedule is self._schedule:
            return
        self._schedule = schedule
        self._learners = None
        self.model.set_schedule(schedule)
        self.sites.set_site_weeks(SiteWeeks(schedule))
        self._fill_combos()
        self._fit()
        self.legend.setText(self._legend_html())
        self.apply_filters()

    def _show_empty(self, html: str) -> None:
        self.empty.setText(html)
        self.stack.setCurrentIndex(0)
        self._schedule = None

    def _fill_combos(self) -> None:
        learners = self.model.schedule.learners
        for column, combo in self.combos.items():
            values = sorted({str(v) for v in learners[column]}, key=natural_key)
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ALL] + values)
            combo.setCurrentText(current if current in values else ALL)
            combo.blockSignals(False)

    def _fit(self) -> None:
        header, metrics = self.view.horizontalHeader(), self.fontMetrics()
        learners = self.model.schedule.learners
        for c, (key, label) in enumerate(INFO):
            sample = [str(self.model.data(self.model.index(r, c)) or "") for r in range(min(40, len(learners)))]
            widest = max(metrics.horizontalAdvance(s) for s in sample + [label]) + 20
            header.resizeSection(c, min(170 if key == "hei" else 220, widest))   # the weeks get the room
        self.set_week_width(self.week_width.value())

    def set_week_width(self, width: int) -> None:
        """Every week column this wide (info columns keep theirs); dates stand on end when narrow."""
        header = self.view.horizontalHeader()
        header.setDefaultSectionSize(width)
        for c in range(len(INFO), self.model.columnCount()):
            header.resizeSection(c, width)
        header.setFixedHeight(header.sizeHint().height())
        header.viewport().update()
        if self.week_width.value() != width:
            self.week_width.setValue(width)

    def _legend_html(self) -> str:
        p = self.model.schedule.placements
        settings = sorted({str(s) for s in p.loc[p["placed"], "setting"]}, key=natural_key) if len(p) else []
        chips = []
        for s in settings:
            colour = self.model.colour(s)
            chips.append(f"<span style='background:{colour.name()}; color:{C.text_on(colour).name()}'>"
                         f"&nbsp;{s or 'any setting'}&nbsp;</span>")
        grey = C.qcolor(C.NOT_PLACED).name()
        return ("Settings: " + " ".join(chips) + f" &nbsp; <span style='background:{grey}'>&nbsp;not placed&nbsp;"
                "</span> &nbsp; ↻ hatched: a site this learner already had in the journey. "
                "Enter on a placement shows its site's weeks.")

    # ---- filters ------------------------------------------------------------------------
    def apply_filters(self) -> None:
        learners = self.model.schedule.learners
        mask = np.ones(len(learners), dtype=bool)
        for column, combo in self.combos.items():
            if combo.currentText() not in ("", ALL):
                mask &= (learners[column].astype(str) == combo.currentText()).to_numpy()
        text = self.search.text().strip().lower()
        if text and len(learners):
            mask &= learners["search"].str.contains(text, regex=False).to_numpy()
        if not self.unplaced.isChecked() and len(learners):
            mask &= learners["placed"].to_numpy(dtype=bool)
        if self._learners is not None:
            picked = np.zeros(len(learners), dtype=bool)
            picked[self._learners] = True
            mask &= picked
        self.model.set_rows(np.flatnonzero(mask))
        n, total = int(mask.sum()), len(learners)
        self.count.setText(f"{n:,} of {total:,} learners" if n != total else f"{total:,} learners")

    def set_filter(self, column: str, value: str | None) -> None:
        combo = self.combos[column]
        combo.setCurrentText(ALL if value is None or combo.findText(value) < 0 else value)

    def clear_filters(self) -> None:
        for combo in self.combos.values():
            combo.blockSignals(True)
            combo.setCurrentText(ALL)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.unplaced.setChecked(True)
        self._learners = None
        self.picked.setVisible(False)
        self.apply_filters()

    def show_learners(self, rows, words: str) -> None:
        """Only these schedule rows (a Sites by week cell); the other filters are cleared."""
        self.clear_filters()
        self._learners = np.asarray(rows, dtype=np.int64)
        self.picked.setText(f"Showing the {len(rows):,} learner{'s' if len(rows) != 1 else ''}{words} "
                            "(Clear filters shows everyone).")
        self.picked.setVisible(True)
        self.apply_filters()
        self.tabs.setCurrentIndex(0)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, len(INFO)))
        self.view.setFocus()

    def show_site(self, site_id: str) -> bool:
        """The Map / Site utilisation chose a site: show its weeks (True when it has journey learners)."""
        if self.stack.currentIndex() != 1:
            return False
        return self.sites.show_site(site_id)

    def _placement_chosen(self, index) -> None:
        k = self.model.placement(index)
        if k < 0:
            return
        p = self.model.schedule.placements
        if not p.at[k, "placed"]:
            return
        site = str(p.at[k, "site_id"])
        if self.sites.show_site(site):
            self.tabs.setCurrentIndex(1)
            self.sites.view.setCurrentIndex(self.sites.model.index(0, self.model.week_column(index.column())))
            self.sites.view.setFocus()
            self.site_chosen.emit(site)
