"""Tracking an appraised estate: earned value in the plan's money (optimism bias included, on
every money resource), benefits planned after dual running and ramp-up, and a re-forecast that
restates started work without biasing it again and accepts a forbidden system's slip past its
end of support (reported red) instead of failing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from conftest import write_inventory

from prioritiser.certify import certify_roadmap
from prioritiser.inventory import load_inventory
from prioritiser.roadmap import Roadmap
from prioritiser.tasks import PlanRequest, TrackRequest, plan_estate, track_estate

PORTFOLIO: dict[str, Any] = {
    "portfolio": {"name": "Tracked estate", "start": "2027-Q1", "periods": 8,
                  "financial_year_start": 4},
    "appraisal": {"optimism_bias": {"replace": {"cost": 0.5, "duration": 0.5}},
                  "dual_running": 1, "benefit_ramp": [0.5]},
    "resources": {"capex": {"unit": "GBP", "per_period": 1_000_000},
                  "rdel": {"unit": "GBP", "per_period": 500_000}},
    "risk": {"unsupported": {"cost_per_year": {"critical": 400_000}, "forbid": ["critical"]}},
}  # fmt: skip
SYSTEMS: list[dict[str, Any]] = [
    {
        # replace: 2 quarters → 3 with bias, 2027-Q1..Q3; capex 300k → 450k, rdel 60k → 90k.
        "id": "ledger",
        "name": "Ledger",
        "department": "Finance",
        "criticality": "critical",
        "end_of_support": "2027-Q4",
        "locked": {"option": "replace", "start": "2027-Q1"},
        "options": [
            {
                "id": "replace",
                "kind": "replace",
                "duration": 2,
                "costs": {"capex": 300_000, "rdel": 60_000},
                "annual_saving": 400_000,
            }
        ],
    },
    {
        "id": "archive",
        "name": "Archive",
        "department": "Finance",
        "options": [
            {
                "id": "retire",
                "kind": "retire",
                "duration": 1,
                "cost": 10_000,
                "annual_saving": 80_000,
            }
        ],
    },
]


def tracked(tmp_path: Path, actuals: dict[str, Any], as_of: str) -> tuple[Path, dict[str, Any]]:
    root = write_inventory(tmp_path / "estate", copy.deepcopy(PORTFOLIO), SYSTEMS)
    plan_estate(PlanRequest(root, tmp_path / "plan"))
    (root / "actuals").mkdir()
    (root / "actuals" / "rows.yaml").write_text(yaml.safe_dump(actuals), encoding="utf-8")
    out = tmp_path / "out"
    track_estate(TrackRequest(root, tmp_path / "plan" / "roadmap.json", as_of, out))
    return root, json.loads((out / "tracking.json").read_text(encoding="utf-8"))


def test_earned_value_is_in_the_plans_money_and_benefits_wait_for_dual_running(
    tmp_path: Path,
) -> None:
    rows = [
        {"system": "ledger", "period": "2027-Q1", "status": "in_flight", "percent_complete": 33,
         "spend": {"capex": 150_000, "rdel": 30_000}},
        {"system": "ledger", "period": "2027-Q2", "status": "in_flight", "percent_complete": 67,
         "spend": {"capex": 150_000, "rdel": 30_000}},
        {"system": "ledger", "period": "2027-Q3", "status": "done",
         "spend": {"capex": 150_000, "rdel": 30_000}},
        {"system": "ledger", "period": "2028-Q1", "status": "done", "realised_saving": 50_000},
    ]  # fmt: skip
    _, data = tracked(tmp_path, {"actuals": rows}, "2028-Q1")
    ledger = next(s for s in data["systems"] if s["system"] == "ledger")
    # BAC: the one-off cost the plan draws, optimism bias included, capex and rdel.
    assert ledger["bac"] == 540_000.0 and ledger["ac"] == 540_000.0 and ledger["cpi"] == 1.0
    # Planned to date: 2027-Q4 dual running (nothing), 2028-Q1 at half: 400k / 4 × 0.5.
    assert ledger["benefits_planned"] == 50_000.0
    assert ledger["benefits_realised"] == 50_000.0


def test_a_slip_past_a_forbidden_end_of_support_is_red_and_the_reforecast_accepts_it(
    tmp_path: Path,
) -> None:
    rows = [
        {"system": "ledger", "period": "2027-Q1", "status": "in_flight", "percent_complete": 20,
         "spend": {"capex": 150_000, "rdel": 30_000}},
        {"system": "ledger", "period": "2027-Q2", "status": "in_flight", "percent_complete": 40,
         "spend": {"capex": 150_000, "rdel": 30_000}},
    ]  # fmt: skip
    root, data = tracked(tmp_path, {"actuals": rows}, "2027-Q2")
    ledger = next(s for s in data["systems"] if s["system"] == "ledger")
    assert ledger["rag"] == "red"
    assert "after its deadline end of support 2027-Q4 (critical)" in ledger["rag_rule"]
    folder = tmp_path / "out" / "reforecast"
    overlay = yaml.safe_load((folder / "reforecast-overlay.yaml").read_text())
    patch = overlay["systems"]["ledger"]
    # 40 % after 2 quarters: 3 more (2027-Q3..2028-Q1), finishing after 2027-Q4.
    assert patch["end_of_support"] == "2028-Q1"
    option = patch["options"]["replace"]
    assert option["duration"] == 5 and option["optimism_bias"] == {"cost": 0.0, "duration": 0.0}
    assert option["cost"] is None and set(option["costs"]) == {"capex", "rdel"}
    # The re-forecast passes the checker with its overlay, as written.
    inventory = load_inventory(root, [folder / "reforecast-overlay.yaml"])
    roadmap = Roadmap.read(folder / "roadmap.json")
    assert certify_roadmap(inventory, roadmap) == []
    assert roadmap.decision("ledger").finish == "2028-Q1"
