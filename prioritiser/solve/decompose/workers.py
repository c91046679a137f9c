"""Where the neighbourhood subproblems run: in this process, a local process pool, or a
Dask cluster — with results always handed back in the order the tasks were given.

The same tasks, merged in the same order, give the same roadmap whatever runs them; the
number of workers changes only how long a round takes. Large read-only data (the model)
is sent to each worker once per solve (`share`), not with every task.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import suppress
from typing import Any, Protocol, TypeVar

from prioritiser.solve.cluster import connect

T = TypeVar("T")
R = TypeVar("R")


class Pending(Protocol[R]):
    def results(self, timeout: float | None = None) -> list[R | None]:
        """Wait for every task, or `timeout` seconds at most; their results in the order the
        tasks were given (None for a task not finished in time)."""


class Workers(Protocol):
    """Runs `function(shared, task)` for many tasks; `shared` is sent once per solve.
    `count`: how many tasks run at once."""

    count: int

    def submit(self, function: Callable[[Any, T], R], tasks: Sequence[T]) -> Pending[R]: ...

    def close(self) -> None: ...


class InProcess:
    """Tasks run here, one after another, when `results` is asked for (so that the caller's
    own work in between runs first, as it would beside a pool)."""

    def __init__(self, shared: Any):
        self.shared = shared
        self.count = 1

    def submit(self, function: Callable[[Any, T], R], tasks: Sequence[T]) -> Pending[R]:
        shared = self.shared

        class _Later:
            def results(self, timeout: float | None = None) -> list[R | None]:
                # Each task has its own time limit (a safety net): they run to it here.
                return [function(shared, task) for task in tasks]

        return _Later()

    def close(self) -> None:
        return None


_SHARED: Any = None


def _install(shared: Any) -> None:
    global _SHARED
    _SHARED = shared


def _call(function: Callable[[Any, T], R], task: T) -> R:
    return function(_SHARED, task)


class _Futures:
    def __init__(self, futures: list[Future[Any]]):
        self.futures = futures

    def results(self, timeout: float | None = None) -> list[Any]:
        try:
            wait(self.futures, timeout=timeout)
            return [f.result() if f.done() else None for f in self.futures]
        finally:
            for future in self.futures:
                future.cancel()


class ProcessPool:
    """A local pool of `count` processes, each given the shared data when it starts."""

    def __init__(self, shared: Any, count: int):
        import multiprocessing

        # "spawn": this process holds solver threads, which fork would copy half-alive.
        context = multiprocessing.get_context("spawn")
        self.count = count
        self.futures: list[Future[Any]] = []
        self.pool = ProcessPoolExecutor(
            max_workers=count, mp_context=context, initializer=_install, initargs=(shared,)
        )

    def submit(self, function: Callable[[Any, T], R], tasks: Sequence[T]) -> Pending[R]:
        self.futures = [self.pool.submit(_call, function, task) for task in tasks]
        return _Futures(self.futures)

    def close(self) -> None:
        # A task past its time (HiGHS does not look at its clock everywhere) would hold
        # `shutdown` and the interpreter's exit until it ends: its process is stopped.
        # `_processes` is private; Python 3.14's `terminate_workers` is the public way.
        if any(not future.done() for future in self.futures):
            for process in list(getattr(self.pool, "_processes", {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """The workers of a dask.distributed scheduler; the shared data is scattered to every
    worker once."""

    def __init__(self, shared: Any, address: str):
        self.client = connect(address)
        self.shared = self.client.scatter(shared, broadcast=True)
        self.count = max(1, sum(self.client.nthreads().values()))

    def submit(self, function: Callable[[Any, T], R], tasks: Sequence[T]) -> Pending[R]:
        futures = [self.client.submit(function, self.shared, task, pure=False) for task in tasks]
        client = self.client

        class _Gathered:
            def results(self, timeout: float | None = None) -> list[R | None]:
                until = None if timeout is None else time.monotonic() + timeout
                out: list[R | None] = []
                try:
                    for future in futures:
                        left = None if until is None else max(0.0, until - time.monotonic())
                        answer = None
                        # Unfinished in time: no answer (cancelled below).
                        with suppress(TimeoutError):
                            answer = future.result(timeout=left)
                        out.append(answer)
                    return out
                finally:
                    client.cancel(futures)

        return _Gathered()

    def close(self) -> None:
        self.client.close()


def workers_for(shared: Any, count: int | None, address: str | None) -> Workers:
    """Dask when a scheduler is given, a process pool for more than one worker, else this
    process."""
    if address:
        return DaskCluster(shared, address)
    if (count or 1) > 1:
        return ProcessPool(shared, int(count or 1))
    return InProcess(shared)
