"""Property tests of the appraisal rules: `plan` against the brute-force oracle.

Random tiny estates (≤ 4 systems, 4 quarters) with every appraisal key DESIGN.md's
"Appraisal v2" section adds: optimism bias by kind, by default and per option (durations and
every money draw), `costs:` on two money resources (`capex`, `rdel`) and `cost:` beside them,
`per_year` caps on financial years that start in January, April, July or February, dual
running and ramp-up, end-of-support dates priced by criticality (with and without `npv:`),
criticalities forbidden to run unsupported, and `objective.include` leaving parts out. For
each one:

- `plan` (HiGHS; CBC on fewer) finds exactly the oracle's optimum, says "infeasible" exactly
  when the oracle finds no roadmap, and its roadmap passes `certify_roadmap` (every rule and
  every figure: the value split, the exposure left unsupported) as written to roadmap.json;
- on random roadmaps, `check_roadmap` finds violations exactly when the oracle's own rules
  reject the roadmap.

The examples are bounded for the default suite; `PRIORITISER_MORE_EXAMPLES=1` runs many more
(the `slow` ones below).
"""

from __future__ import annotations

import math
import os
import random
from typing import Any

import pytest
from bruteforce import BruteForce, brute_force, duration
from examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bruteforce_property import (
    COMMON,
    Pick,
    Spec,
    as_yaml,
    assert_plan_is_optimal,
    load,
)

from prioritiser.check import check_roadmap
from prioritiser.inventory import Inventory
from prioritiser.roadmap import Roadmap

PERIODS = 4
LABELS = ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
KINDS = ["retire", "rehost", "replatform", "refactor", "replace", "repurchase"]
CRITICALITIES = ["low", "medium", "high", "critical"]
# End-of-support dates: before the start, inside the horizon, after it, or none.
SUPPORT = [None, None, "2026-Q3", "2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2028-Q2"]
MORE = os.environ.get("PRIORITISER_MORE_EXAMPLES") == "1"


def fiscal_labels(start_month: int) -> list[str]:
    """The financial-year labels of the four quarters of 2027 (a quarter belongs to the
    financial year of its first month)."""
    out = []
    for q in range(4):
        month = 3 * q + 1
        year = 2027 if month >= start_month else 2026
        out.append(str(year) if start_month == 1 else f"{year}-{(year + 1) % 100:02d}")
    return sorted(set(out))


def bias(pick: Pick) -> dict[str, float]:
    out: dict[str, float] = {}
    if pick.chance(2):
        out["cost"] = pick.one([0.0, 0.1, 0.4, 1.0])
    if pick.chance(2):
        out["duration"] = pick.one([0.0, 0.1, 0.25, 0.3])
    return out


def adjusted(duration: int, uplift: float) -> int:
    return math.ceil(round(duration * (1 + uplift), 9))


def option_uplift(spec_bias: dict[str, Any], option: dict[str, Any]) -> float:
    """The duration uplift the generator gave an option (to keep windows valid)."""
    layers = [option.get("optimism_bias", {}), spec_bias.get(option["kind"], {})]
    layers.append(spec_bias.get("default", {}))
    return next((layer["duration"] for layer in layers if "duration" in layer), 0.0)


def random_estate(pick: Pick) -> Spec:
    """The files of a random tiny estate using every appraisal key."""
    start_month = pick.one([1, 4, 4, 7, 2])
    table: dict[str, Any] = {}
    if not pick.chance(4):
        table["default"] = bias(pick)
    for kind in KINDS:
        if pick.chance(4):
            table[kind] = bias(pick)
    count = pick.one([3, 4, 2, 4, 1])
    forbid = pick.one([[], ["critical"], ["critical", "high"], []])
    systems = []
    for i in range(count):
        options = []
        for k in range(pick.one([2, 1, 2, 0])):
            base = pick.integer(1, 3)
            option: dict[str, Any] = {"id": f"o{k}", "kind": pick.one(KINDS), "duration": base}
            money = 100_000 * base * pick.integer(0, 3)
            how = pick.integer(0, 3)
            if how == 0:
                option["cost"] = money
            elif how == 1:
                option["costs"] = {"capex": money, "rdel": 50_000 * pick.integer(0, 4)}
            elif how == 2:
                option["cost"] = money
                option["costs"] = {"rdel": 50_000 * pick.integer(1, 4)}
            else:
                option["costs"] = {"rdel": money}
            option["resource_use"] = {"engineers": pick.integer(0, 3)}
            if pick.chance(8):
                option["resource_use"]["rdel"] = 50_000 * pick.integer(0, 2)  # names rdel
            option["annual_saving"] = 100_000 * pick.one([4, 2, 6, 0, -1, 3])
            if pick.chance(3):
                option["benefits"] = [
                    {
                        "department": "hmrc",
                        "annual": 50_000 * pick.integer(-1, 6),
                        "cashable": pick.chance(2),
                    }
                ]
            option["risk_reduction"] = pick.one([0.0, 0.5, 1.0])
            option["delivery_risk"] = pick.one([1, 2, 3, 4, 5])
            if pick.chance(4):
                option["optimism_bias"] = bias(pick)
            if pick.chance(5):
                option["npv"] = 100_000 * pick.integer(-3, 15)
            while adjusted(base, option_uplift(table, option)) > PERIODS:
                option["duration"] = base = base - 1
            options.append(option)
        system: dict[str, Any] = {
            "id": f"s{i}",
            "name": f"System {i}",
            "department": pick.one(["dwp", "hmrc"]),
            "criticality": pick.one(CRITICALITIES),
            "legacy_risk": {"security": pick.integer(1, 5)},
            "options": options,
        }
        support = pick.one(SUPPORT)
        if support is not None:
            system["end_of_support"] = support
        durations = [adjusted(o["duration"], option_uplift(table, o)) for o in options]
        system.update(windows(pick, options, durations))
        if system["criticality"] in forbid and not forbid_fits(system, durations):
            system["criticality"] = pick.one(["low", "medium"])
        for j in range(i):
            constraint = pick.one([None] * 8 + ["after", "requires", "together", "none"])
            if constraint is not None:
                system.setdefault("depends_on", []).append(
                    {"system": f"s{j}", "constraint": constraint}
                )
        systems.append(system)
    resources: dict[str, Any] = {
        "capex": {"unit": "GBP", "per_period": 100_000 * pick.one([4, 3, 6, 8])},
        "engineers": {"unit": "FTE", "per_period": pick.one([4, 6, 8])},
        "rdel": {"unit": "GBP", "per_period": 50_000 * pick.one([4, 6, 10, 20])},
    }
    for name in ("capex", "rdel"):
        if pick.chance(2):
            caps = {label: 100_000 * pick.integer(0, 6) for label in fiscal_labels(start_month)}
            resources[name]["per_year"] = caps
    appraisal: dict[str, Any] = {"optimism_bias": table}
    if pick.chance(2):
        appraisal["dual_running"] = pick.integer(0, 2)
    if pick.chance(2):
        appraisal["benefit_ramp"] = pick.one([[0.5], [0.25, 0.75], [0.0, 0.5]])
    unsupported: dict[str, Any] = {
        "cost_per_year": {c: 100_000 * pick.integer(0, 8) for c in CRITICALITIES},
        "forbid": forbid,
    }
    include = pick.one(
        [
            ["cashable", "non_cashable", "risk", "unsupported"],
            ["cashable", "non_cashable", "risk", "unsupported"],
            ["cashable", "unsupported"],
            ["cashable", "non_cashable", "risk"],
        ]
    )
    return {
        "portfolio.yaml": {
            "portfolio": {
                "name": "Random appraisal estate",
                "start": LABELS[0],
                "periods": PERIODS,
                "discount_rate": pick.one([0.035, 0.1, 0.0]),
                "appraisal_years": pick.one([10, 2, 0.5]),
                "financial_year_start": start_month,
            },
            "appraisal": appraisal,
            "resources": resources,
            "risk": {
                "high_risk_threshold": 4,
                "max_concurrent_high_risk": pick.one([1, 2, 2]),
                "unsupported": unsupported,
            },
            "objective": {"risk_value_per_point": pick.one([10_000, 0]), "include": include},
        },
        "systems/estate.yaml": {"systems": systems},
    }


def windows(pick: Pick, options: list[dict[str, Any]], durations: list[int]) -> dict[str, Any]:
    """earliest_start, must_modernise_by and locked, valid for the adjusted durations."""
    out: dict[str, Any] = {}
    earliest = 0
    if pick.chance(5):
        earliest = pick.integer(0, 1)
        out["earliest_start"] = LABELS[earliest]
    fitting = [(o, d) for o, d in zip(options, durations, strict=True) if earliest + d <= PERIODS]
    if fitting and pick.chance(6):
        shortest = min(d for _, d in fitting)
        last = pick.integer(earliest + shortest - 1, PERIODS - 1)
        out["must_modernise_by"] = LABELS[last]
    if fitting and pick.chance(10):
        option, length = pick.one(fitting)
        last = PERIODS - 1
        if "must_modernise_by" in out:
            last = LABELS.index(out["must_modernise_by"])
        if earliest + length - 1 <= last:
            start = pick.integer(earliest, last - length + 1)
            out["locked"] = {"option": option["id"], "start": LABELS[start]}
    return out


def forbid_fits(system: dict[str, Any], durations: list[int]) -> bool:
    """Whether a system may be forbidden to run unsupported and still pass validation."""
    support = system.get("end_of_support")
    if support is None:
        return True
    if support < LABELS[0] or not durations:
        return False
    last = min(LABELS.index(support) if support in LABELS else PERIODS - 1, PERIODS - 1)
    deadline = system.get("must_modernise_by")
    if deadline is not None and LABELS.index(deadline) <= last:
        last = LABELS.index(deadline)
    earliest = LABELS.index(system.get("earliest_start", LABELS[0]))
    if earliest + min(durations) - 1 > last:
        return False
    lock = system.get("locked")
    if lock is not None:
        length = durations[[o["id"] for o in system["options"]].index(lock["option"])]
        return LABELS.index(lock["start"]) + length - 1 <= last
    return True


def roadmap_of(
    inventory: Inventory, choices: dict[str, tuple[str, int]], builds: dict[str, int]
) -> Roadmap:
    """A roadmap.json-shaped Roadmap for the choices; finishes as the oracle reads them
    (optimism bias applied), labels possibly outside the horizon."""
    axis = inventory.axis
    decisions = []
    for system_id, (option_id, start) in sorted(choices.items()):
        option = inventory.system(system_id).option(option_id)
        finish = start + duration(inventory, option) - 1
        decisions.append(
            {
                "system": system_id,
                "option": option_id,
                "kind": option.kind,
                "start": axis.label(start),
                "finish": axis.label(finish),
                "npv": 0.0,
            }
        )
    return Roadmap.from_dict({"status": "feasible", "decisions": decisions})


def estates() -> st.SearchStrategy[Spec]:
    return st.randoms(use_true_random=True).map(lambda rnd: random_estate(Pick(rnd)))


# --- the properties ------------------------------------------------------------------------


@settings(max_examples=examples(60), **COMMON)
@given(spec=estates())
def test_highs_finds_the_oracle_optimum_with_the_appraisal_rules(spec: Spec) -> None:
    assert_plan_is_optimal(spec, "highs")


@settings(max_examples=examples(15), **COMMON)
@given(spec=estates())
def test_cbc_finds_the_oracle_optimum_with_the_appraisal_rules(spec: Spec) -> None:
    assert_plan_is_optimal(spec, "cbc")


@st.composite
def roadmaps(draw: st.DrawFn) -> tuple[Spec, dict[str, tuple[str, int]]]:
    spec = draw(estates())
    choices = {}
    for system in spec["systems/estate.yaml"]["systems"]:
        ids = [o["id"] for o in system["options"]]
        if ids and draw(st.booleans()):
            choices[system["id"]] = (draw(st.sampled_from(ids)), draw(st.integers(0, PERIODS - 1)))
    return spec, choices


@settings(max_examples=examples(150), **COMMON)
@given(case=roadmaps())
def test_checker_agrees_with_the_oracle_on_the_appraisal_rules(
    case: tuple[Spec, dict[str, tuple[str, int]]],
) -> None:
    assert_checker_agrees(case)


def assert_checker_agrees(case: tuple[Spec, dict[str, tuple[str, int]]]) -> None:
    spec, choices = case
    inventory = load(spec)
    violations = check_roadmap(inventory, roadmap_of(inventory, choices, {}))
    feasible = BruteForce(inventory).feasible(choices, {})
    assert feasible == (not violations), (
        f"oracle says {'feasible' if feasible else 'infeasible'}; checker: "
        f"{[v.render() for v in violations]}\nchoices {choices}\n{as_yaml(spec)}"
    )


@settings(max_examples=examples(100), **COMMON)
@given(spec=estates(), rnd=st.randoms(use_true_random=True))
def test_checker_agrees_with_the_oracle_next_to_the_optimum(spec: Spec, rnd: random.Random) -> None:
    inventory = load(spec)
    solution = brute_force(inventory)
    if solution is None:
        return
    choices = dict(solution.choices)
    system = rnd.choice(spec["systems/estate.yaml"]["systems"])
    ids = [o["id"] for o in system["options"]]
    if system["id"] in choices and rnd.random() < 0.4:
        del choices[system["id"]]
    elif ids:
        start = max(0, choices.get(system["id"], ("", 1))[1] + rnd.choice([-1, 1]))
        choices[system["id"]] = (rnd.choice(ids), start)
    violations = check_roadmap(inventory, roadmap_of(inventory, choices, solution.builds))
    feasible = BruteForce(inventory).feasible(choices, solution.builds)
    assert feasible == (not violations), (
        f"oracle says {'feasible' if feasible else 'infeasible'}; checker: "
        f"{[v.render() for v in violations]}\nchoices {choices}\n{as_yaml(spec)}"
    )


@pytest.mark.slow
@pytest.mark.skipif(not MORE, reason="set PRIORITISER_MORE_EXAMPLES=1 for the long run")
@settings(max_examples=examples(600), **COMMON)
@given(spec=estates())
def test_many_more_estates_agree_with_the_oracle(spec: Spec) -> None:
    assert_plan_is_optimal(spec, "highs")


@pytest.mark.slow
@pytest.mark.skipif(not MORE, reason="set PRIORITISER_MORE_EXAMPLES=1 for the long run")
@settings(max_examples=examples(1000), **COMMON)
@given(case=roadmaps())
def test_many_more_roadmaps_agree_with_the_oracle(
    case: tuple[Spec, dict[str, tuple[str, int]]],
) -> None:
    assert_checker_agrees(case)
