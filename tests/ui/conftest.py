"""UI tests run offscreen, with app settings isolated, and fail if a thread is left running."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QStandardPaths, QThread  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


@pytest.fixture(scope="session")
def qapp_args():
    return ["placement-planner-tests"]


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(qapp, tmp_path_factory):
    QStandardPaths.setTestModeEnabled(True)
    QCoreApplication.setOrganizationName("PlacementPlannerTests")
    QCoreApplication.setApplicationName("ui-tests")
    from placement_planner.ui.app import create_app

    create_app()
    yield


def _running_threads() -> list[str]:
    app = QApplication.instance()
    return [t.objectName() or repr(t) for t in app.findChildren(QThread) if t.isRunning()] if app else []


@pytest.fixture(autouse=True)
def no_thread_left_running(qapp):
    from placement_planner.ui import workers

    before = set(workers.live_threads())
    yield
    left = [t for t in workers.live_threads() if t not in before and t.isRunning()]
    for t in left:   # stop them so one leak does not cascade into later tests
        t.wait(30000)
    assert not left, f"test left {len(left)} worker thread(s) running: {[t.objectName() for t in left]}"
