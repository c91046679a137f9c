"""Reading actuals/: YAML and CSV rows, validated against the inventory with file:line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from prioritiser.errors import InventoryError
from prioritiser.inventory import load_inventory
from prioritiser.inventory.actuals import check_actuals, load_actuals
from prioritiser.tracking.reforecast import costs_patch

SYSTEMS = [
    {
        "id": "ledger",
        "name": "Ledger",
        "department": "Finance",
        "options": [
            {
                "id": "move",
                "kind": "rehost",
                "duration": 2,
                "cost": 200_000,
                "benefits": [
                    {"department": "Tax", "annual": 30_000, "cashable": True},
                    {"department": "Tax", "annual": 10_000},
                ],
            }
        ],
    },
    {"id": "portal", "name": "Portal", "options": []},
]


@pytest.fixture
def estate(tmp_path: Path, write_inventory: Any) -> Path:
    return write_inventory(tmp_path / "estate", systems=SYSTEMS)


def actuals(root: Path, text: str, name: str = "rows.yaml") -> None:
    folder = root / "actuals"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def problems(root: Path, as_of: int | None = None) -> list[str]:
    _, found = check_actuals(root, load_inventory(root), as_of)
    return [p.render().split("/actuals/", 1)[-1] for p in found]


def test_an_inventory_without_actuals_has_none(estate: Path) -> None:
    loaded = load_actuals(estate, load_inventory(estate))
    assert loaded.rows == () and loaded.files == ()


def test_yaml_and_csv_rows_read_alike(estate: Path) -> None:
    actuals(
        estate,
        "actuals:\n"
        "  - {system: ledger, period: 2027-Q1, status: in_flight, spend: 90000,"
        " percent_complete: 40}\n",
    )
    actuals(
        estate,
        "system,period,status,spend.capex,percent_complete,realised_benefits.Tax,note\n"
        "\n"
        'ledger,2027-Q2,done,110000,,8000,"live, at last"\n',
        "more.csv",
    )
    loaded = load_actuals(estate, load_inventory(estate))
    first, second = loaded.rows
    assert (first.row.spend, first.row.percent_complete) == ({"capex": 90_000}, 40)
    assert (second.row.status, second.row.spend, second.row.note) == (
        "done",
        {"capex": 110_000},
        "live, at last",
    )
    assert second.row.realised_benefits == {"Tax": 8_000}
    assert str(second.location).endswith("actuals/more.csv:3")
    assert [f.path for f in loaded.files] == ["actuals/more.csv", "actuals/rows.yaml"]


def test_an_unknown_csv_column_is_named_with_a_suggestion(estate: Path) -> None:
    actuals(estate, "system,period,status,percent_complet\n", "rows.csv")
    assert problems(estate) == [
        "rows.csv:1: unknown column 'percent_complet' (did you mean 'percent_complete'?) "
        "(columns: system, period, status, spend, percent_complete, realised_saving, note, "
        "spend.<name>, realised_benefits.<name>)"
    ]


def test_csv_cells_are_text_or_plain_numbers_only(estate: Path) -> None:
    actuals(
        estate,
        "system,period,status,spend,percent_complete\n"
        "ledger,2027-Q1,in_flight,1_000,nan\n"
        'ledger,2027-Q2,in_flight,"=SUM(A1:A9)",+1e999\n',
        "rows.csv",
    )
    assert problems(estate) == [
        "rows.csv:2: actuals[0].percent_complete: must be a plain finite number like 1250000 or "
        "12.5 (got 'nan')",
        "rows.csv:2: actuals[0].spend: must be a plain finite number like 1250000 or 12.5 "
        "(got '1_000')",
        "rows.csv:3: actuals[1].percent_complete: must be a plain finite number like 1250000 or "
        "12.5 (got '+1e999')",
        "rows.csv:3: actuals[1].spend: must be a plain finite number like 1250000 or 12.5 "
        "(got '=SUM(A1:A9)')",
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{system: ledger, period: 2027-05, status: in_flight}", "is not a period of the plan"),
        ("{system: ledger, period: 2026-Q4, status: in_flight}", "before the plan's first"),
        ("{system: ledger, period: 2027-Q1, status: started}", "must be one of not_started"),
        (
            "{system: ledger, period: 2027-Q1, status: in_flight, spend: {engineers: 2}}",
            "'engineers' is not money (it is counted in FTE); spend is one-off money on capex",
        ),
        (
            "{system: ledger, period: 2027-Q1, status: in_flight, spend: {opex: 2}}",
            "unknown money resource 'opex'",
        ),
        (
            "{system: ledger, period: 2027-Q1, status: done, realised_benefits: {HMRC: 5}}",
            "no option of ledger plans a benefit to 'HMRC' (planned: Tax)",
        ),
        (
            "{system: ledger, period: 2027-Q1, status: not_started, percent_complete: 5}",
            "status not_started with percent_complete 5",
        ),
        (
            "{system: ledger, period: 2027-Q1, status: not_started, spend: 10}",
            "status not_started with spend",
        ),
        (
            "{system: ledger, period: 2027-Q1, status: not_started, realised_saving: 10}",
            "nothing can land from work that has not started",
        ),
        ("{system: ledger, period: 2027-Q1, status: done, colour: red}", "unknown key 'colour'"),
    ],
)
def test_a_bad_row_is_one_problem_at_its_line(estate: Path, row: str, message: str) -> None:
    actuals(estate, f"actuals:\n  - {row}\n")
    found = problems(estate)
    assert len(found) == 1, found
    assert found[0].startswith("rows.yaml:2: ")
    assert message in found[0]


def test_a_history_moves_forward_only(estate: Path) -> None:
    actuals(
        estate,
        "actuals:\n"
        "  - {system: ledger, period: 2027-Q1, status: in_flight, percent_complete: 60}\n"
        "  - {system: ledger, period: 2027-Q2, status: in_flight, percent_complete: 50}\n"
        "  - {system: ledger, period: 2027-Q3, status: done}\n"
        "  - {system: ledger, period: 2027-Q4, status: in_flight}\n"
        "  - {system: ledger, period: 2027-Q4, status: done}\n",
    )
    rendered = problems(estate)
    assert rendered[0].startswith("rows.yaml:3: warning: percent_complete: ledger:")
    assert rendered[1].startswith("rows.yaml:5: status: ledger is done in 2027-Q3 but in_flight")
    assert rendered[2].startswith("rows.yaml:6: period: ledger has a second row for 2027-Q4")


def test_rows_after_as_of_are_errors_or_left_out(estate: Path) -> None:
    actuals(estate, "actuals:\n  - {system: ledger, period: 2027-Q3, status: in_flight}\n")
    assert problems(estate, as_of=1) == [
        "rows.yaml:2: actuals[0].period: period 2027-Q3 is after --as-of 2027-Q2; report only "
        "periods up to as-of (or look back with --ignore-later-actuals)"
    ]
    inventory = load_inventory(estate)
    assert load_actuals(estate, inventory, 1, ignore_later=True).rows == ()


def test_an_actuals_file_linking_outside_the_inventory_is_refused(
    estate: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("actuals: []\n")
    (estate / "actuals").mkdir()
    os.symlink(outside, estate / "actuals" / "linked.yaml")
    with pytest.raises(InventoryError) as caught:
        load_actuals(estate, load_inventory(estate))
    assert "links outside the inventory" in caught.value.problems[0].message


def test_unsafe_yaml_is_refused_as_everywhere_else(estate: Path) -> None:
    actuals(estate, "actuals:\n  - !!python/object:os.system {}\n")
    assert any("is not allowed" in p for p in problems(estate))


def test_the_estate_resolves_the_one_off_money_of_each_option_per_money_resource(
    tmp_path: Path, write_inventory: Any
) -> None:
    free = {"id": "free", "kind": "rehost", "duration": 1, "cost": 0}
    systems = [{**SYSTEMS[0], "options": [*SYSTEMS[0]["options"], free]}]
    resolved = load_inventory(write_inventory(tmp_path / "estate", systems=systems)).estate
    assert resolved.money_resources == ("capex",)
    move, free_option = (resolved.system("ledger").option(o) for o in ("move", "free"))
    assert (move.costs, move.one_off_cost) == ((("capex", 200_000),), 200_000)
    assert (free_option.costs, free_option.one_off_cost) == ((), 0)  # no money, no entry


def test_a_forecast_cost_is_written_back_as_the_option_fields_that_give_it(
    tmp_path: Path, write_inventory: Any
) -> None:
    drawn = {**SYSTEMS[0]["options"][0], "id": "drawn", "resource_use": {"capex": 100_000}}
    systems = [{**SYSTEMS[0], "options": [*SYSTEMS[0]["options"], drawn]}]
    ledger = load_inventory(write_inventory(tmp_path / "estate", systems=systems)).estate
    move, named = ledger.system("ledger").option("move"), ledger.system("ledger").option("drawn")
    assert costs_patch(move, {"capex": 300_000}, 3) == {"duration": 3, "cost": 300_000}
    # An option that names its money draw in resource_use has that draw restated too.
    assert costs_patch(named, {"capex": 300_000}, 3) == {
        "duration": 3,
        "cost": 300_000,
        "resource_use": {"capex": 100_000},
    }


def test_an_actuals_csv_linking_outside_the_inventory_is_refused(
    estate: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("system,period,status\nledger,2027-Q1,in_flight\n")
    (estate / "actuals").mkdir()
    os.symlink(outside, estate / "actuals" / "linked.csv")
    assert problems(estate) == [
        f"linked.csv:1: links outside the inventory (to {outside.resolve()}); copy the file in "
        "instead"
    ]


def test_one_alias_budget_spans_every_actuals_file(estate: Path) -> None:
    """Each file expands just under what one file alone may; together they are refused."""
    bomb = (
        "x-a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "x-d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    )
    actuals(estate, bomb + "actuals: []\n", "a-00.yaml")
    assert not any("alias bomb" in p for p in problems(estate))  # one alone is fine
    for i in range(1, 15):
        actuals(estate, bomb + "actuals: []\n", f"a-{i:02d}.yaml")
    assert any("alias bomb" in p for p in problems(estate))


def test_a_csv_cell_holding_a_control_character_is_refused(estate: Path) -> None:
    actuals(
        estate,
        "system,period,status,note\nledger,2027-Q1,in_flight,ok\x07\n",
        "rows.csv",
    )
    assert problems(estate) == [
        "rows.csv:2: actuals[0].note: the cell holds U+0007, a control character; remove it"
    ]
