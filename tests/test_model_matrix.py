"""The model is built as arrays; its PuLP view is the same model, column for column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pulp
import pytest

from prioritiser.inventory import load_inventory
from prioritiser.model import PlanOptions, formulate, plan

ROOT = Path(__file__).parent.parent
ESTATES = [ROOT / "inventories" / "demo", ROOT / "tests" / "fixtures" / "tiny"]


@pytest.mark.parametrize("root", ESTATES, ids=lambda p: p.name)
def test_pulp_view_hands_the_solver_the_same_matrix_as_the_arrays(root: Path) -> None:
    inventory = load_inventory(root)
    direct = formulate(inventory).solver_input()
    through_pulp = formulate(inventory)
    assert through_pulp.families["one_option"]  # builds the PuLP view
    assert through_pulp.via_pulp
    viewed = through_pulp.solver_input()
    a, b = direct.matrix, viewed.matrix
    assert [n.translate(pulp.LpElement.trans) for n in a.names] == b.names
    for field in ("cost", "lower", "upper", "integer", "row_lower", "row_upper", "starts"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    # Within a row PuLP keeps its own term order; compare rows as sets of (column, value).
    for row in range(a.num_row):
        ours = slice(a.starts[row], a.starts[row + 1])
        theirs = slice(b.starts[row], b.starts[row + 1])
        assert sorted(zip(a.index[ours], a.value[ours], strict=True)) == sorted(
            zip(b.index[theirs], b.value[theirs], strict=True)
        )
    assert np.array_equal(direct.start, viewed.start)
    assert np.array_equal(direct.build, viewed.build)


def test_row_names_and_sizes_are_readable_without_pulp() -> None:
    model = formulate(load_inventory(ESTATES[1]))
    sizes = model.family_sizes()
    assert sizes["one_option"] == len(model.row_keys("one_option"))
    assert model.row_count == sum(sizes.values())
    assert not model.via_pulp
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
def test_a_model_changed_through_pulp_solves_like_the_arrays(solver: str) -> None:
    inventory = load_inventory(ESTATES[1])
    direct = plan(inventory, PlanOptions(solver=solver, gap=0.0))
    touched = plan(inventory, PlanOptions(solver=solver, gap=0.0), adjust=lambda m: m.problem)
    assert direct.status == touched.status == "optimal"
    assert direct.objective == pytest.approx(touched.objective)
