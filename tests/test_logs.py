"""Logs hold counts and timings, never the learner or site data that was loaded."""

import logging

from placement_planner.cli import main
from placement_planner.logs import get_logger, setup_logging, user_data_dir
from workbooks import minimal_sheets, write_xlsx


def test_log_file_is_written_without_input_values(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACEMENT_PLANNER_DATA", str(tmp_path / "data"))
    sheets = minimal_sheets()
    sheets["Demand"][1][0] = "SECRET-GROUP-42"
    sheets["Demand"][1][1] = "Confidential University"
    sheets["Sites"][1][1] = "Hidden Ward 7"
    sheets["Demand"][2][3] = -5                    # an error whose value must not be logged either
    path = write_xlsx(tmp_path / "in.xlsx", sheets)
    assert main(["validate", str(path)]) == 1
    for handler in get_logger().handlers:
        handler.flush()
    log = (user_data_dir() / "logs" / "planner.log").read_text(encoding="utf-8")
    assert "loaded 1 file(s)" in log and "Demand rows" in log
    for secret in ("SECRET-GROUP-42", "Confidential University", "Hidden Ward 7", "Middlesex", "-5", "in.xlsx"):
        assert secret not in log


def test_logs_rotate(tmp_path):
    path = setup_logging(tmp_path / "logs", max_bytes=2_000, backups=2)
    logger = get_logger()
    for i in range(200):
        logger.info("planned %d groups in %.2f s", i, 0.5)
    for handler in logger.handlers:
        handler.flush()
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["planner.log", "planner.log.1", "planner.log.2"]
    assert all(p.stat().st_size <= 2_500 for p in path.parent.iterdir())
    for handler in list(logger.handlers):
        if isinstance(handler, logging.FileHandler):
            logger.removeHandler(handler)
            handler.close()
