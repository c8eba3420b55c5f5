"""Loading, planning and exporting never modify the input files."""

import hashlib

from placement_planner.io import load_workbooks
from placement_planner.io.export import write_plan_workbook
from placement_planner.solver import solve
from workbooks import minimal_sheets, write_xlsx


def test_input_files_are_never_modified(tmp_path):
    path = write_xlsx(tmp_path / "in.xlsx", minimal_sheets())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    data = load_workbooks([path]).data
    plan = solve(data)
    write_plan_workbook(tmp_path / "out.xlsx", data, plan)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == mtime
    assert plan.learners_placed > 0
