"""The engine of each step (engine.PER_STEP): every LP run and MIP of a part runs on the engine
the table names for its step, and every choice of engines gives the optimum of the independent
lexicographic model (tests/lexicographic_reference.py: placed, exact leximin, preferred,
travel), on the generated demo and on random instances with locks."""

from __future__ import annotations

import sys
from functools import lru_cache

import pytest

from feasibility import random_instance
from lexicographic_reference import assert_agrees, reference_tiers
from placement_planner.generate import generate_workbook
from placement_planner.io import load_workbooks
from placement_planner.solver import SolveOptions, engine, solve
from placement_planner.solver import tier_solve
from placement_planner.solver.highs_part import HighsPart

FLIP = {"highspy": "ortools", "ortools": "highspy"}
# per-step: the real table; flipped: every step on the other engine (so each engine runs
# every step); highspy / ortools: that engine for every step
CHOICES = ("per-step", "flipped", "highspy", "ortools")


def _use(monkeypatch, choice: str) -> dict:
    """Set the engines for ``choice``; returns the table the part must follow."""
    table = dict(engine.PER_STEP)
    if choice == "flipped":
        table = {k: (FLIP[lp], FLIP[mip]) for k, (lp, mip) in table.items()}
    if choice in ("highspy", "ortools"):
        table = {k: (choice, choice) for k in table}
    monkeypatch.setattr(engine, "ENGINE", "per-step")
    monkeypatch.setattr(engine, "PER_STEP", table)
    return table


def _spy(monkeypatch) -> list:
    """[(step, "lp"/"mip", engine)] of every LP run and MIP solve, the step read from the
    HighsPart on the call stack (a MIP's own ``step`` argument first: the locks' MIP)."""
    seen: list = []

    def step_of() -> str:
        f = sys._getframe(2)
        while f is not None:
            if f.f_code is tier_solve.restricted.__code__:
                return f.f_locals["step"] or f.f_locals["hp"].step
            for name in ("self", "hp"):
                part = f.f_locals.get(name)
                if isinstance(part, HighsPart):
                    return part.step
            f = f.f_back
        raise AssertionError("an engine call outside a part")

    def lp_run(cls, name):
        run = cls.run

        def wrapper(self, *a, **k):
            seen.append((step_of(), "lp", name))
            return run(self, *a, **k)
        monkeypatch.setattr(cls, "run", wrapper)

    lp_run(engine.HighspyLP, "highspy")
    lp_run(engine.OrtoolsLP, "ortools")
    solve_mip = engine.solve_mip

    def mip(*a, **k):
        seen.append((step_of(), "mip", k["engine"]))
        return solve_mip(*a, **k)
    monkeypatch.setattr(engine, "solve_mip", mip)
    return seen


def _demo(seed: int):
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "demo.xlsx"
        generate_workbook("demo", seed=seed, path=path)
        return load_workbooks([path]).data


@lru_cache(maxsize=None)
def _case(name: str):
    data = _demo(1) if name == "demo" else \
        random_instance(int(name), n_sites=8, n_demand=14, n_weeks=14, locked=True)
    return data, reference_tiers(data)


@pytest.mark.parametrize("choice", CHOICES)
@pytest.mark.parametrize("case", ["demo", "310", "311", "312"])
def test_every_engine_choice_gives_the_optimum_of_every_tier(monkeypatch, choice, case):
    data, ref = _case(case)
    _use(monkeypatch, choice)
    assert_agrees(data, solve(data, SolveOptions(time_limit_s=60)), ref)


@pytest.mark.parametrize("choice", ["per-step", "flipped"])
def test_each_step_runs_on_the_engine_of_the_table(monkeypatch, choice):
    table = _use(monkeypatch, choice)
    seen = _spy(monkeypatch)
    for case in ("demo", "310", "311"):
        solve(_case(case)[0], SolveOptions(time_limit_s=60))
    wrong = [(s, kind, e) for s, kind, e in seen
             if e != table[s][0 if kind == "lp" else 1]]
    assert not wrong
    steps = {(s, kind) for s, kind, _ in seen}
    # every tier's LP ran, and MIPs of the locks and of the lower tiers
    assert {("placed", "lp"), ("fair_share", "lp"), ("preferred", "lp"),
            ("travel", "lp"), ("locks", "mip")} <= steps
    assert {kind for _, kind in steps} == {"lp", "mip"}
    # every engine of the table ran
    assert {e for *_, e in seen} == {e for pair in table.values() for e in pair}


@pytest.mark.parametrize("wanted, mode", [("", "per-step"), ("per-step", "per-step"),
                                          ("highspy", "highspy"), ("ortools", "ortools"),
                                          (" OrTools ", "ortools"), ("glop", "per-step")])
def test_the_mode_from_the_environment(monkeypatch, wanted, mode):
    """highspy is installed here: the default is the per-step table."""
    monkeypatch.setenv("PLACEMENT_PLANNER_ENGINE", wanted)
    assert engine._pick() == mode


@pytest.mark.parametrize("mode", ["ortools", "highspy", "per-step"])
def test_a_mode_maps_every_step(monkeypatch, mode):
    """OR-Tools only: every step on GLOP and SCIP; highspy: every step on highspy; per-step:
    the table."""
    monkeypatch.setattr(engine, "ENGINE", mode)
    for step, (lp, mip) in engine.PER_STEP.items():
        got = engine.engine_for(step, "lp"), engine.engine_for(step, "mip")
        if mode == "highspy":
            assert got == ("highspy", "highspy")
        elif mode == "per-step":
            assert got == (lp, mip)
        else:
            assert got == ("ortools", "ortools")
