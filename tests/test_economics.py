"""Hand-computed NPVs for every term of prioritiser/economics.py.

Conventions under test (economics.py's docstring): money is discounted to the start of the
horizon at the annual rate r, a flow "in period t" counts at the start of period t, i.e. at
t / per_year years, so its factor is (1 + r) ** (-t / per_year). Cost is spread evenly over
the periods in flight; yearly flows run from the period after completion for
appraisal_years, 1/per_year of the annual amount in each period.

Expected values are written out as explicit sums or as numbers worked by hand, never by
calling the code under test.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prioritiser.economics import RISK, Appraisal
from prioritiser.inventory import Inventory, load_inventory

R = 0.035
# Quarterly discount factors at 3.5 %, worked by hand: 1.035 ** -0.25 and 1.035 ** -0.5.
Q1 = 0.9914365205932153
Q2 = 0.982946374365981


def factor(t: float, per_year: int = 4, rate: float = R) -> float:
    """(1 + r) ** (-t / per_year): the value now of 1 paid at the start of period t."""
    return (1 + rate) ** (-t / per_year)


def portfolio(start: str = "2027-Q1", rate: float = R, years: float = 10) -> dict[str, Any]:
    return {
        "portfolio": {
            "name": "Economics",
            "start": start,
            "periods": 8,
            "discount_rate": rate,
            "appraisal_years": years,
        },
        "resources": {"capex": {"per_period": 10_000_000}},
        "objective": {"risk_value_per_point": 10_000},
    }


SYSTEM: dict[str, Any] = {
    "id": "benefits",
    "name": "Benefits mainframe",
    "department": "DWP",
    # 5 + 4 + 5 + 3 + 4 = 21 points of legacy risk
    "legacy_risk": {"security": 5, "supportability": 4, "skills": 5, "data": 3, "resilience": 4},
    "options": [
        {"id": "cost-only", "kind": "rehost", "duration": 2, "cost": 800_000},
        {"id": "saving", "kind": "replatform", "duration": 1, "annual_saving": 400_000},
        {"id": "long-saving", "kind": "refactor", "duration": 2, "annual_saving": 400_000},
        {
            "id": "benefits",
            "kind": "replace",
            "duration": 1,
            "benefits": [
                {"department": "HMRC", "annual": 200_000, "cashable": False},
                {"department": "MoJ", "annual": -40_000, "cashable": True},
            ],
        },
        {"id": "risk", "kind": "repurchase", "duration": 1, "risk_reduction": 0.5},
        {
            "id": "appraised",
            "kind": "replace",
            "duration": 3,
            "cost": 5_000_000,
            "annual_saving": 900_000,
            "npv": 1_234_567,
        },
        {
            "id": "everything",
            "kind": "replace",
            "duration": 2,
            "cost": 800_000,
            "annual_saving": 400_000,
            "benefits": [{"department": "HMRC", "annual": 200_000}],
            "risk_reduction": 0.5,
        },
    ],
}
PLATFORM = {"id": "cloud", "setup_cost": 600_000, "setup_duration": 3}


def economics(write_inventory: Callable[..., Path], tmp_path: Path, **settings: Any) -> Appraisal:
    """The economics of the fixture estate under these portfolio settings."""
    root = write_inventory(
        tmp_path / "inv", portfolio=portfolio(**settings), systems=[SYSTEM], platforms=[PLATFORM]
    )
    inventory: Inventory = load_inventory(root)
    return Appraisal(inventory)


@pytest.fixture
def quarterly(write_inventory: Callable[..., Path], tmp_path: Path) -> Appraisal:
    return economics(write_inventory, tmp_path)


def test_quarterly_discount_factors_are_the_quarter_roots_of_the_annual_rate() -> None:
    assert factor(1) == pytest.approx(Q1, rel=1e-15)
    assert factor(2) == pytest.approx(Q2, rel=1e-15)
    assert factor(4) == pytest.approx(1 / 1.035)


def test_cost_is_spread_evenly_over_the_duration_and_discounted(quarterly: Appraisal) -> None:
    # 800,000 over 2 quarters = 400,000 in each of periods 1 and 2:
    # 400,000 × (0.991437 + 0.982946) = 400,000 × 1.974383 = 789,753.16
    assert quarterly.npv("benefits", "cost-only", 1) == pytest.approx(-789_753.16, abs=0.01)
    assert quarterly.option("benefits", "cost-only").cost_pv(1) == pytest.approx(
        400_000 * (Q1 + Q2)
    )
    # started at once, the first instalment is not discounted: 400,000 × (1 + 0.991437)
    assert quarterly.npv("benefits", "cost-only", 0) == pytest.approx(-400_000 * (1 + Q1))


def test_saving_runs_from_the_period_after_completion_for_the_appraisal_years(
    quarterly: Appraisal,
) -> None:
    # Done in period 0, so 100,000 a quarter from period 1 to 40 (10 years):
    # 100,000 × Σ_{t=1..40} 1.035^(-t/4) = 100,000 × 33.6999 = 3,369,991.39
    expected = 100_000 * sum(factor(t) for t in range(1, 41))
    assert expected == pytest.approx(3_369_991.39, abs=0.01)
    assert quarterly.npv("benefits", "saving", 0) == pytest.approx(expected, rel=1e-12)


def test_a_later_or_longer_project_starts_saving_later(quarterly: Appraisal) -> None:
    # Started in period 2 and 2 quarters long: savings from period 4 to 43.
    expected = 100_000 * sum(factor(t) for t in range(4, 44))
    assert quarterly.npv("benefits", "long-saving", 2) == pytest.approx(expected, rel=1e-12)
    # the same stream three quarters later is worth exactly 1.035^(-3/4) as much
    assert quarterly.npv("benefits", "long-saving", 2) == pytest.approx(
        quarterly.npv("benefits", "saving", 0) * factor(3), rel=1e-12
    )


def test_cross_department_benefits_count_and_are_kept_by_department(
    quarterly: Appraisal,
) -> None:
    annuity = 0.25 * sum(factor(t) for t in range(1, 41))  # PV of 1 a year, from period 1
    assert quarterly.npv("benefits", "benefits", 0) == pytest.approx(
        (200_000 - 40_000) * annuity, rel=1e-12
    )
    by_department = {
        flow.department: (pv, flow.cashable)
        for flow, pv in quarterly.option("benefits", "benefits").flows_pv(0)
    }
    assert by_department == {
        "HMRC": (pytest.approx(200_000 * annuity), False),
        "MoJ": (pytest.approx(-40_000 * annuity), True),
    }


def test_risk_removed_is_valued_per_point_per_year(quarterly: Appraisal) -> None:
    # 0.5 × 21 points × 10,000 a point = 105,000 a year, to the owning department.
    annuity = 0.25 * sum(factor(t) for t in range(1, 41))
    assert quarterly.npv("benefits", "risk", 0) == pytest.approx(105_000 * annuity, rel=1e-12)
    (flow,) = quarterly.option("benefits", "risk").flows
    assert (flow.department, flow.annual, flow.cashable, flow.source) == (
        "DWP",
        105_000,
        False,
        RISK,
    )


def test_all_terms_add_up(quarterly: Appraisal) -> None:
    # Started in period 1, 2 quarters: cost in periods 1–2, yearly flows from period 3 to 42.
    yearly = 400_000 + 200_000 + 105_000
    expected = yearly * 0.25 * sum(factor(t) for t in range(3, 43)) - 400_000 * (Q1 + Q2)
    assert quarterly.npv("benefits", "everything", 1) == pytest.approx(expected, rel=1e-12)


def test_an_appraised_npv_replaces_the_computed_value_whatever_the_start(
    quarterly: Appraisal,
) -> None:
    for start in range(6):
        assert quarterly.npv("benefits", "appraised", start) == 1_234_567


def test_zero_discount_rate_gives_plain_sums(
    write_inventory: Callable[..., Path], tmp_path: Path
) -> None:
    flat = economics(write_inventory, tmp_path, rate=0.0)
    assert flat.npv("benefits", "cost-only", 3) == pytest.approx(-800_000)
    assert flat.npv("benefits", "saving", 5) == pytest.approx(400_000 * 10)
    # 705,000 a year for 10 years less the 800,000 cost
    assert flat.npv("benefits", "everything", 0) == pytest.approx(705_000 * 10 - 800_000)


def test_appraisal_years_bound_the_benefit_stream(
    write_inventory: Callable[..., Path], tmp_path: Path
) -> None:
    short = economics(write_inventory, tmp_path, years=2)
    # 8 quarters of 100,000 from period 1
    expected = 100_000 * sum(factor(t) for t in range(1, 9))
    assert short.npv("benefits", "saving", 0) == pytest.approx(expected, rel=1e-12)


def test_annual_periods_discount_by_whole_years(
    write_inventory: Callable[..., Path], tmp_path: Path
) -> None:
    annual = economics(write_inventory, tmp_path, start="2027")
    # Cost 800,000 over 2 years from year 1: 400,000 × (1.035^-1 + 1.035^-2)
    #   = 400,000 × (0.966184 + 0.933511) = 400,000 × 1.899694 = 759,877.71
    assert annual.npv("benefits", "cost-only", 1) == pytest.approx(-759_877.71, abs=0.01)
    # A one-year project from year 0 saves 400,000 in each of years 1..10.
    expected = 400_000 * sum(1.035**-t for t in range(1, 11))
    assert annual.npv("benefits", "saving", 0) == pytest.approx(expected, rel=1e-12)


def test_monthly_periods_discount_by_twelfths(
    write_inventory: Callable[..., Path], tmp_path: Path
) -> None:
    monthly = economics(write_inventory, tmp_path, start="2027-01")
    expected = 400_000 / 12 * sum(factor(t, 12) for t in range(1, 121))
    assert monthly.npv("benefits", "saving", 0) == pytest.approx(expected, rel=1e-12)


def test_platform_setup_cost_is_spread_and_discounted(quarterly: Appraisal) -> None:
    platform = quarterly.inventory.platform("cloud")
    # 600,000 over 3 quarters from period 2: 200,000 × (1.035^-0.5 + 1.035^-0.75 + 1.035^-1)
    expected = 200_000 * (factor(2) + factor(3) + factor(4))
    assert quarterly.platform_cost_pv(platform, 2) == pytest.approx(expected, rel=1e-12)
    assert quarterly.platform_cost_pv(platform, 0) == pytest.approx(
        200_000 * (1 + Q1 + Q2), rel=1e-12
    )
