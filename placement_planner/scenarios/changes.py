"""The `Scenarios` sheet: one what-if change per row, read, typed and checked against the baseline.

A change is a frozen ``Change``; a scenario is its changes in sheet order. Every problem is
reported like any other sheet's (sheet, Excel row, column, plain message); a row with an
ERROR makes its whole scenario unusable (a what-if planned without one of its changes would
answer another question), which ``ScenarioBook.errors`` records.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from placement_planner.domain import PlanningData
from placement_planner.io import geography
from placement_planner.io.problems import ProblemList
from placement_planner.io.rules import Where
from placement_planner.names import (PROFESSIONS, canonical_profession, canonical_setting, did_you_mean,
                                     name_key, suggest_profession)

SHEET = "Scenarios"

ADD_PLACES = "add_places"
WITHDRAW = "withdraw"
SCALE_DEMAND = "scale_demand"
SHIFT_START = "shift_start"
TRAVEL_LIMIT = "travel_limit"
KINDS = (ADD_PLACES, WITHDRAW, SCALE_DEMAND, SHIFT_START, TRAVEL_LIMIT)
_KIND_KEYS = {name_key(k): k for k in KINDS} | {
    "addplace": ADD_PLACES, "add": ADD_PLACES, "addcapacity": ADD_PLACES, "extraplaces": ADD_PLACES,
    "withdrawal": WITHDRAW, "remove": WITHDRAW, "removeplaces": WITHDRAW, "close": WITHDRAW,
    "scale": SCALE_DEMAND, "scalecohort": SCALE_DEMAND, "scaledemand": SCALE_DEMAND,
    "shift": SHIFT_START, "shiftstart": SHIFT_START, "movestart": SHIFT_START,
    "travel": TRAVEL_LIMIT, "maxtravel": TRAVEL_LIMIT, "travellimit": TRAVEL_LIMIT}

SITE_FILTERS = ("site_id", "provider", "hub", "ics", "region")
DEMAND_FILTERS = ("hei", "profession", "setting", "demand_id")
# Columns of the Scenarios sheet as the planner writes it back (the contract's, plus demand_id).
SHEET_COLUMNS = ["scenario", "change", "site_id", "provider", "hub", "ics", "region", "hei", "profession",
                 "setting", "demand_id", "from_date", "to_date", "value"]


@dataclass(frozen=True)
class Change:
    """One row of the Scenarios sheet, with names folded to the planner's spelling."""

    scenario: str
    change: str
    site_id: str = ""
    provider: str = ""
    hub: str = ""
    ics: str = ""
    region: str = ""
    hei: str = ""
    profession: str = ""
    setting: str = ""
    demand_id: str = ""
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    value: float | None = None
    row: int = 0                        # Excel row on the Scenarios sheet (0 = made in the app)

    def describe(self) -> str:
        """The change in words, for the app and messages."""
        where = ", ".join(f"{getattr(self, f)}" for f in SITE_FILTERS + DEMAND_FILTERS if getattr(self, f))
        dates = _dates_text(self.from_date, self.to_date, open_end=self.change == WITHDRAW)
        v = "" if self.value is None else f"{self.value:g}"
        words = {ADD_PLACES: f"add {v} places/week", WITHDRAW: "withdraw places",
                 SCALE_DEMAND: f"scale learners x{v}", SHIFT_START: f"shift start by {v} week(s)",
                 TRAVEL_LIMIT: f"travel limit {v} km"}.get(self.change, self.change)
        return " ".join(p for p in (words, f"({where})" if where else "(all)", dates) if p)


def _dates_text(start, end, *, open_end: bool) -> str:
    if start is None and end is None:
        return ""
    a = start.strftime("%d/%m/%Y") if start else "the start"
    b = end.strftime("%d/%m/%Y") if end else ("no end" if open_end else "the end")
    return f"{a} to {b}"


@dataclass
class ScenarioBook:
    """Every scenario of a workbook, in order of first appearance, and which cannot be used."""

    changes: dict[str, list[Change]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)   # scenario -> messages

    @property
    def names(self) -> list[str]:
        return list(self.changes)

    def usable(self, name: str) -> bool:
        return name in self.changes and not self.errors.get(name)

    def frame(self) -> pd.DataFrame:
        """The Scenarios sheet as the planner writes it back."""
        return changes_frame([c for items in self.changes.values() for c in items])


def changes_frame(changes: list[Change]) -> pd.DataFrame:
    rows = [{c: getattr(ch, c) for c in SHEET_COLUMNS} for ch in changes]
    frame = pd.DataFrame(rows, columns=SHEET_COLUMNS, dtype=object)
    for col in ("from_date", "to_date"):
        frame[col] = pd.to_datetime(frame[col])
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    return frame


def find_scenario(book: ScenarioBook, name: str) -> str | None:
    """The scenario called ``name`` (ignoring case and spacing), or None."""
    if name in book.changes:
        return name
    matches = [n for n in book.changes if name_key(n) == name_key(name)]
    return matches[0] if len(matches) == 1 else None


# ---- reading --------------------------------------------------------------------------------

def read_scenarios(frame: pd.DataFrame | None, bad: np.ndarray | None, data: PlanningData, where: Where,
                   problems: ProblemList) -> ScenarioBook:
    """Typed Scenarios rows (``bad`` = rows whose cells did not parse) -> a checked ScenarioBook."""
    book = ScenarioBook()
    if frame is None or not len(frame):
        return book
    bad = np.zeros(len(frame), dtype=bool) if bad is None else bad
    checker = _Checker(data, where, problems)
    for i, rec in enumerate(frame.to_dict("records")):
        name = str(rec.get("scenario") or "").strip()
        if not name:
            continue           # reported while typing (a required column)
        book.changes.setdefault(name, [])
        if bad[i]:
            book.errors.setdefault(name, []).append(f"row {int(rec['row'])} has a value that cannot be read")
            continue
        change, messages = checker.check(rec, name)
        if messages:
            book.errors.setdefault(name, []).extend(messages)
        if change is not None:
            book.changes[name].append(change)
    # A change that only fails once the earlier changes of its scenario are applied
    # (e.g. locked rows over a scaled-down group) is found by applying the scenario.
    from placement_planner.scenarios.apply import ScenarioError, apply_changes

    for name, items in book.changes.items():
        if book.errors.get(name) or not items:
            continue
        try:
            apply_changes(data, items)
        except ScenarioError as exc:
            problems.error(where.sheet, exc.row or None, where.h(exc.column) if exc.column else None, exc.message,
                           file=where.file)
            book.errors.setdefault(name, []).append(exc.message)
    return book


def check_changes(changes: list[Change], data: PlanningData) -> ProblemList:
    """Problems in changes made or edited in the app (same rules as the sheet)."""
    problems = ProblemList()
    frame = changes_frame(changes)
    frame["row"] = [c.row for c in changes]
    read_scenarios(frame, None, data, Where(SHEET), problems)
    return problems


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT \
        or (isinstance(value, str) and not value.strip())


def _date(value) -> dt.date | None:
    if _blank(value):
        return None
    return pd.Timestamp(value).date()


class _Checker:
    def __init__(self, data: PlanningData, where: Where, problems: ProblemList) -> None:
        self.data = data
        self.where = where
        self.problems = problems
        sites = data.sites
        self.site_ids = sorted(sites["site_id"].astype(str))
        self._names: dict[str, dict[str, str]] = {}
        for col, frame in (("provider", sites), ("hub", sites), ("hei", data.demand)):
            self._names[col] = {name_key(v): v for v in frame[col].astype(str) if v}

    # -- messages ------------------------------------------------------------------------
    def _error(self, row, column, message, value="") -> None:
        self.problems.error(self.where.sheet, int(row) or None, self.where.h(column) if column else None,
                            message, value=value, file=self.where.file)

    def _warning(self, row, column, message, value="") -> None:
        self.problems.warning(self.where.sheet, int(row) or None, self.where.h(column) if column else None,
                              message, value=value, file=self.where.file)

    # -- one row -------------------------------------------------------------------------
    def check(self, rec: dict, name: str) -> tuple[Change | None, list[str]]:
        row = int(rec.get("row") or 0)
        before = len(self.problems.errors)
        raw_kind = str(rec.get("change") or "").strip()
        kind = _KIND_KEYS.get(name_key(raw_kind))
        if kind is None:
            guess = did_you_mean(raw_kind, KINDS, cutoff=0.5)
            tip = f" Did you mean '{guess}'?" if guess else ""
            self._error(row, "change", f"'{raw_kind}' is not a change the planner knows.{tip} "
                        f"Use one of: {', '.join(KINDS)}.", raw_kind)
            return None, [f"row {row}: unknown change '{raw_kind}'"]
        values = {f: ("" if _blank(rec.get(f)) else str(rec.get(f)).strip())
                  for f in SITE_FILTERS + DEMAND_FILTERS}
        change = Change(scenario=name, change=kind, from_date=_date(rec.get("from_date")),
                        to_date=_date(rec.get("to_date")),
                        value=None if _blank(rec.get("value")) else float(rec.get("value")), row=row, **values)
        change = self._fold_names(change)
        getattr(self, f"_check_{kind}")(change)
        messages = [p.message for p in self.problems.errors[before:]]
        return change, messages

    def _fold_names(self, ch: Change) -> Change:
        """Canonical profession, setting, ICS and region; unknown values reported."""
        changes = {}
        if ch.profession:
            canon = canonical_profession(ch.profession)
            if canon is None:
                guess = suggest_profession(ch.profession)
                tip = f" Did you mean '{guess}'?" if guess else f" Use one of: {', '.join(list(PROFESSIONS)[:6])}, ..."
                self._error(ch.row, "profession", f"'{ch.profession}' is not a profession the planner knows.{tip}",
                            ch.profession)
            else:
                changes["profession"] = canon
        if ch.setting:
            changes["setting"] = canonical_setting(ch.setting)
        for col, fn in (("ics", geography.canonical_ics), ("region", geography.canonical_region)):
            if getattr(ch, col):
                changes[col] = fn(getattr(ch, col))[0]
        return replace(ch, **changes)

    def _require(self, ch: Change, *columns: str) -> bool:
        ok = True
        for col in columns:
            if _blank(getattr(ch, col)):
                self._error(ch.row, col, f"{_a(ch.change)} change needs {col}. Fill it in.")
                ok = False
        return ok

    def _unused(self, ch: Change, columns) -> None:
        for col in columns:
            if not _blank(getattr(ch, col)):
                self._warning(ch.row, col, f"{col} is not used by a {ch.change} change; it is ignored.",
                              getattr(ch, col))

    def _check_dates(self, ch: Change) -> None:
        if ch.from_date and ch.to_date and ch.to_date < ch.from_date:
            self._error(ch.row, "to_date", f"to_date {ch.to_date:%d/%m/%Y} is before from_date "
                        f"{ch.from_date:%d/%m/%Y}. Swap them or correct the dates.", f"{ch.to_date:%d/%m/%Y}")

    def _check_value(self, ch: Change, *, integer: bool, lowest: float | None, strict: bool, what: str) -> None:
        if ch.value is None:
            self._error(ch.row, "value", f"{_a(ch.change)} change needs a value: {what}.")
            return
        v = ch.value
        if integer and v != round(v):
            self._error(ch.row, "value", f"value must be a whole number for {ch.change} ({what}); found {v:g}.",
                        f"{v:g}")
        elif lowest is not None and (v <= lowest if strict else v < lowest):
            self._error(ch.row, "value", f"value must be {'more than' if strict else 'at least'} {lowest:g} for "
                        f"{ch.change} ({what}); found {v:g}.", f"{v:g}")

    # -- site filters ----------------------------------------------------------------------
    def _known(self, ch: Change, column: str, value: str, choices) -> bool:
        keyed = self._names.get(column)
        if keyed is not None:
            if name_key(value) in keyed:
                return True
        elif value in choices:
            return True
        pool = list(keyed.values()) if keyed is not None else list(choices)
        guess = did_you_mean(value, pool, cutoff=0.6)
        tip = f" Did you mean '{guess}'?" if guess else ""
        sheet = "Demand" if column == "hei" else "Sites"
        self._error(ch.row, column, f"No row of the {sheet} sheet has {column} '{value}'.{tip}", value)
        return False

    def _check_site_filters(self, ch: Change) -> bool:
        ok = True
        sites = self.data.sites
        for col in SITE_FILTERS:
            value = getattr(ch, col)
            if value:
                choices = self.site_ids if col == "site_id" else sorted(set(sites[col].astype(str)) - {""})
                ok &= self._known(ch, col, value, choices)
        if ok and not site_mask(self.data.sites, ch).any():
            given = " and ".join(f"{c} '{getattr(ch, c)}'" for c in SITE_FILTERS if getattr(ch, c))
            self._error(ch.row, next(c for c in SITE_FILTERS if getattr(ch, c)),
                        f"No site has {given} together. Check the filters.")
            ok = False
        return ok

    def _check_demand_filters(self, ch: Change) -> None:
        ok = True
        if ch.hei:
            ok &= self._known(ch, "hei", ch.hei, ())
        if ch.demand_id and ch.demand_id not in set(self.data.demand["demand_id"]):
            guess = did_you_mean(ch.demand_id, sorted(self.data.demand["demand_id"]), cutoff=0.75)
            tip = f" Did you mean '{guess}'?" if guess else ""
            self._error(ch.row, "demand_id", f"demand_id '{ch.demand_id}' is not in the Demand sheet.{tip}",
                        ch.demand_id)
            ok = False
        if ok and not demand_mask(self.data.demand, ch).any():
            given = [f"{c} '{getattr(ch, c)}'" for c in DEMAND_FILTERS if getattr(ch, c)]
            if ch.from_date or ch.to_date:
                given.append(f"a start date from {_dates_text(ch.from_date, ch.to_date, open_end=False)}")
            column = next((c for c in DEMAND_FILTERS if getattr(ch, c)), "from_date")
            self._error(ch.row, column, f"No Demand row has {' and '.join(given) or 'any learners'}. "
                        f"Check the filters.")

    # -- the five kinds --------------------------------------------------------------------
    def _check_add_places(self, ch: Change) -> None:
        self._require(ch, "site_id", "profession", "from_date", "to_date")
        self._unused(ch, ("provider", "hub", "ics", "region", "hei", "demand_id"))
        self._check_dates(ch)
        self._check_value(ch, integer=True, lowest=1, strict=False, what="places per week, a whole number of 1 or more")
        if ch.site_id:
            self._known(ch, "site_id", ch.site_id, self.site_ids)

    def _check_withdraw(self, ch: Change) -> None:
        self._require(ch, "from_date")
        self._unused(ch, ("hei", "demand_id", "value"))
        if not any(getattr(ch, c) for c in SITE_FILTERS):
            self._error(ch.row, "site_id", "A withdraw change needs at least one site filter: site_id, provider, "
                        "hub, ics or region.")
            return
        self._check_dates(ch)
        if self._check_site_filters(ch) and ch.from_date is not None:
            rows = withdraw_mask(self.data, ch)
            if not rows.any():
                what = " ".join(p for p in (ch.profession, ch.setting) if p) or "any"
                self._error(ch.row, "profession" if ch.profession else "from_date",
                            f"The sites chosen offer no {what} places from "
                            f"{_dates_text(ch.from_date, ch.to_date, open_end=True)}, so there is nothing to "
                            f"withdraw. Check the filters and dates.")

    def _demand_change(self, ch: Change, *, integer: bool, lowest, strict: bool, what: str) -> None:
        self._unused(ch, SITE_FILTERS)
        self._check_dates(ch)
        self._check_value(ch, integer=integer, lowest=lowest, strict=strict, what=what)
        self._check_demand_filters(ch)

    def _check_scale_demand(self, ch: Change) -> None:
        self._demand_change(ch, integer=False, lowest=0, strict=True, what="a factor above 0, e.g. 1.2")

    def _check_shift_start(self, ch: Change) -> None:
        self._demand_change(ch, integer=True, lowest=None, strict=False,
                            what="whole weeks, negative for earlier")

    def _check_travel_limit(self, ch: Change) -> None:
        self._demand_change(ch, integer=False, lowest=0, strict=True, what="km above 0")


# ---- which rows a change selects --------------------------------------------------------------

def site_mask(sites: pd.DataFrame, ch: Change) -> np.ndarray:
    """Sites matching every site filter given (name keys for provider and hub)."""
    mask = np.ones(len(sites), dtype=bool)
    if ch.site_id:
        mask &= (sites["site_id"].astype(str) == ch.site_id).to_numpy()
    for col in ("provider", "hub"):
        if getattr(ch, col):
            key = name_key(getattr(ch, col))
            mask &= np.array([name_key(v) == key for v in sites[col].tolist()], dtype=bool)
    for col in ("ics", "region"):
        if getattr(ch, col):
            mask &= (sites[col].astype(str) == getattr(ch, col)).to_numpy()
    return mask


def demand_mask(demand: pd.DataFrame, ch: Change) -> np.ndarray:
    """Demand rows matching every demand filter given; from/to dates select by start week."""
    mask = np.ones(len(demand), dtype=bool)
    if ch.hei:
        key = name_key(ch.hei)
        mask &= np.array([name_key(v) == key for v in demand["hei"].tolist()], dtype=bool)
    if ch.profession:
        mask &= (demand["profession"] == ch.profession).to_numpy()
    if ch.setting:
        mask &= (demand["setting"] == ch.setting).to_numpy()
    if ch.demand_id:
        mask &= (demand["demand_id"].astype(str) == ch.demand_id).to_numpy()
    if ch.from_date or ch.to_date:
        monday = _mondays(demand["start_date"])
        if ch.from_date:
            mask &= (monday >= _monday(ch.from_date)).to_numpy()
        if ch.to_date:
            mask &= (monday <= _monday(ch.to_date)).to_numpy()
    return mask


def withdraw_mask(data: PlanningData, ch: Change, capacity: pd.DataFrame | None = None) -> np.ndarray:
    """Capacity rows at the chosen sites, of the chosen profession / setting, that offer places in
    at least one withdrawn week."""
    capacity = data.capacity if capacity is None else capacity
    sites = set(data.sites.loc[site_mask(data.sites, ch), "site_id"])
    mask = capacity["site_id"].isin(sites).to_numpy().copy()
    if ch.profession:
        mask &= (capacity["profession"] == ch.profession).to_numpy()
    if ch.setting:
        mask &= (capacity["setting"] == ch.setting).to_numpy()
    first = pd.Timestamp(_monday(ch.from_date))
    mask &= (_mondays(capacity["end_date"]) >= first).to_numpy()
    if ch.to_date:
        mask &= (_mondays(capacity["start_date"]) <= pd.Timestamp(_monday(ch.to_date))).to_numpy()
    return mask & (capacity["places"] > 0).to_numpy()


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _mondays(dates: pd.Series) -> pd.Series:
    dates = pd.to_datetime(dates)
    return (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.normalize()


def change_fields() -> list[str]:
    return [f.name for f in fields(Change)]


def _a(kind: str) -> str:
    return f"An {kind}" if kind[:1] in "aeiou" else f"A {kind}"
