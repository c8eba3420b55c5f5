"""Benchmark what-if scenarios: a one-change scenario re-planned from the baseline plan, side by
side with a cold solve of the same scenario data, and `compare` of the baseline + 5 scenarios.

    python benchmarks/scenarios.py                       # region scale, seed 1
    python benchmarks/scenarios.py --scale national --time-limit 60

Data come from ``generate_tables(scale, seed)``. The baseline is planned once (its plan is the
previous plan of every scenario). Each one-change scenario is then planned twice: re-planned
(only the parts the change reaches, keep-previous second, start_from = the baseline plan) and
cold (the whole scenario data, default tiers, no previous plan). Figures: wall seconds, learners
placed, learners moved against the baseline plan, status.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time


def load(scale: str, seed: int):
    from placement_planner.build import build_planning_data
    from placement_planner.generate.tables import generate_tables

    tables = generate_tables(scale, seed)
    return build_planning_data(sites=tables["Sites"], capacity=tables["Capacity"], demand=tables["Demand"],
                               locked=tables.get("Locked"))


def changes_for(data):
    """Five one-change what-ifs a workshop asks, on the busiest names of the data."""
    from placement_planner.scenarios import Change

    cap, dem = data.capacity, data.demand
    mid = data.week0 + dt.timedelta(weeks=20)
    sites = cap.groupby("site_id")["places"].sum().sort_values()
    small_site = sites.index[len(sites) // 2]                          # a median site
    provider = data.sites.set_index("site_id").loc[sites.index[-1], "provider"]  # the busiest site's trust
    hei = dem.groupby("hei")["learners"].sum().idxmax()
    prof = dem.groupby("profession")["learners"].sum().sort_values().index[-2]
    return {
        "withdraw one site 8 weeks": Change("w1", "withdraw", site_id=small_site, from_date=mid,
                                           to_date=mid + dt.timedelta(weeks=7)),
        "trust withdraws from week 20": Change("w2", "withdraw", provider=provider, from_date=mid),
        "university +20%": Change("s1", "scale_demand", hei=hei, value=1.2),
        "cohort starts 2 weeks later": Change("s2", "shift_start", hei=hei, profession=prof, value=2),
        "travel up to 80 km": Change("t1", "travel_limit", profession=prof, value=80),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="region")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--skip-compare", action="store_true")
    parser.add_argument("--only", type=int, default=5, help="how many one-change scenarios to time")
    args = parser.parse_args()

    from placement_planner.scenarios import ScenarioBook
    from placement_planner.scenarios.compare import plan_all
    from placement_planner.scenarios.plan import measure, plan_baseline, plan_scenario, prepare
    from placement_planner.solver import SolveOptions, solve

    data = load(args.scale, args.seed)
    print(f"{args.scale}: {len(data.sites):,} sites, {len(data.capacity):,} capacity rows, "
          f"{data.learners_requested:,} learners in {len(data.demand):,} demand rows; time limit {args.time_limit:g} s")
    t0 = time.perf_counter()
    baseline = plan_baseline(data, time_limit_s=args.time_limit)
    base_s = time.perf_counter() - t0
    print(f"baseline: {base_s:.1f} s, placed {baseline.summary['learners_placed']:,}, "
          f"status {baseline.summary['status']}, gap {baseline.summary['gap']:.4f}")

    rows = []
    for label, change in list(changes_for(data).items())[:args.only]:
        t0 = time.perf_counter()
        warm = plan_scenario(data, [change], label, baseline.plan, time_limit_s=args.time_limit)
        warm_s = time.perf_counter() - t0
        applied = prepare(data, [change], baseline.plan)
        t0 = time.perf_counter()
        cold_plan = solve(applied.data, SolveOptions(time_limit_s=args.time_limit))
        cold_s = time.perf_counter() - t0
        cold = measure(label, applied.data, cold_plan, applied.previous, data.demand)
        tiers = [m for m in warm.plan.messages if m.startswith("solver seconds")]
        rows.append((label, warm_s, warm.summary, warm.plan.messages[:1] + tiers, cold_s, cold.summary))

    print()
    print("| scenario | re-planned from baseline | placed | moved | status | cold solve | placed | moved | status | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, warm_s, w, note, cold_s, c in rows:
        print(f"| {label} | {warm_s:.2f} s | {w['learners_placed']:,} | {w['learners_moved']:,} | {w['status']} "
              f"| {cold_s:.2f} s | {c['learners_placed']:,} | {c['learners_moved']:,} | {c['status']} "
              f"| {cold_s / max(warm_s, 1e-9):.1f}x |")
    for label, _, _, note, _, _ in rows:
        print(f"  {label}: {' '.join(note)}")

    if not args.skip_compare:
        book = ScenarioBook()
        for label, change in changes_for(data).items():
            book.changes[label] = [change]
        t0 = time.perf_counter()
        outcomes = plan_all(data, book, time_limit_s=args.time_limit)
        total = time.perf_counter() - t0
        t0 = time.perf_counter()
        plan_all(data, book, baseline=baseline, time_limit_s=args.time_limit)
        reuse = time.perf_counter() - t0
        print()
        print(f"compare, baseline + {len(book.names)} scenarios: {total:.1f} s in all "
              f"({reuse:.1f} s for the 5 scenarios given the baseline plan, {base_s:.1f} s baseline alone)")
        for o in outcomes:
            print(f"  {o.name}: placed {o.summary['learners_placed']:,}, moved {o.summary['learners_moved']:,}, "
                  f"{o.summary['status']}, {o.summary['solve_seconds']:.1f} s")


if __name__ == "__main__":
    main()
