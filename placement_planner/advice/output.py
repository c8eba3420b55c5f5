"""Write the advice workbook (the plan's sheets, Unplaced with fixes, Advice, Advice package,
Smoothing) and the JSON, each atomically, through the export module's writer."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import xlsxwriter

from placement_planner.advice.tables import advice_frame, advice_json, package_frame, unplaced_with_fixes
from placement_planner.analysis import plan_report
from placement_planner.io import export


def _writer_parts():
    """The export module's table writer and atomic save (public names, else the older private ones)."""
    writer = getattr(export, "TableWriter", None) or getattr(export, "_Writer")
    atomic = getattr(export, "atomic_write", None) or getattr(export, "_atomic_write")
    return writer, atomic


def advice_report(data, advice):
    """The plan's tables for the baseline plan, Unplaced with the fix columns."""
    report = plan_report(data, advice.baseline.plan)
    report.unplaced = unplaced_with_fixes(report.unplaced, advice)
    return report


def write_advice_workbook(path, data, advice, report=None) -> Path:
    path = Path(path)
    report = report or advice_report(data, advice)
    writer_cls, atomic = _writer_parts()

    def build(tmp: str) -> None:
        book = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "nan_inf_to_errors": False})
        try:
            writer = writer_cls(book, None)
            money = book.add_format({"num_format": "£#,##0.00"})
            sheets = [("Advice", advice_frame(data, advice),
                       {"formats": {"cost": money, "cost_per_extra_learner": money, "tariff_per_week": money}}),
                      ("Advice package", package_frame(advice), {"formats": {"cumulative_cost": money}})]
            if advice.smoothing is not None:
                sheets.append(("Smoothing", advice.smoothing, {}))
            if "extra" in inspect.signature(writer.write_all).parameters:
                writer.write_all(data, report, extra=sheets)   # after Utilisation, described in About
            else:
                writer.write_all(data, report)
                for name, frame, options in sheets:
                    writer.sheet(name, frame, **options)
            if advice.smoothing is not None:
                _smoothing_chart(book, book.get_worksheet_by_name("Smoothing"), advice.smoothing)
        finally:
            book.close()

    atomic(path, build)
    return path


def _smoothing_chart(book, ws, table) -> None:
    """Extra learners placed with 1, 2 and 4 weeks of flex, per profession x region."""
    n = len(table)
    if not n or ws is None:
        return
    cols = list(table.columns)
    chart = book.add_chart({"type": "bar"})
    for f in ("extra_placed_flex_1", "extra_placed_flex_2", "extra_placed_flex_4"):
        c = cols.index(f)
        chart.add_series({"name": ["Smoothing", 0, c], "categories": ["Smoothing", 1, 0, n, 1],
                          "values": ["Smoothing", 1, c, n, c]})
    chart.set_title({"name": "More learners placed if starts may move (weeks of flex)"})
    chart.set_x_axis({"name": "extra learners placed"})
    chart.set_size({"width": 720, "height": max(300, 18 * n)})
    ws.insert_chart(1, len(cols) + 1, chart)


def write_advice_json(path, data, advice, report=None) -> Path:
    report = report or advice_report(data, advice)
    unplaced = report.unplaced if advice.fixes_run else None
    text = json.dumps(advice_json(data, advice, unplaced), indent=2, ensure_ascii=False) + "\n"
    _, atomic = _writer_parts()

    def build(tmp: str) -> None:
        Path(tmp).write_text(text, encoding="utf-8")

    path = Path(path)
    atomic(path, build)
    return path
