"""The tiers after fair share (preferred, travel) of single parts, variants side by side in one
process, each part solved from scratch per variant, the variants alternated (A B A B):

    python benchmarks/travel_hold.py --part 0 --part 2 --repeat 2
    python benchmarks/travel_hold.py --variant base --variant hold --shape per-learner

Variants (module switches; each adds one change to the one before):
- ``base``: the tiers as at the start of the fifth session: no fair hold (tiers.HOLD_FAIR),
  no LP-rounded incumbent (tier_solve.ROUND_LP), restricted MIPs stopped at the tolerance of
  their own bound (tier_solve.RESTRICTED_AT_TIER_BOUND), the wide travel MIP from our plan
  with light presolve (tier_solve.WIDE_TRAVEL), the travel LP by column generation
  (travel.ALL_COLUMNS_UPTO 0);
- ``hold``: + the fair fills held within leximin's exact hold, rounded to whole learners;
- ``round``: + the LP-rounded incumbent and restricted MIPs run to the tier's bound;
- ``wide``: + the wide travel MIP without a start, full presolve up to 10,000 columns;
- ``s5``: + every option in the travel LP at once up to 300,000 (the code at the end of the
  fifth session);
- ``cold``: + the travel LP from the slack basis (travel.TRAVEL_LP_COLD);
- ``skip``: + no travel MIP over the LP's columns after a rounded plan
  (tier_solve.SKIP_RESTRICTED_TRAVEL);
- ``bytravel``: + the preferred tier proven by its relaxation bound met by the travel LP's
  rounded vertex (tier_solve.PREFERRED_BY_TRAVEL);
- ``now``: + the travel LP without the options another dominates (travel.SKIP_DOMINATED; the
  code as it is);
- ``cg``: ``now`` with the travel LP by column generation on every part;
- ``nohold``: ``now`` without the fair hold.

Per part and variant: seconds of the placed, preferred and travel tiers, the whole part,
proven, and the preferred count and learner-km (equal across variants, or within the travel
tolerance).
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


def use(variants: dict, defaults: dict, name: str) -> None:
    """Every switch back to its default, then the variant ``name``'s settings."""
    for key, value in {**defaults, **variants[name]}.items():
        setattr(*key, value)


def _variants():
    from placement_planner.solver import tier_solve, tiers, travel
    six = {(travel, "TRAVEL_LP_COLD"): False, (tier_solve, "SKIP_RESTRICTED_TRAVEL"): False,
           (tier_solve, "PREFERRED_BY_TRAVEL"): False,
           (travel, "SKIP_DOMINATED"): False}                 # the sixth session's switches
    before = {(tiers, "HOLD_FAIR"): False, (tier_solve, "ROUND_LP"): False,
              (tier_solve, "RESTRICTED_AT_TIER_BOUND"): False,
              (tier_solve, "WIDE_TRAVEL"): False, (travel, "ALL_COLUMNS_UPTO"): 0, **six}
    return {
        "base": before,
        "hold": {**before, (tiers, "HOLD_FAIR"): True},
        "round": {**before, (tiers, "HOLD_FAIR"): True, (tier_solve, "ROUND_LP"): True,
                  (tier_solve, "RESTRICTED_AT_TIER_BOUND"): True},
        "wide": {**before, (tiers, "HOLD_FAIR"): True, (tier_solve, "ROUND_LP"): True,
                 (tier_solve, "RESTRICTED_AT_TIER_BOUND"): True, (tier_solve, "WIDE_TRAVEL"): True},
        "s5": six,
        "cold": {**six, (travel, "TRAVEL_LP_COLD"): True},
        "skip": {**six, (travel, "TRAVEL_LP_COLD"): True,
                 (tier_solve, "SKIP_RESTRICTED_TRAVEL"): True},
        "bytravel": {(travel, "SKIP_DOMINATED"): False},
        "cg": {(travel, "ALL_COLUMNS_UPTO"): 0},
        "nohold": {(tiers, "HOLD_FAIR"): False},
        "now": {},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="region")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shape", action="append", default=[])
    ap.add_argument("--limit", type=float, default=60.0, help="seconds per part")
    ap.add_argument("--part", action="append", type=int, default=[])
    ap.add_argument("--variant", action="append", default=[])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    from placement_planner.solver import run as run_mod
    data = load(args.scale, args.seed, args.shape)
    models = sorted(part_models(data), key=lambda m: -m.rows.row.size)
    tiers = (Tier.PLACED, Tier.FAIR_SHARE, Tier.PREFERRED, Tier.TRAVEL)
    variants = _variants()
    names = args.variant or ["base", "now"]
    defaults = {key: getattr(*key) for v in variants.values() for key in v}
    print("uptime:", os.popen("uptime").read().strip())
    totals = {n: [0.0, 0.0, 0.0, 0.0] for n in names}
    for i, m in enumerate(models):
        if args.part and i not in args.part:
            continue
        for _ in range(args.repeat):
            for name in names:
                use(variants, defaults, name)
                t0 = time.perf_counter()
                res = run_mod.solve_part(m, tiers, time.perf_counter() + args.limit, None)
                wall = time.perf_counter() - t0
                sec = res.seconds
                km = res.travel[0] if res.travel is not None else float("nan")
                pref = float(res.x @ m.preferred)
                totals[name][0] += sec.get("preferred", 0.0)
                totals[name][1] += sec.get("travel", 0.0)
                totals[name][2] += wall
                totals[name][3] += sec.get("placed", 0.0)
                print(f"part {i:>2} options {len(m.ub):>7} {name:<5} wall {wall:6.2f}s "
                      f"placed {sec.get('placed', 0.0):5.2f}s preferred {sec.get('preferred', 0.0):5.2f}s travel "
                      f"{sec.get('travel', 0.0):5.2f}s proven {str(res.proven):<5} "
                      f"{res.stopped or '-':<10} preferred {pref:7.0f} km {km:12,.2f}", flush=True)
    for key, value in defaults.items():
        setattr(*key, value)
    for name, (p, tr, w, pl) in totals.items():
        print(f"total {name:<5} placed {pl:6.2f}s preferred {p:6.2f}s travel {tr:6.2f}s "
              f"placed+preferred+travel {pl + p + tr:6.2f}s wall {w:6.2f}s")
    print("uptime:", os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()
