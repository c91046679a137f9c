"""The architecture, enforced: the layers, the types and the size of a module.

docs/architecture.md draws the picture; these tests keep the code to it. Each failure message
is the tool's own report, so it says which import, which line or which module to fix.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "prioritiser"
MAX_MODULE_LINES = 500
# A module over the limit says why at its top, in a comment starting with this marker.
SIZE_MARKER = "# size:"


def _tool(name: str) -> str:
    """The console script of a dev dependency, from the interpreter running the tests."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.fail(
            f"{name} is not installed: it is in the [dev] extra (./scripts/test installs it)"
        )
    return found


def test_every_import_follows_the_pipeline_contracts() -> None:
    # The contracts live in pyproject.toml ([tool.importlinter]): the layers of the pipeline,
    # no cycle between siblings, the checker independent of the model, click only in the CLI,
    # PuLP and HiGHS only in solve, the output formats only in reports.
    result = subprocess.run(
        [_tool("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout


def _mypy_cache() -> str:
    # Under .venv when there is one (kept between runs, ignored by git), else in the temp dir.
    venv = ROOT / ".venv"
    base = venv if venv.is_dir() else Path(tempfile.gettempdir())
    return str(base / "mypy-cache")


def test_the_package_type_checks() -> None:
    # Strict everywhere but the modules pyproject.toml ([tool.mypy]) lists at the default
    # level; every `# type: ignore` carries its error code, and one no longer needed fails.
    from mypy import api

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        stdout, stderr, status = api.run(["--cache-dir", _mypy_cache(), "-p", "prioritiser"])
    finally:
        os.chdir(cwd)
    assert status == 0, stdout + stderr


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_fits_on_a_few_screens_or_says_why(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) <= MAX_MODULE_LINES:
        return
    head = lines[:40]
    reasons = [line for line in head if line.startswith(SIZE_MARKER)]
    assert reasons and len(reasons[0]) > len(SIZE_MARKER) + 20, (
        f"{path.relative_to(ROOT)} has {len(lines)} lines (limit {MAX_MODULE_LINES}): split it "
        f"by concept, or say why it is one module in a '{SIZE_MARKER} ...' comment at its top"
    )


def test_the_package_says_it_is_typed() -> None:
    # PEP 561: tools type-check code that imports prioritiser against our annotations.
    assert (PACKAGE / "py.typed").is_file()
