"""`manifest.json`: what produced a roadmap — input hashes, versions, options, timings.

A typed, frozen `Manifest` (pydantic, like the inventory's file models), written by every
command that writes a roadmap and read back by `report`, which rebuilds the reports with
the options and scenarios recorded here. Every field has a default, so a manifest written
by an older version (or trimmed by hand) still reads; one that is not a manifest at all
fails validation, and `report` then ignores it.
"""

from __future__ import annotations

import hashlib
import json
import platform as host
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from prioritiser import __version__
from prioritiser.errors import PrioritiserError
from prioritiser.inventory import Inventory
from prioritiser.paths import outside, outside_message
from prioritiser.roadmap import Roadmap

__all__ = [
    "InputFile",
    "InventoryRecord",
    "Manifest",
    "ManifestUnreadable",
    "OutputRecord",
    "ResultRecord",
    "RunOptions",
    "SnapshotRecord",
    "SolverRecord",
    "ToolRecord",
    "read_manifest",
    "render_manifest",
]


MANIFEST = "manifest.json"


def _sha256(content: str | bytes) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class ToolRecord(_Record):
    name: str = "prioritiser"
    version: str = __version__


class InputFile(_Record):
    """An input file of the inventory, relative to its root, and the SHA-256 of its bytes."""

    path: str = ""
    sha256: str = ""


class InventoryRecord(_Record):
    name: str = ""
    root: str | None = None  # as given on the command line
    files: tuple[InputFile, ...] = ()
    scenarios: tuple[str, ...] = ()  # overlay names, in the order applied


class SolverRecord(_Record):
    name: str = ""
    version: str = ""
    seconds: float = 0.0


class RunOptions(_Record):
    """The options a roadmap was planned with (`options` in manifest.json).

    Only the options a command set are written (`plan` sets the solver options and
    scenarios; `replan` adds `command` and its own), in the order declared here. Keys
    recorded by other versions are kept as they are, so that `report` writes them back.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    command: str | None = None
    solver: str | None = None
    time_limit: float | None = None
    gap: float | None = None
    threads: int | None = None
    seed: int | None = None
    method: str | None = None  # plan --method, when not auto
    deterministic: bool | None = None  # work limits instead of wall-clock time
    scenarios: tuple[str, ...] = ()  # overlay files, as given on the command line
    previous: str | None = None  # replan: the roadmap.json replanned
    as_of: str | None = None
    stability: float | None = None  # replan: the cost of each changed decision
    strict_capacity: bool | None = None
    # The board pack: what was measured by re-solving, and the governance set on the
    # command line over portfolio.yaml's (so `report` rebuilds the same paper).
    levers: bool | None = None
    prices: bool | None = None
    samples: int | None = None
    compare: bool | None = None
    date: str | None = None
    version_label: str | None = None
    status: str | None = None
    marking: str | None = None

    def with_scenarios(self, scenarios: Sequence[str | Path]) -> RunOptions:
        """The same options with other scenario files (as `report` applied them)."""
        return self.model_copy(update={"scenarios": tuple(str(s) for s in scenarios)})


class SnapshotRecord(_Record):
    """Where the output set keeps its copy of the inputs (`prioritiser.inventory.snapshot`):
    the inventory folder, and the overlay files in the order they were applied. Their
    SHA-256 are in `outputs` with every other file of the set."""

    inventory: str | None = None
    scenarios: tuple[str, ...] = ()


class OutputRecord(_Record):
    """A file of the output set and the SHA-256 of its bytes: which files belong together."""

    file: str
    sha256: str


class ResultRecord(_Record):
    status: str = ""
    objective: float | None = None
    gap: float | None = None


class Manifest(_Record):
    tool: ToolRecord = ToolRecord()
    python: str = ""
    platform: str = ""
    inventory: InventoryRecord = InventoryRecord()
    solver: SolverRecord = SolverRecord()
    options: RunOptions = RunOptions()
    result: ResultRecord = ResultRecord()
    snapshot: SnapshotRecord = SnapshotRecord()  # none in manifests of older versions
    # The other files of the output set, each with its SHA-256 (bare names: older versions).
    outputs: tuple[OutputRecord | str, ...] = ()

    @classmethod
    def of_run(
        cls,
        inventory: Inventory,
        roadmap: Roadmap,
        options: RunOptions,
        outputs: Mapping[str, str | bytes],
        snapshot: SnapshotRecord | None = None,
    ) -> Manifest:
        """The manifest of `roadmap`, planned from `inventory` with `options`."""
        return cls(
            python=sys.version.split()[0],
            platform=host.platform(),
            inventory=InventoryRecord(
                name=inventory.portfolio.name,
                root=inventory.root,
                files=tuple(InputFile(path=s.path, sha256=s.sha256) for s in inventory.sources),
                scenarios=tuple(inventory.scenarios),
            ),
            solver=SolverRecord(
                name=roadmap.solver.name,
                version=roadmap.solver.version,
                seconds=roadmap.solver.seconds,
            ),
            options=options,
            result=ResultRecord(
                status=roadmap.status, objective=roadmap.objective, gap=roadmap.gap
            ),
            snapshot=snapshot or SnapshotRecord(),
            outputs=tuple(
                OutputRecord(file=name, sha256=_sha256(content))
                for name, content in sorted(outputs.items())
                if name != MANIFEST
            ),
        )

    def output_hashes(self) -> dict[str, str]:
        """The SHA-256 of every file of the set this manifest records, by name."""
        return {e.file: e.sha256 for e in self.outputs if isinstance(e, OutputRecord)}

    def mixed_outputs(self, folder: Path) -> list[str]:
        """Files of the set this manifest records that are missing or hold other content:
        an output set interrupted mid-way, or files copied in from another run."""
        mixed = []
        for entry in self.outputs:
            if isinstance(entry, str):
                continue  # an older manifest: names only
            try:
                digest = hashlib.sha256((folder / entry.file).read_bytes()).hexdigest()
            except OSError:
                digest = None
            if digest != entry.sha256:
                mixed.append(entry.file)
        return mixed

    def to_json(self) -> str:
        """The manifest as JSON text (ASCII, two-space indent, keys in the declared order)."""
        data = self.model_dump(mode="json")
        data["options"] = self.options.model_dump(mode="json", exclude_unset=True)
        return json.dumps(data, indent=2, sort_keys=False) + "\n"


def render_manifest(
    inventory: Inventory,
    roadmap: Roadmap,
    options: RunOptions,
    outputs: Mapping[str, str | bytes],
    snapshot: SnapshotRecord | None = None,
) -> str:
    """The manifest as JSON text. Timings live here (and in solver.seconds) only.

    `outputs` are the other files of the set; each is listed with its SHA-256."""
    return Manifest.of_run(inventory, roadmap, options, outputs, snapshot).to_json()


class ManifestUnreadable(PrioritiserError):
    """manifest.json exists but cannot be read as a manifest; `reason` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def read_manifest(folder: Path, name: str = MANIFEST) -> Manifest:
    """manifest.json of a roadmap folder (or the manifest `name` of another output set); an
    empty `Manifest` when there is none.

    Raises `ManifestUnreadable` when the file exists but is not a readable manifest.
    """
    path = folder / name
    target = outside(folder, path) if path.exists() else None
    if target is not None:
        raise ManifestUnreadable(path, outside_message(target, str(folder)))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Manifest()
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ManifestUnreadable(path, str(exc)) from exc
    if not isinstance(data, dict):
        return Manifest()  # JSON, but records nothing
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise ManifestUnreadable(path, _first_error(exc)) from exc


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}"
