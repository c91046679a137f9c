"""`tracking.md`: the comparison for a Markdown reader (GitHub, a pull request)."""

from __future__ import annotations

from prioritiser.reports.tracking import words
from prioritiser.reports.tracking.data import EAC_FORMULA, REFORECAST, TrackingInputs
from prioritiser.textsafe import markdown_table, markdown_text
from prioritiser.tracking import SystemTracking, Tracking
from prioritiser.tracking.rag import RANK
from prioritiser.wording import money, plural

RAG_MARK = {"red": "🔴 red", "amber": "🟠 amber", "green": "🟢 green"}


def render_markdown(t: Tracking, inputs: TrackingInputs) -> str:
    """The whole tracking.md text (deterministic)."""
    cur = t.currency
    v = t.portfolio
    name = markdown_text(t.inventory.portfolio.name)
    lines = [f"# Tracking as of {t.as_of_label} — {name}", ""]
    lines += [markdown_text(words.lede(t)), ""]
    lines += [f"> {markdown_text(words.MONEY_NOTE.format(currency=cur))}", ""]
    lines += markdown_table(
        ["Earned value", "", "What it is"],
        [
            ["BAC", money(v.bac, cur), "the baseline's one-off cost of its decisions"],
            ["PV", money(v.pv, cur), f"cost the baseline planned up to {t.as_of_label}"],
            ["EV", money(v.ev, cur), "percent complete × BAC"],
            ["AC", money(v.ac, cur), "actual spend to date"],
            ["SPI", words.index(v.spi), "EV ÷ PV"],
            ["CPI", words.index(v.cpi), "EV ÷ AC"],
            ["EAC", words.cash(v.eac, cur), f"{EAC_FORMULA}"],
            [
                "Forecast cost",
                money(t.forecast_cost, cur),
                "cost at completion the re-forecast carries",
            ],
        ],
        right={1},
    )
    lines += ["", markdown_text(words.eac_text(t)), ""]
    lines += _systems(t) + _benefits(t) + _reforecast(t, inputs)
    lines.append("")
    return "\n".join(lines)


def _systems(t: Tracking) -> list[str]:
    cur = t.currency
    axis = t.inventory.axis
    rows = [
        [
            RAG_MARK[s.rating.colour],
            f"`{s.system}`",
            markdown_text(s.planned.system.department),
            words.status(s),
            f"{axis.label(s.planned.start)}–{axis.label(s.planned.finish)}",
            axis.label(s.forecast_finish) if s.forecast_finish is not None else "—",
            words.slip(s.slip),
            money(s.value.pv, cur),
            money(s.value.ev, cur),
            money(s.value.ac, cur),
            words.index(s.value.spi),
            words.index(s.value.cpi),
            words.cash(s.value.eac, cur),
            markdown_text(s.rating.rendered),
        ]
        for s in sorted(t.systems, key=_worst_first)
    ]
    return [
        "## Systems",
        "",
        *markdown_table(
            [
                "RAG",
                "System",
                "Department",
                "Status",
                "Baseline",
                "Forecast finish",
                "Slip",
                "PV",
                "EV",
                "AC",
                "SPI",
                "CPI",
                "EAC",
                "Rule that set it",
            ],
            rows,
            right={6, 7, 8, 9, 10, 11, 12},
        ),
        "",
    ]


def _worst_first(s: SystemTracking) -> tuple[int, int, str]:
    return (-RANK[s.rating.colour], s.planned.start, s.system)


def _benefits(t: Tracking) -> list[str]:
    cur = t.currency
    rows = [
        [
            markdown_text(d),
            money(b.cashable_planned, cur),
            money(b.cashable_realised, cur),
            money(b.non_cashable_planned, cur),
            money(b.non_cashable_realised, cur),
        ]
        for d, b in t.departments.items()
    ]
    total = t.benefits
    rows.append(
        [
            "**Total**",
            money(total.cashable_planned, cur),
            money(total.cashable_realised, cur),
            money(total.non_cashable_planned, cur),
            money(total.non_cashable_realised, cur),
        ]
    )
    return [
        f"## Benefits to {t.as_of_label} by department",
        "",
        "Planned: the baseline's savings and benefits from the period after each planned "
        "finish; realised: what the actuals report.",
        "",
        *markdown_table(
            [
                "Department",
                "Cashable planned",
                "Cashable realised",
                "Non-cashable planned",
                "Non-cashable realised",
            ],
            rows,
            right={1, 2, 3, 4},
        ),
        "",
    ]


def _reforecast(t: Tracking, inputs: TrackingInputs) -> list[str]:
    future = t.reforecast
    lines = ["## Re-forecast", "", markdown_text(words.reforecast_text(t)), ""]
    if future.roadmap is not None:
        lines += [
            f"The full plan is in `{REFORECAST}/` (roadmap.json, report.html, changes.md). "
            "Check it independently with:",
            "",
            "```",
            f"prioritiser check {inputs.inventory} {REFORECAST}/roadmap.json "
            f"--scenario {REFORECAST}/{REFORECAST}-overlay.yaml",
            "```",
            "",
            "(paths relative to this folder; the inventory as given to `track`).",
            "",
        ]
    if future.relaxations:
        lines += ["Rules the started work already broke, relaxed in the re-forecast:", ""]
        lines += [
            f"- rule {markdown_text(r.rule)}: {markdown_text(r.message)}"
            for r in future.relaxations
        ]
        lines.append("")
    if future.changes:
        rows = [
            [f"`{c.system}`", markdown_text(c.detail or c.category), markdown_text(c.why)]
            for c in future.changes
            if c.category != "kept"
        ]
        kept = sum(1 for c in future.changes if c.category == "kept")
        lines += markdown_table(["System", "Change", "Why"], rows) if rows else []
        lines += ["", f"{plural(kept, 'other decision')} kept as planned.", ""]
    if future.findings and future.roadmap is None:
        lines += [f"- {markdown_text(f)}" for f in future.findings]
        lines.append("")
    return lines
