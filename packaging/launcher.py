"""The frozen app's entry point (PyInstaller runs this file as ``__main__``).

It adds two things to ``placement_planner.cli.main``:

* ``multiprocessing.freeze_support()`` - the planner starts its helpers with subprocess
  (``--plan-child``, ``--pdlp-child``, handled first thing by ``cli.main``), not with
  multiprocessing, but a library that does use multiprocessing must not re-run the app in
  its child on Windows.
* ``--smoke-test [FILE...]``: open the app as a user would (the sample when no file is
  given), wait until the window is usable, optionally plan in the child process, print
  ``SMOKE usable <seconds>`` and ``SMOKE planned <learners>`` and close the window the
  normal way. CI runs it offscreen on the frozen binary (packaging/smoke.py); it also runs
  from source (``python packaging/launcher.py --smoke-test``) to compare start-up times.
"""

from __future__ import annotations

import sys
import time

SMOKE_TIMEOUT_S = 120.0


def smoke_test(argv: list[str]) -> int:
    """Run the real app (``ui.app.run``) with a timer that closes it once it is usable."""
    plan = "--plan" in argv
    files = [a for a in argv if a != "--plan"]
    from PySide6.QtCore import QTimer

    from placement_planner.ui.app import create_app

    started = time.perf_counter()
    app = create_app()
    state = {"usable": False, "planning": False, "code": 0}

    def say(text: str) -> None:
        print(f"SMOKE {text}", flush=True)

    def main_window():
        for widget in app.topLevelWidgets():
            if type(widget).__name__ == "MainWindow" and widget.isVisible():
                return widget
        return None

    def tick() -> None:
        window = main_window()
        if time.perf_counter() - started > SMOKE_TIMEOUT_S:
            say(f"FAILED: not done after {SMOKE_TIMEOUT_S:.0f} s")
            state["code"] = 3
            app.exit(3)
            return
        if window is None or window.project.data is None or window.project.running_tasks():
            return
        if not state["usable"]:
            state["usable"] = True
            # Wall time since create_app, and the CPU time of the whole process so far
            # (every thread, from launch): the CPU figure barely moves on a busy machine.
            say(f"usable {time.perf_counter() - started:.2f} cpu {time.process_time():.2f}")
            if window.project.has_errors:
                say("FAILED: the sample has errors")
                state["code"] = 4
            elif plan:
                state["planning"] = True
                window.project.plan()
                return
        if state["planning"]:
            if window.project.planning:
                return
            results = window.project.results
            if results is None:
                say("FAILED: planning gave no results")
                state["code"] = 5
            else:
                say(f"planned {results.plan.learners_placed} status {results.plan.status.value}")
                # A new plan is unsaved work: the window would ask whether to save it. The
                # smoke test checks the plan came back from the child, not saving.
                window.project.mark_saved()
        timer.stop()
        window.close()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(tick)
    timer.start()
    from placement_planner.ui.app import run

    code = run(files)
    say(f"closed {code}")
    return code or state["code"]


def main() -> int:
    import multiprocessing

    multiprocessing.freeze_support()
    argv = sys.argv[1:]
    if argv[:1] == ["--smoke-test"]:
        return smoke_test(argv[1:])
    from placement_planner.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
