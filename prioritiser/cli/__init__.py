"""The command-line interface: a thin click layer over the use cases (`prioritiser.tasks`).

Only this package prints. A command parses its arguments, calls one task, echoes the
outcome and returns its exit code. Every failure reaches the one error path here
(`PrioritiserGroup.invoke`): a `PrioritiserError` is shown (its details, then one line)
and exits with its DESIGN.md code; anything else is a bug, shown as one "internal error"
line with a hint to rerun with --debug for the traceback (exit 1).
"""

from __future__ import annotations

import sys

import click

from prioritiser import __version__
from prioritiser.cli.check_cmd import check
from prioritiser.cli.common import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    err,
    quiet_stdout,
    show_problems,
)
from prioritiser.cli.explain_cmd import explain_command
from prioritiser.cli.generate_cmd import generate
from prioritiser.cli.graph_cmd import graph
from prioritiser.cli.import_cmds import import_group
from prioritiser.cli.inventory_cmds import init, schema, validate
from prioritiser.cli.plan_cmds import plan_command
from prioritiser.cli.report_cmd import report
from prioritiser.cli.scenario_cmds import (
    compare_command,
    frontier_command,
    replan_command,
    robustness_command,
)
from prioritiser.cli.track_cmd import track_command
from prioritiser.errors import InventoryError, PrioritiserError


class PrioritiserGroup(click.Group):
    """A click group with the one error path every command shares."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            code = super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except PrioritiserError as exc:
            show_error(exc)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # `| head` closed our stdout: every file is already written; stop quietly.
            quiet_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except KeyboardInterrupt:
            err("interrupted")
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as exc:  # the one place unexpected errors become a line
            if (ctx.obj or {}).get("debug"):
                raise
            err(
                f"internal error: {type(exc).__name__}: {exc} "
                "(rerun with --debug for the traceback)"
            )
            ctx.exit(EXIT_FAILED)
        if isinstance(code, int) and code:  # a command's own exit code (check, validate)
            ctx.exit(code)
        return None


def show_error(error: PrioritiserError) -> None:
    """An expected failure on stderr: its details, then the problems or the message."""
    for line in error.details:
        err(line)
    if isinstance(error, InventoryError) and (error.problems or error.warnings):
        show_problems([*error.problems, *error.warnings])
        if error.stated:
            err(f"{error.label}: {error.stated}")
    else:
        err(f"{error.label}: {error.message}")


@click.group(
    cls=PrioritiserGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="prioritiser")
@click.option("--debug", is_flag=True, help="Show full tracebacks for internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Plan which legacy systems to modernise, how and when — provably optimally.

    Exit codes: 0 success, 1 check failed or internal error, 2 usage error,
    3 invalid inventory, 4 infeasible (diagnosis written), 5 no roadmap within the time limit.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


for command in (
    validate,
    schema,
    init,
    graph,
    plan_command,
    check,
    explain_command,
    compare_command,
    frontier_command,
    replan_command,
    robustness_command,
    track_command,
    import_group,
    generate,
    report,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `prioritiser` console script."""
    cli.main(args=sys.argv[1:] if argv is None else argv, prog_name="prioritiser")


__all__ = ["cli", "main", "show_error"]
