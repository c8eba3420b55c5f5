"""Partner packs: one workbook per university and one per provider, each holding only its own rows.

A university's pack holds its learners' allocations, its unplaced groups with the reasons, and
a weekly calendar (one row per group x site, one column per week) and, when its learners have
journeys, each learner's path (sheet ``Journeys``, as the plan's). A provider's pack holds the
learners coming to its sites: which university's learners come when, by site and week. Packs
are read from an exported plan workbook (``read_plan``) or made from a plan in memory
(``PlanTables.from_report``); each file is written atomically, and one file held open in
Excel does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from placement_planner.io.cells import parse_bool, parse_date, parse_int, parse_number, parse_text
from placement_planner.io.export import ExportError, TableWriter, atomic_write
from placement_planner.io.problems import WorkbookError
from placement_planner.io.readers import read_file
from placement_planner.names import name_key

UNIVERSITY_PREFIX = "University - "
PROVIDER_PREFIX = "Provider - "
MAX_STEM = 100          # keeps DIR + name well inside Windows' 260-character path limit
_HEADER_SEARCH_ROWS = 30

# Columns read from the plan workbook: (name, kind, required).
_ALLOCATIONS = (("demand_id", "text", True), ("hei", "text", True), ("profession", "text", True),
                ("setting", "text", False), ("site_id", "text", True), ("site_name", "text", False),
                ("provider", "text", True), ("hub", "text", False), ("ics", "text", False),
                ("region", "text", False), ("start_date", "date", True), ("weeks", "int", True),
                ("learners", "int", True), ("distance_km", "number", False), ("locked", "bool", False))
_UNPLACED = (("demand_id", "text", True), ("hei", "text", True), ("profession", "text", True),
             ("setting", "text", False), ("start_date", "date", True), ("weeks", "int", True),
             ("learners_requested", "int", True), ("learners_unplaced", "int", True),
             ("reason", "text", True), ("fix", "text", False), ("fix_learners", "int", False))
_JOURNEYS = (("journey", "text", True), ("demand_id", "text", True), ("learner", "int", True),
             ("site_id", "text", True), ("site_name", "text", False), ("setting", "text", False),
             ("start_date", "date", True), ("weeks", "int", True), ("hei", "text", False),
             ("profession", "text", False))
_PARSERS = {"text": lambda s: (parse_text(s), np.zeros(len(s), dtype=bool)), "date": parse_date,
            "int": parse_int, "number": parse_number, "bool": parse_bool}
_KIND_WORDS = {"date": "a date (dd/mm/yyyy)", "int": "a whole number", "number": "a number",
               "bool": "TRUE or FALSE"}

NO_NAME = "(not given)"
# A plan row outside these ranges was edited by hand: refuse it rather than draw a silly calendar.
_RANGES = {"weeks": (1, 520), "learners": (1, 100_000), "learner": (1, 100_000), "learners_requested": (1, 100_000),
           "learners_unplaced": (0, 100_000)}


class PackError(Exception):
    """The packs cannot be made at all; ``message`` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class PlanTables:
    """The two plan tables packs are made from, typed (columns as the output workbook names them)."""

    allocations: pd.DataFrame
    unplaced: pd.DataFrame
    source: str = ""
    journeys: pd.DataFrame | None = None    # the plan's Journeys sheet; None when it has none

    @classmethod
    def from_report(cls, report, source: str = "", journeys: pd.DataFrame | None = None) -> "PlanTables":
        """From an analysis.PlanReport (or the app's results, with ``journeys``: the Journeys sheet)."""
        allocations = _conform(report.allocations, _ALLOCATIONS)
        journeys = journeys if journeys is not None else getattr(report, "journeys", None)
        return cls(allocations, _conform(report.unplaced, _UNPLACED), source,
                   _journeys(journeys, allocations) if journeys is not None else None)


@dataclass
class PackResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    universities: int = 0
    providers: int = 0


# ---- reading an exported plan -----------------------------------------------------------

def read_plan(path: str | os.PathLike) -> PlanTables:
    """The Allocations and Unplaced sheets of an exported plan workbook; PackError if it is not one."""
    path = Path(path)
    try:
        sheets = read_file(path)
    except WorkbookError as exc:
        raise PackError(f"{path.name}: {exc.message}") from None
    by_key = {name_key(s.name): s for s in sheets}
    missing = [n for n in ("Allocations", "Unplaced") if name_key(n) not in by_key]
    if missing:
        raise PackError(f"{path.name} is not a plan workbook: it has no {' or '.join(repr(m) for m in missing)} "
                        f"sheet. Give the workbook that `placement-planner solve` or the app's Export wrote.")
    allocations = _read_sheet(path, by_key[name_key("Allocations")], _ALLOCATIONS)
    unplaced = _read_sheet(path, by_key[name_key("Unplaced")], _UNPLACED)
    sheet = by_key.get(name_key("Journeys"))
    journeys = _journeys(_read_sheet(path, sheet, _JOURNEYS), allocations) if sheet is not None else None
    return PlanTables(allocations, unplaced, path.name, journeys)


def _journeys(frame: pd.DataFrame, allocations: pd.DataFrame) -> pd.DataFrame:
    """The Journeys sheet typed; hei (and profession, site_name) filled from the allocations
    where the sheet has none, so each university's pack can take its own learners' paths."""
    frame = _conform(frame, _JOURNEYS)
    frame["learner"] = frame["learner"].astype(np.int64)
    by_demand = allocations.drop_duplicates("demand_id").set_index("demand_id")
    by_site = allocations.drop_duplicates("site_id").set_index("site_id")["site_name"]
    for column, source, key in (("hei", by_demand["hei"], "demand_id"),
                                ("profession", by_demand["profession"], "demand_id"),
                                ("site_name", by_site, "site_id")):
        missing = frame[column].isin(["", NO_NAME])
        if missing.any():
            filled = frame.loc[missing, key].map(source)
            frame.loc[missing, column] = filled.where(filled.notna(), frame.loc[missing, column])
    return frame


def _read_sheet(path: Path, sheet, columns) -> pd.DataFrame:
    rows = sheet.rows
    wanted = {name_key(name): name for name, _, _ in columns}
    header_at, positions = None, {}
    for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        found = {wanted[k]: j for j, cell in reversed(list(enumerate(row))) if (k := name_key(cell)) in wanted}
        if "demand_id" in found and len(found) > len(positions):
            header_at, positions = i, found
    required = [name for name, _, need in columns if need]
    lacking = [name for name in required if name not in positions]
    if header_at is None or lacking:
        raise PackError(f"{path.name} is not a plan workbook: its '{sheet.name}' sheet has no "
                        f"{', '.join(lacking or required)} column(s). Give the workbook that "
                        f"`placement-planner solve` or the app's Export wrote.")
    body = [r for r in rows[header_at + 1:] if any(c not in (None, "") for c in r)]
    excel_rows = [header_at + 2 + i for i, r in enumerate(rows[header_at + 1:])
                  if any(c not in (None, "") for c in r)]
    out = {}
    for name, kind, _ in columns:
        j = positions.get(name)
        raw = pd.Series([r[j] if j is not None and j < len(r) else None for r in body], dtype=object)
        values, bad = _PARSERS[kind](raw)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise PackError(f"{path.name}, sheet '{sheet.name}', row {excel_rows[k]}, column {name}: "
                            f"'{raw.iat[k]}' is not {_KIND_WORDS[kind]}. Correct it, or export the plan again.")
        out[name] = values
    frame = pd.DataFrame(out)
    for name, kind, need in columns:
        problem = frame[name].isna() if need and kind != "text" else None
        if problem is not None and problem.any():
            message = "the cell is blank. Fill it in"
        elif name in _RANGES:
            low, high = _RANGES[name]
            problem = ~frame[name].isna() & ~frame[name].between(low, high)
            message = f"'{{value:g}}' is not between {low} and {high}. Correct it"
        if problem is not None and problem.any():
            k = int(np.flatnonzero(problem.to_numpy())[0])
            raise PackError(f"{path.name}, sheet '{sheet.name}', row {excel_rows[k]}, column {name}: "
                            + message.format(value=frame[name].iat[k]) + ", or export the plan again.")
    return _conform(frame, columns)


def _conform(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Every listed column present (blank where absent), names blank-filled, ints as ints."""
    frame = frame.copy()
    for name, kind, _ in columns:
        if name not in frame:
            frame[name] = pd.Series([""] * len(frame), dtype=object) if kind == "text" else np.nan
        elif kind == "text":
            frame[name] = frame[name].map(lambda v: "" if v is None or v != v else str(v).strip())
    for name in ("hei", "provider"):
        if name in frame:
            frame[name] = frame[name].map(lambda v: v or NO_NAME)
    for name in ("weeks", "learners", "learners_requested", "learners_unplaced"):
        if name in frame:
            frame[name] = frame[name].astype(np.int64)
    frame["start_date"] = pd.to_datetime(frame["start_date"]).dt.normalize()
    return frame[[name for name, _, _ in columns]].reset_index(drop=True)


# ---- safe file names --------------------------------------------------------------------

_ILLEGAL = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"{p}{i}" for p in ("COM", "LPT") for i in "0123456789\u00b9\u00b2\u00b3")}


def safe_file_stem(name: object, max_length: int = MAX_STEM) -> str:
    """A file name stem Windows, macOS and Linux all accept: illegal characters become '_',
    reserved device names (CON, NUL, COM1...) get a leading '_', no trailing dot or space,
    at most ``max_length`` characters."""
    text = unicodedata.normalize("NFC", "" if name is None else str(name))
    text = re.sub(r"\s+", " ", text).strip()
    text = _ILLEGAL.sub("_", text)
    text = text[:max_length].rstrip(". ") or "unnamed"
    if text.split(".")[0].rstrip(" ").upper() in _RESERVED:
        text = f"_{text}"[:max_length].rstrip(". ")
    return text


def pack_file_names(partners: list[str], prefix: str, suffix: str = ".xlsx",
                    taken: set[str] | None = None) -> dict[str, str]:
    """{partner: file name}; names that clash after sanitising (ignoring case, as Windows
    does) get ' (2)', ' (3)' ... in the partners' sorted order."""
    taken = taken if taken is not None else set()
    out = {}
    for partner in sorted(partners, key=lambda p: (str(p).casefold(), str(p))):
        stem = safe_file_stem(f"{prefix}{partner}")
        name, n = stem, 1
        while name.casefold() in taken:
            n += 1
            tail = f" ({n})"
            name = safe_file_stem(stem, MAX_STEM - len(tail)) + tail
        taken.add(name.casefold())
        out[partner] = name + suffix
    return out


# ---- the packs --------------------------------------------------------------------------

_UNI_ALLOC = ["demand_id", "hei", "profession", "setting", "site_id", "site_name", "provider", "hub", "ics",
              "region", "start_date", "weeks", "learners", "distance_km", "locked"]
_UNI_UNPLACED = ["demand_id", "hei", "profession", "setting", "start_date", "weeks", "learners_requested",
                 "learners_unplaced", "reason", "fix", "fix_learners"]
_UNI_CALENDAR = ["demand_id", "profession", "site_id", "site_name", "provider", "setting"]
_UNI_JOURNEYS = ["journey", "learner", "demand_id", "profession", "site_id", "site_name", "setting", "start_date",
                 "weeks"]
_PROV_ALLOC = ["site_id", "site_name", "setting", "profession", "hei", "demand_id", "start_date", "weeks",
               "learners", "locked"]
_PROV_CALENDAR = ["site_id", "site_name", "hei", "profession", "setting"]


def write_plan_packs(data, plan, out_dir: str | os.PathLike, *, report=None, progress=None) -> PackResult:
    """The app's entry point: packs straight from a plan in memory (PlanningData + Plan)."""
    from placement_planner.analysis import plan_report

    return write_packs(PlanTables.from_report(report or plan_report(data, plan)), out_dir, progress=progress)


def write_packs(tables: PlanTables, out_dir: str | os.PathLike, *, progress=None) -> PackResult:
    """One workbook per university and per provider in ``out_dir`` (created if missing)."""
    folder = _prepare(Path(out_dir))
    alloc, unplaced = tables.allocations, tables.unplaced
    universities = sorted(set(alloc["hei"]) | set(unplaced["hei"]))
    providers = sorted(set(alloc["provider"]))
    taken: set[str] = set()
    uni_files = pack_file_names(universities, UNIVERSITY_PREFIX, taken=taken)
    prov_files = pack_file_names(providers, PROVIDER_PREFIX, taken=taken)
    result = PackResult(universities=len(universities), providers=len(providers))
    alloc_by_hei = dict(tuple(alloc.groupby("hei", sort=False)))
    unplaced_by_hei = dict(tuple(unplaced.groupby("hei", sort=False)))
    alloc_by_provider = dict(tuple(alloc.groupby("provider", sort=False)))
    paths = tables.journeys if tables.journeys is not None else _conform(pd.DataFrame(), _JOURNEYS)
    paths_by_hei = dict(tuple(paths.groupby("hei", sort=False)))
    jobs = [(uni_files[h], "university", h, (alloc_by_hei.get(h, alloc.iloc[:0]),
                                             unplaced_by_hei.get(h, unplaced.iloc[:0]),
                                             paths_by_hei.get(h, paths.iloc[:0])))
            for h in universities]
    jobs += [(prov_files[p], "provider", p, (alloc_by_provider[p],)) for p in providers]
    for i, (file_name, kind, partner, frames) in enumerate(jobs):
        if progress is not None:
            progress.report(f"packs: {file_name}", fraction=i / max(len(jobs), 1))
        target = folder / file_name
        try:
            _write_pack(target, kind, partner, frames, tables.source, universities)
        except ExportError as exc:
            result.failed.append((target, exc.message))
            continue
        result.written.append(target)
    return result


def _prepare(folder: Path) -> Path:
    if folder.exists() and not folder.is_dir():
        raise PackError(f"{folder} is a file; give a folder for the packs.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PackError(f"Cannot create the folder {folder} ({exc.strerror or exc}); "
                        f"choose a folder you can save in.") from None
    try:  # one clear message for a read-only folder, not one per pack
        fd, probe = tempfile.mkstemp(prefix=".packs-", dir=folder)
        os.close(fd)
        os.remove(probe)
    except OSError as exc:
        raise PackError(f"Cannot write in the folder {folder} ({exc.strerror or exc}); "
                        f"choose a folder you can save in.") from None
    return folder


def _write_pack(target: Path, kind: str, partner: str, frames: tuple, source: str,
                universities: list[str]) -> None:
    def build(tmp: str) -> None:
        # in_memory: a pack is small, and xlsxwriter's temporary part files cost more than its XML
        book = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "nan_inf_to_errors": False,
                                         "in_memory": True})
        try:
            writer = TableWriter(book, None)
            if kind == "university":
                _university(writer, partner, *frames, source, universities)
            else:
                _provider(writer, partner, *frames, source)
        finally:
            book.close()

    atomic_write(target, build)


def _university(w: TableWriter, hei: str, alloc: pd.DataFrame, unplaced: pd.DataFrame, paths: pd.DataFrame,
                 source: str, others: list[str]) -> None:
    alloc = alloc.sort_values(["start_date", "demand_id", "site_id"], kind="stable")
    unplaced = unplaced.sort_values(["start_date", "demand_id"], kind="stable")
    hide = _name_hider(hei, others)
    unplaced = unplaced.assign(reason=unplaced["reason"].map(hide), fix=unplaced["fix"].map(hide))
    # the advisor's fix columns only when the plan has them
    unplaced = unplaced[[c for c in _UNI_UNPLACED if c not in ("fix", "fix_learners")
                         or (unplaced[c].notna() & (unplaced[c] != "")).any()]]
    figures = [("university", hei), ("learners placed", int(alloc["learners"].sum())),
               ("learners not placed", int(unplaced["learners_unplaced"].sum())),
               ("groups with learners not placed", len(unplaced)),
               ("sites", alloc["site_id"].nunique()), ("providers", alloc["provider"].nunique())]
    _cover(w, figures + _span(alloc) + _made_from(source))
    w.sheet("Allocations", alloc[_UNI_ALLOC], formats={"distance_km": w.decimal})
    w.sheet("Unplaced", unplaced, widths={"reason": 90, "fix": 60})
    _calendar(w, alloc, _UNI_CALENDAR)
    if len(paths):      # each learner's path, placement by placement, for its own learners only
        paths = paths.sort_values(["journey", "learner", "start_date", "demand_id"], kind="stable")
        w.sheet("Journeys", paths[_UNI_JOURNEYS])


def _name_hider(own: str, names: list[str]):
    """Reasons name the universities holding the places a group wanted; a university's pack
    says "another university" instead of naming them (its own name stays)."""
    names = sorted({n for n in names if n and n != NO_NAME} | {own}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(n) for n in names))

    def hide(text):
        if not isinstance(text, str) or not text:
            return text
        return pattern.sub(lambda m: m.group(0) if m.group(0) == own else "another university", text)

    return hide


def _provider(w: TableWriter, provider: str, alloc: pd.DataFrame, source: str) -> None:
    alloc = alloc.sort_values(["site_id", "start_date", "hei", "demand_id"], kind="stable")
    figures = [("provider", provider), ("learners coming", int(alloc["learners"].sum())),
               ("universities", alloc["hei"].nunique()), ("sites", alloc["site_id"].nunique())]
    _cover(w, figures + _span(alloc) + _made_from(source))
    w.sheet("Allocations", alloc[_PROV_ALLOC])
    _calendar(w, alloc, _PROV_CALENDAR)


def _cover(w: TableWriter, figures: list[tuple[str, object]]) -> None:
    frame = pd.DataFrame(figures, columns=["figure", "value"], dtype=object)
    w.sheet("Summary", frame, widths={"figure": 32, "value": 60})


def _span(alloc: pd.DataFrame) -> list[tuple[str, object]]:
    if not len(alloc):
        return []
    first = alloc["start_date"].min()
    last = (alloc["start_date"] + pd.to_timedelta(7 * alloc["weeks"] - 7, unit="D")).max()
    return [("first week (Monday)", first.to_pydatetime()), ("last week (Monday)", last.to_pydatetime())]


def _made_from(source: str) -> list[tuple[str, object]]:
    made = [("made on", dt.date.today().strftime("%d/%m/%Y"))]
    return ([("plan", source)] if source else []) + made


def _calendar(w: TableWriter, alloc: pd.DataFrame, keys: list[str]) -> None:
    """Rows = ``keys`` groups, columns = weeks dd/mm/yyyy, cells = learners on placement that week
    (blank when none). Filled with numpy: this runs once per pack, thousands of times nationally."""
    if len(alloc):
        days = alloc["start_date"].to_numpy("datetime64[D]").astype(np.int64)
        monday = days - (days + 3) % 7                # 01/01/1970 was a Thursday
        first = int(monday.min())
        week = (monday - first) // 7
        weeks = alloc["weeks"].to_numpy(np.int64)
        codes, groups = pd.MultiIndex.from_frame(alloc[keys]).factorize(sort=True)
        counts = np.zeros((len(groups), int((week + weeks).max())))
        within = np.arange(weeks.sum()) - np.repeat(np.cumsum(weeks) - weeks, weeks)
        np.add.at(counts, (np.repeat(codes, weeks), np.repeat(week, weeks) + within),
                  np.repeat(alloc["learners"].to_numpy(np.float64), weeks))
        dates = pd.to_datetime(first + 7 * np.arange(counts.shape[1]), unit="D")
        grid = pd.concat([pd.DataFrame(list(groups), columns=keys),
                          pd.DataFrame(np.where(counts > 0, counts, np.nan),
                                       columns=[d.strftime("%d/%m/%Y") for d in dates])], axis=1)
    else:
        grid = pd.DataFrame(columns=keys)
    ws = w.sheet("Calendar", grid, formats={c: w.integer for c in grid.columns if c not in keys})
    ws.freeze_panes(1, len(keys))
