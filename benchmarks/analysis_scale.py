"""Analysis at scale: reasons, gaps and utilisation on per-student data, side by side per case.

    python benchmarks/analysis_scale.py [--scale demo|region] [--time-limit S] [--compare-with DIR]

``--compare-with DIR`` also runs each analysis with an older source tree first on the path
(for example ``git archive <commit> | tar -x -C DIR``), printed on the next line, side by side.

Cases: the generator's per-student shape (200 nursing students, ~13,200 single-learner rows
without coordinates, so every pool of the area is in reach) and the same with every row listed
three times (so most rows are unplaced with the places taken: the costliest reasons). Each case is solved once; the
analysis then runs in a fresh process on the pickled data and plan: seconds per table, and that
process's peak resident memory (``ru_maxrss``) before and after the analysis.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from placement_planner.analysis.common import build_context
from placement_planner.analysis.gaps import gaps_table
from placement_planner.analysis.reasons import unplaced_table
from placement_planner.analysis.tables import utilisation_table
from placement_planner.build import build_planning_data
from placement_planner.generate import generate_tables
from placement_planner.solver import SolveOptions, solve


def _cases(scale: str):
    tables = generate_tables(scale, 1, "per-student")
    demand = tables["Demand"]
    tripled = pd.concat([demand] + [demand.assign(demand_id=demand["demand_id"] + f"-x{i}") for i in (2, 3)],
                        ignore_index=True)
    for name, rows in (("per-student", demand), ("per-student x3", tripled)):
        yield name, build_planning_data(sites=tables["Sites"], capacity=tables["Capacity"], demand=rows,
                                        locked=tables["Locked"])


def _timed(fn, *args):
    started = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - started


def _analyse(path: str) -> None:
    """Child process: time the analysis of one pickled (data, plan); print one result line."""
    with open(path, "rb") as fh:
        data, plan = pickle.load(fh)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ctx, t_ctx = _timed(build_context, data, plan)
    unplaced, t_reasons = _timed(unplaced_table, data, plan, ctx)
    _, t_gaps = _timed(gaps_table, data, plan, ctx)
    _, t_util = _timed(utilisation_table, data, plan, ctx)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(data.demand):>8,}{len(unplaced):>10,}{t_ctx:>11.2f}{t_reasons:>11.2f}{t_gaps:>8.2f}"
          f"{t_util:>8.2f}{before:>10.0f}{after:>9.0f}")


def main() -> None:
    if sys.argv[1:2] == ["--analyse"]:
        _analyse(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="demo", choices=["demo", "region"])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--compare-with", metavar="DIR", help="an older source tree to compare with")
    args = parser.parse_args()
    print(f"{'case':<24}{'rows':>8}{'unplaced':>10}{'context s':>11}{'reasons s':>11}{'gaps s':>8}"
          f"{'util s':>8}{'MB before':>10}{'MB peak':>9}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in _cases(args.scale):
            plan = solve(data, SolveOptions(time_limit_s=args.time_limit))
            path = Path(tmp) / "case.pkl"
            with open(path, "wb") as fh:
                pickle.dump((data, plan), fh)
            runs = [("", None)]
            if args.compare_with:
                runs.append((" (older)", {**os.environ, "PYTHONPATH": args.compare_with}))
            for label, env in runs:
                line = subprocess.run([sys.executable, __file__, "--analyse", str(path)], check=True, env=env,
                                      capture_output=True, text=True).stdout.strip().splitlines()[-1]
                print(f"{name + label:<24}{line}", flush=True)


if __name__ == "__main__":
    main()
