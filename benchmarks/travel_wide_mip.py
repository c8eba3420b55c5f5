"""The travel tier's wide MIP (the columns reduced-cost fixing keeps) of one region part, solved
by HiGHS with and without our plan as its start, light and full presolve, side by side:

    python benchmarks/travel_wide_mip.py --part 3 --repeat 2

The part goes through tiers 1-4 and the travel tier with the wide MIP's arguments captured (the
old path: from our plan, so the capture is the MIP tier_solve ran before WIDE_TRAVEL). Each line:
seconds, HiGHS's status, the objective HiGHS reports and the km of the point it returns (they
differ when HiGHS answers a wrong "optimal", as 1.16 did with a start and presolve on), and the
dual bound. No callback: each runs to mip_rel_gap = the travel tolerance.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

from placement_planner.domain import Tier

sys.path.insert(0, str(Path(__file__).parent))
from shapes import load, part_models  # noqa: E402 (the benchmark next to this one)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="region")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--part", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    import highspy

    from placement_planner.solver import engine, tier_solve, travel
    from placement_planner.solver import run as run_mod
    data = load(args.scale, args.seed, ())
    models = sorted(part_models(data), key=lambda m: -m.rows.row.size)
    captured: list = []
    real = engine.highspy_mip

    def capture(a, cost, col_lo, col_up, row_lo, row_up, integer, maximise, hint, *rest):
        if not maximise and hint is not None:
            captured.append((a, cost, col_lo, col_up, row_lo, row_up, integer, hint))
        return real(a, cost, col_lo, col_up, row_lo, row_up, integer, maximise, hint, *rest)

    engine.highspy_mip = capture
    tier_solve.WIDE_TRAVEL = False
    run_mod.solve_part(models[args.part], (Tier.PLACED, Tier.FAIR_SHARE, Tier.PREFERRED,
                                           Tier.TRAVEL), time.perf_counter() + 60, None)
    engine.highspy_mip, tier_solve.WIDE_TRAVEL = real, True
    if not captured:
        print("no travel MIP with a start ran in this part")
        return
    a, cost, col_lo, col_up, row_lo, row_up, integer, hint = max(captured, key=lambda c: c[0].shape[1])
    print("uptime:", os.popen("uptime").read().strip())
    print(f"part {args.part}: wide travel MIP {a.shape[1]} columns, {a.shape[0]} rows, our plan "
          f"{float(cost @ hint):,.3f} km")
    for _ in range(args.repeat):
        for start in (True, False):
            for mode in ("light", "full"):
                h = highspy.Highs()
                h.setOptionValue("output_flag", False)
                h.setOptionValue("threads", 1)
                h.setOptionValue("presolve", "on")
                if mode == "light":
                    h.setOptionValue("presolve_mode", 2)
                h.setOptionValue("mip_rel_gap", travel.TRAVEL_REL_GAP)
                h.setOptionValue("time_limit", 60.0)
                lp = highspy.HighsLp()
                lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
                lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, col_lo, col_up
                lp.row_lower_, lp.row_upper_ = row_lo, row_up
                lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
                lp.a_matrix_.start_ = a.indptr.astype(np.int32)
                lp.a_matrix_.index_ = a.indices.astype(np.int32)
                lp.a_matrix_.value_ = a.data
                lp.integrality_ = [highspy.HighsVarType.kInteger if i else
                                   highspy.HighsVarType.kContinuous for i in integer]
                h.passModel(lp)
                if start:
                    sol = highspy.HighsSolution()
                    sol.col_value = list(hint)
                    sol.value_valid = True
                    h.setSolution(sol)
                t0 = time.perf_counter()
                h.run()
                dt = time.perf_counter() - t0
                info = h.getInfo()
                x = np.asarray(h.getSolution().col_value, float)
                km = float(cost @ x) if len(x) == len(cost) else float("nan")
                print(f"{'start' if start else 'no start':<8} {mode:<5} {dt:6.2f}s "
                      f"{h.modelStatusToString(h.getModelStatus()):<16} reported "
                      f"{info.objective_function_value:12,.3f} point {km:12,.3f} dual bound "
                      f"{info.mip_dual_bound:12,.3f}", flush=True)


if __name__ == "__main__":
    main()
