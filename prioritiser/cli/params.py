"""Click parameter types the commands share: numbers that must be finite.

`click.FloatRange` lets `nan` through every bound (every comparison with NaN is false) and
`inf` through any lower bound, so `--time-limit nan` used to reach the solver and land in
roadmap.json as `NaN` (not JSON). Every float option goes through `FiniteFloat`.
"""

from __future__ import annotations

import math
from typing import Any

import click


class FiniteFloat(click.FloatRange):
    """A float within [min, max] that is neither NaN nor infinite (a usage error, exit 2)."""

    name = "finite float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = click.types.FloatParamType.convert(self, value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return super().convert(number, param, ctx)


__all__ = ["FiniteFloat"]
