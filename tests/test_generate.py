"""`prioritiser generate`: realistic, deterministic, always feasible, and budgets that bind."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from prioritiser.check import check_roadmap
from prioritiser.cli import cli
from prioritiser.economics import Appraisal
from prioritiser.inventory import Inventory, check_inventory, load_inventory
from prioritiser.inventory.generate import GeneratorSettings, generate_estate
from prioritiser.inventory.writer import write_inventory
from prioritiser.roadmap import Decision, Roadmap, SolverInfo


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def generated(tmp_path: Path, **settings: object) -> Inventory:
    """Generate, write and load an estate (default: 300 systems, seed 7)."""
    options = {"systems": 300, "seed": 7, **settings}
    root = tmp_path / f"estate-{'-'.join(str(v) for v in options.values())}"
    write_inventory(root, generate_estate(GeneratorSettings(**options)))  # type: ignore[arg-type]
    return load_inventory(root)


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    return generated(tmp_path_factory.mktemp("generate"))


def test_generate_300_seed_7_twice_gives_identical_valid_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = CliRunner().invoke(
            cli, ["generate", "--systems", "300", "--seed", "7", "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
    assert files(first) == files(second)
    assert "platforms.yaml" in files(first) and "portfolio.yaml" in files(first)
    inventory, problems = check_inventory(first)
    assert inventory is not None and not problems
    assert len(inventory.systems) == 300
    assert all(len(s.options) == 3 for s in inventory.systems)


def test_different_seeds_give_different_estates(tmp_path: Path) -> None:
    a = files(write_inventory(tmp_path / "a", generate_estate(GeneratorSettings(50, seed=1))).root)
    b = files(write_inventory(tmp_path / "b", generate_estate(GeneratorSettings(50, seed=2))).root)
    assert a != b


def test_run_costs_are_heavy_tailed_within_bounds(estate: Inventory) -> None:
    costs = sorted(s.annual_run_cost for s in estate.systems)
    assert costs[0] >= 100_000 and costs[-1] <= 10_000_000
    median, top = costs[len(costs) // 2], costs[int(len(costs) * 0.99)]
    assert top > 5 * median


def test_hubs_have_a_large_blast_radius_and_ordering_is_acyclic(estate: Inventory) -> None:
    graph = nx.DiGraph(
        (s.id, d.system) for s in estate.systems for d in s.depends_on if d.constraint != "none"
    )
    consumers = Counter(d.system for s in estate.systems for d in s.depends_on)
    assert consumers.most_common(1)[0][1] >= 20
    hub = consumers.most_common(1)[0][0]
    assert len(nx.ancestors(graph, hub)) >= 30  # everything that waits for it, transitively
    ordering = nx.DiGraph(
        (s.id, d.system)
        for s in estate.systems
        for d in s.depends_on
        if d.constraint in ("after", "requires")
    )
    assert nx.is_directed_acyclic_graph(ordering)


def test_move_groups_share_an_option_duration_and_have_no_windows(estate: Inventory) -> None:
    pairs = [
        (s, estate.system(d.system))
        for s in estate.systems
        for d in s.depends_on
        if d.constraint == "together"
    ]
    assert pairs
    for a, b in pairs:
        assert {o.duration for o in a.options} & {o.duration for o in b.options}
        for system in (a, b):
            assert system.must_modernise_by is None and system.earliest_start is None
            assert all(o.kind != "retire" for o in system.options)


def test_deadlines_are_few_and_safely_achievable(estate: Inventory) -> None:
    deadlines = [s for s in estate.systems if s.must_modernise_by]
    assert 1 <= len(deadlines) <= 0.05 * len(estate.systems)
    for system in deadlines:
        assert all(d.constraint not in ("after", "requires", "together") for d in system.depends_on)
        shortest = min(o.duration for o in system.options)
        assert estate.deadline_index(system) + 1 >= 2 * shortest  # slack of twice the duration


def test_deadline_options_started_at_once_are_a_feasible_roadmap(estate: Inventory) -> None:
    assert check_roadmap(estate, deadline_witness(estate)) == []


def deadline_witness(inventory: Inventory) -> Roadmap:
    """Every deadline system's shortest option, all started in the first period."""
    decisions = []
    for system in inventory.systems:
        if system.must_modernise_by is None:
            continue
        option = min(system.options, key=lambda o: (o.duration, o.cost))
        finish = inventory.axis.label(option.duration - 1)
        decisions.append(
            Decision(system.id, option.id, option.kind, inventory.axis.label(0), finish, 0.0)
        )
    return Roadmap(
        status="feasible",
        objective=None,
        bound=None,
        gap=None,
        solver=SolverInfo("witness"),
        periods=inventory.axis.labels,
        decisions=decisions,
    )


@pytest.mark.parametrize(
    "settings",
    [
        {"systems": 12, "seed": 0, "periods": 4, "options": 1},
        {"systems": 80, "seed": 3, "departments": 1, "options": 5},
        {"systems": 60, "seed": 11, "departments": 20, "periods": 24},
        {"systems": 40, "seed": 5, "options": 0},
        {"systems": 1, "seed": 9},
    ],
)
def test_any_settings_give_a_valid_feasible_estate(tmp_path: Path, settings: dict) -> None:
    inventory = generated(tmp_path, **settings)
    assert len(inventory.systems) == settings["systems"]
    assert all(len(s.options) == settings.get("options", 3) for s in inventory.systems)
    assert check_roadmap(inventory, deadline_witness(inventory)) == []


def test_skills_pools_are_scarce_and_retire_candidates_are_unused(estate: Inventory) -> None:
    cobol = estate.resources["cobol_specialists"].per_period
    users = [
        s for s in estate.systems if any("cobol_specialists" in o.resource_use for o in s.options)
    ]
    assert cobol <= 5 and len(users) > 4 * cobol
    used = {d.system for s in estate.systems for d in s.depends_on if d.constraint != "none"}
    retirable = [s for s in estate.systems if any(o.kind == "retire" for o in s.options)]
    assert retirable and all(s.id not in used for s in retirable)


def test_capex_binds_at_35_to_50_percent_of_positive_npv_demand(estate: Inventory) -> None:
    economics = Appraisal(estate)
    demand = 0.0
    for system in estate.systems:
        best = max(system.options, key=lambda o: economics.npv(system.id, o.id, 0))
        if economics.npv(system.id, best.id, 0) > 0:
            demand += best.cost
    capex = estate.resources["capex"]
    assert 0.35 <= capex.per_period * estate.axis.count / demand <= 0.5
    assert capex.total is not None and capex.total < capex.per_period * estate.axis.count
    risk = estate.risk
    assert risk.max_concurrent_high_risk and risk.max_concurrent_high_risk >= 2
    assert risk.max_concurrent_per_department and risk.max_concurrent_per_department >= 4


def test_planner_finds_a_roadmap_on_a_generated_estate(tmp_path: Path) -> None:
    from prioritiser.solve import PlanOptions, plan

    inventory = generated(tmp_path, systems=40, seed=3)
    roadmap = plan(inventory, PlanOptions(time_limit=30))
    assert roadmap.status in ("optimal", "feasible")
    assert check_roadmap(inventory, roadmap) == []
    assert roadmap.decisions


def test_generate_refuses_to_overwrite_and_bad_arguments(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "estate"
    assert run_cli("generate", "--systems", "5", "-o", out).exit_code == 0
    again = run_cli("generate", "--systems", "5", "-o", out)
    assert again.exit_code == 2 and "already holds an inventory" in again.stderr
    assert run_cli("generate", "--systems", "5", "-o", out, "--force").exit_code == 0
    assert run_cli("generate", "--systems", "0", "-o", tmp_path / "x").exit_code == 2
    assert (
        run_cli("generate", "--systems", "5", "--periods", "2", "-o", tmp_path / "x").exit_code == 2
    )
    bad_start = run_cli("generate", "--systems", "5", "--start", "soon", "-o", tmp_path / "x")
    assert bad_start.exit_code == 2 and "--start" in bad_start.stderr
