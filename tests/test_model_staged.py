"""Solving in stages: a time limit is honoured, every stage's roadmap is feasible, and the
stated gap is against a valid bound."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from prioritiser.check import check_roadmap
from prioritiser.inventory import Inventory, load_inventory
from prioritiser.inventory.generate import GeneratorSettings, generate_estate
from prioritiser.inventory.writer import write_inventory
from prioritiser.model import formulate
from prioritiser.roadmap import Roadmap, SolverInfo
from prioritiser.solve import PlanOptions, SolveStatus, greedy_roadmap, plan
from prioritiser.solve.greedy import Greedy
from prioritiser.solve.highs import solve_relaxation
from prioritiser.solve.plan import assemble_roadmap
from prioritiser.solve.result import Limits, Stage

DEMO = Path(__file__).parent.parent / "inventories" / "demo"


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    root = tmp_path_factory.mktemp("staged") / "estate"
    write_inventory(root, generate_estate(GeneratorSettings(systems=300, seed=5, periods=12)))
    return load_inventory(root)


def test_time_limit_is_honoured_including_the_model_build(estate: Inventory) -> None:
    began = time.monotonic()
    roadmap = plan(estate, PlanOptions(time_limit=3, gap=0.0))
    elapsed = time.monotonic() - began
    assert elapsed < 3 + 2.5
    assert roadmap.status in ("optimal", "feasible")
    assert roadmap.gap is not None and roadmap.bound is not None
    assert check_roadmap(estate, roadmap) == []


@pytest.fixture(scope="module")
def reference(estate: Inventory) -> Roadmap:
    """The estate planned the default way, within 20 s."""
    return plan(estate, PlanOptions(time_limit=20))


def test_stated_bound_is_no_better_than_the_lp_relaxation(
    estate: Inventory, reference: Roadmap
) -> None:
    roadmap = reference
    model = formulate(estate, presolve=False)
    lp = solve_relaxation(model.solver_input(), model.objective_scale)
    assert lp is not None and roadmap.bound is not None and roadmap.objective is not None
    assert roadmap.objective <= roadmap.bound <= lp * (1 + 1e-9) + 1e-3
    assert roadmap.status == "optimal" or (roadmap.gap and roadmap.gap > 0.005)


def test_lp_guided_rounding_is_feasible_and_beats_the_ranking(estate: Inventory) -> None:
    model = formulate(estate, presolve=True)
    data = model.solver_input()
    from prioritiser.solve.highs import load_highs

    highs = load_highs(data, mip=False)
    highs.run()
    weight = np.asarray(highs.getSolution().col_value)[data.start]
    info = SolverInfo(name="test", version="1")

    def roadmap_of(placed: tuple[list, list] | None):
        assert placed is not None
        return assemble_roadmap(
            model.estate, model.candidates, *placed, SolveStatus.FEASIBLE, None, info
        )

    guided = roadmap_of(Greedy(model.estate, model.graph, model.candidates).run_guided(weight))
    ranked = roadmap_of(Greedy(model.estate, model.graph, model.candidates).run())
    assert check_roadmap(estate, guided) == []
    assert guided.objective is not None and ranked.objective is not None
    assert guided.objective >= ranked.objective


def test_both_strategies_prove_the_same_demo_optimum() -> None:
    inventory = load_inventory(DEMO)
    staged = plan(inventory, PlanOptions(gap=0.0, strategy="staged"))
    mip = plan(inventory, PlanOptions(gap=0.0, strategy="mip"))
    assert staged.status == mip.status == "optimal"
    assert check_roadmap(inventory, staged) == []
    assert staged.objective == pytest.approx(mip.objective, rel=1e-9)


def test_a_stop_request_returns_the_best_roadmap_so_far(estate: Inventory) -> None:
    import threading

    stop = threading.Event()
    stop.set()
    roadmap = plan(estate, PlanOptions(stop=stop, gap=0.0))
    assert roadmap.status in ("feasible", "optimal")
    assert check_roadmap(estate, roadmap) == []


def test_the_background_path_on_a_small_estate_keeps_every_promise(
    estate: Inventory, reference: Roadmap, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Force the large-estate path (LP on another core, coarse relaxation, departments)."""
    from prioritiser.solve import staged

    monkeypatch.setattr(staged, "FOREGROUND_NONZEROS", 0)
    began = time.monotonic()
    roadmap = plan(estate, PlanOptions(time_limit=5, gap=0.0))
    assert time.monotonic() - began < 5 + 2.5
    assert roadmap.status in ("optimal", "feasible")
    assert check_roadmap(estate, roadmap) == []
    # The stated bound is a bound: no roadmap beats it, the best a full solve finds included.
    other = reference
    assert roadmap.bound is not None and roadmap.objective is not None
    assert other.objective is not None and other.bound is not None
    assert roadmap.bound >= other.objective * (1 - 1e-9) - 1e-3
    assert other.bound >= roadmap.objective * (1 - 1e-9) - 1e-3
    greedy = greedy_roadmap(estate)
    assert greedy.objective is not None
    assert roadmap.objective >= greedy.objective


def test_department_search_runs_when_the_lp_cannot_finish(
    estate: Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prioritiser.solve import staged

    monkeypatch.setattr(staged, "FOREGROUND_NONZEROS", 0)
    monkeypatch.setattr(staged, "expected_lp_seconds", lambda nonzeros: 1e9)
    monkeypatch.setattr(staged, "MIN_ROUND", 0.5)
    progress: list[str] = []
    roadmap = plan(estate, PlanOptions(time_limit=5, gap=0.0), lambda p: progress.append(p.phase))
    assert "relaxation of the shared rows" in progress
    assert "LP relaxation" not in progress
    assert roadmap.status in ("optimal", "feasible")
    assert check_roadmap(estate, roadmap) == []


def test_a_background_lp_stops_when_cancelled() -> None:
    from prioritiser.solve import staged

    inventory = load_inventory(DEMO)
    model = formulate(inventory, presolve=False)
    details: list[Stage] = []
    data = model.solver_input()
    clock = staged.Clock(time.monotonic(), Limits(time_limit=30.0), data.matrix.nonzeros)
    background = staged._Background(staged._lp(data), model.objective_scale, clock, details)
    background.cancel()
    assert background.finished()
    assert any(stage.name == "lp" for stage in details)


def test_presolve_and_sub_mips_are_off_only_for_large_free_models_under_a_limit() -> None:
    from prioritiser.solve import highs as backends

    inventory = load_inventory(DEMO)
    data = formulate(inventory, presolve=False).solver_input()
    free = backends.free_nonzeros(data.matrix)
    assert 0 < free <= data.matrix.nonzeros
    limits = backends.Limits(time_limit=0.5)
    _, highs = backends.solve_highs(data, limits, 1.0)
    assert highs.getOptionValue("presolve")[1] == "choose"
    old = (backends.PRESOLVE_NONZEROS, backends.SUB_MIP_NONZEROS)
    try:
        backends.PRESOLVE_NONZEROS = backends.SUB_MIP_NONZEROS = 0
        _, highs = backends.solve_highs(data, limits, 1.0)
        assert highs.getOptionValue("presolve")[1] == "off"
        assert highs.getOptionValue("mip_heuristic_run_root_reduced_cost")[1] is False
        _, highs = backends.solve_highs(data, backends.Limits(gap=1.0), 1.0)
        assert highs.getOptionValue("presolve")[1] == "choose"  # no limit: nothing to honour
    finally:
        backends.PRESOLVE_NONZEROS, backends.SUB_MIP_NONZEROS = old
    fixed = replace(data.matrix, upper=data.matrix.lower.copy())
    assert backends.free_nonzeros(fixed) == 0


def test_cbc_is_stopped_when_it_ignores_its_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prioritiser.solve import cbc as backends

    monkeypatch.setattr(backends, "CBC_GRACE", 0.3)
    began = time.monotonic()
    code = backends._run_cbc(["sleep", "30"], tmp_path / "log", backends.Limits(time_limit=0.2))
    assert code is None
    assert time.monotonic() - began < 3
    assert backends._run_cbc(["true"], tmp_path / "log", backends.Limits(time_limit=5)) == 0


def test_branch_and_bound_states_at_least_the_every_system_at_its_best_bound() -> None:
    """CBC states no bound of its own when stopped early; the trivial one is still valid."""
    from prioritiser.solve.staged import unconstrained_bound

    inventory = load_inventory(DEMO)
    roadmap = plan(inventory, PlanOptions(solver="cbc", strategy="mip", time_limit=2))
    model = formulate(inventory, presolve=True)
    trivial = unconstrained_bound(model, model.solver_input())
    assert roadmap.objective is not None and roadmap.bound is not None
    assert roadmap.objective <= roadmap.bound <= trivial + 1e-3
