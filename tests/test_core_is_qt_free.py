"""The core and the solver import and run with Qt made unimportable (style.md: enforced, not hoped)."""

import ast
import subprocess
import sys
from pathlib import Path

BLOCK_QT = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'shiboken6', 'pyqtgraph', 'pytestqt'}:
            raise ImportError('Qt is blocked in this test: ' + name)
sys.meta_path.insert(0, Block())
import pkgutil, importlib
import placement_planner
for pkg in ('placement_planner', 'placement_planner.solver'):
    mod = importlib.import_module(pkg)
    for info in pkgutil.walk_packages(mod.__path__, pkg + '.'):
        if info.name.startswith('placement_planner.ui'):
            continue
        importlib.import_module(info.name)
from placement_planner.cli import main
assert main(['validate', sys.argv[1]]) in (0, 1)
print('QT-FREE-OK')
"""


def test_core_imports_and_validates_without_qt(tmp_path):
    from workbooks import minimal_sheets, write_xlsx

    path = write_xlsx(tmp_path / "in.xlsx", minimal_sheets())
    done = subprocess.run([sys.executable, "-c", BLOCK_QT, str(path)], capture_output=True, text=True,
                          timeout=300)
    assert "QT-FREE-OK" in done.stdout, done.stderr[-3000:]


FORBIDDEN = {"PySide6", "shiboken6", "pyqtgraph", "pytestqt"}


def test_no_core_module_mentions_qt_even_inside_functions():
    """Static check of every import statement (lazy ones included) in the Qt-free folders.

    import-linter cannot follow the package-dir mapping (solver/ -> placement_planner.solver),
    so the contract is checked here on the source folders themselves.
    """
    root = Path(__file__).resolve().parents[1]
    offenders = []
    for folder in ("placement_planner", "solver"):
        for path in (root / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for name in names:
                    if name.split(".")[0] in FORBIDDEN or name.startswith("placement_planner.ui"):
                        offenders.append(f"{path.relative_to(root)}:{node.lineno} imports {name}")
    assert not offenders, offenders
