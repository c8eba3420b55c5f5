"""A small thread-safe progress and cancel object shared by the solver and its callers.

The solver (and OR-Tools' own C++ threads through its callbacks) only copy a few numbers
in here; a caller polls ``snapshot()`` (the app does it on a timer) and may ``cancel()``.
Never Qt: the app wraps it, the CLI prints it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class ProgressState:
    phase: str = ""
    fraction: float | None = None     # 0..1 of the whole solve, when known
    best: float | None = None         # best objective value of the current tier
    bound: float | None = None        # proven bound of the current tier
    elapsed_s: float = 0.0
    cancelled: bool = False


class Progress:
    """Thread-safe: ``report`` from any thread, ``snapshot`` / ``cancel`` from any other."""

    def __init__(self, listener: Callable[[ProgressState], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._start = time.perf_counter()
        self._state = ProgressState()
        self._listener = listener

    def report(self, phase: str | None = None, *, fraction: float | None = None,
               best: float | None = None, bound: float | None = None) -> None:
        with self._lock:
            s = self._state
            self._state = ProgressState(
                phase=s.phase if phase is None else phase,
                fraction=s.fraction if fraction is None else fraction,
                best=best if best is not None else (s.best if phase is None else None),
                bound=bound if bound is not None else (s.bound if phase is None else None),
                elapsed_s=time.perf_counter() - self._start,
                cancelled=self._cancel.is_set(),
            )
            state = self._state
        if self._listener is not None:
            self._listener(state)

    def snapshot(self) -> ProgressState:
        with self._lock:
            s = self._state
            return ProgressState(s.phase, s.fraction, s.best, s.bound,
                                 time.perf_counter() - self._start, self._cancel.is_set())

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def elapsed(self) -> float:
        return time.perf_counter() - self._start
