"""The travel tier's tolerance (solver/travel.py, TRAVEL_REL_GAP) side by side: wall time,
status, learner-km and its proven bound for each candidate tolerance, each in a fresh process.

    python benchmarks/travel.py --limit 60
    python benchmarks/travel.py --case region --case demo:1 --gap 0 --gap 5e-4 --limit 60

A case is ``scale[:seed][:shape]`` (``region``, ``region:1:per-learner``, ``demo:3``). Per row:
the wall time, the plan's status, the learner-km, the sum of the parts' proven travel bounds
(NaN when some part's travel tier was not proven), how far the km is above that bound (the
plan is at most that far from the exact optimum), how many parts were proven only to the
tolerance, and the travel tier's solver seconds (summed over parts). The last column compares
each km with the exact run's (gap 0) when that run proved every part.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time

CASES = ("region", "region:1:per-learner", "demo:1", "demo:3", "demo:4")
GAPS = (0.0, 1e-4, 5e-4, 1e-3)


def one(case: str, gap: float, limit: float) -> dict:
    """Solve one case with TRAVEL_REL_GAP = gap (in this process)."""
    from placement_planner.build import build_planning_data
    from placement_planner.generate.tables import generate_tables
    from placement_planner.solver import SolveOptions, solve
    from placement_planner.solver import run as run_mod
    from placement_planner.solver import travel
    travel.TRAVEL_REL_GAP = gap
    scale, seed, *shape = (case.split(":") + ["1"])[:2] + case.split(":")[2:]
    t = generate_tables(scale, int(seed), tuple(shape))
    data = build_planning_data(sites=t["Sites"], capacity=t["Capacity"], demand=t["Demand"],
                               locked=t.get("Locked"))
    parts = []
    inner = run_mod.solve_parts

    def logged(*a, **k):
        results = inner(*a, **k)
        parts.extend(results)
        return results
    run_mod.solve_parts = logged
    t0 = time.perf_counter()
    plan = solve(data, SolveOptions(time_limit_s=limit))
    wall = time.perf_counter() - t0
    figures = [r.travel for r in parts if r.travel is not None]
    bound = sum(b for _, b in figures) if figures else math.nan
    tolerated = sum(1 for v, b in figures if math.isfinite(b) and not travel.within(v, b, travel.EXACT_REL))
    seconds = sum(r.seconds.get("travel", 0.0) for r in parts)
    return {"case": case, "gap": gap, "wall": wall, "status": plan.status.value,
            "km": plan.tier_values.get("travel", math.nan), "bound": bound,
            "tolerated": tolerated, "parts": len(figures), "travel_s": seconds,
            "message": next((m for m in plan.messages if m.startswith("Learner-km")), "")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", action="append", default=[])
    ap.add_argument("--gap", action="append", type=float, default=[])
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], float(args.one[1]), args.limit)))
        return
    print("uptime:", os.popen("uptime").read().strip())
    rows = []
    for case in args.case or CASES:
        for gap in args.gap or GAPS:
            out = subprocess.run([sys.executable, __file__, "--one", case, repr(gap), "--limit",
                                  str(args.limit)], capture_output=True, text=True)
            if out.returncode:
                print(f"{case} gap {gap:g}: failed\n{out.stderr[-2000:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(r)
            print(_line(r, rows), flush=True)
    print("uptime:", os.popen("uptime").read().strip())
    for r in rows:
        if r["message"]:
            print(f"{r['case']} gap {r['gap']:g}: {r['message']}")


def _line(r: dict, rows: list[dict]) -> str:
    if len(rows) == 1 or rows[-2]["case"] != r["case"]:
        print(f"{'case':<22} {'gap':>7} {'wall':>7} {'status':<10} {'learner-km':>12} "
              f"{'bound':>12} {'above bd':>9} {'tol parts':>9} {'travel s':>8} {'vs exact':>9}")
    exact = next((e for e in rows if e["case"] == r["case"] and e["gap"] == 0
                  and e["status"] == "optimal"), None)
    above = 100 * (r["km"] - r["bound"]) / r["bound"] if r["bound"] else 0.0
    vs = f"{100 * (r['km'] - exact['km']) / exact['km']:+.4f}%" if exact and exact["km"] else "-"
    return (f"{r['case']:<22} {r['gap']:>7g} {r['wall']:>6.1f}s {r['status']:<10} "
            f"{r['km']:>12,.1f} {r['bound']:>12,.1f} {above:>8.4f}% "
            f"{r['tolerated']:>4}/{r['parts']:<4} {r['travel_s']:>8.1f} {vs:>9}")


if __name__ == "__main__":
    main()
