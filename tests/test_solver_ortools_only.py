"""The planner runs with highspy absent: OR-Tools alone (GLOP, SCIP, PDLP) plans every tier.

Each case runs in a fresh interpreter whose ``import highspy`` fails, as on a machine
without it, and compares tier 1 with the independent reference model.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent

SCRIPT = r"""
import json, sys
sys.modules["highspy"] = None            # any "import highspy" now raises ImportError
sys.path.insert(0, {tests!r})
from feasibility import check_plan, random_instance, reference_placed, tiny_instance, brute_force_leximin
from placement_planner.solver import SolveOptions, solve
from placement_planner.solver import engine
from placement_planner.domain import Tier
out = {{"engine": engine.ENGINE, "cases": []}}
for seed in {seeds!r}:
    data = random_instance(seed, n_sites=6, n_demand=10, n_weeks=12)
    plan = solve(data, SolveOptions(time_limit_s=30))
    check_plan(data, plan)
    out["cases"].append([plan.status.value, plan.tier_values["placed"], reference_placed(data)])
for seed in {seeds!r}:
    data = tiny_instance(seed)
    plan = solve(data, SolveOptions(time_limit_s=30, tiers=(Tier.PLACED, Tier.FAIR_SHARE)))
    check_plan(data, plan)
    _, fill = brute_force_leximin(data)
    d = data.demand
    got = d.assign(p=d["demand_id"].astype(str).map(plan.allocations.groupby("demand_id")["learners"].sum()).fillna(0))
    g = got.groupby(["hei", "profession"])[["p", "learners"]].sum()
    out["cases"].append([plan.status.value, sorted((g["p"] / g["learners"]).tolist()), fill])
print(json.dumps(out))
"""


@pytest.mark.parametrize("seeds", [list(range(0, 6)), list(range(6, 12))])
def test_planner_runs_and_is_exact_without_highspy(seeds):
    proc = subprocess.run([sys.executable, "-c", SCRIPT.format(tests=str(TESTS), seeds=seeds)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["engine"] == "ortools"
    for status, got, want in out["cases"]:
        assert status == "optimal"
        assert got == pytest.approx(want, abs=1e-9)


def test_a_solve_prints_nothing_to_stdout():
    """HiGHS prints a banner to the C stdout on its first use in a process: none may reach
    the user's terminal (``solve`` reports through Progress only)."""
    script = ("import sys; sys.path.insert(0, %r)\n"
              "from feasibility import random_instance\n"
              "from placement_planner.solver import SolveOptions, solve\n"
              "solve(random_instance(1, n_sites=6, n_demand=10, n_weeks=12), SolveOptions(time_limit_s=30))\n"
              % str(TESTS))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == ""
