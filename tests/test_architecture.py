"""The tree keeps the design: the import contracts bite, and no module grows past 500 lines."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "harbour"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=src,
        env={"PYTHONPATH": str(src), "PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package's Python files, to break on purpose."""
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(
        PACKAGE, src / "harbour", ignore=shutil.ignore_patterns("static", "templates", "*.pyc")
    )
    return src


def test_the_tree_as_it_stands_keeps_every_contract(tree_copy: Path) -> None:
    result = _lint(tree_copy)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("people/service.py", "from harbour.web import render", "No web code"),
        ("episodes/grading.py", "from harbour.episodes.routes import common", "No web code"),
        ("risk/models.py", "import fastapi", "No web code"),
        ("people/service.py", "from harbour.network import service", "Floors"),
        ("network/service.py", "from harbour.exploitation import service", "Bigger picture"),
        ("exploitation/service.py", "from harbour.casefile import service", "Bigger picture"),
        ("risk/policy.py", "from harbour.tasks import service", "Casework"),
        ("episodes/records.py", "from harbour.simulate import service", "simulator"),
    ],
)
def test_one_wrong_import_breaks_its_contract(
    tree_copy: Path, tmp_path: Path, module: str, line: str, contract: str
) -> None:
    broken = tmp_path / "src"
    shutil.copytree(tree_copy, broken)
    target = broken / "harbour" / module
    if not target.exists():
        target.write_text('"""A module made for the test."""\n')
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = _lint(broken)
    assert result.returncode == 1, result.stdout
    broken_lines = [row for row in result.stdout.splitlines() if "BROKEN" in row]
    assert any(contract in row for row in broken_lines), result.stdout


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text().splitlines())) > 500
    }
    assert long == {}
