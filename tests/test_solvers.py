"""`--solver`: every solver PuLP reaches when installed, with one status and gap vocabulary.

HiGHS and CBC are always there. The others (Gurobi, CPLEX, Xpress, SCIP, ...) are tested
when installed here — `pyscipopt` is a dev dependency, the commercial ones come from PyPI
with size-limited licences (`pip install '.[gurobi]'` and so on) — and skipped otherwise;
the absent case is tested by making one absent.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from prioritiser.certify import certify_roadmap
from prioritiser.check import check_roadmap
from prioritiser.errors import UsageError
from prioritiser.inventory import load_inventory
from prioritiser.solve import PlanOptions, external, plan
from prioritiser.solve.plan import installed_solvers, require_solver

ROOT = Path(__file__).parent.parent
TINY = Path(__file__).parent / "fixtures" / "tiny"
INFEASIBLE = Path(__file__).parent / "fixtures" / "infeasible-deadline"
EXTERNAL = sorted(external.SOLVERS)


def installed(name: str) -> bool:
    return external.available_class(external.SOLVERS[name]) is not None


def each_external() -> list[object]:
    """Every external solver, skipped where it is not installed."""
    return [
        pytest.param(
            name, marks=pytest.mark.skipif(not installed(name), reason=f"{name} not installed")
        )
        for name in EXTERNAL
    ]


def test_highs_and_cbc_are_always_installed() -> None:
    assert installed_solvers()[:2] == ["highs", "cbc"]


def test_an_absent_solver_is_a_usage_error_that_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(external, "available_class", lambda spec: None)
    with pytest.raises(UsageError) as caught:
        require_solver("gurobi")
    message = str(caught.value)
    assert "'gurobi' (Gurobi) is not installed here" in message
    assert "pip install gurobipy" in message
    assert "installed: highs, cbc" in message


def test_an_absent_solver_exits_2_before_anything_is_built(
    monkeypatch: pytest.MonkeyPatch, run_cli, tmp_path: Path
) -> None:
    monkeypatch.setattr(external, "available_class", lambda spec: None)
    result = run_cli("plan", TINY, "--solver", "xpress", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "'xpress' (Xpress) is not installed here" in result.stderr
    assert not (tmp_path / "out" / "roadmap.json").exists()


def test_an_unknown_solver_is_refused_by_the_command_line(run_cli, tmp_path: Path) -> None:
    result = run_cli("plan", TINY, "--solver", "nosuch", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "gurobi" in result.stderr and "scip" in result.stderr  # the choices are listed


@pytest.mark.parametrize("name", each_external())
def test_an_installed_solver_proves_the_same_optimum_as_highs(name: str) -> None:
    inventory = load_inventory(TINY)
    reference = plan(inventory, PlanOptions(gap=0.0))
    roadmap = plan(inventory, PlanOptions(solver=name, gap=0.0))
    assert roadmap.status == "optimal"
    assert roadmap.solver.name == external.SOLVERS[name].label
    assert roadmap.objective == pytest.approx(reference.objective, rel=1e-6)
    assert roadmap.bound is not None and roadmap.gap is not None and roadmap.gap <= 1e-5
    assert check_roadmap(inventory, roadmap) == []
    assert certify_roadmap(inventory, json_round_trip(roadmap)) == []


@pytest.mark.parametrize("name", each_external())
def test_an_installed_solver_says_infeasible_when_nothing_fits(name: str) -> None:
    roadmap = plan(load_inventory(INFEASIBLE), PlanOptions(solver=name))
    assert roadmap.status == "infeasible"


@cache
def demo_near_optimum() -> float:
    """The demo's objective within 0.05 % of optimal (HiGHS), once for every solver."""
    best = plan(load_inventory(ROOT / "inventories" / "demo"), PlanOptions(gap=0.0005))
    assert best.objective is not None
    return best.objective


@pytest.mark.slow
@pytest.mark.parametrize("name", each_external())
def test_a_stated_gap_is_against_a_bound_no_roadmap_beats(name: str) -> None:
    """On the demo, within a short limit: optimal means within the asked gap of the bound."""
    inventory = load_inventory(ROOT / "inventories" / "demo")
    try:
        roadmap = plan(inventory, PlanOptions(solver=name, time_limit=10, gap=0.02))
    except Exception as exc:  # a size-limited licence refuses a model this size
        pytest.skip(f"{name}: {exc}")
    assert roadmap.status in ("optimal", "feasible")
    assert check_roadmap(inventory, roadmap) == []
    assert roadmap.bound is not None
    assert roadmap.bound >= demo_near_optimum() * (1 - 1e-6)
    if roadmap.status == "optimal":
        assert roadmap.gap is not None and roadmap.gap <= 0.02 + 1e-9


def json_round_trip(roadmap):
    from prioritiser.roadmap import Roadmap

    return Roadmap.from_dict(json.loads(roadmap.to_json()))
