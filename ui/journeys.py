"""Learner journeys for the app, Qt-free: each learner's schedule, who is at a site each week.

``build_schedule`` turns ``Plan.journeys`` (one row per placed learner per journey row) into
one row per learner with a week grid of placement numbers, so a table model reads a cell
with two array look-ups. ``SiteWeeks`` counts the journey learners at each site and week.
Everything is worked out once per plan (off the GUI thread, in ``core.analyse``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement_planner.domain import JOURNEY_COLUMNS, PlanningData

LEARNER_COLUMNS = ["journey", "learner", "hei", "profession", "required", "missing", "repeats", "placed",
                   "label", "search"]
PLACEMENT_COLUMNS = ["row", "journey", "learner", "demand_id", "site_id", "site_name", "provider", "setting",
                     "start_week", "weeks", "repeat", "placed"]


def natural_key(text: str) -> tuple:
    """'J2' before 'J10': digits compare as numbers."""
    return tuple(int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", str(text)))


def has_journeys(data: PlanningData | None) -> bool:
    return data is not None and "journey" in data.demand and bool((data.demand["journey"] != "").any())


def site_repeats(journeys: pd.DataFrame) -> int:
    """Placements at a site the same learner was already placed at earlier in the journey
    (a learner at one ward three times counts 2): the figure the variety tier makes small."""
    if journeys is None or not len(journeys):
        return 0
    per = journeys.groupby(["journey", "learner"])["site_id"].agg(["size", "nunique"])
    return int((per["size"] - per["nunique"]).sum())


@dataclass
class Schedule:
    """One row per learner of every journey (placed or not); weeks first_week.. across."""

    learners: pd.DataFrame            # LEARNER_COLUMNS, in display order
    placements: pd.DataFrame          # PLACEMENT_COLUMNS; row = the learner's row above
    first_week: int = 0
    week_dates: list = field(default_factory=list)   # the Monday of each column (datetime.date)
    cell: np.ndarray = field(default_factory=lambda: np.full((0, 0), -1, dtype=np.int32))
    has_paths: bool = True            # False: the data has journeys, the plan no learner paths

    @property
    def n_weeks(self) -> int:
        return len(self.week_dates)

    def __len__(self) -> int:
        return len(self.learners)


def empty_schedule(has_paths: bool = True) -> Schedule:
    return Schedule(pd.DataFrame(columns=LEARNER_COLUMNS), pd.DataFrame(columns=PLACEMENT_COLUMNS),
                    has_paths=has_paths)


def _text(series: pd.Series) -> np.ndarray:
    return series.fillna("").astype(str).to_numpy(dtype=object)


def build_schedule(data: PlanningData, journeys: pd.DataFrame | None,
                   allocations: pd.DataFrame | None = None) -> Schedule:
    """Every learner of every journey: placed learners from ``journeys`` (Plan.journeys),
    the rest as 'not placed' over the weeks their journey rows ask for. ``allocations`` (the
    plan's) tells a plan without learner paths (reopened from an older file) from one that
    placed no journey learner."""
    if not has_journeys(data):
        return empty_schedule()
    demand = data.demand[data.demand["journey"] != ""]
    journeys = journeys if journeys is not None else pd.DataFrame(columns=JOURNEY_COLUMNS)
    # Who each journey is: its first row's university and profession; learners = the largest
    # row (the rows agree in a valid workbook); required settings from any of its rows.
    first = demand.drop_duplicates("journey").set_index("journey")
    size = demand.groupby("journey")["learners"].max()
    required = demand.groupby("journey")["required_settings"].agg(
        lambda v: tuple(dict.fromkeys(s for t in v for s in (t or ()))))
    names = sorted(first.index, key=natural_key)
    n_of = size.reindex(names).to_numpy(dtype=np.int64)
    journey_col = np.repeat(np.array(names, dtype=object), n_of)
    learner_col = np.concatenate([np.arange(1, n + 1) for n in n_of]) if len(n_of) else np.zeros(0, np.int64)
    learners = pd.DataFrame({"journey": journey_col, "learner": learner_col.astype(np.int64)})
    learners["hei"] = first["hei"].reindex(journey_col).astype(str).to_numpy()
    learners["profession"] = first["profession"].reindex(journey_col).astype(str).to_numpy()
    learners["required"] = required.reindex(journey_col).to_numpy()
    row_of = {key: i for i, key in enumerate(zip(journey_col, learners["learner"].to_numpy()))}

    placed = journeys[journeys["journey"].isin(set(names))]
    rows = np.array([row_of.get((j, int(n)), -1) for j, n in zip(placed["journey"], placed["learner"])],
                    dtype=np.int64)
    placed = placed[rows >= 0].assign(row=rows[rows >= 0])
    sites = data.sites
    name = dict(zip(_text(sites["site_id"]), _text(sites["site_name"]))) if "site_name" in sites else {}
    provider = dict(zip(_text(sites["site_id"]), _text(sites["provider"]))) if "provider" in sites else {}
    p = pd.DataFrame({
        "row": placed["row"].to_numpy(dtype=np.int64),
        "journey": _text(placed["journey"]), "learner": placed["learner"].to_numpy(dtype=np.int64),
        "demand_id": _text(placed["demand_id"]), "site_id": _text(placed["site_id"]),
        "setting": _text(placed["setting"]),
        "start_week": placed["start_week"].to_numpy(dtype=np.int64),
        "weeks": placed["weeks"].to_numpy(dtype=np.int64), "placed": True})
    p["site_name"] = [name.get(s) or s for s in p["site_id"]]
    p["provider"] = [provider.get(s, "") for s in p["site_id"]]
    p = p.sort_values(["row", "start_week"], kind="stable")
    p["repeat"] = p.duplicated(["row", "site_id"])
    placed_rows = np.zeros(len(learners), dtype=bool)
    placed_rows[p["row"].to_numpy()] = True

    # Learners no plan row places: the weeks their journey's rows ask for, marked not placed.
    wanted = demand[["journey", "demand_id", "setting", "start_week", "weeks"]]
    missing_rows = np.flatnonzero(~placed_rows)
    if len(missing_rows):
        who = learners.iloc[missing_rows][["journey", "learner"]].assign(row=missing_rows)
        u = who.merge(wanted, on="journey", how="left")
        u = pd.DataFrame({"row": u["row"].to_numpy(dtype=np.int64), "journey": _text(u["journey"]),
                          "learner": u["learner"].to_numpy(dtype=np.int64), "demand_id": _text(u["demand_id"]),
                          "site_id": "", "site_name": "", "provider": "", "setting": _text(u["setting"]),
                          "start_week": u["start_week"].to_numpy(dtype=np.int64),
                          "weeks": u["weeks"].to_numpy(dtype=np.int64), "repeat": False, "placed": False})
        p = pd.concat([p, u], ignore_index=True)
    p = p.sort_values(["row", "start_week"], kind="stable").reset_index(drop=True)[PLACEMENT_COLUMNS]

    placed_p = p[p["placed"]]
    learners["repeats"] = np.bincount(placed_p["row"].to_numpy(), weights=placed_p["repeat"].to_numpy(),
                                      minlength=len(learners)).astype(np.int64)
    learners["placed"] = placed_rows
    settings_of = placed_p.groupby("row")["setting"].agg(lambda v: {str(s).strip().lower() for s in v})
    have = settings_of.reindex(range(len(learners))).to_numpy()
    learners["missing"] = [tuple(s for s in req if not ok or s not in got)
                           for req, got, ok in zip(learners["required"], have, placed_rows)]
    learners["label"] = [f"{j} · {n}" for j, n in zip(learners["journey"], learners["learner"])]
    places = p.groupby("row").agg(ids=("demand_id", " ".join), sites=("site_id", " ".join),
                                  names=("site_name", " ".join))
    places = places.reindex(range(len(learners))).fillna("")
    learners["search"] = (learners["label"] + " " + learners["hei"] + " " + learners["profession"] + " "
                          + places["ids"].to_numpy() + " " + places["sites"].to_numpy() + " "
                          + places["names"].to_numpy()).str.lower()

    if len(p):
        first_week = int(p["start_week"].min())
        n_weeks = int((p["start_week"] + p["weeks"]).max()) - first_week
    else:
        first_week, n_weeks = 0, 0
    cell = np.full((len(learners), n_weeks), -1, dtype=np.int32)
    if len(p):
        weeks = p["weeks"].to_numpy()
        index = np.repeat(np.arange(len(p)), weeks)
        offset = np.arange(len(index)) - np.repeat(np.cumsum(weeks) - weeks, weeks)
        cell[p["row"].to_numpy()[index], p["start_week"].to_numpy()[index] - first_week + offset] = index
    dates = [data.week_date(first_week + k) for k in range(n_weeks)]
    placed_any = (allocations is not None and len(allocations) and bool(
        allocations["demand_id"].isin(set(demand["demand_id"])).any()))
    return Schedule(learners[LEARNER_COLUMNS], p, first_week, dates, cell,
                    has_paths=len(journeys) > 0 or not placed_any)


class SiteWeeks:
    """Journey learners at each site, week by week: counts and who they are."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        p = schedule.placements
        p = p[p["placed"]] if len(p) else p
        ids = sorted(set(p["site_id"]), key=lambda s: natural_key(s)) if len(p) else []
        names = p.drop_duplicates("site_id").set_index("site_id") if len(p) else None
        self.site_ids = sorted(ids, key=lambda s: (natural_key(names.at[s, "site_name"]), natural_key(s)))
        self.site_names = [str(names.at[s, "site_name"]) for s in self.site_ids] if names is not None else []
        self.providers = [str(names.at[s, "provider"]) for s in self.site_ids] if names is not None else []
        pos = {s: i for i, s in enumerate(self.site_ids)}
        self.counts = np.zeros((len(self.site_ids), schedule.n_weeks), dtype=np.int64)
        if not len(p):
            self._key = np.zeros(0, dtype=np.int64)
            self._rows = np.zeros(0, dtype=np.int64)
            return
        weeks = p["weeks"].to_numpy()
        index = np.repeat(np.arange(len(p)), weeks)
        offset = np.arange(len(index)) - np.repeat(np.cumsum(weeks) - weeks, weeks)
        site = np.array([pos[s] for s in p["site_id"]], dtype=np.int64)[index]
        week = p["start_week"].to_numpy()[index] - schedule.first_week + offset
        np.add.at(self.counts, (site, week), 1)
        key = site * max(1, schedule.n_weeks) + week
        order = np.argsort(key, kind="stable")
        self._key = key[order]
        self._rows = p["row"].to_numpy()[index][order]

    def __len__(self) -> int:
        return len(self.site_ids)

    def learner_rows(self, site: int, week: int) -> np.ndarray:
        """Schedule rows of the learners at site number ``site`` in week column ``week``."""
        k = site * max(1, self.schedule.n_weeks) + week
        lo, hi = np.searchsorted(self._key, [k, k + 1])
        return self._rows[lo:hi]

    def journey_lines(self, site: int) -> list[tuple[str, np.ndarray]]:
        """[(journey, its learners at the site each week)] for every journey that uses the site."""
        n = max(1, self.schedule.n_weeks)
        lo, hi = np.searchsorted(self._key, [site * n, (site + 1) * n])
        rows, weeks = self._rows[lo:hi], self._key[lo:hi] - site * n
        journeys = self.schedule.learners["journey"].to_numpy()[rows]
        return [(j, np.bincount(weeks[journeys == j], minlength=self.schedule.n_weeks))
                for j in sorted(set(journeys), key=natural_key)]

    def journeys_at(self, site: int, week: int) -> list[tuple[str, list[int]]]:
        """[(journey, [learner numbers])] at that site and week, journeys in natural order."""
        rows = self.learner_rows(site, week)
        if not len(rows):
            return []
        who = self.schedule.learners.iloc[rows]
        out: dict[str, list[int]] = {}
        for j, n in zip(who["journey"], who["learner"]):
            out.setdefault(j, []).append(int(n))
        return [(j, sorted(out[j])) for j in sorted(out, key=natural_key)]

    def row_of(self, site_id: str) -> int:
        try:
            return self.site_ids.index(site_id)
        except ValueError:
            return -1


def journeys_words(journeys: list[tuple[str, list[int]]], limit: int = 12) -> str:
    """'J1 (learners 1, 2); J4 (learner 3)' — cut after ``limit`` journeys."""
    parts = [f"{j} (learner{'s' if len(ns) > 1 else ''} {', '.join(map(str, ns))})" for j, ns in journeys[:limit]]
    more = len(journeys) - limit
    return "; ".join(parts) + (f"; and {more} more journey{'s' if more > 1 else ''}" if more > 0 else "")


# ---- The Results tables -------------------------------------------------------------------
def with_journey_column(data: PlanningData, table: pd.DataFrame) -> pd.DataFrame:
    """An Allocations or Unplaced table with each row's journey beside its demand id (the analysis
    words an unplaced journey row's reason: a learner gets every placement or none)."""
    if not has_journeys(data) or "demand_id" not in table or "journey" in table:
        return table
    journey_of = data.demand.drop_duplicates("demand_id").set_index("demand_id")["journey"]
    out = table.copy()
    out.insert(1, "journey", journey_of.reindex(out["demand_id"]).fillna("").to_numpy())
    return out


def with_paths_again(data: PlanningData, plan):
    """The plan with learners' paths split again from its allocations by the solver's own split
    (a plan reopened from a file without its Journeys sheet); the plan unchanged when that fails."""
    from dataclasses import replace

    try:
        from placement_planner.solver.journeys import plan_paths

        frame = plan_paths(data, plan.allocations).frame
    except Exception:     # allocations that are no longer options of this data: no paths shown
        return plan
    # Only a split of every journey learner the allocations place: a learner left out would
    # show as not placed.
    alloc = plan.allocations[plan.allocations["demand_id"].isin(set(data.demand.loc[
        data.demand["journey"] != "", "demand_id"]))]
    placed = alloc.groupby(["demand_id", "site_id"])["learners"].sum()
    split = frame.groupby(["demand_id", "site_id"]).size()
    if not len(frame) or not split.sort_index().equals(placed.astype(split.dtype).sort_index()):
        return plan
    return replace(plan, journeys=frame)


# ---- A reopened project's Journeys sheet ---------------------------------------------------
def journeys_from_sheet(frame: pd.DataFrame | None, data: PlanningData) -> pd.DataFrame | None:
    """Plan.journeys from an output workbook's Journeys sheet (the contract's columns), when it
    agrees with the plan's Allocations sheet; None when absent or not of this plan."""
    if frame is None or not len(frame) or data is None or not len(data.previous):
        return None
    heads = {str(c).strip().lower().replace(" ", "_"): c for c in frame.columns}
    need = ["journey", "demand_id", "learner", "site_id", "setting", "start_date", "weeks"]
    if any(c not in heads for c in need):
        return None
    f = frame.rename(columns={heads[c]: c for c in need})[need]
    f = f[f["journey"].notna() & (f["journey"].astype(str).str.strip() != "")]
    try:
        start = pd.to_datetime(f["start_date"], dayfirst=True, errors="raise")
        out = pd.DataFrame({
            "journey": f["journey"].astype(str).str.strip().to_numpy(),
            "demand_id": f["demand_id"].astype(str).str.strip().to_numpy(),
            "learner": pd.to_numeric(f["learner"]).astype(np.int64).to_numpy(),
            "site_id": f["site_id"].astype(str).str.strip().to_numpy(),
            "setting": f["setting"].fillna("").astype(str).str.strip().to_numpy(),
            "start_week": (((start.dt.normalize() - pd.Timestamp(data.week0)).dt.days) // 7).to_numpy(np.int64),
            "weeks": pd.to_numeric(f["weeks"]).astype(np.int64).to_numpy()})
    except (ValueError, TypeError):
        return None
    # The same learners per demand row and site as the plan's Allocations: else it is not this plan.
    mine = out.groupby(["demand_id", "site_id"]).size()
    prev = data.previous
    theirs = prev[prev["demand_id"].isin(set(out["demand_id"]))].groupby(["demand_id", "site_id"])["learners"].sum()
    if not mine.sort_index().equals(theirs.astype(mine.dtype).sort_index()):
        return None
    return out[JOURNEY_COLUMNS].reset_index(drop=True)


def read_journeys_sheet(paths: list[str]) -> pd.DataFrame | None:
    """The `Journeys` sheet of the first workbook that has one (a reopened project), as text
    and date cells; None when no workbook has it."""
    from pathlib import Path

    for path in map(Path, paths):
        if path.suffix.lower() not in (".xlsx", ".xlsm", ".ods", ".xls"):
            continue
        try:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(path))
            name = next((n for n in book.sheet_names if n.strip().lower() == "journeys"), None)
            if name is None:
                continue
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:      # unreadable: the importer reports the file itself
            continue
        if rows:
            return pd.DataFrame(rows[1:], columns=[str(h) for h in rows[0]])
    return None
