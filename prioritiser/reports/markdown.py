"""`summary.md`: the headline and tables in GitHub-flavoured Markdown."""

from __future__ import annotations

from prioritiser.inventory import Inventory
from prioritiser.model.reasons import money
from prioritiser.reports.analysis import Analysis
from prioritiser.roadmap import Roadmap


def _amount(value: float, unit: str, currency: str) -> str:
    if unit == currency or unit.upper() in ("GBP", "EUR", "USD"):
        return money(value, currency)
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def render_summary(inventory: Inventory, roadmap: Roadmap, analysis: Analysis) -> str:
    """The whole summary.md text (deterministic: no timings, no dates)."""
    cur = analysis.currency
    lines = [f"# Modernisation roadmap — {inventory.portfolio.name}", ""]
    if roadmap.scenarios:
        lines += [f"Scenario: {', '.join(roadmap.scenarios)}", ""]
    lines += [
        "| | |",
        "|---|---|",
        f"| Total NPV | **{money(roadmap.objective or 0.0, cur)}** |",
        f"| Solver status | {analysis.status_text} ({roadmap.solver.name}) |",
        f"| Systems modernised | {analysis.systems_modernised} of {analysis.systems_total} |",
        f"| One-off spend | {money(analysis.one_off_spend, cur)} |",
        f"| Cashable savings once delivered | {money(analysis.cashable_run_rate, cur)} a year |",
        f"| Legacy risk removed | {analysis.risk_points_removed:.1f} of "
        f"{analysis.risk_points_total:.0f} points |",
        "",
        "## Cashable savings by year",
        "",
        "| Year | Cashable savings |",
        "|---|---:|",
    ]
    lines += [f"| {y} | {money(v, cur)} |" for y, v in analysis.cashable_by_year.items()]
    lines += ["", "## Spend and resources by period against capacity", ""]
    header = "| Resource | " + " | ".join(analysis.periods) + " |"
    lines += [header, "|---|" + "---:|" * len(analysis.periods)]
    for row in analysis.resources:
        cells = [
            f"{_amount(u, row.unit, cur)} / {_amount(c, row.unit, cur)}"
            for u, c in zip(row.use, row.capacity, strict=True)
        ]
        lines.append(f"| {row.name} ({row.unit or 'units'}) | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Roadmap",
        "",
        "| Start | Finish | System | Department | Option | Kind | NPV |",
        "|---|---|---|---|---|---|---:|",
    ]
    for d in roadmap.decisions:
        lines.append(
            f"| {d.start} | {d.finish} | {d.system} | {d.department} | {d.option} | {d.kind} "
            f"| {money(d.npv, cur)} |"
        )
    if roadmap.platforms:
        lines += ["", "## Platforms", "", "| Platform | Set-up starts | Ready |", "|---|---|---|"]
        lines += [f"| {p.id} | {p.start} | {p.ready} |" for p in roadmap.platforms]
    lines += ["", "## Retained", "", "| System | Why |", "|---|---|"]
    lines += [f"| {r.system} | {r.reason} |" for r in roadmap.retained]
    lines.append("")
    return "\n".join(lines)
