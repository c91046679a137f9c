"""Work in place of wall-clock time: what `--deterministic` limits.

A run that must repeat byte for byte cannot stop when a clock says so: where the solver
stands at that moment depends on the machine and on what else it runs. Under
`--deterministic` every solver runs on one thread and its limit is work it counts itself —
LP iterations for HiGHS, branch-and-bound nodes for CBC and the other solvers — and the
staged search keeps its own account in the same currency. The unit is the *reference
second*: the work one core of the benchmark machine (docs/benchmarks.md) does in a second
on a model of that size. On another machine a run takes more or fewer seconds of wall
time, but does the same work and returns the same roadmap.

HiGHS counts LP iterations but does not report them while branch and bound runs, so its
branch and bound is limited by nodes (`mip_max_nodes`); its LP relaxations by simplex and
interior-point iterations. Rates measured with HiGHS 1.16 on one core (generated estates,
12 quarters): branch and bound 2,950 LP iterations a second on the demo (12k non-zeros),
3,375 at 100 systems (47k), 1,610 at 300 (133k), 730 at 1,000 (438k) — presolve, cuts and
heuristics included — and about 50 nodes a second on the demo, 13 at 100 systems; the LP
relaxation by simplex about three times faster; one interior-point iteration 1.7 ms on the
demo, 117 ms at 1,000 systems.
"""

from __future__ import annotations

import math

# Branch and bound: LP iterations per reference second, up to this many non-zeros, and
# falling as nonzeros ** -MIP_EXPONENT above them.
MIP_ITERATIONS = 3_000.0
KNEE_NONZEROS = 47_000
MIP_EXPONENT = 0.6
# Simplex on the LP relaxation alone (no cuts, no heuristics) is this much faster.
LP_FACTOR = 3.0
# One interior-point iteration: seconds per non-zero, growing slowly with size.
IPM_SECONDS_PER_NONZERO = 1.5e-7
# HiGHS branch-and-bound nodes a second on the demo's size, falling as
# nonzeros ** -NODE_EXPONENT above it.
HIGHS_NODES = 50.0
DEMO_NONZEROS = 12_000
NODE_EXPONENT = 1.2
# Branch-and-bound nodes a second, for the solvers counted in nodes (CBC, PuLP's solvers).
NODES_PER_SECOND = 20.0


def mip_rate(nonzeros: int) -> float:
    """Branch-and-bound LP iterations per reference second on a model of this size."""
    return MIP_ITERATIONS * min(1.0, float((KNEE_NONZEROS / max(nonzeros, 1)) ** MIP_EXPONENT))


def ipm_seconds(nonzeros: int) -> float:
    """Reference seconds of one interior-point iteration."""
    growth = float(max(1.0, nonzeros / KNEE_NONZEROS) ** 0.25)
    return IPM_SECONDS_PER_NONZERO * max(nonzeros, 1) * growth


def mip_nodes(seconds: float, nonzeros: int) -> int:
    """The nodes HiGHS' branch and bound may explore in `seconds` of reference work."""
    rate = HIGHS_NODES * min(1.0, float((DEMO_NONZEROS / max(nonzeros, 1)) ** NODE_EXPONENT))
    return max(1, math.floor(seconds * rate))


def lp_iterations(seconds: float, nonzeros: int) -> tuple[int, int]:
    """(simplex, interior-point) iteration limits for an LP given `seconds` of work."""
    simplex = max(1, math.floor(seconds * LP_FACTOR * mip_rate(nonzeros)))
    return simplex, max(1, math.floor(seconds / ipm_seconds(nonzeros)))


def seconds_of(simplex: int, ipm: int, nonzeros: int, mip: bool) -> float:
    """Reference seconds of a run that did these iterations."""
    rate = mip_rate(nonzeros) * (1.0 if mip else LP_FACTOR)
    return max(simplex, 0) / rate + max(ipm, 0) * ipm_seconds(nonzeros)


def nodes(seconds: float) -> int:
    """Branch-and-bound nodes for `seconds` of reference work (CBC and PuLP's solvers)."""
    return max(1, math.floor(seconds * NODES_PER_SECOND))
