"""Desktop app benchmark: start to usable window, open + validate, event-loop stalls while planning, memory.

    python benchmarks/app.py [--scale national] [--time-limit 60] [--workbook PATH]

Runs offscreen. The stall probe is a 10 ms QTimer; each tick records how late it fired,
so the largest lateness is the longest the window froze (Python work on a worker
thread holds the GIL and can still stall the GUI thread).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class StallProbe:
    def __init__(self, interval_ms: int = 10) -> None:
        from PySide6.QtCore import QTimer

        self.interval = interval_ms / 1000
        self.worst = 0.0
        self.late = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        late = now - self._last - self.interval
        self._last = now
        self.late.append(late)
        self.worst = max(self.worst, late)

    def p99(self) -> float:
        import numpy as np

        return float(np.percentile(self.late, 99)) if self.late else 0.0


def wait(app, predicate, timeout_s: float) -> None:
    end = time.perf_counter() + timeout_s
    while not predicate() and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--workbook")
    args = parser.parse_args()

    workbook = args.workbook
    if workbook is None:
        from placement_planner.generate import generate_workbook

        workbook = str(Path(tempfile.mkdtemp()) / f"{args.scale}.xlsx")
        t = time.perf_counter()
        generate_workbook(args.scale, args.seed, workbook)
        print(f"generated {args.scale} workbook in {time.perf_counter() - t:.1f} s")

    t0 = time.perf_counter()
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    from placement_planner.ui.app import create_app

    app = create_app()
    from placement_planner.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    app.processEvents()
    print(f"start to usable window: {time.perf_counter() - t0:.2f} s (rss {rss_mb():.0f} MB)")

    probe = StallProbe()
    probe.start()
    t = time.perf_counter()
    window.open_files([workbook])
    wait(app, lambda: window.project.data is not None and not window.project.running_tasks(), 600)
    data = window.project.data
    print(f"open + validate in the app: {time.perf_counter() - t:.2f} s, {len(data.sites):,} sites, "
          f"{data.learners_requested:,} learners in {len(data.demand):,} groups; "
          f"largest stall {probe.worst * 1000:.0f} ms")

    # Scroll the biggest table end to end (as a user dragging the scrollbar).
    view = window.data_tables.tables["demand"].view
    window.tabs.setCurrentWidget(window.data_tables.tables["demand"])
    app.processEvents()
    bar = view.verticalScrollBar()
    t = time.perf_counter()
    steps = 200
    for i in range(steps):
        bar.setValue(int(bar.maximum() * i / (steps - 1)))
        view.viewport().repaint()
    print(f"scroll demand table: {(time.perf_counter() - t) / steps * 1000:.1f} ms per repaint "
          f"({view.model().rowCount():,} rows)")
    t = time.perf_counter()
    window.data_tables.tables["demand"].proxy.set_text("physio")
    app.processEvents()
    print(f"filter demand table (first search builds the index): {time.perf_counter() - t:.2f} s")

    if args.time_limit is not None:
        window.project.data.settings = window.project.data.settings.with_(time_limit_s=args.time_limit)
    probe = StallProbe()
    probe.start()
    t = time.perf_counter()
    window.project.plan()
    wait(app, lambda: window.project.results is not None and not window.project.planning, 7200)
    plan_s = time.perf_counter() - t
    r = window.project.results
    print(f"plan: {plan_s:.1f} s, {r.plan.learners_placed:,} placed, status {r.plan.status.value}"
          + (f" ({'; '.join(r.plan.messages)[:300]})" if r.plan.messages else ""))
    print(f"event loop during plan: largest stall {probe.worst * 1000:.0f} ms, p99 lateness "
          f"{probe.p99() * 1000:.0f} ms over {len(probe.late):,} ticks")
    app.processEvents()
    for name in ("heatmap", "timeline", "utilisation", "site_map"):
        probe = StallProbe()
        probe.start()
        t = time.perf_counter()
        window.tabs.setCurrentWidget(getattr(window, name))
        app.processEvents()
        print(f"show {name} chart: {time.perf_counter() - t:.2f} s")
    print(f"memory with national plan loaded: rss {rss_mb():.0f} MB")
    window.project.mark_saved()
    window.close()
    window.deleteLater()
    app.processEvents()
    del window
    import gc

    gc.collect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
