"""Guard against Qt bindings that leak references to None (PySide6 6.12.0 on Python 3.11).

Such a build aborts the app with "Fatal Python error: none_dealloc" after some thousands of
ordinary calls; pyproject.toml excludes it and this test catches any build that does it.
"""

import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel


def test_void_calls_keep_none_alive(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        QCoreApplication.processEvents()
    assert sys.getrefcount(None) - before > -100
