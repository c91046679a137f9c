"""Strengthening is valid: it never cuts off a roadmap the rules allow.

On random tiny estates (the generators of `test_bruteforce_property.py` and, with every
appraisal rule — end-of-support deadlines under `risk.unsupported.forbid`, `per_year` caps on
money resources, optimism bias on durations, dual running and ramp — of
`test_appraisal_property.py`, loaded through full validation), checked against the
independent brute force (`tests/bruteforce.py`): every start
`strengthen.precedence_prunable` drops is one no feasible roadmap takes — the estate with
that start *locked* in has no roadmap at all — and the model finds the brute-force optimum
both with the pruning and without it. Bounded examples in the default suite;
`PRIORITISER_MORE_EXAMPLES=1` runs many more (the `slow` tests).
"""

from __future__ import annotations

import copy
import os

import pytest
from bruteforce import brute_force
from examples import examples
from hypothesis import given, settings
from test_appraisal_property import estates as appraised_estates
from test_bruteforce_property import COMMON, LABELS, Spec, as_yaml, inventories, load

from prioritiser.economics import Appraisal
from prioritiser.graph import EstateGraph
from prioritiser.inventory import Inventory
from prioritiser.model import formulate
from prioritiser.model.candidates import enumerate_candidates
from prioritiser.model.formulation import Formulation
from prioritiser.model.strengthen import precedence_prunable
from prioritiser.solve import PlanOptions
from prioritiser.solve.plan import chosen_candidates, solve

MORE = os.environ.get("PRIORITISER_MORE_EXAMPLES") == "1"


def dropped_starts(inventory: Inventory) -> set[tuple[str, str, int]]:
    estate = inventory.estate
    candidates = enumerate_candidates(estate, Appraisal.of(inventory))
    return precedence_prunable(estate, EstateGraph.of(estate), candidates)


def locked(spec: Spec, system: str, option: str, start: int) -> Spec:
    """The estate with `system` locked to `option` started in period `start`."""
    out = copy.deepcopy(spec)
    for entry in out["systems/estate.yaml"]["systems"]:
        if entry["id"] == system:
            entry["locked"] = {"option": option, "start": LABELS[start]}
    return out


def optimum_of(model: Formulation) -> float | None:
    """The model's optimum in money (None: infeasible), solved to a zero gap."""
    result = solve(model, PlanOptions(gap=0.0, strategy="mip"), None)
    if not result.status.has_plan:
        return None
    picks, builds = chosen_candidates(model, result)
    return sum(c.npv for c in picks) - sum(b.cost_pv for b in builds)


def assert_same_optimum(found: float | None, spec: Spec, inventory: Inventory) -> None:
    expected = brute_force(inventory)
    if expected is None:
        assert found is None, as_yaml(spec)
        return
    assert found is not None, as_yaml(spec)
    assert abs(found - expected.objective) <= 1e-6 * abs(expected.objective) + 1e-3, as_yaml(spec)


def check_precedence_windows(spec: Spec) -> None:
    inventory = load(spec)
    for system, option, start in sorted(dropped_starts(inventory)):
        forced = load(locked(spec, system, option, start))
        assert brute_force(forced) is None, (
            f"dropped {system}/{option} at {LABELS[start]}, yet a roadmap takes it\n"
            + as_yaml(spec)
        )
    assert_same_optimum(optimum_of(formulate(inventory, presolve=True)), spec, inventory)
    assert_same_optimum(optimum_of(formulate(inventory, presolve=False)), spec, inventory)


@settings(max_examples=examples(40), **COMMON)
@given(spec=inventories())
def test_no_feasible_roadmap_takes_a_start_the_precedence_windows_drop(spec: Spec) -> None:
    check_precedence_windows(spec)


@settings(max_examples=examples(40), **COMMON)
@given(spec=appraised_estates())
def test_the_precedence_windows_hold_under_the_appraisal_rules(spec: Spec) -> None:
    """End of support forbidden is a deadline like must_modernise_by (the system is
    mandatory, its candidates finish by it); per_year caps and dual running only restrict
    money, which the windows never read."""
    check_precedence_windows(spec)


@pytest.mark.slow
@pytest.mark.skipif(not MORE, reason="set PRIORITISER_MORE_EXAMPLES=1 for the long run")
@settings(max_examples=examples(250), **COMMON)
@given(spec=inventories())
def test_precedence_windows_on_many_more_estates(spec: Spec) -> None:
    check_precedence_windows(spec)


@pytest.mark.slow
@pytest.mark.skipif(not MORE, reason="set PRIORITISER_MORE_EXAMPLES=1 for the long run")
@settings(max_examples=examples(200), **COMMON)
@given(spec=appraised_estates())
def test_precedence_windows_on_many_more_appraised_estates(spec: Spec) -> None:
    check_precedence_windows(spec)


def test_the_demo_model_leaves_out_exactly_the_starts_the_windows_drop() -> None:
    from pathlib import Path

    from prioritiser.inventory import load_inventory
    from prioritiser.model.presolve import dominated_options

    inventory = load_inventory(Path(__file__).parent.parent / "inventories" / "demo")
    estate = inventory.estate
    appraisal = Appraisal.of(inventory)
    presolved = enumerate_candidates(estate, appraisal, dominated_options(estate, appraisal))
    expected = precedence_prunable(estate, EstateGraph.of(estate), presolved)
    model = formulate(inventory, presolve=True)
    kept = {(c.system, c.option, c.start) for c in model.candidates.candidates}
    assert expected, "the demo's requires and safe-retirement links drop some starts"
    assert kept == {(c.system, c.option, c.start) for c in presolved.candidates} - expected


def test_a_platform_only_dropped_starts_needed_gets_no_set_up(write_inventory, tmp_path) -> None:
    """s1's retirement (the one option needing `cloud`) cannot happen: s0 uses s1 and has no
    option to finish first. With it dropped, `cloud` has no user and no set-up columns
    (a free set-up column would let a solver build a platform nothing uses)."""
    portfolio = {
        "portfolio": {"name": "Unused platform", "start": "2027-Q1", "periods": 4},
        "resources": {"capex": {"per_period": 400_000}},
    }
    systems = [
        {"id": "s0", "name": "S0", "options": [], "depends_on": [{"system": "s1"}]},
        {
            "id": "s1",
            "name": "S1",
            "options": [
                {"id": "o0", "kind": "retire", "duration": 1, "requires_platforms": ["cloud"]},
                {"id": "o1", "kind": "replatform", "duration": 1, "annual_saving": 100_000},
            ],
        },
    ]
    platforms = [{"id": "cloud", "setup_duration": 1}]
    from prioritiser.inventory import load_inventory

    inventory = load_inventory(write_inventory(tmp_path, portfolio, systems, platforms))
    model = formulate(inventory, presolve=True)
    assert all(not c.retires for c in model.candidates.candidates)
    assert model.candidates.builds == []
    assert model.whole is not None and model.whole.builds
