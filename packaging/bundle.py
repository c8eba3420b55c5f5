"""What goes into the one-folder build and what is cut (read by placement-planner.spec).

Plain data and small functions, no PyInstaller import, so tests/test_packaging.py can check
the lists and the pruning rules without building anything.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path, PurePosixPath

# Our import namespace (pyproject's package-dir maps the folders onto it).
OUR_PACKAGES = ["placement_planner", "placement_planner.solver", "placement_planner.ui"]
# Packages whose non-Python files are read at run time.
DATA_PACKAGES = ["placement_planner.resources", "placement_planner.sample_data"]

HIDDEN_IMPORTS = [
    # OR-Tools is imported inside functions: model_builder (solver/engine.py), PDLP
    # (solver/lp_bound.py) and max flow (solver/fair_flow.py, leximin rounds).
    "ortools.linear_solver.python.model_builder",
    "ortools.pdlp.python.pdlp",
    "ortools.pdlp.solvers_pb2",
    "ortools.graph.python.max_flow",
    # The workbook readers and writers.
    "python_calamine",
    "openpyxl",
    "xlsxwriter",
    "defusedxml.ElementTree",
]

# Modules that are never used by the app but that some library imports optionally; leaving
# them out keeps the bundle small (each is a PyInstaller "excludes" entry).
EXCLUDED_MODULES = [
    # Other Qt bindings and the Qt modules the app never uses.
    "PyQt5", "PyQt6", "PySide2", "tkinter", "_tkinter",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel", "PySide6.QtWebSockets", "PySide6.QtQml", "PySide6.QtQuick",
    "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2", "PySide6.Qt3DCore", "PySide6.QtMultimedia",
    "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtCharts", "PySide6.QtDataVisualization",
    "PySide6.QtGraphs", "PySide6.QtDesigner", "PySide6.QtUiTools", "PySide6.QtHelp",
    "PySide6.QtNetwork", "PySide6.QtSql",
    "PySide6.QtTest", "PySide6.QtBluetooth", "PySide6.QtPositioning", "PySide6.QtLocation",
    "PySide6.QtSerialPort", "PySide6.QtTextToSpeech", "PySide6.QtConcurrent", "PySide6.QtDBus",
    # pyqtgraph extras: 3D (PyOpenGL), Jupyter, examples, its own multiprocess, other exporters.
    "pyqtgraph.opengl", "pyqtgraph.jupyter", "pyqtgraph.examples", "OpenGL", "jupyter_rfb",
    "matplotlib", "IPython", "yaml", "sqlite3", "cupy", "numba", "h5py", "colorcet",
    # OR-Tools wrappers the planner does not call (it uses model_builder, PDLP, max flow).
    "ortools.sat", "ortools.constraint_solver", "ortools.math_opt",
    "ortools.routing", "ortools.algorithms", "ortools.graph.python.min_cost_flow",
    "ortools.graph.python.linear_sum_assignment", "ortools.graph.flow_problem_pb2",
    "ortools.scheduling",
    "ortools.set_cover", "ortools.packing", "ortools.service", "ortools.bop",
    "immutabledict",
    # SciPy: the solver uses scipy.sparse (and scipy.linalg under it), nothing else.
    "scipy.optimize", "scipy.special", "scipy.stats", "scipy.interpolate", "scipy.spatial",
    "scipy.fft", "scipy.fftpack", "scipy.integrate", "scipy.signal", "scipy.ndimage", "scipy.io",
    "scipy.cluster", "scipy.odr", "scipy.datasets", "scipy.misc", "scipy.constants",
    "scipy.differentiate",
    # Development tools and optional pandas back ends.
    "pytest", "_pytest", "hypothesis", "pytestqt", "setuptools", "pip", "wheel",
    "sphinx", "docutils", "pyarrow", "sqlalchemy", "psycopg2", "tables", "fsspec", "gcsfs",
    "s3fs", "botocore", "boto3", "bs4", "lxml", "html5lib", "jinja2", "numexpr", "bottleneck",
    "pandas.tests", "numpy.tests", "scipy.tests", "pandas.io.clipboard",
]

# Files cut from the collected binaries and data (destination paths inside the bundle,
# POSIX slashes, fnmatch patterns). Qt: only the plugins a desktop window needs; no
# translations (the app is in English and Qt's own strings are English already).
PRUNE_PATTERNS = [
    "PySide6/Qt/translations/*", "PySide6/translations/*",
    "PySide6/Qt/qml/*", "PySide6/qml/*",
    "*Qt6WebEngine*", "*Qt6Quick*", "*Qt6Qml*", "*Qt6Pdf*", "*Qt6VirtualKeyboard*",
    "*Qt6Designer*", "*Qt6Multimedia*", "*Qt6Charts*", "*Qt6Graphs*", "*Qt6DataVisualization*",
    "*Qt6Sql*", "*Qt6Test*", "*Qt6Network*",
    # Windows: the software OpenGL fallback (20 MB) serves Qt Quick and OpenGL widgets only.
    "*opengl32sw.dll",
    "*/plugins/platforms/*qminimal*", "*/plugins/platforms/*qvnc*", "*/plugins/platforms/*qlinuxfb*",
    "*/plugins/platforms/*qeglfs*", "*/plugins/platforms/*qvkkhrdisplay*",
    "*/plugins/platforms/*qdirect2d*", "*/plugins/egldeviceintegrations/*",
    "*/plugins/generic/*", "*/plugins/networkinformation/*", "*/plugins/tls/*",
    "*/plugins/sqldrivers/*", "*/plugins/multimedia/*", "*/plugins/qmltooling/*",
    "*/plugins/virtualkeyboard/*", "*/plugins/designer/*", "*/plugins/position/*",
    "*/plugins/imageformats/*qtiff*", "*/plugins/imageformats/*qwebp*", "*/plugins/imageformats/*qgif*",
    "*/plugins/imageformats/*qicns*", "*/plugins/imageformats/*qtga*", "*/plugins/imageformats/*qwbmp*",
    "*/plugins/imageformats/*qpdf*",
    "*/plugins/platformthemes/*qgtk3*",
    # Headers, static libraries, type stubs and tests that some wheels carry.
    "*.h", "*.hpp", "*.a", "*.lib", "*.pyi", "*/include/*",
]

# The platform plugins a build must keep (tests/test_packaging.py checks PRUNE_PATTERNS
# never matches them).
REQUIRED_QT_PLUGINS = [
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/plugins/platforms/qwindows.dll",
    "PySide6/plugins/platforms/qoffscreen.dll",
    "PySide6/plugins/styles/qmodernwindowsstyle.dll",
    "PySide6/plugins/imageformats/qico.dll",
    "PySide6/plugins/imageformats/qsvg.dll",
]

# The app icon (resources/icons, rendered from the .svg by scripts/make_icon.py): the .ico goes
# into the .exe and the installer; the .png ships as package data for the window icon.
ICON = "resources/icons/placement-planner.ico"
WINDOW_ICON = "placement_planner/resources/icons/placement-planner.png"

# Documents shipped inside the bundle, next to the package data (source, folder in bundle).
DOCS_FOLDER = "placement_planner/docs"
DOCS = ["user-guide.md", "workbook-format.md", "journeys.md"]


def package_dirs(root: Path) -> dict[str, str]:
    """pyproject.toml's ``package-dir`` map: import name -> folder (relative to the root)."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r"^package-dir\s*=\s*\{(.*)\}\s*$", text, re.MULTILINE)
    if not match:
        raise ValueError("pyproject.toml has no one-line package-dir = { ... } table")
    return dict(re.findall(r'"([\w.]+)"\s*=\s*"([^"]+)"', match.group(1)))


def stage_sources(root: Path, dest: Path) -> Path:
    """Copy the project's folders into ``dest`` laid out as they import (ui/ ->
    placement_planner/ui, ...), so PyInstaller finds them whether the project is installed
    normally, in editable mode (an import hook PyInstaller does not follow) or not at all."""
    import shutil

    if dest.exists():
        shutil.rmtree(dest)
    # Parents before children: placement_planner is copied before placement_planner/ui.
    for name, folder in sorted(package_dirs(root).items(), key=lambda item: item[0].count(".")):
        target = dest.joinpath(*name.split("."))
        shutil.copytree(root / folder, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    return dest


def is_pruned(dest: str) -> bool:
    """Is a file at this destination inside the bundle cut?"""
    name = PurePosixPath(dest.replace("\\", "/")).as_posix()
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in PRUNE_PATTERNS)


def prune(toc):
    """The TOC (a list of (dest, source, kind) tuples) without the pruned entries."""
    return [entry for entry in toc if not is_pruned(entry[0])]


def extra_datas(root: Path) -> list[tuple[Path, str]]:
    """The user guide, the workbook format and the screenshots the guide shows."""
    docs = root / "docs"
    found = [(docs / name, DOCS_FOLDER) for name in DOCS if (docs / name).exists()]
    shots = docs / "screenshots"
    if shots.is_dir():
        found += [(png, f"{DOCS_FOLDER}/screenshots") for png in sorted(shots.glob("*.png"))
                  if "-dark" not in png.stem]
    return found


def project_version(root: Path) -> str:
    """The version in pyproject.toml (no tomllib on Python 3.10)."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not match:
        raise ValueError("pyproject.toml has no version = \"...\" line")
    return match.group(1)


def windows_version_info(version: str) -> str:
    """The Windows version resource (file properties; AppLocker publisher rules read it)."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    numbers += [0] * (4 - len(numbers))
    tup = tuple(numbers)
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={tup}, prodvers={tup}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080904B0', [
      StringStruct('CompanyName', 'NHS Placement Planning'),
      StringStruct('FileDescription', 'Placement Planner'),
      StringStruct('FileVersion', '{version}'),
      StringStruct('InternalName', 'placement-planner'),
      StringStruct('OriginalFilename', 'placement-planner.exe'),
      StringStruct('ProductName', 'Placement Planner'),
      StringStruct('ProductVersion', '{version}')])]),
    VarFileInfo([VarStruct('Translation', [2057, 1200])])
  ]
)
"""
