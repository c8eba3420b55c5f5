"""Render the Scenarios panel offscreen into docs/screenshots/ (demo sample, three what-ifs planned).

    python -m placement_planner.ui.scenarios.screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _wait(app, predicate, timeout_s: float = 600.0) -> None:
    end = time.perf_counter() + timeout_s
    while not predicate() and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path.cwd() / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    from placement_planner.scenarios import Change
    from placement_planner.ui.app import create_app
    from placement_planner.ui.main_window import MainWindow

    app = create_app()
    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    window.open_sample()
    _wait(app, lambda: window.project.data is not None and not window.project.running_tasks())
    data, store = window.project.data, window.scenario_store
    # the busiest trust none of whose sites holds a locked allocation (a lock there makes it infeasible)
    providers = data.sites.set_index("site_id")["provider"]
    locked = set(providers.reindex(data.locked["site_id"]).dropna())
    places = data.capacity.groupby(data.capacity["site_id"].map(providers))["places"].sum()
    provider = str(places.drop(labels=list(locked), errors="ignore").idxmax())
    hei = str(data.demand.groupby("hei")["learners"].sum().idxmax())
    start = data.week0 + dt.timedelta(weeks=8)
    store.add_change(f"{provider.split(' NHS')[0]} withdraws", Change("", "withdraw", provider=provider,
                                                                      from_date=start))
    store.add_change(f"{hei} +20%", Change("", "scale_demand", hei=hei, value=1.2))
    store.add_change("Travel 80 km", Change("", "travel_limit", value=80))
    store.current = store.names[0]
    panel = window.scenarios_panel
    panel.refresh()
    window.tabs.setCurrentWidget(panel)
    store.plan(store.names)
    _wait(app, lambda: not store.busy and not window.project.running_tasks())
    for tab, name in ((0, "scenarios-changes"), (1, "scenarios-comparison"), (2, "scenarios-heatmap"),
                      (3, "scenarios-moves")):
        panel.tabs.setCurrentIndex(tab)
        if name == "scenarios-heatmap":
            panel.heatmap.choice.setCurrentIndex(0)
            panel.heatmap.level.setCurrentIndex(1)          # the demo is one region: show its ICBs
        for _ in range(5):
            app.processEvents()
        path = out / f"{name}.png"
        window.grab().save(str(path))
        print(path)
    window.project.mark_saved()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
