"""`frontier`: the best NPV never falls as a resource's capacity grows."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from prioritiser.check import check_roadmap
from prioritiser.inventory import load_inventory
from prioritiser.reports import frontier as frontier_report
from prioritiser.reports.frontier import CSV_COLUMNS, render_chart, render_csv
from prioritiser.scenarios import frontier as frontier_module
from prioritiser.scenarios.frontier import frontier, frontier_scales
from prioritiser.scenarios.variants import capacity_total, scale_resource
from prioritiser.solve import PlanOptions

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "inventories" / "demo"
SMALL = Path(__file__).parent / "fixtures" / "scenario_small"


@pytest.mark.slow
def test_demo_frontier_with_five_steps_is_non_decreasing_in_objective(
    run_cli, tmp_path: Path
) -> None:
    result = run_cli(
        "frontier", DEMO, "--resource", "capex", "--steps", "5", "--from", "1.0", "--to", "1.4",
        "--time-limit", "2", "-o", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    with (tmp_path / "frontier.csv").open() as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        rows = list(reader)
    # With less capital the demo cannot finish its critical systems before their end of
    # support (risk.unsupported.forbid): what would more buy?
    assert [float(r["capacity_scale"]) for r in rows] == [1.0, 1.1, 1.2, 1.3, 1.4]
    totals = [float(r["capacity_total"]) for r in rows]
    # 2026-27: £0.8m; 2027-28, 2028-29: £7.0m capped; 2029-30: £5.0m capped.
    assert totals == sorted(totals) and totals[0] == 19_800_000
    objectives = [float(r["objective"]) for r in rows if r["objective"]]
    assert len(objectives) == 5
    assert all(a <= b for a, b in pairwise(objectives)), objectives
    data = json.loads((tmp_path / "frontier.json").read_text())
    assert len(data["marginal_values"]) == 4
    assert all(m["value_per_unit"] >= 0 for m in data["marginal_values"])
    html = (tmp_path / "frontier.html").read_text()
    assert 'id="frontier-chart"' in html
    assert "Marginal value" in (tmp_path / "frontier.md").read_text()


def test_scales_are_evenly_spaced_and_validated() -> None:
    assert frontier_scales(0.5, 1.5, 5) == [0.5, 0.75, 1.0, 1.25, 1.5]
    assert frontier_scales(0.8, 0.8, 1) == [0.8]
    with pytest.raises(ValueError):
        frontier_scales(1.5, 0.5, 3)
    with pytest.raises(ValueError):
        frontier_scales(0.5, 1.5, 0)


def test_scaling_a_resource_scales_per_period_overrides_and_total() -> None:
    inventory = load_inventory(SMALL)
    doubled = scale_resource(inventory, "capex", 2.0)
    assert doubled.capacity("capex", 0) == 2 * inventory.capacity("capex", 0)  # an override
    assert doubled.capacity("capex", 3) == 2_000_000
    assert doubled.resources["capex"].total == 12_000_000
    assert doubled.resources["engineers"] == inventory.resources["engineers"]
    # 600k + 7 × 1m = 7.6m a horizon, capped by the 6m total.
    assert capacity_total(inventory, "capex") == 6_000_000
    assert capacity_total(scale_resource(inventory, "capex", 0.5), "capex") == 3_000_000
    assert inventory.capacity("capex", 3) == 1_000_000  # the original is untouched


def test_each_step_is_warm_started_from_the_previous_roadmap(monkeypatch) -> None:
    starts = []
    real_plan = frontier_module.plan

    def spy(inventory, options, *args, **kwargs):
        starts.append(options.warm_start)
        return real_plan(inventory, options, *args, **kwargs)

    monkeypatch.setattr(frontier_module, "plan", spy)
    result = frontier(load_inventory(SMALL), "capex", [0.8, 1.0, 1.2], PlanOptions())
    assert starts[0] is None
    assert starts[1] is result.steps[0].roadmap
    assert starts[2] is result.steps[1].roadmap
    objectives = [s.objective for s in result.steps]
    assert objectives == sorted(objectives)


def test_a_worse_answer_from_the_solver_is_replaced_by_the_previous_roadmap(monkeypatch) -> None:
    """Monotonicity is enforced, not hoped for: a step that comes back worse (a gap, a time
    limit) keeps the previous step's roadmap, which more capacity leaves feasible."""
    inventory = load_inventory(SMALL)
    real_plan = frontier_module.plan
    calls = {"n": 0}

    def worse_on_second_step(inv, options, *args, **kwargs):
        calls["n"] += 1
        roadmap = real_plan(inv, options, *args, **kwargs)
        if calls["n"] == 2:
            # Drop the most valuable optional decision: still feasible, but worse.
            optional = [d for d in roadmap.decisions if d.system not in ("portal", "batch-a")]
            best = max(optional, key=lambda d: d.npv)
            decisions = [d for d in roadmap.decisions if d is not best]
            objective = (roadmap.objective or 0.0) - best.npv
            bound = roadmap.bound or 0.0
            return replace(
                roadmap,
                objective=objective,
                gap=(bound - objective) / abs(objective),  # its figures stay true
                resource_use={},
                status="feasible",
                value=None,  # its value split is not restated either
                npv=None,
                decisions=[replace(d, value=None) for d in decisions],
            )
        return roadmap

    monkeypatch.setattr(frontier_module, "plan", worse_on_second_step)
    result = frontier(inventory, "capex", [1.0, 1.1], PlanOptions())
    first, second = result.steps
    assert second.carried_forward
    assert second.objective == first.objective
    assert second.roadmap.decisions == first.roadmap.decisions
    assert second.roadmap.status == "feasible"
    scaled = scale_resource(inventory, "capex", 1.1)
    assert check_roadmap(scaled, second.roadmap) == []
    assert "carried forward" in frontier_report.render_markdown(result)


def test_infeasible_low_capacity_steps_are_rows_without_an_objective() -> None:
    inventory = load_inventory(SMALL)
    result = frontier(inventory, "capex", [0.0, 1.0], PlanOptions())
    assert result.steps[0].roadmap.status == "infeasible"
    assert result.steps[1].feasible
    lines = render_csv(result).splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert lines[1] == "0,0,,infeasible,,"
    assert result.marginal_values() == []


def test_the_chart_is_self_contained_and_byte_identical_between_runs() -> None:
    result = frontier(load_inventory(SMALL), "engineers", [0.75, 1.0], PlanOptions())
    first, second = render_chart(result), render_chart(result)
    assert first == second
    assert first.count('id="frontier-chart"') == 1
    assert "<script src=" not in first.replace(" ", "")  # plotly.js inline, no CDN
    assert first.count("plotly.js v") >= 1


def test_an_unknown_resource_is_a_usage_error(run_cli, tmp_path: Path) -> None:
    result = run_cli("frontier", SMALL, "--resource", "capx", "-o", tmp_path)
    assert result.exit_code == 2
    assert "capex" in result.stderr
