"""Benchmark the journeys solver on the trust-sized case (issue 13 item 3): 2,000 learners on
4-placement journeys, 150 wards, planned in <= 30 s, proven or with an honest gap.

    python benchmarks/journeys.py                      # every variant, 30 s limit
    python benchmarks/journeys.py --variant trust --limit 30

Variants (each in a fresh process, so peak memory belongs to it alone):
  trust       `generate --scale trust` as written (cohort and single-learner journeys)
  per-student every cohort journey split into single-learner journeys with their own ids
              (the solver merges identical journeys back: same plan, exact)
  own-homes   per-student, and each learner travels from a home of their own (up to ~8 km
              from the university), so no two journeys are identical and nothing merges

Printed per variant: rows, journeys, journey classes after merging, placement options, wall,
status, tier values, repeats of the learners' paths against the variety bound (sum over
journey classes and sites of max(0, visits - learners)), bound/gap of tier 1, the independent
checker's verdict (placement_planner.journeys.check_journeys) and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

VARIANTS = ("trust", "per-student", "own-homes")


def tables(variant: str, seed: int):
    from placement_planner.generate.tables import generate_tables
    t = generate_tables("trust", seed)
    d = t["Demand"]
    if variant == "trust":
        return t
    # one row per learner and journey: J-<n> for each learner of a cohort journey
    rows = []
    for jid, rows_j in d.groupby("journey", sort=False):
        n = int(rows_j["learners"].iloc[0])
        for k in range(n):
            part = rows_j.copy()
            part["learners"] = 1
            part["journey"] = f"{jid}-L{k + 1}" if n > 1 else jid
            part["demand_id"] = [f"{r}-L{k + 1}" if n > 1 else r for r in rows_j["demand_id"]]
            rows.append(part)
    d = t["Demand"] = pd.concat(rows, ignore_index=True)
    if variant == "own-homes":
        rng = np.random.default_rng(seed)
        codes, uniques = d["journey"].factorize()
        dlat = rng.uniform(-0.05, 0.05, len(uniques))
        dlon = rng.uniform(-0.08, 0.08, len(uniques))
        d["latitude"] = d["latitude"].astype(float) + dlat[codes]
        d["longitude"] = d["longitude"].astype(float) + dlon[codes]
    return t


def run_one(variant: str, seed: int, limit: float) -> dict:
    from placement_planner.build import build_planning_data
    from placement_planner.journeys import check_journeys
    from placement_planner.solver import SolveOptions, solve
    from placement_planner.solver.journeys import plan_paths
    from placement_planner.solver.problem import build_problem
    t = tables(variant, seed)
    data = build_planning_data(sites=t["Sites"], capacity=t["Capacity"], demand=t["Demand"],
                               locked=t.get("Locked"))
    pr = build_problem(data)
    t0 = time.perf_counter()
    plan = solve(data, SolveOptions(time_limit_s=limit))
    wall = time.perf_counter() - t0
    paths = plan_paths(data, plan.allocations)   # the repeats' bound of this plan
    problems = check_journeys(data, plan)
    return dict(variant=variant, rows=len(data.demand), journeys=int(data.demand["journey"].nunique()),
                learners=int(data.demand.groupby("journey")["learners"].first().sum()),
                classes=len(pr.groups.classes), groups=len(pr.groups), options=len(pr.g),
                wall=round(wall, 1), status=plan.status.value,
                tiers={k: round(v, 3) for k, v in plan.tier_values.items()},
                bound=round(plan.bound, 1), gap=plan.gap, repeats_bound=paths.bound,
                checker=len(problems), first_problem=problems[0] if problems else "",
                messages=[m for m in plan.messages if not m.startswith("solver seconds")],
                seconds=[m for m in plan.messages if m.startswith("solver seconds")],
                peak_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", choices=VARIANTS, action="append")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=float, default=30.0)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    variants = args.variant or list(VARIANTS)
    if args.child:
        print("RESULT " + json.dumps(run_one(variants[0], args.seed, args.limit)))
        return 0
    out = []
    for v in variants:
        p = subprocess.run([sys.executable, __file__, "--child", "--variant", v, "--seed",
                            str(args.seed), "--limit", str(args.limit)],
                           capture_output=True, text=True)
        line = [ln for ln in p.stdout.splitlines() if ln.startswith("RESULT ")]
        if not line:
            print(f"{v}: failed\n{p.stderr[-2000:]}")
            continue
        r = json.loads(line[0][7:])
        out.append(r)
        t = r["tiers"]
        print(f"{v}: {r['rows']} rows, {r['journeys']} journeys, {r['learners']} learners, "
              f"{r['classes']} journey classes, {r['options']} options | wall {r['wall']} s "
              f"(limit {args.limit:g}), {r['status']} | placed {t.get('placed')} (bound "
              f"{r['bound']}, gap {r['gap']:.4%}), fair share {t.get('fair_share')}, variety "
              f"{t.get('variety')} repeats (bound {r['repeats_bound']}), travel "
              f"{t.get('travel')} learner-km | checker problems {r['checker']} | peak "
              f"{r['peak_mb']} MB")
        for m in r["messages"] + r["seconds"]:
            print(f"    {m}")
        if r["first_problem"]:
            print(f"    first checker problem: {r['first_problem']}")
    print("\n| variant | rows | journeys | classes | options | wall | status | placed | bound | "
          "fair share | variety (bound) | travel | peak |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in out:
        t = r["tiers"]
        print(f"| {r['variant']} | {r['rows']:,} | {r['journeys']:,} | {r['classes']:,} | "
              f"{r['options']:,} | {r['wall']} s | {r['status']} | {t.get('placed'):,.0f} | "
              f"{r['bound']:,.0f} | {t.get('fair_share'):.4f} | {t.get('variety'):.0f} "
              f"({r['repeats_bound']}) | {t.get('travel'):,.0f} | {r['peak_mb']} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
