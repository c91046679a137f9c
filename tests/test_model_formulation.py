"""The MILP is built from pruned candidates, with constraint families named after the rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from prioritiser.inventory import load_inventory
from prioritiser.model import formulate
from prioritiser.model.candidates import option_starts
from prioritiser.roadmap import Roadmap
from prioritiser.solve import PlanOptions, greedy_roadmap, plan

FIXTURES = Path(__file__).parent / "fixtures"


def write(tmp_path: Path, systems: str, portfolio_extra: str = "") -> Path:
    (tmp_path / "systems").mkdir(parents=True, exist_ok=True)
    (tmp_path / "portfolio.yaml").write_text(
        "portfolio: {name: T, start: 2027-Q1, periods: 6}\n"
        "resources:\n  capex: {per_period: 100}\n  engineers: {per_period: 10}\n" + portfolio_extra,
        encoding="utf-8",
    )
    (tmp_path / "systems" / "s.yaml").write_text(systems, encoding="utf-8")
    return tmp_path


def test_starts_outside_windows_are_pruned_before_variables_exist(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        """systems:
  - id: a
    name: A
    earliest_start: 2027-Q2
    must_modernise_by: 2028-Q1
    options:
      - {id: o, kind: rehost, duration: 2}
""",
    )
    inventory = load_inventory(root)
    system = inventory.system("a")
    # earliest Q2 (index 1); finish by 2028-Q1 (index 4), so starts 1..3.
    assert list(option_starts(inventory, system, system.options[0])) == [1, 2, 3]
    model = formulate(inventory)
    assert len(model.start_col) == 3


def test_locked_system_has_exactly_its_locked_start(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        """systems:
  - id: a
    name: A
    locked: {option: o, start: 2027-Q3}
    options:
      - {id: o, kind: rehost, duration: 2}
      - {id: p, kind: replace, duration: 1, annual_saving: 1000000}
""",
    )
    model = formulate(load_inventory(root))
    assert [(c.option, c.start) for c in model.candidates.candidates] == [("o", 2)]
    roadmap = plan(load_inventory(root))
    assert [(d.option, d.start) for d in roadmap.decisions] == [("o", "2027-Q3")]


def test_constraint_families_are_named_after_the_rules() -> None:
    model = formulate(load_inventory(FIXTURES / "tiny"))
    names = model.constraint_names()
    assert "one_option[identity]" in names
    assert "resource_capacity[engineers,2027-Q1]" in names
    assert any(n.startswith("after[payments,identity,") for n in names)
    assert all(len(k) == 1 for k in model.row_keys("high_risk_in_flight"))


def test_consumer_waits_for_provider_to_finish() -> None:
    roadmap = plan(load_inventory(FIXTURES / "tiny"), PlanOptions(gap=0.0))
    inventory = load_inventory(FIXTURES / "tiny")
    axis = inventory.axis
    identity = roadmap.decision("identity")
    payments = roadmap.decision("payments")
    assert identity is not None and payments is not None
    assert axis.index(payments.start) > axis.index(identity.finish)


DEMO = Path(__file__).parent.parent / "inventories" / "demo"


@pytest.fixture(scope="module")
def demo_planned() -> dict[str, Roadmap]:
    """The demo planned the default way by each solver, once for this file's tests (each
    solve is deterministic: the tests below asked for the same ones twice)."""
    inventory = load_inventory(DEMO)
    return {solver: plan(inventory, PlanOptions(solver=solver)) for solver in ("highs", "cbc")}


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_demo_is_optimal_with_both_solvers_and_they_agree(
    solver: str, demo_planned: dict[str, Roadmap]
) -> None:
    roadmap = demo_planned[solver]
    assert roadmap.status == "optimal"
    assert roadmap.gap is not None and roadmap.gap <= 0.005 + 1e-9
    other = demo_planned["cbc" if solver == "highs" else "highs"]
    assert abs(roadmap.objective - other.objective) <= 0.005 * abs(roadmap.objective)


def test_greedy_baseline_is_feasible_and_no_better_than_the_optimum(
    demo_planned: dict[str, Roadmap],
) -> None:
    from prioritiser.check import check_roadmap

    inventory = load_inventory(DEMO)
    greedy = greedy_roadmap(inventory)
    assert greedy.status == "feasible"
    assert check_roadmap(inventory, greedy) == []
    best = demo_planned["highs"]  # `plan(inventory)`: HiGHS is the default solver
    assert best.bound is not None and greedy.objective <= best.bound + 1e-6


def test_warm_start_from_a_roadmap_keeps_or_improves_it() -> None:
    inventory = load_inventory(DEMO)
    greedy = greedy_roadmap(inventory)
    warm = plan(inventory, PlanOptions(warm_start=greedy, time_limit=30))
    assert warm.objective >= greedy.objective - 1e-6


def test_infeasible_inventory_is_reported_infeasible(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        """systems:
  - id: a
    name: A
    must_modernise_by: 2027-Q4
    options:
      - {id: o, kind: rehost, duration: 2, resource_use: {engineers: 20}}
""",
    )
    assert plan(load_inventory(root)).status == "infeasible"


def test_successive_plans_may_ask_for_different_thread_counts() -> None:
    inventory = load_inventory(FIXTURES / "tiny")
    statuses = [plan(inventory, PlanOptions(threads=n)).status for n in (1, 2, 1)]
    assert statuses == ["optimal", "optimal", "optimal"]
