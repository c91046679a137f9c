"""Model stage: what the roadmap must satisfy, as a time-indexed MILP held as arrays.

- `candidates`: every option at every start its windows allow (and platform set-ups);
- `matrix`, `formulation`: the model itself, labelled columns and rule-named rows;
- `rules`: one `add_*` function per rule of DESIGN.md;
- `adjust`: the named changes later stages make (forcing, stability, elastic slack).

How it is solved is the `prioritiser.solve` stage's business.
"""

from prioritiser.model.formulation import Formulation
from prioritiser.model.rules import formulate

__all__ = ["Formulation", "formulate"]
