"""A byte-for-byte copy of the inventory files a roadmap was planned from, for its output set.

`prioritiser report ROADMAP_DIR` rebuilds the reports from the roadmap folder alone
(DESIGN.md), yet a roadmap folder may come from anyone: its manifest must not make us read
files outside it. So every command that writes a roadmap folder (`plan`, `replan`,
`report`) also writes the files it read into it:

    OUTDIR/inventory/portfolio.yaml, platforms.yaml, systems/…   the inventory's own files
    OUTDIR/scenarios/<file>.yaml                                   each overlay applied, in order

manifest.json records their SHA-256 with the rest of the output set, and names them in its
`snapshot` section; `report` reads them from there (checking every hash) unless it is given
`--inventory`. The copy is of the files as they were when loaded: each is read again and
its hash compared with the one taken at load time, so a file edited during a run cannot
slip into the copy (`InputChanged`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from prioritiser.errors import PrioritiserError, UsageError
from prioritiser.inventory.estate import Inventory

INVENTORY = "inventory"
SCENARIOS = "scenarios"


class InputChanged(PrioritiserError):
    """An input file changed (or vanished) between loading it and copying it (exit 1)."""


@dataclass(frozen=True)
class Snapshot:
    """The files of the copy, by their name in the output set, and what each copies."""

    files: dict[str, bytes] = field(default_factory=dict)
    scenarios: tuple[str, ...] = ()  # names in `files` of the overlays, in the order applied
    origins: dict[str, Path] = field(default_factory=dict)

    def check_target(self, outdir: Path) -> None:
        """Refuse an output folder inside the inventory's systems/ folder: the copy's YAML
        would be read back as more systems by the next load (nothing is written)."""
        portfolio = self.origins.get(f"{INVENTORY}/portfolio.yaml")
        if portfolio is None:
            return
        systems = portfolio.parent / "systems"
        if outdir.resolve().is_relative_to(systems.resolve()):
            raise UsageError(
                f"output folder {outdir} is inside the inventory's {systems}: the copy of the "
                "inventory written there would be read as more systems; choose another -o"
            )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def take_snapshot(inventory: Inventory) -> Snapshot:
    """Copy every file `inventory` was loaded from (none for an inventory built in memory)."""
    files: dict[str, bytes] = {}
    origins: dict[str, Path] = {}
    scenarios: list[str] = []
    for source in inventory.sources:
        if not source.origin:
            continue
        origin = Path(source.origin)
        if source.scenario:
            name = _unique(f"{SCENARIOS}/{origin.name}", files)
            scenarios.append(name)
        else:
            name = f"{INVENTORY}/{_inside_name(source.path, origin)}"
        files[name] = _read(origin, source.sha256)
        origins[name] = origin
    return Snapshot(files, tuple(scenarios), origins)


def _inside_name(path: str, origin: Path) -> str:
    """The file's place in the copy: its path in the inventory, which `load` always knows
    for the inventory's own files (it refuses links out); the bare name otherwise."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        return origin.name
    return pure.as_posix()


def _unique(name: str, taken: dict[str, bytes]) -> str:
    """`scenarios/cut.yaml`, or `scenarios/cut-2.yaml` when two overlays share a name."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        stem = PurePosixPath(name)
        candidate = str(stem.with_name(f"{stem.stem}-{n}{stem.suffix}"))
    return candidate


def _read(origin: Path, expected: str) -> bytes:
    try:
        data = origin.read_bytes()
    except OSError as exc:
        raise InputChanged(
            f"cannot copy {origin} into the output set ({exc.strerror or exc}): it was "
            "read when the command started; run it again"
        ) from exc
    if sha256(data) != expected:
        raise InputChanged(
            f"{origin} changed while the command ran; nothing was written: run it again"
        )
    return data


__all__ = ["INVENTORY", "SCENARIOS", "InputChanged", "Snapshot", "sha256", "take_snapshot"]
