"""Click parameter types the commands share: finite numbers, and output file names.

`click.FloatRange` lets `nan` through every bound (every comparison with NaN is false) and
`inf` through any lower bound, so `--time-limit nan` used to reach the solver and land in
roadmap.json as `NaN` (not JSON). Every float option goes through `FiniteFloat`.
`-o ""` named the current folder; `OutputFile` refuses an empty name.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click


class FiniteFloat(click.FloatRange):
    """A float within [min, max] that is neither NaN nor infinite (a usage error, exit 2)."""

    name = "finite float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        # The float conversion alone (its wording names us), before FloatRange's range check;
        # the stubs' generic base does not see that a FloatRange is a FloatParamType.
        number = click.types.FloatParamType.convert(self, value, param, ctx)  # type: ignore[arg-type]
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return super().convert(number, param, ctx)


class OutputFile(click.Path):
    """A file to write: not empty, not a folder (whether it replaces an input is checked by
    the command, which knows its inputs)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not str(value).strip():
            self.fail("an empty file name; give the file to write.", param, ctx)
        return super().convert(value, param, ctx)


__all__ = ["FiniteFloat", "OutputFile"]
