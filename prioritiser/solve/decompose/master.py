"""The wide rows' multipliers: a restricted master LP over unit choices (Dantzig–Wolfe).

The master picks a convex combination of the choices generated so far for every unit,
within the wide rows (budgets, risk, department limits), valuing each choice at its belief
without the wide rows' prices (its value plus the pair messages it receives). Its duals
are the multipliers of the wide rows; pricing every unit at them (`pricing`) gives each
unit's best choice, which joins the master when it beats the unit's dual. This is a bundle
method in disaggregated form — one cutting-plane model per unit instead of one for the
whole Lagrangian — and it is what converged in practice here (docs/decomposition.md): at
300 systems x 16 quarters it came within 0.001 % of the LP relaxation's bound in 15 s, where
plain projected subgradient (Polyak steps, the same MPLP sweeps) was still 22 % above it.

Rows that no mix of the generated choices can satisfy are met by elastic columns priced at
`PENALTY` times the largest choice value, so the master always solves; the bound does not
depend on it (any multipliers give a valid bound).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from prioritiser.solve.highs import silence_highs_banner

PENALTY = 1e3


@dataclass(frozen=True)
class MasterSolution:
    prices: np.ndarray  # per wide row: its multiplier (≥ 0 on an upper bound, ≤ 0 on a lower)
    duals: np.ndarray  # per unit: the dual of its convexity row
    weights: np.ndarray  # per choice: its weight in the master's mix (0 if not generated)
    objective: float


class Master:
    """The restricted master LP, kept in one HiGHS instance so each solve starts from the
    last basis."""

    def __init__(
        self,
        wide: sp.csr_array,  # choices × wide rows: each choice's contribution
        lower: np.ndarray,
        upper: np.ndarray,
        unit: np.ndarray,  # per choice: its unit
        units: int,
        largest: float,  # the largest |value| of a choice, for the elastic penalty
    ):
        import highspy

        silence_highs_banner()
        self.wide = wide
        self.unit = unit
        self.units = units
        self.rows = len(lower)
        self.generated = np.zeros(len(unit), dtype=bool)
        self.order: list[int] = []  # choice of each master column after the elastic ones
        inf = highspy.kHighsInf
        highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy ships no annotations
        highs.setOptionValue("output_flag", False)
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        # Interior point without crossover: central duals steady the column generation
        # (vertex duals jump between rounds). At 5,000 x 16 the first pricing, up to 30
        # master solves, took 34-38 s this way on a loaded machine; simplex was not
        # re-measured.
        highs.setOptionValue("solver", "ipm")
        highs.setOptionValue("run_crossover", "off")
        row_lower = np.concatenate([np.where(np.isfinite(lower), lower, -inf), np.ones(units)])
        row_upper = np.concatenate([np.where(np.isfinite(upper), upper, inf), np.ones(units)])
        highs.addRows(
            len(row_lower), row_lower, row_upper, 0, np.zeros(len(row_lower), np.int32),
            np.zeros(0, np.int32), np.zeros(0),
        )  # fmt: skip
        # Elastic columns: +1 where a lower bound may be missed, -1 where an upper may.
        penalty = -PENALTY * max(largest, 1.0)
        for sign, bounded in ((1.0, np.isfinite(lower)), (-1.0, np.isfinite(upper))):
            rows = np.flatnonzero(bounded).astype(np.int32)
            if len(rows):
                highs.addCols(
                    len(rows), np.full(len(rows), penalty), np.zeros(len(rows)),
                    np.full(len(rows), inf), len(rows), np.arange(len(rows), dtype=np.int32),
                    rows, np.full(len(rows), sign),
                )  # fmt: skip
        self.elastic = highs.getNumCol()
        self.highs: Any = highs

    def add(self, choices: np.ndarray, values: np.ndarray) -> int:
        """Add the choices not yet in the master; returns how many were new."""
        new = np.unique(choices[~self.generated[choices]])
        if not len(new):
            return 0
        import highspy

        block = sp.csc_array(self.wide[new].T)  # wide rows × new choices
        convexity = sp.csc_array(
            (np.ones(len(new)), (self.rows + self.unit[new], np.arange(len(new)))),
            shape=(self.rows + self.units, len(new)),
        )
        columns = sp.csc_array(sp.vstack([block, sp.csc_array((self.units, len(new)))]))
        columns = sp.csc_array(columns + convexity)
        columns.sort_indices()
        self.highs.addCols(
            len(new), values[new], np.zeros(len(new)), np.full(len(new), highspy.kHighsInf),
            columns.nnz, columns.indptr[:-1].astype(np.int32), columns.indices.astype(np.int32),
            columns.data,
        )  # fmt: skip
        self.generated[new] = True
        self.order.extend(new.tolist())
        return len(new)

    def solve(self, values: np.ndarray) -> MasterSolution:
        """Solve at these choice values (the elastic columns keep their penalty)."""
        order = np.asarray(self.order, dtype=np.int64)
        if len(order):
            at = np.arange(self.elastic, self.elastic + len(order), dtype=np.int32)
            self.highs.changeColsCost(len(order), at, values[order])
        self.highs.run()
        solution = self.highs.getSolution()
        dual = np.asarray(solution.row_dual, dtype=np.float64)
        weights = np.zeros(len(self.unit))
        if len(order):
            weights[order] = np.asarray(solution.col_value, dtype=np.float64)[self.elastic :]
        return MasterSolution(
            prices=dual[: self.rows],
            duals=dual[self.rows :],
            weights=weights,
            objective=float(self.highs.getInfo().objective_function_value),
        )
