"""A planner session that the kill-and-recover test ends with SIGKILL (run as a subprocess).

    python crash_session.py edit|plan

Opens the bundled sample, edits a capacity cell (and, for ``plan``, plans first and then
starts a second plan), prints READY and waits to be killed.
"""

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(mode: str) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from placement_planner.ui import core
    from placement_planner.ui.app import create_app
    from placement_planner.ui.main_window import MainWindow

    app = create_app()
    window = MainWindow()
    window.show()

    def wait_for(predicate, seconds=120):
        end = time.monotonic() + seconds
        while not predicate():
            if time.monotonic() > end:
                print("TIMEOUT", flush=True)
                sys.exit(3)
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    window.open_files(core.sample_paths())
    wait_for(lambda: window.project.data is not None and not window.project.running_tasks())
    if mode == "plan":
        window.project.plan()
        wait_for(lambda: window.project.results is not None and not window.project.planning)
        print("PLACED", window.project.results.plan.learners_placed, flush=True)
    assert window.project.request_edit("capacity", 0, "places", "17")
    assert window.project.request_edit("demand", 1, "learners", "1")
    if mode == "plan":
        # The second plan stands for a long national solve: still running when killed.
        def long_plan(data, progress):
            while not progress.cancelled:
                time.sleep(0.05)
            raise RuntimeError("cancelled")
        from placement_planner.ui import project as project_module
        project_module.plan_in_child = long_plan
        window.project.plan()
        assert window.project.planning
    print("READY", flush=True)
    QTimer.singleShot(600_000, app.quit)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1])
