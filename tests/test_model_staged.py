"""Solving in stages: a time limit is honoured, every stage's roadmap is feasible, and the
stated gap is against a valid bound."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from prioritiser.check import check_roadmap
from prioritiser.economics import Economics
from prioritiser.inventory import Inventory, load_inventory
from prioritiser.inventory.generate import GeneratorSettings, generate_estate
from prioritiser.inventory.writer import write_inventory
from prioritiser.model import PlanOptions, formulate, plan
from prioritiser.model.backends import solve_relaxation
from prioritiser.model.greedy import Greedy
from prioritiser.model.solve import assemble_roadmap
from prioritiser.roadmap import SolverInfo

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


def test_stated_bound_is_no_better_than_the_lp_relaxation(estate: Inventory) -> None:
    roadmap = plan(estate, PlanOptions(time_limit=20))
    model = formulate(estate, presolve=False)
    lp = solve_relaxation(model.solver_input(), model.objective_scale)
    assert lp is not None and roadmap.bound is not None and roadmap.objective is not None
    assert roadmap.objective <= roadmap.bound <= lp * (1 + 1e-9) + 1e-3
    assert roadmap.status == "optimal" or (roadmap.gap and roadmap.gap > 0.005)


def test_lp_guided_rounding_is_feasible_and_beats_the_ranking(estate: Inventory) -> None:
    economics = Economics(estate)
    model = formulate(estate, economics, presolve=True)
    data = model.solver_input()
    from prioritiser.model.backends import load_highs

    highs = load_highs(data, mip=False)
    highs.run()
    weight = np.asarray(highs.getSolution().col_value)[data.start]
    info = SolverInfo(name="test", version="1")

    def roadmap_of(placed: tuple[list, list] | None):
        assert placed is not None
        return assemble_roadmap(
            estate, economics, model.candidates, *placed, "feasible", None, info
        )

    guided = roadmap_of(Greedy(estate, economics, model.candidates).run_guided(weight))
    ranked = roadmap_of(Greedy(estate, economics, model.candidates).run())
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
