"""How a task tells its caller what is happening while it runs.

Tasks never print. They call the hooks of a `Listener`, which do nothing by default; the
CLI passes a listener that prints to the terminal (`prioritiser.cli.terminal`), a test
may pass one that records. Every hook has a default, so a caller implements only those
it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prioritiser.diagnose import Diagnosis
from prioritiser.inventory import Problem
from prioritiser.roadmap import Roadmap
from prioritiser.solve import PlanOptions, Progress, ProgressFn

Advance = Callable[[], None]


class Listener:
    """Hooks a task calls while it runs; each does nothing unless overridden."""

    def info(self, text: str) -> None:
        """A status line: what the task is doing now."""

    def watched(self) -> bool:
        """Whether a person watches the task (a terminal): progress that only says how far a
        long step has got is shown then, and left out of pipes and scripts."""
        return False

    def warning(self, text: str) -> None:
        """Something the user should know that does not stop the task."""

    def note(self, text: str) -> None:
        """A remark about the input (how a file was read)."""

    def problem(self, problem: Problem) -> None:
        """A warning about the inventory, with its location."""

    def planned(self, name: str, roadmap: Roadmap, currency: str) -> None:
        """One of several plans (the baseline, a scenario) is done."""

    def diagnosis(self, diagnosis: Diagnosis) -> None:
        """No roadmap exists; this is why (called before `Infeasible` is raised)."""

    @contextmanager
    def solving(self, currency: str, options: PlanOptions) -> Iterator[ProgressFn | None]:
        """Around one solve: yields the progress callback to pass to the solver.

        A listener may also set `options.stop` to let the user stop the solver cleanly.
        """
        yield None

    @contextmanager
    def sweep(self, total: int, label: str) -> Iterator[Advance]:
        """Around `total` steps of one kind (frontier steps, samples): yields `advance()`."""
        yield _nothing


def _nothing() -> None:
    return None


SILENT = Listener()

__all__ = ["SILENT", "Advance", "Listener", "Progress"]
