"""The words and numbers every tracking output shows, worded once (Markdown, HTML, XLSX)."""

from __future__ import annotations

from prioritiser.tracking import SystemTracking, Tracking
from prioritiser.wording import money, plural

STATUS = {
    "not_started": "not started",
    "in_flight": "in flight",
    "done": "done",
    "stopped": "stopped",
}


def index(value: float | None) -> str:
    """An SPI or CPI: `0.94`, or `—` where it is undefined (divisor 0)."""
    return "—" if value is None else f"{value:.2f}"


def cash(value: float | None, currency: str) -> str:
    return "—" if value is None else money(value, currency)


def status(s: SystemTracking) -> str:
    word = STATUS.get(s.progress.status, s.progress.status)
    if s.progress.status == "in_flight":
        return f"{word}, {s.progress.percent:g} %"
    return word


def slip(value: int | None) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "on time"
    return f"{value:+d}"


def lede(t: Tracking) -> str:
    """One sentence: where the portfolio stands as of the period."""
    v = t.portfolio
    cur = t.currency
    parts = [
        f"As of {t.as_of_label}, {money(v.ev, cur)} of work is earned against "
        f"{money(v.pv, cur)} planned, for {money(v.ac, cur)} spent"
    ]
    if v.cpi is not None:
        parts.append(f"CPI {v.cpi:.2f}")
    if v.spi is not None:
        parts.append(f"SPI {v.spi:.2f}")
    sentence = ", ".join(parts) + "."
    red, amber = t.count("red"), t.count("amber")
    sentence += f" {plural(red, 'system')} red, {amber} amber, {t.count('green')} green."
    return sentence


def eac_text(t: Tracking) -> str:
    eac = t.portfolio.eac
    if eac is None:
        return "EAC (BAC ÷ CPI) is not defined until work has been earned and paid for."
    return (
        f"At the cost rate so far the baseline's work would cost {money(eac, t.currency)} "
        f"(EAC = BAC ÷ CPI) against a budget of {money(t.portfolio.bac, t.currency)}."
    )


def reforecast_text(t: Tracking) -> str:
    future = t.reforecast
    roadmap = future.roadmap
    cur = t.currency
    if roadmap is None or roadmap.objective is None:
        if future.findings:
            return f"No re-forecast: {future.findings[0]}."
        return "No re-forecast."
    base = t.baseline.objective or 0.0
    change = roadmap.objective - base
    return (
        f"Re-forecast from {future.first}: NPV {money(roadmap.objective, cur)} against the "
        f"baseline's {money(base, cur)} ({'+' if change >= 0 else ''}{money(change, cur)}), "
        f"{len(roadmap.decisions)} systems modernised."
    )


MONEY_NOTE = (
    "Money is undiscounted cash in {currency}; costs are one-off spend, benefits are savings "
    "and benefits that land (legacy-risk value is not cash). NPVs are present values."
)
