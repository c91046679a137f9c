"""Moved to `prioritiser.diagnose`; these names stay here for callers written before the move
(to be removed once every caller imports the new place)."""

from typing import Any

_MOVED = {"Diagnosis", "Relaxation", "diagnose"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        import prioritiser.diagnose

        return getattr(prioritiser.diagnose, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
