"""`graph`: dependency analytics in the terminal, or an export (json, dot, graphml, mermaid)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import click

from prioritiser.cli.options import inventory_argument
from prioritiser.cli.params import OutputFile
from prioritiser.cli.terminal import TerminalListener
from prioritiser.graph import (
    FORMAT_NAMES,
    GraphAnalysis,
    cycle_path,
    dependency_edges,
    format_for_path,
    platform_edges,
    platforms,
)
from prioritiser.graph.formats import SUFFIX_FORMATS
from prioritiser.tasks import analyse_graph, graph_export
from prioritiser.wording import plural


@click.command()
@inventory_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    help="Export format (default: a readable summary, or inferred from the -o suffix).",
)
@click.option(
    "-o",
    "--output",
    type=OutputFile(),
    help="Write the export to FILE (.json .dot .gv .graphml .mmd .md) instead of stdout.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many hubs the summary lists.",
)
def graph(inventory: Path, fmt: str | None, output: Path | None, top: int) -> None:
    """Dependency graph analytics: hubs, blast radius, cycles, move groups, exposure.

    Without --format or -o, prints a summary. Edges point from a system to what it
    depends on; a system's blast radius is how many systems depend on it, directly or
    transitively.
    """
    fmt = fmt or (_format_of(output) if output is not None else None)
    if fmt is None:
        for line in summary_lines(analyse_graph(inventory, TerminalListener()), top):
            click.echo(line)
        return
    export = graph_export(inventory, fmt, output, TerminalListener())
    if export.written is None:
        click.echo(export.text, nl=False)
        return
    systems, dependencies = len(export.analysis.metrics), dependency_edges(export.analysis.graph)
    click.echo(f"wrote {output} ({fmt}: {systems} systems, {len(dependencies)} dependencies)")


def _format_of(output: Path) -> str:
    """The export format an output file's suffix names (a usage error when none does)."""
    fmt = format_for_path(output)
    if fmt is None:
        known = " ".join(sorted(SUFFIX_FORMATS))
        raise click.BadParameter(
            f"cannot tell the format of {output} from its suffix ({known}); use --format",
            param_hint="'-o' / '--output'",
        )
    return fmt


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Left-aligned columns, numbers right-aligned, two spaces apart, indented by two."""
    cells = [[str(c) for c in headers], *[[_cell(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(row, widths, numeric, strict=True)
        ]
        lines.append(("  " + "  ".join(parts)).rstrip())
    return lines


def _cell(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _wrapped(items: Sequence[str]) -> list[str]:
    text = ", ".join(items)
    return (
        textwrap.wrap(
            text, width=98, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False
        )
        if text
        else []
    )


def _heading(title: str, count: int) -> list[str]:
    return ["", f"{title}: {count}"]


def summary_lines(analysis: GraphAnalysis, top: int = 10) -> list[str]:
    """The terminal summary: overview, hubs, cycles, move groups, orphans, exposure."""
    graph = analysis.graph
    nodes = graph.nodes
    dependencies = len(dependency_edges(graph))
    layer_count = 1 + max((m.layer for m in analysis.metrics.values()), default=-1)
    lines = [
        f"{graph.graph.get('name') or 'estate'}: {plural(len(analysis.metrics), 'system')}, "
        f"{plural(dependencies, 'dependency', 'dependencies')}, "
        f"{plural(len(platforms(graph)), 'platform')} "
        f"({plural(len(platform_edges(graph)), 'system–platform link')}), "
        f"{plural(layer_count, 'layer')}"
    ]
    hub_list = analysis.hubs(top)
    lines += [
        "",
        f"Top {len(hub_list)} hubs by blast radius (systems depending on them, transitively)",
    ]
    if hub_list:
        lines += _table(
            ["system", "blast radius", "dependants", "degree", "betweenness", "department"],
            [
                [
                    m.system,
                    m.blast_radius,
                    m.dependants,
                    m.degree,
                    m.betweenness,
                    nodes[m.system].get("department", ""),
                ]
                for m in hub_list
            ],
        )
    else:
        lines.append("  none: no system has dependants")
    lines += _heading("Cycles of after/requires dependencies", len(analysis.cycles))
    lines += [
        f"  {', '.join(group)}: e.g. {' → '.join(cycle_path(graph, group))}"
        for group in analysis.cycles
    ] or ["  none"]
    lines += _heading("Move groups (together)", len(analysis.move_groups))
    lines += [line for group in analysis.move_groups for line in _wrapped(group)] or ["  none"]
    lines += _heading("Orphans (no dependencies either way)", len(analysis.orphans))
    lines += _wrapped(analysis.orphans) or ["  none"]
    end = analysis.horizon.split("–")[-1]
    title = "End-of-support exposure" + (f" (support ends by {end})" if end else "")
    lines += _heading(title, len(analysis.exposure))
    if analysis.exposure:
        lines += _table(
            ["system", "end of support", "blast radius", "criticality", "department"],
            [
                [
                    e.system,
                    e.end_of_support + (" (already past)" if e.already_unsupported else ""),
                    e.blast_radius,
                    e.criticality,
                    nodes[e.system].get("department", ""),
                ]
                for e in analysis.exposure
            ],
        )
    else:
        lines.append("  none")
    return lines
