"""The travel tier of single parts at one tolerance: each part alone through tiers 1-4 and travel.

    python benchmarks/travel_parts.py --gap 5e-4 --limit 60 --part 0 --part 1
    python benchmarks/travel_parts.py --gap 0 --shape per-learner

Per part (largest first, numbered as here): options, wall, proven, the travel tier's seconds,
its learner-km and proven bound (NaN when not proven). Run it once per tolerance and compare
the lines side by side (benchmarks/travel.py compares whole plans).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from placement_planner.domain import Tier

sys.path.insert(0, str(Path(__file__).parent))
from shapes import load, part_models  # noqa: E402 (the benchmark next to this one)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="region")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shape", action="append", default=[])
    ap.add_argument("--gap", type=float, default=None, help="TRAVEL_REL_GAP (default: the module's)")
    ap.add_argument("--limit", type=float, default=60.0, help="seconds per part")
    ap.add_argument("--part", action="append", type=int, default=[])
    args = ap.parse_args()

    from placement_planner.solver import run as run_mod
    from placement_planner.solver import travel
    if args.gap is not None:
        travel.TRAVEL_REL_GAP = args.gap
    data = load(args.scale, args.seed, args.shape)
    models = sorted(part_models(data), key=lambda m: -m.rows.row.size)
    tiers = (Tier.PLACED, Tier.FAIR_SHARE, Tier.PREFERRED, Tier.TRAVEL)
    print("uptime:", os.popen("uptime").read().strip())
    print(f"TRAVEL_REL_GAP {travel.TRAVEL_REL_GAP:g}, TRAVEL_EXACT_BELOW {travel.TRAVEL_EXACT_BELOW}")
    for i, m in enumerate(models):
        if args.part and i not in args.part:
            continue
        t0 = time.perf_counter()
        res = run_mod.solve_part(m, tiers, time.perf_counter() + args.limit, None)
        km, bound = res.travel if res.travel is not None else (float("nan"), float("nan"))
        print(f"part {i:>2} options {len(m.ub):>7} wall {time.perf_counter() - t0:6.1f}s "
              f"proven {str(res.proven):<5} {res.stopped or '-':<10} travel "
              f"{res.seconds.get('travel', 0.0):6.1f}s km {km:12,.2f} bound {bound:12,.2f}",
              flush=True)
    print("uptime:", os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()
