"""Benchmark: read + validate the national workbook (target <= 5 s on a 2-core machine).

    python benchmarks/import_national.py [--scale national] [--seed 1] [--repeat 3]

Prints the time to read the sheets (python-calamine) and to validate them into the domain
model, side by side with pandas' openpyxl reader on the same file in the same run, and the
peak memory of the process.
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
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--file", type=Path, help="an existing workbook instead of a generated one")
    args = parser.parse_args(argv)

    from placement_planner.generate import generate_workbook
    from placement_planner.io import load_workbooks
    from placement_planner.io.readers import read_file

    path = args.file
    if path is None:
        path = Path(tempfile.mkdtemp()) / f"{args.scale}.xlsx"
        t = time.perf_counter()
        generate_workbook(args.scale, args.seed, path)
        print(f"generated {path.name}: {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s")

    rss_before = _peak_mb()
    reads, totals = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        read_file(path)
        reads.append(time.perf_counter() - t)
        t = time.perf_counter()
        result = load_workbooks([path])
        totals.append(time.perf_counter() - t)
    d = result.data
    print(f"rows: {len(d.sites)} sites, {len(d.capacity)} capacity, {len(d.demand)} demand "
          f"({d.learners_requested} learners); {len(result.problems.errors)} errors, "
          f"{len(result.problems.warnings)} warnings")
    best_read, best_total = min(reads), min(totals)
    print(f"read sheets (calamine)       : {best_read:6.2f} s  (best of {args.repeat})")
    print(f"read + validate (load)       : {best_total:6.2f} s  (best of {args.repeat}; target <= 5 s)")
    print(f"  of which validation        : {best_total - best_read:6.2f} s")

    import pandas as pd
    t = time.perf_counter()
    pd.read_excel(path, sheet_name=None, engine="openpyxl")
    openpyxl_read = time.perf_counter() - t
    print(f"pandas+openpyxl read only    : {openpyxl_read:6.2f} s  -> load is {openpyxl_read / best_total:.1f}x "
          f"faster than just reading with openpyxl")
    print(f"peak RSS: {_peak_mb():.0f} MB (before loading: {rss_before:.0f} MB)")
    return 0


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1e6


if __name__ == "__main__":
    sys.exit(main())
