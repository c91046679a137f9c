"""A dask.distributed scheduler given by `--dask-scheduler ADDR`: checked and connected in
one place, so the decomposition's subproblems (`decompose.workers`) and robustness's
samples (`scenarios.robustness`) fail the same way with the same words.

- the `distributed` extra not installed: `DaskUnavailable`, a UsageError (exit 2);
- an address that is not one (`localhost:8786`): a UsageError (exit 2);
- nothing answering there, or the client failing to connect: `DaskUnreachable` (exit 1).
"""

from __future__ import annotations

import importlib.util
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prioritiser.errors import PrioritiserError, UsageError

_SCHEDULER = re.compile(
    r"^(?P<scheme>tcp|tls|ws|wss)://(?P<host>\[[^\]]+\]|[^:/\s]+):(?P<port>\d{1,5})$"
)
PROBE_SECONDS = 5.0
CONNECT_TIMEOUT = "20s"  # the client's own wait once the probe found something listening
INSTALL = "pip install 'prioritiser[distributed]'"


class DaskUnavailable(UsageError):
    """`--dask-scheduler` was given but dask.distributed is not installed (exit 2)."""


class DaskUnreachable(PrioritiserError):
    """The Dask scheduler address is well formed but cannot be used: nothing answers there,
    or the client could not connect."""


def require_distributed() -> None:
    """DaskUnavailable unless dask.distributed can be imported (checked without importing
    it: it takes a second, and most runs never need it)."""
    try:
        found = importlib.util.find_spec("distributed") is not None
    except (ImportError, ValueError):  # `sys.modules["distributed"] = None` and the like
        found = False
    if not found:
        raise DaskUnavailable(f"--dask-scheduler needs the `distributed` extra: {INSTALL}")


def check_scheduler(address: str, timeout: float = PROBE_SECONDS) -> None:
    """Fail fast on `--dask-scheduler ADDR`: the extra missing or the address malformed is
    a UsageError, no answer within `timeout` seconds is DaskUnreachable. Without this, a
    typo meant a wait of 20–40 s and then a traceback from deep inside distributed."""
    require_distributed()
    if address.startswith("inproc://"):
        return  # a scheduler in this very process (tests, notebooks): nothing to probe
    match = _SCHEDULER.match(address.strip())
    if match is None or not 0 < int(match["port"]) < 65536:
        raise UsageError(
            f"--dask-scheduler {address!r} is not a scheduler address like tcp://host:8786"
        )
    host = match["host"].strip("[]")
    try:
        with socket.create_connection((host, int(match["port"])), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise _unreachable(address, f"nothing answers there ({reason})") from exc


def connect(address: str) -> Any:
    """A `distributed.Client` on the scheduler at `address`, after `check_scheduler`; the
    caller closes it. (Typed Any: distributed is an optional extra.)"""
    check_scheduler(address)
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - find_spec found it but it does not import
        raise DaskUnavailable(f"--dask-scheduler needs the `distributed` extra: {INSTALL}") from exc
    with talking_to(address):
        return Client(address, set_as_default=False, timeout=CONNECT_TIMEOUT)


@contextmanager
def talking_to(address: str) -> Iterator[None]:
    """A scheduler lost while connecting or during the work (distributed raises OSError
    subclasses and TimeoutError) as one DaskUnreachable line, not a traceback."""
    try:
        yield
    except (OSError, TimeoutError) as exc:
        raise _unreachable(address, str(exc) or type(exc).__name__) from exc


def _unreachable(address: str, reason: str) -> DaskUnreachable:
    return DaskUnreachable(f"cannot use the Dask scheduler {address}: {reason}")
