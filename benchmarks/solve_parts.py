"""Where a solve's time goes: wall time, status and seconds per tier of every part.

    python benchmarks/solve_parts.py --scale region --seed 1 --limit 60

Prints one line per part (largest first: rows, seconds per tier, stopped, proven) and the
plan's status and wall time, so a change to the time sharing in solver/run.py can be compared
side by side with the commit before it.
"""

from __future__ import annotations

import argparse
import time

from placement_planner.solver import run as run_mod


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="region")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--threads", type=int, default=0, help="0: the workbook's setting")
    args = ap.parse_args()

    from placement_planner.build import build_planning_data
    from placement_planner.generate.tables import generate_tables
    from placement_planner.solver import SolveOptions, solve
    t = generate_tables(args.scale, args.seed)
    data = build_planning_data(sites=t["Sites"], capacity=t["Capacity"], demand=t["Demand"],
                               locked=t.get("Locked"))

    log = []
    inner = run_mod.solve_part

    def timed(model, tiers, deadline, progress):
        t0 = time.perf_counter()
        r = inner(model, tiers, deadline, progress)
        log.append((model.rows.row.size, time.perf_counter() - t0, deadline - t0, r))
        return r

    run_mod.solve_part = timed
    opts = SolveOptions(time_limit_s=args.limit, **({"threads": args.threads} if args.threads else {}))
    t0 = time.perf_counter()
    plan = solve(data, opts)
    wall = time.perf_counter() - t0
    run_mod.solve_part = inner
    print(f"{'rows':>7} {'wall':>6} {'share':>6}  stopped     proven  seconds per tier")
    for size, sec, share, r in sorted(log, key=lambda e: -e[0]):
        tiers = ", ".join(f"{k} {v:.2f}" for k, v in r.seconds.items())
        print(f"{size:>7} {sec:>6.2f} {share:>6.1f}  {r.stopped or '-':<11} {str(r.proven):<6}  {tiers}")
    print(f"{args.scale} seed {args.seed} limit {args.limit:g}s: status {plan.status.value}, "
          f"wall {wall:.1f}s, {len(log)} parts, tiers {plan.tier_values}")
    for m in plan.messages:
        if m.startswith("solver seconds"):
            print(m)


if __name__ == "__main__":
    main()
