"""`robustness`: Monte Carlo over cost, duration and benefits, reproducible whatever runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prioritiser.inventory import load_inventory
from prioritiser.model.candidates import option_starts
from prioritiser.reports.robustness import details_data, render_chart, robustness_data
from prioritiser.roadmap import Roadmap
from prioritiser.scenarios.robustness import (
    DEFAULT_RANGES,
    DIMENSIONS,
    draw,
    evaluate,
    percentile,
    ranges_for,
    robustness,
    sample_inventory,
)
from prioritiser.solve import PlanOptions, plan

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "inventories" / "demo"
SMALL = Path(__file__).parent / "fixtures" / "scenario_small"
KINDS = ("retire", "rehost", "replatform", "refactor", "replace", "repurchase")


@pytest.fixture(scope="module")
def small() -> tuple:
    inventory = load_inventory(SMALL)
    return inventory, plan(inventory, PlanOptions())


def with_uncertainty(tmp_path: Path, block: str) -> Path:
    """A copy of the small estate with an `uncertainty:` block in portfolio.yaml."""
    root = tmp_path / "estate"
    (root / "systems").mkdir(parents=True)
    text = (SMALL / "portfolio.yaml").read_text() + block
    (root / "portfolio.yaml").write_text(text)
    (root / "platforms.yaml").write_text((SMALL / "platforms.yaml").read_text())
    (root / "systems" / "estate.yaml").write_text((SMALL / "systems" / "estate.yaml").read_text())
    return root


def fixed(value: float) -> str:
    lines = ["uncertainty:"]
    for dim in DIMENSIONS:
        lines.append(f"  {dim}:")
        lines += [f"    {kind}: {{low: {value}, high: {value}}}" for kind in KINDS]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_demo_twenty_samples_complete_with_ordered_percentiles(run_cli, tmp_path: Path) -> None:
    result = run_cli(
        "robustness", DEMO, "--samples", "20", "--workers", "2", "--time-limit", "1",
        "--gap", "0.02", "-o", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "robustness.json").read_text())
    assert set(data) == {"samples", "npv", "budget_breach_probability", "selection_frequency"}
    assert data["samples"] == 20
    npv = data["npv"]
    assert set(npv) == {"p10", "p50", "p90", "mean"}
    assert npv["p10"] <= npv["p50"] <= npv["p90"]
    demo = load_inventory(DEMO)
    assert set(data["budget_breach_probability"]) == set(demo.resources)
    assert set(data["selection_frequency"]) == {s.id for s in demo.systems}
    assert all(0 <= p <= 1 for p in data["budget_breach_probability"].values())
    assert all(0 <= p <= 1 for p in data["selection_frequency"].values())
    # The locked in-flight project is in every re-optimised roadmap.
    assert data["selection_frequency"]["hmrc-tax-web-portal"] == 1.0
    html = (tmp_path / "robustness.html").read_text()
    assert 'id="robustness-histogram"' in html
    assert len((tmp_path / "samples.csv").read_text().splitlines()) == 21
    assert "p50" in result.stdout


def test_the_same_seed_gives_the_same_results_whatever_the_workers(small) -> None:
    """Dask is compared with the process pool (and with one process) for a seed."""
    distributed = pytest.importorskip("distributed")
    inventory, baseline = small
    options = PlanOptions()
    alone = robustness(inventory, baseline, 8, 11, options, workers=1)
    pooled = robustness(inventory, baseline, 8, 11, options, workers=2)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        on_dask = robustness(
            inventory, baseline, 8, 11, options, dask_scheduler=cluster.scheduler_address
        )
    assert alone.results == pooled.results == on_dask.results
    assert robustness_data(alone) == robustness_data(pooled) == robustness_data(on_dask)
    assert details_data(alone) == details_data(on_dask)
    other_seed = robustness(inventory, baseline, 8, 12, options, workers=1)
    assert other_seed.results != alone.results


def test_a_sample_depends_only_on_seed_and_index(small) -> None:
    inventory, _ = small
    ranges = ranges_for(inventory)
    assert draw(inventory, ranges, 3, 5) == draw(inventory, ranges, 3, 5)
    assert draw(inventory, ranges, 3, 5) != draw(inventory, ranges, 3, 6)
    assert draw(inventory, ranges, 3, 5) != draw(inventory, ranges, 4, 5)
    for (system, option), m in draw(inventory, ranges, 3, 5).items():
        kind = inventory.system(system).option(option).kind
        for dim in DIMENSIONS:
            low, high = DEFAULT_RANGES[dim][kind]
            assert low <= getattr(m, dim) <= high


def test_sampled_durations_stay_whole_and_inside_their_windows(small) -> None:
    inventory, _ = small
    ranges = ranges_for(inventory)
    for index in range(30):
        sampled = sample_inventory(inventory, draw(inventory, ranges, 0, index))
        for system in inventory.systems:
            for option in system.options:
                new = sampled.system(system.id).option(option.id)
                assert isinstance(new.duration, int)
                assert new.duration >= max(1, option.duration)
                before = list(option_starts(inventory, system, option))
                after = list(option_starts(sampled, sampled.system(system.id), new))
                assert bool(after) == bool(before), (system.id, option.id, new.duration)
                assert new.cost >= option.cost


def test_with_unit_multipliers_the_baseline_is_evaluated_exactly(small, tmp_path: Path) -> None:
    inventory = load_inventory(with_uncertainty(tmp_path, fixed(1.0)))
    baseline = plan(inventory, PlanOptions())
    sampled = sample_inventory(inventory, draw(inventory, ranges_for(inventory), 0, 0))
    npv, breaches = evaluate(sampled, baseline)
    assert npv == pytest.approx(baseline.objective)
    assert breaches == ()
    result = robustness(inventory, baseline, 3, 0, PlanOptions(), workers=1)
    assert robustness_data(result)["npv"]["p50"] == pytest.approx(baseline.objective, abs=0.01)
    assert all(p == 0 for p in robustness_data(result)["budget_breach_probability"].values())


def test_portfolio_uncertainty_overrides_the_default_ranges(tmp_path: Path) -> None:
    block = "uncertainty:\n  cost:\n    refactor: {low: 2.0, high: 2.0}\n"
    inventory = load_inventory(with_uncertainty(tmp_path, block))
    ranges = ranges_for(inventory)
    assert ranges.of("cost", "refactor") == (2.0, 2.0)
    assert ranges.of("cost", "replace") == DEFAULT_RANGES["cost"]["replace"]
    sampled = sample_inventory(inventory, draw(inventory, ranges, 0, 0))
    assert sampled.system("batch-b").option("refactor").cost == pytest.approx(1_400_000)


def test_infeasible_samples_are_counted_not_fatal(tmp_path: Path) -> None:
    # Refactoring costs five times as much: batch-a (deadline 2028-Q4) would need £1.5m a
    # quarter against £1m, so no roadmap meets its deadline.
    block = "uncertainty:\n  cost:\n    refactor: {low: 5.0, high: 5.0}\n"
    inventory = load_inventory(with_uncertainty(tmp_path, block))
    baseline = plan(load_inventory(SMALL), PlanOptions())
    result = robustness(inventory, baseline, 3, 0, PlanOptions(), workers=1)
    details = details_data(result)
    assert details["infeasible_share"] == 1.0
    assert details["reoptimised_npv"] is None
    data = robustness_data(result)
    assert data["samples"] == 3
    assert data["budget_breach_probability"]["capex"] == 1.0
    assert set(data["selection_frequency"].values()) == {0.0}
    assert 'id="robustness-histogram"' in render_chart(result)  # renders without plans


def test_percentiles_interpolate_linearly() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 10) == pytest.approx(1.4)
    assert percentile(values, 90) == pytest.approx(4.6)
    assert percentile([7.0], 90) == 7.0


def test_workers_and_a_dask_scheduler_together_are_a_usage_error(run_cli, tmp_path: Path) -> None:
    result = run_cli(
        "robustness", SMALL, "--workers", "2", "--dask-scheduler", "tcp://127.0.0.1:1",
        "-o", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 2


def test_an_existing_roadmap_can_be_stressed_instead_of_a_new_plan(
    run_cli, tmp_path: Path, small
) -> None:
    _, baseline = small
    path = tmp_path / "roadmap.json"
    path.write_text(baseline.to_json())
    result = run_cli(
        "robustness", SMALL, "--roadmap", path, "--samples", "2", "--workers", "1",
        "-o", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    details = json.loads((tmp_path / "out" / "robustness-details.json").read_text())
    assert details["baseline_npv"] == pytest.approx(Roadmap.read(path).objective, abs=0.01)
