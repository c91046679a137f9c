"""Validation of each item on its own: one test per field rule, each located by file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from prioritiser.inventory import check_inventory, load_inventory

PORTFOLIO = """\
portfolio:
  name: Test estate
  start: 2027-Q1
  periods: 8
resources:
  capex: {unit: GBP, per_period: 1000000}
  engineers: {unit: FTE, per_period: 10}
"""

# Line numbers in the systems file below: the option under test is on lines 5-8.
SYSTEM = """\
systems:
  - id: alpha
    name: Alpha
    options:
      - id: rehost
        kind: rehost
        duration: 2
        cost: 1000
"""


@pytest.fixture
def check(tmp_path, monkeypatch, write_inventory):
    """Write `inv/` (portfolio.yaml, systems/s.yaml) and return (inventory, rendered problems)."""
    monkeypatch.chdir(tmp_path)

    def run(systems: str = SYSTEM, portfolio: str = PORTFOLIO, **files: str):
        write_inventory(
            Path("inv"),
            portfolio=textwrap.dedent(portfolio),
            systems={"s.yaml": textwrap.dedent(systems)},
        )
        for name, text in files.items():
            path = Path("inv", name.replace("__", "/") + ".yaml")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        inventory, problems = check_inventory("inv")
        return inventory, [p.render() for p in problems]

    return run


def with_option_line(line: str) -> str:
    """SYSTEM with one more line in the option (it becomes line 9)."""
    return SYSTEM + f"        {line}\n"


def with_system_line(line: str) -> str:
    """SYSTEM with one more line in the system, right after `name:` (it becomes line 4)."""
    return SYSTEM.replace("    name: Alpha\n", f"    name: Alpha\n    {line}\n")


def test_baseline_is_valid(check):
    inventory, problems = check()
    assert problems == []
    assert inventory is not None
    option = inventory.system("alpha").option("rehost")
    assert (option.duration, option.cost, option.delivery_risk) == (2, 1000, 1)


def test_defaults_are_filled_in(check):
    inventory, _ = check()
    alpha = inventory.system("alpha")
    assert inventory.portfolio.currency == "GBP"
    assert inventory.portfolio.discount_rate == 0.035
    assert inventory.portfolio.appraisal_years == 10
    assert alpha.criticality == "medium"
    assert alpha.legacy_risk.points == 5
    assert alpha.depends_on == []


# --- option fields -----------------------------------------------------------------------


def test_negative_cost_is_an_error(check):
    _, problems = check(SYSTEM.replace("cost: 1000", "cost: -5"))
    assert problems == [
        "inv/systems/s.yaml:8: systems[0].options[0].cost: must be at least 0 (got -5)"
    ]


def test_absurd_cost_is_an_error(check):
    _, problems = check(SYSTEM.replace("cost: 1000", "cost: 1.0e+300"))
    assert problems == [
        "inv/systems/s.yaml:8: systems[0].options[0].cost: "
        "must be less than 1000000000000000 (got 1e+300)"
    ]


def test_zero_duration_is_an_error(check):
    _, problems = check(SYSTEM.replace("duration: 2", "duration: 0"))
    assert problems == [
        "inv/systems/s.yaml:7: systems[0].options[0].duration: must be at least 1 (got 0)"
    ]


def test_fractional_duration_is_an_error(check):
    _, problems = check(SYSTEM.replace("duration: 2", "duration: 2.5"))
    assert problems == [
        "inv/systems/s.yaml:7: systems[0].options[0].duration: must be a whole number (got 2.5)"
    ]


def test_delivery_risk_above_five_is_an_error(check):
    _, problems = check(with_option_line("delivery_risk: 9"))
    assert problems == [
        "inv/systems/s.yaml:9: systems[0].options[0].delivery_risk: must be at most 5 (got 9)"
    ]


def test_risk_reduction_above_one_is_an_error(check):
    _, problems = check(with_option_line("risk_reduction: 1.5"))
    assert problems == [
        "inv/systems/s.yaml:9: systems[0].options[0].risk_reduction: must be at most 1 (got 1.5)"
    ]


def test_unknown_option_kind_is_an_error_with_did_you_mean(check):
    _, problems = check(SYSTEM.replace("kind: rehost", "kind: rehots"))
    assert problems == [
        "inv/systems/s.yaml:6: systems[0].options[0].kind: must be one of retire, rehost, "
        "replatform, refactor, replace or repurchase (got 'rehots') (did you mean 'rehost'?)"
    ]


def test_misspelt_option_key_is_an_error_with_did_you_mean(check):
    _, problems = check(with_option_line("anual_saving: 100"))
    assert problems == [
        "inv/systems/s.yaml:9: systems[0].options[0].anual_saving: "
        "unknown key 'anual_saving' (did you mean 'annual_saving'?)"
    ]


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(check):
    _, problems = check(with_system_line("colour: blue"))
    [problem] = problems
    assert problem.startswith(
        "inv/systems/s.yaml:4: systems[0].colour: unknown key 'colour' (allowed: id, name,"
    )


def test_text_where_a_number_belongs_is_an_error(check):
    _, problems = check(SYSTEM.replace("duration: 2", "duration: two"))
    assert problems == [
        "inv/systems/s.yaml:7: systems[0].options[0].duration: must be a whole number (got 'two')"
    ]


def test_text_cost_is_an_error(check):
    _, problems = check(SYSTEM.replace("cost: 1000", "cost: a lot"))
    assert problems == [
        "inv/systems/s.yaml:8: systems[0].options[0].cost: must be a finite number (got 'a lot')"
    ]


def test_quoted_nan_or_inf_cost_is_not_a_finite_number(check):
    for text in ('"nan"', '"inf"', "1e999"):
        _, problems = check(with_system_line(f"annual_run_cost: {text}"))
        assert len(problems) == 1
        assert problems[0].startswith("inv/systems/s.yaml:4: systems[0].annual_run_cost: must be")


def test_options_that_are_not_a_list_are_an_error(check):
    _, problems = check("systems:\n  - id: alpha\n    name: Alpha\n    options: none\n")
    assert problems == ["inv/systems/s.yaml:4: systems[0].options: must be a list (got 'none')"]


def test_a_mapping_where_a_list_belongs_is_an_error(check):
    _, problems = check(with_option_line("requires_platforms: {a: 1}"))
    assert problems == [
        "inv/systems/s.yaml:9: systems[0].options[0].requires_platforms: must be a list (got a mapping)"
    ]


def test_a_scalar_where_a_mapping_belongs_is_an_error(check):
    _, problems = check(with_system_line("legacy_risk: 3"))
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].legacy_risk: must be a mapping of keys to values (got 3)"
    ]


def test_non_boolean_cashable_is_an_error(check):
    _, problems = check(
        with_option_line("benefits: [{department: Tax, annual: 5, cashable: maybe}]")
    )
    assert problems == [
        "inv/systems/s.yaml:9: systems[0].options[0].benefits[0].cashable: "
        "must be true or false (got 'maybe')"
    ]


def test_list_where_text_belongs_is_an_error(check):
    _, problems = check(SYSTEM.replace("name: Alpha", "name: [Alpha]"))
    assert problems == ["inv/systems/s.yaml:3: systems[0].name: must be text (got a list)"]


def test_legacy_risk_scores_run_from_one_to_five(check):
    _, problems = check(with_system_line("legacy_risk: {security: 6, data: 0}"))
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].legacy_risk.data: must be at least 1 (got 0)",
        "inv/systems/s.yaml:4: systems[0].legacy_risk.security: must be at most 5 (got 6)",
    ]


# --- system fields -----------------------------------------------------------------------


def test_invalid_criticality_is_an_error_with_did_you_mean(check):
    _, problems = check(with_system_line("criticality: critcal"))
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].criticality: must be one of low, medium, high or "
        "critical (got 'critcal') (did you mean 'critical'?)"
    ]


def test_id_with_capitals_or_underscores_is_an_error(check):
    _, problems = check(SYSTEM.replace("id: alpha", "id: Alpha_DB"))
    assert problems == [
        "inv/systems/s.yaml:2: systems[0].id: a value must use lower-case letters, digits and "
        "'-' only (got 'Alpha_DB')"
    ]


def test_unicode_id_is_an_error(check):
    _, problems = check(SYSTEM.replace("id: rehost", "id: réhost"))
    assert problems == [
        "inv/systems/s.yaml:5: systems[0].options[0].id: a value must use lower-case letters, "
        "digits and '-' only (got 'réhost')"
    ]


def test_bad_period_label_is_an_error(check):
    _, problems = check(with_system_line("must_modernise_by: 2027-Q5"))
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].must_modernise_by: must be a period label YYYY-Qn, "
        "YYYY-MM or YYYY (got '2027-Q5')"
    ]


def test_a_year_label_written_as_a_yaml_int_is_accepted(check):
    inventory, problems = check(with_system_line("end_of_support: 2028"))
    assert problems == []
    assert inventory.system("alpha").end_of_support == "2028"


def test_bad_dependency_constraint_is_an_error_with_did_you_mean(check):
    text = (
        SYSTEM
        + "  - id: beta\n    name: B\n    options: []\n    depends_on: [{system: alpha, constraint: aftr}]\n"
    )
    _, problems = check(text)
    assert problems == [
        "inv/systems/s.yaml:12: systems[1].depends_on[0].constraint: must be one of after, "
        "requires, together or none (got 'aftr') (did you mean 'after'?)"
    ]


# --- required fields ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drop", "path", "line"),
    [
        ("    name: Alpha\n", "systems[0].name", 2),
        ("        kind: rehost\n", "systems[0].options[0].kind", 5),
        ("        duration: 2\n", "systems[0].options[0].duration", 5),
        (SYSTEM[SYSTEM.index("    options:") :], "systems[0].options", 2),
    ],
)
def test_missing_required_field_points_at_the_mapping_that_lacks_it(check, drop, path, line):
    _, problems = check(SYSTEM.replace(drop, ""))
    assert problems == [f"inv/systems/s.yaml:{line}: {path}: is required but missing"]


def test_missing_option_id_is_required(check):
    _, problems = check(SYSTEM.replace("      - id: rehost\n        kind", "      - kind"))
    assert problems == ["inv/systems/s.yaml:5: systems[0].options[0].id: is required but missing"]


def test_missing_system_id_is_required(check):
    _, problems = check(SYSTEM.replace("  - id: alpha\n    name: Alpha\n", "  - name: Alpha\n"))
    assert problems == ["inv/systems/s.yaml:2: systems[0].id: is required but missing"]


def test_empty_options_mean_retain_only(check):
    inventory, problems = check("systems:\n  - {id: alpha, name: Alpha, options: []}\n")
    assert problems == []
    assert inventory.system("alpha").options == []


@pytest.mark.parametrize("field", ["name", "start", "periods"])
def test_missing_portfolio_field_is_required(check, field):
    lines = [
        line for line in PORTFOLIO.splitlines(keepends=True) if not line.startswith(f"  {field}:")
    ]
    _, problems = check(portfolio="".join(lines))
    assert problems == [f"inv/portfolio.yaml:1: portfolio.{field}: is required but missing"]


def test_missing_portfolio_section_points_at_portfolio_yaml(check):
    _, problems = check(portfolio="resources: {}\n")
    assert problems == ["inv/portfolio.yaml:1: portfolio: is required but missing"]


def test_empty_portfolio_mapping_is_an_error_not_a_silent_failure(check):
    inventory, problems = check(portfolio="{}\n")
    assert inventory is None
    assert problems == ["inv/portfolio.yaml:1: portfolio.yaml has no `portfolio:` section"]


def test_empty_portfolio_file_is_an_error(check):
    _, problems = check(portfolio="")
    assert problems == ["inv/portfolio.yaml:1: portfolio.yaml is empty"]


def test_missing_portfolio_file_is_an_error(tmp_path, monkeypatch, write_inventory):
    monkeypatch.chdir(tmp_path)
    write_inventory(Path("inv"))
    Path("inv/portfolio.yaml").unlink()
    inventory, problems = check_inventory("inv")
    assert inventory is None
    assert problems[0].render().startswith("inv/portfolio.yaml:1: no portfolio.yaml")
    assert "prioritiser init" in problems[0].message


def test_inventory_without_systems_files_is_valid_with_a_warning(tmp_path, write_inventory):
    root = write_inventory(tmp_path / "inv")
    for path in (root / "systems").iterdir():
        path.unlink()
    inventory, problems = check_inventory(root)
    assert inventory is not None and inventory.systems == ()
    assert [p.severity for p in problems] == ["warning"]


# --- portfolio fields ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "periods: 8",
            "periods: 0",
            "portfolio.yaml:4: portfolio.periods: must be at least 1 (got 0)",
        ),
        (
            "periods: 8",
            "periods: 401",
            "portfolio.yaml:4: portfolio.periods: must be at most 400 (got 401)",
        ),
        (
            "start: 2027-Q1",
            "start: Q1-2027",
            "portfolio.yaml:3: portfolio.start: must be a period label YYYY-Qn, YYYY-MM or YYYY (got 'Q1-2027')",
        ),
        (
            "per_period: 10}",
            "per_period: -1}",
            "portfolio.yaml:7: resources.engineers.per_period: must be at least 0 (got -1)",
        ),
        (
            "per_period: 10}",
            "per_period: 10, overrides: {2027-Q9: 1}}",
            "portfolio.yaml:7: resources.engineers.overrides.2027-Q9: must be a period label YYYY-Qn, YYYY-MM or YYYY (got '2027-Q9')",
        ),
    ],
)
def test_portfolio_field_constraints(check, old, new, message):
    _, problems = check(portfolio=PORTFOLIO.replace(old, new))
    assert problems == [f"inv/{message}"]


def test_discount_rate_above_one_is_an_error(check):
    _, problems = check(
        portfolio=PORTFOLIO.replace("  periods: 8\n", "  periods: 8\n  discount_rate: 3.5\n")
    )
    assert problems == [
        "inv/portfolio.yaml:5: portfolio.discount_rate: must be at most 1 (got 3.5)"
    ]


def test_risk_threshold_is_a_score(check):
    _, problems = check(portfolio=PORTFOLIO + "risk:\n  high_risk_threshold: 7\n")
    assert problems == ["inv/portfolio.yaml:9: risk.high_risk_threshold: must be at most 5 (got 7)"]


def test_a_yearly_horizon_from_an_int_year_is_valid(check):
    inventory, problems = check(portfolio=PORTFOLIO.replace("start: 2027-Q1", "start: 2027"))
    assert problems == []
    assert inventory.axis.labels[:2] == ["2027", "2028"]


# --- unknown top-level keys ---------------------------------------------------------------


def test_unknown_top_level_key_in_portfolio_yaml_is_an_error_with_did_you_mean(check):
    _, problems = check(portfolio=PORTFOLIO + "objectve: {risk_value_per_point: 1}\n")
    assert problems == [
        "inv/portfolio.yaml:8: objectve: unknown key 'objectve' (did you mean 'objective'?)"
    ]


def test_systems_in_portfolio_yaml_are_an_error_not_a_crash(check):
    for value in ("5", "{a: 1}", "[{id: b, name: B, options: []}]"):
        inventory, problems = check(portfolio=PORTFOLIO + f"systems: {value}\n")
        assert inventory is None
        assert problems == [
            "inv/portfolio.yaml:8: systems: `systems:` belongs in systems/*.yaml, not in portfolio.yaml"
        ]


def test_platforms_in_portfolio_yaml_are_an_error_not_a_crash(check):
    _, problems = check(portfolio=PORTFOLIO + "platforms: 5\n")
    assert problems == [
        "inv/portfolio.yaml:8: platforms: `platforms:` belongs in platforms.yaml, not in portfolio.yaml"
    ]


def test_unknown_top_level_key_in_a_systems_file_is_an_error(check):
    _, problems = check(SYSTEM + "sytems: []\n")
    assert problems == [
        "inv/systems/s.yaml:1: must be a mapping with one key `systems:` holding a list "
        "(unknown top-level keys: sytems)"
    ]


def test_a_systems_file_that_is_a_bare_list_is_an_error(check):
    _, problems = check("- id: alpha\n  name: Alpha\n  options: []\n")
    assert problems == [
        "inv/systems/s.yaml:1: must be a mapping with one key `systems:` holding a list"
    ]


def test_systems_that_is_not_a_list_is_an_error(check):
    _, problems = check("systems: {id: alpha}\n")
    assert problems == ["inv/systems/s.yaml:1: systems: `systems:` must be a list"]


def test_a_system_entry_that_is_not_a_mapping_is_an_error(check):
    _, problems = check(SYSTEM + "  - just text\n")
    assert problems == ["inv/systems/s.yaml:9: systems[1]: must be a mapping of fields"]


def test_unknown_key_in_platforms_yaml_is_an_error(check):
    _, problems = check(platforms="platforms:\n  - id: cloud\n    setup_cots: 5\n")
    assert problems == [
        "inv/platforms.yaml:3: platforms[0].setup_cots: unknown key 'setup_cots' (did you mean 'setup_cost'?)"
    ]


# --- several files, one pass --------------------------------------------------------------


def test_indexes_are_local_to_each_systems_file_and_all_problems_come_in_one_pass(check):
    _, problems = check(
        SYSTEM.replace("cost: 1000", "cost: -1"),
        systems__more="systems:\n  - id: beta\n    name: Beta\n    criticality: huge\n    options: []\n",
    )
    assert problems == [
        "inv/systems/more.yaml:4: systems[0].criticality: must be one of low, medium, high or critical (got 'huge')",
        "inv/systems/s.yaml:8: systems[0].options[0].cost: must be at least 0 (got -1)",
    ]


def test_systems_files_in_subfolders_are_read(check):
    inventory, problems = check(
        systems__dwp__benefits="systems:\n  - {id: beta, name: Beta, options: []}\n"
    )
    assert problems == []
    # Files are read in path order: systems/dwp/benefits.yaml before systems/s.yaml.
    assert [s.id for s in inventory.systems] == ["beta", "alpha"]


def test_load_inventory_raises_with_every_error(check):
    check(SYSTEM.replace("cost: 1000", "cost: -1").replace("duration: 2", "duration: 0"))
    from prioritiser.inventory import InventoryError

    with pytest.raises(InventoryError, match="2 problems") as caught:
        load_inventory("inv")
    assert [p.location.line for p in caught.value.problems] == [7, 8]


def test_valid_inventory_records_source_hashes(check):
    import hashlib

    inventory, _ = check()
    by_path = {s.path: s.sha256 for s in inventory.sources}
    assert set(by_path) == {"portfolio.yaml", "systems/s.yaml"}
    assert (
        by_path["systems/s.yaml"]
        == hashlib.sha256(Path("inv/systems/s.yaml").read_bytes()).hexdigest()
    )
