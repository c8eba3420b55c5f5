"""UI tests run offscreen, with app settings isolated, and fail if a worker thread is left running."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QStandardPaths  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(qapp):
    QStandardPaths.setTestModeEnabled(True)   # QSettings / autosave go to a test location
    QCoreApplication.setOrganizationName("PlacementPlannerTests")
    QCoreApplication.setApplicationName("ui-tests")
    from placement_planner.ui.app import create_app

    create_app()
    yield


@pytest.fixture(autouse=True)
def no_thread_left_running(qapp):
    from placement_planner.ui import workers

    before = set(workers.live_threads())
    yield
    left = [t for t in workers.live_threads() if t not in before]
    for t in left:   # stop them so one leak does not cascade into later tests
        t.wait(60000)
    assert not left, f"test left worker thread(s) running: {[t.objectName() for t in left]}"


@pytest.fixture
def window(qtbot):
    from placement_planner.ui.main_window import MainWindow

    w = MainWindow()
    w.show()
    yield w
    w.project.mark_saved()   # no "save changes?" prompt on closing
    w.close()                # cancels and waits for every worker
    w.deleteLater()


@pytest.fixture(scope="session")
def region_workbook(tmp_path_factory):
    from placement_planner.generate import generate_workbook

    path = tmp_path_factory.mktemp("region") / "region.xlsx"
    generate_workbook("region", 3, path)
    return str(path)


@pytest.fixture(scope="session")
def trust_workbook(tmp_path_factory):
    """The generated trust case: 2,000 nursing learners on 4-placement journeys, 150 wards."""
    from placement_planner.generate import generate_workbook

    path = tmp_path_factory.mktemp("trust") / "trust.xlsx"
    generate_workbook("trust", 1, path)
    return str(path)


def open_and_wait(qtbot, window, paths):
    with qtbot.waitSignal(window.project.loaded, timeout=60000):
        window.open_files([str(p) for p in paths])


def plan_and_wait(qtbot, window, timeout=120000):
    with qtbot.waitSignal(window.project.plan_changed, timeout=timeout,
                          check_params_cb=lambda: window.project.results is not None and not window.project.planning):
        window.project.plan()
    qtbot.waitUntil(lambda: not window.project.running_tasks(), timeout=timeout)


@pytest.fixture(autouse=True)
def no_unexpected_message_box(monkeypatch):
    """A warning box would block a headless test forever: record it and fail the test instead."""
    from PySide6.QtWidgets import QMessageBox

    shown = []

    def record(parent, title, text, *args, **kwargs):
        shown.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "critical", record)
    yield shown
    assert not shown, f"the app showed a warning box: {shown}"
