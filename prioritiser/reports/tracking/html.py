"""`tracking.html`: one self-contained page in report.html's style (its stylesheet, template
conventions and chart approach): the S-curve, benefits by department, the RAG table.

Jinja2 autoescapes every inventory string; plotly.js is embedded once and the figures travel
as one JSON block, so the page opens offline. Fixed ids, no timestamps: deterministic bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import jinja2
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from prioritiser import __version__
from prioritiser.inventory.schema import RatioBands
from prioritiser.reports.chart_style import PLOT_CONFIG
from prioritiser.reports.charts import figure_json
from prioritiser.reports.html import Kpi, script_json
from prioritiser.reports.tracking import charts, words
from prioritiser.reports.tracking.data import REFORECAST, TrackingInputs
from prioritiser.tracking import SystemTracking, Tracking
from prioritiser.tracking.rag import RANK
from prioritiser.wording import form, money

SORT_LAST = 1e18  # where an undefined index sorts
# What a reader looks for first among the re-forecast's changes.
SHOWN_FIRST = ("stopped", "dropped", "changed", "added", "in_flight", "done")


@dataclass(frozen=True)
class RagRow:
    """One row of the RAG table, formatted, with the values the page sorts by."""

    colour: str
    rank: int
    system: str
    name: str
    department: str
    status: str
    baseline: str
    start_sort: int
    finish: str
    finish_sort: int
    slip: str
    late: bool
    pv: str
    pv_sort: str
    ev: str
    ev_sort: str
    ac: str
    ac_sort: str
    spi: str
    spi_sort: str
    cpi: str
    cpi_sort: str
    eac: str
    eac_sort: str
    rule: str
    more: tuple[str, ...]


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


def render_html(t: Tracking, inputs: TrackingInputs) -> str:
    """The whole tracking.html text."""
    figures = {key: figure_json(fig) for key, fig in charts.figures(t).items()}
    future = t.reforecast
    order = {c: i for i, c in enumerate(SHOWN_FIRST)}
    changes = sorted(
        (c for c in future.changes if c.category != "kept"),
        key=lambda c: (order.get(c.category, len(order)), c.system),
    )
    return (
        _environment()
        .get_template("tracking.html.j2")
        .render(
            title=f"Tracking as of {t.as_of_label} — {t.inventory.portfolio.name}",
            portfolio=t.inventory.portfolio.name,
            baseline=inputs.baseline,
            as_of=t.as_of_label,
            counts={c: t.count(c) for c in ("red", "amber", "green")},
            lede=words.lede(t),
            kpis=kpis(t),
            money_note=words.MONEY_NOTE.format(currency=t.currency),
            eac_text=words.eac_text(t),
            departments=sorted({s.planned.system.department for s in t.systems}),
            rows=[rag_row(t, s) for s in sorted(t.systems, key=_worst_first)],
            charts=figures,
            first=future.first,
            reforecast_text=words.reforecast_text(t),
            has_reforecast=future.roadmap is not None,
            check_command=(
                f"prioritiser check {inputs.inventory} {REFORECAST}/roadmap.json "
                f"--scenario {REFORECAST}/{REFORECAST}-overlay.yaml"
            ),
            relaxations=future.relaxations,
            changes=changes,
            kept=len(future.changes) - len(changes),
            findings=future.findings if future.roadmap is None else (),
            thresholds=thresholds(t),
            version=__version__,
            figures_json=script_json({"config": PLOT_CONFIG, "figures": figures}),
            plotly_js=Markup(get_plotlyjs()),
        )
    )


def _worst_first(s: SystemTracking) -> tuple[int, int, str]:
    return (-RANK[s.rating.colour], s.planned.start, s.system)


def kpis(t: Tracking) -> list[Kpi]:
    v = t.portfolio
    cur = t.currency
    benefits = t.benefits

    def tone(index: float | None, bands: RatioBands) -> str:
        if index is None:
            return ""
        return (
            "red" if index < bands.red_below else "amber" if index < bands.amber_below else "green"
        )

    share = benefits.realised / benefits.planned if benefits.planned else None
    return [
        Kpi("Earned value", money(v.ev, cur), f"of {money(v.pv, cur)} planned to date"),
        Kpi("Actual cost", money(v.ac, cur), f"spent to date; budget {money(v.bac, cur)}"),
        Kpi("CPI", words.index(v.cpi), "earned ÷ spent", tone(v.cpi, t.inventory.tracking.cpi)),
        Kpi("SPI", words.index(v.spi), "earned ÷ planned", tone(v.spi, t.inventory.tracking.spi)),
        Kpi(
            "Estimate at completion",
            words.cash(v.eac, cur),
            "BAC ÷ CPI; re-forecast carries " + money(t.forecast_cost, cur),
        ),
        Kpi(
            "Benefits realised",
            money(benefits.realised, cur),
            f"of {money(benefits.planned, cur)} planned to date",
            tone(share, t.inventory.tracking.benefits),
        ),
    ]


def rag_row(t: Tracking, s: SystemTracking) -> RagRow:
    axis = t.inventory.axis
    cur = t.currency
    v = s.value

    def sort(value: float | None) -> str:
        return f"{SORT_LAST if value is None else value:.4f}"

    return RagRow(
        colour=s.rating.colour,
        rank=2 - RANK[s.rating.colour],
        system=s.system,
        name=s.planned.name,
        department=s.planned.system.department,
        status=words.status(s),
        baseline=f"{axis.label(s.planned.start)} – {axis.label(s.planned.finish)}",
        start_sort=s.planned.start,
        finish=axis.label(s.forecast_finish) if s.forecast_finish is not None else "—",
        finish_sort=s.forecast_finish if s.forecast_finish is not None else 10**6,
        slip=(f"{s.slip:+d} {form(abs(s.slip), 'period')}" if s.slip else ""),
        late=bool(s.slip and s.slip > 0),
        pv=money(v.pv, cur),
        pv_sort=sort(v.pv),
        ev=money(v.ev, cur),
        ev_sort=sort(v.ev),
        ac=money(v.ac, cur),
        ac_sort=sort(v.ac),
        spi=words.index(v.spi),
        spi_sort=sort(v.spi),
        cpi=words.index(v.cpi),
        cpi_sort=sort(v.cpi),
        eac=words.cash(v.eac, cur),
        eac_sort=sort(v.eac),
        rule=s.rating.rendered,
        more=tuple(f.rendered for f in s.findings if f != s.rating),
    )


def thresholds(t: Tracking) -> list[tuple[str, str]]:
    rules = t.inventory.tracking
    return [
        ("cost (CPI)", f"amber below {rules.cpi.amber_below:g}, red below {rules.cpi.red_below:g}"),
        (
            "slip (periods late)",
            f"amber from {rules.slip_periods.amber_from}, red from {rules.slip_periods.red_from}",
        ),
        (
            "schedule (SPI)",
            f"amber below {rules.spi.amber_below:g}, red below {rules.spi.red_below:g}",
        ),
        (
            "benefits (realised ÷ planned)",
            f"amber below {rules.benefits.amber_below:g}, red below {rules.benefits.red_below:g}",
        ),
    ]
