"""Benchmark: partner packs and the formatted output workbook for a plan, at any scale.

    python benchmarks/packs.py [--scale region] [--seed 1] [--time-limit 30] [--plan PLAN.xlsx]

Generates a workbook and plans it with `placement-planner solve` (or takes an exported plan
with --plan), then reads the plan back and writes every partner pack; prints the time of each
step, the number of files and the time per pack side by side.
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

    from placement_planner.io.packs import read_plan, write_packs

    folder = Path(tempfile.mkdtemp())
    if args.plan:
        plan_path = Path(args.plan)
    else:  # the plan workbook as users make it: generate, then `placement-planner solve`
        from placement_planner.cli import main as cli
        from placement_planner.generate import generate_workbook

        source = generate_workbook(args.scale, args.seed, folder / f"{args.scale}.xlsx")
        plan_path = folder / "plan.xlsx"
        t = time.perf_counter()
        if cli(["solve", str(source), "-o", str(plan_path), "--time-limit", str(args.time_limit)]) != 0:
            return 1
        print(f"  {'solve + write plan':<22} {time.perf_counter() - t:6.2f} s  "
              f"{plan_path.stat().st_size / 1e6:.1f} MB")
    t = time.perf_counter()
    tables = read_plan(plan_path)
    read_s = time.perf_counter() - t
    print(f"  {'read plan for packs':<22} {read_s:6.2f} s  {len(tables.allocations):,} allocation rows, "
          f"{len(tables.unplaced):,} unplaced rows")
    t, cpu = time.perf_counter(), time.process_time()
    result = write_packs(tables, folder / "packs")
    write_s, cpu = time.perf_counter() - t, time.process_time() - cpu
    files = len(result.written)
    size = sum(p.stat().st_size for p in result.written) / 1e6
    print(f"  {'write packs':<22} {write_s:6.2f} s  {files} files ({result.universities} university, "
          f"{result.providers} provider), {size:.1f} MB, {1000 * write_s / max(files, 1):.0f} ms a pack; "
          f"CPU {cpu:.2f} s ({1000 * cpu / max(files, 1):.0f} ms a pack; wall/CPU shows how busy the machine was)")
    print(f"  {'packs total':<22} {read_s + write_s:6.2f} s")
    return 0 if not result.failed else 1


if __name__ == "__main__":
    sys.exit(main())
