"""Read a Backstage catalog: entity files, the Location files that register them, and a lint.

A catalog is registered through Location entities (`kind: Location`, `spec.target` or
`spec.targets`); their relative file targets are followed, globs included. A target is
never fetched from a URL and never read from outside the catalog root (the SOURCE
folder, or the folder of the SOURCE file), whether it is written so (`../x.yaml`, an
absolute path) or reaches there through a symlink; a catalog file in the folder that links
outside is not read either (`prioritiser.paths`, the one check every reader uses). Every
file is read once, however many Locations name it, and alias expansion has one budget for
every document of every file read (`AliasBudget`): many small documents cannot each spend
the allowance.

The lint reports keys Backstage does not know in the sections we read (`metadata`, `spec`
of the well-known kinds, the top level) with a did-you-mean, and says where a misplaced
key belongs (`metadata.dependsOn` → `spec.dependsOn`). Field names follow the Backstage
descriptor format (backstage.io/docs/features/software-catalog/descriptor-format).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from prioritiser.inventory.importers.common import ImportResult
from prioritiser.inventory.importers.yamldocs import load_yaml_documents
from prioritiser.inventory.messages import did_you_mean
from prioritiser.inventory.problems import Location, display_path
from prioritiser.inventory.schema import Dependency
from prioritiser.inventory.yamlsafe import AliasBudget, LoadedYaml
from prioritiser.paths import lexically_inside, outside, outside_message

DEFAULT_NAMESPACE = "default"
ANNOTATION = "prioritiser/"
ANNOTATIONS = (
    "annual-run-cost", "criticality", "department", "end-of-support", "must-modernise-by",
    "earliest-start", "technology", "legacy-risk", "lifecycle", "time", "owner",
)  # fmt: skip
TOP_KEYS = ("apiVersion", "kind", "metadata", "spec", "relations", "status")
METADATA_KEYS = (
    "name", "namespace", "title", "description", "labels", "annotations", "tags", "links",
    "uid", "etag", "generation",
)  # fmt: skip
SPEC_KEYS: dict[str, tuple[str, ...]] = {
    "component": (
        "type", "lifecycle", "owner", "system", "subcomponentOf", "providesApis",
        "consumesApis", "dependsOn", "dependencyOf",
    ),
    "resource": ("type", "owner", "system", "dependsOn", "dependencyOf"),
    "system": ("owner", "domain", "type"),
    "domain": ("owner", "subdomainOf", "type"),
    "api": ("type", "lifecycle", "owner", "system", "definition"),
    "group": ("type", "profile", "parent", "children", "members"),
    "user": ("profile", "memberOf"),
    "location": ("type", "target", "targets", "presence"),
}  # fmt: skip
_ALL_SPEC = sorted({k for keys in SPEC_KEYS.values() for k in keys})
_URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass
class Entity:
    """One catalog entity and the document it came from."""

    kind: str
    namespace: str
    name: str
    doc: LoadedYaml
    index: int  # position in the catalog (files in order, documents in order)
    system_id: str = ""
    depends_on: list[Dependency] = field(default_factory=list)

    @property
    def data(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.doc.data)  # `_entity` makes entities of mappings only

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def metadata(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.data["metadata"])  # `_entity` checked it is one

    @property
    def annotations(self) -> dict[str, Any]:
        annotations = self.metadata.get("annotations")
        return annotations if isinstance(annotations, dict) else {}

    @property
    def kind_key(self) -> str:
        return self.kind.lower()

    @property
    def type(self) -> str:
        return text(self.spec.get("type")).lower()

    @property
    def ref(self) -> str:
        return f"{self.kind_key}:{self.namespace}/{self.name}"

    def location(self, *path: str | int) -> Location:
        return self.doc.location(tuple(path))


def text(value: object) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def catalog_root(source: Path) -> Path:
    """The folder nothing may be read from outside of."""
    return (source if source.is_dir() else source.parent).resolve()


def catalog_files(source: Path) -> list[Path]:
    """SOURCE itself, or every *.yaml / *.yml file under it (hidden folders skipped), sorted."""
    if source.is_file():
        return [source]
    return sorted(
        p
        for p in source.rglob("*")
        if p.suffix in (".yaml", ".yml")
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(source).parts)
    )


def read_entities(source: Path, result: ImportResult) -> list[Entity]:
    """Every entity of the catalog, following Location targets; duplicates reported."""
    reader = _Reader(source, result)
    for path in catalog_files(source):
        # SOURCE itself was named by the user; what a folder holds was not.
        target = outside(reader.root, path) if source.is_dir() else None
        if target is not None:
            where = Location(display_path(path), 1)
            result.skip(f"not read: {outside_message(target, 'the catalog folder')}", where)
            continue
        reader.queue(path)
    reader.run()
    if reader.ignored:
        result.context["non-entity documents"] = reader.ignored
    return reader.entities


class _Reader:
    def __init__(self, source: Path, result: ImportResult):
        self.root = catalog_root(source)
        self.given = source if source.is_dir() else source.parent  # the root as written
        self.result = result
        self.entities: list[Entity] = []
        self.first: dict[tuple[str, str, str], Entity] = {}
        self.pending: list[Path] = []
        self.seen: set[Path] = set()
        self.ignored = 0
        self.budget = AliasBudget()  # one alias-expansion budget for every file and document

    def queue(self, path: Path) -> None:
        resolved = path.resolve()
        if resolved not in self.seen:
            self.seen.add(resolved)
            self.pending.append(path)

    def run(self) -> None:
        while self.pending:
            self.read(self.pending.pop(0))

    def read(self, path: Path) -> None:
        documents, problems = load_yaml_documents(path, display_path(path), self.budget)
        for problem in problems:
            self.result.skip(f"not read: {problem.message}", problem.location)
        for doc in documents:
            entity = _entity(doc, len(self.entities), self.result)
            if entity is None:
                self.ignored += 1
                continue
            lint(entity, self.result)
            key = (entity.kind_key, entity.namespace, entity.name.lower())
            if key in self.first:
                self.result.skip(
                    f"duplicate entity {entity.ref} (first defined at "
                    f"{self.first[key].location()}); skipped",
                    entity.location("metadata", "name"),
                )
                continue
            self.first[key] = entity
            self.entities.append(entity)
            if entity.kind_key == "location":
                self.follow(entity, path)

    def follow(self, location: Entity, path: Path) -> None:
        """Queue the files a Location names: relative paths and globs inside the root."""
        spec = location.spec
        targets: list[tuple[str | tuple[str, int], Any]] = []
        if spec.get("target") is not None:
            targets.append(("target", spec.get("target")))
        listed = spec.get("targets")
        if isinstance(listed, list):
            targets += [(("targets", i), t) for i, t in enumerate(listed)]
        optional = text(spec.get("presence")).lower() == "optional"
        for where, target in targets:
            at = location.location("spec", *(where if isinstance(where, tuple) else (where,)))
            value = text(target)
            if not value:
                continue
            # A relative target is a file next to the Location whatever its type (a `url`
            # Location's relative targets resolve against its own place); a URL never is.
            if _URL.match(value) and not _is_windows_path(value):
                self.result.skip(
                    f"{location.ref}: target '{value}' is a URL; targets are never fetched: "
                    "import a local copy of that catalog",
                    at,
                )
                continue
            self.target(location, path, value, at, optional)

    def target(
        self, location: Entity, path: Path, value: str, at: Location, optional: bool
    ) -> None:
        base = path.parent
        pattern = value
        if any(ch in pattern for ch in "*?["):
            matches = sorted(base.glob(pattern)) if not Path(pattern).is_absolute() else []
        else:
            matches = [base / pattern]
        if Path(pattern).is_absolute():
            matches = [Path(pattern)]
        found = False
        for match in matches:
            leads_to = outside(self.root, match)
            if leads_to is not None:
                if lexically_inside(self.given, match):  # written inside, a symlink leads out
                    why = outside_message(leads_to, "the catalog folder")
                else:
                    why = f"is outside the catalog root {display_path(self.root)}"
                self.result.skip(f"{location.ref}: target '{value}' {why}; not read", at)
                return
            if match.resolve().is_file():
                found = True
                self.queue(match)
        if not found and not optional:
            self.result.skip(f"{location.ref}: target '{value}' matches no file; skipped", at)


def _is_windows_path(value: str) -> bool:
    return bool(re.match(r"^[A-Za-z]:[\\/]", value))


def _entity(doc: LoadedYaml, index: int, result: ImportResult) -> Entity | None:
    data = doc.data
    if not isinstance(data, dict) or "kind" not in data:
        return None
    metadata = data.get("metadata")
    kind = data.get("kind")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(kind, str) or not isinstance(name, str) or not name.strip():
        result.skip("entity without a text `kind` and `metadata.name`; skipped", doc.location(()))
        return None
    namespace = (
        metadata.get("namespace") if isinstance(metadata, dict) else None
    ) or DEFAULT_NAMESPACE
    return Entity(kind.strip(), str(namespace).strip().lower(), name.strip(), doc, index)


# --- lint -----------------------------------------------------------------------------------


def lint(entity: Entity, result: ImportResult) -> None:
    """Unknown or misplaced keys, each with where it belongs or what it may mean."""
    sections: list[tuple[tuple[str, ...], dict[str, Any], tuple[str, ...]]] = [
        ((), entity.data, TOP_KEYS),
        (("metadata",), entity.metadata, METADATA_KEYS),
    ]
    if entity.kind_key in SPEC_KEYS:
        sections.append((("spec",), entity.spec, SPEC_KEYS[entity.kind_key]))
    for path, mapping, known in sections:
        for key in mapping:
            if not isinstance(key, str) or key in known:
                continue
            result.skip(
                f"{entity.ref}: {'.'.join((*path, key))} is not a Backstage key"
                f"{_belongs(key, path, entity)}; ignored",
                entity.location(*path, key),
                group="a key Backstage does not know; ignored",
            )
    for key in entity.annotations:
        if isinstance(key, str) and key.startswith(ANNOTATION):
            suffix = key[len(ANNOTATION) :]
            if suffix not in ANNOTATIONS:
                hint = did_you_mean(suffix, ANNOTATIONS).replace("'", f"'{ANNOTATION}", 1)
                result.skip(
                    f"{entity.ref}: unknown annotation {key}{hint}; ignored",
                    entity.location("metadata", "annotations", key),
                )


def _belongs(key: str, path: tuple[str, ...], entity: Entity) -> str:
    """` (it belongs under spec)`, or a did-you-mean among the section's keys."""
    spec_keys = SPEC_KEYS.get(entity.kind_key, tuple(_ALL_SPEC))
    homes = [
        ("spec", spec_keys),
        ("metadata", METADATA_KEYS),
        ("the top level", TOP_KEYS),
    ]
    here = ".".join(path) or "the top level"
    for home, keys in homes:
        if home != here and key in keys:
            return (
                f" here: it belongs under {home}"
                if home != "the top level"
                else (" here: it belongs at the top level")
            )
    for home, keys in homes:
        if home == here:
            hint = did_you_mean(key, keys)
            if hint:
                return hint
    for home, keys in homes:
        hint = did_you_mean(key, keys)
        if hint:
            return f"{hint[:-2]} under {home}?)"
    return ""
