"""Scenario overlays: patch the inventory by structure and id, with errors in the overlay file."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest

from prioritiser.inventory import InventoryError, check_inventory, load_inventory

SYSTEMS = """\
systems:
  - id: identity
    name: Identity
    criticality: high
    options:
      - {id: replatform, kind: replatform, duration: 2, cost: 100000}
      - {id: rehost, kind: rehost, duration: 1, cost: 50000}
  - id: payments
    name: Payments
    must_modernise_by: 2028-Q4
    depends_on: [{system: identity, constraint: after}]
    options:
      - {id: replace, kind: replace, duration: 3, cost: 500000}
"""


@pytest.fixture
def inv(tmp_path, monkeypatch, write_inventory) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_inventory(Path("inv"), systems={"core.yaml": SYSTEMS})


def overlay(text: str, name: str = "what-if.yaml") -> Path:
    path = Path(name)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_with(inv: Path, *overlays: Path) -> list[str]:
    inventory, problems = check_inventory(inv, overlays)
    assert inventory is None
    return [p.render() for p in problems]


def test_resource_per_period_is_changed_and_other_fields_kept(inv):
    path = overlay("name: budget-cut\nresources:\n  capex: {per_period: 700000}\n")
    inventory = load_inventory(inv, scenarios=[path])
    assert inventory.resources["capex"].per_period == 700000
    assert inventory.resources["capex"].unit == "GBP"
    assert inventory.resources["engineers"].per_period == 10
    assert inventory.scenarios == ("budget-cut",)


def test_a_new_resource_can_be_added(inv):
    path = overlay("resources:\n  cobol: {unit: FTE, per_period: 2}\n")
    inventory = load_inventory(inv, scenarios=[path])
    assert inventory.resources["cobol"].per_period == 2


def test_system_field_is_changed_by_id_in_mapping_form(inv):
    path = overlay("systems:\n  payments: {must_modernise_by: 2028-Q2, criticality: critical}\n")
    inventory = load_inventory(inv, scenarios=[path])
    payments = inventory.system("payments")
    assert (payments.must_modernise_by, payments.criticality) == ("2028-Q2", "critical")
    assert payments.depends_on[0].system == "identity"
    assert inventory.system("identity").criticality == "high"


def test_system_field_is_changed_by_id_in_list_form(inv):
    path = overlay("systems:\n  - {id: identity, criticality: low}\n")
    inventory = load_inventory(inv, scenarios=[path])
    assert inventory.system("identity").criticality == "low"
    assert inventory.system("identity").name == "Identity"


def test_option_is_patched_by_id_and_other_options_kept(inv):
    path = overlay(
        """\
        systems:
          identity:
            options:
              rehost: {cost: 75000, duration: 2}
        """
    )
    identity = load_inventory(inv, scenarios=[path]).system("identity")
    assert [o.id for o in identity.options] == ["replatform", "rehost"]
    assert (identity.option("rehost").cost, identity.option("rehost").duration) == (75000, 2)
    assert identity.option("replatform").cost == 100000


def test_option_is_patched_by_id_in_list_form(inv):
    path = overlay("systems:\n  identity:\n    options: [{id: replatform, delivery_risk: 5}]\n")
    identity = load_inventory(inv, scenarios=[path]).system("identity")
    assert identity.option("replatform").delivery_risk == 5
    assert len(identity.options) == 2


def test_a_new_option_is_added_when_it_has_a_kind(inv):
    path = overlay("systems:\n  payments:\n    options: {retire: {kind: retire, duration: 1}}\n")
    payments = load_inventory(inv, scenarios=[path]).system("payments")
    assert [o.id for o in payments.options] == ["replace", "retire"]


def test_a_new_system_is_added(inv):
    path = overlay(
        """\
        systems:
          portal:
            name: Citizen portal
            depends_on: [{system: payments}]
            options: [{id: rebuild, kind: refactor, duration: 2}]
        """
    )
    inventory = load_inventory(inv, scenarios=[path])
    assert [s.id for s in inventory.systems] == ["identity", "payments", "portal"]
    assert inventory.system("portal").options[0].kind == "refactor"


def test_null_removes_a_deadline(inv):
    path = overlay("systems:\n  payments: {must_modernise_by: null}\n")
    inventory = load_inventory(inv, scenarios=[path])
    assert inventory.system("payments").must_modernise_by is None
    assert inventory.deadline_index(inventory.system("payments")) is None


def test_null_removes_an_optional_top_level_section(inv):
    Path("inv/portfolio.yaml").write_text(
        Path("inv/portfolio.yaml").read_text() + "risk: {max_concurrent_high_risk: 1}\n"
    )
    path = overlay("risk: null\n")
    inventory = load_inventory(inv, scenarios=[path])
    assert inventory.risk.max_concurrent_high_risk is None


def test_null_removing_a_required_field_is_an_error(inv):
    path = overlay("systems:\n  payments: {name: null}\n")
    assert problems_with(inv, path) == [
        "inv/systems/core.yaml:8: systems[1].name: is required but missing"
    ]


def test_other_lists_are_replaced_whole(inv):
    path = overlay("systems:\n  payments: {depends_on: []}\n")
    assert load_inventory(inv, scenarios=[path]).system("payments").depends_on == []


def test_later_overlays_apply_on_top_of_earlier_ones(inv):
    first = overlay("name: first\nresources: {capex: {per_period: 1}}\n", "first.yaml")
    second = overlay("name: second\nresources: {capex: {per_period: 2}}\n", "second.yaml")
    inventory = load_inventory(inv, scenarios=[first, second])
    assert inventory.resources["capex"].per_period == 2
    assert inventory.scenarios == ("first", "second")


def test_scenario_without_a_name_is_named_after_its_file(inv):
    path = overlay("resources: {capex: {per_period: 1}}\n", "tight-money.yaml")
    assert load_inventory(inv, scenarios=[path]).scenarios == ("tight-money",)


def test_overlay_is_recorded_among_the_sources_and_inputs_are_untouched(inv):
    before = {p: p.read_bytes() for p in Path("inv").rglob("*.yaml")}
    path = overlay("systems:\n  payments: {criticality: low}\n")
    inventory = load_inventory(inv, scenarios=[path])
    digests = {s.sha256 for s in inventory.sources}
    assert hashlib.sha256(path.read_bytes()).hexdigest() in digests
    assert {p: p.read_bytes() for p in Path("inv").rglob("*.yaml")} == before


# --- errors are located in the overlay ----------------------------------------------------


def test_unknown_system_id_is_an_error_at_the_overlay_line(inv):
    path = overlay("name: typo\nsystems:\n  paymnets: {criticality: low}\n")
    assert problems_with(inv, path) == [
        "what-if.yaml:3: 'paymnets' is not in the inventory (did you mean 'payments'?); "
        "to add a new item give all its required fields"
    ]


def test_unknown_system_id_in_list_form_is_an_error_at_the_overlay_line(inv):
    path = overlay(
        "systems:\n  - {id: identity, criticality: low}\n  - {id: nobody, criticality: low}\n"
    )
    [problem] = problems_with(inv, path)
    assert problem.startswith("what-if.yaml:3: 'nobody' is not in the inventory")


def test_unknown_option_id_is_an_error_at_the_overlay_line(inv):
    path = overlay("systems:\n  identity:\n    options:\n      rehots: {cost: 1}\n")
    [problem] = problems_with(inv, path)
    assert problem.startswith(
        "what-if.yaml:4: 'rehots' is not in the inventory (did you mean 'rehost'?)"
    )


def test_unknown_top_level_key_in_an_overlay_is_an_error(inv):
    path = overlay("name: x\nresorces: {capex: {per_period: 1}}\n")
    assert problems_with(inv, path) == [
        "what-if.yaml:2: unknown key 'resorces' (did you mean 'resources'?)"
    ]


def test_unknown_field_in_a_system_patch_is_reported_at_the_overlay_line(inv):
    path = overlay("systems:\n  payments:\n    must_modernize_by: 2028-Q1\n")
    assert problems_with(inv, path) == [
        "what-if.yaml:3: systems[1].must_modernize_by: unknown key 'must_modernize_by' "
        "(did you mean 'must_modernise_by'?)"
    ]


def test_invalid_value_from_an_overlay_is_reported_at_the_overlay_line(inv):
    path = overlay("systems:\n  identity:\n    options:\n      rehost: {duration: 0}\n")
    assert problems_with(inv, path) == [
        "what-if.yaml:4: systems[0].options[1].duration: must be at least 1 (got 0)"
    ]


def test_problem_in_an_added_option_names_its_system(inv):
    path = overlay(
        "systems:\n  payments:\n    options:\n      retire: {kind: retire, duration: 0}\n"
    )
    assert problems_with(inv, path) == [
        "what-if.yaml:4: systems[1].options[retire].duration: must be at least 1 (got 0)"
    ]


def test_problem_in_an_added_system_is_shown_by_its_id(inv):
    path = overlay("systems:\n  portal: {name: Portal, criticality: vital, options: []}\n")
    [problem] = problems_with(inv, path)
    assert problem.startswith("what-if.yaml:2: systems[portal].criticality: must be one of")


def test_removing_an_item_is_an_error(inv):
    path = overlay("systems:\n  payments: null\n")
    assert problems_with(inv, path) == [
        "what-if.yaml:2: 'payments': removing items is not supported; patch fields"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "what-if.yaml:1: a scenario must be a mapping"),
        ("name: [x]\n", "what-if.yaml:1: scenario name must be text"),
        (
            "systems: 5\n",
            "what-if.yaml:1: must be a mapping keyed by id, or a list of items with `id`",
        ),
        ("systems: [5]\n", "what-if.yaml:1: each entry must be a mapping with an `id`"),
        (
            "systems: {payments: 5}\n",
            "what-if.yaml:1: 'payments': must be a mapping of fields to change",
        ),
    ],
)
def test_malformed_overlays_are_errors(inv, text, message):
    assert problems_with(inv, overlay(text)) == [message]


def test_missing_overlay_file_is_an_error(inv):
    [problem] = problems_with(inv, Path("nowhere.yaml"))
    assert problem.startswith("nowhere.yaml:1: cannot read file")


def test_hostile_overlay_is_refused_like_any_inventory_file(inv, tmp_path):
    marker = tmp_path / "pwned"
    path = overlay(f'name: !!python/object/apply:os.system ["touch {marker}"]\n')
    with pytest.raises(InventoryError):
        load_inventory(inv, scenarios=[path])
    assert not marker.exists()


def test_demo_scenarios_apply_cleanly():
    demo = Path(__file__).parent.parent / "inventories" / "demo"
    for path in sorted((demo / "scenarios").glob("*.yaml")):
        inventory = load_inventory(demo, scenarios=[path])
        assert inventory.scenarios == (path.stem,)
