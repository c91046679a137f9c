"""The model is built as arrays, and the arrays are the model every solver is handed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pulp
import pytest

from prioritiser.inventory import load_inventory
from prioritiser.model import formulate
from prioritiser.solve import PlanOptions, plan

ROOT = Path(__file__).parent.parent
ESTATES = [ROOT / "inventories" / "demo", ROOT / "tests" / "fixtures" / "tiny"]


@pytest.mark.parametrize("root", ESTATES, ids=lambda p: p.name)
def test_columns_are_in_name_order_and_rows_in_the_order_of_the_rules(root: Path) -> None:
    """The matrix every solver is handed: columns sorted by their (solver-safe) names, as
    PuLP ordered them when it held the model, and one row per named constraint."""
    inventory = load_inventory(root)
    model = formulate(inventory)
    data = model.solver_input()
    matrix = data.matrix
    safe = [n.translate(pulp.LpElement.trans) for n in matrix.names]
    assert safe == sorted(safe)
    assert matrix.num_row == model.row_count == len(model.constraint_names())
    for c in model.candidates.candidates:
        assert matrix.names[data.start[c.index]].startswith(f"start[{c.system},{c.option},")
    assert np.all(matrix.integer[data.start])


def test_row_names_and_sizes_are_readable_without_pulp() -> None:
    model = formulate(load_inventory(ESTATES[1]))
    sizes = model.family_sizes()
    assert sizes["one_option"] == len(model.row_keys("one_option"))
    assert model.row_count == sum(sizes.values())
    assert model.plain
    names = model.constraint_names()
    assert "resource_capacity[engineers,2027-Q1]" in names


def test_capacity_rows_are_scaled_to_capacity_one() -> None:
    model = formulate(load_inventory(ESTATES[0]))
    matrix = model.matrix
    for name, factor in model.row_scale.items():
        assert factor > 0, name
    capacity_rows = [
        i
        for i, (family, _) in enumerate(zip(model._rows.family, model._rows.key, strict=True))
        if family == "resource_capacity"
    ]
    assert capacity_rows
    assert all(matrix.row_upper[i] == pytest.approx(1.0) for i in capacity_rows)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_a_model_given_to_an_adjust_hook_solves_like_the_plain_one(solver: str) -> None:
    """A hook marks the model changed (no presolve, greedy or staged search); a hook that
    changes nothing must still find the same optimum."""
    inventory = load_inventory(ESTATES[1])
    direct = plan(inventory, PlanOptions(solver=solver, gap=0.0))
    touched = plan(inventory, PlanOptions(solver=solver, gap=0.0), adjust=lambda m: None)
    assert direct.status == touched.status == "optimal"
    assert direct.objective == pytest.approx(touched.objective)
