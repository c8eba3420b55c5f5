"""Advisor speed: `advise --places 8 --top 5` (baseline + candidates + verification + package)
and the fix for every unplaced row, timed per phase, at region (and national with --national).

    python benchmarks/advise.py [--national] [--seed N] [--input FILE ...]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--places", type=int, default=8)
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds each solve may take (default: the workbook's time_limit_s)")
    parser.add_argument("--input", action="append", default=[], metavar="FILE",
                        help="benchmark this workbook instead of generating (repeatable)")
    args = parser.parse_args()
    from placement_planner.advice import advise
    from placement_planner.io import load_workbooks

    scales = ["region"] + (["national"] if args.national else [])
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [(Path(f).stem, Path(f)) for f in args.input] or [(s, Path(tmp) / f"{s}.xlsx") for s in scales]
        for scale, path in jobs:
            if not args.input:
                from placement_planner.cli import main as cli
                cli(["generate", "--scale", scale, "--seed", str(args.seed), "-o", str(path)])
            data = load_workbooks([path]).data
            t0 = time.perf_counter()
            a = advise(data, args.places, args.top, time_limit_s=args.time_limit)
            wall = time.perf_counter() - t0
            t = a.timings
            unplaced = data.learners_requested - a.baseline.learners
            recs = t["baseline"] + t["candidates"] + t["verify"] + t["package"]
            print(f"\n{scale}: {len(data.demand):,} groups, {data.learners_requested:,} learners, "
                  f"{unplaced:,} unplaced after the tier-1 baseline (proven {a.baseline.proven})")
            print(f"  advise --places {args.places} --top {args.top}: {recs:6.1f} s  (target <= 60 s)  "
                  f"baseline {t['baseline']:.1f} s, candidates {t['candidates']:.1f} s ({a.candidates} found), "
                  f"verification {t['verify']:.1f} s ({a.tried} re-solved), package {t['package']:.1f} s")
            print(f"  fixes for {len(a.fixes)} unplaced rows: {t.get('fixes', 0):6.1f} s  (target <= 60 s); "
                  f"rows with a fix that places someone: {sum(1 for f in a.fixes.values() if f.learners > 0)}")
            print(f"  smoothing (flex 1, 2, 4 re-solved): {t.get('smoothing', 0):6.1f} s;  whole advise {wall:.1f} s")
            for r in a.recommendations:
                print(f"   #{r.rank} {r.places} x {r.profession} {r.setting} at {r.site_id} weeks {r.start_week}-"
                      f"{r.end_week}: +{r.extra_learners_placed} learners (+{r.extra_weighted_placed:g} weighted), "
                      f"£{r.cost:,.0f}, proven {r.proven}")
            for s in a.package:
                print(f"   top {s.k}: cumulative +{s.cumulative_extra_learners} learners, £{s.cumulative_cost:,.0f}")


if __name__ == "__main__":
    main()
