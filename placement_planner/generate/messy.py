"""A deliberately messy input workbook, and the list of what is wrong with it, for the validator's tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill

from placement_planner.generate.profiles import Scale
from placement_planner.generate.tables import tables_for

MESSY_AREA = Scale("messy", sites=14, learners=80, icb_code="T6Y0W", independent=1, locked=3)
MESSY_SEED = 11
OLD_ICB = "NHS Norfolk and Waveney Integrated Care Board"     # abolished April 2026
OLD_ICB_SHORT = "Norfolk and Waveney ICB"


@dataclass(frozen=True)
class Defect:
    sheet: str      # the contract's sheet name
    tab: str        # the tab's name in the file
    row: int        # Excel row number
    column: str     # the contract's column name ("" = the whole row)
    value: object
    defect: str
    expected: str   # ERROR / WARNING / report / ok


@dataclass(frozen=True)
class Serial:
    """A date typed as an Excel serial number in a General-formatted cell."""

    day: dt.date

    @property
    def number(self) -> int:
        return (self.day - dt.date(1899, 12, 30)).days


class _Sheet:
    """Rows of one tab, with the Excel row of each, and the defects noted on the way."""

    def __init__(self, sheet: str, tab: str, header: list[str], titles: tuple[str, ...] = ()):
        self.sheet, self.tab, self.header = sheet, tab, header
        self.titles = titles
        self.rows: list[list | None] = []
        self.defects: list[Defect] = []

    @property
    def next_row(self) -> int:
        return len(self.titles) + 2 + len(self.rows)   # titles, header, then data

    def add(self, values: list, *notes: tuple[str, object, str, str]) -> int:
        row = self.next_row
        for column, value, defect, expected in notes:
            self.defects.append(Defect(self.sheet, self.tab, row, column, value, defect, expected))
        self.rows.append(values)
        return row

    def blank(self, note: bool = True) -> None:
        if note:
            self.defects.append(Defect(self.sheet, self.tab, self.next_row, "", "", "blank row", "ok"))
        self.rows.append(None)


def _d(ts) -> dt.date:
    return ts.date() if hasattr(ts, "date") else ts


def _sites(t) -> tuple[_Sheet, list[str]]:
    s = _Sheet("Sites", "Placement sites",
               ["Site code", "Site", "Trust", "Type", "Training hub", "ICB", "NHS region", "Lat", "Long",
                "Postcode", "Quality"],
               ("Norfolk and Suffolk placement sites 2026/27", "Synthetic example - deliberately messy", ""))
    sites = t["Sites"][t["Sites"]["quality"] == "ok"]
    offers = t["Capacity"].groupby("site_id")["profession"].nunique()
    ranked = offers.reindex(sites["site_id"]).fillna(0).sort_values(ascending=False, kind="stable")
    busy, other = list(ranked.index[:6]), list(ranked.index[-2:])
    # The two rows with errors (positions 3 and 4) are sites no Capacity row refers to.
    order = busy[:3] + other + busy[3:]
    pick = sites.set_index("site_id").loc[order].reset_index()
    ids = []
    for i, r in enumerate(pick.itertuples(index=False)):
        vals = [r.site_id, r.site_name, r.provider, r.provider_type, r.hub, r.ics, r.region,
                r.latitude, r.longitude, r.postcode, r.quality]
        notes = []
        if i == 0:
            vals[0], vals[2] = r.site_id + "  ", r.provider + "   "
            notes.append(("site_id", vals[0], "trailing spaces", "ok"))
            notes.append(("provider", vals[2], "trailing spaces", "ok"))
        if i == 1:
            vals[5] = OLD_ICB
            notes.append(("ics", OLD_ICB, "2022 ICB name (now NHS Norfolk and Suffolk Integrated Care Board)",
                          "WARNING"))
        if i == 3:
            vals[7], vals[8] = r.longitude, r.latitude
            notes.append(("latitude", vals[7], "latitude and longitude swapped: outside the UK", "report"))
        if i == 4:
            vals[10] = "great"
            notes.append(("quality", "great", "unknown quality value", "report"))
        if i == 5:
            vals[7] = vals[8] = None
            notes.append(("latitude", None, "no coordinates, only a postcode the planner can resolve", "ok"))
        if i == 3:
            s.blank()
        s.add(vals, *notes)
        ids.append(r.site_id)
    return s, ids


ALIASES = {"Adult Nursing": "RN Adult", "Physiotherapy": "Physio", "Operating Department Practice": "ODP",
           "Speech and Language Therapy": "SaLT", "Paramedic": "Paramedic Science"}


def _capacity(t, ids: list[str]) -> _Sheet:
    s = _Sheet("Capacity", "capacity", ["Site code", "Profession", "Setting", "Wk commencing", "End",
                                         "No. of places"])
    usable = [ids[i] for i in (0, 1, 2, 5, 6, 7)]
    s.bad_rows = []
    cap = t["Capacity"][t["Capacity"]["site_id"].isin(usable)].drop_duplicates(["site_id", "profession"])
    cap = cap.sample(frac=1.0, random_state=MESSY_SEED)
    cap = pd.concat([cap.drop_duplicates("profession"), cap]).drop_duplicates().head(12)
    aliases = ALIASES
    for i, r in enumerate(cap.itertuples(index=False)):
        start, end = _d(r.start_date), _d(r.end_date)
        vals = [r.site_id, aliases.get(r.profession, r.profession), r.setting, start, end, int(r.places)]
        notes = []
        if vals[1] != r.profession:
            notes.append(("profession", vals[1], f"alias of {r.profession}", "ok"))
        if i == 1:
            vals[0] = r.site_id.replace("0", "O", 1) if "0" in r.site_id else r.site_id + "X"
            notes.append(("site_id", vals[0], f"typo'd site id (did you mean {r.site_id}?)", "ERROR"))
        elif i == 2:
            vals[3], vals[4] = end, start
            notes.append(("end_date", start, "end date before start date", "ERROR"))
        elif i == 3:
            vals[5] = -2
            notes.append(("places", -2, "negative places", "ERROR"))
        elif i == 4:
            vals[5] = str(int(r.places))
            notes.append(("places", vals[5], "whole number stored as text", "ok"))
        elif i == 5:
            vals[3], vals[4] = start.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y")
            notes.append(("start_date", vals[3], "UK date typed as text", "ok"))
        elif i == 6:
            vals[3], vals[4] = start.isoformat(), end.isoformat()
            notes.append(("start_date", vals[3], "ISO date typed as text", "ok"))
        elif i == 7:
            vals[3], vals[4] = Serial(start), Serial(end)
            notes.append(("start_date", Serial(start).number, "date as an Excel serial number", "ok"))
        if i == 8:
            s.blank()
            s.bad_rows.append(False)
        s.add(vals, *notes)
        s.bad_rows.append(any(n[3] == "ERROR" for n in notes))
    first = cap.iloc[0]
    for k, (profession, setting) in enumerate((("Physiotherapy", "acute"), ("Operating Department Practice", "theatres"),
                                               ("Speech and Language Therapy", "community"),
                                               ("Paramedic", "acute"))):
        alias = aliases[profession]
        s.add([usable[k % 3], alias, setting, _d(first.start_date) if k % 2 else dt.date(2026, 9, 7),
               dt.date(2027, 7, 16), 2 + k], ("profession", alias, f"alias of {profession}", "ok"))
        s.bad_rows.append(False)
    return s


def _demand(t, ids: list[str], offered: set[str]) -> tuple[_Sheet, list[tuple[str, int]]]:
    s = _Sheet("Demand", "Demand", ["Ref", "University", "Course", "No. of students", "Start",
                                     "Duration (weeks)", "Setting", "Year of study", "Lat", "Long",
                                     "Max travel (km)", "ICB", "Priority", "Preferred site", "Flex"],
               ("Placement requests 2026/27 - synthetic example",))
    pick = t["Demand"].sample(n=14, random_state=MESSY_SEED).sort_values("demand_id")
    wanted = list(ALIASES) + [None] * 9
    professions = [w or (p if p in offered else "Adult Nursing") for w, p in zip(wanted, pick["profession"])]
    pick = pick.assign(profession=professions)
    refs: list[tuple[str, int]] = []
    for i, r in enumerate(pick.itertuples(index=False)):
        ref = f"UEA-{i + 1:03d}"
        start = _d(r.start_date)
        vals = [ref, r.hei, r.profession, int(r.learners), start, int(r.weeks), r.setting, int(r.year),
                r.latitude, r.longitude, None if r.max_travel_km != r.max_travel_km else r.max_travel_km,
                r.ics, r.priority, ids[0] if i == 2 else None, int(r.flex_weeks)]
        notes = []
        if i < 5:
            vals[2] = ALIASES[r.profession]
            notes.append(("profession", vals[2], f"alias of {r.profession}", "ok"))
        if i == 5:
            vals[2] = "Phyisotherapy"
            notes.append(("profession", "Phyisotherapy", "typo'd profession (planned as its own; did you mean Physiotherapy?)",
                          "WARNING"))
        if i == 6:
            vals[0] = refs[0][0]
            notes.append(("demand_id", vals[0], f"duplicate demand_id (also row {refs[0][1]})", "ERROR"))
        if i == 7:
            vals[3] = 0
            notes.append(("learners", 0, "learners 0", "ERROR"))
        if i == 8:
            vals[5] = 0
            notes.append(("weeks", 0, "weeks 0", "ERROR"))
        if i == 9:
            vals[4] = start.strftime("%d/%m/%Y")
            vals[3] = str(vals[3])
            notes.append(("start_date", vals[4], "UK date typed as text", "ok"))
            notes.append(("learners", vals[3], "whole number stored as text", "ok"))
        if i == 10:
            vals[4] = start.isoformat()
            notes.append(("start_date", vals[4], "ISO date typed as text", "ok"))
        if i == 11:
            vals[4] = Serial(start)
            notes.append(("start_date", Serial(start).number, "date as an Excel serial number", "ok"))
        if i == 12:
            vals[8], vals[9] = r.longitude, r.latitude
            notes.append(("latitude", vals[8], "latitude and longitude swapped: outside the UK", "report"))
        if i == 13:
            vals[11] = OLD_ICB_SHORT
            vals[2] = r.profession + "  "
            notes.append(("ics", OLD_ICB_SHORT, "2022 ICB name, short form", "WARNING"))
            notes.append(("profession", vals[2], "trailing spaces", "ok"))
        if i == 4:
            s.blank()
        row = s.add(vals, *notes)
        refs.append((ref, row))
    s.learners = {ref: int(r.learners) for (ref, _), r in zip(refs, pick.itertuples(index=False))}
    s.professions = {ref: r.profession for (ref, _), r in zip(refs, pick.itertuples(index=False))}
    return s, refs


def _locked(demand: _Sheet, refs: list[tuple[str, int]], hosts: dict[str, str]) -> _Sheet:
    """hosts: profession -> a site whose (valid) Capacity row offers it."""
    s = _Sheet("Locked", "Locked", ["Ref", "Site code", "No. of students", "Setting"])
    clean = [ref for ref, _ in refs[:5] if demand.professions[ref] in hosts]
    ok_ref, big_ref = clean[0], clean[-1]
    s.add([ok_ref, hosts[demand.professions[ok_ref]], 1, None])
    some_site = next(iter(hosts.values()))
    s.add(["UEA-999", some_site, 1, None],
          ("demand_id", "UEA-999", "names a demand_id that is not in Demand", "ERROR"))
    too_many = demand.learners[big_ref] + 5
    s.add([big_ref, hosts[demand.professions[big_ref]], too_many, None],
          ("learners", too_many, f"more learners than the group has ({demand.learners[big_ref]})", "ERROR"))
    return s


def _canonical(profession: str) -> str:
    return {alias: name for name, alias in ALIASES.items()}.get(profession, profession)


def _write(book: openpyxl.Workbook, s: _Sheet) -> None:
    ws = book.create_sheet(s.tab)
    for title in s.titles:
        ws.append([title] if title else [])
    if s.titles and s.titles[0]:
        ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.append(s.header)
    header_row = len(s.titles) + 1
    for c in range(1, len(s.header) + 1):
        cell = ws.cell(row=header_row, column=c)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="005EB8")
    for r, values in enumerate(s.rows):
        if values is None:
            continue
        row = header_row + 1 + r
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=row, column=c)
            if isinstance(v, Serial):
                cell.value = v.number
            elif isinstance(v, dt.date):
                cell.value = v
                cell.number_format = "dd/mm/yyyy"
            else:
                cell.value = v
    for c in range(1, len(s.header) + 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = 18


def write_messy_example(path: Path) -> tuple[Path, list[Defect]]:
    """Write the messy workbook; returns its path and every defect in it, in sheet order."""
    t = tables_for(MESSY_AREA, MESSY_SEED)
    sites, ids = _sites(t)
    capacity = _capacity(t, ids)
    valid = [v for v, bad in zip(capacity.rows, capacity.bad_rows) if v is not None and not bad]
    hosts = {_canonical(v[1]): v[0] for v in valid}
    demand, refs = _demand(t, ids, set(hosts))
    locked = _locked(demand, refs, hosts)
    settings = _Sheet("Settings", "Settings", ["key", "value"])
    settings.add(["default_max_travel_km", "50"], ("value", "50", "number stored as text", "ok"))
    settings.add(["time_limit_s", 60])
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in (sites, capacity, demand, locked, settings):
        _write(book, sheet)
    book.save(path)
    return path, [d for s in (sites, capacity, demand, locked, settings) for d in s.defects]
