"""Solve stage: how the model is solved — back ends, staged search, greedy, warm starts.

- `plan`: an inventory to a Roadmap (formulate, solve, read back); `plan_solved` keeps the
  solver's result beside it;
- `solve`: any model (plain or changed by `prioritiser.model.adjust`) with the chosen solver;
- `highs`, `cbc`: the back ends; `staged`: the staged search; `greedy`: the ranking
  baseline and rounding; `warm`: starts checked against every row;
- `decompose`: the decomposition solve for whole-of-government estates (Lagrangian bound,
  department subproblems on local processes or Dask);
- `result`: the typed `SolveResult` and the one `SolveStatus` vocabulary.
"""

from prioritiser.solve.decompose import DEFAULT_WORKERS
from prioritiser.solve.plan import (
    DEFAULT_GAP,
    METHODS,
    SOLVERS,
    Planned,
    PlanOptions,
    check_method,
    greedy_roadmap,
    plan,
    plan_solved,
    solve,
)
from prioritiser.solve.result import Progress, ProgressFn, SolveResult, SolveStatus

__all__ = [
    "DEFAULT_GAP",
    "DEFAULT_WORKERS",
    "METHODS",
    "SOLVERS",
    "PlanOptions",
    "Planned",
    "Progress",
    "ProgressFn",
    "SolveResult",
    "SolveStatus",
    "check_method",
    "greedy_roadmap",
    "plan",
    "plan_solved",
    "solve",
]
