"""The estate is resolved once: windows as period indices, draws per resource, typed links."""

from __future__ import annotations

from pathlib import Path

import pytest

from prioritiser.economics import Appraisal
from prioritiser.graph import EstateGraph
from prioritiser.inventory import (
    Dependency,
    DependencyConstraint,
    Inventory,
    Lock,
    Option,
    Platform,
    System,
    load_inventory,
)
from prioritiser.inventory.schema import Objective, Portfolio, Resource, Risk

DEMO = Path(__file__).parent.parent / "inventories" / "demo"


def estate_of(*systems: System, platforms: tuple[Platform, ...] = ()) -> Inventory:
    return Inventory(
        portfolio=Portfolio(name="Resolved", start="2027-Q1", periods=8),
        resources={
            "capex": Resource(per_period=100.0, overrides={"2027-Q2": 40.0}),
            "engineers": Resource(unit="FTE", per_period=10.0, total=50.0),
        },
        risk=Risk(),
        objective=Objective(),
        platforms=platforms,
        systems=systems,
    )


def test_windows_are_period_indices_on_the_horizon() -> None:
    inventory = estate_of(
        System(
            id="a",
            name="A",
            earliest_start="2027-Q3",
            must_modernise_by="2028",  # a year on a quarterly axis: its last quarter
            end_of_support="2026-Q4",
            options=[Option(id="o", kind="rehost", duration=2)],
        ),
        System(
            id="b",
            name="B",
            locked=Lock(option="p", start="2027-Q2"),
            options=[
                Option(id="o", kind="rehost", duration=1),
                Option(id="p", kind="replace", duration=3),
            ],
        ),
    )
    a, b = inventory.estate.system("a"), inventory.estate.system("b")
    assert (a.earliest_start, a.deadline, a.end_of_support, a.lock) == (2, 7, -1, None)
    assert a.option("o").starts == range(2, 7)  # finishes by index 7
    assert a.mandatory
    assert b.lock is not None and (b.lock.option, b.lock.start) == ("p", 1)
    assert b.option("p").starts == range(1, 2)
    assert b.option("o").starts == range(0)  # the lock names another option


def test_an_option_waits_for_its_platform_set_up_from_period_zero() -> None:
    inventory = estate_of(
        System(
            id="a",
            name="A",
            options=[Option(id="o", kind="rehost", duration=1, requires_platforms=["cloud"])],
        ),
        platforms=(Platform(id="cloud", setup_duration=3, setup_cost=90.0),),
    )
    option = inventory.estate.system("a").option("o")
    assert option.first_start == 3 and option.starts == range(3, 8)
    cloud = inventory.estate.platform("cloud")
    assert cloud.draws == (("capex", 30.0),)


def test_cost_is_drawn_on_capex_unless_the_option_names_capex_itself() -> None:
    inventory = estate_of(
        System(
            id="a",
            name="A",
            options=[
                Option(
                    id="o", kind="rehost", duration=4, cost=200.0, resource_use={"engineers": 2}
                ),
                Option(id="p", kind="rehost", duration=2, cost=200.0, resource_use={"capex": 7}),
            ],
        )
    )
    system = inventory.estate.system("a")
    assert system.option("o").draws == (("capex", 50.0), ("engineers", 2.0))
    assert system.option("o").draw("engineers") == 2.0
    assert system.option("p").draws == (("capex", 7.0),)
    assert system.option("p").draw("engineers") == 0.0


def test_capacities_are_resolved_per_period_with_overrides() -> None:
    estate = estate_of().estate
    assert estate.resources["capex"].capacity[:3] == (100.0, 40.0, 100.0)
    assert estate.capacity("engineers", 5) == 10.0
    assert estate.resources["engineers"].total == 50.0
    assert estate.resources["capex"].is_money and not estate.resources["engineers"].is_money
    assert estate.quantity("capex", 1_500_000) == "£1.5m"
    assert estate.quantity("engineers", 2.5) == "2.5 FTE"


def test_dependencies_are_links_with_a_typed_constraint() -> None:
    inventory = estate_of(
        System(
            id="a",
            name="A",
            depends_on=[
                Dependency(system="b", constraint="requires", kind="data"),
                Dependency(system="b", constraint="together"),
            ],
            options=[],
        ),
        System(id="b", name="B", options=[]),
    )
    links = inventory.estate.system("a").links
    assert [(link.provider, link.constraint, link.kind) for link in links] == [
        ("b", DependencyConstraint.REQUIRES, "data"),
        ("b", DependencyConstraint.TOGETHER, "uses"),
    ]
    assert links[0].constraint == "requires"  # still equal to the string in the files
    assert [c.value for c in DependencyConstraint if c.orders] == ["after", "requires"]
    assert not DependencyConstraint.NONE.constrains


def test_the_estate_its_graph_and_its_appraisal_are_built_once_per_inventory() -> None:
    inventory = load_inventory(DEMO)
    assert inventory.estate is inventory.estate
    assert EstateGraph.of(inventory.estate) is EstateGraph.of(inventory.estate)
    assert Appraisal.of(inventory) is Appraisal.of(inventory)
    other = load_inventory(DEMO)
    assert Appraisal.of(other) is not Appraisal.of(inventory)


def test_a_label_from_outside_resolves_on_the_axis_or_says_why_not() -> None:
    estate = estate_of().estate
    assert estate.period("2027-Q4") == 3
    assert estate.period("2026-Q4") == -1  # outside the horizon: the caller decides
    with pytest.raises(ValueError, match="not a period label"):
        estate.period("soon")
