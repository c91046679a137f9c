"""The decomposition solve: for estates too large to solve whole (whole-of-government).

The model's rows are split by what they couple (`structure`): rows of one system or
platform (its **unit**) stay with it, rows of two units (dependencies, platforms being
ready, safe retirement) are **pair rows**, rows of three or more (budgets per period and in
total, risk limits, changes per department, and any rule added later) are **wide rows**.
Relaxing them gives a bound that holds at every moment (`dual`): wide rows are priced by
multipliers from a column-generation master LP (`master`), pair rows by MPLP messages
(`pairs`), and each unit then simply takes its best choice. Roadmaps come from rounding the
master's mix and from department neighbourhoods searched by HiGHS in parallel
(`neighbourhoods`), on local processes or a Dask cluster (`workers`); `run` holds the
rounds together.
"""

from prioritiser.solve.decompose.run import (
    DECOMPOSE_ABOVE,
    DEFAULT_WORKERS,
    Settings,
    solve_decomposed,
)
from prioritiser.solve.decompose.structure import Undecomposable

__all__ = ["DECOMPOSE_ABOVE", "DEFAULT_WORKERS", "Settings", "Undecomposable", "solve_decomposed"]
