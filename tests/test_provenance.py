"""Which figures are estimates, counted once and said the same way in every report."""

from __future__ import annotations

from pathlib import Path

from prioritiser.inventory import load_inventory
from prioritiser.inventory.provenance import Provenance, provenance
from prioritiser.reports.markdown import estimates_text

DEMO = Path(__file__).parent.parent / "inventories" / "demo"


def test_an_estate_that_marks_nothing_estimated_has_nothing_to_say(write_inventory, tmp_path):
    # No run costs at all, but nothing marked as an estimate: a hand-written estate.
    root = write_inventory(tmp_path / "estate")
    found = provenance(load_inventory(root))
    assert not found.any and estimates_text(found) == ""
    assert not provenance(load_inventory(DEMO)).any


def test_estimated_options_unknown_run_costs_and_assumed_fields_are_counted(
    write_inventory, tmp_path
) -> None:
    option = {"id": "rehost", "kind": "rehost", "duration": 1, "estimated": True}
    root = write_inventory(
        tmp_path / "estate",
        systems=[
            {"id": "a", "name": "A", "options": [option], "estimated": ["criticality"]},
            {"id": "b", "name": "B", "annual_run_cost": 0, "options": [option]},
            {"id": "c", "name": "C", "annual_run_cost": 5, "estimated": ["annual_run_cost"],
             "options": [{**option, "estimated": False}]},
        ],
    )  # fmt: skip
    found = provenance(load_inventory(root))
    assert (found.options, found.options_estimated) == (3, 2)
    # a: unknown and its options scaled from an assumption; c: marked; b: 0 is a fact.
    assert found.run_costs_estimated == 2
    assert found.fields == {"criticality": 1}
    assert found.estimated_systems == {"a", "b", "c"}


def test_the_sentence_names_each_kind_of_estimate() -> None:
    def said(**counts: int) -> str:
        base = {"systems": 66, "options": 66, "options_estimated": 0, "run_costs_estimated": 0}
        fields = counts.pop("fields", 0)
        return estimates_text(
            Provenance(**(base | counts), fields={"criticality": fields} if fields else {})
        )

    assert said(options_estimated=54, run_costs_estimated=66).startswith(
        "54 of 66 options and every run cost are estimates, not appraised figures"
    )
    assert said(options_estimated=66).startswith("Every option is an estimate")
    assert said(run_costs_estimated=1).startswith("1 of 66 run costs is an estimate")
    assert said(options_estimated=2, fields=3).startswith(
        "2 of 66 options and 3 of 66 criticalities are estimates"
    )
