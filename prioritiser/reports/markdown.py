"""`summary.md`: the headline and tables in GitHub-flavoured Markdown, readable in a PR.

Also the plain-language sentences every report shares (the lede, the KPI details).
"""

from __future__ import annotations

from collections.abc import Sequence

from prioritiser.inventory import Inventory
from prioritiser.inventory.provenance import Provenance
from prioritiser.reports import appraisal_words
from prioritiser.reports.analysis import Analysis, SystemRow
from prioritiser.reports.appraisal import AppraisalReport
from prioritiser.reports.assumptions import Assumption
from prioritiser.roadmap import Roadmap
from prioritiser.textsafe import markdown_cell, markdown_table, markdown_text
from prioritiser.wording import form, money, names, plural

# --- words shared by the reports ---------------------------------------------------------------


def percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def lede(a: Analysis) -> str:
    """The plan in a few sentences, for a reader with thirty seconds."""
    cur = a.currency
    done = [r for r in a.systems if r.modernised]
    if not done:
        return (
            f"No modernisation is worth its cost within the limits set: all {a.systems_total} "
            f"systems are retained. This result is {a.status_text}."
        )
    first = min(done, key=lambda r: r.start_index or 0).start
    last = max(done, key=lambda r: r.finish_index or 0).finish
    text = (
        f"Modernise {a.systems_modernised} of {a.systems_total} systems between {first} and "
        f"{last} for {money(a.one_off_spend, cur)} of one-off spend, worth "
        f"{money(a.objective or 0.0, cur)} in net present value."
    )
    if a.cashable_run_rate > 0:
        text += f" Cashable savings reach {money(a.cashable_run_rate, cur)} a year"
        text += f" by {a.full_run_rate_year}" if a.full_run_rate_year else ""
        text += f" and repay the spend by {a.payback_year}." if a.payback_year else "."
    text += (
        f" {percent(a.risk_removed_share)} of legacy risk is removed."
        f" This roadmap is {a.status_text}."
    )
    return text


def spend_detail(a: Analysis) -> str:
    """What the one-off spend is measured against."""
    if a.appraisal is not None:
        return appraisal_words.spend_text(a.appraisal)
    budget = a.budget
    cur = a.currency
    if budget is not None and budget.total_cap is not None:
        return f"of a {money(budget.total_cap, cur)} budget"
    if budget is not None:
        return f"of {money(sum(budget.capacity), cur)} capacity over {a.horizon}"
    return "options and platform set-up, undiscounted"


def savings_detail(a: Analysis) -> str:
    parts = []
    if a.full_run_rate_year:
        parts.append(f"in full from {a.full_run_rate_year}")
    if a.payback_year:
        parts.append(f"repays the spend by {a.payback_year}")
    return "; ".join(parts) or "once every option is delivered"


def attention(a: Analysis) -> list[str]:
    """Retained systems that pass their end of support: the risk the plan accepts."""
    rows = {r.system: r for r in a.systems}
    return [
        f"{rows[s].name} ({rows[s].department}, end of support {rows[s].end_of_support})"
        for s in a.retained_past_support
    ]


def decision_text(row: SystemRow) -> str:
    """`replatform`, `replace (rebuild)` or `retained`; `· locked` for work already under way,
    `· estimate` when the option's figures are estimates."""
    if not row.modernised:
        return "retained"
    text = row.kind if row.option in (None, row.kind) else f"{row.kind} ({row.option})"
    return text + (" · locked" if row.locked else "") + (" · estimate" if row.estimated else "")


_FIELD_PLURALS = {
    "criticality": "criticalities",
    "department": "departments",
    "end_of_support": "end-of-support dates",
    "legacy_risk": "legacy-risk scores",
}


def _share(count: int, total: int, singular: str, plural: str) -> str:
    """`every option`, `54 of 66 options`, `1 of 66 options`."""
    return f"every {singular}" if count == total else f"{count} of {total} {plural}"


def estimates_text(p: Provenance | None) -> str:
    """`54 of 66 options and every run cost are estimates, …`; empty when nothing is."""
    if p is None or not p.any:
        return ""
    parts = []
    if p.options_estimated:
        parts.append(_share(p.options_estimated, p.options, "option", "options"))
    if p.run_costs_estimated:
        parts.append(_share(p.run_costs_estimated, p.systems, "run cost", "run costs"))
    for name, count in p.fields.items():
        many = _FIELD_PLURALS.get(name, name.replace("_", " "))
        parts.append(_share(count, p.systems, name.replace("_", " "), many))
    joined = names(parts)
    single = len(parts) == 1 and (parts[0].startswith("every ") or parts[0].startswith("1 of "))
    verb = "is an estimate" if single else "are estimates"
    return (
        f"{joined[0].upper()}{joined[1:]} {verb}, not appraised figures: the values, savings "
        "and this roadmap are only as good as those estimates. Replace them with appraised "
        "figures (overrides/*.yaml survive re-import) before relying on the plan."
    )


def format_assumption(item: Assumption, currency: str) -> str:
    value = item.value
    if value is None:
        return "—"
    if item.kind == "money" and isinstance(value, int | float):
        return f"{money(value, currency)} ({value:,.0f})"
    if item.kind == "percent" and isinstance(value, int | float):
        return f"{value * 100:.2f} %"
    if item.kind == "number" and isinstance(value, int | float):
        return f"{value:,g}"
    return str(value)


def cross_flows(a: Analysis) -> list[dict[str, str]]:
    """Value landing outside the paying department: one row per (payer, beneficiary)."""
    cur = a.currency
    pairs: dict[tuple[str, str], tuple[float, float, float]] = {}
    for f in a.cross_department:
        cashable, other, pv = pairs.get((f.payer, f.beneficiary), (0.0, 0.0, 0.0))
        pairs[(f.payer, f.beneficiary)] = (
            cashable + (f.annual if f.cashable else 0.0),
            other + (0.0 if f.cashable else f.annual),
            pv + f.pv,
        )
    return [
        {
            "payer": payer,
            "beneficiary": beneficiary,
            "cashable": money(cashable, cur) if cashable else "—",
            "other": money(other, cur) if other else "—",
            "pv": money(pv, cur),
        }
        for (payer, beneficiary), (cashable, other, pv) in sorted(pairs.items())
    ]


def amount(value: float, unit: str, currency: str) -> str:
    """Money as £1.2m when the unit is a currency, otherwise a short number."""
    if unit == currency or unit.upper() in ("GBP", "EUR", "USD"):
        return money(value, currency)
    return f"{value:,.1f}".rstrip("0").rstrip(".")


# --- Markdown ------------------------------------------------------------------------------------


def text(value: object) -> str:
    """Inventory text (or a sentence quoting it) as Markdown that shows exactly as typed."""
    return markdown_text(value)


def cell(value: object) -> str:
    """Markdown safe inside a GFM table cell (inventory text in it already through `text`)."""
    return markdown_cell(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: set[int]) -> list[str]:
    """A GFM table of Markdown cells; columns in `right` are right-aligned (numbers)."""
    return markdown_table(headers, rows, right)


def render_summary(inventory: Inventory, roadmap: Roadmap, analysis: Analysis) -> str:
    """The whole summary.md text (deterministic: no timings, no dates)."""
    a = analysis
    cur = a.currency
    lines = [f"# Modernisation roadmap — {text(a.portfolio or inventory.portfolio.name)}", ""]
    if a.scenarios:
        lines += [f"Scenario: **{text(', '.join(a.scenarios))}**", ""]
    estimates = estimates_text(a.provenance)
    if estimates:
        lines += ["> [!IMPORTANT]", f"> **Estimates:** {text(estimates)}", ""]
    lines += [text(lede(a)), ""]
    p = a.appraisal
    if p is not None:
        lines += [f"_{text(p.period_note)}_", ""]
    objective = f"{a.status_text} ({roadmap.solver.name})"
    if p is not None and appraisal_words.objective_text(p):
        objective += f"; {appraisal_words.objective_text(p)}"
    lines += table(
        ["Headline", ""],
        [
            [
                "Net present value",
                f"**{money(a.objective or 0.0, cur)}** — {objective}",
            ],
            ["One-off spend", f"{money(a.one_off_spend, cur)} {spend_detail(a)}"],
            [
                "Cashable savings",
                f"{money(a.cashable_run_rate, cur)} a year, {savings_detail(a)}",
            ],
            [
                "Legacy risk removed",
                f"{percent(a.risk_removed_share)} ({a.risk_points_removed:.0f} of "
                f"{a.risk_points_total:.0f} points)",
            ],
            [
                "Systems modernised",
                f"{a.systems_modernised} of {a.systems_total} ({a.systems_retained} retained)",
            ],
            *([] if p is None else appraisal_words.headline_rows(p)),
        ],
        set(),
    )
    if p is not None:
        lines += _unsupported_banner(p)
    warnings = attention(a) if p is None else []
    if warnings:
        count = len(warnings)
        lines += [
            "",
            "> [!WARNING]",
            f"> **Risk accepted:** {plural(count, 'retained system')} "
            f"{form(count, 'passes', 'pass')} end of support within the plan: "
            + text("; ".join(warnings))
            + ".",
        ]
    if p is not None:
        lines += appraisal_words.sections(p)
    lines += _cash_by_year(a) + _roadmap(a) + _platforms(a) + _resources(a)
    lines += _departments(a) + _retained(a) + _assumptions(a)
    lines.append("")
    return "\n".join(lines)


def _unsupported_banner(p: AppraisalReport) -> list[str]:
    """The risk the plan accepts: every system it leaves running past end of support."""
    left = appraisal_words.attention(p)
    if not left:
        return ["", "> [!NOTE]", "> No system runs past its end of support under this roadmap."]
    count = len(left)
    return [
        "",
        "> [!WARNING]",
        f"> **Risk accepted:** {plural(count, 'system')} {form(count, 'runs', 'run')} past "
        f"end of support under this roadmap, {money(p.exposure_left, p.currency)} of "
        "expected loss (present value): " + text("; ".join(left)) + ".",
    ]


def _cash_by_year(a: Analysis) -> list[str]:
    cur = a.currency
    rows, net = [], 0.0
    for year, saving in a.cashable_by_year.items():
        spend = a.spend_by_year.get(year, 0.0)
        net += saving - spend
        rows.append([year, money(spend, cur), money(saving, cur), money(net, cur)])
    return [
        "",
        "## Cash by year",
        "",
        "Undiscounted one-off spend (options and platform set-up) and cashable savings.",
        "",
        *table(["Year", "One-off spend", "Cashable savings", "Cumulative net"], rows, {1, 2, 3}),
    ]


def _roadmap(a: Analysis) -> list[str]:
    cur = a.currency
    rows = [
        [r.start, r.finish, f"{text(r.name)} (`{r.system}`)", text(r.department),
         text(decision_text(r)), money(r.npv or 0.0, cur), text(a.why.get(r.system, ""))]
        for r in a.systems
        if r.modernised
    ]  # fmt: skip
    if not rows:
        return ["", "## Roadmap", "", "No system is modernised."]
    headers = ["Start", "Finish", "System", "Department", "Decision", "NPV", "Why"]
    return ["", "## Roadmap", "", *table(headers, rows, {5})]


def _platforms(a: Analysis) -> list[str]:
    if not a.platforms:
        return []
    cur = a.currency
    rows = [
        [f"{text(p.name)} (`{p.id}`)", p.start if p.start == p.finish else f"{p.start} – {p.finish}",
         p.ready, money(p.cost, cur),
         len(p.users)]
        for p in a.platforms
    ]  # fmt: skip
    headers = ["Platform", "Set-up", "Ready", "Cost", "Systems using it"]
    return ["", "## Shared platforms", "", *table(headers, rows, {3, 4})]


def _resources(a: Analysis) -> list[str]:
    if not a.resources:
        return []
    cur = a.currency
    headers = ["Period", *[f"{text(r.name)} ({text(r.unit or 'units')})" for r in a.resources]]
    rows = [
        [period]
        + [
            f"{amount(r.use[i], r.unit, cur)} / {amount(r.capacity[i], r.unit, cur)}"
            for r in a.resources
        ]
        for i, period in enumerate(a.periods)
    ]
    totals = ["**Total**"] + [
        f"{amount(r.total_use, r.unit, cur)}"
        + (f" / {amount(r.total_cap, r.unit, cur)}" if r.total_cap is not None else "")
        for r in a.resources
    ]
    noun = a.period_noun
    return [
        "",
        f"## Spend and resources per {noun} against capacity",
        "",
        f"Each cell is use / capacity in that {noun}.",
        "",
        *table(headers, [*rows, totals], set(range(1, len(headers)))),
    ]


def _departments(a: Analysis) -> list[str]:
    cur = a.currency
    rows = [
        [text(d.department), money(d.pays_pv, cur), money(d.benefits_pv, cur),
         money(d.benefits_pv - d.pays_pv, cur), money(d.cashable_annual, cur),
         money(d.non_cashable_annual, cur)]
        for d in a.departments
    ]  # fmt: skip
    if a.platforms_cost_pv:
        rows.append(
            ["Shared platforms", money(a.platforms_cost_pv, cur), money(0.0, cur),
             money(-a.platforms_cost_pv, cur), money(0.0, cur), money(0.0, cur)]
        )  # fmt: skip
    headers = [
        "Department",
        "Pays (PV)",
        "Benefits (PV)",
        "Net (PV)",
        "Cashable a year",
        "Non-cashable a year",
    ]
    lines = [
        "",
        "## Who pays and who benefits",
        "",
        "Present values of the one-off cost each department pays and the savings, benefits and "
        "risk value it receives.",
        "",
        *table(headers, rows, {1, 2, 3, 4, 5}),
    ]
    flows = [
        [text(f["payer"]), text(f["beneficiary"]), f["cashable"], f["other"], f["pv"]]
        for f in cross_flows(a)
    ]
    if flows:
        headers = ["Paid by", "Lands in", "Cashable a year", "Non-cashable a year", "PV"]
        lines += [
            "",
            "Value landing outside the paying department:",
            "",
            *table(headers, flows, {2, 3, 4}),
        ]
    return lines


def _retained(a: Analysis) -> list[str]:
    past = set(a.retained_past_support)
    rows = [
        [f"{text(r.name)} (`{r.system}`)", text(r.department), r.criticality,
         (f"**{r.end_of_support}**" if r.system in past else r.end_of_support or ""),
         text(a.why.get(r.system, ""))]
        for r in a.systems
        if not r.modernised
    ]  # fmt: skip
    if not rows:
        return ["", "## Retained", "", "Every system is modernised."]
    headers = ["System", "Department", "Criticality", "End of support", "Why"]
    return ["", "## Retained", "", *table(headers, rows, set())]


def _assumptions(a: Analysis) -> list[str]:
    rows = [
        [text(item.group), text(item.label), text(format_assumption(item, a.currency))]
        for item in a.assumptions
    ]
    return [
        "",
        "<details><summary>Assumptions</summary>",
        "",
        *table(["Group", "Setting", "Value"], rows, set()),
        "",
        "</details>",
    ]
