"""Benchmark: partner packs and the formatted output workbook for a plan, at any scale.

    python benchmarks/packs.py [--scale region] [--seed 1] [--time-limit 30] [--plan PLAN.xlsx]

Generates and plans a workbook (or takes an exported plan with --plan), writes the output
workbook, then reads it back and writes every partner pack; prints the time of each step,
the number of files and the time per pack side by side.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="region")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--plan", help="an exported plan workbook (skips generating and planning)")
    args = parser.parse_args(argv)

    from placement_planner.io.export import write_plan_workbook
    from placement_planner.io.packs import read_plan, write_packs

    folder = Path(tempfile.mkdtemp())
    if args.plan:
        plan_path = Path(args.plan)
    else:
        from placement_planner.generate import generate_workbook
        from placement_planner.io import load_workbooks
        from placement_planner.solver import SolveOptions, solve

        source = generate_workbook(args.scale, args.seed, folder / f"{args.scale}.xlsx")
        data = load_workbooks([source]).data
        t = time.perf_counter()
        plan = solve(data, SolveOptions(time_limit_s=args.time_limit))
        print(f"{args.scale}: plan {plan.status.value}, {plan.learners_placed:,} of "
              f"{data.learners_requested:,} learners in {time.perf_counter() - t:.1f} s")
        plan_path = folder / "plan.xlsx"
        t = time.perf_counter()
        write_plan_workbook(plan_path, data, plan)
        print(f"  {'write plan workbook':<22} {time.perf_counter() - t:6.2f} s  "
              f"{plan_path.stat().st_size / 1e6:.1f} MB")
    t = time.perf_counter()
    tables = read_plan(plan_path)
    read_s = time.perf_counter() - t
    print(f"  {'read plan for packs':<22} {read_s:6.2f} s  {len(tables.allocations):,} allocation rows, "
          f"{len(tables.unplaced):,} unplaced rows")
    t = time.perf_counter()
    result = write_packs(tables, folder / "packs")
    write_s = time.perf_counter() - t
    files = len(result.written)
    size = sum(p.stat().st_size for p in result.written) / 1e6
    print(f"  {'write packs':<22} {write_s:6.2f} s  {files} files ({result.universities} university, "
          f"{result.providers} provider), {size:.1f} MB, {1000 * write_s / max(files, 1):.0f} ms a pack")
    print(f"  {'packs total':<22} {read_s + write_s:6.2f} s")
    return 0 if not result.failed else 1


if __name__ == "__main__":
    sys.exit(main())
