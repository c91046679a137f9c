"""Cross-reference validation: ids, references, windows, locks and dependency cycles."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from prioritiser.inventory import check_inventory

# Horizon: 8 quarters, 2027-Q1 .. 2028-Q4.
PORTFOLIO = """\
portfolio:
  name: Test estate
  start: 2027-Q1
  periods: 8
resources:
  capex: {unit: GBP, per_period: 1000000, overrides: {2027-Q2: 500000}}
  engineers: {unit: FTE, per_period: 10}
"""

PLATFORMS = """\
platforms:
  - id: cloud-landing-zone
    name: Cloud
    setup_duration: 2
    resource_use: {engineers: 2}
"""


@pytest.fixture
def check(tmp_path, monkeypatch, write_inventory):
    """Write `inv/` and return (inventory, rendered problems)."""
    monkeypatch.chdir(tmp_path)

    def run(systems: str, portfolio: str = PORTFOLIO, platforms: str = PLATFORMS, **more: str):
        files = {"s.yaml": textwrap.dedent(systems)}
        files.update({f"{k}.yaml": textwrap.dedent(v) for k, v in more.items()})
        write_inventory(
            Path("inv"), portfolio=portfolio, systems=files, platforms=textwrap.dedent(platforms)
        )
        inventory, problems = check_inventory("inv")
        return inventory, [p.render() for p in problems]

    return run


def system(sid: str, *lines: str, options: str = "[{id: move, kind: rehost, duration: 2}]") -> str:
    """A system entry (3 + len(lines) lines) with the extra `lines` after `name:`."""
    extra = "".join(f"    {line}\n" for line in lines)
    return f"  - id: {sid}\n    name: {sid.title()}\n{extra}    options: {options}\n"


def systems(*entries: str) -> str:
    return "systems:\n" + "".join(entries)


def test_valid_references_have_no_problems(check):
    inventory, problems = check(
        systems(
            system(
                "identity",
                options="[{id: move, kind: rehost, duration: 2, requires_platforms: [cloud-landing-zone], resource_use: {engineers: 3}}]",
            ),
            system("payments", "depends_on: [{system: identity, constraint: requires}]"),
        )
    )
    assert problems == []
    assert inventory is not None


# --- duplicate ids ------------------------------------------------------------------------


def test_duplicate_system_id_is_an_error_naming_the_first_definition(check):
    _, problems = check(systems(system("alpha"), system("alpha")))
    assert problems == [
        "inv/systems/s.yaml:5: systems[1].id: duplicate system id 'alpha' (first defined at "
        "inv/systems/s.yaml:2); ids must be unique"
    ]


def test_duplicate_system_id_across_files_names_both_files(check):
    _, problems = check(systems(system("alpha")), other=systems(system("beta"), system("alpha")))
    assert problems == [
        "inv/systems/s.yaml:2: systems[0].id: duplicate system id 'alpha' (first defined at "
        "inv/systems/other.yaml:5); ids must be unique"
    ]


def test_duplicate_option_id_is_an_error(check):
    _, problems = check(
        systems(
            system(
                "alpha",
                options="[{id: move, kind: rehost, duration: 1}, {id: move, kind: retire, duration: 1}]",
            )
        )
    )
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].options[1].id: duplicate option of alpha id 'move' "
        "(first defined at inv/systems/s.yaml:4); ids must be unique"
    ]


def test_duplicate_platform_id_is_an_error(check):
    _, problems = check(
        systems(system("alpha")),
        platforms=PLATFORMS + "  - id: cloud-landing-zone\n    name: Again\n",
    )
    assert problems == [
        "inv/platforms.yaml:6: platforms[1].id: duplicate platform id 'cloud-landing-zone' "
        "(first defined at inv/platforms.yaml:2); ids must be unique"
    ]


# --- references ---------------------------------------------------------------------------


def test_unknown_dependency_is_an_error_with_did_you_mean(check):
    _, problems = check(
        systems(system("payments"), system("portal", "depends_on: [{system: paymnets}]"))
    )
    assert problems == [
        "inv/systems/s.yaml:7: systems[1].depends_on[0].system: unknown system 'paymnets' "
        "(did you mean 'payments'?)"
    ]


def test_self_dependency_is_an_error(check):
    _, problems = check(
        systems(system("alpha", "depends_on: [{system: alpha, constraint: after}]"))
    )
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].depends_on[0].system: a system cannot depend on itself"
    ]


def test_dependency_on_a_system_that_fails_validation_is_not_also_unknown(check):
    _, problems = check(
        systems(
            system("alpha", "criticality: extreme"), system("beta", "depends_on: [{system: alpha}]")
        )
    )
    assert len(problems) == 1
    assert "criticality" in problems[0]


def test_references_of_an_invalid_system_are_still_checked(check):
    _, problems = check(
        systems(system("alpha", "criticality: extreme", "depends_on: [{system: nobody}]"))
    )
    assert [p.split(": ")[1] for p in problems] == [
        "systems[0].criticality",
        "systems[0].depends_on[0].system",
    ]


def test_unknown_resource_in_an_option_is_an_error_with_did_you_mean(check):
    _, problems = check(
        systems(
            system(
                "alpha",
                options="[{id: move, kind: rehost, duration: 2, resource_use: {enginers: 3}}]",
            )
        )
    )
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].options[0].resource_use.enginers: unknown resource "
        "'enginers' (did you mean 'engineers'?); declare it under `resources:` in portfolio.yaml"
    ]


def test_unknown_resource_in_a_platform_is_an_error(check):
    _, problems = check(
        systems(system("alpha")),
        platforms="platforms:\n  - id: cloud\n    resource_use:\n      cobol: 1\n",
    )
    assert problems == [
        "inv/platforms.yaml:4: platforms[0].resource_use.cobol: unknown resource 'cobol'; "
        "declare it under `resources:` in portfolio.yaml"
    ]


def test_unknown_platform_is_an_error_with_did_you_mean(check):
    _, problems = check(
        systems(
            system(
                "alpha",
                options="[{id: move, kind: rehost, duration: 2, requires_platforms: [cloud-landing-zon]}]",
            )
        )
    )
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].options[0].requires_platforms[0]: unknown platform "
        "'cloud-landing-zon' (did you mean 'cloud-landing-zone'?); declare it in platforms.yaml"
    ]


def test_unknown_platform_without_platforms_yaml_is_an_error(check):
    _, problems = check(
        systems(
            system(
                "alpha",
                options="[{id: move, kind: rehost, duration: 2, requires_platforms: [cloud]}]",
            )
        ),
        platforms="platforms: []\n",
    )
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].options[0].requires_platforms[0]: unknown platform "
        "'cloud'; declare it in platforms.yaml"
    ]


# --- windows and deadlines ----------------------------------------------------------------


def test_option_longer_than_the_horizon_is_an_error(check):
    _, problems = check(systems(system("alpha", options="[{id: move, kind: rehost, duration: 9}]")))
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].options[0].duration: duration 9 is longer than the "
        "8-period horizon, so this option can never be chosen"
    ]


def test_platform_setup_longer_than_the_horizon_is_an_error(check):
    _, problems = check(
        systems(system("alpha")), platforms="platforms:\n  - id: cloud\n    setup_duration: 12\n"
    )
    assert problems == [
        "inv/platforms.yaml:3: platforms[0].setup_duration: setup_duration 12 is longer than the "
        "8-period horizon"
    ]


def test_deadline_before_earliest_start_is_an_error(check):
    _, problems = check(
        systems(system("alpha", "earliest_start: 2028-Q1", "must_modernise_by: 2027-Q4"))
    )
    assert problems == [
        "inv/systems/s.yaml:5: systems[0].must_modernise_by: deadline 2027-Q4 is before "
        "earliest_start 2028-Q1"
    ]


def test_deadline_before_the_horizon_is_an_error(check):
    _, problems = check(systems(system("alpha", "must_modernise_by: 2026-Q4")))
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].must_modernise_by: deadline 2026-Q4 is before the "
        "horizon starts (2027-Q1)"
    ]


def test_deadline_shorter_than_the_shortest_option_is_an_error(check):
    _, problems = check(
        systems(system("alpha", "earliest_start: 2027-Q3", "must_modernise_by: 2027-Q3"))
    )
    assert problems == [
        "inv/systems/s.yaml:5: systems[0].must_modernise_by: cannot be met: the shortest option "
        "takes 2 periods but only 1 are available from 2027-Q3 to 2027-Q3"
    ]


def test_deadline_that_the_shortest_option_just_meets_is_valid(check):
    _, problems = check(
        systems(system("alpha", "earliest_start: 2027-Q3", "must_modernise_by: 2027-Q4"))
    )
    assert problems == []


def test_deadline_as_a_year_means_its_last_quarter(check):
    _, problems = check(
        systems(system("alpha", "earliest_start: 2027-Q4", "must_modernise_by: 2028"))
    )
    assert problems == []


def test_deadline_after_the_horizon_still_needs_the_option_to_fit_in_the_horizon(check):
    _, problems = check(
        systems(system("alpha", "earliest_start: 2028-Q4", "must_modernise_by: 2030-Q1"))
    )
    assert problems == [
        "inv/systems/s.yaml:5: systems[0].must_modernise_by: cannot be met: the shortest option "
        "takes 2 periods but only 1 are available from 2028-Q4 to 2028-Q4"
    ]


def test_deadline_without_options_is_an_error(check):
    _, problems = check(systems(system("alpha", "must_modernise_by: 2028-Q4", options="[]")))
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].must_modernise_by: has a deadline but no options to "
        "meet it; add an option"
    ]


def test_earliest_start_after_the_horizon_is_a_warning(check):
    inventory, problems = check(systems(system("alpha", "earliest_start: 2030-Q1")))
    assert inventory is not None
    assert problems == [
        "inv/systems/s.yaml:4: warning: systems[0].earliest_start: earliest_start 2030-Q1 is "
        "after the horizon (2027-Q1–2028-Q4)"
    ]


def test_override_outside_the_horizon_is_a_warning(check):
    portfolio = PORTFOLIO.replace("{2027-Q2: 500000}", "{2027-Q2: 500000, 2031-Q1: 0}")
    inventory, problems = check(systems(system("alpha")), portfolio=portfolio)
    assert inventory is not None
    assert problems == [
        "inv/portfolio.yaml:6: warning: resources.capex.overrides.2031-Q1: override for 2031-Q1 "
        "is outside the horizon 2027-Q1–2028-Q4 and has no effect"
    ]


# --- locked decisions ---------------------------------------------------------------------


def test_locked_option_that_does_not_exist_is_an_error_with_did_you_mean(check):
    _, problems = check(systems(system("alpha", "locked: {option: mvoe, start: 2027-Q2}")))
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].locked.option: locked option 'mvoe' is not one of this "
        "system's options (did you mean 'move'?)"
    ]


def test_locked_start_outside_the_horizon_is_an_error(check):
    _, problems = check(systems(system("alpha", "locked: {option: move, start: 2026-Q4}")))
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].locked.start: locked start 2026-Q4 is outside the horizon"
    ]


def test_locked_option_running_past_the_horizon_is_an_error(check):
    _, problems = check(systems(system("alpha", "locked: {option: move, start: 2028-Q4}")))
    assert problems == [
        "inv/systems/s.yaml:4: systems[0].locked.start: locked option runs to 2029-Q1, past the "
        "end of the horizon (2028-Q4)"
    ]


def test_locked_option_finishing_after_the_deadline_is_an_error(check):
    _, problems = check(
        systems(
            system("alpha", "must_modernise_by: 2027-Q3", "locked: {option: move, start: 2027-Q3}")
        )
    )
    assert problems == [
        "inv/systems/s.yaml:5: systems[0].locked.start: locked option finishes in 2027-Q4, after "
        "the deadline 2027-Q3"
    ]


def test_locked_start_before_earliest_start_is_an_error(check):
    _, problems = check(
        systems(
            system("alpha", "earliest_start: 2027-Q3", "locked: {option: move, start: 2027-Q2}")
        )
    )
    assert problems == [
        "inv/systems/s.yaml:5: systems[0].locked.start: locked start 2027-Q2 is before "
        "earliest_start 2027-Q3"
    ]


def test_valid_lock_is_accepted(check):
    inventory, problems = check(systems(system("alpha", "locked: {option: move, start: 2027-Q2}")))
    assert problems == []
    assert inventory.lock_start_index(inventory.system("alpha")) == 1


# --- dependency cycles --------------------------------------------------------------------


def test_after_requires_cycle_is_a_warning_naming_members_and_suggesting_together(check):
    inventory, problems = check(
        systems(
            system("alpha", "depends_on: [{system: gamma, constraint: after}]"),
            system("beta", "depends_on: [{system: alpha, constraint: requires}]"),
            system("gamma", "depends_on: [{system: beta}]"),
        )
    )
    assert inventory is not None  # a warning does not make the inventory invalid
    [problem] = problems
    assert problem.startswith("inv/systems/s.yaml:4: warning: systems[0].depends_on: ")
    # The cycle follows the depends_on links: alpha needs gamma, gamma needs beta, beta needs alpha.
    assert "alpha → gamma → beta → alpha" in problem
    assert "`together`" in problem


def test_cycle_within_a_larger_tangle_names_all_members(check):
    _, problems = check(
        systems(
            system("a", "depends_on: [{system: b}, {system: c}]"),
            system("b", "depends_on: [{system: a}]"),
            system("c", "depends_on: [{system: a}]"),
        )
    )
    [problem] = problems
    assert "(among a, b, c)" in problem


def test_together_and_none_links_do_not_make_a_cycle(check):
    _, problems = check(
        systems(
            system("alpha", "depends_on: [{system: beta, constraint: together}]"),
            system("beta", "depends_on: [{system: alpha, constraint: none}]"),
        )
    )
    assert problems == []


def test_two_separate_cycles_are_two_warnings(check):
    _, problems = check(
        systems(
            system("a", "depends_on: [{system: b}]"),
            system("b", "depends_on: [{system: a}]"),
            system("c", "depends_on: [{system: d}]"),
            system("d", "depends_on: [{system: c}]"),
        )
    )
    assert len(problems) == 2
    assert all("warning: " in p for p in problems)
