"""Atomic file output: write to a temporary file in the target folder, then rename.

A reader (or an interrupted run) therefore sees either the previous complete file or the
new complete file, never a half-written one.

Commands that write several files that belong together (roadmap.json and its reports)
write them as one *output set* (`write_output_set`): every file is first written in full to
a temporary file beside its target; only when all of them are on disk are they renamed into
place, in order, the key file (roadmap.json) last. A failure while writing — a full disk, a
quota, a permission — removes the temporary files and raises `OutputWriteError` before
anything was replaced, so the folder holds the whole previous set. Renames within one folder
need no space and do not fail for want of it; `manifest.json` records the SHA-256 of every
file of a planned set, so a reader can still tell a mixed set (see reports.manifest).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from prioritiser.errors import OutputError
from prioritiser.paths import outside


class OutputWriteError(OutputError):
    """An output could not be written; nothing of its set was replaced (exit 1)."""

    def __init__(self, path: Path, cause: OSError):
        reason = cause.strerror or str(cause) or type(cause).__name__
        super().__init__(f"cannot write {path}: {reason}; the previous outputs there are unchanged")
        self.path = path
        self.reason = reason


def _stage(target: Path, data: bytes) -> Path:
    """Write `data` in full to a temporary file beside `target`; return its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (temp file in the same folder + rename)."""
    return write_output_set(Path(path).parent, {Path(path).name: data})[0]


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 text to `path` atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_output_set(
    folder: Path, files: Mapping[str, str | bytes], order: Sequence[str] = ()
) -> list[Path]:
    """Write every file of a set into `folder`: all staged first, then renamed into place.

    `order` lists names to rename last, in that order (the key file last of all); the rest
    go first, sorted. Raises OutputWriteError, with nothing replaced, when staging fails.
    """
    folder = Path(folder)
    names = [*sorted(n for n in files if n not in order), *[n for n in order if n in files]]
    _refuse_links_out(folder, names)
    staged: dict[str, Path] = {}
    try:
        for name in names:
            content = files[name]
            data = content.encode("utf-8") if isinstance(content, str) else content
            try:
                staged[name] = _stage(folder / name, data)
            except OSError as exc:
                raise OutputWriteError(folder / name, exc) from exc
        written = []
        for name in names:
            target = folder / name
            try:
                os.replace(staged.pop(name), target)
            except OSError as exc:
                raise OutputWriteError(target, exc) from exc
            written.append(target)
    finally:
        for tmp in staged.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _sync_folder(folder)
    return written


def _refuse_links_out(folder: Path, names: Sequence[str]) -> None:
    """A file of the set in a subfolder (`inventory/systems/a.yaml`) must land in `folder`:
    an existing subfolder that is a link elsewhere (a folder someone else prepared) would
    make us write there. Refused before anything is written."""
    for name in names:
        parent = (folder / name).parent
        while parent != folder and not parent.exists():
            parent = parent.parent
        target = outside(folder, parent) if parent != folder else None
        if target is not None:
            raise OutputError(
                f"cannot write {folder / name}: {parent} links outside {folder} (to {target}); "
                "nothing was written"
            )


def _sync_folder(folder: Path) -> None:
    """Make the renames durable (a no-op where folders cannot be opened, e.g. Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


__all__ = [
    "OutputWriteError",
    "write_bytes_atomic",
    "write_output_set",
    "write_text_atomic",
]
