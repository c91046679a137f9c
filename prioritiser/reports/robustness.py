"""The outputs of `robustness` (`prioritiser.scenarios.robustness`), each written atomically.

`robustness.json` is exactly `{"samples", "npv": {"p10", "p50", "p90", "mean"},
"budget_breach_probability": {resource: p}, "selection_frequency": {system: share}}`:
`npv` is the baseline roadmap's NPV across samples; a breach probability is the share of
samples in which the resource is over capacity in some period or over its total;
`selection_frequency` is the share of re-optimised samples (those with a roadmap) in which
the system is modernised. `robustness-details.json` adds the infeasible share, the
re-optimised NPV percentiles, breach probability by period and the ranges used;
`samples.csv` has one row per sample; `robustness.md` and `robustness.html` (histogram)
are for people.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from prioritiser.atomic import write_output_set
from prioritiser.inventory.schema import OPTION_KINDS
from prioritiser.reports.chart_page import figure_html
from prioritiser.scenarios.robustness import DIMENSIONS, Robustness
from prioritiser.textsafe import markdown_text, plotly_text, spreadsheet_csv
from prioritiser.wording import money


def robustness_data(result: Robustness) -> dict[str, Any]:
    """robustness.json: exactly the four documented keys."""
    return {
        "samples": result.samples,
        "npv": result.npv_summary(),
        "budget_breach_probability": result.breach_probability(),
        "selection_frequency": result.selection_frequency(),
    }


def details_data(result: Robustness) -> dict[str, Any]:
    study = result.study
    return {
        "seed": study.seed,
        "samples": result.samples,
        "baseline_npv": round(study.baseline.objective or 0.0, 2),
        "infeasible_share": round(result.share("infeasible"), 6),
        "no_solution_share": round(result.share("no_solution"), 6),
        "reoptimised_npv": result.reoptimised_summary(),
        "budget_breach_by_period": result.breach_by_period(),
        "ranges": {
            dim: {kind: {"low": lo, "high": hi} for kind, (lo, hi) in sorted(table.items())}
            for dim, table in study.ranges.table.items()
        },
    }


def render_samples_csv(result: Robustness) -> str:
    out = io.StringIO()
    writer = spreadsheet_csv(out)
    writer.writerow(
        ["sample", "baseline_npv", "breaches", "status", "reoptimised_npv", "modernised"]
    )
    for r in result.results:
        breaches = ";".join(f"{res}@{'|'.join(periods)}" for res, periods in r.breaches)
        writer.writerow(
            [
                r.index,
                f"{r.npv:.2f}",
                breaches,
                r.status,
                "" if r.reoptimised_npv is None else f"{r.reoptimised_npv:.2f}",
                len(r.modernised) if r.has_plan else "",
            ]
        )
    return out.getvalue()


def render_markdown(result: Robustness) -> str:
    study = result.study
    inventory = study.inventory
    currency = inventory.portfolio.currency
    npv = result.npv_summary()
    lines = [
        f"# Robustness — {markdown_text(inventory.portfolio.name)}",
        "",
        f"{result.samples} samples (seed {study.seed}) of cost, duration and benefit "
        "multipliers per option kind.",
        "",
        "| NPV | baseline roadmap on sampled figures | re-optimised per sample |",
        "|---|---:|---:|",
    ]
    re_npv = result.reoptimised_summary() or {}
    for key in ("p10", "p50", "p90", "mean"):
        other = money(re_npv[key], currency) if key in re_npv else "—"
        lines.append(f"| {key} | {money(npv[key], currency)} | {other} |")
    lines += [
        "",
        f"Planned NPV (point estimates): {money(study.baseline.objective or 0.0, currency)}. "
        f"Infeasible samples: {100 * result.share('infeasible'):.1f} %; "
        f"stopped without a roadmap: {100 * result.share('no_solution'):.1f} %.",
        "",
        "The first column prices the baseline roadmap as planned, whether or not it still fits "
        "the budgets (see the breaches below); the second is the best roadmap that does fit "
        "each sample's figures.",
        "",
        "## Budget breaches of the baseline roadmap",
        "",
        "| Resource | Probability | Worst periods |",
        "|---|---:|---|",
    ]
    by_period = result.breach_by_period()
    for resource, p in result.breach_probability().items():
        worst = sorted(by_period[resource].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        text = ", ".join(f"{period} ({100 * share:.0f} %)" for period, share in worst) or "—"
        lines.append(f"| {markdown_text(resource)} | {100 * p:.1f} % | {text} |")
    lines += [
        "",
        "## How often each system is modernised when re-optimised",
        "",
        "| System | In baseline | Share of samples |",
        "|---|---|---:|",
    ]
    chosen = {d.system for d in study.baseline.decisions}
    frequency = result.selection_frequency()
    for system, share in sorted(frequency.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {system} | {'yes' if system in chosen else 'no'} | {100 * share:.0f} % |")
    lines += [
        "",
        "## Multiplier ranges used",
        "",
        "| Kind | cost | duration | benefit |",
        "|---|---|---|---|",
    ]
    for kind in OPTION_KINDS:
        cells = [
            f"{lo:.2f} – {hi:.2f}" for lo, hi in (study.ranges.of(d, kind) for d in DIMENSIONS)
        ]
        lines.append(f"| {kind} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def render_chart(result: Robustness) -> str:
    """Histogram of NPV: the baseline roadmap on sampled figures, and re-optimised roadmaps."""
    import plotly.graph_objects as go

    inventory = result.study.inventory
    currency = inventory.portfolio.currency
    baseline = [round(r.npv, 2) for r in result.results]
    reoptimised = [
        round(r.reoptimised_npv, 2) for r in result.planned if r.reoptimised_npv is not None
    ]
    everything = baseline + reoptimised
    low, high = min(everything), max(everything)
    size = (high - low) / 30 if high > low else max(abs(high) * 0.01, 1.0)
    bins = {"start": low - size / 2, "end": high + size / 2, "size": size}
    figure = go.Figure()
    figure.add_histogram(x=baseline, name="baseline roadmap", opacity=0.7, xbins=bins)
    if reoptimised:
        figure.add_histogram(x=reoptimised, name="re-optimised", opacity=0.5, xbins=bins)
    npv = result.npv_summary()
    for key, position in (("p10", "top left"), ("p50", "top"), ("p90", "top right")):
        figure.add_vline(
            x=npv[key], line_dash="dash", annotation_text=key, annotation_position=position
        )
    percentiles = ", ".join(f"{k} {money(npv[k], currency)}" for k in ("p10", "p50", "p90"))
    figure.update_layout(
        title=(
            f"NPV across {result.samples} samples — {plotly_text(inventory.portfolio.name)}<br>"
            f"<sup>baseline roadmap on sampled figures: {percentiles}; planned "
            f"{money(result.study.baseline.objective or 0.0, currency)}</sup>"
        ),
        barmode="overlay",
        xaxis_title=f"NPV ({plotly_text(currency)})",
        yaxis_title="samples",
        template="plotly_white",
    )
    return figure_html(figure, "robustness-histogram")


def write_robustness(outdir: Path, result: Robustness) -> list[Path]:
    """Write every output atomically, robustness.json last."""
    files = {
        "robustness.html": render_chart(result),
        "robustness.md": render_markdown(result),
        "samples.csv": render_samples_csv(result),
        "robustness-details.json": json.dumps(details_data(result), indent=2, ensure_ascii=False)
        + "\n",
        "robustness.json": json.dumps(robustness_data(result), indent=2, ensure_ascii=False) + "\n",
    }
    return write_output_set(outdir, files, order=("robustness.json",))
