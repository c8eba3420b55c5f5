"""numpy's BLAS on one thread while a plan is solved (pipeline.BLAS_ONE_THREAD), restored after."""

from __future__ import annotations

import sys
import threading

from feasibility import check_plan, tiny_instance
from placement_planner.solver import SolveOptions, pipeline, solve
from placement_planner.solver import run as run_mod


def _threads_seen(monkeypatch) -> list:
    seen = []
    inner = run_mod.solve_parts

    def spy(*a, **k):
        blas = pipeline._numpy_blas()
        seen.append(blas[1]() if blas else None)
        return inner(*a, **k)

    monkeypatch.setattr(pipeline, "solve_parts", spy)
    return seen


def test_the_solve_runs_numpy_blas_on_one_thread_and_restores_it(monkeypatch):
    blas = pipeline._numpy_blas()
    if sys.platform.startswith("linux"):
        assert blas is not None          # numpy's wheels bundle OpenBLAS in numpy.libs
    if blas is None:
        return
    set_, get_ = blas
    was = get_()
    set_(2)
    try:
        seen = _threads_seen(monkeypatch)
        data = tiny_instance(3)
        plan = solve(data, SolveOptions(time_limit_s=30))
        check_plan(data, plan)
        assert seen == [1] and get_() == 2
        monkeypatch.setattr(pipeline, "BLAS_ONE_THREAD", False)
        solve(data, SolveOptions(time_limit_s=30))
        assert seen == [1, 2] and get_() == 2
    finally:
        set_(was)


def test_overlapping_solves_restore_the_threads_after_the_last(monkeypatch):
    blas = pipeline._numpy_blas()
    if blas is None:
        assert not sys.platform.startswith("linux")
        return
    set_, get_ = blas
    was = get_()
    set_(2)
    try:
        inside, go_on = threading.Event(), threading.Event()

        def first():
            with pipeline._one_blas_thread():
                inside.set()
                go_on.wait(10)

        t = threading.Thread(target=first)
        t.start()
        inside.wait(10)
        with pipeline._one_blas_thread():
            assert get_() == 1
        assert get_() == 1               # the first is still running
        go_on.set()
        t.join(10)
        assert get_() == 2
    finally:
        set_(was)
