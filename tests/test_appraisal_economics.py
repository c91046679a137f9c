"""The appraisal's economics by hand, to the penny: discounting, optimism bias, dual running,
ramp-up, unsupported exposure and the value split (DESIGN.md "Appraisal v2").

The fixture: quarters from 2027-Q1, 8 periods, 3.5 % a year, an appraisal window of one
year (4 periods), financial years from April.

- `ledger` (critical, end of support 2027-Q2) is replaced: duration 2, `cost` 300,000
  (capex) and `costs.rdel` 100,000; the replace kind's optimism bias is +40 % cost and +25 %
  duration. Locked to start in 2027-Q1.
- `archive` (high, end of support 2027-Q4) has no options: it is retained.
- Unsupported systems cost 400,000 a year (critical) and 200,000 a year (high).
- Dual running 1 period, then a ramp of [0.5], then 1.0.

Discount factors d(t) = 1.035 ** (−t / 4), written out:

    d0 = 1.0000000000   d1 = 0.9914365206   d2 = 0.9829463744   d3 = 0.9745289333
    d4 = 0.9661835749   d5 = 0.9579096817   d6 = 0.9497066419   d7 = 0.9415738486
    d8 = 0.9335107004   d9 = 0.9255166007   d10 = 0.9175909584  d11 = 0.9097331871

The hand computation for `ledger`:

- duration: ceil(2 × 1.25) = ceil(2.5) = 3 periods, in flight 2027-Q1..2027-Q3 (0..2);
- one-off costs with bias: capex 300,000 × 1.4 = 420,000, rdel 100,000 × 1.4 = 140,000;
  drawn 140,000 and 46,666.67 a period;
- costs = −560,000 / 3 × (d0 + d1 + d2) = −186,666.67 × 2.9743828950 = −555,218.14;
- benefit window: periods 3..6 (four after the finish), weights 0 (dual running), 0.5
  (ramp), 1, 1: W = 0.5 d4 + d5 + d6 = 2.3907081111;
- cashable = 400,000 / 4 × W = 239,070.81;
- non-cashable = 80,000 / 4 × W = 47,814.16;
- risk (not shaped) = 0.5 × 9 points × 10,000 / 4 × (d3 + d4 + d5 + d6)
  = 11,250 × 3.8483288318 = 43,293.70;
- end of support 2027-Q2 (period 1): unsupported from period 2; the window ends at
  8 − 1 + 4 = 11. Retained: 100,000 × (d2 + … + d11) = 945,920.05. With the option
  (finish 2): 100,000 × d2 = 98,294.64 left. Avoided: 945,920.05 − 98,294.64 = 847,625.41;
- NPV = 239,070.81 + 47,814.16 + 43,293.70 + 847,625.41 − 555,218.14 = 622,585.94.

`archive` retained: unsupported from 2028-Q1 (period 4) to 11, 8 periods:
50,000 × (d4 + … + d11) = 50,000 × 7.5017251937 = 375,086.26.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import pytest
from bruteforce import Valuer
from bruteforce import duration as oracle_duration
from conftest import write_inventory
from examples import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from prioritiser.certify import certify_roadmap
from prioritiser.check import terms
from prioritiser.check.value import Ledger
from prioritiser.economics import Appraisal
from prioritiser.inventory import Option, load_inventory
from prioritiser.inventory.appraisal_terms import adjusted_duration
from prioritiser.inventory.periods import (
    financial_year,
    financial_year_label,
    months_text,
    parse_financial_year,
    parse_period,
)
from prioritiser.roadmap import Roadmap
from prioritiser.solve import PlanOptions, plan

PORTFOLIO = {
    "portfolio": {
        "name": "Hand-computed estate",
        "start": "2027-Q1",
        "periods": 8,
        "discount_rate": 0.035,
        "appraisal_years": 1,
        "financial_year_start": 4,
    },
    "appraisal": {
        "optimism_bias": {"replace": {"cost": 0.4, "duration": 0.25}},
        "dual_running": 1,
        "benefit_ramp": [0.5],
    },
    "resources": {
        "capex": {"unit": "GBP", "per_period": 1_000_000, "per_year": {"2027-28": 2_000_000}},
        "rdel": {"unit": "GBP", "per_period": 500_000},
    },
    "risk": {"unsupported": {"cost_per_year": {"critical": 400_000, "high": 200_000}}},
    "objective": {"risk_value_per_point": 10_000},
}
SYSTEMS = [
    {
        "id": "ledger",
        "name": "General ledger",
        "department": "Finance",
        "criticality": "critical",
        "end_of_support": "2027-Q2",
        "legacy_risk": {"security": 5},  # 5 + 1 + 1 + 1 + 1 = 9 points
        "locked": {"option": "replace", "start": "2027-Q1"},
        "options": [
            {
                "id": "replace",
                "kind": "replace",
                "duration": 2,
                "cost": 300_000,
                "costs": {"rdel": 100_000},
                "annual_saving": 400_000,
                "benefits": [{"department": "HMRC", "annual": 80_000, "cashable": False}],
                "risk_reduction": 0.5,
            }
        ],
    },
    {
        "id": "archive",
        "name": "Records archive",
        "criticality": "high",
        "end_of_support": "2027-Q4",
        "options": [],
    },
]
LEDGER = {
    "cashable": 239_070.81,
    "non_cashable": 47_814.16,
    "risk": 43_293.70,
    "unsupported_avoided": 847_625.41,
    "appraised": 0.0,
    "costs": -555_218.14,
    "platforms": 0.0,
}
NPV = 622_585.94
ARCHIVE_LEFT = 375_086.26


@pytest.fixture
def estate(tmp_path: Path):
    return load_inventory(write_inventory(tmp_path, PORTFOLIO, SYSTEMS))


def pennies(value: object) -> dict[str, float]:
    return {k: round(v, 2) for k, v in vars(value).items()}


def test_the_value_split_matches_the_hand_computation(estate) -> None:
    split = Appraisal(estate).split("ledger", "replace", 0)
    assert pennies(split) == LEDGER
    assert round(split.npv, 2) == NPV


def test_the_checkers_own_valuation_matches_the_hand_computation(estate) -> None:
    ledger = Ledger(estate)
    system = estate.system("ledger")
    parts = ledger.split(system, system.option("replace"), 0)
    assert {k: round(v, 2) for k, v in parts.items()} == {
        k: v for k, v in LEDGER.items() if k != "platforms"
    }


def test_the_oracle_values_the_option_as_the_hand_computation(estate) -> None:
    system = estate.system("ledger")
    assert round(Valuer(estate).value(system, system.option("replace"), 0), 2) == NPV


def test_optimism_bias_stretches_the_duration_and_uplifts_every_draw(estate) -> None:
    option = estate.estate.system("ledger").option("replace")
    assert (option.base_duration, option.duration) == (2, 3)
    assert dict(option.base_costs) == {"capex": 300_000, "rdel": 100_000}
    assert dict(option.costs) == pytest.approx({"capex": 420_000, "rdel": 140_000})
    assert dict(option.draws) == pytest.approx({"capex": 140_000, "rdel": 140_000 / 3})


def test_the_roadmap_states_the_hand_computed_figures_and_passes_the_checker(estate) -> None:
    roadmap = plan(estate, PlanOptions(gap=0.0))
    data = json.loads(roadmap.to_json())
    (decision,) = data["decisions"]
    assert (decision["start"], decision["finish"]) == ("2027-Q1", "2027-Q3")
    assert decision["value"] == LEDGER
    assert decision["npv"] == NPV
    assert (decision["duration"], decision["base_duration"]) == (3, 2)
    assert decision["costs"] == {"capex": 420_000.0, "rdel": 140_000.0}
    assert decision["base_costs"] == {"capex": 300_000.0, "rdel": 100_000.0}
    assert data["value"] == LEDGER and data["npv"] == NPV == data["objective"]
    assert data["unsupported"] == [
        {
            "system": "archive",
            "criticality": "high",
            "unsupported_from": "2028-Q1",
            "periods": 8,
            "exposure": ARCHIVE_LEFT,
        },
        {
            "system": "ledger",
            "criticality": "critical",
            "unsupported_from": "2027-Q3",
            "periods": 1,
            "exposure": 98_294.64,
        },
    ]
    assert data["resource_use"]["capex"]["2027-Q1"] == 140_000.0
    assert data["resource_use"]["rdel"]["2027-Q3"] == pytest.approx(46_666.67)
    assert certify_roadmap(estate, Roadmap.from_dict(data)) == []


def test_exposure_avoided_is_added_to_an_appraised_npv(tmp_path: Path) -> None:
    systems = json.loads(json.dumps(SYSTEMS))
    systems[0]["options"][0]["npv"] = 1_000_000
    inventory = load_inventory(write_inventory(tmp_path, PORTFOLIO, systems))
    split = Appraisal(inventory).split("ledger", "replace", 0)
    assert round(split.appraised, 2) == 1_000_000
    assert round(split.unsupported_avoided, 2) == LEDGER["unsupported_avoided"]
    assert split.cashable == split.costs == split.risk == 0
    assert round(Appraisal(inventory).npv("ledger", "replace", 0), 2) == 1_847_625.41


def test_objective_include_leaves_parts_out_of_what_is_maximised(tmp_path: Path) -> None:
    portfolio = json.loads(json.dumps(PORTFOLIO))
    portfolio["objective"]["include"] = ["cashable", "unsupported"]
    inventory = load_inventory(write_inventory(tmp_path, portfolio, SYSTEMS))
    roadmap = plan(inventory, PlanOptions(gap=0.0))
    # objective = cashable + unsupported avoided + costs; the split still has every part.
    expected = LEDGER["cashable"] + LEDGER["unsupported_avoided"] + LEDGER["costs"]
    assert roadmap.objective == pytest.approx(expected, abs=0.02)
    assert roadmap.npv == pytest.approx(NPV, abs=0.02)
    assert roadmap.include == ["cashable", "unsupported"]
    assert certify_roadmap(inventory, roadmap) == []


def test_dual_running_and_ramp_shape_savings_and_benefits_but_not_the_risk_value(
    tmp_path: Path,
) -> None:
    plain = json.loads(json.dumps(PORTFOLIO))
    del plain["appraisal"]["dual_running"], plain["appraisal"]["benefit_ramp"]
    unshaped = Appraisal(load_inventory(write_inventory(tmp_path / "a", plain, SYSTEMS)))
    shaped = Appraisal(load_inventory(write_inventory(tmp_path / "b", PORTFOLIO, SYSTEMS)))
    before, after = unshaped.split("ledger", "replace", 0), shaped.split("ledger", "replace", 0)
    assert after.risk == before.risk
    assert after.cashable < before.cashable and after.non_cashable < before.non_cashable
    # Unshaped, savings run at 100 % over d3..d6: 100,000 × 3.8483288318.
    assert round(before.cashable, 2) == 384_832.88


# --- optimism bias on durations: exact arithmetic ---------------------------------------------


@pytest.mark.parametrize(
    ("duration", "uplift", "periods"),
    [
        (10, 0.1, 11),  # 10 × 1.1 = 11.000000000000002 in binary floating point
        (3, 0.1, 4),
        (20, 0.05, 21),
        (2, 0.25, 3),
        (4, 0.25, 5),
        (5, 0.2, 6),
        (100, 0.07, 107),
        (7, 0.0, 7),
        (1, 2.0, 3),
    ],
)
def test_an_adjusted_duration_is_the_exact_ceiling(
    duration: int, uplift: float, periods: int
) -> None:
    assert adjusted_duration(duration, uplift) == periods


@settings(max_examples=examples(300), deadline=None, derandomize=True, database=None)
@given(
    duration=st.integers(1, 400),
    hundredths=st.integers(0, 300),
)
def test_every_reading_of_an_adjusted_duration_agrees_with_exact_rationals(
    duration: int, hundredths: int
) -> None:
    uplift = hundredths / 100
    exact = math.ceil(duration * (1 + Fraction(hundredths, 100)))
    assert adjusted_duration(duration, uplift) == exact
    option = Option.model_validate(
        {"id": "o", "kind": "replace", "duration": duration, "optimism_bias": {"duration": uplift}}
    )
    assert terms.duration(ESTATE_STUB, option) == exact
    assert oracle_duration(ESTATE_STUB, option) == exact


# --- financial years ---------------------------------------------------------------------------


def test_a_quarter_belongs_to_the_financial_year_of_its_first_month() -> None:
    q1, q2 = parse_period("2027-Q1"), parse_period("2027-Q2")
    assert financial_year_label(financial_year(q1, 4), 4) == "2026-27"  # as DESIGN.md says
    assert financial_year_label(financial_year(q2, 4), 4) == "2027-28"
    # Start month 2: 2027-Q1 (January–March) begins in January, in the year from Feb 2026.
    assert financial_year_label(financial_year(q1, 2), 2) == "2026-27"
    # January starts: the financial year is the calendar year, labelled YYYY.
    assert financial_year_label(financial_year(q1, 1), 1) == "2027"
    # Years and months.
    assert financial_year_label(financial_year(parse_period("2027"), 4), 4) == "2026-27"
    assert financial_year_label(financial_year(parse_period("2027-03"), 4), 4) == "2026-27"
    assert financial_year_label(financial_year(parse_period("2027-04"), 4), 4) == "2027-28"


def test_financial_year_labels_are_read_strictly() -> None:
    assert parse_financial_year("2027-28", 4) == 2027
    assert parse_financial_year(2027, 1) == 2027
    for bad, start in (("2027-29", 4), ("2027", 4), ("2027-28", 1), ("27-28", 4)):
        with pytest.raises(ValueError):
            parse_financial_year(bad, start)


def test_a_quarter_label_is_a_calendar_quarter_whatever_the_financial_year() -> None:
    assert months_text(parse_period("2027-Q2")) == "April–June 2027"
    assert months_text(parse_period("2027-Q1")) == "January–March 2027"
    assert months_text(parse_period("2027-05")) == "May 2027"


def test_financial_years_of_the_horizon_and_their_periods(estate) -> None:
    years = {y.label: list(y.periods) for y in estate.estate.financial_years}
    assert years == {"2026-27": [0], "2027-28": [1, 2, 3, 4], "2028-29": [5, 6, 7]}


class _Stub:
    """A stand-in inventory for the duration readers: they read only its appraisal settings."""

    appraisal = None


ESTATE_STUB = _Stub()
