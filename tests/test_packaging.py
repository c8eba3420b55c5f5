"""The one-folder build's cheap parts: what the spec keeps and cuts, the staged sources, the
build script's arguments and checks, where the user guide and user data are found.

The build itself and the frozen smoke test run in .ci/run (packaging/build.py, smoke.py).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

import build  # noqa: E402
import bundle  # noqa: E402

try:
    import tomllib
except ModuleNotFoundError:   # Python 3.10
    from pip._vendor import tomli as tomllib


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


# ---- what goes in ---------------------------------------------------------------------------
def test_package_dirs_read_from_pyproject_match_the_toml_parser():
    assert bundle.package_dirs(ROOT) == pyproject()["tool"]["setuptools"]["package-dir"]


def test_staged_sources_are_laid_out_as_they_import(tmp_path):
    staged = bundle.stage_sources(ROOT, tmp_path / "src")
    assert (staged / "placement_planner" / "cli.py").is_file()
    assert (staged / "placement_planner" / "ui" / "app.py").is_file()
    assert (staged / "placement_planner" / "solver" / "lp_bound.py").is_file()
    assert (staged / "placement_planner" / "sample_data" / "demo_supply.xlsx").is_file()
    assert (staged / "placement_planner" / "resources" / "reference" / "ATTRIBUTION.md").is_file()
    assert not list(staged.rglob("__pycache__"))
    # Every package pyproject installs is importable from the staged copy.
    for name in pyproject()["tool"]["setuptools"]["packages"]:
        assert staged.joinpath(*name.split(".")).is_dir(), name
    # Staging again replaces the old copy (a file removed from the project does not linger).
    (staged / "placement_planner" / "stale.py").write_text("x = 1\n")
    bundle.stage_sources(ROOT, tmp_path / "src")
    assert not (staged / "placement_planner" / "stale.py").exists()


def test_data_packages_and_our_packages_are_in_pyproject():
    packages = pyproject()["tool"]["setuptools"]["packages"]
    for name in bundle.OUR_PACKAGES + bundle.DATA_PACKAGES:
        assert name in packages


def test_user_guide_and_every_image_it_shows_are_shipped():
    shipped = {(src.name, dest) for src, dest in bundle.extra_datas(ROOT)}
    assert ("user-guide.md", bundle.DOCS_FOLDER) in shipped
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", guide)
    assert images, "the guide shows screenshots"
    for image in images:
        path = Path(image)
        assert (ROOT / "docs" / path).is_file(), image
        assert (path.name, f"{bundle.DOCS_FOLDER}/{path.parent.as_posix()}") in shipped, image
    # The same files ship with pip (package data of placement_planner.docs).
    patterns = pyproject()["tool"]["setuptools"]["package-data"]["placement_planner.docs"]
    assert "user-guide.md" in patterns and "screenshots/*.png" in patterns


# ---- what is cut ----------------------------------------------------------------------------
@pytest.mark.parametrize("dest", [
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/translations/qtbase_fr.qm",
    "PySide6/Qt/qml/QtQuick/Controls/libqtquickcontrols2plugin.so",
    "PySide6/Qt/lib/libQt6WebEngineCore.so.6",
    "PySide6/Qt6Quick.dll",
    "PySide6/Qt/lib/libQt6Qml.so.6",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/plugins/platforms/qminimal.dll",
    "PySide6/Qt/plugins/imageformats/libqtiff.so",
    "PySide6\\plugins\\sqldrivers\\qsqlite.dll",
    "PySide6/opengl32sw.dll",
])
def test_unused_qt_parts_are_cut(dest):
    assert bundle.is_pruned(dest)


@pytest.mark.parametrize("dest", bundle.REQUIRED_QT_PLUGINS + [
    "PySide6/Qt/lib/libQt6Widgets.so.6",
    "PySide6/Qt/lib/libQt6OpenGL.so.6",          # pyqtgraph imports QtOpenGL
    "PySide6/Qt6Gui.dll",
    "PySide6/Qt6OpenGL.dll",
    "ortools/.libs/libortools.so.9",
    "ortools/linear_solver/python/model_builder_helper.cpython-311-x86_64-linux-gnu.so",
    "google/protobuf/descriptor.py",
    "placement_planner/sample_data/demo_supply.xlsx",
    "placement_planner/resources/reference/gp_practices.csv",
    "placement_planner/docs/user-guide.md",
])
def test_what_the_app_needs_is_kept(dest):
    assert not bundle.is_pruned(dest)


def test_prune_filters_a_toc():
    toc = [("PySide6/Qt/translations/qt_de.qm", "/x/qt_de.qm", "DATA"),
           ("placement_planner/sample_data/demo_demand.xlsx", "/x/demo_demand.xlsx", "DATA")]
    assert bundle.prune(toc) == toc[1:]


def imported_modules() -> set[str]:
    """Every absolute module our code imports (import statements and import_module calls)."""
    names = set()
    for folder in ("placement_planner", "solver", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module)
    return names


def test_no_module_our_code_imports_is_excluded():
    def excluded(name: str) -> bool:
        return any(name == e or name.startswith(e + ".") for e in bundle.EXCLUDED_MODULES)

    used = imported_modules() | set(bundle.HIDDEN_IMPORTS)
    assert "ortools.linear_solver.python.model_builder" in used
    assert not sorted(n for n in used if excluded(n))


def test_app_libraries_import_with_the_excluded_modules_blocked():
    """In a child with every excluded module made unimportable (as in the bundle), the
    app's windows, the charts (pyqtgraph needs QtOpenGL) and OR-Tools' PDLP still import."""
    code = textwrap.dedent(f"""
        import importlib, importlib.abc, pkgutil, sys
        BLOCKED = {bundle.EXCLUDED_MODULES!r}
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if any(name == b or name.startswith(b + ".") for b in BLOCKED):
                    raise ModuleNotFoundError(f"No module named {{name!r}} (excluded)")
                return None
        sys.meta_path.insert(0, Block())
        import pyqtgraph
        from ortools.linear_solver.python import model_builder
        model_builder.Solver("pdlp")
        from ortools.pdlp.python import pdlp
        from ortools.pdlp import solvers_pb2
        import placement_planner.cli, placement_planner.ui.main_window, placement_planner.ui.plan_child
        for package in ("placement_planner", "placement_planner.solver", "placement_planner.ui"):
            module = importlib.import_module(package)
            for info in pkgutil.walk_packages(module.__path__, package + "."):
                importlib.import_module(info.name)
        print("imported")
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "imported" in done.stdout


# ---- the build script -----------------------------------------------------------------------
def test_build_arguments_defaults_and_errors(capsys):
    args = build.parse_args([])
    assert args.dist == ROOT / "dist" and args.work == ROOT / "build" / "pyinstaller"
    assert args.max_size_mb == 450.0 and args.timeout > 0
    args = build.parse_args(["--dist", "out", "--timeout", "90", "--max-size-mb", "300"])
    assert args.dist == Path("out").resolve() and args.timeout == 90.0 and args.max_size_mb == 300.0
    for bad in (["--timeout", "0"], ["--timeout", "soon"], ["--max-size-mb", "-5"],
                ["--dist", str(ROOT)], ["--work", str(ROOT.parent)], ["--log-level", "LOUD"]):
        with pytest.raises(SystemExit) as exit_info:
            build.parse_args(bad)
        assert exit_info.value.code == 2
    assert "would delete the project" in capsys.readouterr().err


def test_build_refuses_to_start_without_pyinstaller(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "PyInstaller" else real(name, *a))
    assert build.main(["--dist", "unused-dist"]) == 2
    assert 'python -m pip install ".[build]"' in capsys.readouterr().err
    assert not Path("unused-dist").exists()


def fake_bundle(folder: Path, windows: bool) -> Path:
    internal = folder / "_internal"
    files = [folder / build.executable_name(windows),
             internal / "placement_planner/sample_data/demo_supply.xlsx",
             internal / "placement_planner/sample_data/demo_demand.xlsx",
             internal / "placement_planner/resources/reference/ATTRIBUTION.md",
             internal / bundle.DOCS_FOLDER / "user-guide.md",
             internal / bundle.WINDOW_ICON,
             internal / "ortools/linear_solver/python/model_builder_helper.so"]
    if windows:
        files.append(folder / "placement-planner-cli.exe")
    for f in files:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"x")
    return folder


@pytest.mark.parametrize("windows", [False, True])
def test_check_bundle_reports_missing_and_uncut_files(tmp_path, windows):
    folder = fake_bundle(tmp_path / "placement-planner", windows)
    assert build.check_bundle(folder, windows) == []
    (folder / "_internal" / bundle.DOCS_FOLDER / "user-guide.md").unlink()
    qm = folder / "_internal" / "PySide6" / "Qt" / "translations" / "qtbase_de.qm"
    qm.parent.mkdir(parents=True)
    qm.write_bytes(b"x")
    problems = build.check_bundle(folder, windows)
    assert "missing: " + str(Path("_internal", bundle.DOCS_FOLDER, "user-guide.md")) in problems
    assert any(p.startswith("should have been cut:") and "qtbase_de.qm" in p for p in problems)
    assert build.executable_name(windows) == ("placement-planner.exe" if windows else "placement-planner")


def test_windows_version_resource_carries_the_project_version():
    version = bundle.project_version(ROOT)
    assert version == pyproject()["project"]["version"]
    text = bundle.windows_version_info("1.2")
    # PyInstaller evaluates the text with its version-resource classes; evaluate it with
    # stand-ins that record their arguments (pefile, which the real ones need, is Windows-only).
    def record(kind):
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct"]
    info = eval(text, {"__builtins__": {}}, {n: record(n) for n in names})
    assert info[0] == "VSVersionInfo"
    assert info[2]["ffi"][2]["filevers"] == (1, 2, 0, 0)
    table = info[2]["kids"][0][1][0][0]          # StringFileInfo([StringTable(lang, [...])])
    strings = dict(entry[1] for entry in table[1][1])
    assert strings["ProductVersion"] == "1.2" and strings["OriginalFilename"] == "placement-planner.exe"


def test_launcher_runs_the_cli():
    done = subprocess.run([sys.executable, str(PACKAGING / "launcher.py"), "--version"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("placement-planner ")


# ---- installer, workflow --------------------------------------------------------------------
def test_installer_is_per_user_with_shortcut_and_file_association():
    iss = (PACKAGING / "placement-planner.iss").read_text(encoding="utf-8")
    assert re.search(r"^PrivilegesRequired=lowest$", iss, re.MULTILINE)
    assert r"..\dist\placement-planner\*" in iss
    assert "{autoprograms}" in iss                    # Start-menu shortcut
    # The file association: HKA is the current user's registry in a per-user install.
    assert re.search(r'^Root: HKA; Subkey: "Software\\Classes\\\.xlsx\\OpenWithProgids"', iss, re.MULTILINE)
    assert '"%1"' in iss


def test_the_app_icon_is_in_the_exe_the_installer_and_the_package():
    ico = ROOT / bundle.ICON
    header = ico.read_bytes()[:6]
    assert header[:4] == b"\x00\x00\x01\x00" and int.from_bytes(header[4:6], "little") >= 4   # multi-size .ico
    spec = (PACKAGING / "placement-planner.spec").read_text(encoding="utf-8")
    assert "icon=icon" in spec and "bundle.ICON" in spec
    iss = (PACKAGING / "placement-planner.iss").read_text(encoding="utf-8")
    setup_icon = re.search(r"^SetupIconFile=(.+)$", iss, re.MULTILINE)
    assert setup_icon, "the installer has the app icon"
    assert (PACKAGING / setup_icon.group(1).strip().replace("\\", "/")).resolve() == ico.resolve()
    assert re.search(r"^UninstallDisplayIcon=\{app\}\\\{#AppExe\}$", iss, re.MULTILINE)
    # The window icon ships with pip and in the bundle (package data under resources/icons).
    assert "icons/*" in pyproject()["tool"]["setuptools"]["package-data"]["placement_planner.resources"]
    staged = bundle.package_dirs(ROOT)["placement_planner.resources"]
    assert (ROOT / staged / "icons" / "placement-planner.png").is_file()
    assert (ROOT / "resources" / "icons" / "placement-planner.svg").is_file()
    assert not bundle.is_pruned(bundle.WINDOW_ICON)


def test_windows_workflow_builds_the_same_spec():
    workflow = (ROOT / ".github" / "workflows" / "windows-build.yml").read_text(encoding="utf-8")
    assert "windows-" in workflow
    assert 'pip install ".[build]"' in workflow and "packaging/build.py" in workflow
    assert "packaging/smoke.py" in workflow and "placement-planner.iss" in workflow


# ---- where the app finds the guide (ui/help.py's doc_path) ---------------------------------
def test_user_guide_found_from_source():
    from placement_planner.ui.help import doc_path

    path = doc_path("user-guide.md")
    assert path == ROOT / "docs" / "user-guide.md"
    assert path.read_text(encoding="utf-8").startswith("# ")


def test_user_guide_found_where_the_bundle_and_pip_put_it(tmp_path, monkeypatch):
    """Frozen (and pip-installed), placement_planner/ui/help.pyc sits beside
    placement_planner/docs/: the folder the spec (bundle.DOCS_FOLDER) and pyproject's package
    data put the guide in."""
    from placement_planner.ui import help as help_module

    guide = tmp_path / bundle.DOCS_FOLDER / "user-guide.md"
    guide.parent.mkdir(parents=True)
    guide.write_text("# Guide\n", encoding="utf-8")
    monkeypatch.setattr(help_module, "__file__", str(tmp_path / "placement_planner" / "ui" / "help.pyc"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert help_module.doc_path("user-guide.md") == guide


def test_user_data_goes_to_local_appdata_on_windows(monkeypatch, tmp_path):
    from placement_planner import logs

    monkeypatch.delenv("PLACEMENT_PLANNER_DATA", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert logs.user_data_dir() == tmp_path / "Local" / "PlacementPlanner"
    monkeypatch.setenv("PLACEMENT_PLANNER_DATA", str(tmp_path / "managed"))
    assert logs.user_data_dir() == tmp_path / "managed"


def test_help_shows_the_shipped_guide_with_its_screenshots(qtbot):
    """Help > User guide renders the guide that ships, and its relative image links load."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    from placement_planner.ui.help import TextDialog, doc_path

    path = doc_path("user-guide.md")
    dialog = TextDialog("User guide", path.read_text(encoding="utf-8"), base=path.parent)
    qtbot.addWidget(dialog)
    image = re.search(r"!\[[^\]]*\]\(([^)\s]+)\)", path.read_text(encoding="utf-8")).group(1)
    data = dialog.browser.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(image))
    assert data is not None and len(data) > 1000
    assert "Open your spreadsheets" in dialog.browser.toPlainText()
