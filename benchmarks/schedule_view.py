"""How quick the Journeys tab is at the trust scale (2,000 learners x 4 placements, 150 wards).

    QT_QPA_PLATFORM=offscreen python benchmarks/schedule_view.py [--plan saved.pkl]

Plans the generated trust workbook once (or reads a pickled (data, results) from --plan), then
prints, side by side: working out the schedule and the site x week counts (done off the GUI
thread with the plan's other figures), and on the GUI thread: showing the tab, painting one
screen, scrolling through every row, a filter, a search and a site x week click.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def timed(label: str, fn, repeat: int = 3):
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    print(f"{label:<52} {best * 1000:9.1f} ms")
    return result, best


def planned(path: str | None):
    if path and Path(path).is_file():
        return pickle.loads(Path(path).read_bytes())
    from placement_planner.generate import generate_workbook
    from placement_planner.io import load_workbooks
    from placement_planner.solver.progress import Progress
    from placement_planner.ui import core

    book = Path(tempfile.mkdtemp()) / "trust.xlsx"
    generate_workbook("trust", 1, book)
    data = load_workbooks([str(book)]).data
    t = time.perf_counter()
    results = core.plan_and_analyse(data, Progress())
    print(f"{'plan + analyse (for reference, not the view)':<52} {(time.perf_counter() - t) * 1000:9.1f} ms")
    if path:
        Path(path).write_bytes(pickle.dumps((data, results)))
    return data, results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", help="a pickled (data, results) to reuse (written when missing)")
    args = parser.parse_args()
    data, results = planned(args.plan)
    from PySide6.QtCore import QStandardPaths, Qt

    QStandardPaths.setTestModeEnabled(True)
    from placement_planner.ui.app import create_app
    from placement_planner.ui.journeys import SiteWeeks, build_schedule

    app = create_app()
    plan = results.plan
    schedule, t_build = timed("build_schedule (off the GUI thread)", lambda: build_schedule(data, plan.journeys,
                                                                                          plan.allocations))
    _, t_sites = timed("SiteWeeks counts (GUI thread, once per plan)", lambda: SiteWeeks(schedule))
    print(f"{'':<52} {len(schedule):,} learners x {schedule.n_weeks} weeks, "
          f"{len(schedule.placements):,} placements, {len(SiteWeeks(schedule)):,} sites")

    from placement_planner.ui.main_window import MainWindow

    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    p = window.project
    p.data = data
    p.loaded.emit()
    window.tabs.setCurrentWidget(window.journeys)
    view = window.journeys

    def show():
        view._schedule = None
        p.results = results
        p.plan_changed.emit()
        app.processEvents()

    _, t_show = timed("new plan -> tab filled (models, combos, legend)", show)
    _, t_paint = timed("paint one screen of the schedule", lambda: view.view.viewport().grab(), 5)
    table = window.results.allocations.view             # reference: a plain FrameModel table, same window
    window.tabs.setCurrentWidget(window.results)
    app.processEvents()
    _, t_table = timed("  reference: one screen of the Allocations table", lambda: table.viewport().grab(), 5)
    window.tabs.setCurrentWidget(view)
    app.processEvents()
    bar = view.view.verticalScrollBar()

    def scroll():
        step = max(1, bar.pageStep())
        for value in range(0, bar.maximum() + step, step):
            bar.setValue(value)
            view.view.viewport().repaint()
    _, t_scroll = timed(f"scroll all rows a page at a time ({bar.maximum() // max(1, bar.pageStep()) + 1} pages)",
                        scroll, 1)
    hbar = view.view.horizontalScrollBar()

    def sideways():
        for value in range(0, hbar.maximum() + 200, 200):
            hbar.setValue(value)
            view.view.viewport().repaint()
    timed("scroll across every week, 200 px at a time", sideways, 1)
    heis = [view.combos["hei"].itemText(i) for i in (1, 2)]

    def one_university():
        heis.reverse()             # a different one each time, so the filter really runs
        view.set_filter("hei", heis[0])
        return view.model.rowCount()
    shown, _ = timed("filter: one university", one_university)
    print(f"{'':<52} {shown:,} learners shown")
    view.clear_filters()
    word = str(schedule.placements["site_name"].iloc[0]).split()[0].lower()

    def search():
        view.search.setText(word)
        view.apply_filters()
        return view.model.rowCount()
    shown, _ = timed(f"search box: '{word}' over every learner", search)
    print(f"{'':<52} {shown:,} learners shown")
    view.clear_filters()
    panel = view.sites
    index = panel.model.index(0, int(panel.model.site_weeks.counts[0].argmax()))
    timed("Sites by week: click a cell -> schedule filtered", lambda: panel.choose(index))
    view.clear_filters()
    ids = list(panel.model.site_weeks.site_ids[-2:])

    def one_site():
        ids.reverse()              # a different site each time
        panel.show_site(ids[0])
    timed("Sites by week: choose one site (its journey lines)", one_site)
    print(f"schedule screen / Allocations screen: {t_paint / max(t_table, 1e-9):.1f}x; "
          f"tab filled / one screen: {t_show / max(t_paint, 1e-9):.1f}x")
    p.mark_saved()
    window.close()
    del Qt
    return 0


if __name__ == "__main__":
    sys.exit(main())
