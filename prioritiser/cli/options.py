"""The click arguments and options several commands share, defined once."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from prioritiser.cli.params import FiniteFloat
from prioritiser.inventory.schema import PAPER_STATUSES
from prioritiser.reports.paper import PaperOverrides
from prioritiser.solve import (
    DEFAULT_GAP,
    DEFAULT_WORKERS,
    METHODS,
    SOLVERS,
    PlanOptions,
    check_method,
)
from prioritiser.tasks.imports import ImportRequest, TableReading

F = TypeVar("F", bound=Callable[..., Any])

SOLVER_FLAGS = ("solver", "time_limit", "gap", "threads", "seed", "deterministic", "method")
PLACEMENT_FLAGS = ("workers", "dask_scheduler")

METHOD_HELP = (
    "monolithic: the whole model at once; decompose: Lagrangian decomposition by system and "
    "department, a bound stated at every moment (docs/decomposition.md); auto: decomposes "
    "models over a million non-zeros (about 1,500 systems x 16 quarters), measured in "
    "docs/benchmarks.md."
)


def inventory_argument(command: F) -> F:
    """INVENTORY: the inventory folder (checked by the loader, which says what is wrong)."""
    return click.argument("inventory", type=click.Path(path_type=Path))(command)


def output_option(help_text: str) -> Callable[[F], F]:
    """`-o/--output OUTDIR`, the output folder of a command."""
    return click.option(
        "-o", "--output", "outdir", type=click.Path(path_type=Path), default=None, help=help_text
    )


def scenario_option(
    help_text: str = "Apply a what-if overlay first (repeatable, applied in order).",
) -> Callable[[F], F]:
    """`--scenario FILE`, repeatable; a missing file is a usage error (exit 2)."""
    return click.option(
        "--scenario",
        "scenarios",
        multiple=True,
        type=click.Path(path_type=Path, exists=True, dir_okay=False),
        help=help_text,
    )


def solver_options(command: F) -> F:
    """The solver flags of every command that plans — solver, limits, determinism, and the
    method with where the decomposition's subproblems run (`--workers`, `--dask-scheduler`)
    — handed to the command as one `options: PlanOptions` argument."""
    return _solver_decorated(command, placement=True, method_help=METHOD_HELP)


def sample_solver_options(command: F) -> F:
    """`solver_options` for `robustness`, whose `--workers`/`--dask-scheduler` place its
    samples (DESIGN.md), not a decomposition's subproblems: a sample's decomposed solve
    runs in the worker that holds the sample."""
    method_help = (
        METHOD_HELP + " Each sample's re-optimisation decomposes in the worker running it "
        "(--workers and --dask-scheduler place the samples, not the subproblems)."
    )
    return _solver_decorated(command, placement=False, method_help=method_help)


def _solver_decorated(command: F, placement: bool, method_help: str) -> F:
    names = SOLVER_FLAGS + (PLACEMENT_FLAGS if placement else ())

    @functools.wraps(command)
    def with_options(*args: Any, **kwargs: Any) -> Any:
        options = PlanOptions(**{name: kwargs.pop(name) for name in names})
        check_method(options)  # a usage error (exit 2) before any input is read
        return command(*args, options=options, **kwargs)

    decorators = [
        click.option(
            "--solver",
            type=click.Choice(SOLVERS),
            default="highs",
            show_default=True,
            help="MILP solver: HiGHS (default), CBC (bundled with PuLP), or one PuLP reaches "
            "when it is installed (Gurobi, CPLEX, Xpress, SCIP, COPT, MOSEK, GLPK).",
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
        click.option(
            "--deterministic",
            is_flag=True,
            help="Limit work, not wall-clock time: one thread, and --time-limit counts the "
            "work the reference machine does in that many seconds, so a limited run repeats "
            "byte for byte (docs/reliability.md).",
        ),
        click.option(
            "--method",
            type=click.Choice(METHODS),
            default="auto",
            show_default=True,
            help=method_help,
        ),
    ]
    if placement:
        decorators += [
            click.option(
                "--workers",
                type=click.IntRange(min=1),
                default=None,
                help="Decomposition: local worker processes (default: one per CPU, up to "
                f"{DEFAULT_WORKERS}; small estates run in this process). The roadmap does not "
                "depend on it.",
            ),
            click.option(
                "--dask-scheduler",
                default=None,
                metavar="ADDR",
                help="Decomposition: solve the department subproblems on this "
                "dask.distributed scheduler (e.g. tcp://host:8786); needs the `distributed` "
                "extra. Implies decompose.",
            ),
        ]
    return _decorated(with_options, decorators)  # type: ignore[no-any-return]  # click's decorators are untyped here


PAPER_FLAGS = ("paper_status", "marking", "paper_date", "version_label")


def paper_options(command: F) -> F:
    """The governance flags of `plan` and `report` (over portfolio.yaml's `governance:`),
    handed to the command as one `paper: PaperOverrides | None` argument."""

    @functools.wraps(command)
    def with_paper(*args: Any, **kwargs: Any) -> Any:
        flags = {name: kwargs.pop(name) for name in PAPER_FLAGS}
        given = PaperOverrides(
            date=flags["paper_date"],
            version=flags["version_label"],
            status=flags["paper_status"],
            marking=flags["marking"],
        )
        return command(*args, paper=None if given == PaperOverrides() else given, **kwargs)

    decorators = [
        click.option(
            "--status",
            "paper_status",
            type=click.Choice(PAPER_STATUSES),
            default=None,
            help="The paper's status (default: portfolio.yaml's governance.status, else draft).",
        ),
        click.option(
            "--marking",
            default=None,
            help="Security marking on every page (default: governance.marking, else OFFICIAL).",
        ),
        click.option(
            "--date",
            "paper_date",
            type=IsoDate(),
            default=None,
            help="The paper's date, YYYY-MM-DD (default: governance.date; never the clock).",
        ),
        click.option(
            "--version-label",
            default=None,
            help="Version or baseline name shown on the paper (default: governance.version).",
        ),
    ]
    wrapped: Any = with_paper
    for decorator in reversed(decorators):
        wrapped = decorator(wrapped)
    return wrapped  # type: ignore[no-any-return]  # click's decorators are untyped here


class IsoDate(click.ParamType):  # type: ignore[type-arg]  # click 8.2 made ParamType generic; 8.1 is not
    """A calendar date written YYYY-MM-DD (kept as text: it is shown, not computed with)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not a date like 2027-01-15", param, ctx)
        if len(text) != 10:
            self.fail(f"{value!r} is not a date like 2027-01-15", param, ctx)
        return text


def output_options(help_text: str) -> Callable[[F], F]:
    """`-o/--output INVENTORY` (required) and `--force`: where an importer or `generate`
    writes."""

    def decorate(command: F) -> F:
        command = click.option(
            "--force", is_flag=True, help="Overwrite an inventory that already exists in INVENTORY."
        )(command)
        return click.option(
            "-o",
            "--output",
            "output",
            required=True,
            type=click.Path(path_type=Path, file_okay=False),
            metavar="INVENTORY",
            help=help_text,
        )(command)

    return decorate


import_output_options = output_options("Folder to write the inventory to.")

IMPORT_FLAGS = (
    "output", "force", "options_template", "name", "start", "periods", "strict", "currency",
    "include_lifecycle",
)  # fmt: skip


def import_options(command: F) -> F:
    """What every `import` subcommand shares — where to write, templates, portfolio
    settings, currency, lifecycle scope, strictness — handed to the command as one
    `request: ImportRequest`."""

    @functools.wraps(command)
    def with_request(*args: Any, **kwargs: Any) -> Any:
        flags = {name: kwargs.pop(name) for name in IMPORT_FLAGS}
        return command(*args, request=ImportRequest(**flags), **kwargs)

    return _decorated(  # type: ignore[no-any-return]  # click's decorators are untyped here
        with_request,
        [
            click.option(
                "--options-template",
                type=click.Path(path_type=Path, exists=True, dir_okay=False),
                help="Option templates file (default: the built-in one; see docs/importers.md).",
            ),
            click.option("--name", help="Portfolio name (default: from SOURCE)."),
            click.option(
                "--start",
                help="First period of the plan, e.g. 2027-Q1 (default: Q1 of next year).",
            ),
            click.option(
                "--periods",
                type=click.IntRange(1, 400),
                default=12,
                show_default=True,
                help="Planning horizon in periods.",
            ),
            click.option(
                "--currency",
                metavar="CODE",
                help="Portfolio currency, e.g. USD (default: what the source's amounts say, "
                "else GBP); amounts in another currency are left unset and reported.",
            ),
            click.option(
                "--include-lifecycle",
                "include_lifecycle",
                multiple=True,
                metavar="STAGE",
                help="Plan systems whose lifecycle stage (or TIME tag) is out of scope by "
                "default, e.g. experimental (repeatable; end_of_life ones may only be retired).",
            ),
            click.option(
                "--strict",
                is_flag=True,
                help="Write nothing (exit 3) if anything could not be imported.",
            ),
            click.option("-v", "--verbose", is_flag=True, help="List every system mapped."),
            output_options("Folder to write the inventory to (its overrides/*.yaml are applied)."),
        ],
    )


TABLE_FLAGS = (
    "mappings", "where", "na", "value_maps", "scale", "relations", "separator",
)  # fmt: skip


def table_options(command: F) -> F:
    """How to read table cells — columns, rows, tokens, value maps, units, header — handed
    to the command as one `reading: TableReading`."""

    @functools.wraps(command)
    def with_reading(*args: Any, **kwargs: Any) -> Any:
        flags = {name: kwargs.pop(name) for name in TABLE_FLAGS}
        header_row, no_header = kwargs.pop("header_row"), kwargs.pop("no_header")
        reading = TableReading(**flags, header_row=None if no_header else header_row)
        return command(*args, reading=reading, **kwargs)

    return _decorated(  # type: ignore[no-any-return]  # click's decorators are untyped here
        with_reading,
        [
            click.option(
                "--map",
                "mappings",
                multiple=True,
                metavar="FIELD=COLUMN",
                help="Read FIELD from COLUMN (a header or a letter; repeatable), "
                "e.g. --map id=sys_id --map lifecycle=Status.",
            ),
            click.option(
                "--where",
                multiple=True,
                metavar="COLUMN=VALUE",
                help="Import only rows where COLUMN=VALUE (or COLUMN!=VALUE); repeatable: "
                "values of one column are alternatives, columns must all match.",
            ),
            click.option(
                "--na",
                multiple=True,
                metavar="TOKEN",
                help="A cell meaning 'not known' (repeatable), besides -, n/a, TBC, TBD, ?, "
                "unknown, null.",
            ),
            click.option(
                "--value",
                "value_maps",
                multiple=True,
                metavar="FIELD:FROM=TO",
                help="Translate a value, e.g. --value lifecycle:Sunsetting=phase_out "
                "(repeatable; an empty TO means not known).",
            ),
            click.option(
                "--scale",
                multiple=True,
                metavar="COLUMN=FACTOR",
                help="Multiply a money column (or field) by FACTOR (1e6, m, k), e.g. "
                "--scale 'Cost ($M)=1e6'; units in headers like ($M) are read by themselves.",
            ),
            click.option(
                "--header-row",
                type=click.IntRange(1, 1000),
                default=1,
                show_default=True,
                help="Spreadsheet row of the header (rows above it are ignored).",
            ),
            click.option(
                "--no-header",
                is_flag=True,
                help="The table has no header row: name columns by letter (--map name=B).",
            ),
            click.option(
                "--separator",
                default=";",
                show_default=True,
                help="Separates several values in one cell (a line break always does).",
            ),
            click.option(
                "--relation",
                "relations",
                multiple=True,
                metavar="TYPE=CONSTRAINT",
                help="Constraint for a relation type (after, requires, together, none, "
                "skip), e.g. --relation 'Sends data to::Receives data from=none'.",
            ),
        ],
    )


def _decorated(command: Any, decorators: list[Callable[[Any], Any]]) -> Any:
    """`command` under `decorators`, the first listed outermost (as if written above it)."""
    for decorator in reversed(decorators):
        command = decorator(command)
    return command
