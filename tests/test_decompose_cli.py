"""`--method`, `--workers` and `--dask-scheduler` on every command that plans (DESIGN.md's
CLI): `--method decompose` decomposes every solve the command makes — the scenarios of
`compare`, the steps of `frontier`, the stability-charged model of `replan` and `track`'s
re-forecast, `explain`'s forced re-solve, the samples of `robustness` — and the same
combinations are usage errors everywhere."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import run_main

from prioritiser.errors import UsageError
from prioritiser.solve import PlanOptions
from prioritiser.solve.cluster import DaskUnavailable, check_scheduler, require_distributed
from prioritiser.solve.decompose import Undecomposable

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "scenario_small"  # 18 systems, 8 quarters: each solve well under a second
EXPLAIN = FIXTURES / "explain-small"
TRACK = FIXTURES / "track-small"
DECOMPOSE = ("--method", "decompose", "--workers", "1")
SOLVE = sys.modules["prioritiser.solve.plan"]  # the package exports a function of that name


@pytest.fixture
def solves(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each solve of the command ran: `decomposed`, `undecomposable` (fell back to the
    whole model), or `whole` (the staged search or branch and bound on the whole model)."""
    ran: list[str] = []
    real = SOLVE.solve_decomposed

    def decomposed(*args: Any, **kwargs: Any) -> Any:
        try:
            result = real(*args, **kwargs)
        except Undecomposable:
            ran.append("undecomposable")
            raise
        ran.append("decomposed")
        return result

    def whole(solver: Callable[..., Any]) -> Callable[..., Any]:
        def solving(*args: Any, **kwargs: Any) -> Any:
            ran.append("whole")
            return solver(*args, **kwargs)

        return solving

    monkeypatch.setattr(SOLVE, "solve_decomposed", decomposed)
    monkeypatch.setattr(SOLVE, "solve_staged", whole(SOLVE.solve_staged))
    monkeypatch.setattr(SOLVE, "solve_highs", whole(SOLVE.solve_highs))
    return ran


def _commands(out: Path, previous: Path) -> dict[str, tuple[list[Any], int]]:
    """Each planning command on a small fixture, with how many solves it makes at least."""
    baseline = TRACK / "baseline.json"
    return {
        "plan": (["plan", SMALL, "-o", out, "--no-levers", "--no-policy-cost"], 1),
        "compare": (["compare", SMALL, "-o", out], 3),  # the baseline and two scenarios
        "frontier": (["frontier", SMALL, "--resource", "capex", "--steps", "3", "-o", out], 3),
        "replan": (["replan", SMALL, "--previous", previous, "--as-of", "2027-Q3", "-o", out], 1),
        "explain": (["explain", EXPLAIN, "reports"], 2),  # the plan and the forced re-solve
        # track's re-forecast is a replan from the period after --as-of
        "track": (["track", TRACK, "--baseline", baseline, "--as-of", "2028-Q1", "-o", out], 1),
    }


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("previous")
    done = run_main("plan", SMALL, "-o", out, "--no-levers", "--no-policy-cost", "--samples", "0")
    assert done.exit_code == 0, done.stderr
    return out / "roadmap.json"


@pytest.mark.parametrize("command", ["plan", "compare", "frontier", "replan", "explain", "track"])
def test_method_decompose_decomposes_every_solve_of_a_planning_command(
    run_cli: Callable[..., Any], tmp_path: Path, previous: Path, solves: list[str], command: str
) -> None:
    args, at_least = _commands(tmp_path / "out", previous)[command]
    done = run_cli(*args, *DECOMPOSE)
    assert done.exit_code == 0, done.stderr
    assert len(solves) >= at_least
    assert set(solves) == {"decomposed"}, solves  # nothing solved whole, nothing fell back


def test_robustness_decomposes_the_baseline_and_every_sample_in_its_worker(
    run_cli: Callable[..., Any], tmp_path: Path, solves: list[str]
) -> None:
    done = run_cli(
        "robustness", SMALL, "--samples", "3", "--workers", "1", "--method", "decompose",
        "-o", tmp_path,
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert solves == ["decomposed"] * 4  # the baseline, then each sample's re-optimisation


def test_a_decomposed_replan_agrees_with_the_whole_model_and_passes_the_check(
    run_cli: Callable[..., Any], tmp_path: Path, previous: Path
) -> None:
    # replan's model carries stability terms and pinned set-ups (not the plain NPV model);
    # with a budget cut and W = 200,000 the stability terms change the answer (without
    # them the best replan is 15,011,423.33, with them 14,974,331.91).
    def replan(method: str) -> dict[str, Any]:
        out = tmp_path / method
        done = run_cli(
            "replan", SMALL, "--previous", previous, "--as-of", "2027-Q3", "-o", out,
            "--scenario", SMALL / "scenarios" / "budget-cut.yaml", "--stability", "200000",
            "--gap", "0", "--method", method, "--workers", "1",
        )  # fmt: skip
        assert done.exit_code == 0, done.stderr
        checked = run_cli(
            "check", SMALL, out / "roadmap.json", "--scenario",
            SMALL / "scenarios" / "budget-cut.yaml", "--scenario", out / "replan-overlay.yaml",
        )  # fmt: skip
        assert checked.exit_code == 0, checked.stdout + checked.stderr
        return json.loads((out / "roadmap.json").read_text(encoding="utf-8"))

    decomposed, whole = replan("decompose"), replan("monolithic")
    assert decomposed["status"] == whole["status"] == "optimal"
    assert decomposed["objective"] == pytest.approx(whole["objective"], abs=0.01)
    assert decomposed["objective"] == pytest.approx(14_974_331.91, abs=0.01)


COMMANDS = {
    "plan": ["plan", SMALL],
    "compare": ["compare", SMALL],
    "frontier": ["frontier", SMALL, "--resource", "capex"],
    "replan": ["replan", SMALL, "--previous", "roadmap.json", "--as-of", "2027-Q3"],
    "explain": ["explain", SMALL, "payments"],
    "track": ["track", TRACK, "--baseline", "baseline.json", "--as-of", "2028-Q1"],
    "robustness": ["robustness", SMALL],
}
PLACED = [name for name in COMMANDS if name != "robustness"]  # robustness places samples


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--method", "decompose", "--deterministic"], "drop one of --deterministic"),
        (["--method", "decompose", "--solver", "cbc"], "HiGHS"),
    ],
)
def test_decompose_with_deterministic_or_another_solver_is_a_usage_error_everywhere(
    run_cli: Callable[..., Any], tmp_path: Path, command: str, flags: list[str], says: str
) -> None:
    output = [] if command == "explain" else ["-o", tmp_path / "out"]
    done = run_cli(*COMMANDS[command], *output, *flags)
    assert done.exit_code == 2, done.stdout + done.stderr
    assert says in done.stderr
    assert not list(tmp_path.iterdir())  # refused before anything was read or written


@pytest.mark.parametrize("command", PLACED)
def test_dask_scheduler_without_the_distributed_extra_is_a_usage_error(
    run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    done = run_cli(*COMMANDS[command], "--dask-scheduler", "tcp://127.0.0.1:1")
    assert done.exit_code == 2, done.stdout + done.stderr
    assert "needs the `distributed` extra" in done.stderr


def test_robustness_dask_scheduler_without_the_extra_says_the_same(
    run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    done = run_cli("robustness", SMALL, "--dask-scheduler", "tcp://127.0.0.1:1", "-o", tmp_path)
    assert done.exit_code == 2
    assert "needs the `distributed` extra" in done.stderr


def test_an_unreachable_scheduler_reads_the_same_for_subproblems_and_samples(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    address = "tcp://127.0.0.1:1"  # nothing listens on port 1: refused at once
    plan = run_cli(
        "plan", SMALL, "-o", tmp_path / "p", "--dask-scheduler", address,
        "--no-levers", "--no-policy-cost", "--samples", "0",
    )  # fmt: skip
    samples = run_cli("robustness", SMALL, "--dask-scheduler", address, "-o", tmp_path / "r")
    for done in (plan, samples):
        assert done.exit_code == 1, done.stderr
        assert f"cannot use the Dask scheduler {address}: nothing answers there" in done.stderr


def test_the_scheduler_check_is_one_helper_with_one_usage_error() -> None:
    assert issubclass(DaskUnavailable, UsageError)
    with pytest.raises(UsageError, match="is not a scheduler address"):
        check_scheduler("localhost:8786")
    SOLVE.check_method(PlanOptions(dask_scheduler="tcp://h:1"))  # installed here: no error
    require_distributed()


@pytest.mark.parametrize("command", PLACED)
def test_every_planning_command_offers_the_method_and_where_subproblems_run(
    run_cli: Callable[..., Any], command: str
) -> None:
    text = " ".join(run_cli(COMMANDS[command][0], "--help").stdout.split())
    assert "--method [auto|monolithic|decompose]" in text
    assert "--workers INTEGER RANGE Decomposition: local worker processes" in text
    assert "--dask-scheduler ADDR Decomposition:" in text
    assert "--deterministic" in text


def test_robustness_offers_the_method_and_keeps_workers_for_its_samples(
    run_cli: Callable[..., Any],
) -> None:
    text = " ".join(run_cli("robustness", "--help").stdout.split())
    assert "--method [auto|monolithic|decompose]" in text
    assert "decomposes in the worker running it" in text
    assert "--workers INTEGER RANGE Local worker processes for the samples" in text
    assert "Run the samples on this dask.distributed scheduler" in text
