"""One error hierarchy, caught once at the CLI's edge: each failure exits with its DESIGN.md
code, and anything else is an internal error — never a usage error."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from prioritiser import errors, inventory
from prioritiser.cli import PrioritiserGroup, cli
from prioritiser.errors import (
    CheckFailed,
    Infeasible,
    Interrupted,
    InventoryError,
    Location,
    NoSolution,
    OutputError,
    PrioritiserError,
    Problem,
    UsageError,
)

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "scenario_small"


def run_raising(error: BaseException) -> tuple[int, str]:
    """Exit code and stderr of a command that raises `error`, under the real error path."""

    @click.group(cls=PrioritiserGroup)
    def group() -> None:
        pass

    @group.command()
    def fail() -> None:
        raise error

    result = CliRunner().invoke(group, ["fail"], obj={})
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (PrioritiserError("it failed"), 1),
        (UsageError("--steps must be at least 1"), 2),
        (InventoryError([Problem("bad")]), 3),
        (Infeasible("infeasible: no roadmap satisfies every rule"), 4),
        (NoSolution("no feasible roadmap found within the time limit"), 5),
        (CheckFailed("the roadmap failed the independent check"), 1),
        (OutputError("cannot write out/"), 1),
        (Interrupted("nothing written"), 130),
    ],
)
def test_each_failure_exits_with_its_design_code(error: PrioritiserError, code: int) -> None:
    assert error.exit_code == code
    assert run_raising(error)[0] == code


def test_a_failure_shows_its_details_then_one_line() -> None:
    error = CheckFailed("roadmap r.json is not feasible", details=["rule 3: capex", "rule 4: x"])
    code, stderr = run_raising(error)
    assert code == 1
    assert stderr.splitlines() == [
        "rule 3: capex",
        "rule 4: x",
        "error: roadmap r.json is not feasible",
    ]


def test_an_interrupt_is_not_called_an_error() -> None:
    assert run_raising(Interrupted("nothing written"))[1] == "interrupted: nothing written\n"
    assert run_raising(KeyboardInterrupt()) == (130, "interrupted\n")


def test_an_invalid_inventory_shows_every_problem_then_the_count() -> None:
    problems = [
        Problem("unknown key", Location("systems/b.yaml", 9), "systems[0].colour"),
        Problem("odd", Location("portfolio.yaml", 2), severity="warning"),
        Problem("must be at least 1", Location("systems/a.yaml", 4), "systems[1].duration"),
    ]
    code, stderr = run_raising(InventoryError(problems))
    assert code == 3
    assert stderr.splitlines() == [
        "systems/a.yaml:4: systems[1].duration: must be at least 1",
        "systems/b.yaml:9: systems[0].colour: unknown key",
        "portfolio.yaml:2: warning: odd",
        "2 errors, 1 warning",
    ]


def test_an_inventory_error_without_problems_says_what_is_wrong() -> None:
    error = InventoryError([], "nothing to import: no systems found in cmdb.csv")
    assert run_raising(error) == (3, "error: nothing to import: no systems found in cmdb.csv\n")


def test_an_invalid_import_shows_its_problems_then_what_could_not_be_done() -> None:
    from prioritiser.inventory.importers import ImportInvalid

    problem = Problem("unknown key 'sytems'", Location("overrides/bad.yaml", 4))
    code, stderr = run_raising(ImportInvalid("the overrides are not valid", [problem]))
    assert code == 3
    assert stderr.splitlines() == [
        "overrides/bad.yaml:4: unknown key 'sytems'",
        "1 error",
        "error: the overrides are not valid",
    ]


def test_a_value_error_from_a_bug_is_an_internal_error_not_a_usage_error(
    run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*args: object) -> list[float]:
        raise ValueError("a bug")

    monkeypatch.setattr("prioritiser.scenarios.frontier.frontier_scales", broken)
    result = run_cli("frontier", SMALL, "--resource", "capex", "-o", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "internal error: ValueError: a bug (rerun with --debug for the traceback)"
    ]


def test_a_bad_argument_checked_by_a_stage_is_still_a_usage_error(run_cli, tmp_path) -> None:
    result = run_cli(
        "frontier", SMALL, "--resource", "capex", "--from", "1.5", "--to", "0.5", "--steps", "3",
        "-o", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == "error: --from (1.5) must be below --to (0.5) for more than one step\n"


def test_every_failure_survives_the_trip_from_a_worker_process() -> None:
    from prioritiser.inventory.writer import InventoryExistsError
    from prioritiser.scenarios.replan import ReplanConflict
    from prioritiser.scenarios.variants import RoadmapCheckFailed

    for error in (
        InventoryError([Problem("bad", Location("a.yaml", 3))], details=["first"]),
        RoadmapCheckFailed("robustness sample 7", []),
        ReplanConflict(["batch-a: no option 'x'"]),
        InventoryExistsError("out already holds an inventory"),
        Infeasible("infeasible", ("a finding",)),
    ):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error)
        assert (str(again), again.__dict__) == (str(error), error.__dict__)


def test_usage_errors_stay_value_errors_for_callers_that_catch_those() -> None:
    assert issubclass(UsageError, ValueError)
    assert not issubclass(PrioritiserError, ValueError)


def test_the_inventory_stage_raises_the_one_inventory_error() -> None:
    assert inventory.InventoryError is errors.InventoryError
    assert inventory.Problem is errors.Problem


def test_every_command_is_registered_by_a_plain_import() -> None:
    assert sorted(cli.commands) == [
        "check", "compare", "explain", "frontier", "generate", "graph", "import", "init",
        "plan", "replan", "report", "robustness", "schema", "track", "validate",
    ]  # fmt: skip
    group = cli.commands["import"]
    assert isinstance(group, click.Group)
    assert sorted(group.commands) == ["backstage", "csv", "leanix", "servicenow", "xlsx"]


def _calls(tree: ast.AST) -> set[str]:
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def _imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_cli_prints_exits_or_uses_click() -> None:
    offenders = []
    for path in sorted((ROOT / "prioritiser").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        outside_cli = not relative.startswith("prioritiser/cli/")
        if outside_cli and ("print" in _calls(tree) or "click" in _imports(tree)):
            offenders.append(relative)
        if "sys.exit" in path.read_text(encoding="utf-8"):
            offenders.append(f"{relative} (sys.exit)")
    assert offenders == []
