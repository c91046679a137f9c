"""The board pack's parts of summary.md: governance, the NPV range, the decisions asked,
levers, the largest risk left and the scenarios (every inventory string made inert)."""

from __future__ import annotations

from prioritiser.reports import pack_view
from prioritiser.reports.analysis import Analysis
from prioritiser.reports.html_pack import scenario_views
from prioritiser.textsafe import markdown_table, markdown_text

WAYS_NOTE = (
    "The cheapest ways to close it, each a re-solve with it forced in; what a way costs is "
    "the NPV given up against the best roadmap under the same limits (today's, or with the "
    "way's limit raised)."
)


def governance(a: Analysis) -> list[str]:
    """`Status: Draft · Version: … · Date: … · Security marking: OFFICIAL`, as a line."""
    if a.paper is None:
        return []
    parts = [f"{label}: **{markdown_text(value)}**" for label, value in a.paper.rows]
    return [" · ".join(parts), ""]


def marking(a: Analysis) -> list[str]:
    return [f"**{markdown_text(a.paper.marking)}**", ""] if a.paper else []


def headline_extras(a: Analysis) -> list[str]:
    """The NPV range and the decisions asked, under the headline."""
    lines: list[str] = []
    found = pack_view.uncertainty_text(a)
    if found is not None:
        span, p50, how = found
        lines += [f"**NPV under uncertainty:** {p50} (P50), {span} (P10–P90). {how}", ""]
    decisions = pack_view.decisions_asked(a)
    if decisions:
        lines += ["## Decisions asked of the board", ""]
        lines += [f"{i}. {markdown_text(d)}" for i, d in enumerate(decisions, start=1)]
        lines.append("")
    return lines


def levers(a: Analysis) -> list[str]:
    """The levers and the ways to close the largest risk left."""
    rows = pack_view.lever_rows(a)
    lines: list[str] = []
    if rows:
        lines += ["## Levers: what one more unit of each limit is worth", ""]
        lines += [markdown_text(pack_view.levers_note(a)), ""]
        lines += markdown_table(
            ["Limit", "Today", "One more", "NPV gained", "What it changes"],
            [
                [
                    markdown_text(r.limit),
                    markdown_text(r.now),
                    markdown_text(r.one_more),
                    r.gain,
                    markdown_text(r.buys or ("does not bind" if not r.binds else "")),
                ]
                for r in rows
            ],
            right={3},
        )
        lines.append("")
    found = pack_view.largest_risk(a)
    if found is not None:
        name, facts, ways = found
        lines += [f"### Largest risk left: {markdown_text(name)} ({markdown_text(facts)})", ""]
        blocked = pack_view.risk_blocked(a)
        if blocked:
            lines += [
                "No way closes it within the rules. The smallest set of changes that would let "
                "it in:",
                "",
                *[f"- {markdown_text(b)}" for b in blocked],
                "",
            ]
            return lines
        lines += [markdown_text(WAYS_NOTE), ""]
        lines += markdown_table(
            ["Way to close it", "As", "NPV it costs", "What else moves"],
            [
                [
                    markdown_text(w.how),
                    markdown_text(w.when),
                    w.price,
                    markdown_text("; ".join(x for x in (w.gives_up, w.raise_note) if x)),
                ]
                for w in ways[:3]
            ],
            right={2},
        )
        lines.append("")
    return lines


def scenarios(a: Analysis) -> list[str]:
    views = scenario_views(a)
    if not views:
        return []
    lines = ["## Scenarios side by side", ""]
    lines += markdown_table(
        ["Scenario", "Status", "NPV", "Change", "Systems modernised", "One-off spend"],
        [[markdown_text(s.name), s.status, s.npv, s.change, s.modernised, s.spend] for s in views],
        right={2, 3, 4, 5},
    )
    return [*lines, ""]
