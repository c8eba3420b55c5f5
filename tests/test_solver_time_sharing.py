"""The time a finished part leaves is handed to parts that ran out of their own share."""

import time
from types import SimpleNamespace

import numpy as np

from placement_planner.domain import Tier
from placement_planner.solver import run as run_mod


def _models(sizes):
    return [SimpleNamespace(name=i, rows=SimpleNamespace(row=np.zeros(s))) for i, s in enumerate(sizes)]


def _fake(needs):
    """A part proves every tier only when it is given at least needs[name] seconds; else it
    spends all it was given and stops at its deadline."""
    calls = []

    def solve_part(model, tiers, deadline, progress):
        given = deadline - time.perf_counter()
        calls.append((model.name, given))
        ok = given >= needs[model.name]
        if not ok:
            time.sleep(max(0.0, given))
        return run_mod.PartResult(x=np.zeros(1), proven=ok, stopped="" if ok else "time_limit")
    return solve_part, calls


def test_a_part_short_of_its_share_gets_the_time_left(monkeypatch):
    # one worker: part 0's share is a quarter of 5 s but it needs 2 s; part 1 finishes at
    # once, so part 0 is solved again with the time part 1 left
    fake, calls = _fake({0: 2.0, 1: 0.0})
    monkeypatch.setattr(run_mod, "solve_part", fake)
    deadline = time.perf_counter() + 5.0
    out = run_mod.solve_parts(_models([1000, 3000]), (Tier.PLACED,), deadline, 1, None)
    assert [r.proven for r in out] == [True, True]
    assert [r.stopped for r in out] == ["", ""]
    assert [c[0] for c in calls] == [0, 1, 0]          # part 0 was solved a second time


def test_a_second_run_that_does_not_prove_keeps_time_limit(monkeypatch):
    fake, calls = _fake({0: 99.0, 1: 0.0})
    monkeypatch.setattr(run_mod, "solve_part", fake)
    deadline = time.perf_counter() + 3.0
    out = run_mod.solve_parts(_models([1000, 3000]), (Tier.PLACED,), deadline, 1, None)
    assert out[0].stopped == "time_limit" and not out[0].proven
    assert [c[0] for c in calls] == [0, 1, 0]
    assert calls[0][1] < 2.0 and calls[2][1] <= 3.0     # never past the overall deadline


def test_no_second_run_without_time_left(monkeypatch):
    fake, calls = _fake({0: 99.0, 1: 0.0})
    monkeypatch.setattr(run_mod, "solve_part", fake)
    deadline = time.perf_counter() + run_mod.RETRY_MIN_S * 1.5
    out = run_mod.solve_parts(_models([1000, 1000]), (Tier.PLACED,), deadline, 1, None)
    assert out[0].stopped == "time_limit"
    assert len(calls) == 2
