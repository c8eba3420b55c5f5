"""Rebuild the files in sample_data/: the demo supply and demand workbooks and a deliberately messy one.

    python -m placement_planner.generate.samples [OUTPUT_FOLDER]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from placement_planner.generate.messy import write_messy_example
from placement_planner.generate.tables import generate_tables
from placement_planner.generate.workbook import write_workbook

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
DEMO_SEED = 2026

README_HEAD = """# Sample data

Synthetic inputs built on real NHS organisations (trust and GP practice names and ODS codes,
PCNs, ICBs, regions) and real universities; the sites' names, the places and the demand groups
are invented. Rebuild every file here with `python -m placement_planner.generate.samples`
(see `resources/reference/ATTRIBUTION.md` for the sources and their licences).

| file | sheets | what |
|---|---|---|
| `demo_supply.xlsx` | Sites, Capacity, Settings | the `demo` scale (seed {seed}): Coventry and Warwickshire's trusts, a few GP practices and independent providers; a title row above each header, as coordinators send them |
| `demo_demand.xlsx` | Demand, Locked | Coventry University's placement requests for {year} and a few agreed allocations |
| `messy_example.xlsx` | Placement sites, capacity, Demand, Locked, Settings | a small Norfolk and Suffolk workbook with the mistakes real files have: every one is listed below |
| `journeys_demo.xlsx` | Sites, Capacity, Demand, Settings | learner journeys (docs/journeys.md): a demo-sized `trust` scale, 120 nursing learners of Northumbria Healthcare's wards on 4-placement journeys that must cover acute and community; cohorts share dates, some journeys are one learner, some a group |
| `nhs_ai_lab_example.xlsx`, `nhs_ai_lab_params.yml` | students, wards, placements | the NHS AI Lab nursing-placement scheduler's input layout (synthetic, not its data): `placement-planner convert --from nhs-ai-lab sample_data/nhs_ai_lab_example.xlsx sample_data/nhs_ai_lab_params.yml --trust RTF -o converted.xlsx` |

Open the two demo files together (`placement-planner validate sample_data/demo_supply.xlsx
sample_data/demo_demand.xlsx`): they load with no errors, and every site is where its postcode
says: within 5 km of it and in its ICB and region (the geography checks, `tests/test_geography.py`).

## Defects in `messy_example.xlsx`

`row` is the Excel row number; `sheet` is the contract's sheet name (the tab's own name is in
brackets where it differs). `expected` is what the contract asks of the validator: `ERROR`
(stops a solve), `WARNING` (reported, the plan still runs), `report` (either is acceptable),
`ok` (must load without an error: a normal feature of real files, at most a warning).

| sheet | row | column | value | defect | expected |
|---|---|---|---|---|---|
"""


def write_demo(folder: Path, seed: int = DEMO_SEED) -> tuple[Path, Path]:
    tables = generate_tables("demo", seed)
    supply = {name: tables[name] for name in ("Sites", "Capacity", "Settings")}
    demand = {name: tables[name] for name in ("Demand", "Locked")}
    titles = {"Sites": "Coventry and Warwickshire placement sites 2026/27 (synthetic sample)",
              "Capacity": "Placement capacity offered, academic year 2026/27 (synthetic sample)"}
    return (write_workbook(supply, folder / "demo_supply.xlsx", titles),
            write_workbook(demand, folder / "demo_demand.xlsx"))


def write_journeys_demo(folder: Path, seed: int = DEMO_SEED) -> Path:
    from placement_planner.generate.trust import trust_tables

    return write_workbook(trust_tables(seed, learners=120, ward_share=0.15), folder / "journeys_demo.xlsx")


def _cell(value) -> str:
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.strftime("%d/%m/%Y") + " (a date)"
    text = repr(value) if isinstance(value, str) else str(value)
    return text.replace("|", "\\|")


def rebuild(folder: Path | str = SAMPLE_DATA) -> list[Path]:
    """Write demo_supply.xlsx, demo_demand.xlsx, messy_example.xlsx, the journeys samples and README.md."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    supply, demand = write_demo(folder)
    messy, defects = write_messy_example(folder / "messy_example.xlsx")
    journeys = write_journeys_demo(folder)
    from placement_planner.generate.nhs_ai_lab_sample import write_nhs_ai_lab_example
    ai_lab = write_nhs_ai_lab_example(folder)
    lines = [README_HEAD.format(seed=DEMO_SEED, year="2026/27")]
    for d in defects:
        sheet = d.sheet if d.tab == d.sheet else f"{d.sheet} ({d.tab})"
        lines.append(f"| {sheet} | {d.row} | {d.column} | {_cell(d.value)} | {d.defect} | {d.expected} |\n")
    (folder / "README.md").write_text("".join(lines), encoding="utf-8")
    return [supply, demand, messy, journeys, *ai_lab, folder / "README.md"]


if __name__ == "__main__":
    for written in rebuild(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE_DATA):
        print(written)
