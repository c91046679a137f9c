"""`plan`: solve an inventory into a roadmap and write every output file."""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path
from typing import NoReturn

import click

from prioritiser.atomic import write_text_atomic
from prioritiser.cli.common import (
    EXIT_FAILED,
    EXIT_INFEASIBLE,
    EXIT_NO_SOLUTION,
    UserError,
    ensure_output_dir,
    err,
    load_or_exit,
    output_option,
    scenario_option,
)
from prioritiser.cli.params import FiniteFloat
from prioritiser.explain import diagnosis_markdown, diagnosis_text
from prioritiser.inventory import Inventory
from prioritiser.model import DEFAULT_GAP, SOLVERS, PlanOptions, Progress, plan
from prioritiser.model.diagnose import diagnose
from prioritiser.model.reasons import money
from prioritiser.reports import write_reports
from prioritiser.roadmap import Roadmap


def solver_options(func):  # type: ignore[no-untyped-def]
    """The solver flags shared by every command that plans."""
    options = [
        click.option(
            "--solver",
            type=click.Choice(SOLVERS),
            default="highs",
            show_default=True,
            help="MILP solver: HiGHS (default) or CBC (bundled with PuLP).",
        ),
        click.option(
            "--time-limit",
            type=FiniteFloat(min=0.1),
            default=None,
            help="Stop after S seconds (model build included) with the best roadmap found.",
        ),
        click.option(
            "--gap",
            type=FiniteFloat(min=0.0, max=1.0),
            default=DEFAULT_GAP,
            show_default=True,
            help="Relative optimality gap at which to stop.",
        ),
        click.option(
            "--threads",
            type=click.IntRange(min=1),
            default=None,
            help="Solver threads (default: the solver's choice).",
        ),
        click.option(
            "--seed",
            type=int,
            default=0,
            show_default=True,
            help="Solver random seed (same inputs and seed give identical outputs).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_options(
    solver: str, time_limit: float | None, gap: float, threads: int | None, seed: int
) -> PlanOptions:
    return PlanOptions(solver=solver, time_limit=time_limit, gap=gap, threads=threads, seed=seed)


class Interruptible:
    """Ctrl-C / SIGTERM handling around a solve.

    While the model is being built a signal aborts at once (nothing is written, previous
    outputs stay intact). Once the solver runs, the first signal asks it to stop cleanly and
    keep its incumbent; a second signal aborts at once.
    """

    def __init__(self, options: PlanOptions):
        self.stop = threading.Event()
        options.stop = self.stop
        self.solver = options.solver
        self.solving = False
        self.saved: dict[int, object] = {}

    def __enter__(self) -> Interruptible:
        for sig in (signal.SIGINT, signal.SIGTERM):
            self.saved[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]

    def _handle(self, signum: int, frame: object) -> None:
        # CBC runs as a separate program that cannot be asked to stop and hand back its
        # incumbent, so there a signal always aborts.
        if not self.solving or self.stop.is_set() or self.solver != "highs":
            raise KeyboardInterrupt
        self.stop.set()

    def on_progress(self, event: Progress) -> None:
        if event.phase == "model built":
            self.solving = True


class ProgressLine:
    """Solver progress on stderr: redrawn in place on a terminal, occasional lines otherwise."""

    def __init__(self, currency: str):
        self.currency = currency
        self.tty = sys.stderr.isatty()
        self.last = time.monotonic()  # quiet for the first seconds: small plans need no progress
        self.shown = False

    def __call__(self, event: Progress) -> None:
        now = time.monotonic()
        if not self.tty and now - self.last < 10:
            return
        self.last = now
        parts = [f"{event.phase} {event.elapsed:6.1f}s"]
        if event.incumbent is not None:
            parts.append(f"best {money(event.incumbent, self.currency)}")
        if event.bound is not None:
            parts.append(f"bound {money(event.bound, self.currency)}")
        text = " · ".join(parts)
        if self.tty:
            click.echo(f"\r{text:<70}", err=True, nl=False)
            self.shown = True
        else:
            err(text)

    def close(self) -> None:
        if self.shown:
            click.echo("\r" + " " * 70 + "\r", err=True, nl=False)


def run_plan(
    inventory_path: Path,
    scenarios: tuple[Path, ...],
    options: PlanOptions,
    keep_incumbent: bool = False,
    outdir: Path | None = None,
) -> tuple[object, Roadmap]:
    """Load, plan and independently check; exit with the DESIGN.md code when there is no plan."""
    inventory = load_or_exit(inventory_path, scenarios)
    progress = ProgressLine(inventory.portfolio.currency)
    with Interruptible(options) as guard:

        def report(event: Progress) -> None:
            guard.on_progress(event)
            progress(event)

        try:
            roadmap = plan(inventory, options, report)
        finally:
            progress.close()
    if guard.stop.is_set():
        if not (keep_incumbent and roadmap.has_plan):
            err(
                "interrupted: nothing written (use --keep-incumbent to keep the best roadmap so far)"
            )
            sys.exit(130)
        gap = 100 * (roadmap.gap or 0)
        err(f"interrupted: keeping the best roadmap found so far (within {gap:.2f} % of optimal)")
    if roadmap.status == "infeasible":
        report_infeasible(inventory, roadmap, options, outdir)
    if roadmap.status == "no_solution":
        raise UserError(
            f"no feasible roadmap found within the time limit ({options.time_limit}s); "
            "raise --time-limit",
            EXIT_NO_SOLUTION,
        )
    from prioritiser.certify import certify_roadmap

    violations = certify_roadmap(inventory, roadmap)
    if violations:
        for violation in violations:
            err(f"rule {violation.rule}: {violation.message}")
        raise UserError(
            "internal error: the solver's roadmap failed the independent check; nothing was "
            "written (please report this with the inventory)",
            EXIT_FAILED,
        )
    return inventory, roadmap


def report_infeasible(
    inventory: Inventory, roadmap: Roadmap, options: PlanOptions, outdir: Path | None = None
) -> NoReturn:
    """No roadmap satisfies every rule: diagnose why, print and write it, and exit 4.

    The diagnosis (direct causes, and the smallest set of relaxations found by an elastic
    copy of the model) goes to stdout and, with an output folder, to `diagnosis.json` and
    `diagnosis.md` there.
    """
    diagnosis = diagnose(inventory, options.solver, options.time_limit or 60.0)
    click.echo(diagnosis_text(diagnosis), nl=False)
    where = ""
    if outdir is not None:
        write_text_atomic(outdir / "diagnosis.json", diagnosis.to_json())
        write_text_atomic(outdir / "diagnosis.md", diagnosis_markdown(diagnosis, inventory))
        where = f"; diagnosis written to {outdir / 'diagnosis.md'} and diagnosis.json"
    raise UserError(
        f"infeasible: no roadmap satisfies every rule (deadlines, locks, resources, "
        f"dependencies, risk limits){where}",
        EXIT_INFEASIBLE,
    )


def headline(roadmap: Roadmap, currency: str) -> str:
    gap = (
        "proven optimal"
        if (roadmap.gap or 0) < 1e-6 and roadmap.status == "optimal"
        else (f"within {100 * (roadmap.gap or 0):.2f} % of optimal")
    )
    return (
        f"{roadmap.status}: NPV {money(roadmap.objective or 0.0, currency)} ({gap}), "
        f"{len(roadmap.decisions)} systems modernised, {len(roadmap.retained)} retained "
        f"[{roadmap.solver.name}, {roadmap.solver.seconds:.1f}s]"
    )


@click.command("plan")
@click.argument("inventory", type=click.Path(path_type=Path))
@output_option("Output folder (default: out/<inventory folder name>).")
@scenario_option("Apply a what-if overlay before planning (repeatable, applied in order).")
@click.option(
    "--keep-incumbent",
    is_flag=True,
    help="On Ctrl-C or SIGTERM during the solve, write the best roadmap found so far.",
)
@solver_options
def plan_command(
    inventory: Path,
    outdir: Path | None,
    scenarios: tuple[Path, ...],
    keep_incumbent: bool,
    solver: str,
    time_limit: float | None,
    gap: float,
    threads: int | None,
    seed: int,
) -> None:
    """Plan the optimal roadmap for INVENTORY and write roadmap.json and reports."""
    outdir = ensure_output_dir(outdir or Path("out") / inventory.resolve().name)
    options = make_options(solver, time_limit, gap, threads, seed)
    inv, roadmap = run_plan(inventory, scenarios, options, keep_incumbent, outdir)
    written = write_reports(outdir, inv, roadmap, _manifest_options(options, scenarios))  # type: ignore[arg-type]
    click.echo(headline(roadmap, inv.portfolio.currency))  # type: ignore[attr-defined]
    click.echo(
        f"wrote {len(written)} files to {outdir}/ (report: {outdir / 'report.html'})"
        if (outdir / "report.html").exists()
        else f"wrote {len(written)} files to {outdir}/"
    )


def _manifest_options(options: PlanOptions, scenarios: tuple[Path, ...]) -> dict[str, object]:
    return {
        "solver": options.solver,
        "time_limit": options.time_limit,
        "gap": options.gap,
        "threads": options.threads,
        "seed": options.seed,
        "scenarios": [str(s) for s in scenarios],
    }


COMMANDS = [plan_command]
