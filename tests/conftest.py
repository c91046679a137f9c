"""Shared fixtures: write small inventories into a folder, and run the CLI.

- `write_inventory(tmp_path, portfolio=..., systems=..., platforms=..., scenarios=...)`
  writes an inventory folder and returns its path. Each part is either plain data (dumped
  as YAML) or YAML text (written verbatim, so a test controls the line numbers). `systems`
  may also be a mapping of file name to data/text for several systems files.
- `runner`: a click `CliRunner` (stdout and stderr kept apart) for `prioritiser.cli.cli`.
- `run_cli("validate", path)`: runs the real entry point `prioritiser.cli.main` — the one
  error path with exit codes — and returns a `CliResult(exit_code, stdout, stderr)`.
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

MINIMAL_PORTFOLIO: dict[str, Any] = {
    "portfolio": {"name": "Test estate", "start": "2027-Q1", "periods": 8},
    "resources": {
        "capex": {"unit": "GBP", "per_period": 1_000_000},
        "engineers": {"unit": "FTE", "per_period": 10},
    },
}

MINIMAL_SYSTEMS: list[dict[str, Any]] = [
    {
        "id": "identity",
        "name": "Identity",
        "options": [{"id": "replatform", "kind": "replatform", "duration": 2, "cost": 100_000}],
    },
    {
        "id": "payments",
        "name": "Payments",
        "depends_on": [{"system": "identity", "constraint": "after"}],
        "options": [{"id": "replace", "kind": "replace", "duration": 3, "cost": 500_000}],
    },
]


def _write(path: Path, content: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
    path.write_text(text, encoding="utf-8")


def write_inventory(
    root: Path,
    portfolio: Any = None,
    systems: Any = None,
    platforms: Any = None,
    scenarios: dict[str, Any] | None = None,
) -> Path:
    """Write an inventory under `root` (defaults: a minimal valid estate) and return `root`."""
    _write(root / "portfolio.yaml", MINIMAL_PORTFOLIO if portfolio is None else portfolio)
    systems = MINIMAL_SYSTEMS if systems is None else systems
    files = systems if isinstance(systems, dict) and "systems" not in systems else None
    for name, content in (files or {"systems.yaml": systems}).items():
        if isinstance(content, list):
            content = {"systems": content}
        _write(root / "systems" / name, content)
    if platforms is not None:
        _write(
            root / "platforms.yaml",
            {"platforms": platforms} if isinstance(platforms, list) else platforms,
        )
    for name, content in (scenarios or {}).items():
        _write(root / "scenarios" / name, content)
    return root


@pytest.fixture(name="write_inventory")
def write_inventory_fixture() -> Callable[..., Path]:
    return write_inventory


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_main(*args: str | Path) -> CliResult:
    """Run `prioritiser ARGS...` through `prioritiser.cli.main` inside click's isolation."""
    from prioritiser.cli import main

    isolation = CliRunner().isolation()
    with isolation as (out, err, _):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return CliResult(code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture
def run_cli() -> Callable[..., CliResult]:
    """`run_main` as a fixture."""
    return run_main


# --- the order files are handed to the workers ---------------------------------------------

# scripts/test hands whole files to its workers in collection order (`--dist loadfile
# --no-loadscope-reorder`). The longest files start first, so the short ones fill in at the
# end and both workers finish together; xdist's own order (most tests first) started the
# longest last, and the board pack's file alone was the tail of the run. Measured on CI
# settings (`CI=true`): seconds of one file in one worker, longest first.
LONGEST_FIRST = (
    "test_boardpack_demo.py",  # ~130 s of CPU: the demo's board pack and its re-solves
    "test_reliability.py",
    "test_model_staged.py",
    "test_architecture.py",  # mypy, without a cache on a fresh clone
    "test_model_formulation.py",
    "test_robustness.py",
    "test_import_roundtrip.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: files keep order


# --- the demo's board pack, planned once per test session --------------------------------


@dataclass(frozen=True)
class DemoBoard:
    """The bundled demo planned as `plan` plans it, its board-pack evidence, and the output
    folder written from them."""

    inventory: Any
    roadmap: Any
    evidence: Any
    folder: Path


@pytest.fixture(scope="session")
def demo_board(tmp_path_factory: pytest.TempPathFactory) -> DemoBoard:
    """About twenty proven re-solves (levers, the largest risk left): the slow part of the
    board-pack tests, shared by all of them.

    scripts/test spreads the suite over xdist workers, each with its own session: the first
    worker to get here builds the pack into the run's shared temporary folder, under a lock,
    and pickles it there; the others wait on the lock and read it, so it is built once."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return _build_demo_board(tmp_path_factory.mktemp("demo-board"))
    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every worker
    with (shared / "demo-board.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        saved = shared / "demo-board.pickle"
        if saved.exists():
            board: DemoBoard = pickle.loads(saved.read_bytes())
            return board
        folder = shared / "demo-board"
        folder.mkdir()
        board = _build_demo_board(folder)
        saved.write_bytes(pickle.dumps(board))
        return board


def _build_demo_board(folder: Path) -> DemoBoard:
    from prioritiser.inventory import load_inventory
    from prioritiser.reports import write_reports
    from prioritiser.scenarios.pack import PackOptions, board_evidence
    from prioritiser.solve import PlanOptions, plan

    demo = Path(__file__).resolve().parent.parent / "inventories" / "demo"
    inventory = load_inventory(demo)
    roadmap = plan(inventory, PlanOptions())
    evidence = board_evidence(inventory, roadmap, PlanOptions(), PackOptions(workers=2))
    write_reports(folder, inventory, roadmap, {}, evidence=evidence)
    return DemoBoard(inventory, roadmap, evidence, folder)
