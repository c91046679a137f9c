"""Levers: what one more unit of each limit a board sets is worth, measured by re-solving.

For every limit of the inventory — each resource per period and over the horizon, the
delivery-risk budget, concurrent high-risk work, changes at once per department — the model
is solved again with that limit raised by one unit a board thinks in (£1m a year of a money
resource, one FTE, one risk point, one high-risk slot, one change at once), and the value of
the lever is the difference between the two optima.

Both optima are *proven* (gap 0): the marginal value of a limit is a difference of two
objectives, and with a positive gap either could stop short of its optimum by more than the
difference itself. These are re-solves, not LP duals: in a MILP a dual price says nothing
reliable about adding a whole unit (a project fits or it does not), and a limit whose row
has room left may still bind (the room left is smaller than any project that wants it).
Each raised model is warm-started from the planned roadmap, which stays feasible when a
limit only grows, so its optimum is never below today's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from prioritiser.inventory import Inventory
from prioritiser.roadmap import Roadmap
from prioritiser.wording import currency_symbol, money, number

MILLION = 1_000_000.0
# Gains within this of zero are solver noise (both optima proven to HiGHS' tolerances).
NOISE = 0.01


@dataclass(frozen=True)
class LimitChange:
    """A limit raised by `delta` in its own units (per period, per horizon, points, slots).

    `key` names the lever (`capex:per_period`, `risk:total`); `family` is the model's row
    family it relaxes (`resource_capacity`, `resource_total`, `total_delivery_risk`,
    `high_risk_in_flight`, `department_in_flight`; `budget` raises both money rows).
    """

    key: str
    family: str
    resource: str | None
    label: str  # for people: "Capital (capex) per quarter"
    unit: str  # what one unit of the lever is: "£1m a year", "FTE", "risk point"
    now: str  # the limit today, in words
    delta: float  # in the limit's own units
    total_delta: float = 0.0  # `budget`: added to the resource's total as well
    money: bool = False  # the limit is money (in the portfolio's currency)


def limit_changes(inventory: Inventory) -> list[LimitChange]:
    """One lever per limit the inventory sets, in the order a board reads them."""
    out: list[LimitChange] = []
    estate = inventory.estate
    currency = inventory.portfolio.currency
    per_year = inventory.axis.per_year
    noun = {1: "year", 4: "quarter", 12: "month"}.get(per_year, "period")
    years = inventory.axis.count / per_year
    for name in sorted(inventory.resources):
        spec = inventory.resources[name]
        resolved = estate.resources[name]
        unit = spec.unit or "units"
        if resolved.is_money:
            out += _money_changes(
                name,
                spec.per_period,
                dict(resolved.per_year),
                spec.total,
                currency,
                noun,
                per_year,
                years,
            )
            continue
        out.append(
            LimitChange(
                f"{name}:per_period",
                "resource_capacity",
                name,
                f"{name.replace('_', ' ')}",
                unit,
                f"{number(spec.per_period)} {unit}",
                1.0,
            )
        )
        if spec.total is not None:
            out.append(
                LimitChange(
                    f"{name}:total",
                    "resource_total",
                    name,
                    f"{name.replace('_', ' ')} over the horizon",
                    f"{unit}-{noun}",
                    f"{number(spec.total)} {unit}-{noun}s",
                    1.0,
                )
            )
    risk = inventory.risk
    if risk.max_total_delivery_risk is not None:
        out.append(
            LimitChange(
                "risk:total",
                "total_delivery_risk",
                None,
                "delivery-risk budget",
                "risk point",
                f"{number(risk.max_total_delivery_risk)} points",
                1.0,
            )
        )
    if risk.max_concurrent_high_risk is not None:
        out.append(
            LimitChange(
                "risk:high_risk",
                "high_risk_in_flight",
                None,
                "high-risk projects at once",
                "high-risk slot",
                f"{risk.max_concurrent_high_risk} at once",
                1.0,
            )
        )
    if risk.max_concurrent_per_department is not None:
        out.append(
            LimitChange(
                "risk:department",
                "department_in_flight",
                None,
                "changes at once per department",
                "change at once",
                f"{risk.max_concurrent_per_department} per department",
                1.0,
            )
        )
    return out


def _money_changes(
    name: str,
    per_period: float,
    caps: dict[str, float],
    total: float | None,
    currency: str,
    noun: str,
    per_year: int,
    years: float,
) -> list[LimitChange]:
    """A money resource's levers: £1m a year more per period, £1m more in every financial
    year's cap, £1m more in its total, and all of them together (the budget)."""
    a_year = f"{currency_symbol(currency)}1m a year"
    out = [
        LimitChange(
            f"{name}:per_period",
            "resource_capacity",
            name,
            f"{name} per {noun}",
            a_year,
            f"{money(per_period, currency)} a {noun}",
            MILLION / per_year,
            money=True,
        )
    ]
    if caps:
        low, high = min(caps.values()), max(caps.values())
        span = (
            money(low, currency)
            if low == high
            else f"{money(low, currency)}–{money(high, currency)}"
        )
        out.append(
            LimitChange(
                f"{name}:per_year",
                "resource_per_year",
                name,
                f"{name} per financial year",
                a_year,
                f"{span} a year",
                MILLION,
                money=True,
            )
        )
    if total is not None:
        out.append(
            LimitChange(
                f"{name}:total",
                "resource_total",
                name,
                f"{name} over the horizon",
                f"{currency_symbol(currency)}1m",
                f"{money(total, currency)} in total",
                MILLION,
                money=True,
            )
        )
    if caps or total is not None:
        out.append(
            LimitChange(
                f"{name}:budget",
                "budget",
                name,
                f"{name} budget (every limit on it)",
                a_year,
                "; ".join(c.now for c in out),
                MILLION / per_year,
                MILLION * years if total is not None else 0.0,
                money=True,
            )
        )
    return out


def relax(inventory: Inventory, change: LimitChange, times: float = 1.0) -> Inventory:
    """`inventory` with the limit raised by `times` × the change's delta."""
    delta = change.delta * times
    if change.resource is not None:
        spec = inventory.resources[change.resource]
        update: dict[str, object] = {}
        if change.family in ("resource_capacity", "budget"):
            update["per_period"] = spec.per_period + delta
            update["overrides"] = {label: v + delta for label, v in spec.overrides.items()}
        if change.family in ("resource_per_year", "budget") and spec.per_year:
            step = delta if change.family == "resource_per_year" else MILLION * times
            update["per_year"] = {label: v + step for label, v in spec.per_year.items()}
        if change.family == "resource_total" and spec.total is not None:
            update["total"] = spec.total + delta
        if change.family == "budget" and spec.total is not None:
            update["total"] = spec.total + change.total_delta * times
        relaxed = spec.model_copy(update=update)
        return replace(inventory, resources={**inventory.resources, change.resource: relaxed})
    risk = inventory.risk
    field = {
        "total_delivery_risk": "max_total_delivery_risk",
        "high_risk_in_flight": "max_concurrent_high_risk",
        "department_in_flight": "max_concurrent_per_department",
    }[change.family]
    current = getattr(risk, field)
    value = current + delta if isinstance(current, float) else int(current + round(delta))
    return replace(inventory, risk=risk.model_copy(update={field: value}))


@dataclass(frozen=True)
class Lever:
    """The optimum with one limit raised, against today's optimum (both proven)."""

    change: LimitChange
    base: float  # today's optimum
    status: str
    objective: float | None  # the optimum with the limit raised
    added: tuple[str, ...] = ()  # systems the raised limit brings in
    dropped: tuple[str, ...] = ()  # systems it lets go for better ones
    tight: bool = False  # some row of the limit is tight in today's optimum

    @property
    def gain(self) -> float | None:
        """NPV gained per unit of the lever (the raise is one unit)."""
        if self.objective is None:
            return None
        gain = self.objective - self.base
        return 0.0 if abs(gain) <= NOISE else gain

    @property
    def binds(self) -> bool:
        """Raising the limit changes the optimum: the limit binds the roadmap."""
        return (self.gain or 0.0) > NOISE


def lever(change: LimitChange, base: Roadmap, raised: Roadmap, tight: bool) -> Lever:
    """The lever of `change` from today's optimum and the optimum with the limit raised."""
    before = {d.system for d in base.decisions}
    after = {d.system for d in raised.decisions} if raised.has_plan else before
    return Lever(
        change=change,
        base=base.objective or 0.0,
        status=str(raised.status),
        objective=raised.objective if raised.has_plan else None,
        added=tuple(sorted(after - before)),
        dropped=tuple(sorted(before - after)),
        tight=tight,
    )


def tight_limits(tight: Mapping[str, object], change: LimitChange) -> bool:
    """Whether any row of the change's limit is tight (`tight` by row name)."""
    families = (
        ("resource_capacity", "resource_per_year", "resource_total")
        if change.family == "budget"
        else ()
    )
    for name in tight:
        family = name.split("[", 1)[0]
        if family != change.family and family not in families:
            continue
        if (
            change.resource is None
            or name.startswith(f"{family}[{change.resource},")
            or (name == f"{family}[{change.resource}]")
        ):
            return True
    return False
