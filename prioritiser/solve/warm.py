"""Starting points for a solve: a roadmap as column values, checked against every row.

A MIP start is only worth handing over when it is feasible: `verified` completes a roadmap's
integer columns (the step variables follow by an LP) and checks every row, so no start —
and nothing the staged search keeps — leaves this stage unchecked.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from prioritiser.economics import Appraisal
from prioritiser.model.candidates import Build, Candidate, placed
from prioritiser.model.formulation import Formulation
from prioritiser.model.matrix import SolverInput
from prioritiser.roadmap import Roadmap
from prioritiser.solve.highs import load_highs

FEASIBILITY = 1e-6


def objective_of(data: SolverInput, columns: np.ndarray, scale: float) -> float:
    """The model's objective at these column values, in money."""
    return float(data.matrix.cost @ columns) / scale


def columns_of(
    data: SolverInput, picks: Iterable[Candidate], builds: Iterable[Build]
) -> np.ndarray:
    """Integer column values of a roadmap (step variables left at 0 for `verified`)."""
    columns = np.zeros(data.matrix.num_col)
    columns[data.start[[c.index for c in picks]]] = 1.0
    columns[data.build[[b.index for b in builds]]] = 1.0
    return columns


def verified(
    data: SolverInput, columns: np.ndarray, scale: float
) -> tuple[np.ndarray | None, float]:
    """Fix the integer columns at `columns`, let HiGHS set the rest; None if a row breaks.

    Returns the completed column values and their objective (money).
    """
    import highspy

    matrix = data.matrix
    fixed = np.round(columns)
    lower = np.where(matrix.integer, fixed, matrix.lower)
    upper = np.where(matrix.integer, fixed, matrix.upper)
    highs = load_highs(data, mip=False)
    highs.changeColsBounds(matrix.num_col, np.arange(matrix.num_col, dtype=np.int32), lower, upper)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None, -np.inf
    full = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    full[matrix.integer] = fixed[matrix.integer]
    activity = matrix.activity(full)
    slack = np.maximum(matrix.row_lower - activity, activity - matrix.row_upper)
    if len(slack) and float(slack.max()) > FEASIBILITY:
        return None, -np.inf
    return full, objective_of(data, full, scale)


def start_from(model: Formulation, picks: Iterable[Candidate], builds: Iterable[Build]) -> None:
    """A MIP start from chosen candidates and builds."""
    chosen = {c.index for c in picks}
    built = {b.index for b in builds}
    initial = {col: 1.0 if i in chosen else 0.0 for i, col in model.start_col.items()}
    initial.update({col: 1.0 if i in built else 0.0 for i, col in model.build_col.items()})
    model.initial = initial


def apply_warm_start(model: Formulation, roadmap: Roadmap) -> int:
    """Set variable values from `roadmap` as a MIP start; returns how many decisions matched.

    Decisions and set-ups the model has no candidate for (another window, another
    inventory) are left out.
    """
    placement = placed(model.estate, Appraisal.of(model.inventory), roadmap)
    wanted = {(c.system, c.option, c.start) for c in placement.decisions}
    builds = {(b.platform, b.start) for b in placement.builds}
    picks = [c for c in model.candidates.candidates if (c.system, c.option, c.start) in wanted]
    built = [b for b in model.candidates.builds if (b.platform, b.start) in builds]
    start_from(model, picks, built)
    model.warm = True
    return len(picks)
