"""Update the ICB list and its successor mapping from a newer ONS / ODS / NHS England file, with no new
release: workbooks opened afterwards read merged ICBs' old names as their successor's (one warning each).

    placement-planner update-reference FILE [--effective-from DD/MM/YYYY]
    placement-planner update-reference --show | --reset

FILE may be (CSV, .xlsx, .xls or .ods; columns matched ignoring case, spaces and the year digits):
- an ICB list: ICB code and name (ONS ``ICB25CDH``/``ICB25NM``, NHS England ``ICB_CODE``/``ICB_NAME``,
  or ``icb_code``/``icb_name``), with the NHS England region (``NHSER25CDH``/``NHSER25NM``,
  ``COMM_REGION_CODE``/``COMM_REGION_NAME``). A sub-ICB location column (``LOC25CDH``,
  ``SUB_ICB_LOCATION_CODE``) lets the planner work out which new ICB each dropped ICB went to
  (by where its GP practices now are), as the ONS "LOC to ICB to NHSER" lookup and NHS England's
  practice mapping both have;
- a successor table: ``old_icb`` (code or name) -> ``new_icb`` (code or name), optional
  ``new_icb_name``, ``region`` and ``effective_from``: one row per merged ICB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from placement_planner import reference
from placement_planner.io.problems import WorkbookError
from placement_planner.names import name_key

_YEARLESS = re.compile(r"\d+")
# column role -> name keys (year digits removed: ICB25CDH -> icbcdh)
ROLES = {
    "icb_code": ("icbcdh", "icbcode", "icbodscode", "odsicbcode"),
    "icb_name": ("icbnm", "icbname"),
    "region_code": ("nhsercdh", "commregioncode", "regioncode", "nhseregioncode", "nhsenglandregioncode"),
    "region_name": ("nhsernm", "commregionname", "regionname", "nhseregionname", "nhsenglandregionname", "region"),
    "sub_icb": ("loccdh", "sicblcdh", "subicblocationcode", "subicbcode", "subicblcode"),
    "old_icb": ("oldicb", "oldicbcode", "oldicbname", "oldcode", "oldname", "predecessor", "predecessoricb",
                "mergedicb", "from icb"),
    "new_icb": ("newicb", "newicbcode", "successor", "successoricb", "successorcode", "newcode", "toicb"),
    "new_icb_name": ("newicbname", "successorname", "newname"),
    "effective_from": ("effectivefrom", "effectivedate", "mergedon", "date", "from"),
}


@dataclass
class UpdateResult:
    icbs_before: int
    icbs_after: int
    merged: list[tuple[str, str, str]] = field(default_factory=list)    # old name, new name, date
    warnings: list[str] = field(default_factory=list)
    folder: Path | None = None

    def lines(self) -> list[str]:
        out = [f"ICB list: {self.icbs_before} -> {self.icbs_after} ICBs."]
        out += [f"  {old} -> {new}" + (f" from {date}" if date else "") for old, new, date in self.merged]
        out += [f"WARNING: {w}" for w in self.warnings]
        if self.folder:
            out.append(f"Saved in {self.folder}; workbooks opened from now on use it "
                       f"(`placement-planner update-reference --reset` goes back to the shipped list).")
        return out


class ReferenceError(Exception):
    """A file that is not an ICB list or a successor table: the message says what to give."""


def _table(path: Path) -> pd.DataFrame:
    """The first sheet with recognised columns, header row found among the first 10 rows."""
    from placement_planner.io.readers import read_file

    for sheet in read_file(path):
        for h, header in enumerate(sheet.rows[:10]):
            roles = _roles([str(c) if c is not None else "" for c in header])
            if ("icb_code" in roles and "icb_name" in roles) or ("old_icb" in roles and "new_icb" in roles):
                body = [list(r) + [None] * (len(header) - len(r)) for r in sheet.rows[h + 1:]]
                frame = pd.DataFrame([r[:len(header)] for r in body], dtype=object)
                frame.columns = range(len(header))
                out = pd.DataFrame({role: frame[i].map(_text) for role, i in roles.items()})
                return out[(out != "").any(axis=1)].reset_index(drop=True)
    raise ReferenceError(
        f"{path.name} has no ICB list (ICB code and name columns, e.g. ICB25CDH and ICB25NM, or ICB_CODE and "
        f"ICB_NAME) and no successor table (old_icb and new_icb columns) in its first 10 rows.")


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return f"{value:%d/%m/%Y}"
    return " ".join(str(value).split())


def _roles(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = _YEARLESS.sub("", name_key(header))
        for role, keys in ROLES.items():
            if role not in found and key in {k.replace(" ", "") for k in keys}:
                found[role] = i
                break
    return found


def _date(text: str) -> str:
    if not text:
        return ""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).strftime("%d/%m/%Y")
        except ValueError:
            pass
    raise ReferenceError(f"'{text}' is not a date. Give effective_from as dd/mm/yyyy, e.g. 01/04/2027.")


def _list_from(table: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    regions = reference.regions()
    by_name = {v: k for k, v in regions.items()}
    icbs = table[["icb_code", "icb_name"]].copy()
    icbs["region_code"] = table["region_code"] if "region_code" in table else ""
    icbs["region_name"] = table["region_name"] if "region_name" in table else ""
    icbs = icbs[(icbs["icb_code"] != "") & (icbs["icb_name"] != "")].drop_duplicates("icb_code")
    old_region = dict(zip(before["icb_code"], zip(before["region_code"], before["region_name"])))
    for i in icbs.index:
        code, rname = icbs.at[i, "region_code"], icbs.at[i, "region_name"]
        if not rname and code in regions:
            icbs.at[i, "region_name"] = regions[code]
        if not code and rname in by_name:
            icbs.at[i, "region_code"] = by_name[rname]
        if not icbs.at[i, "region_code"] and icbs.at[i, "icb_code"] in old_region:
            icbs.at[i, "region_code"], icbs.at[i, "region_name"] = old_region[icbs.at[i, "icb_code"]]
    missing = icbs.loc[icbs["region_code"] == "", "icb_name"].tolist()
    if missing:
        raise ReferenceError(f"No NHS England region for {', '.join(missing[:3])}: add a region code or name "
                             f"column (e.g. NHSER25CDH or COMM_REGION_CODE).")
    return icbs.reset_index(drop=True)


def _by_practices(table: pd.DataFrame, before: pd.DataFrame, after: pd.DataFrame) -> dict[str, str]:
    """Dropped ICB code -> the new ICB code holding most of its GP practices (via sub-ICB codes)."""
    sub_to_new = dict(zip(table["sub_icb"], table["icb_code"]))
    practices = reference.practices()
    current = reference._icb_by_code()
    name_to_code = dict(zip(before["icb_name"], before["icb_code"]))
    votes: dict[str, Counter] = {}
    for code, sub in zip(practices["icb_code"], practices["sub_icb_code"]):
        old = name_to_code.get(current.get(code, ("", ""))[0])
        new = sub_to_new.get(sub)
        if old and new:
            votes.setdefault(old, Counter())[new] += 1
    kept = set(after["icb_code"])
    return {old: c.most_common(1)[0][0] for old, c in votes.items() if old not in kept}


def _resolve(value: str, icbs: pd.DataFrame) -> tuple[str, str] | None:
    """An ICB code or name (any spelling) -> (code, name) in ``icbs``."""
    key = name_key(value)
    for code, name in zip(icbs["icb_code"], icbs["icb_name"]):
        short = reference.short_icb_name(name)
        if key in {name_key(code), name_key(name), name_key(short), name_key(f"{short} ICB")}:
            return code, name
    return None


def update_reference(path: str | Path, effective_from: str = "", *, save: bool = True) -> UpdateResult:
    path = Path(path)
    table = _table(path)
    before = reference.current_icbs()[["icb_code", "icb_name", "region_code", "region_name"]]
    default_date = _date(effective_from)
    warnings: list[str] = []
    if "icb_code" in table and "icb_name" in table:
        after = _list_from(table, before)
    else:
        after = before.copy()
    pairs: list[tuple[str, str, str, str]] = []      # old code, new code, new name, date
    if "old_icb" in table and "new_icb" in table:
        for _, row in table.iterrows():
            if not row.get("old_icb") or not row.get("new_icb"):
                continue
            old = _resolve(row["old_icb"], before)
            if old is None:
                raise ReferenceError(f"'{row['old_icb']}' is not one of the current ICBs "
                                     f"({len(before)}); give its code or name as the planner lists it "
                                     f"(`placement-planner update-reference --show`).")
            new = _resolve(row["new_icb"], after)
            if new is None:          # a new ICB: its code and name, in the old one's region
                if row.get("new_icb_name"):
                    new = (row["new_icb"], row["new_icb_name"])
                elif len(row["new_icb"].split()) > 1:    # a name without a code: the name is its key
                    new = (row["new_icb"], row["new_icb"])
                else:
                    raise ReferenceError(f"New ICB '{row['new_icb']}' needs a name: add a new_icb_name column.")
                region = before.loc[before["icb_code"] == old[0], ["region_code", "region_name"]].iloc[0]
                after = pd.concat([after, pd.DataFrame([{"icb_code": new[0], "icb_name": new[1],
                                                         "region_code": region["region_code"],
                                                         "region_name": region["region_name"]}])],
                                  ignore_index=True)
            pairs.append((old[0], new[0], new[1], _date(row.get("effective_from", "")) or default_date))
        merged_codes = {p[0] for p in pairs if p[0] != p[1]}
        after = after[~after["icb_code"].isin(merged_codes)].reset_index(drop=True)
    elif "sub_icb" in table:
        new_names = dict(zip(after["icb_code"], after["icb_name"]))
        pairs = [(old, new, new_names[new], default_date) for old, new in _by_practices(table, before, after).items()]
    dropped = set(before["icb_code"]) - set(after["icb_code"]) - {p[0] for p in pairs}
    for code in sorted(dropped):
        warnings.append(f"{before.loc[before['icb_code'] == code, 'icb_name'].iat[0]} is not in {path.name} and no "
                        f"successor is given: its name will be reported as not a current ICB. Load a successor "
                        f"table (old_icb, new_icb, effective_from) for it.")
    old_names = dict(zip(before["icb_code"], before["icb_name"]))
    successors = pd.DataFrame([{"old_code": o, "old_name": old_names[o], "new_code": n, "new_name": nn,
                                "effective_from": d} for o, n, nn, d in pairs if o != n],
                              columns=reference.SUCCESSOR_COLUMNS)
    result = UpdateResult(len(before), len(after),
                          [(r.old_name, r.new_name, r.effective_from) for r in successors.itertuples()], warnings)
    if save:
        result.folder = _save(after, successors)
        reference.reload()
    return result


def _save(icbs: pd.DataFrame, successors: pd.DataFrame) -> Path:
    folder = reference.updates_dir()
    folder.mkdir(parents=True, exist_ok=True)
    old = reference.successors()
    both = pd.concat([old[~old["old_code"].isin(successors["old_code"])], successors], ignore_index=True)
    files = {reference.ICB_FILE: icbs.rename(columns={"icb_code": "ICB_CODE", "icb_name": "ICB_NAME",
                                                      "region_code": "COMM_REGION_CODE",
                                                      "region_name": "COMM_REGION_NAME"}),
             reference.SUCCESSOR_FILE: both[reference.SUCCESSOR_COLUMNS]}
    for name, frame in files.items():            # each file whole or not at all
        handle, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        os.close(handle)
        try:
            frame.to_csv(tmp, index=False, encoding="utf-8")
            os.replace(tmp, folder / name)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    return folder


def reset() -> bool:
    removed = False
    for name in (reference.ICB_FILE, reference.SUCCESSOR_FILE):
        path = reference.updates_dir() / name
        if path.is_file():
            path.unlink()
            removed = True
    reference.reload()
    return removed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", metavar="FILE", help="a newer ICB list or successor table")
    parser.add_argument("--effective-from", default="", metavar="DD/MM/YYYY",
                        help="the date mergers take effect, when FILE does not say (e.g. 01/04/2027)")
    parser.add_argument("--show", action="store_true", help="print the ICB list in use and its mergers")
    parser.add_argument("--reset", action="store_true", help="go back to the list shipped with the planner")


def run(args: argparse.Namespace) -> int:
    if args.reset:
        print("Back to the shipped ICB list." if reset() else "The shipped ICB list is already in use.")
        return 0
    if args.show or not args.file:
        icbs = reference.current_icbs()
        for row in icbs.itertuples():
            print(f"{row.icb_code}\t{row.icb_name}\t{row.region_name}")
        for row in reference.successors().itertuples():
            print(f"merged\t{row.old_name} -> {row.new_name}\t{row.effective_from}")
        print(f"{len(icbs)} ICBs", file=sys.stderr)
        return 0
    try:
        result = update_reference(args.file, args.effective_from)
    except (ReferenceError, WorkbookError) as exc:
        print(f"ERROR\t{getattr(exc, 'message', None) or exc}", file=sys.stderr)
        return 1
    for line in result.lines():
        print(line)
    return 0
