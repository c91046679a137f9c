"""`replan`: work in flight is kept, the rest changes only where it pays, and each change says why."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from prioritiser.check import check_roadmap
from prioritiser.economics import Appraisal
from prioritiser.inventory import load_inventory
from prioritiser.roadmap import Decision, PlatformBuild, Roadmap, SolverInfo
from prioritiser.scenarios.replan import (
    DEFAULT_STABILITY_SHARE,
    ReplanConflict,
    ReplanInfeasible,
    lock_in_flight,
    replan,
    stability_weight,
)
from prioritiser.solve import PlanOptions, plan

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "inventories" / "demo"
SMALL = Path(__file__).parent / "fixtures" / "scenario_small"
SMALL_CUT = SMALL / "scenarios" / "budget-cut.yaml"


# A fixed previous roadmap of the small estate (feasible; checked below), so that these
# tests do not depend on which of several equally good roadmaps a solver returns.
PREVIOUS = [
    ("archive", "retire", "2027-Q1"),
    ("batch-a", "refactor", "2027-Q1"),
    ("portal", "replatform", "2027-Q1"),
    ("reports", "retire", "2027-Q1"),
    ("hr", "repurchase", "2027-Q3"),
    ("identity", "replatform", "2027-Q3"),
    ("batch-b", "refactor", "2028-Q1"),
    ("payments", "replace", "2028-Q1"),
]


def roadmap_of(inventory, decisions, platforms) -> Roadmap:
    """A roadmap of the given (system, option, start) decisions and (platform, start) builds."""
    economics = Appraisal(inventory)
    axis = inventory.axis
    placed = []
    for system, option, start in decisions:
        o = inventory.system(system).option(option)
        t = axis.index(start)
        placed.append(
            Decision(system, option, o.kind, start, axis.label(t + o.duration - 1),
                     economics.npv(system, option, t))
        )  # fmt: skip
    builds = []
    for platform, start in platforms:
        p = inventory.platform(platform)
        t = axis.index(start)
        builds.append(
            PlatformBuild(platform, start, axis.label(t + p.setup_duration),
                          economics.platform_cost_pv(p, t))
        )  # fmt: skip
    objective = sum(d.npv for d in placed) - sum(b.cost_pv for b in builds)
    return Roadmap(
        "optimal", objective, objective, 0.0, SolverInfo("test"), axis.labels, placed,
        platforms=builds,
    )  # fmt: skip


@pytest.fixture(scope="module")
def small_previous() -> Roadmap:
    inventory = load_inventory(SMALL)
    roadmap = roadmap_of(inventory, PREVIOUS, [("cloud", "2027-Q2")])
    assert check_roadmap(inventory, roadmap) == []
    return roadmap


def write_roadmap(path: Path, roadmap: Roadmap) -> Path:
    path.write_text(roadmap.to_json(), encoding="utf-8")
    return path


def index(roadmap: Roadmap) -> dict[str, tuple[str, str]]:
    return {d.system: (d.option, d.start) for d in roadmap.decisions}


@pytest.mark.slow
def test_demo_replan_as_of_2027_q4_under_the_budget_cut_keeps_work_in_flight(
    run_cli, tmp_path: Path
) -> None:
    demo = load_inventory(DEMO)
    previous = plan(demo, PlanOptions(time_limit=3))
    assert previous.has_plan
    previous_path = write_roadmap(tmp_path / "previous.json", previous)
    out = tmp_path / "replan"
    cut = DEMO / "scenarios" / "budget-cut.yaml"
    result = run_cli(
        "replan", DEMO, "--previous", previous_path, "--as-of", "2027-Q4",
        "--scenario", cut, "--time-limit", "3", "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    new = Roadmap.read(out / "roadmap.json")
    axis = demo.axis
    as_of = axis.index("2027-Q4")
    started = [d for d in previous.decisions if axis.index(d.start) < as_of]
    assert started, "the demo's roadmap starts work before 2027-Q4"
    for old in started:
        kept = new.decision(old.system)
        assert kept is not None, f"{old.system} started before 2027-Q4 and was dropped"
        assert (kept.option, kept.start, kept.finish) == (old.option, old.start, old.finish)
    for d in new.decisions:
        if d.system not in {o.system for o in started}:
            assert axis.index(d.start) >= as_of, f"{d.system} starts in the past"
    changes = json.loads((out / "changes.json").read_text())
    in_flight = {c["system"] for c in changes["kept"] if c["in_flight"]}
    assert in_flight == {d.system for d in started}
    moved = changes["changed"] + changes["dropped"] + changes["added"]
    assert moved, "a capital cut must change something not yet started"
    assert all(c["why"] for c in moved)
    assert changes["stability"]["changes"] == len(moved)
    text = (out / "changes.md").read_text()
    assert "## Changed" in text and "Why:" in text
    # The roadmap passes the independent checker exactly as it was planned.
    check = run_cli(
        "check", DEMO, "--scenario", cut, "--scenario", out / "replan-overlay.yaml",
        out / "roadmap.json",
    )  # fmt: skip
    assert check.exit_code == 0, check.stdout + check.stderr
    for name in ("summary.md", "roadmap.csv", "manifest.json"):
        assert (out / name).exists()


def test_replan_keeps_in_flight_work_and_explains_each_change(small_previous: Roadmap) -> None:
    inventory = load_inventory(SMALL, [SMALL_CUT])
    reference = load_inventory(SMALL)
    weight = stability_weight(small_previous, None)
    result = replan(
        inventory, small_previous, "2028-Q1", PlanOptions(), weight, reference=reference
    )
    assert result.roadmap.has_plan
    old, new = index(small_previous), index(result.roadmap)
    as_of = inventory.axis.index("2028-Q1")
    for system, (option, start) in old.items():
        if inventory.axis.index(start) < as_of:
            assert new[system] == (option, start)
    assert check_roadmap(result.inventory, result.roadmap) == []
    # batch-b and payments (350k + 500k a quarter from 2028-Q1) cannot both stay under 600k.
    moved = [c for c in result.changes if c.category != "kept"]
    assert moved
    for change in moved:
        assert change.why
    explained = " ".join(c.why for c in moved)
    assert "capex" in explained and "was" in explained  # names the cut and what it was
    assert result.change_count == len(moved)
    assert result.stable_objective == pytest.approx(
        (result.roadmap.objective or 0.0) - weight * len(moved)
    )


def test_with_nothing_new_an_optimal_roadmap_is_kept_as_it_is() -> None:
    inventory = load_inventory(SMALL)
    exact = PlanOptions(gap=0.0)
    previous = plan(inventory, exact)
    weight = stability_weight(previous, None)
    result = replan(inventory, previous, "2027-Q4", exact, weight)
    assert index(result.roadmap) == index(previous)
    assert result.change_count == 0
    assert {c.category for c in result.changes} == {"kept"}


def test_the_stability_weight_is_charged_in_money_per_change(small_previous: Roadmap) -> None:
    """A weight of £1 a change barely matters; it must not be scaled into a wall."""
    inventory = load_inventory(SMALL, [SMALL_CUT])
    exact = PlanOptions(gap=0.0)
    free = replan(inventory, small_previous, "2028-Q1", exact, 0.0)
    cheap = replan(inventory, small_previous, "2028-Q1", exact, 1.0)
    assert cheap.roadmap.objective == pytest.approx(free.roadmap.objective, abs=1.0 * 8)
    assert cheap.penalty_bound == pytest.approx(cheap.stable_objective, rel=1e-6)
    assert cheap.roadmap.gap == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_the_stated_gap_is_on_npv_less_the_stability_cost_with_either_solver(solver: str) -> None:
    """The solver bounds the model's objective, which rewards each kept decision; the gap
    replan states is on NPV − W × changes, whichever solver found the roadmap."""
    inventory = load_inventory(DEMO)
    previous = plan(inventory)
    weight = stability_weight(previous, None)
    result = replan(inventory, previous, "2028-Q1", PlanOptions(solver=solver), weight)
    assert result.penalty_bound is not None and result.stable_objective is not None
    assert result.penalty_bound >= result.stable_objective - 1e-6 * abs(result.stable_objective)
    slack = max(0.0, result.penalty_bound - result.stable_objective)
    assert result.roadmap.bound == pytest.approx((result.roadmap.objective or 0.0) + slack)
    assert (result.roadmap.gap or 0.0) <= 0.005 + 1e-9


def test_a_larger_stability_weight_never_makes_more_changes(small_previous: Roadmap) -> None:
    inventory = load_inventory(SMALL, [SMALL_CUT])
    free = replan(inventory, small_previous, "2028-Q1", PlanOptions(), 0.0)
    sticky = replan(inventory, small_previous, "2028-Q1", PlanOptions(), 1e7)
    assert sticky.change_count <= free.change_count
    assert (free.roadmap.objective or 0.0) >= (sticky.roadmap.objective or 0.0) - 1e-6


def test_history_keeps_the_capacity_it_actually_used(small_previous: Roadmap) -> None:
    """A cut applies from as-of on: periods already spent are not re-planned."""
    inventory = load_inventory(SMALL, [SMALL_CUT])
    as_of = inventory.axis.index("2028-Q1")
    locked, over = lock_in_flight(inventory, small_previous, as_of)
    assert over == []  # nothing in flight from 2028-Q1 on
    # 2027-Q3 drew £1m (hr, identity) against today's £600k: history keeps the £1m.
    assert locked.capacity("capex", 2) == pytest.approx(1_000_000)
    assert locked.capacity("capex", as_of) == 600_000
    assert locked.system("hr").locked is not None
    assert locked.system("payments").earliest_start == "2028-Q1"
    assert inventory.system("payments").earliest_start is None  # the input is untouched


def test_in_flight_work_over_a_cut_capacity_continues_and_is_reported(
    run_cli, tmp_path: Path, small_previous: Roadmap
) -> None:
    # hr and identity are in flight in 2027-Q4 with 6 engineers; the scenario leaves 5.
    scenario = tmp_path / "engineers.yaml"
    scenario.write_text("name: fewer-engineers\nresources:\n  engineers: {per_period: 5}\n")
    previous = write_roadmap(tmp_path / "previous.json", small_previous)
    out = tmp_path / "out"
    result = run_cli(
        "replan", SMALL, "--previous", previous, "--as-of", "2027-Q4", "--scenario", scenario,
        "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "warning: work in flight needs 6 of engineers in 2027-Q4" in result.stderr
    changes = json.loads((out / "changes.json").read_text())
    assert changes["overcommitted"] == [
        {
            "resource": "engineers",
            "period": "2027-Q4",
            "committed": 6.0,
            "capacity": 5.0,
            "in_flight": ["hr", "identity"],
        }
    ]
    new = Roadmap.read(out / "roadmap.json")
    for system in ("hr", "identity"):
        assert new.decision(system).start == small_previous.decision(system).start
    # Nothing new that needs engineers runs in the over-committed period.
    assert new.resource_use["engineers"]["2027-Q4"] == 6.0
    assert "over the revised capacity" in (out / "changes.md").read_text()
    check = run_cli(
        "check", SMALL, "--scenario", scenario, "--scenario", out / "replan-overlay.yaml",
        out / "roadmap.json",
    )  # fmt: skip
    assert check.exit_code == 0, check.stdout


def test_with_strict_capacity_over_committed_work_exits_4_with_a_diagnosis(
    run_cli, tmp_path: Path, small_previous: Roadmap
) -> None:
    scenario = tmp_path / "engineers.yaml"
    scenario.write_text("name: fewer-engineers\nresources:\n  engineers: {per_period: 5}\n")
    previous = write_roadmap(tmp_path / "previous.json", small_previous)
    out = tmp_path / "out"
    result = run_cli(
        "replan", SMALL, "--previous", previous, "--as-of", "2027-Q4", "--scenario", scenario,
        "--strict-capacity", "-o", out,
    )  # fmt: skip
    assert result.exit_code == 4, result.stderr
    assert "engineers" in result.stderr and "2027-Q4" in result.stderr
    diagnosis = (out / "diagnosis.md").read_text()
    assert "work in flight" in diagnosis and "engineers" in diagnosis
    assert not (out / "roadmap.json").exists()


def test_the_infeasibility_error_names_the_in_flight_conflict(small_previous: Roadmap) -> None:
    inventory = load_inventory(SMALL)
    tight = inventory.resources["engineers"].model_copy(update={"per_period": 5.0})
    inventory = replace(inventory, resources={**inventory.resources, "engineers": tight})
    with pytest.raises(ReplanInfeasible) as caught:
        replan(inventory, small_previous, "2027-Q4", PlanOptions(), 0.0, honour_commitments=False)
    assert any("engineers" in f and "2027-Q4" in f for f in caught.value.findings)


def test_a_previous_roadmap_of_another_estate_is_refused(small_previous: Roadmap) -> None:
    stranger = Decision("mainframe", "rehost", "rehost", "2027-Q1", "2027-Q1", 0.0)
    previous = replace(small_previous, decisions=[*small_previous.decisions, stranger])
    with pytest.raises(ReplanConflict, match="mainframe"):
        replan(load_inventory(SMALL), previous, "2027-Q4", PlanOptions(), 0.0)


def test_the_cli_refuses_a_mismatched_roadmap_and_a_bad_period(
    run_cli, tmp_path: Path, small_previous: Roadmap
) -> None:
    stranger = Decision("mainframe", "rehost", "rehost", "2027-Q1", "2027-Q1", 0.0)
    bad = write_roadmap(tmp_path / "bad.json", replace(small_previous, decisions=[stranger]))
    result = run_cli("replan", SMALL, "--previous", bad, "--as-of", "2027-Q4", "-o", tmp_path)
    assert result.exit_code == 2
    assert "mainframe" in result.stderr
    good = write_roadmap(tmp_path / "good.json", small_previous)
    result = run_cli("replan", SMALL, "--previous", good, "--as-of", "2031-Q1", "-o", tmp_path)
    assert result.exit_code == 2
    assert "outside the planning horizon" in result.stderr


def test_the_stability_weight_is_money_or_a_share_of_the_previous_npv() -> None:
    previous = Roadmap("optimal", 10_000_000.0, None, None, None, [])  # type: ignore[arg-type]
    assert stability_weight(previous, None) == pytest.approx(DEFAULT_STABILITY_SHARE * 1e7)
    assert stability_weight(previous, "0.5%") == pytest.approx(50_000)
    assert stability_weight(previous, "250000") == 250_000
    assert stability_weight(previous, "0") == 0
    for bad in ("lots", "-5", "nan"):
        with pytest.raises(ValueError):
            stability_weight(previous, bad)


def test_a_decision_locked_since_the_previous_roadmap_is_a_forced_change(
    tmp_path: Path, small_previous: Roadmap
) -> None:
    overlay = tmp_path / "decided.yaml"
    overlay.write_text(
        "name: decided\nsystems:\n  batch-b: {locked: {option: refactor, start: 2028-Q3}}\n"
    )
    inventory = load_inventory(SMALL, [overlay])
    result = replan(inventory, small_previous, "2028-Q1", PlanOptions(), 1e7)
    change = next(c for c in result.changes if c.system == "batch-b")
    assert change.category == "changed" and change.forced
    assert "locked in the inventory" in change.why
    assert result.roadmap.decision("batch-b").start == "2028-Q3"
    assert result.change_count == sum(
        1 for c in result.changes if c.category != "kept" and c.system != "batch-b"
    )
