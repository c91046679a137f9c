"""Every expected failure of prioritiser, each carrying its DESIGN.md exit code.

The bottom layer: any stage may raise these, and the CLI catches them once, at its edge
(`prioritiser.cli.PrioritiserGroup`), to show them and exit with `exit_code`. Anything
that is not a `PrioritiserError` is a bug, reported as an internal error (exit 1) — never
as a usage error.

    PrioritiserError (1)       an expected failure that is none of the below
    ├── UsageError (2)         a bad argument or input file named on the command line
    ├── InventoryError (3)     an invalid inventory, with every problem found in one pass
    ├── Infeasible (4)         no roadmap satisfies every rule; carries the diagnosis
    ├── NoSolution (5)         no feasible roadmap found within the time limit
    ├── CheckFailed (1)        a roadmap failed the independent checker
    ├── OutputError (1)        an output cannot be written
    └── Interrupted (130)      stopped by Ctrl-C or SIGTERM

A stage that needs its own name for a failure subclasses one of these where it raises it
(`TableError` and `InventoryExistsError` are `UsageError`s, an importer's `ImportInvalid`
is an `InventoryError`), so the edge still catches one hierarchy.

An invalid input is described by `Problem` values (a message, a `Location` file:line and
a key path), collected in one pass and carried by `InventoryError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from prioritiser.wording import plural

EXIT_OK = 0
EXIT_FAILED = 1  # check found violations; internal error
EXIT_USAGE = 2
EXIT_INVALID = 3
EXIT_INFEASIBLE = 4
EXIT_NO_SOLUTION = 5
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it

# --- problems: what is wrong with an input, as values with a location ----------------------

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """Where something came from: a file and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in an inventory, as a value with a location."""

    message: str
    location: Location | None = None
    path: str = ""  # the key path inside the file: `systems[2].options[0].duration`
    severity: Severity = "error"

    def render(self) -> str:
        where = f"{self.location}: " if self.location else ""
        what = f"{self.path}: " if self.path else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}{prefix}{what}{self.message}"

    def sort_key(self) -> tuple[str, int, str, str]:
        loc = self.location or Location("", 0)
        return (loc.file, loc.line, self.path, self.message)


# --- failures -------------------------------------------------------------------------------


class PrioritiserError(Exception):
    """An expected failure: shown as `error: message`, after its `details`, one per line.

    `details` are lines that say more (a violation per line, a finding per line), already
    worded by whoever raised the error; they are shown before the message.
    """

    exit_code: ClassVar[int] = EXIT_FAILED
    label: ClassVar[str] = "error"  # the word the message is shown after

    def __init__(self, message: str, *, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = tuple(details)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt without calling __init__ (subclasses take other arguments), so that an
        # error raised in a worker process (a robustness sample) reaches the parent intact.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(
    cls: type[PrioritiserError], args: tuple[Any, ...], state: dict[str, Any]
) -> PrioritiserError:
    error = cls.__new__(cls, *args)
    error.__dict__.update(state)
    return error


class UsageError(PrioritiserError, ValueError):
    """A bad argument or input named on the command line (exit 2).

    Also a `ValueError`, so that callers which validated arguments by catching `ValueError`
    keep working; the CLI itself only ever catches it as a `PrioritiserError`.
    """

    exit_code = EXIT_USAGE


class InventoryError(PrioritiserError):
    """An inventory that cannot be used; carries every problem found in one pass (exit 3).

    Errors and warnings are kept apart, each sorted by file and line. Without problems,
    `message` says what is wrong instead; given with problems, it is said after them
    (`the overrides are not valid`), kept in `stated`.
    """

    exit_code = EXIT_INVALID

    def __init__(
        self, problems: Iterable[Problem], message: str = "", *, details: Sequence[str] = ()
    ) -> None:
        found = list(problems)
        self.problems = sorted((p for p in found if p.severity == "error"), key=Problem.sort_key)
        self.warnings = sorted((p for p in found if p.severity == "warning"), key=Problem.sort_key)
        self.stated = message
        default = f"{plural(len(self.problems), 'problem')} in the inventory"
        super().__init__(message or default, details=details)


class Infeasible(PrioritiserError):
    """No roadmap satisfies every rule (exit 4); `diagnosis` says why, when one was made."""

    exit_code = EXIT_INFEASIBLE

    def __init__(
        self, message: str, diagnosis: object = None, *, details: Sequence[str] = ()
    ) -> None:
        super().__init__(message, details=details)
        self.diagnosis = diagnosis


class NoSolution(PrioritiserError):
    """No feasible roadmap was found within the time limit (exit 5)."""

    exit_code = EXIT_NO_SOLUTION


class CheckFailed(PrioritiserError):
    """A roadmap failed the independent checker (exit 1)."""

    exit_code = EXIT_FAILED


class OutputError(PrioritiserError):
    """An output file or folder cannot be written (exit 1)."""

    exit_code = EXIT_FAILED


class Interrupted(PrioritiserError):
    """Stopped by Ctrl-C or SIGTERM before anything was written (exit 130)."""

    exit_code = EXIT_INTERRUPTED
    label = "interrupted"


__all__ = [
    "EXIT_FAILED",
    "EXIT_INFEASIBLE",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_NO_SOLUTION",
    "EXIT_OK",
    "EXIT_USAGE",
    "CheckFailed",
    "Infeasible",
    "Interrupted",
    "InventoryError",
    "Location",
    "NoSolution",
    "OutputError",
    "PrioritiserError",
    "Problem",
    "Severity",
    "UsageError",
]
