"""`track`: earned value to the penny, benefits, RAG and the re-forecast, as specifications.

tests/fixtures/track-small is an estate of four systems with a hand-written baseline and
actuals to 2027-Q3 (YAML and CSV). Worked out by hand (cost spread evenly over each
option's periods; EV = percent × BAC):

    system   BAC      planned periods  PV       %    EV       AC       SPI    CPI    EAC
    ledger   400,000  Q1–Q4: 3 of 4    300,000  50   200,000  360,000  0.667  0.556  720,000
    portal   100,000  Q2–Q3: 2 of 2    100,000  100  100,000  100,000  1      1      100,000
    archive   20,000  Q1:    1 of 1     20,000  100   20,000   20,000  1      1       20,000
    batch    300,000  Q4–:   0 of 3          0    0        0        0  null   null   null
    total    820,000                   420,000       320,000  480,000  0.762  0.667  1,230,000

The ledger is 50 % done after 3 quarters: at that rate it needs 3 more (finish 2028-Q2,
2 late) and, at CPI 5/9, costs 360,000 + 200,000 ÷ (5/9) = 720,000 at completion.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from prioritiser.check import check_roadmap
from prioritiser.inventory import load_inventory
from prioritiser.roadmap import Roadmap
from prioritiser.solve import PlanOptions, plan
from prioritiser.tasks import PlanRequest, TrackRequest, plan_estate, track_estate
from prioritiser.tracking import check_baseline
from prioritiser.tracking.forecast import remaining_periods

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "track-small"
DEMO = Path(__file__).resolve().parent.parent / "inventories" / "demo"


def track(inventory: Path, baseline: Path, as_of: str, out: Path, **kw: Any) -> dict[str, Any]:
    track_estate(TrackRequest(inventory, baseline, as_of, out, **kw))
    return json.loads((out / "tracking.json").read_text(encoding="utf-8"))


def by_system(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["system"]: s for s in data["systems"]}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("track-small")
    return track(SMALL, SMALL / "baseline.json", "2027-Q3", out) | {"_out": out}


def copy_without_actuals(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("actuals", "baseline.json"))
    return target


def write_actuals(root: Path, rows: list[dict[str, Any]], name: str = "actuals.yaml") -> None:
    folder = root / "actuals"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(yaml.safe_dump({"actuals": rows}, sort_keys=False))


# --- earned value, by hand ---------------------------------------------------------------------


def test_portfolio_earned_value_matches_the_hand_computed_fixture(small: dict[str, Any]) -> None:
    p = small["portfolio"]
    assert (p["bac"], p["pv"], p["ev"], p["ac"]) == (820_000, 420_000, 320_000, 480_000)
    assert p["spi"] == pytest.approx(320 / 420, abs=1e-6)
    assert p["cpi"] == pytest.approx(320 / 480, abs=1e-6)
    assert p["eac"] == pytest.approx(1_230_000, abs=0.01)


@pytest.mark.parametrize(
    ("system", "figures"),
    [
        ("ledger", (400_000, 300_000, 200_000, 360_000, 2 / 3, 5 / 9, 720_000)),
        ("portal", (100_000, 100_000, 100_000, 100_000, 1.0, 1.0, 100_000)),
        ("archive", (20_000, 20_000, 20_000, 20_000, 1.0, 1.0, 20_000)),
        ("batch", (300_000, 0, 0, 0, None, None, None)),
    ],
)
def test_each_system_earned_value_matches_the_hand_computed_fixture(
    small: dict[str, Any], system: str, figures: tuple[Any, ...]
) -> None:
    s = by_system(small)[system]
    got = tuple(s[k] for k in ("bac", "pv", "ev", "ac", "spi", "cpi", "eac"))
    assert got == pytest.approx(figures, abs=1e-6)


def test_the_s_curve_is_cumulative_planned_earned_and_actual_cost(small: dict[str, Any]) -> None:
    curve = small["s_curve"]
    assert curve["planned"] == [120e3, 270e3, 420e3, 620e3, 720e3, 820e3, 820e3, 820e3]
    assert curve["earned"] == [100e3, 230e3, 320e3]  # to as-of only
    assert curve["actual"] == [140e3, 300e3, 480e3]
    # Then the re-forecast: the ledger's remaining 360k over 3 quarters, the batch's 300k over 3.
    assert curve["forecast"] == [None, None, 480e3, 700e3, 920e3, 1140e3, 1140e3, 1140e3]


def test_an_overrun_is_forecast_at_its_rates_of_progress_and_cost(small: dict[str, Any]) -> None:
    ledger = by_system(small)["ledger"]
    assert ledger["status"] == "in_flight" and ledger["percent_complete"] == 50
    assert (ledger["forecast_finish"], ledger["slip_periods"]) == ("2028-Q2", 2)
    assert ledger["forecast_cost"] == pytest.approx(720_000, abs=0.01)  # = EAC here
    assert small["eac_formula"] == "BAC / CPI"


def test_benefits_are_planned_from_each_finish_and_realised_as_reported(
    small: dict[str, Any],
) -> None:
    # The archive retired in Q1: two quarters of its 40k a year planned, 20k reported.
    archive = by_system(small)["archive"]
    assert (archive["benefits_planned"], archive["benefits_realised"]) == (20_000, 20_000)
    # The ledger saved 5k before it finished: realised, none planned yet.
    ledger = by_system(small)["ledger"]
    assert (ledger["benefits_planned"], ledger["benefits_realised"]) == (0, 5_000)
    assert small["departments"] == [
        {
            "department": "Finance",
            "cashable_planned": 20_000,
            "cashable_realised": 25_000,
            "non_cashable_planned": 0,
            "non_cashable_realised": 0,
        }
    ]
    assert small["money"].startswith("undiscounted cash in GBP")


def test_each_system_has_a_rag_status_and_the_rule_that_set_it(small: dict[str, Any]) -> None:
    rags = {s: (d["rag"], d["rag_rule"]) for s, d in by_system(small).items()}
    # Red by cost, the first rule giving red; the 2-period slip and SPI are findings too.
    assert rags["ledger"] == ("red", "cost: CPI 0.56, below 0.85")
    findings = by_system(small)["ledger"]["rag_findings"]
    assert "slip: 2 periods late (limit 2)" in findings
    assert rags["portal"] == ("green", "done: done within every threshold")
    assert rags["batch"] == ("green", "not due: not due to start until 2027-Q4")
    assert small["portfolio"]["rag"] == {"green": 3, "amber": 0, "red": 1}


def test_rag_thresholds_are_read_from_portfolio_yaml(tmp_path: Path) -> None:
    root = shutil.copytree(SMALL, tmp_path / "estate")
    portfolio = yaml.safe_load((root / "portfolio.yaml").read_text())
    portfolio["tracking"] = {
        "cpi": {"amber_below": 0.6, "red_below": 0.5},
        "spi": {"amber_below": 0.7, "red_below": 0.6},
        "slip_periods": {"amber_from": 2, "red_from": 4},
    }
    (root / "portfolio.yaml").write_text(yaml.safe_dump(portfolio))
    data = track(root, root / "baseline.json", "2027-Q3", tmp_path / "out")
    ledger = by_system(data)["ledger"]
    assert (ledger["rag"], ledger["rag_rule"]) == ("amber", "cost: CPI 0.56, below 0.6")
    assert data["thresholds"]["slip_periods"] == {"amber_from": 2, "red_from": 4}


def test_remaining_periods_follow_the_rate_of_progress() -> None:
    assert remaining_periods(3, 50, 4) == 3
    assert remaining_periods(5, 75, 4) == 2  # 1.67 rounds to 2
    assert remaining_periods(2, 65, 3) == 1  # 1.08 rounds to 1
    assert remaining_periods(1, 80, 4) == 1  # at least one: it is not done
    assert remaining_periods(2, 0, 4) == 4  # no progress to go by: the planned duration
    assert remaining_periods(2, 100, 4) == 1  # in flight at 100 %: finishes next period


# --- SPI and CPI are 1.0 when the actuals are the plan -----------------------------------------


def test_spi_and_cpi_are_one_when_actuals_equal_the_plan(tmp_path: Path) -> None:
    root = copy_without_actuals(SMALL, tmp_path / "estate")
    planned = plan_estate(PlanRequest(root, tmp_path / "plan"))
    inventory, roadmap = planned.inventory, planned.roadmap
    as_of = 4  # 2028-Q1
    rows = []
    for d in roadmap.decisions:
        option = inventory.system(d.system).option(d.option)
        start = inventory.axis.index(d.start)
        for t in range(start, min(start + option.duration - 1, as_of) + 1):
            share = (t - start + 1) / option.duration
            rows.append(
                {
                    "system": d.system,
                    "period": inventory.axis.label(t),
                    "status": "done" if share == 1 else "in_flight",
                    "percent_complete": round(100 * share, 6),
                    "spend": option.cost / option.duration,
                }
            )
    write_actuals(root, rows)
    data = track(root, tmp_path / "plan" / "roadmap.json", "2028-Q1", tmp_path / "out")
    started = [s for s in data["systems"] if s["ac"] > 0]
    assert started, "the plan starts something by 2028-Q1"
    for s in started:
        assert s["spi"] == pytest.approx(1.0) and s["cpi"] == pytest.approx(1.0), s["system"]
    assert data["portfolio"]["spi"] == pytest.approx(1.0)
    assert data["portfolio"]["cpi"] == pytest.approx(1.0)
    assert all(s["slip_periods"] in (0, None) for s in data["systems"])


# --- the re-forecast -----------------------------------------------------------------------------


def roadmap_without_timing(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["solver"].pop("seconds")
    return data


def test_the_reforecast_is_the_plain_plan_when_nothing_has_started(tmp_path: Path) -> None:
    root = copy_without_actuals(SMALL, tmp_path / "estate")
    plan_estate(PlanRequest(root, tmp_path / "plan"))
    data = track(root, tmp_path / "plan" / "roadmap.json", "2026-Q4", tmp_path / "out")
    assert data["reforecast"]["first_period"] == "2027-Q1"
    plain = roadmap_without_timing(tmp_path / "plan" / "roadmap.json")
    again = roadmap_without_timing(tmp_path / "out" / "reforecast" / "roadmap.json")
    assert again["decisions"] == plain["decisions"]
    assert again["objective"] == plain["objective"]
    assert again["resource_use"] == plain["resource_use"]
    assert {c["change"] for c in data["reforecast"]["changes"]} == {"kept"}


@pytest.mark.slow
def test_the_demo_reforecast_is_the_demo_plan_when_nothing_has_started(tmp_path: Path) -> None:
    root = copy_without_actuals(DEMO, tmp_path / "demo")
    # The roadmap under test, not the policy's price (a second solve of the demo).
    plan_estate(PlanRequest(root, tmp_path / "plan", policy_cost=False))
    track(root, tmp_path / "plan" / "roadmap.json", "2026-Q4", tmp_path / "out")
    plain = roadmap_without_timing(tmp_path / "plan" / "roadmap.json")
    again = roadmap_without_timing(tmp_path / "out" / "reforecast" / "roadmap.json")
    assert again["decisions"] == plain["decisions"]
    assert again["objective"] == plain["objective"]


def test_the_reforecast_keeps_the_overrun_and_passes_the_checker(small: dict[str, Any]) -> None:
    out = small["_out"] / "reforecast"
    roadmap = Roadmap.read(out / "roadmap.json")
    ledger = roadmap.decision("ledger")
    assert ledger is not None
    assert (ledger.start, ledger.finish) == ("2027-Q1", "2028-Q2")  # 6 quarters, not 4
    overlay = yaml.safe_load((out / "reforecast-overlay.yaml").read_text())
    assert overlay["systems"]["ledger"]["locked"] == {"option": "replatform", "start": "2027-Q1"}
    assert overlay["systems"]["ledger"]["options"]["replatform"] == {
        "duration": 6,
        "cost": 720_000.0,
    }
    # Its forecast cost is drawn evenly: 120k a quarter, also from 2027-Q4 on.
    assert roadmap.resource_use["capex"]["2028-Q2"] == pytest.approx(120_000 + 100_000)
    inventory = load_inventory(SMALL, [out / "reforecast-overlay.yaml"])
    assert check_roadmap(inventory, roadmap) == []
    # Work done stays where it happened, with what it cost.
    portal = roadmap.decision("portal")
    assert portal is not None and (portal.start, portal.finish) == ("2027-Q2", "2027-Q3")


def test_stopped_work_is_dropped_and_its_spend_still_counts_against_the_total(
    tmp_path: Path,
) -> None:
    root = shutil.copytree(SMALL, tmp_path / "estate")
    portfolio = yaml.safe_load((root / "portfolio.yaml").read_text())
    portfolio["resources"]["capex"]["total"] = 2_000_000
    (root / "portfolio.yaml").write_text(yaml.safe_dump(portfolio))
    (root / "actuals" / "portal.csv").write_text(
        "system,period,status,spend,percent_complete\n"
        "portal,2027-Q2,in_flight,50000,40\n"
        "portal,2027-Q3,stopped,10000,40\n"
    )
    data = track(root, root / "baseline.json", "2027-Q3", tmp_path / "out")
    portal = by_system(data)["portal"]
    assert (portal["rag"], portal["forecast_finish"]) == ("red", None)
    assert portal["rag_rule"] == "stopped: stopped in 2027-Q3; its benefits will not land"
    roadmap = Roadmap.read(tmp_path / "out" / "reforecast" / "roadmap.json")
    assert roadmap.decision("portal") is None
    overlay = yaml.safe_load(
        (tmp_path / "out" / "reforecast" / "reforecast-overlay.yaml").read_text()
    )
    assert overlay["resources"]["capex"]["total"] == 2_000_000 - 60_000
    assert overlay["systems"]["portal"]["earliest_start"] == "2029-Q1"  # after the horizon
    changes = {c["system"]: c for c in data["reforecast"]["changes"]}
    assert changes["portal"]["change"] == "stopped"


def test_work_that_started_late_is_locked_where_it_started(tmp_path: Path) -> None:
    root = copy_without_actuals(SMALL, tmp_path / "estate")
    shutil.copy(SMALL / "baseline.json", root / "baseline.json")
    write_actuals(
        root,
        [
            {
                "system": "ledger",
                "period": "2027-Q2",
                "status": "in_flight",
                "percent_complete": 25,
                "spend": 100_000,
            },
            {"system": "portal", "period": "2027-Q2", "status": "not_started"},
        ],
    )
    data = track(root, root / "baseline.json", "2027-Q2", tmp_path / "out")
    ledger = by_system(data)["ledger"]
    # One quarter late; 25 % after one quarter keeps the planned pace: 3 more quarters.
    assert (ledger["actual_start"], ledger["forecast_finish"]) == ("2027-Q2", "2028-Q1")
    assert ledger["slip_periods"] == 1
    portal = by_system(data)["portal"]
    assert portal["status"] == "not_started" and portal["forecast_finish"] >= "2027-Q4"
    why = {c["system"]: c["why"] for c in data["reforecast"]["changes"]}
    assert why["portal"].startswith("not started by 2027-Q2 (planned from 2027-Q2)")


def test_work_past_its_deadline_is_red_and_the_lock_keeps_it_in(tmp_path: Path) -> None:
    root = shutil.copytree(SMALL, tmp_path / "estate")
    systems = yaml.safe_load((root / "systems" / "estate.yaml").read_text())
    systems["systems"][0]["must_modernise_by"] = "2027-Q4"
    (root / "systems" / "estate.yaml").write_text(yaml.safe_dump(systems))
    data = track(root, root / "baseline.json", "2027-Q3", tmp_path / "out")
    ledger = by_system(data)["ledger"]
    assert ledger["rag"] == "red"
    assert (
        ledger["rag_rule"] == "deadline: forecast to finish in 2028-Q2, after its deadline 2027-Q4"
    )
    overlay = yaml.safe_load(
        (tmp_path / "out" / "reforecast" / "reforecast-overlay.yaml").read_text()
    )
    assert overlay["systems"]["ledger"]["must_modernise_by"] is None


def test_a_baseline_naming_what_the_estate_does_not_know_cannot_be_tracked() -> None:
    inventory = load_inventory(DEMO)
    baseline = Roadmap.read(DEMO / "baseline" / "roadmap.json")
    first = replace(baseline.decisions[0], option="rewrite")
    zone, notify = baseline.platforms
    odd = replace(
        baseline,
        decisions=[first, *baseline.decisions[1:]],
        platforms=[replace(zone, ready="2027Q3"), notify],
    )
    assert check_baseline(inventory, odd) == [
        f"{first.system} has no option 'rewrite' (named in the baseline)",
        "the baseline's platform set-up 'cloud-landing-zone' is unknown",
    ]
    assert check_baseline(inventory, baseline) == []


@pytest.mark.parametrize(
    ("system", "patch", "as_of"),
    [
        # Not started by 2027-Q4: from 2028-Q1 its 3 quarters cannot end by 2028-Q2.
        ("batch", {"must_modernise_by": "2028-Q2"}, "2027-Q4"),
        # Locked to start in 2027-Q2 but not started by 2027-Q3: the lock is lifted, and from
        # 2027-Q4 its 2 quarters cannot end by 2027-Q4.
        ("portal", {"locked": {"option": "rebuild", "start": "2027-Q2"}}, "2027-Q3"),
    ],
)
def test_a_deadline_work_not_started_can_no_longer_meet_moves_to_the_horizon_end(
    tmp_path: Path, system: str, patch: dict[str, Any], as_of: str
) -> None:
    root = copy_without_actuals(SMALL, tmp_path / "estate")
    systems = yaml.safe_load((root / "systems" / "estate.yaml").read_text())
    entry = next(s for s in systems["systems"] if s["id"] == system)
    entry.update({"must_modernise_by": "2027-Q4", **patch})
    (root / "systems" / "estate.yaml").write_text(yaml.safe_dump(systems))
    write_actuals(root, [{"system": system, "period": as_of, "status": "not_started"}])
    data = track(root, SMALL / "baseline.json", as_of, tmp_path / "out")
    out = tmp_path / "out" / "reforecast"
    overlay = yaml.safe_load((out / "reforecast-overlay.yaml").read_text())
    assert overlay["systems"][system]["must_modernise_by"] == "2028-Q4"
    assert by_system(data)[system]["forecast_finish"] is not None
    checked = load_inventory(root, [out / "reforecast-overlay.yaml"])
    assert check_roadmap(checked, Roadmap.read(out / "roadmap.json")) == []


def test_history_that_broke_a_together_pair_is_relaxed_and_reported(
    tmp_path: Path, write_inventory: Any
) -> None:
    root = write_inventory(
        tmp_path / "estate",
        systems=[
            {
                "id": "front",
                "name": "Front",
                "depends_on": [{"system": "back", "constraint": "together"}],
                "options": [
                    {
                        "id": "move",
                        "kind": "rehost",
                        "duration": 2,
                        "cost": 100_000,
                        "annual_saving": 90_000,
                    }
                ],
            },
            {
                "id": "back",
                "name": "Back",
                "options": [
                    {
                        "id": "move",
                        "kind": "rehost",
                        "duration": 2,
                        "cost": 100_000,
                        "annual_saving": 90_000,
                    }
                ],
            },
        ],
    )
    inventory = load_inventory(root)
    baseline = plan(inventory, PlanOptions())
    assert {d.start for d in baseline.decisions} == {"2027-Q1"}
    (tmp_path / "baseline.json").write_text(baseline.to_json())
    write_actuals(
        root,
        [
            {
                "system": "front",
                "period": "2027-Q1",
                "status": "in_flight",
                "percent_complete": 50,
                "spend": 50_000,
            },
            {"system": "back", "period": "2027-Q1", "status": "not_started"},
        ],
    )
    data = track(root, tmp_path / "baseline.json", "2027-Q1", tmp_path / "out")
    relaxed = data["reforecast"]["relaxations"]
    assert [r["rule"] for r in relaxed] == ["4 together"]
    assert relaxed[0]["systems"] == ["front", "back"]
    out = tmp_path / "out" / "reforecast"
    checked = load_inventory(root, [out / "reforecast-overlay.yaml"])
    assert check_roadmap(checked, Roadmap.read(out / "roadmap.json")) == []


def test_a_lock_on_work_that_never_started_is_lifted(tmp_path: Path) -> None:
    root = copy_without_actuals(SMALL, tmp_path / "estate")
    systems = yaml.safe_load((root / "systems" / "estate.yaml").read_text())
    systems["systems"][1]["locked"] = {"option": "rebuild", "start": "2027-Q2"}
    (root / "systems" / "estate.yaml").write_text(yaml.safe_dump(systems))
    shutil.copy(SMALL / "baseline.json", root / "baseline.json")
    write_actuals(root, [{"system": "portal", "period": "2027-Q3", "status": "not_started"}])
    data = track(root, root / "baseline.json", "2027-Q3", tmp_path / "out")
    overlay = yaml.safe_load(
        (tmp_path / "out" / "reforecast" / "reforecast-overlay.yaml").read_text()
    )
    assert overlay["systems"]["portal"]["locked"] is None
    portal = by_system(data)["portal"]
    assert portal["forecast_finish"] is not None and portal["slip_periods"] >= 2
