"""An independent checker of a plan's journeys, written straight from the contract (v2, "Journeys").

It shares no code with the solver: it reads only ``data`` (PlanningData) and ``plan`` (its
``allocations`` and ``journeys`` frames) and returns one plain sentence per broken rule, so
tests can say exactly what is wrong. The rules:

1. every row of a journey has the same number of learners placed (all or nothing per learner),
   and no demand row has more placed than it asked for;
2. ``plan.journeys`` has exactly one row per placed learner per journey row, learner numbers
   1..placed, each learner's path one placement per row of the journey;
3. the paths agree with ``plan.allocations``: per (demand_id, site_id, setting, start_week) the
   same number of learners; a path row's journey and weeks are its demand row's;
4. every learner covers each required setting (the union over the journey's rows, compared
   lower-case and stripped) and a row with a fixed setting is placed in it;
5. a learner's placements never overlap in time, each starting within its row's flex;
6. no site, profession and setting has more learners on placement in a week than it offers, and
   no learner is placed at a suspended site.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pandas as pd


def _fold(text) -> str:
    return "" if text is None or (isinstance(text, float) and text != text) else str(text).strip().lower()


def _required(value) -> set[str]:
    if isinstance(value, str):
        value = value.split(",")
    return {_fold(v) for v in (value or ()) if _fold(v)}


def check_journeys(data, plan) -> list[str]:
    """Every way ``plan`` breaks the contract's journey rules (and weekly capacity); [] = none."""
    demand = data.demand
    info = {r.demand_id: r for r in demand.itertuples(index=False)}
    alloc = plan.allocations
    paths = plan.journeys if plan.journeys is not None else pd.DataFrame()
    problems: list[str] = []
    placed = Counter()
    for did, n in zip(alloc["demand_id"], alloc["learners"]):
        placed[did] += int(n)
    for did, n in placed.items():
        if did not in info:
            problems.append(f"allocations name demand row '{did}', which is not in Demand")
        elif n > int(info[did].learners):
            problems.append(f"demand row '{did}' has {n} learners placed but asked for {int(info[did].learners)}")
    rows_of: dict[str, list[str]] = defaultdict(list)
    for r in demand.itertuples(index=False):
        if _fold(r.journey):
            rows_of[str(r.journey).strip()].append(r.demand_id)
    for journey, dids in rows_of.items():
        counts = {did: placed.get(did, 0) for did in dids}
        if len(set(counts.values())) > 1:
            problems.append(f"journey '{journey}' places different numbers of learners on its rows: "
                            + ", ".join(f"{d} {n}" for d, n in counts.items()))
    problems += _paths(paths, info, rows_of, placed, alloc)
    problems += _capacity(data, alloc, info)
    return problems


def _paths(paths, info, rows_of, placed, alloc) -> list[str]:
    out: list[str] = []
    journey_of = {did: j for j, dids in rows_of.items() for did in dids}
    by_row: dict[str, list[int]] = defaultdict(list)
    steps: dict[tuple[str, int], list] = defaultdict(list)
    for p in paths.itertuples(index=False):
        did = p.demand_id
        if did not in journey_of:
            out.append(f"Journeys sheet has a row for '{did}', which is not a row of any journey")
            continue
        if str(p.journey).strip() != journey_of[did]:
            out.append(f"Journeys row for '{did}' says journey '{p.journey}', Demand says '{journey_of[did]}'")
        if int(p.weeks) != int(info[did].weeks):
            out.append(f"Journeys row for '{did}' learner {p.learner} lasts {p.weeks} weeks, Demand says "
                       f"{int(info[did].weeks)}")
        by_row[did].append(int(p.learner))
        steps[(journey_of[did], int(p.learner))].append(p)
    for journey, dids in rows_of.items():
        for did in dids:
            learners = sorted(by_row.get(did, []))
            want = list(range(1, placed.get(did, 0) + 1))
            if learners != want:
                out.append(f"journey '{journey}' row '{did}': Journeys lists learners {_short(learners)}, "
                           f"expected {_short(want)} (one row per placed learner)")
    out += _agree_with_allocations(paths, alloc, journey_of)
    for (journey, learner), mine in steps.items():
        out += _one_learner(journey, learner, mine, rows_of[journey], info)
    return out


def _short(numbers: list[int]) -> str:
    return "none" if not numbers else str(numbers) if len(numbers) <= 8 else f"{numbers[:8]}... ({len(numbers)})"


def _agree_with_allocations(paths, alloc, journey_of) -> list[str]:
    out = []
    want = Counter()
    for r in alloc.itertuples(index=False):
        if r.demand_id in journey_of:
            want[(r.demand_id, str(r.site_id), _fold(r.setting), int(r.start_week))] += int(r.learners)
    have = Counter((p.demand_id, str(p.site_id), _fold(p.setting), int(p.start_week))
                   for p in paths.itertuples(index=False) if p.demand_id in journey_of)
    for key in sorted(set(want) | set(have)):
        if want[key] != have[key]:
            did, site, setting, week = key
            out.append(f"'{did}' at {site} ({setting or 'any'}) from week {week}: allocations place {want[key]}, "
                       f"Journeys lists {have[key]} learner(s)")
    return out


def _one_learner(journey, learner, mine, dids, info) -> list[str]:
    out = []
    seen = Counter(p.demand_id for p in mine)
    missing = [d for d in dids if seen[d] == 0]
    twice = [d for d, n in seen.items() if n > 1]
    if missing and len(mine):
        out.append(f"journey '{journey}' learner {learner} has no placement for {', '.join(missing)}")
    if twice:
        out.append(f"journey '{journey}' learner {learner} has more than one placement for {', '.join(twice)}")
    needed = set().union(*(_required(info[d].required_settings) for d in dids))
    covered = {_fold(p.setting) for p in mine}
    for setting in sorted(needed - covered):
        out.append(f"journey '{journey}' learner {learner} never has a '{setting}' placement")
    windows = []
    for p in mine:
        row = info[p.demand_id]
        fixed = _fold(row.setting)
        if fixed and _fold(p.setting) != fixed:
            out.append(f"'{p.demand_id}' learner {learner} is in setting '{p.setting}', the row asks for '{fixed}'")
        start, nominal, flex = int(p.start_week), int(row.start_week), int(row.flex_weeks)
        if abs(start - nominal) > flex:
            out.append(f"'{p.demand_id}' learner {learner} starts in week {start}, outside {nominal} +/- {flex}")
        windows.append((start, start + int(row.weeks) - 1, p.demand_id))
    windows.sort()
    for (a0, a1, da), (b0, b1, db) in zip(windows, windows[1:]):
        if b0 <= a1:
            out.append(f"journey '{journey}' learner {learner}: '{da}' (weeks {a0}-{a1}) overlaps '{db}' "
                       f"(weeks {b0}-{b1})")
    return out


def _capacity(data, alloc, info) -> list[str]:
    """Learners on placement per (site, profession, folded setting, week) against the places offered."""
    offered: dict[tuple, Counter] = defaultdict(Counter)
    for c in data.capacity.itertuples(index=False):
        key = (str(c.site_id), c.profession, _fold(c.setting))
        for week in range(int(c.start_week), int(c.end_week) + 1):
            offered[key][week] += int(c.places)
    used: dict[tuple, Counter] = defaultdict(Counter)
    for r in alloc.itertuples(index=False):
        row = info.get(r.demand_id)
        if row is None:
            continue
        key = (str(r.site_id), row.profession, _fold(r.setting))
        for week in range(int(r.start_week), int(r.start_week) + int(row.weeks)):
            used[key][week] += int(r.learners)
    out = []
    quality = dict(zip(data.sites["site_id"].astype(str), data.sites["quality"].astype(str)))
    for site in sorted({k[0] for k in used if quality.get(k[0]) == "suspended"}):
        out.append(f"{site} is suspended but has learners placed")
    for key, weeks in used.items():
        for week, n in sorted(weeks.items()):
            if n > offered[key][week]:
                site, profession, setting = key
                out.append(f"{site} {profession} ({setting or 'no setting'}) week {week}: {n} learners on "
                           f"placement, {offered[key][week]} places")
    return out


def variety_repeats(journeys: pd.DataFrame) -> int:
    """Repeats of a site within one learner's journey: per learner, per site visited k >= 2 times, k - 1."""
    if journeys is None or not len(journeys):
        return 0
    visits = Counter(zip(journeys["journey"].astype(str), journeys["learner"].astype(int),
                         journeys["site_id"].astype(str)))
    return sum(k - 1 for k in visits.values() if k >= 2)
