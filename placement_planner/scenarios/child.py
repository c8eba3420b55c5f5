"""The parent side of the planning child process, Qt-free (the child is ui/plan_child.py's
``run_child``, a Qt-free module started as ``placement-planner --plan-child`` in a frozen build).

The parent writes one pickled job; the child answers with progress lines (``P {json}``), an
error (``E message``) or the pickled result (``R size`` then the bytes). Cancel goes down as
one line, after which the child returns its best plan so far.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading

from placement_planner.solver.progress import Progress

CHILD_MODULE = "placement_planner.ui.plan_child"   # Qt-free; named here, never imported by the core


class PlanFailed(RuntimeError):
    pass


def child_command() -> list[str]:
    if getattr(sys, "frozen", False):          # a PyInstaller build runs its own entry point
        return [sys.executable, "--plan-child"]
    return [sys.executable, "-m", CHILD_MODULE]


def call_in_child(module: str, function: str, kwargs: dict, progress: Progress):
    """``module.function(progress=..., **kwargs)`` in a planning child process."""
    return run_in_child(("call", module, function, kwargs), progress)


def run_in_child(job, progress: Progress, command: list[str] | None = None):
    """Send ``job`` to a new planning child; its result, or PlanFailed with the child's words."""
    proc = subprocess.Popen(command or child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
    proc.stdin.write(len(payload).to_bytes(8, "little"))
    proc.stdin.write(payload)
    proc.stdin.flush()
    del payload
    stop_watch = threading.Event()

    def forward_cancel() -> None:
        while not stop_watch.wait(0.1):
            if progress.cancelled:
                try:
                    proc.stdin.write(b"cancel\n")
                    proc.stdin.flush()
                except OSError:
                    pass
                return

    watcher = threading.Thread(target=forward_cancel, daemon=True)
    watcher.start()
    try:
        while True:
            line = proc.stdout.readline()
            if not line:
                raise PlanFailed("The planning process stopped unexpectedly.")
            kind, _, rest = line.partition(b" ")
            if kind == b"P":
                state = json.loads(rest)
                progress.report(state.pop("phase"), **state)
            elif kind == b"E":
                raise PlanFailed(rest.decode("utf-8", "replace").strip())
            elif kind == b"R":
                return pickle.loads(proc.stdout.read(int(rest)))
    finally:
        stop_watch.set()
        try:
            proc.stdin.close()
        except OSError:
            pass
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
