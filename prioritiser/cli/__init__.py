"""The command-line interface: a thin click layer over the pipeline stages.

Only this package prints. Every command shares one error path (`main`): expected failures
are one line and a DESIGN.md exit code; anything unexpected is an "internal error" line
with a hint to rerun with --debug for the traceback.
"""

from __future__ import annotations

import sys

import click

from prioritiser import __version__
from prioritiser.cli.common import (
    EXIT_FAILED,
    EXIT_INVALID,
    UserError,
    err,
    show_problems,
)
from prioritiser.cli.inventory_cmds import init, schema, validate
from prioritiser.inventory import InventoryError


class PrioritiserGroup(click.Group):
    """A click group with the one error path every command shares."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except UserError as exc:
            err(f"error: {exc}")
            ctx.exit(exc.code)
        except InventoryError as exc:
            show_problems([*exc.problems, *exc.warnings])
            ctx.exit(EXIT_INVALID)
        except KeyboardInterrupt:
            err("interrupted")
            ctx.exit(130)
        except Exception as exc:  # the one place unexpected errors become a line
            if (ctx.obj or {}).get("debug"):
                raise
            err(
                f"internal error: {type(exc).__name__}: {exc} "
                "(rerun with --debug for the traceback)"
            )
            ctx.exit(EXIT_FAILED)
        return None


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


for command in (validate, schema, init):
    cli.add_command(command)


def _register_optional() -> None:
    """Attach the commands of later stages (each module adds its own)."""
    import importlib

    for module in (
        "prioritiser.cli.graph_cmd",
        "prioritiser.cli.plan_cmds",
        "prioritiser.cli.check_cmd",
        "prioritiser.cli.explain_cmd",
        "prioritiser.cli.scenario_cmds",
        "prioritiser.cli.import_cmds",
        "prioritiser.cli.generate_cmd",
        "prioritiser.cli.report_cmd",
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        for command in getattr(mod, "COMMANDS", ()):
            cli.add_command(command)


_register_optional()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `prioritiser` console script."""
    cli.main(args=sys.argv[1:] if argv is None else argv, prog_name="prioritiser")


__all__ = ["cli", "main"]
