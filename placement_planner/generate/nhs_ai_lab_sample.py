"""A small synthetic input in the NHS AI Lab nursing-placement scheduler's layout (for `convert`).

Nothing here is copied from that project: the wards, students and dates are invented, laid out
as its data loader reads them (sheets students, wards, placements; its params.yml switches).

    python -m placement_planner.generate.nhs_ai_lab_sample [FOLDER]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from placement_planner.generate.workbook import write_workbook

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
WORKBOOK = "nhs_ai_lab_example.xlsx"
PARAMS = "nhs_ai_lab_params.yml"

# (ward_name, ward_speciality, covid_status, p1, p2, p3)
WARDS = (
    ("Ward 2", "General Medicine", "Low/Medium", 3, 3, 2), ("Ward 4", "Respiratory Medicine", "Medium/High", 2, 2, 2),
    ("Ward 7", "General Surgery", "Low/Medium", 3, 2, 2), ("Ward 9", "Orthopaedic Surgery", "Low/Medium", 2, 2, 1),
    ("Ward 11", "Elderly Care", "Low/Medium", 3, 3, 3), ("Ward 14", "Cardiology", "Low/Medium", 2, 2, 2),
    ("Critical Care Unit", "Critical Care", "Medium/High", 1, 2, 2),
    ("Emergency Department", "Accident and Emergency", "Medium/High", 2, 2, 2),
    ("Acute Medical Unit", "Acute Medicine", "Low/Medium", 3, 2, 2),
    ("District Nursing North", "Community Nursing", "Low/Medium", 3, 3, 3),
    ("District Nursing South", "Community Nursing", "Low/Medium", 3, 3, 3),
    ("Riverside Rehabilitation", "Community Rehabilitation", "Low/Medium", 2, 2, 2),
    ("Hillview Community Hospital", "Community Hospital", "Low/Medium", 3, 2, 2),
    ("Stroke Unit", "Stroke", "Low/Medium", 2, 2, 1),
)
UNIVERSITIES = ("University of Sunderland", "Northumbria University")
# cohort (university index, qualification, course_start, year) -> placements (name, start, weeks)
YEAR_START = dt.date(2026, 9, 7)


def _cohorts() -> list[tuple[int, str, str, int, list[tuple[str, dt.date, int]]]]:
    def at(week: int) -> dt.date:
        return YEAR_START + dt.timedelta(weeks=week)

    return [
        (0, "BSc Adult Nursing", "Sep26", 1, [("P1, E1", at(6), 4), ("P1, E2", at(18), 6), ("P1, E3", at(33), 6)]),
        (0, "BSc Adult Nursing", "Sep25", 2, [("P2, E1", at(2), 6), ("P2, E2", at(12), 6), ("P2, E3", at(26), 8)]),
        (1, "BSc Adult Nursing", "Jan26", 2, [("P2, E1", at(4), 6), ("P2, E2", at(19), 6), ("P2, E3", at(36), 6)]),
        (1, "MSc Adult Nursing", "Sep25", 2, [("P2, E1", at(8), 5), ("P2, E2", at(22), 5)]),
    ]


def nhs_ai_lab_tables(seed: int = 2026) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    wards = pd.DataFrame([{
        "ward_name": name, "ward_speciality": speciality,
        "education_audit_exp": "2027/02/28" if name == "Stroke Unit" else dt.date(2027, 9, 30),
        "covid_status": covid, "capacity_num": max(p1, p2, p3), "p1_cap": p1, "p2_cap": p2, "p3_cap": p3,
    } for name, speciality, covid, p1, p2, p3 in WARDS])
    students, placements = [], []
    number = 100
    ward_names = [w[0] for w in WARDS]
    for uni, qualification, start, year, items in _cohorts():
        for name, when, weeks in items:
            # The NHS AI Lab tool reads year-first dates; some files hold them as text.
            placements.append({"university": UNIVERSITIES[uni], "qualification": qualification,
                               "course_start": start, "placement_name": name,
                               "placement_start_date": when.strftime("%Y-%m-%d") if name.endswith("E2") else when,
                               "placement_len_weeks": weeks})
        for _ in range(int(rng.integers(6, 10))):
            number += 1
            history = []
            if year > 1:
                history = list(rng.choice(ward_names, size=3, replace=False))
            students.append({
                "student_id": f"Student{number}", "university": UNIVERSITIES[uni], "qualification": qualification,
                "course_start": start, "year": year,
                "prev_placements": "[" + ",".join(f"'{w}'" for w in history) + "]",
                "allowable_covid_status": "Low/Medium" if rng.random() < 0.2 else "Medium/High",
            })
    return {"students": pd.DataFrame(students), "wards": wards, "placements": pd.DataFrame(placements)}


PARAMS_TEXT = """# Parameters in the NHS AI Lab scheduler's config/params.yml layout (synthetic sample).
schedule_params:
  medical_placement_check: True
  surgical_placement_check: False
  community_placement_check: True
  critical_care_placement_check: False
"""


def write_nhs_ai_lab_example(folder: Path | str = SAMPLE_DATA, seed: int = 2026) -> tuple[Path, Path]:
    folder = Path(folder)
    book = write_workbook(nhs_ai_lab_tables(seed), folder / WORKBOOK)
    params = folder / PARAMS
    params.write_text(PARAMS_TEXT, encoding="utf-8")
    return book, params


if __name__ == "__main__":
    for written in write_nhs_ai_lab_example(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE_DATA):
        print(written)
