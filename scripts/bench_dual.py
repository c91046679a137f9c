"""How the wide rows' multipliers converge: the master's column generation (the solve's
method) against plain subgradient with Polyak steps, on one generated estate.

    .venv/bin/python scripts/bench_dual.py INVENTORY [--seconds 60]

Prints the Lagrangian bound over time for each method (MPLP sweeps between price updates
in both), beside the LP relaxation's bound when `--lp` is given. Numbers go to
docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from prioritiser.inventory import load_inventory
from prioritiser.model import formulate
from prioritiser.solve.decompose.dual import Dual
from prioritiser.solve.decompose.structure import analyse
from prioritiser.solve.greedy import Greedy
from prioritiser.solve.highs import solve_relaxation
from prioritiser.solve.warm import columns_of, verified

SWEEPS = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("inventory")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--lp", action="store_true")
    args = parser.parse_args()
    model = formulate(load_inventory(args.inventory), presolve=True)
    structure = analyse(model)
    data = structure.data
    placed = Greedy(model.estate, model.graph, model.candidates).run()
    assert placed is not None
    columns, target = verified(data, columns_of(data, *placed), model.objective_scale)
    assert columns is not None
    on = (structure.column >= 0) & (columns[np.maximum(structure.column, 0)] > 0.5)
    start = np.flatnonzero(on)
    if args.lp:
        began = time.monotonic()
        lp = solve_relaxation(data, model.objective_scale, None)
        print(f"LP relaxation: {lp:,.0f} in {time.monotonic() - began:.1f} s")
    for method in ("master", "subgradient"):
        began = time.monotonic()
        dual = Dual.of(structure, start)
        rounds, factor, lowest = 0, 2.0, float("inf")
        while time.monotonic() - began < args.seconds:
            if method == "master":
                dual.price()
            else:
                factor = dual.subgradient(target, 20, factor)
            dual.sweep(SWEEPS)
            rounds += 1
            lowest = min(lowest, dual.bound())  # every bound is valid: the best is kept
            seconds = time.monotonic() - began
            print(f"{method:12s} round {rounds:3d} {seconds:6.1f} s  best bound {lowest:,.0f}")


if __name__ == "__main__":
    main()
