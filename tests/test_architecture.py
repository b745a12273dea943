"""The architecture holds (docs/architecture.md): the import contracts in pyproject.toml,
a platform-neutral core, and no module reaching into another's private names."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "storage", "adapters", "roundtable")
LINT = Path(sys.executable).with_name("lint-imports")
#: Libraries the core never imports: it is platform-neutral and knows no ORM.
NOT_IN_THE_CORE = {"slack_bolt", "slack_sdk", "discord", "sqlmodel", "sqlalchemy", "aiosqlite",
                   "asyncpg", "aiohttp", "storage", "adapters", "roundtable"}


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every absolute import in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          check=False)


def test_every_import_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_import_that_breaks_the_design_fails_with_the_contracts_name(tmp_path):
    # A copy of the code where the pure counting wing reaches up into polls.
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    tallies = tmp_path / "bot" / "counting" / "tallies.py"
    tallies.write_text(tallies.read_text() + "\nfrom bot.polls import views  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "Counting imports no other wing, and nothing that stores or sends BROKEN" in (
        result.stdout)
    assert "bot.counting.tallies -> bot.polls.views" in result.stdout


def test_the_core_imports_no_platform_library_no_orm_and_no_wiring():
    offenders = [f"{path.relative_to(ROOT)}: {module}"
                 for path in (ROOT / "bot").rglob("*.py")
                 for module, _ in _imports(path) if module.split(".")[0] in NOT_IN_THE_CORE]
    assert offenders == []


def test_no_module_imports_another_modules_private_names():
    offenders = [f"{path.relative_to(ROOT)}: {module}.{name}"
                 for package in PACKAGES for path in (ROOT / package).rglob("*.py")
                 for module, names in _imports(path)
                 for name in names if name.startswith("_") and not name.startswith("__")
                 and (module, name) != ("bot.i18n", "_")]  # gettext's public name
    assert offenders == []


def test_each_wing_says_what_it_is_for_in_one_line():
    wings = [p for p in (ROOT / "bot").iterdir() if (p / "__init__.py").exists()]
    assert len(wings) >= 6
    for wing in wings:
        doc = ast.get_docstring(ast.parse((wing / "__init__.py").read_text()))
        assert doc and "\n" not in doc.strip(), wing.name
