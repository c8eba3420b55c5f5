"""Plan in a child process, so no numpy call on a planning thread can freeze the window.

A long numpy, scipy or pandas call holds Python's GIL; on a worker thread that still
stalls the GUI (up to 330 ms measured during a national plan). The child runs
``core.plan_and_analyse``; progress comes back as JSON lines, Cancel goes down as one line
(the child then returns its best plan so far), the results come back pickled. Qt-free.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import sys
import threading

# The parent side lives in the core (the CLI's `compare` plans scenarios in these children too).
from placement_planner.scenarios.child import PlanFailed, child_command, run_in_child  # noqa: F401
from placement_planner.solver.progress import Progress


def plan_in_child(data, progress: Progress, call: tuple[str, str, dict] | None = None):
    """``core.plan_and_analyse(data, progress)`` in a child process; same result or PlanFailed.

    ``call`` = (module, function, keyword arguments) runs ``function(progress=..., **kwargs)``
    instead (what-if scenarios use it; ``data`` is then ignored)."""
    # The loaded sheets as typed are not needed to plan; leaving them out makes this pickle
    # ten times quicker (0.04 s instead of 0.42 s at national, all of it holding the GIL).
    job = ("call", *call) if call else dataclasses.replace(data, source_sheets={})
    return run_in_child(job, progress, child_command())


def run_child(stdin=None, stdout=None) -> int:
    """The child: read the data, plan with progress lines, answer with the pickled results."""
    from placement_planner.ui import core

    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    lock = threading.Lock()
    data = pickle.loads(stdin.read(int.from_bytes(stdin.read(8), "little")))

    def send(kind: bytes, body: bytes) -> None:
        with lock:
            stdout.write(kind + b" " + body)
            stdout.flush()

    def listener(state) -> None:
        send(b"P", json.dumps({"phase": state.phase, "fraction": state.fraction, "best": state.best,
                               "bound": state.bound}).encode() + b"\n")

    progress = Progress(listener)

    def watch_cancel() -> None:
        for line in stdin:
            if line.strip() == b"cancel":
                progress.cancel()
                return

    threading.Thread(target=watch_cancel, daemon=True).start()
    try:
        if isinstance(data, tuple) and data[0] == "call":   # ("call", module, function, kwargs)
            import importlib
            results = getattr(importlib.import_module(data[1]), data[2])(progress=progress, **data[3])
        else:
            results = core.plan_and_analyse(data, progress)
    except Exception as exc:   # the parent shows the words; nothing else is lost
        send(b"E", (str(exc) or type(exc).__name__).replace("\n", " ").encode() + b"\n")
        return 1
    body = pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)
    send(b"R", str(len(body)).encode() + b"\n" + body)
    return 0


if __name__ == "__main__":
    sys.exit(run_child())
