"""Dominated options are dropped before the model is built, and the optimum does not move.

The property test reuses the brute-force oracle's random tiny inventories and adds, to
every system with options, a "worse twin" of one option (longer, costlier, riskier, no
more valuable) or an exact copy — so dominance is exercised in nearly every example —
then checks that `plan` (which drops dominated options) still finds the brute-force optimum.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

from bruteforce import brute_force
from examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bruteforce_property import COMMON, Pick, Spec, as_yaml, load, random_inventory

from prioritiser.check import check_roadmap
from prioritiser.economics import Appraisal
from prioritiser.inventory import load_inventory
from prioritiser.model import formulate
from prioritiser.model.presolve import dominated_options
from prioritiser.solve import PlanOptions, plan


def write(tmp_path: Path, options: str, extra: str = "") -> Path:
    (tmp_path / "systems").mkdir(parents=True, exist_ok=True)
    (tmp_path / "portfolio.yaml").write_text(
        "portfolio: {name: T, start: 2027-Q1, periods: 8}\n"
        "resources:\n  capex: {per_period: 1000000}\n  engineers: {per_period: 10}\n",
        encoding="utf-8",
    )
    (tmp_path / "systems" / "s.yaml").write_text(
        f"systems:\n  - id: a\n    name: A\n{extra}    options:\n{options}", encoding="utf-8"
    )
    return tmp_path


def dominated(root: Path) -> set[tuple[str, str]]:
    inventory = load_inventory(root)
    return dominated_options(inventory.estate, Appraisal.of(inventory))


def test_longer_costlier_less_valuable_option_is_dominated(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "      - {id: good, kind: rehost, duration: 2, cost: 100000, annual_saving: 90000}\n"
        "      - {id: worse, kind: replatform, duration: 3, cost: 200000, annual_saving: 50000}\n",
    )
    assert dominated(root) == {("a", "worse")}
    model = formulate(load_inventory(root), presolve=True)
    assert {c.option for c in model.candidates.candidates} == {"good"}


def test_an_option_that_is_better_on_one_count_is_kept(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "      - {id: cheap, kind: rehost, duration: 2, cost: 100000, annual_saving: 50000}\n"
        "      - {id: rich, kind: replace, duration: 3, cost: 200000, annual_saving: 90000}\n",
    )
    assert dominated(root) == set()


def test_retire_is_never_compared_with_a_non_retire_option(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "      - {id: keep, kind: rehost, duration: 1, cost: 100, annual_saving: 90000}\n"
        "      - {id: shutdown, kind: retire, duration: 2, cost: 200, annual_saving: 10000}\n",
    )
    assert dominated(root) == set()


def test_of_two_equal_options_the_first_is_kept(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "      - {id: first, kind: rehost, duration: 2, cost: 1000, annual_saving: 9000}\n"
        "      - {id: second, kind: rehost, duration: 2, cost: 1000, annual_saving: 9000}\n",
    )
    assert dominated(root) == {("a", "second")}


def test_more_platforms_or_more_risk_cannot_dominate(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "      - {id: safe, kind: rehost, duration: 2, cost: 1000, delivery_risk: 2}\n"
        "      - {id: bold, kind: rehost, duration: 2, cost: 500, delivery_risk: 4,"
        " annual_saving: 9000}\n",
    )
    assert dominated(root) == set()


def test_locked_systems_are_left_alone(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "      - {id: good, kind: rehost, duration: 2, cost: 100000, annual_saving: 90000}\n"
        "      - {id: worse, kind: rehost, duration: 3, cost: 200000, annual_saving: 50000}\n",
        extra="    locked: {option: worse, start: 2027-Q2}\n",
    )
    assert dominated(root) == set()
    roadmap = plan(load_inventory(root))
    assert [(d.option, d.start) for d in roadmap.decisions] == [("worse", "2027-Q2")]


# --- property: dropping dominated options never changes the optimum --------------------------


def worse_twin(option: dict[str, Any], rnd: random.Random, k: int) -> dict[str, Any]:
    """A copy of `option` that is no better on any count (or, sometimes, an exact copy)."""
    twin = copy.deepcopy(option)
    twin["id"] = f"{option['id']}-twin{k}"
    if rnd.random() < 0.25:
        return twin  # equal: the first listed is kept
    if rnd.random() < 0.5:
        twin["duration"] = min(3, option["duration"] + 1)
    twin["cost"] = option.get("cost", 0) + 100_000 * rnd.randint(0, 2)
    twin["annual_saving"] = option.get("annual_saving", 0) - 100_000 * rnd.randint(0, 2)
    twin["delivery_risk"] = min(5, option.get("delivery_risk", 1) + rnd.randint(0, 1))
    use = dict(option.get("resource_use", {}))
    use["engineers"] = use.get("engineers", 0) + rnd.randint(0, 1)
    twin["resource_use"] = use
    twin.pop("npv", None)
    if "npv" in option:
        twin["npv"] = option["npv"] - 100_000 * rnd.randint(0, 3)
    return twin


def with_twins(spec: Spec, rnd: random.Random) -> Spec:
    spec = copy.deepcopy(spec)
    for system in spec["systems/estate.yaml"]["systems"]:
        options = system["options"]
        if options and "locked" not in system and len(options) < 3:
            original = rnd.choice(options)
            twin = worse_twin(original, rnd, len(options))
            # A twin must fit the system's windows like the original (no new lock/deadline
            # conflicts): keep its duration when the deadline is tight.
            if "must_modernise_by" in system:
                twin["duration"] = original["duration"]
            options.append(twin)
    return spec


@settings(max_examples=examples(150), **COMMON)
@given(rnd=st.randoms(use_true_random=True))
def test_dropping_dominated_options_keeps_the_brute_force_optimum(rnd: random.Random) -> None:
    spec = with_twins(random_inventory(Pick(rnd)), rnd)
    inventory = load(spec)
    expected = brute_force(inventory)
    roadmap = plan(inventory, PlanOptions(gap=0.0))
    context = f"brute force {expected}, roadmap:\n{roadmap.to_json()}\n{as_yaml(spec)}"
    if expected is None:
        assert roadmap.status == "infeasible", context
        return
    assert roadmap.status == "optimal", context
    assert roadmap.objective is not None
    tolerance = 1e-6 * abs(expected.objective) + 1e-3
    assert abs(roadmap.objective - expected.objective) <= tolerance, context
    assert check_roadmap(inventory, roadmap) == [], context


def test_the_twins_do_exercise_dominance() -> None:
    hits = 0
    for seed in range(20):
        rnd = random.Random(seed)
        inventory = load(with_twins(random_inventory(Pick(rnd)), rnd))
        hits += bool(dominated_options(inventory.estate, Appraisal.of(inventory)))
    assert hits >= 10
