"""Long work off the GUI thread: one callable per QThread, progress polled on a timer.

The solver reports into a thread-safe ``Progress`` object from its own threads; a QTimer
in the GUI thread reads ``snapshot()`` and emits ``progressed``. No Qt signal is ever
emitted from a solver callback. Results and errors come back as queued signals.
"""

from __future__ import annotations

import traceback
import weakref
from typing import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from placement_planner.solver.progress import Progress

_THREADS: "weakref.WeakSet[QThread]"


def live_threads() -> list[QThread]:
    """Worker threads still running (tests fail when one outlives its test)."""
    alive = []
    for t in list(_THREADS):
        try:
            if t.isRunning():
                alive.append(t)
        except RuntimeError:   # the C++ object is gone
            pass
    return alive


_THREADS = weakref.WeakSet()


class _Runner(QObject):
    done = Signal(object)
    failed = Signal(str, str)

    def __init__(self, fn: Callable[[], object]) -> None:
        super().__init__()
        self._fn = fn

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # the UI chooses the words; keep the details for the log
            self.failed.emit(str(exc) or type(exc).__name__, traceback.format_exc())
        else:
            self.done.emit(result)
        finally:
            self._fn = None
            # End the thread from inside it, so closing the window can wait() on it
            # without having to process the queued done/failed events first.
            QThread.currentThread().quit()


class BackgroundTask(QObject):
    """Run ``fn(progress)`` on a new QThread. ``finished``/``failed`` fire in the GUI thread."""

    progressed = Signal(object)   # ProgressState
    finished = Signal(object)     # fn's result
    failed = Signal(str, str)     # message, traceback
    stopped = Signal()            # the thread has ended (after finished / failed)

    def __init__(self, fn: Callable[[Progress], object], *, name: str = "task",
                 poll_ms: int = 100, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.progress = Progress()
        self._thread = QThread()
        self._thread.setObjectName(name)
        _THREADS.add(self._thread)
        self._runner = _Runner(lambda: fn(self.progress))
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.done.connect(self._on_done)
        self._runner.failed.connect(self._on_failed)
        self._thread.finished.connect(self._on_thread_finished)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)
        self._outcome: tuple | None = None

    def start(self) -> None:
        self._timer.start()
        self._thread.start()

    def cancel(self) -> None:
        self.progress.cancel()

    @property
    def cancelled(self) -> bool:
        return self.progress.cancelled

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, ms: int = 30000) -> bool:
        """Block until the thread ends (used when closing); True when it did."""
        return self._thread.wait(ms) if self._thread.isRunning() else True

    def _poll(self) -> None:
        self.progressed.emit(self.progress.snapshot())

    def _on_done(self, result) -> None:
        self._outcome = ("done", result)

    def _on_failed(self, message: str, details: str) -> None:
        self._outcome = ("failed", message, details)

    def _on_thread_finished(self) -> None:
        self._timer.stop()
        self._poll()
        outcome, self._outcome = self._outcome, None
        if outcome and outcome[0] == "done":
            self.finished.emit(outcome[1])
        elif outcome:
            self.failed.emit(outcome[1], outcome[2])
        self.stopped.emit()
