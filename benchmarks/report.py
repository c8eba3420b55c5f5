"""Benchmark: the analysis tables and the output workbook for a plan, at any scale.

    python benchmarks/report.py [--scale national] [--seed 1] [--time-limit 60]

Loads a generated workbook, plans it (the plan's quality does not matter here: only the
size of the tables does), then times each analysis table, the shared report and writing
the output workbook, with the peak memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args(argv)

    from placement_planner import analysis
    from placement_planner.generate import generate_workbook
    from placement_planner.io import load_workbooks
    from placement_planner.io.export import write_plan_workbook
    from placement_planner.solver import SolveOptions, solve

    folder = Path(tempfile.mkdtemp())
    source = generate_workbook(args.scale, args.seed, folder / f"{args.scale}.xlsx")
    data = load_workbooks([source]).data
    t = time.perf_counter()
    plan = solve(data, SolveOptions(time_limit_s=args.time_limit))
    print(f"{args.scale}: {len(data.demand)} demand rows, plan {plan.status.value} with "
          f"{plan.learners_placed} of {data.learners_requested} learners in {time.perf_counter() - t:.1f} s")
    timings = {}
    for name in ("summary", "allocation_table", "unplaced_table", "gaps_table", "utilisation_table",
                 "plan_report"):
        t = time.perf_counter()
        result = getattr(analysis, name)(data, plan)
        timings[name] = time.perf_counter() - t
        rows = len(result) if hasattr(result, "__len__") else ""
        print(f"  {name:<20} {timings[name]:6.2f} s  {rows} rows")
    out = folder / "plan.xlsx"
    t = time.perf_counter()
    write_plan_workbook(out, data, plan)
    print(f"  {'write workbook':<20} {time.perf_counter() - t:6.2f} s  {out.stat().st_size / 1e6:.1f} MB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
