"""Property tests: the MILP and the checker against an independent brute-force oracle.

Random tiny inventories (≤ 5 systems, ≤ 2 options each, 4 quarters) are written as YAML
and loaded through `load_inventory`, so they pass the same validation as real estates.
For each one:

- `plan` (HiGHS, and CBC on fewer examples) finds exactly the brute-force optimum, says
  "infeasible" exactly when brute force finds no roadmap, and its roadmap passes
  `check_roadmap` with no violations;
- the brute-force optimum passes `check_roadmap` too, and on random roadmaps `check_roadmap`
  finds violations exactly when the brute force's own rules reject the roadmap.

Runs are derandomised (same examples every time, no example database), so CI is stable.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from bruteforce import BruteForce, brute_force
from examples import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prioritiser.certify import certify_roadmap
from prioritiser.check import check_roadmap
from prioritiser.economics import Appraisal
from prioritiser.inventory import Inventory, InventoryError, load_inventory
from prioritiser.roadmap import Roadmap
from prioritiser.solve import PlanOptions, plan

PERIODS = 4
LABELS = ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
PLATFORM = "cloud"
CONSTRAINTS = ["after", "after", "requires", "requires", "together", "none"]
KINDS = ["retire", "retire", "rehost", "replatform", "refactor", "replace", "repurchase"]

Spec = dict[str, Any]  # file name → YAML data
T = TypeVar("T")

COMMON = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


# --- the generator --------------------------------------------------------------------


class Pick:
    """Random choices for the generator, from a seeded `random.Random`.

    Hypothesis draws the seed (`st.randoms`), so runs are derandomised and reproducible;
    drawing every choice through Hypothesis instead made its mutation phase replay nearly the
    same estate over and over, which hid most of the rules from the test.
    """

    def __init__(self, rnd: random.Random):
        self.rnd = rnd

    def integer(self, low: int, high: int) -> int:
        return self.rnd.randint(low, high)

    def one(self, items: Sequence[T]) -> T:
        return self.rnd.choice(items)

    def chance(self, one_in: int) -> bool:
        """True once in `one_in` times on average."""
        return self.rnd.randrange(one_in) == 0


def options(pick: Pick, has_platform: bool) -> list[dict[str, Any]]:
    """0–2 options with random durations, costs, skills, savings, risk and overrides."""
    out = []
    for k in range(pick.one([2, 1, 2, 0])):
        duration = pick.integer(1, 3)
        option: dict[str, Any] = {
            "id": f"o{k}",
            "kind": pick.one(KINDS),
            "duration": duration,
            "cost": duration * 100_000 * pick.integer(0, 3),
            "annual_saving": 100_000 * pick.one([4, 2, 6, 10, 0, -1, 3]),
            "risk_reduction": pick.one([0.0, 0.5, 1.0]),
            "delivery_risk": pick.one([1, 2, 3, 4, 5, 2, 3]),
        }
        use = {"engineers": pick.integer(0, 3)}
        if pick.chance(6):
            use["capex"] = 100_000 * pick.integer(0, 3)  # names capex: cost not drawn
        option["resource_use"] = use
        if pick.chance(4):
            option["benefits"] = [
                {
                    "department": pick.one(["dwp", "hmrc", "moj"]),
                    "annual": 25_000 * pick.integer(-2, 8),
                    "cashable": pick.chance(2),
                }
            ]
        if pick.chance(4):
            option["npv"] = 100_000 * pick.integer(-5, 20)
        if has_platform and pick.chance(2):
            option["requires_platforms"] = [PLATFORM]
        out.append(option)
    return out


def windows(pick: Pick, opts: list[dict[str, Any]]) -> dict[str, Any]:
    """earliest_start, must_modernise_by and locked, always consistent with validation."""
    out: dict[str, Any] = {}
    earliest = 0
    if pick.chance(4):
        earliest = pick.integer(0, PERIODS - 2)
        out["earliest_start"] = LABELS[earliest]
    last = PERIODS - 1
    if opts and pick.chance(6):
        shortest = min(o["duration"] for o in opts)
        if earliest + shortest - 1 <= last:
            last = pick.integer(earliest + shortest - 1, PERIODS - 1)
            out["must_modernise_by"] = LABELS[last]
    fitting = [o for o in opts if earliest + o["duration"] - 1 <= last]
    if fitting and pick.chance(10):
        option = pick.one(fitting)
        start = pick.integer(earliest, last - option["duration"] + 1)
        out["locked"] = {"option": option["id"], "start": LABELS[start]}
    return out


def random_inventory(pick: Pick) -> Spec:
    """The files of a random tiny inventory (portfolio, platforms, one systems file)."""
    count = pick.one([4, 5, 3, 5, 2, 1])
    has_platform = pick.chance(3)
    systems = []
    for i in range(count):
        opts = options(pick, has_platform)
        system: dict[str, Any] = {
            "id": f"s{i}",
            "name": f"System {i}",
            "department": pick.one(["dwp", "hmrc"]),
            "legacy_risk": {"security": pick.integer(1, 5), "skills": pick.integer(1, 5)},
            "options": opts,
            **windows(pick, opts),
        }
        deps = []
        for j in range(count):
            constraint = pick.one([None] * 24 + CONSTRAINTS)
            if j != i and constraint is not None:
                deps.append({"system": f"s{j}", "constraint": constraint})
        if deps:
            system["depends_on"] = deps
        systems.append(system)
    capex: dict[str, Any] = {"per_period": 100_000 * pick.one([4, 3, 5, 8])}
    if pick.chance(4):
        capex["overrides"] = {pick.one(LABELS): 100_000 * pick.integer(0, 3)}
    if pick.chance(4):
        capex["total"] = 100_000 * pick.integer(4, 20)
    risk: dict[str, Any] = {
        "high_risk_threshold": pick.one([4, 3, 5]),
        "max_concurrent_high_risk": pick.one([1, 2, 2, 1, 0]),
    }
    if pick.chance(2):
        risk["max_total_delivery_risk"] = pick.integer(4, 15)
    if pick.chance(4):
        risk["max_concurrent_per_department"] = pick.integer(1, 2)
    spec: Spec = {
        "portfolio.yaml": {
            "portfolio": {
                "name": "Random tiny estate",
                "start": LABELS[0],
                "periods": PERIODS,
                "discount_rate": pick.one([0.035, 0.1, 0.035, 0.0]),
                "appraisal_years": pick.one([10, 5, 10, 0.5]),
            },
            "resources": {
                "capex": capex,
                "engineers": {"per_period": pick.one([4, 6, 3, 8])},
            },
            "risk": risk,
            "objective": {"risk_value_per_point": pick.one([10_000, 0, 50_000, 10_000])},
        },
        "systems/estate.yaml": {"systems": systems},
    }
    if has_platform:
        spec["platforms.yaml"] = {
            "platforms": [
                {
                    "id": PLATFORM,
                    "setup_cost": 100_000 * pick.integer(0, 4),
                    "setup_duration": pick.integer(1, 2),
                    "resource_use": {"engineers": pick.integer(0, 2)},
                }
            ]
        }
    return spec


def inventories() -> st.SearchStrategy[Spec]:
    """Random tiny inventories (as files → YAML data)."""
    return st.randoms(use_true_random=True).map(lambda rnd: random_inventory(Pick(rnd)))


def as_yaml(spec: Spec) -> str:
    """The inventory as one readable YAML text (for failure messages and bug reports)."""
    return "".join(
        f"# --- {name}\n{yaml.safe_dump(data, sort_keys=False)}" for name, data in spec.items()
    )


def load(spec: Spec) -> Inventory:
    """Write the files into a temporary folder and load them through full validation."""
    with tempfile.TemporaryDirectory(prefix="prioritiser-prop-") as tmp:
        for name, data in spec.items():
            path = Path(tmp) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        try:
            return load_inventory(tmp)
        except InventoryError as exc:  # the strategy must only produce valid inventories
            problems = "\n".join(p.render() for p in exc.problems)
            pytest.fail(f"generated an invalid inventory:\n{problems}\n{as_yaml(spec)}")


def roadmap_of(
    inventory: Inventory, choices: dict[str, tuple[str, int]], builds: dict[str, int]
) -> Roadmap:
    """A roadmap.json-shaped Roadmap for the given choices (labels may leave the horizon)."""
    axis = inventory.axis
    decisions = []
    for system_id, (option_id, start) in sorted(choices.items()):
        option = inventory.system(system_id).option(option_id)
        decisions.append(
            {
                "system": system_id,
                "option": option_id,
                "kind": option.kind,
                "start": axis.label(start),
                "finish": axis.label(start + option.duration - 1),
                "npv": 0.0,
            }
        )
    platforms = [
        {
            "id": p,
            "start": axis.label(t),
            "ready": axis.label(t + inventory.platform(p).setup_duration),
        }
        for p, t in sorted(builds.items())
    ]
    return Roadmap.from_dict({"status": "feasible", "decisions": decisions, "platforms": platforms})


def recomputed_objective(inventory: Inventory, roadmap: Roadmap) -> float:
    """Sum of the decisions' NPVs minus the platforms' setup PVs, from the economics alone."""
    economics = Appraisal(inventory)
    axis = inventory.axis
    value = sum(economics.npv(d.system, d.option, axis.index(d.start)) for d in roadmap.decisions)
    cost = sum(
        economics.platform_cost_pv(inventory.platform(p.id), axis.index(p.start))
        for p in roadmap.platforms
    )
    return value - cost


# --- the properties -------------------------------------------------------------------


def assert_plan_is_optimal(spec: Spec, solver: str, method: str = "auto") -> None:
    inventory = load(spec)
    expected = brute_force(inventory)
    roadmap = plan(inventory, PlanOptions(solver=solver, gap=0.0, method=method, workers=1))
    context = f"solver {solver}, method {method}, brute force {expected}, roadmap:\n{roadmap.to_json()}\n{as_yaml(spec)}"
    if expected is None:
        assert roadmap.status == "infeasible", context
        return
    assert roadmap.status == "optimal", context
    assert roadmap.objective is not None, context
    tolerance = 1e-6 * abs(expected.objective) + 1e-3
    assert abs(roadmap.objective - expected.objective) <= tolerance, context
    assert abs(recomputed_objective(inventory, roadmap) - roadmap.objective) <= tolerance, context
    assert check_roadmap(inventory, roadmap) == [], context
    # Every figure it states is true too, as roadmap.json holds it (rounded).
    assert certify_roadmap(inventory, Roadmap.from_dict(json.loads(roadmap.to_json()))) == [], (
        context
    )


@settings(max_examples=examples(300), **COMMON)
@given(spec=inventories())
def test_highs_finds_the_brute_force_optimum(spec: Spec) -> None:
    assert_plan_is_optimal(spec, "highs")


@settings(max_examples=examples(80), **COMMON)
@given(spec=inventories())
def test_the_decomposition_finds_the_brute_force_optimum(spec: Spec) -> None:
    """`--method decompose` at gap 0: the same optimum, and infeasible exactly when the brute
    force finds nothing (its Lagrangian bound, the pool LP, the dive and the searches, then
    branch and bound from its best roadmap on a model this small)."""
    assert_plan_is_optimal(spec, "highs", "decompose")


@settings(max_examples=examples(80), **COMMON)
@given(spec=inventories())
def test_cbc_finds_the_brute_force_optimum(spec: Spec) -> None:
    assert_plan_is_optimal(spec, "cbc")


def _installed_external() -> list[str]:
    from prioritiser.solve import external

    return [n for n, spec in external.SOLVERS.items() if external.available_class(spec)]


@pytest.mark.parametrize("solver", _installed_external())
@settings(max_examples=examples(25), **COMMON)
@given(spec=inventories())
def test_every_installed_solver_finds_the_brute_force_optimum(solver: str, spec: Spec) -> None:
    """`--solver` gurobi, cplex, xpress, scip ...: the same optimum and statuses (infeasible
    exactly when the brute force finds nothing), on the few examples size limits allow."""
    assert_plan_is_optimal(spec, solver)


@settings(max_examples=examples(300), **COMMON)
@given(spec=inventories())
def test_brute_force_optimum_passes_the_checker(spec: Spec) -> None:
    inventory = load(spec)
    solution = brute_force(inventory)
    if solution is not None:
        roadmap = roadmap_of(inventory, solution.choices, solution.builds)
        assert check_roadmap(inventory, roadmap) == [], as_yaml(spec)


@st.composite
def roadmaps(draw: st.DrawFn) -> tuple[Spec, dict[str, tuple[str, int]], dict[str, int]]:
    """An inventory and an arbitrary roadmap for it: any option at any start, any builds."""
    spec = draw(inventories())
    choices = {}
    for system in spec["systems/estate.yaml"]["systems"]:
        ids = [o["id"] for o in system["options"]]
        if ids and draw(st.booleans()):
            choices[system["id"]] = (draw(st.sampled_from(ids)), draw(st.integers(0, PERIODS - 1)))
    builds = {}
    if "platforms.yaml" in spec and draw(st.booleans()):
        builds[PLATFORM] = draw(st.integers(0, PERIODS - 1))
    return spec, choices, builds


@settings(max_examples=examples(400), **COMMON)
@given(case=roadmaps())
def test_checker_agrees_with_brute_force_rules(
    case: tuple[Spec, dict[str, tuple[str, int]], dict[str, int]],
) -> None:
    spec, choices, builds = case
    inventory = load(spec)
    violations = check_roadmap(inventory, roadmap_of(inventory, choices, builds))
    feasible = BruteForce(inventory).feasible(choices, builds)
    assert feasible == (not violations), (
        f"brute force says {'feasible' if feasible else 'infeasible'}; checker: "
        f"{[v.render() for v in violations]}\nchoices {choices} builds {builds}\n{as_yaml(spec)}"
    )


def perturb(
    spec: Spec, choices: dict[str, tuple[str, int]], builds: dict[str, int], rnd: random.Random
) -> tuple[dict[str, tuple[str, int]], dict[str, int]]:
    """One small change to a roadmap: move, drop, add or switch a decision, or move a build."""
    choices, builds = dict(choices), dict(builds)
    systems = spec["systems/estate.yaml"]["systems"]
    system = rnd.choice(systems)
    ids = [o["id"] for o in system["options"]]
    action = rnd.choice(["move", "move", "drop", "switch", "build"])
    if action == "build" and "platforms.yaml" in spec:
        if PLATFORM in builds and rnd.random() < 0.3:
            del builds[PLATFORM]
        else:
            builds[PLATFORM] = max(0, builds.get(PLATFORM, 1) + rnd.choice([-1, 1]))
    elif system["id"] in choices and action == "drop":
        del choices[system["id"]]
    elif system["id"] in choices and action == "move":
        option, start = choices[system["id"]]
        choices[system["id"]] = (option, max(0, start + rnd.choice([-1, 1])))
    elif ids:
        start = choices.get(system["id"], ("", rnd.randrange(PERIODS)))[1]
        choices[system["id"]] = (rnd.choice(ids), start)
    return choices, builds


@settings(max_examples=examples(300), **COMMON)
@given(spec=inventories(), rnd=st.randoms(use_true_random=True))
def test_checker_agrees_with_brute_force_next_to_the_optimum(
    spec: Spec, rnd: random.Random
) -> None:
    inventory = load(spec)
    solution = brute_force(inventory)
    if solution is None:
        return
    choices, builds = perturb(spec, solution.choices, solution.builds, rnd)
    violations = check_roadmap(inventory, roadmap_of(inventory, choices, builds))
    feasible = BruteForce(inventory).feasible(choices, builds)
    assert feasible == (not violations), (
        f"brute force says {'feasible' if feasible else 'infeasible'}; checker: "
        f"{[v.render() for v in violations]}\nchoices {choices} builds {builds}\n{as_yaml(spec)}"
    )


# --- regressions found by the brute force ---------------------------------------------------

# A deadline that no option can meet once the platform's set-up is counted: the option
# needs `cloud` (one quarter to set up), so it can start in 2027-Q2 at the earliest and
# finishes in 2027-Q3, after the 2027-Q2 deadline. Rule 1 then has no solution.
UNREACHABLE_DEADLINE: Spec = {
    "portfolio.yaml": {
        "portfolio": {"name": "Unreachable deadline", "start": "2027-Q1", "periods": 4},
        "resources": {"capex": {"per_period": 1_000_000}},
    },
    "platforms.yaml": {"platforms": [{"id": PLATFORM, "setup_duration": 1}]},
    "systems/estate.yaml": {
        "systems": [
            {
                "id": "s0",
                "name": "System 0",
                "must_modernise_by": "2027-Q2",
                "options": [
                    {
                        "id": "o0",
                        "kind": "replatform",
                        "duration": 2,
                        "annual_saving": 100_000,
                        "requires_platforms": [PLATFORM],
                    }
                ],
            },
            {"id": "s1", "name": "System 1", "options": []},
        ]
    },
}


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_a_deadline_no_option_can_meet_is_infeasible(solver: str) -> None:
    assert brute_force(load(UNREACHABLE_DEADLINE)) is None
    assert_plan_is_optimal(UNREACHABLE_DEADLINE, solver)
