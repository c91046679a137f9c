"""Validation of the appraisal keys: every problem with file:line, did-you-mean where a name
is mistyped, exit 3 from the CLI, and nothing written."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from prioritiser.inventory import check_inventory, load_inventory

PORTFOLIO = """\
portfolio:
  name: Appraisal estate
  start: 2027-Q1
  periods: 8
  financial_year_start: 4
appraisal:
  optimism_bias:
    replace: {cost: 0.5, duration: 0.5}
resources:
  capex: {unit: GBP, per_period: 1000000}
  rdel: {unit: GBP, per_period: 500000}
  engineers: {unit: FTE, per_period: 10}
risk:
  unsupported:
    cost_per_year: {critical: 1000000}
    forbid: [critical]
"""

SYSTEM = """\
systems:
  - id: ledger
    name: Ledger
    criticality: high
    options:
      - {id: replace, kind: replace, duration: 2, costs: {capex: 100000, rdel: 50000}}
"""


def problems(tmp_path: Path, monkeypatch, portfolio: str = PORTFOLIO, systems: str = SYSTEM):
    """Write `inv/` and return every problem rendered as the CLI shows it."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "inv"
    (root / "systems").mkdir(parents=True, exist_ok=True)
    (root / "portfolio.yaml").write_text(textwrap.dedent(portfolio), encoding="utf-8")
    (root / "systems" / "s.yaml").write_text(textwrap.dedent(systems), encoding="utf-8")
    _, found = check_inventory(root)
    return [p.render() for p in found]


def test_the_example_estate_is_valid(tmp_path, monkeypatch) -> None:
    assert problems(tmp_path, monkeypatch) == []


def test_a_cost_on_a_resource_that_is_not_money_is_an_error(tmp_path, monkeypatch) -> None:
    systems = SYSTEM.replace("costs: {capex: 100000, rdel: 50000}", "costs: {engineers: 3}")
    (problem,) = problems(tmp_path, monkeypatch, systems=systems)
    assert problem.startswith("inv/systems/s.yaml:6")
    assert "resource 'engineers' is not money (its unit is FTE, not GBP)" in problem
    assert "resource_use" in problem


def test_a_mistyped_money_resource_suggests_the_right_one(tmp_path, monkeypatch) -> None:
    systems = SYSTEM.replace("rdel: 50000", "rdle: 50000")
    (problem,) = problems(tmp_path, monkeypatch, systems=systems)
    assert "inv/systems/s.yaml:6" in problem
    assert "unknown money resource 'rdle' (did you mean 'rdel'?)" in problem


def test_capex_cost_given_twice_is_an_error(tmp_path, monkeypatch) -> None:
    systems = SYSTEM.replace("duration: 2,", "duration: 2, cost: 5,")
    (problem,) = problems(tmp_path, monkeypatch, systems=systems)
    assert "the capex cost is given twice" in problem


def test_cost_beside_costs_on_other_resources_is_fine(tmp_path, monkeypatch) -> None:
    systems = SYSTEM.replace("costs: {capex: 100000, rdel: 50000}", "cost: 5, costs: {rdel: 1}")
    assert problems(tmp_path, monkeypatch, systems=systems) == []


def test_costs_on_capex_count_whether_capex_is_declared_or_not(tmp_path, monkeypatch) -> None:
    portfolio = PORTFOLIO.replace("  capex: {unit: GBP, per_period: 1000000}\n", "")
    assert problems(tmp_path, monkeypatch, portfolio=portfolio) == []
    inventory = load_inventory(tmp_path / "inv")
    option = inventory.estate.system("ledger").option("replace")
    assert dict(option.costs) == {"capex": 150000.0, "rdel": 75000.0}  # +50 % bias
    assert dict(option.draws) == {"rdel": 25000.0}  # capex undeclared: counted, not drawn


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("2027-29", "the financial year starting in April 2027 is 2027-28"),
        ("2027", "'2027' is not a financial year label: the financial year starting in"),
        ("27-28", "must be a financial year label YYYY-YY"),
    ],
)
def test_a_per_year_label_must_be_a_financial_year(tmp_path, monkeypatch, label, message) -> None:
    portfolio = PORTFOLIO.replace(
        "rdel: {unit: GBP, per_period: 500000}",
        f"rdel: {{unit: GBP, per_period: 500000, per_year: {{{label}: 1}}}}",
    )
    found = problems(tmp_path, monkeypatch, portfolio=portfolio)
    assert len(found) == 1 and found[0].startswith("inv/portfolio.yaml:11"), found
    assert message in found[0]


def test_january_financial_years_are_labelled_by_the_year(tmp_path, monkeypatch) -> None:
    portfolio = PORTFOLIO.replace("financial_year_start: 4", "financial_year_start: 1")
    ok = portfolio.replace(
        "rdel: {unit: GBP, per_period: 500000}", "rdel: {unit: GBP, per_year: {2027: 1}}"
    )
    assert problems(tmp_path, monkeypatch, portfolio=ok) == []
    bad = portfolio.replace(
        "rdel: {unit: GBP, per_period: 500000}", "rdel: {unit: GBP, per_year: {2027-28: 1}}"
    )
    (problem,) = problems(tmp_path, monkeypatch, portfolio=bad)
    assert (
        "financial years start in January (financial_year_start 1), so label them YYYY" in problem
    )


def test_a_per_year_cap_outside_the_horizon_is_a_warning(tmp_path, monkeypatch) -> None:
    portfolio = PORTFOLIO.replace(
        "rdel: {unit: GBP, per_period: 500000}", "rdel: {unit: GBP, per_year: {2035-36: 1}}"
    )
    (problem,) = problems(tmp_path, monkeypatch, portfolio=portfolio)
    assert problem.startswith("inv/portfolio.yaml:11") and "warning" in problem
    assert "per_year cap for 2035-36 has no effect" in problem


def test_quarters_that_span_two_financial_years_are_warned_about(tmp_path, monkeypatch) -> None:
    portfolio = PORTFOLIO.replace("financial_year_start: 4", "financial_year_start: 2")
    (problem,) = problems(tmp_path, monkeypatch, portfolio=portfolio)
    assert problem.startswith("inv/portfolio.yaml:5") and "warning" in problem
    assert "counted in the financial year of its first month" in problem


def test_a_forbidden_system_already_unsupported_is_an_error(tmp_path, monkeypatch) -> None:
    systems = SYSTEM.replace(
        "criticality: high", "criticality: critical\n    end_of_support: 2026-Q3"
    )
    (problem,) = problems(tmp_path, monkeypatch, systems=systems)
    assert problem.startswith("inv/systems/s.yaml:5")
    assert "critical systems may not run unsupported (risk.unsupported.forbid)" in problem
    assert "2026-Q3 is before the plan starts (2027-Q1): it is already unsupported" in problem


def test_the_same_system_priced_instead_of_forbidden_is_valid(tmp_path, monkeypatch) -> None:
    systems = SYSTEM.replace(
        "criticality: high", "criticality: critical\n    end_of_support: 2026-Q3"
    )
    portfolio = PORTFOLIO.replace("    forbid: [critical]\n", "")
    assert problems(tmp_path, monkeypatch, portfolio=portfolio, systems=systems) == []


def test_a_forbidden_system_no_option_can_deliver_in_time_is_an_error(
    tmp_path, monkeypatch
) -> None:
    # replace: 2 periods, +50 % → 3 periods; end of support 2027-Q2 leaves 2.
    systems = SYSTEM.replace(
        "criticality: high", "criticality: critical\n    end_of_support: 2027-Q2"
    )
    (problem,) = problems(tmp_path, monkeypatch, systems=systems)
    assert "no option can finish by its end of support 2027-Q2" in problem
    assert "takes 3 periods (2 before optimism bias)" in problem


def test_optimism_bias_that_outgrows_the_horizon_is_an_error(tmp_path, monkeypatch) -> None:
    systems = SYSTEM.replace("duration: 2", "duration: 6")  # × 1.5 = 9 > 8 periods
    (problem,) = problems(tmp_path, monkeypatch, systems=systems)
    assert "with its optimism bias this option takes 9 periods (6 before optimism bias)" in problem


def test_a_lock_that_finishes_after_a_forbidden_end_of_support_is_an_error(
    tmp_path, monkeypatch
) -> None:
    systems = SYSTEM.replace(
        "criticality: high",
        "criticality: critical\n    end_of_support: 2027-Q4\n    locked: {option: replace, start: 2027-Q3}",
    )
    found = problems(tmp_path, monkeypatch, systems=systems)
    assert any("after its end of support 2027-Q4" in p for p in found), found


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    replace: {cost",
            "    replacee: {cost",
            "unknown key 'replacee' (did you mean 'replace'?)",
        ),
        ("{cost: 0.5,", "{costs: 0.5,", "unknown key 'costs' (did you mean 'cost'?)"),
        ("duration: 0.5}", "duration: 11}", "must be at most 10"),
        ("forbid: [critical]", "forbid: [critcal]", "did you mean 'critical'?"),
        ("cost_per_year: {critical", "cost_per_year: {urgent", "must be one of"),
        ("financial_year_start: 4", "financial_year_start: 13", "must be at most 12"),
    ],
)
def test_mistyped_appraisal_keys_are_located_errors(tmp_path, monkeypatch, old, new, message):
    assert old in PORTFOLIO
    (problem,) = problems(tmp_path, monkeypatch, portfolio=PORTFOLIO.replace(old, new))
    assert problem.startswith("inv/portfolio.yaml:"), problem
    assert message in problem, problem


def test_objective_include_is_checked(tmp_path, monkeypatch) -> None:
    typo = PORTFOLIO + "objective: {include: [cash]}\n"
    (problem,) = problems(tmp_path, monkeypatch, portfolio=typo)
    assert "did you mean 'cashable'?" in problem
    twice = PORTFOLIO + "objective: {include: [risk, risk]}\n"
    (problem,) = problems(tmp_path, monkeypatch, portfolio=twice)
    assert "'risk' is listed twice" in problem


def test_ramp_shares_are_between_0_and_1(tmp_path, monkeypatch) -> None:
    portfolio = PORTFOLIO.replace("appraisal:\n", "appraisal:\n  benefit_ramp: [0.5, 1.5]\n")
    (problem,) = problems(tmp_path, monkeypatch, portfolio=portfolio)
    assert "appraisal.benefit_ramp[1]" in problem and "must be at most 1" in problem


def test_the_cli_exits_3_and_writes_nothing(tmp_path, monkeypatch, run_cli) -> None:
    systems = SYSTEM.replace(
        "criticality: high", "criticality: critical\n    end_of_support: 2026-Q3"
    )
    problems(tmp_path, monkeypatch, systems=systems)
    result = run_cli("plan", "inv", "-o", "out")
    assert result.exit_code == 3
    assert "it is already unsupported" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_json_schema_knows_every_appraisal_key() -> None:
    from prioritiser.inventory.jsonschema import inventory_json_schema

    portfolio = json.dumps(inventory_json_schema("portfolio"))
    for key in ("financial_year_start", "per_year", "appraisal", "optimism_bias",
                "dual_running", "benefit_ramp", "unsupported", "cost_per_year", "forbid",
                "include"):  # fmt: skip
        assert f'"{key}"' in portfolio, key
    systems = json.dumps(inventory_json_schema("systems"))
    assert '"costs"' in systems and '"optimism_bias"' in systems
    assert '"appraisal"' in json.dumps(inventory_json_schema("scenario"))
