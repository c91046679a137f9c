"""The terminal side of a running task: progress, warnings, a clean stop on Ctrl-C.

`TerminalListener` is the `prioritiser.tasks.Listener` every command passes to its task;
it is the only place (with the commands' own echo lines) where a run talks to the user.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Literal

import click

from prioritiser.cli.common import echo_lines, err
from prioritiser.cli.echo import headline, import_report
from prioritiser.diagnose import Diagnosis
from prioritiser.explain import diagnosis_text
from prioritiser.inventory import Problem
from prioritiser.roadmap import Roadmap
from prioritiser.solve import PlanOptions, Progress, ProgressFn
from prioritiser.tasks import ImportListener, PreparedImport
from prioritiser.tasks.listener import Advance
from prioritiser.wording import money


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
            signal.signal(sig, handler)  # type: ignore[arg-type]  # what signal() returned

    def _handle(self, signum: int, frame: FrameType | None) -> None:
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
        if event.incumbent is not None and event.bound is not None:
            gap = max(0.0, event.bound - event.incumbent) / max(abs(event.incumbent), 1.0)
            parts.append(f"gap {100 * gap:.2f} %")
        text = " · ".join(parts)
        if self.tty:
            click.echo(f"\r{text:<90}", err=True, nl=False)
            self.shown = True
        else:
            err(text)

    def close(self) -> None:
        if self.shown:
            click.echo("\r" + " " * 90 + "\r", err=True, nl=False)


@dataclass
class TerminalListener(ImportListener):
    """Prints what a task reports: status lines and warnings on stderr, progress on stderr.

    `progress`: show solver progress always, only on a terminal (not in pipes and scripts),
    or never. `interruptible`: the first Ctrl-C during a solve stops it cleanly. The
    diagnosis of an infeasible inventory goes to stdout (it is the command's answer), or to
    stderr where stdout is kept for another answer (`explain`).
    """

    progress: Literal["always", "tty", "never"] = "always"
    interruptible: bool = False
    diagnosis_to: Literal["stdout", "stderr"] = "stdout"
    verbose: bool = False  # imports: list every system mapped

    def info(self, text: str) -> None:
        err(text)

    def watched(self) -> bool:
        return sys.stderr.isatty()

    def warning(self, text: str) -> None:
        err(f"warning: {text}")

    def note(self, text: str) -> None:
        err(f"note: {text}")

    def problem(self, problem: Problem) -> None:
        err(problem.render())

    def planned(self, name: str, roadmap: Roadmap, currency: str) -> None:
        err(f"  {name}: {headline(roadmap, currency)}")

    def diagnosis(self, diagnosis: Diagnosis) -> None:
        if self.diagnosis_to == "stdout":
            click.echo(diagnosis_text(diagnosis), nl=False)
        else:
            err(diagnosis_text(diagnosis))

    def imported(self, prepared: PreparedImport) -> None:
        echo_lines(import_report(prepared, self.verbose))

    @contextmanager
    def solving(self, currency: str, options: PlanOptions) -> Iterator[ProgressFn | None]:
        line = ProgressLine(currency)
        shown = self.progress == "always" or (self.progress == "tty" and line.tty)
        if not self.interruptible:
            try:
                yield line if shown else None
            finally:
                line.close()
            return
        with Interruptible(options) as guard:

            def report(event: Progress) -> None:
                guard.on_progress(event)
                if shown:
                    line(event)

            try:
                yield report
            finally:
                line.close()

    @contextmanager
    def sweep(self, total: int, label: str) -> Iterator[Advance]:
        with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
            yield lambda: bar.update(1)
