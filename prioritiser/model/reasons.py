"""One-line reasons for systems the roadmap keeps as they are."""

from __future__ import annotations

from prioritiser.economics import Economics
from prioritiser.inventory import Inventory
from prioritiser.model.candidates import CandidateSet

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def currency_symbol(currency: str) -> str:
    """`£` for GBP, `$` for USD, `€` for EUR; any other currency by its code (`CHF `)."""
    return CURRENCY_SYMBOLS.get(currency.upper(), f"{currency} ")


def money(value: float, currency: str = "GBP", decimals: int = 0) -> str:
    """£1.2m / £350k / -£40k style amounts (`decimals` for small amounts: £2.40).

    The one place money becomes text: every report, message and chart label calls it
    with the portfolio's currency, so no output shows a currency the estate is not in.
    """
    symbol = currency_symbol(currency)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1e6:
        return f"{sign}{symbol}{value / 1e6:.1f}m"
    if value >= 1e3:
        return f"{sign}{symbol}{value / 1e3:.0f}k"
    return f"{sign}{symbol}{value:.{decimals}f}"


def retained_reasons(
    inventory: Inventory, economics: Economics, candidates: CandidateSet
) -> dict[str, str]:
    """Why each system would be retained if the roadmap leaves it out."""
    currency = inventory.portfolio.currency
    reasons = {}
    for system in inventory.systems:
        mine = candidates.of(system.id)
        if not system.options:
            reasons[system.id] = "no modernisation options are recorded for it"
        elif not mine:
            reasons[system.id] = (
                "no option fits its window (earliest start, deadline, platform set-up "
                "and the planning horizon)"
            )
        else:
            best = max(mine, key=lambda c: (c.npv, -c.start))
            if best.npv <= 0:
                reasons[system.id] = (
                    f"no option pays back: the best, {best.option}, has an NPV of "
                    f"{money(best.npv, currency)}"
                )
            else:
                reasons[system.id] = (
                    f"budget, skills and risk limits are worth more elsewhere: its best option, "
                    f"{best.option}, would add {money(best.npv, currency)} NPV on its own"
                )
    return reasons
