"""Named changes later stages make to a built model: forcing, stability, elastic slack.

Each is a rule like those of `rules.py`, applied after `formulate`: `explain` forces a
retained system in, `replan` pins platform set-ups and prices every change of plan, and the
diagnosis lets rules give by a priced amount of slack. A change marks the model as no longer
`plain` (see `Formulation`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prioritiser.model.formulation import Formulation, name_of
from prioritiser.model.matrix import INF, Key


def force_in(model: Formulation, system: str) -> None:
    """The system must be modernised: its `one_option` row becomes `= 1` (as a deadline at
    the end of the horizon would make it). KeyError when it has no candidate at all."""
    model.plain = False
    row = model.row_number("one_option", (system,))
    model.set_bounds(row, 1.0, 1.0)


def force_option(model: Formulation, system: str, option: str) -> None:
    """The system must be modernised with `option`: in, and every other option's starts
    closed (bounds 0). KeyError when the option has no candidate left."""
    force_in(model, system)
    mine = [c for c in model.candidates.of(system) if c.option == option]
    if not mine:
        raise KeyError(option)
    for c in model.candidates.of(system):
        if c.option != option:
            model.set_column_bounds(model.start_col[c.index], 0.0, 0.0)


def force_out(model: Formulation, system: str) -> None:
    """The system is retained: no option of it may start (its `one_option` row becomes
    `= 0`; with a deadline or a lock the model is then infeasible, as it should be)."""
    model.plain = False
    if model.has_row("one_option", (system,)):
        row = model.row_number("one_option", (system,))
        model.set_bounds(row, 0.0, 0.0)


def forbid_builds(model: Formulation, allowed: Mapping[str, int | None], earliest: int) -> None:
    """Replanning: a platform set-up already started keeps its start (`allowed[p]`); no other
    set-up starts before `earliest` (family `replan_platform_start`)."""
    model.plain = False
    for build in model.candidates.builds:
        start = allowed.get(build.platform)
        ok = build.start == start if start is not None else build.start >= earliest
        if not ok:
            col = model.build_col[build.index]
            key = (build.platform, model.label(build.start))
            model.row("replan_platform_start", key, [col], [1.0], 0.0, 0.0)


def add_stability(
    model: Formulation,
    previous: Mapping[str, tuple[str, int]],
    weight: float,
    fixed: Iterable[str] = (),
) -> None:
    """Charge `weight` (money) for every change to the `previous` decisions (system →
    (option, start)): keeping a previous decision earns `weight`, adding a system costs it.
    Systems in `fixed` (locked: not a choice) are not charged.

    The objective is then NPV + W × kept − W × added, which is NPV − W × changes plus the
    constant W × (previous decisions free to change): see `stable_bound`.
    """
    model.plain = False
    if weight <= 0:
        return
    scaled = weight * model.objective_scale  # the objective is in money × objective_scale
    skip = set(fixed)
    for c in model.candidates.candidates:
        if c.system in skip:
            continue
        col = model.start_col[c.index]
        if c.system in previous:
            if previous[c.system] == (c.option, c.start):
                model.add_cost(col, scaled)  # keeping it avoids W
        else:
            model.add_cost(col, -scaled)  # adding it costs W


# --- elastic slack (the diagnosis) ----------------------------------------------------------


def minimise(model: Formulation, weights: Mapping[int, float]) -> None:
    """Replace the objective: minimise Σ weights[col]·col (in the weights' own units)."""
    model.plain = False
    model.set_objective({col: -w for col, w in weights.items()}, 1.0)


def slack(model: Formulation, rule: str, key: Key, upper: float = INF) -> int:
    """A non-negative slack column `slack_<rule>[key]`, at most `upper`."""
    model.plain = False
    return model.column(name_of(f"slack_{rule}", key), 0.0, upper)


def give(model: Formulation, family: str, key: Key, col: int, sign: int = -1) -> None:
    """Let row `family[key]` give by column `col`, measured in the rule's own units.

    Capacity rows are divided by their capacity (`row_scale`); the slack is scaled alike,
    so its value reads in the resource's units.
    """
    model.plain = False
    scale = model.row_scale.get(name_of(family, key), 1.0)
    model.add_term(model.row_number(family, key), col, sign * scale)


def require_exactly_one(model: Formulation, system: str, missed: int) -> None:
    """A mandate made soft: `one_option[system] + missed = 1` (or `missed = 1` when the
    system has no candidate left, family `missed`)."""
    model.plain = False
    if not model.has_row("one_option", (system,)):
        model.row("missed", (system,), [missed], [1.0], 1.0, 1.0)
        return
    row = model.row_number("one_option", (system,))
    model.set_bounds(row, 1.0, 1.0)
    give(model, "one_option", (system,), missed, +1)


def split_equality(model: Formulation, family: str, key: Key, col: int) -> None:
    """An equality row `family[key]` that may give either way by `col`: `row − col ≤ 0`
    and, appended as `<family>_low[key]`, `row + col ≥ 0`."""
    model.plain = False
    row = model.row_number(family, key)
    lower, upper = model.bounds(row)
    low = model.copy_row(row, f"{family}_low", key)
    model.set_bounds(low, lower, INF)
    model.add_term(low, col, 1.0)
    model.set_bounds(row, -INF, upper)
    model.add_term(row, col, -1.0)
