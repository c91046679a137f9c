"""The lines a command echoes about its outcome, worded once (the CLI only prints them)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from prioritiser.cli.common import Line, inventory_summary
from prioritiser.inventory.writer import Written
from prioritiser.roadmap import Roadmap
from prioritiser.tasks import (
    CompareOutcome,
    FrontierOutcome,
    ImportOutcome,
    PreparedImport,
    ReplanOutcome,
    RobustnessOutcome,
    TrackOutcome,
)
from prioritiser.wording import form, money, plural


def headline(roadmap: Roadmap, currency: str) -> str:
    """`optimal: NPV £17.6m (proven optimal), 8 systems modernised, 0 retained [HiGHS, 1.2s]`."""
    gap = (
        "proven optimal"
        if (roadmap.gap or 0) < 1e-6 and roadmap.status == "optimal"
        else (f"within {100 * (roadmap.gap or 0):.2f} % of optimal")
    )
    return (
        f"{roadmap.status}: NPV {money(roadmap.objective or 0.0, currency)} ({gap}), "
        f"{plural(len(roadmap.decisions), 'system')} modernised, {len(roadmap.retained):,} retained "
        f"[{roadmap.solver.name}, {roadmap.solver.seconds:.1f}s]"
    )


def wrote(count: int, outdir: Path, extra: str = "") -> str:
    """`wrote 7 files to out/plan/ (report: out/plan/report.html)`."""
    return f"wrote {count} files to {outdir}/" + (f" ({extra})" if extra else "")


def compare_lines(outcome: CompareOutcome) -> list[str]:
    """One line per plan: its NPV, the change from the baseline and what changed."""
    result = outcome.comparison
    currency = result.baseline.inventory.portfolio.currency
    base = result.baseline.roadmap.objective or 0.0
    lines = []
    for run in result.runs:
        roadmap = run.roadmap
        if not roadmap.has_plan:
            lines.append(f"{run.name}: {roadmap.status.replace('_', ' ')} — no roadmap")
            continue
        objective = roadmap.objective or 0.0
        change = ""
        if run is not result.baseline:
            change = f" ({'+' if objective >= base else ''}{money(objective - base, currency)})"
        counts = Counter(c.kind for c in result.changes(run))
        what = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        lines.append(
            f"{run.name}: NPV {money(objective, currency)}{change}, "
            f"{len(roadmap.decisions)} modernised" + (f"; {what}" if what else "")
        )
    return [*lines, wrote(len(outcome.written), outcome.outdir)]


def frontier_lines(outcome: FrontierOutcome) -> list[str]:
    """One line per capacity scale: its status and best NPV."""
    currency = outcome.frontier.inventory.portfolio.currency
    lines = []
    for step in outcome.frontier.steps:
        npv = "—" if step.objective is None else money(step.objective, currency)
        note = " (carried forward)" if step.carried_forward else ""
        lines.append(f"× {step.scale:g}: {step.roadmap.status}{note}, NPV {npv}")
    return [*lines, wrote(len(outcome.written), outcome.outdir)]


def replan_lines(outcome: ReplanOutcome) -> list[str]:
    """The new roadmap's headline and what was kept, changed, dropped and added."""
    result = outcome.result
    currency = outcome.inventory.portfolio.currency
    kept = result.of("kept")
    in_flight = sum(1 for c in kept if c.in_flight)
    return [
        headline(result.roadmap, currency),
        f"as of {result.as_of}: {in_flight} in flight kept, "
        f"{len(kept) - in_flight} other kept, {len(result.of('changed'))} changed, "
        f"{len(result.of('dropped'))} dropped, {len(result.of('added'))} added "
        f"(stability cost {money(result.weight, currency)} per change)",
        wrote(len(outcome.written), outcome.outdir, f"changes: {outcome.changes}"),
    ]


def robustness_lines(outcome: RobustnessOutcome) -> list[str]:
    """NPV percentiles across samples, budget breaches, infeasible samples."""
    result = outcome.robustness
    currency = result.study.inventory.portfolio.currency
    npv = result.npv_summary()
    breaches = {k: v for k, v in result.breach_probability().items() if v > 0}
    return [
        f"baseline roadmap NPV across {result.samples} samples: "
        f"p10 {money(npv['p10'], currency)}, p50 {money(npv['p50'], currency)}, "
        f"p90 {money(npv['p90'], currency)} "
        f"(planned {money(outcome.baseline.objective or 0.0, currency)})",
        "budget breach probability: "
        + (", ".join(f"{k} {100 * v:.0f} %" for k, v in breaches.items()) or "none")
        + f"; infeasible samples: {100 * result.share('infeasible'):.1f} %",
        wrote(len(outcome.written), outcome.outdir),
    ]


def import_report(prepared: PreparedImport, verbose: bool) -> list[Line]:
    """What an import read, left out, overrode and skipped — before anything is written."""
    result = prepared.result
    systems = prepared.draft.systems
    planned = {s.id for s in systems}
    kinds = Counter(m.what for m in result.mapped if m.system in planned)
    where = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()) if k != "row")
    count = len(systems)
    line = f"imported {count} {form(count, 'system')}" + (f" ({where})" if where else "")
    deps = sum(len(s.depends_on) for s in systems)
    line += f" and {deps} {form(deps, 'dependency', 'dependencies')} from {result.source}"
    if result.context:
        line += "; read for context: " + ", ".join(f"{n} {k}" for k, n in result.context.items())
    lines: list[Line] = [(line, False)]
    if result.filtered:
        lines.append(
            (
                f"left out {result.filtered} row(s) by --where, or as not applications "
                "(an export's own filter)",
                False,
            )
        )
    lines += [(f"note: {note}", True) for note in result.notes]
    lines += _excluded_lines(prepared, verbose)
    lines += _override_lines(prepared)
    if verbose:
        lines += [(f"  {m.system} ← {m.what} at {m.source}", False) for m in result.mapped]
    if result.skipped:
        lines.append((f"skipped or ignored {len(result.skipped)}:", True))
        lines += [(f"  {text}", True) for text in result.grouped()]
    return lines


def _excluded_lines(prepared: PreparedImport, verbose: bool) -> list[Line]:
    """The systems left out by their lifecycle: counted by stage, each one with -v."""
    if not prepared.excluded:
        return []
    stages = Counter(e.reason.split(":")[0] for e in prepared.excluded)
    summary = ", ".join(f"{n} × {why}" for why, n in sorted(stages.items()))
    lines: list[Line] = [
        (f"left out {len(prepared.excluded)} system(s) by lifecycle: {summary}", False)
    ]
    for excluded in prepared.excluded if verbose else ():
        where = f" at {excluded.location}" if excluded.location else ""
        lines.append((f"  {excluded.system}{where}: {excluded.reason}", False))
    return lines


def _override_lines(prepared: PreparedImport) -> list[Line]:
    """The overrides applied, each on its line, and those that matched nothing."""
    overrides = prepared.overrides
    if not overrides.files:
        return []
    lines: list[Line] = [
        (f"applied {len(overrides.applied)} override(s) from {', '.join(overrides.files)}", False)
    ]
    lines += [(f"  {line}", False) for line in overrides.applied_lines()]
    lines += [(problem.render(), True) for problem in overrides.unmatched()]
    return lines


def import_lines(outcome: ImportOutcome) -> list[Line]:
    """What an import wrote, or that --strict refused to write anything."""
    prepared = outcome.prepared
    if outcome.written is None:
        count = len(prepared.result.skipped)
        return [(f"--strict: {count} item(s) could not be imported; nothing written", True)]
    templated = (
        f"templated {prepared.estimated_options} estimated options from {prepared.templates.source}"
    )
    return [(templated, False), *written_lines(outcome.written)]


def written_lines(written: Written) -> list[Line]:
    """The files an import or generate wrote, its warnings, and what to run next."""
    lines: list[Line] = [(f"wrote {path}", False) for path in written.files]
    lines += [
        (f"removed {path} (not part of the new inventory)", False) for path in written.removed
    ]
    lines += [(warning.render(), True) for warning in written.warnings]
    lines.append((f"{written.root}: valid — {inventory_summary(written.inventory)}", False))
    lines.append((f"next: prioritiser plan {written.root}", False))
    return lines


__all__ = [
    "Line",
    "compare_lines",
    "frontier_lines",
    "headline",
    "import_lines",
    "import_report",
    "replan_lines",
    "robustness_lines",
    "written_lines",
    "wrote",
]


def track_lines(outcome: TrackOutcome) -> list[str]:
    """Earned value, RAG counts, the re-forecast's NPV and how to check it."""
    t = outcome.tracking
    currency = t.currency
    v = t.portfolio

    def index(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    future = t.reforecast
    lines = [
        f"as of {t.as_of_label} (undiscounted cash): EV {money(v.ev, currency)} of PV "
        f"{money(v.pv, currency)}, "
        f"AC {money(v.ac, currency)} (SPI {index(v.spi)}, CPI {index(v.cpi)}); "
        f"{t.count('red')} red, {t.count('amber')} amber, {t.count('green')} green",
    ]
    roadmap = future.roadmap
    if roadmap is not None:
        lines.append(headline(roadmap, currency).replace(roadmap.status, "re-forecast", 1))
        lines.append(
            f"check it: prioritiser check {outcome.tracking.inventory.root} "
            f"{outcome.reforecast_dir / 'roadmap.json'} --scenario "
            f"{outcome.reforecast_dir / 'reforecast-overlay.yaml'}"
        )
    else:
        lines.append(f"no re-forecast: {future.findings[0] if future.findings else 'none'}")
    lines.append(wrote(len(outcome.written), outcome.outdir, f"report: {outcome.report}"))
    return lines
