"""`report.html`: one self-contained page that makes the case for funding the roadmap.

A jinja2 template (autoescaped) formats the Analysis; plotly.js is embedded once, inline, and
the figures travel as one JSON block, so the page opens offline and requests nothing.
The bytes are deterministic: fixed element ids, no timestamps, no random ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from prioritiser import __version__
from prioritiser.inventory import Inventory
from prioritiser.reports import appraisal_words, chart_style, charts
from prioritiser.reports import markdown as words
from prioritiser.reports.analysis import Analysis
from prioritiser.reports.appraisal import AppraisalReport
from prioritiser.roadmap import Roadmap
from prioritiser.wording import money


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    detail: str
    tone: str = ""


@dataclass(frozen=True)
class TableRow:
    """One row of the systems table, formatted, with the values the page sorts by."""

    system: str
    name: str
    department: str
    kind: str
    decision: str
    when: str
    when_sort: int
    npv: str
    npv_sort: float
    support: str
    support_warn: bool
    why: str


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("prioritiser.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def script_json(data: Any) -> Markup:
    """JSON safe to place inside a <script> element: no `<`, `>` or `&` characters at all."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_html(inventory: Inventory, roadmap: Roadmap, analysis: Analysis) -> str:
    """The whole report.html text."""
    built = charts.figures(analysis)
    figures = {key: charts.figure_json(fig) for key, fig in built.items()}
    markers = {trace.name for trace in built[charts.GANTT].data if trace.type == "scatter"}
    template = _environment().get_template("report.html.j2")
    return template.render(
        a=analysis,
        title=f"Modernisation roadmap — {analysis.portfolio or inventory.portfolio.name}",
        lede=words.lede(analysis),
        estimates=words.estimates_text(analysis.provenance),
        kpis=kpis(analysis),
        years=[
            (year, money(v, analysis.currency)) for year, v in analysis.cashable_by_year.items()
        ],
        attention=words.attention(analysis) if analysis.appraisal is None else [],
        appraisal=analysis.appraisal,
        unsupported=(appraisal_words.attention(analysis.appraisal) if analysis.appraisal else []),
        appraisal_tables=appraisal_words.tables(analysis.appraisal) if analysis.appraisal else [],
        rows=table_rows(analysis),
        departments=sorted({r.department for r in analysis.systems}),
        kinds=[k for k in chart_style.KIND_COLOURS if any(r.kind == k for r in analysis.systems)],
        kind_colours=chart_style.KIND_COLOURS,
        gantt_kinds=[
            k
            for k in chart_style.KIND_COLOURS
            if any(r.kind == k for r in analysis.systems if r.modernised)
            or (k == "platform" and analysis.platforms)
        ],
        has_locked=any(r.locked for r in analysis.systems if r.modernised),
        gantt_markers=sorted(markers),
        flows=words.cross_flows(analysis),
        assumptions=grouped_assumptions(analysis),
        charts=figures,
        budget_note=budget_note(analysis),
        solver=f"{roadmap.solver.name} {roadmap.solver.version}".strip(),
        optimal=analysis.status_text == "proven optimal",
        version=__version__,
        figures_json=script_json({"config": chart_style.PLOT_CONFIG, "figures": figures}),
        plotly_js=Markup(get_plotlyjs()),
    )


# --- words and numbers the page shows ---------------------------------------------------------


def kpis(a: Analysis) -> list[Kpi]:
    return _kpis(a) + (appraisal_kpis(a.appraisal) if a.appraisal is not None else [])


def appraisal_kpis(p: AppraisalReport) -> list[Kpi]:
    """Cash-only NPV, benefit–cost ratio, exposure left, and the price of the policy."""
    cur = p.currency
    out = [
        Kpi("Cash-only NPV", money(p.cash_npv, cur), appraisal_words.cash_text(p)),
        Kpi("Benefit–cost ratio", appraisal_words.bcr_value(p), appraisal_words.bcr_text(p)),
        Kpi(
            "Unsupported exposure left",
            money(p.exposure_left, cur),
            appraisal_words.exposure_text(p),
            "bad" if p.unsupported else "good",
        ),
    ]
    if p.policy is not None:
        out.append(
            Kpi("Price of the policy", money(p.policy.cost, cur), appraisal_words.policy_text(p))
        )
    return out


def _kpis(a: Analysis) -> list[Kpi]:
    cur = a.currency
    return [
        Kpi(
            "Net present value",
            money(a.objective or 0.0, cur),
            a.status_text,
            "good" if a.status_text == "proven optimal" else "",
        ),
        Kpi("One-off spend", money(a.one_off_spend, cur), words.spend_detail(a)),
        Kpi(
            "Cashable savings",
            f"{money(a.cashable_run_rate, cur)} a year",
            words.savings_detail(a),
            "good" if a.cashable_run_rate > 0 else "",
        ),
        Kpi(
            "Legacy risk removed",
            words.percent(a.risk_removed_share),
            f"{a.risk_points_removed:.0f} of {a.risk_points_total:.0f} risk points",
        ),
        Kpi(
            "Systems modernised",
            f"{a.systems_modernised} of {a.systems_total}",
            f"{a.systems_retained} retained",
        ),
    ]


def budget_note(a: Analysis) -> str:
    budget = a.budget
    if budget is None:
        return ""
    cur = a.currency
    used = money(budget.total_use, cur)
    if budget.total_cap is not None:
        return f"{used} used of the {money(budget.total_cap, cur)} total budget."
    return f"{used} used of {money(sum(budget.capacity), cur)} capacity."


def table_rows(a: Analysis) -> list[TableRow]:
    cur = a.currency
    past = set(a.retained_past_support)
    out = []
    for row in a.systems:
        when = ""
        if row.modernised:
            when = (row.start or "") if row.start == row.finish else f"{row.start} – {row.finish}"
        out.append(
            TableRow(
                system=row.system,
                name=row.name,
                department=row.department,
                kind=row.kind,
                decision=words.decision_text(row),
                when=when,
                when_sort=row.start_index if row.start_index is not None else 10**6,
                npv=money(row.npv, cur) if row.npv is not None else "—",
                npv_sort=round(row.npv, 2) if row.npv is not None else -1e18,
                support=row.end_of_support or "",
                support_warn=row.system in past,
                why=a.why.get(row.system, ""),
            )
        )
    return out


def grouped_assumptions(a: Analysis) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in a.assumptions:
        groups.setdefault(item.group, []).append(
            (item.label, words.format_assumption(item, a.currency))
        )
    return list(groups.items())
