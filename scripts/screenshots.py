"""Render the main views offscreen into docs/screenshots/ (sample data, planned).

    python scripts/screenshots.py [--out docs/screenshots] [--dark]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

VIEWS = [("Sites", "sites"), ("Capacity", "capacity"), ("Results", "results"), ("Capacity gaps", "gap-heatmap"),
         ("Weekly timeline", "weekly-timeline"), ("Site utilisation", "site-utilisation"), ("Map", "site-map")]


def wait(app, predicate, timeout_s=300.0) -> None:
    end = time.perf_counter() + timeout_s
    while not predicate() and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "screenshots"))
    parser.add_argument("--dark", action="store_true", help="render with a dark palette")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    from placement_planner.ui.app import create_app

    app = create_app()
    if args.dark:
        # Offscreen there is no system scheme to follow: set the palette a dark desktop gives.
        from PySide6.QtGui import QColor, QPalette

        pal = QPalette()
        for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
                             (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.AlternateBase, "#262626"),
                             (QPalette.ColorRole.Text, "#e6e6e6"), (QPalette.ColorRole.Button, "#353535"),
                             (QPalette.ColorRole.ButtonText, "#e6e6e6"), (QPalette.ColorRole.Highlight, "#3d7ad6"),
                             (QPalette.ColorRole.HighlightedText, "#ffffff"),
                             (QPalette.ColorRole.PlaceholderText, "#9a9a9a"), (QPalette.ColorRole.ToolTipBase, "#353535"),
                             (QPalette.ColorRole.ToolTipText, "#e6e6e6")):
            pal.setColor(role, QColor(colour))
        app.setPalette(pal)
        from placement_planner.ui.theme import apply_theme

        apply_theme(app)
    from placement_planner.ui.main_window import MainWindow

    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    window.open_sample()
    wait(app, lambda: window.project.data is not None and not window.project.running_tasks())
    suffix = "-dark" if args.dark else ""
    # A chart before the first plan: what to do, not empty axes.
    window.tabs.setCurrentWidget(window.timeline)
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(out / f"chart-before-plan{suffix}.png"))
    print(out / f"chart-before-plan{suffix}.png")
    window.project.plan()
    wait(app, lambda: window.project.results is not None and not window.project.running_tasks())
    suffix = "-dark" if args.dark else ""
    tabs = {window.tabs.tabText(i): i for i in range(window.tabs.count())}
    for tab, name in VIEWS:
        window.tabs.setCurrentIndex(tabs[tab])
        for _ in range(5):
            app.processEvents()
        path = out / f"{name}{suffix}.png"
        window.grab().save(str(path))
        print(path)
    # The headline figures in plain words (Help > What do these figures mean?).
    from placement_planner.ui.views.map_reference import FiguresDialog

    dialog = FiguresDialog(window)
    dialog.show()
    for _ in range(5):
        app.processEvents()
    path = out / f"figures{suffix}.png"
    dialog.grab().save(str(path))
    dialog.close()
    print(path)
    # The problems panel pointing at a bad cell, from the messy example.
    from importlib import resources

    messy = resources.files("placement_planner.sample_data") / "messy_example.xlsx"
    if messy.is_file():
        window.project.mark_saved()
        window.open_files([str(messy)])
        wait(app, lambda: not window.project.running_tasks() and window.project.input_paths == [str(messy)])
        for _ in range(5):
            app.processEvents()
        if window.problems.proxy.rowCount():
            window.problems.activate_row(0)
        app.processEvents()
        path = out / f"problems{suffix}.png"
        window.grab().save(str(path))
        print(path)
    window.project.mark_saved()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
