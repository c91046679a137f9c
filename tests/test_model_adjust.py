"""The named changes later stages make to a built model: forcing, stability, elastic slack."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from prioritiser.inventory import load_inventory
from prioritiser.model import adjust, formulate
from prioritiser.model.formulation import name_of
from prioritiser.model.matrix import INF

TINY = Path(__file__).parent / "fixtures" / "tiny"
DEMO = Path(__file__).parent.parent / "inventories" / "demo"


def row_terms(model, family: str, key: tuple[str, ...]) -> dict[str, float]:
    """A row's terms by column name, read from the matrix every solver is handed."""
    matrix = model.matrix
    row = model.row_number(family, key)
    span = slice(matrix.starts[row], matrix.starts[row + 1])
    return {matrix.names[c]: v for c, v in zip(matrix.index[span], matrix.value[span], strict=True)}


def test_forcing_a_system_in_makes_its_one_option_row_an_equality() -> None:
    model = formulate(load_inventory(TINY))
    row = model.row_number("one_option", ("old-reports",))
    assert model.bounds(row) == (-INF, 1.0)
    adjust.force_in(model, "old-reports")
    assert model.bounds(row) == (1.0, 1.0)
    assert not model.plain
    assert model.matrix.row_lower[row] == model.matrix.row_upper[row] == 1.0


def test_forcing_a_system_without_candidates_is_a_key_error() -> None:
    model = formulate(load_inventory(TINY))
    with pytest.raises(KeyError):
        adjust.force_in(model, "no-such-system")


def test_stability_rewards_keeping_and_charges_adding_but_not_what_is_locked() -> None:
    model = formulate(load_inventory(TINY))
    kept = next(c for c in model.candidates.candidates if c.system == "identity")
    before = {c.index: model.cost(model.start_col[c.index]) for c in model.candidates.candidates}
    previous = {"identity": (kept.option, kept.start)}
    adjust.add_stability(model, previous, weight=1000.0, fixed=["old-reports"])
    w = 1000.0 * model.objective_scale
    for c in model.candidates.candidates:
        change = model.cost(model.start_col[c.index]) - before[c.index]
        if c.system == "identity":
            assert change == pytest.approx(w if c is kept else 0.0)
        elif c.system == "old-reports":
            assert change == 0.0
        else:
            assert change == pytest.approx(-w)


def test_slack_on_a_capacity_row_reads_in_the_resources_own_units() -> None:
    model = formulate(load_inventory(TINY))
    key = ("engineers", "2027-Q1")
    col = adjust.slack(model, "resource_capacity", key)
    adjust.give(model, "resource_capacity", key, col)
    scale = model.row_scale[name_of("resource_capacity", key)]
    terms = row_terms(model, "resource_capacity", key)
    assert terms["slack_resource_capacity[engineers,2027-Q1]"] == pytest.approx(-scale)


def test_an_equality_that_may_give_either_way_is_split_in_two() -> None:
    model = formulate(load_inventory(DEMO))  # court-case-management moves with court-listings
    key = model.row_keys("together")[0]
    col = adjust.slack(model, "together", key[:2], 1.0)
    before = row_terms(model, "together", key)
    adjust.split_equality(model, "together", key, col)
    name = model.matrix.names[model.column_order[col]]
    upper, lower = row_terms(model, "together", key), row_terms(model, "together_low", key)
    assert upper == {**before, name: -1.0} and lower == {**before, name: 1.0}
    assert model.bounds(model.row_number("together", key)) == (-INF, 0.0)
    assert model.bounds(model.row_number("together_low", key)) == (0.0, INF)


def test_minimising_weights_replaces_the_objective() -> None:
    model = formulate(load_inventory(TINY))
    col = adjust.slack(model, "missed", ("identity",), 1.0)
    adjust.minimise(model, {col: 10.0})
    assert model.objective_scale == 1.0
    cost = model.matrix.cost
    assert cost[model.column_order[col]] == -10.0
    assert np.count_nonzero(cost) == 1
