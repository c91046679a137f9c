"""Model stage: what the roadmap must satisfy, as a time-indexed MILP held as arrays.

- `candidates`: every option at every start its windows allow (and platform set-ups);
- `matrix`, `formulation`: the model itself, labelled columns and rule-named rows;
- `rules`: one `add_*` function per rule of DESIGN.md;
- `adjust`: the named changes later stages make (forcing, stability, elastic slack).

How it is solved is the `prioritiser.solve` stage's business.
"""

from typing import Any

from prioritiser.model.formulation import Formulation
from prioritiser.model.rules import formulate

__all__ = ["Formulation", "formulate"]

# Solving moved to `prioritiser.solve`. These names are looked up there on first use, for
# callers written before the move (to be removed once every caller imports the new place).
_MOVED = {"DEFAULT_GAP", "SOLVERS", "PlanOptions", "Progress", "plan"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        import prioritiser.solve

        return getattr(prioritiser.solve, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
