"""How full every limit of the model is for a given roadmap: the rows that bind.

A *limit* is a rule with a capacity a board sets — a resource per period or over the
horizon, concurrent high-risk work, the delivery-risk budget, changes at once per
department. `limit_rows` evaluates each such row of the formulation at the chosen
candidates and set-ups (their start columns at 1, every other at 0) and reads it back in the
limit's own units (capacity rows are stored divided by their capacity). A reason that names
a limit is true to the model when the limit's row is tight here (`LimitRow.tight`), which is
what `explain` and the board pack check before they name one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from prioritiser.model.candidates import Build, Candidate
from prioritiser.model.formulation import Formulation, name_of
from prioritiser.model.matrix import Key

# The families of rows a board sets the capacity of, in the order reports list them.
LIMIT_FAMILIES = (
    "resource_capacity",
    "resource_per_year",
    "resource_total",
    "total_delivery_risk",
    "high_risk_in_flight",
    "department_in_flight",
)
# Use within this of the capacity is "full": solver tolerances and penny rounding.
RELATIVE = 1e-6
ABSOLUTE = 0.01


@dataclass(frozen=True)
class LimitRow:
    """One row of a limit family, evaluated at a roadmap, in the limit's own units."""

    family: str
    key: Key
    used: float
    limit: float

    @property
    def name(self) -> str:
        return name_of(self.family, self.key)

    @property
    def free(self) -> float:
        return self.limit - self.used

    @property
    def tight(self) -> bool:
        """The roadmap uses all of it (within solver and rounding noise)."""
        return self.free <= RELATIVE * max(abs(self.limit), 1.0) + ABSOLUTE


def limit_rows(
    model: Formulation, picks: Iterable[Candidate], builds: Iterable[Build] = ()
) -> list[LimitRow]:
    """Every limit row of `model` evaluated at these chosen candidates and set-ups.

    The candidates are matched to the model's own by (system, option, start) and the
    set-ups by (platform, start), so candidates placed from a roadmap work as well as
    the model's.
    """
    value: dict[int, float] = {}
    wanted = {(c.system, c.option, c.start) for c in picks}
    for c in model.candidates.candidates:
        if (c.system, c.option, c.start) in wanted:
            value[model.start_col[c.index]] = 1.0
    built = {(b.platform, b.start) for b in builds}
    for b in model.candidates.builds:
        if (b.platform, b.start) in built:
            value[model.build_col[b.index]] = 1.0
    out = []
    for family in LIMIT_FAMILIES:
        for key in model.row_keys(family):
            row = model.row_number(family, key)
            cols, coefs = model.terms(row)
            activity = sum(
                coef * value.get(col, 0.0) for col, coef in zip(cols, coefs, strict=True)
            )
            scale = model.row_scale.get(name_of(family, key), 1.0)
            _, upper = model.bounds(row)
            out.append(LimitRow(family, key, activity / scale, upper / scale))
    return out


def tight_rows(rows: Iterable[LimitRow]) -> dict[str, LimitRow]:
    """The tight rows by name (`resource_capacity[capex,2027-Q4]`)."""
    return {r.name: r for r in rows if r.tight}
