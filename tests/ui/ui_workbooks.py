"""Tiny input workbooks written on the fly, so UI tests do not depend on generated data."""

from __future__ import annotations

import pandas as pd


def write_small(path, *, bad_places: bool = False, extra_learners: int = 0) -> str:
    sites = pd.DataFrame({
        "site_id": ["S1", "S2", "S3"], "site_name": ["Leeds General", "York Hospital", "Hull Royal"],
        "provider": ["Leeds THT", "York THT", "Hull UTH"], "hub": ["West", "North", "East"],
        "ics": ["West Yorkshire", "Humber and North Yorkshire", "Humber and North Yorkshire"],
        "region": ["North East and Yorkshire"] * 3,
        "latitude": [53.80, 53.97, 53.74], "longitude": [-1.55, -1.08, -0.33], "quality": ["ok", "monitor", "ok"]})
    capacity = pd.DataFrame({
        "site_id": ["S1", "S2", "S3", "S1"],
        "profession": ["Adult Nursing", "Adult Nursing", "Physiotherapy", "Physiotherapy"],
        "setting": ["acute"] * 4,
        "start_date": ["01/09/2025"] * 4, "end_date": ["01/12/2025"] * 4,
        "places": ["x" if bad_places else 4, 3, 2, 1]})
    demand = pd.DataFrame({
        "demand_id": ["D1", "D2", "D3", "D4"], "hei": ["Leeds Uni", "York Uni", "Hull Uni", "Leeds Uni"],
        "profession": ["Adult Nursing", "Adult Nursing", "Physiotherapy", "Physiotherapy"],
        "learners": [4, 5 + extra_learners, 2, 3], "start_date": ["08/09/2025"] * 4, "weeks": [4, 6, 4, 4],
        "latitude": [53.80, 53.96, 53.75, 53.80], "longitude": [-1.55, -1.08, -0.34, -1.55]})
    with pd.ExcelWriter(path) as writer:
        sites.to_excel(writer, sheet_name="Sites", index=False)
        capacity.to_excel(writer, sheet_name="Capacity", index=False)
        demand.to_excel(writer, sheet_name="Demand", index=False)
    return str(path)
