"""Convert the NHS AI Lab nursing-placement scheduler's input layout into the planner's workbook.

The NHS AI Lab Skunkworks tool (github nhsx/skunkworks-nursing-placement-schedule-optimisation,
its ``src/data_load.py``) reads one workbook with three sheets:

- ``students``: student_id, university, qualification, course_start, year, prev_placements,
  allowable_covid_status (a student's cohort is university + qualification + course_start);
- ``wards``: ward_name, ward_speciality, education_audit_exp, covid_status, capacity_num,
  p1_cap, p2_cap, p3_cap (students of each part a ward takes at once);
- ``placements``: university, qualification, course_start, placement_name ("P1, E1": the part
  before the comma is the year part), placement_start_date, placement_len_weeks. Every
  student of a cohort takes every placement of the cohort.

and an optional ``config/params.yml`` whose ``*_placement_check`` switches ask for at least one
medical / surgical / community / critical care placement per student (a ward counts when its
speciality holds 'medical'/'medicine', 'surgical'/'surgery', 'community', 'critical'/'emergency').

The conversion (docs/journeys.md, "NHS AI Lab layout"): each ward becomes a site of one trust
(``--trust``) and one Capacity row for the placements' weeks (up to the education audit's expiry);
its setting is the speciality's category above, else the speciality itself. Each student
becomes one journey (journey = student_id, learners = 1) with one Demand row per placement of
the cohort; the switched-on checks become ``required_settings`` (a hard rule here, a score
there). What the planner's contract cannot hold (covid risk levels, previous wards, part-specific
caps below the ward's total) is listed in the notes, never dropped silently.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from placement_planner import reference as ref
from placement_planner.io.cells import cell_text, read_date, read_number
from placement_planner.io.problems import ProblemList, WorkbookError
from placement_planner.io.readers import read_file
from placement_planner.io.rules_journeys import settings_list
from placement_planner.names import canonical_setting, did_you_mean, name_key

SHEETS = {
    "students": ("student_id", "university", "qualification", "course_start"),
    "wards": ("ward_name", "ward_speciality"),
    "placements": ("university", "qualification", "course_start", "placement_name", "placement_start_date",
                   "placement_len_weeks"),
}
OPTIONAL = {
    "students": ("year", "prev_placements", "allowable_covid_status"),
    "wards": ("education_audit_exp", "covid_status", "capacity_num", "p1_cap", "p2_cap", "p3_cap"),
    "placements": (),
}
# params.yml switch -> (setting, the speciality keywords the NHS AI Lab tool looks for)
CHECKS = {
    "community_placement_check": ("community", ("community",)),
    "critical_care_placement_check": ("critical care", ("critical", "emergency")),
    "surgical_placement_check": ("surgical", ("surgical", "surgery")),
    "medical_placement_check": ("medical", ("medical", "medicine")),
}
PARTS = {"P1": "p1_cap", "P2": "p2_cap", "P3": "p3_cap"}
DEFAULT_PROFESSION = "Adult Nursing"


class ConvertError(Exception):
    """The input cannot be converted; ``problems`` says where and why (nothing was written)."""

    def __init__(self, problems: ProblemList):
        super().__init__(f"{len(problems.errors)} problem(s)")
        self.problems = problems


@dataclass
class Conversion:
    tables: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)   # warnings only


@dataclass
class _Sheet:
    name: str
    file: str
    frame: pd.DataFrame          # raw cells, one column per wanted column; "row" = Excel row


def ward_setting(speciality: str) -> str:
    """The NHS AI Lab tool's category for a ward speciality, else the speciality as a setting."""
    low = str(speciality).lower()
    for setting, words in CHECKS.values():
        if any(w in low for w in words):
            return setting
    text = " ".join(str(speciality).split())
    return canonical_setting(text) if text else ""


def read_params(path: Path, problems: ProblemList) -> list[str]:
    """The settings switched on in a params.yml (``schedule_params.<x>_placement_check: True``).

    Read line by line (``key: value``, ``#`` comments), without a YAML library: the switches are
    plain top-level keys of ``schedule_params`` and the Windows bundle leaves YAML out."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(path.name, None, None, f"{path.name} cannot be read ({exc.__class__.__name__}). Give the "
                       f"NHS AI Lab tool's config/params.yml, or --require instead.", file=path.name)
        return []
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].rstrip()
        if not content.strip():
            continue
        key, colon, value = content.strip().partition(":")
        if not colon:
            problems.error(path.name, number, None, f"Line {number} of {path.name} is not 'key: value'. Give the "
                           f"NHS AI Lab tool's config/params.yml, or --require instead.", file=path.name)
            return []
        values[key.strip()] = value.strip().strip("'\"")
    out = []
    for key, (setting, _) in CHECKS.items():
        if values.get(key, "").lower() in ("true", "yes", "on", "1"):
            out.append(setting)
    return out


def convert(paths, *, trust: str | None = None, ics: str | None = None, region: str | None = None,
            profession: str | None = None, require: str | None = None) -> Conversion:
    """The planner's tables (Sites, Capacity, Demand) from NHS AI Lab files; raises ConvertError."""
    problems = ProblemList()
    paths = [Path(p) for p in paths]
    sheets: dict[str, _Sheet] = {}
    required: list[str] = []
    for path in paths:
        if path.suffix.lower() in (".yml", ".yaml"):
            if not path.exists():
                problems.error(path.name, None, None, "file not found. Check the name and folder.", file=path.name)
            else:
                required += read_params(path, problems)
            continue
        try:
            raw = read_file(path)
        except WorkbookError as exc:
            problems.error(path.name, None, None, exc.message, file=path.name)
            continue
        for sheet in raw:
            key = name_key(sheet.name)
            for wanted in SHEETS:
                if key == wanted or (path.suffix.lower() in (".csv", ".txt", ".tsv") and key.endswith(wanted)):
                    if wanted not in sheets:
                        found = _columns(sheet, wanted, problems)
                        if found is not None:
                            sheets[wanted] = found
    if require is not None:
        required = [s.lower() for s in settings_list(require)]
    unreadable = {p.file for p in problems.errors if p.row is None and p.file}
    books = [p for p in paths if p.suffix.lower() not in (".yml", ".yaml")]
    if books and not all(p.name in unreadable for p in books):
        for wanted in SHEETS:
            if wanted not in sheets and not any(p.sheet == wanted for p in problems.errors):
                problems.error(wanted, None, None, f"No '{wanted}' sheet was found in "
                               f"{', '.join(p.name for p in books)}. The NHS AI Lab layout has three sheets: "
                               f"students, wards and placements.")
    elif not books:
        problems.error("", None, None, "No workbook given: give the NHS AI Lab input workbook (students, wards, "
                       "placements sheets), and optionally its params.yml.")
    organisation = _organisation(trust, ics, region, problems)
    if problems.errors:
        raise ConvertError(problems)
    conversion = _tables(sheets, organisation, profession or DEFAULT_PROFESSION, required, problems)
    if problems.errors:
        raise ConvertError(problems)
    conversion.problems = problems
    return conversion


def _columns(sheet, wanted: str, problems: ProblemList) -> _Sheet | None:
    rows = sheet.rows
    top = next((i for i, r in enumerate(rows) if any(cell_text(c) for c in r)), None)
    if top is None:
        problems.error(wanted, None, None, f"The '{sheet.name}' sheet is empty.", file=sheet.file)
        return None
    headers = [name_key(cell_text(c)) for c in rows[top]]
    index = {}
    for column in SHEETS[wanted] + OPTIONAL[wanted]:
        if name_key(column) in headers:
            index[column] = headers.index(name_key(column))
    missing = [c for c in SHEETS[wanted] if c not in index]
    if missing:
        problems.error(wanted, top + 1, missing[0], f"The '{sheet.name}' sheet has no "
                       f"{' or '.join(missing)} column (the NHS AI Lab layout's {wanted} sheet has "
                       f"{', '.join(SHEETS[wanted] + OPTIONAL[wanted])}).", file=sheet.file)
        return None
    body = []
    for i in range(top + 1, len(rows)):
        cells = rows[i]
        if not any(cell_text(c) for c in cells):
            continue
        body.append({"row": i + 1, **{c: (cells[j] if j < len(cells) else None) for c, j in index.items()}})
    frame = pd.DataFrame(body, columns=["row", *index])
    return _Sheet(wanted, sheet.file, frame)


def _organisation(trust, ics, region, problems) -> dict | None:
    if not trust:
        problems.error("", None, None, "The NHS AI Lab layout names no organisation for its wards: give --trust "
                       "(an NHS trust's ODS code or name, for example --trust RTF).")
        return None
    trusts = ref.trusts()
    hit = trusts[(trusts["ods_code"].str.upper() == trust.strip().upper())
                 | (trusts["name"].map(name_key) == name_key(trust))]
    icbs = ref.current_icbs().set_index("icb_code")
    if len(hit):
        row = hit.iloc[0]
        where = ref.locate(row["postcode"])
        icb = row["icb_code"] if row["icb_code"] in icbs.index else None
        return {"provider": ref.tidy_name(row["name"]), "code": row["ods_code"],
                "ics": ics or (icbs.loc[icb, "icb_name"] if icb else ""),
                "region": region or (icbs.loc[icb, "region_name"] if icb else ""),
                "postcode": row["postcode"], "latitude": where[0] if where else np.nan,
                "longitude": where[1] if where else np.nan}
    if ics and region:
        return {"provider": " ".join(trust.split()), "code": "", "ics": ics, "region": region, "postcode": "",
                "latitude": np.nan, "longitude": np.nan}
    guess = did_you_mean(trust, trusts["name"].map(ref.tidy_name).tolist(), cutoff=0.6)
    tip = f" Did you mean '{guess}'?" if guess else ""
    problems.error("", None, None, f"Trust '{trust}' is not in the planner's list of NHS trusts.{tip} Give its "
                   f"ODS code, or give --ics and --region as well so its wards can be placed on the map of "
                   f"ICBs and regions.")
    return None


def _text(value) -> str:
    return cell_text(value).strip() if value is not None else ""


def _int(sheet: _Sheet, i: int, column: str, problems, *, required: bool, lowest: int = 0) -> int | None:
    value = sheet.frame[column].iat[i] if column in sheet.frame else None
    row = int(sheet.frame["row"].iat[i])
    if value is None or _text(value) == "":
        if required:
            problems.error(sheet.name, row, column, f"{column} is blank. Give a whole number.", file=sheet.file)
        return None
    reading = read_number(value, column, whole=True)
    if reading.error or reading.value is None or reading.value < lowest:
        problems.error(sheet.name, row, column, reading.error or f"{column} must be {lowest} or more "
                       f"(found {_text(value)}).", value=_text(value), file=sheet.file)
        return None
    return int(reading.value)


def _date(sheet: _Sheet, i: int, column: str, problems, *, required: bool) -> pd.Timestamp | None:
    value = sheet.frame[column].iat[i] if column in sheet.frame else None
    row = int(sheet.frame["row"].iat[i])
    if isinstance(value, str):    # the NHS AI Lab tool reads year-first text (2021/05/01)
        value = value.strip().replace("/", "-") if value.strip()[:4].isdigit() else value
    reading = read_date(value, column)
    if reading.error:
        problems.error(sheet.name, row, column, reading.error, value=_text(value), file=sheet.file)
        return None
    if reading.value is None and required:
        problems.error(sheet.name, row, column, f"{column} is blank. Give the date (dd/mm/yyyy or yyyy-mm-dd).",
                       file=sheet.file)
    return reading.value


def _cohort(sheet: _Sheet, i: int) -> str:
    f = sheet.frame
    return f"{_text(f['university'].iat[i])}_{_text(f['qualification'].iat[i])} {_text(f['course_start'].iat[i])}"


def _tables(sheets, org, profession, required, problems) -> Conversion:
    notes: list[str] = []
    placements = _placements(sheets["placements"], problems)
    students = _students(sheets["students"], placements, problems)
    if not placements["rows"] or not students or problems.errors:
        if not placements["rows"] and not problems.errors:
            problems.error("placements", None, None, "The placements sheet has no placement rows.")
        elif not students and not problems.errors:
            problems.error("students", None, None, "The students sheet has no student rows: add one row per "
                           "student (student_id, university, qualification, course_start).")
        return Conversion({}, notes)
    first = min(r["start"] for r in placements["rows"])
    first -= pd.Timedelta(days=int(first.day_of_week))
    last = max(r["start"] + pd.Timedelta(weeks=r["weeks"]) for r in placements["rows"]) - pd.Timedelta(days=3)
    sites, capacity = _wards(sheets["wards"], org, profession, first, last, placements, notes, problems)
    if problems.errors:
        return Conversion({}, notes)
    demand_rows = []
    for student in students:
        for k, p in enumerate(placements["by_cohort"][student["cohort"]]):
            name = " ".join(p["name"].replace(",", " ").split())
            demand_rows.append({
                "demand_id": f"{student['id']} {name}", "hei": student["university"], "profession": profession,
                "learners": 1, "start_date": p["start"], "weeks": p["weeks"], "setting": "",
                "year": student["year"], "journey": student["id"],
                "required_settings": ", ".join(required) if k == 0 else "",
            })
    demand = pd.DataFrame(demand_rows, columns=["demand_id", "hei", "profession", "learners", "start_date", "weeks",
                                                "setting", "year", "journey", "required_settings"])
    _note_dropped(sheets, students, notes)
    if required:
        notes.append(f"Every student must cover {', '.join(required)} (from params.yml or --require): a hard rule "
                     f"in the planner, where the NHS AI Lab tool only scores it.")
        offered = {s.lower() for s in capacity["setting"]}
        for setting in required:
            if setting.lower() not in offered:
                problems.warning("wards", None, "ward_speciality",
                                 f"No ward's speciality counts as '{setting}', so no student can cover it and no "
                                 f"journey can be placed. Check the specialities or the checks in params.yml.")
    return Conversion({"Sites": sites, "Capacity": capacity, "Demand": demand}, notes)


def _placements(sheet: _Sheet, problems) -> dict:
    rows, by_cohort = [], {}
    seen: dict[tuple[str, str], int] = {}
    for i in range(len(sheet.frame)):
        row = int(sheet.frame["row"].iat[i])
        cohort = _cohort(sheet, i)
        name = _text(sheet.frame["placement_name"].iat[i])
        if not name:
            problems.error("placements", row, "placement_name", "placement_name is blank. Name each placement "
                           "(for example P1, E1).", file=sheet.file)
            continue
        if (cohort, name) in seen:
            problems.error("placements", row, "placement_name", f"Cohort '{cohort}' has placement '{name}' twice "
                           f"(first on row {seen[(cohort, name)]}). Give each placement of a cohort its own name.",
                           value=name, file=sheet.file)
            continue
        seen[(cohort, name)] = row
        start = _date(sheet, i, "placement_start_date", problems, required=True)
        weeks = _int(sheet, i, "placement_len_weeks", problems, required=True, lowest=1)
        if start is None or weeks is None:
            continue
        item = {"row": row, "cohort": cohort, "name": name, "start": start, "weeks": weeks,
                "part": name.split(",", 1)[0].strip().upper()}
        rows.append(item)
        by_cohort.setdefault(cohort, []).append(item)
    for cohort, items in by_cohort.items():
        items.sort(key=lambda r: r["start"])
        for a, b in zip(items, items[1:]):
            a_end = a["start"] - pd.Timedelta(days=int(a["start"].day_of_week)) + pd.Timedelta(weeks=a["weeks"])
            if b["start"] - pd.Timedelta(days=int(b["start"].day_of_week)) < a_end:
                problems.error("placements", b["row"], "placement_start_date",
                               f"Cohort '{cohort}': placement '{b['name']}' starts {b['start']:%d/%m/%Y}, before "
                               f"placement '{a['name']}' (row {a['row']}, {a['start']:%d/%m/%Y} for {a['weeks']} "
                               f"weeks) has ended. A student cannot be on two placements at once: correct the "
                               f"dates or the lengths.", value=f"{b['start']:%d/%m/%Y}", file=sheet.file)
    return {"rows": rows, "by_cohort": by_cohort}


def _unique(sheet: _Sheet, i: int, column: str, what: str, seen: dict, problems) -> str | None:
    """The row's id (spaces tidied), or None after an ERROR for a blank or repeated one."""
    row = int(sheet.frame["row"].iat[i])
    value = " ".join(_text(sheet.frame[column].iat[i]).split())
    if not value:
        problems.error(sheet.name, row, column, f"{column} is blank. Every {what} needs one.", file=sheet.file)
        return None
    if value in seen:
        problems.error(sheet.name, row, column, f"{column} '{value}' is used twice (first on row {seen[value]}). "
                       f"Each {what} needs its own.", value=value, file=sheet.file)
        return None
    seen[value] = row
    return value


def _students(sheet: _Sheet, placements, problems) -> list[dict]:
    out, seen = [], {}
    cohorts = sorted(placements["by_cohort"])
    for i in range(len(sheet.frame)):
        row = int(sheet.frame["row"].iat[i])
        sid = _unique(sheet, i, "student_id", "student", seen, problems)
        if sid is None:
            continue
        cohort = _cohort(sheet, i)
        if cohort not in placements["by_cohort"]:
            guess = did_you_mean(cohort, cohorts, cutoff=0.75)
            tip = f" Did you mean '{guess}'?" if guess else ""
            problems.error("students", row, "course_start", f"Student '{sid}' is in cohort '{cohort}' "
                           f"(university_qualification course_start), which has no rows in the placements sheet."
                           f"{tip} Add its placements or correct the student's university, qualification or "
                           f"course_start.", value=cohort, file=sheet.file)
            continue
        year = None
        if "year" in sheet.frame and _text(sheet.frame["year"].iat[i]):
            reading = read_number(sheet.frame["year"].iat[i], "year", whole=True)
            year = int(reading.value) if reading.value is not None and not reading.error else None
            if year is None:
                problems.warning("students", row, "year", f"year '{_text(sheet.frame['year'].iat[i])}' is not a "
                                 f"number; the student's Demand rows leave year blank (it is not used in "
                                 f"planning).", value=_text(sheet.frame["year"].iat[i]), file=sheet.file)
        out.append({"id": sid, "row": row, "cohort": cohort, "year": np.nan if year is None else year,
                    "university": _text(sheet.frame["university"].iat[i])})
    return out


def _wards(sheet: _Sheet, org, profession, first, last, placements, notes, problems):
    site_rows, cap_rows, seen = [], [], {}
    parts = {r["part"] for r in placements["rows"]}
    capped, expired, short = [], [], []
    for i in range(len(sheet.frame)):
        ward = _unique(sheet, i, "ward_name", "ward", seen, problems)
        if ward is None:
            continue
        speciality = " ".join(_text(sheet.frame["ward_speciality"].iat[i]).split())
        caps = {c: _int(sheet, i, c, problems, required=False) for c in ("capacity_num", *PARTS.values())}
        audit = _date(sheet, i, "education_audit_exp", problems, required=False)
        part_caps = [v for c, v in caps.items() if c != "capacity_num" and v is not None]
        if caps["capacity_num"] is None and not part_caps:
            problems.error("wards", int(sheet.frame["row"].iat[i]), "capacity_num", f"Ward '{ward}' has no capacity: give capacity_num or "
                           f"p1_cap, p2_cap, p3_cap.", file=sheet.file)
            continue
        # The NHS AI Lab loader takes a ward's capacity as its largest part cap; a smaller
        # capacity_num (the ward's stated total) is kept as the limit.
        places = max(part_caps) if part_caps else caps["capacity_num"]
        if caps["capacity_num"] is not None:
            places = min(places, caps["capacity_num"])
        for part, column in PARTS.items():
            if part in parts and caps[column] is not None and caps[column] < places:
                capped.append(f"{ward} ({part} {caps[column]} of {places})")
        setting = ward_setting(speciality)
        site_rows.append({"site_id": ward, "site_name": f"{ward} ({speciality})" if speciality else ward,
                          "provider": org["provider"], "provider_type": "community" if setting == "community"
                          else "acute", "ics": org["ics"], "region": org["region"],
                          "latitude": org["latitude"], "longitude": org["longitude"], "postcode": org["postcode"],
                          "quality": "ok"})
        end = last
        if audit is not None and audit < last:
            end = audit
            (expired if audit < first else short).append(f"{ward} ({audit:%d/%m/%Y})")
        if places > 0 and end >= first:
            cap_rows.append({"site_id": ward, "profession": profession, "setting": setting,
                             "start_date": first, "end_date": end, "places": int(places)})
    if not site_rows and not problems.errors:
        problems.error("wards", None, None, "The wards sheet has no wards.", file=sheet.file)
    if expired:
        notes.append(f"{len(expired)} ward(s) offer no places: their education audit expired before the first "
                     f"placement: {', '.join(expired[:5])}{' ...' if len(expired) > 5 else ''}.")
    if short:
        notes.append(f"{len(short)} ward(s) offer places only until their education audit expires: "
                     f"{', '.join(short[:5])}{' ...' if len(short) > 5 else ''}.")
    if capped:
        notes.append(f"{len(capped)} ward(s) take fewer students of one part than their total; the planner's "
                     f"Capacity has one number per ward, so the part caps are not enforced: "
                     f"{', '.join(capped[:5])}{' ...' if len(capped) > 5 else ''}.")
    sites = pd.DataFrame(site_rows, columns=["site_id", "site_name", "provider", "provider_type", "ics", "region",
                                             "latitude", "longitude", "postcode", "quality"])
    capacity = pd.DataFrame(cap_rows, columns=["site_id", "profession", "setting", "start_date", "end_date",
                                               "places"])
    return sites, capacity


def _note_dropped(sheets, students, notes) -> None:
    s, w = sheets["students"].frame, sheets["wards"].frame
    if "allowable_covid_status" in s and "covid_status" in w:
        careful = sum(_text(v).lower().replace(" ", "") == "low/medium" for v in s["allowable_covid_status"])
        risky = sum(_text(v).lower().replace(" ", "") == "medium/high" for v in w["covid_status"])
        if careful and risky:
            notes.append(f"Covid risk is not carried over: {careful} student(s) accept only Low/Medium wards and "
                         f"{risky} ward(s) are Medium/High; the planner has no per-student ward exclusion, so "
                         f"check those students' wards in the plan.")
    if "prev_placements" in s:
        with_history = sum(bool(_text(v).strip("[] '\"")) for v in s["prev_placements"])
        if with_history:
            notes.append(f"Previous wards of {with_history} student(s) are not used: the planner's variety tier "
                         f"counts repeats within this year's journey only.")


def write_converted(conversion: Conversion, output: str | os.PathLike) -> Path:
    """Write the converted tables atomically, after checking they load with no errors.

    Raises ConvertError (nothing written) when the planner's own checks find an error."""
    from placement_planner.generate.workbook import write_workbook
    from placement_planner.io.load import load_workbooks

    with tempfile.TemporaryDirectory() as folder:
        trial = write_workbook(conversion.tables, Path(folder) / "converted.xlsx")
        result = load_workbooks([trial])
    if result.problems.errors:
        raise ConvertError(result.problems)
    conversion.problems.extend(result.problems.warnings)
    return write_workbook(conversion.tables, output)
