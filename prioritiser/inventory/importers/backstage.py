"""Import a Backstage software catalog (catalog-info.yaml files) as inventory systems.

Mapping (documented in docs/importers.md):
- `Component` and `Resource` entities become systems; `Group`, `System`, `Domain`, `API`,
  `User` and other kinds are read for context only.
- id = slug of `metadata.name` (entities outside the `default` namespace whose name is
  already taken get `<namespace>-<name>`); name = `metadata.title` or `metadata.name`;
  description = `metadata.description`.
- department = annotation `prioritiser/department`, else the name in `spec.owner`
  (`group:default/dwp-benefits` → `dwp-benefits`), else the owner of the entity's
  `spec.system`, else `Unassigned`.
- annotations `prioritiser/annual-run-cost`, `prioritiser/criticality`,
  `prioritiser/end-of-support`, `prioritiser/must-modernise-by`,
  `prioritiser/earliest-start`, `prioritiser/technology` and `prioritiser/legacy-risk`
  (`security=5, skills=4`) set the fields of the same name; without a technology
  annotation, `metadata.tags` are used as the technology (so a `cobol` tag selects the
  mainframe option templates).
- `spec.lifecycle: deprecated` raises legacy risk (security and supportability at least 4).
- `spec.dependsOn` (A depends on B) and `spec.dependencyOf` (B depends on A) become
  `depends_on` with `constraint: after` and `kind` = the target entity's kind; an API
  consumed (`spec.consumesApis`) from a component that provides it (`spec.providesApis`)
  becomes an informational `constraint: none` dependency of kind `api`.
- Entity references `[kind:][namespace/]name` are resolved case-insensitively; a missing
  namespace means the referring entity's namespace, a missing kind prefers Components and
  Resources. A reference that cannot be resolved (or names an entity that is not a system)
  is reported with its file:line, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from prioritiser.inventory.importers.common import (
    ImportResult,
    Mapped,
    parse_criticality,
    parse_money,
    parse_period_text,
    slugify,
    unique_id,
)
from prioritiser.inventory.importers.yamldocs import load_yaml_documents
from prioritiser.inventory.problems import Location, display_path
from prioritiser.inventory.schema import Dependency, LegacyRisk, System
from prioritiser.inventory.yamlsafe import AliasBudget, LoadedYaml, Path_
from prioritiser.paths import outside, outside_message

SYSTEM_KINDS = ("component", "resource")
DEFAULT_NAMESPACE = "default"
ANNOTATION = "prioritiser/"
RISK_DIMENSIONS = tuple(LegacyRisk.model_fields)
DEPRECATED_RISK = {"security": 4, "supportability": 4}


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
        return self.doc.data

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def metadata(self) -> dict[str, Any]:
        return self.data["metadata"]

    @property
    def kind_key(self) -> str:
        return self.kind.lower()

    @property
    def ref(self) -> str:
        return f"{self.kind_key}:{self.namespace}/{self.name}"

    @property
    def is_system(self) -> bool:
        return self.kind_key in SYSTEM_KINDS

    def location(self, *path: str | int) -> Location:
        return self.doc.location(tuple(path))


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


def import_backstage(source: str | Path) -> ImportResult:
    """Read a catalog file or folder and map its Components and Resources to systems."""
    source = Path(source)
    result = ImportResult(display_path(source))
    entities = _read_entities(source, result)
    catalog = _Catalog(entities, result)
    catalog.assign_ids()
    catalog.link_dependencies()
    for entity in entities:
        if entity.is_system:
            catalog.build_system(entity)
        else:
            result.context[entity.kind] = result.context.get(entity.kind, 0) + 1
    result.context = dict(sorted(result.context.items()))
    return result


# --- reading ----------------------------------------------------------------------------


def _read_entities(source: Path, result: ImportResult) -> list[Entity]:
    entities: list[Entity] = []
    first: dict[tuple[str, str, str], Entity] = {}
    ignored = 0
    budget = AliasBudget()  # one alias-expansion budget for every file and document
    for path in catalog_files(source):
        target = outside(source, path) if source.is_dir() else None
        if target is not None:
            message = outside_message(target, "the catalog folder")
            result.skip(f"not read: {message}", Location(display_path(path), 1))
            continue
        documents, problems = load_yaml_documents(path, display_path(path), budget)
        for problem in problems:
            result.skip(f"not read: {problem.message}", problem.location)
        for doc in documents:
            entity = _entity(doc, len(entities), result)
            if entity is None:
                ignored += 1
                continue
            key = (entity.kind_key, entity.namespace, entity.name.lower())
            if key in first:
                result.skip(
                    f"duplicate entity {entity.ref} (first defined at {first[key].location()}); "
                    "skipped",
                    entity.location("metadata", "name"),
                )
                continue
            first[key] = entity
            entities.append(entity)
    if ignored:
        result.context["non-entity documents"] = ignored
    return entities


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
    namespace = metadata.get("namespace") or DEFAULT_NAMESPACE
    return Entity(kind.strip(), str(namespace).strip().lower(), name.strip(), doc, index)


# --- references ---------------------------------------------------------------------------

_REF = re.compile(r"^(?:(?P<kind>[^:/]+):)?(?:(?P<namespace>[^:/]+)/)?(?P<name>[^:/]+)$")


def parse_ref(ref: str) -> tuple[str | None, str | None, str] | None:
    """`component:default/x` → ("component", "default", "x"); `x` → (None, None, "x")."""
    match = _REF.match(ref.strip())
    if not match:
        return None
    kind, namespace = match["kind"], match["namespace"]
    return (
        kind.strip().lower() if kind else None,
        namespace.strip().lower() if namespace else None,
        match["name"].strip(),
    )


class _Catalog:
    """The entities of a catalog, indexed for reference resolution."""

    def __init__(self, entities: list[Entity], result: ImportResult):
        self.entities = entities
        self.result = result
        self.by_name: dict[tuple[str, str], list[Entity]] = {}
        for entity in entities:
            self.by_name.setdefault((entity.namespace, entity.name.lower()), []).append(entity)

    def resolve(
        self, ref: object, referrer: Entity, where: Path_, default_kind: str | None = None
    ) -> Entity | None:
        """The entity `ref` names, or None (reported at `where` in the referrer's file)."""
        location = referrer.doc.location(where)
        parsed = parse_ref(ref) if isinstance(ref, str) else None
        if parsed is None:
            self.result.skip(
                f"{referrer.ref}: {ref!r} is not an entity reference "
                "([kind:][namespace/]name); skipped",
                location,
            )
            return None
        kind, namespace, name = parsed
        kind = kind or default_kind
        found = self.by_name.get((namespace or referrer.namespace, name.lower()), [])
        if kind:
            found = [e for e in found if e.kind_key == kind]
        else:
            found = [e for e in found if e.is_system] or found
        if len(found) == 1:
            return found[0]
        if not found:
            self.result.skip(
                f"{referrer.ref}: cannot resolve reference '{ref}': no such entity in the catalog; "
                "dependency skipped",
                location,
            )
        else:
            refs = " and ".join(e.ref for e in found)
            self.result.skip(
                f"{referrer.ref}: reference '{ref}' is ambiguous ({refs}); add the kind; "
                "dependency skipped",
                location,
            )
        return None

    # --- ids and dependencies ----------------------------------------------------------

    def assign_ids(self) -> None:
        """Slug ids: default-namespace entities claim their names first."""
        taken: set[str] = set()
        systems = [e for e in self.entities if e.is_system]
        ordered = sorted(systems, key=lambda e: (e.namespace != DEFAULT_NAMESPACE, e.index))
        for entity in ordered:
            base = slugify(entity.name)
            if entity.namespace != DEFAULT_NAMESPACE and base in taken:
                base = slugify(f"{entity.namespace}-{entity.name}")
            if not base:
                self.result.skip(
                    f"{entity.ref}: name has no letters or digits to make an id from; skipped",
                    entity.location("metadata", "name"),
                )
                continue
            entity.system_id = unique_id(base, taken)

    def link_dependencies(self) -> None:
        """dependsOn / dependencyOf (constraint after) and consumed APIs (constraint none)."""
        edges: dict[tuple[int, int], str] = {}
        kinds: dict[tuple[int, int], str] = {}
        for entity in self.entities:
            for i, ref in enumerate(_refs(entity.spec.get("dependsOn"))):
                target = self.resolve(ref, entity, ("spec", "dependsOn", i))
                self._edge(entity, target, ("spec", "dependsOn", i), edges, kinds, "after")
            for i, ref in enumerate(_refs(entity.spec.get("dependencyOf"))):
                source = self.resolve(ref, entity, ("spec", "dependencyOf", i))
                self._edge(
                    source, entity, ("spec", "dependencyOf", i), edges, kinds, "after", entity
                )
        providers = self._api_providers()
        for entity in self.entities:
            for i, ref in enumerate(_refs(entity.spec.get("consumesApis"))):
                api = self.resolve(ref, entity, ("spec", "consumesApis", i), "api")
                for provider in providers.get(api.index, []) if api else []:
                    if provider is not entity and entity.system_id and provider.system_id:
                        key = (entity.index, provider.index)
                        edges.setdefault(key, "none")
                        kinds.setdefault(key, "api")
        by_index = {e.index: e for e in self.entities}
        for (consumer, provider), constraint in edges.items():
            target = by_index[provider]
            by_index[consumer].depends_on.append(
                Dependency(
                    system=target.system_id, kind=kinds[(consumer, provider)], constraint=constraint
                )  # type: ignore[arg-type]
            )
        self.result.dependencies = len(edges)

    def _edge(
        self,
        consumer: Entity | None,
        provider: Entity | None,
        where: Path_,
        edges: dict[tuple[int, int], str],
        kinds: dict[tuple[int, int], str],
        constraint: str,
        reporter: Entity | None = None,
    ) -> None:
        if consumer is None or provider is None:
            return
        reporter = reporter or consumer
        location = reporter.doc.location(where)
        for entity in (consumer, provider):
            if not entity.is_system:
                self.result.skip(
                    f"{reporter.ref}: '{entity.ref}' is a {entity.kind}, not a Component or "
                    "Resource, so it is not a system; dependency skipped",
                    location,
                )
                return
        if consumer is provider:
            self.result.skip(f"{reporter.ref}: depends on itself; skipped", location)
            return
        if not consumer.system_id or not provider.system_id:
            return
        key = (consumer.index, provider.index)
        if edges.get(key) != "after":
            edges[key] = constraint
            kinds[key] = provider.kind_key

    def _api_providers(self) -> dict[int, list[Entity]]:
        providers: dict[int, list[Entity]] = {}
        for entity in self.entities:
            if not entity.is_system:
                continue
            for i, ref in enumerate(_refs(entity.spec.get("providesApis"))):
                api = self.resolve(ref, entity, ("spec", "providesApis", i), "api")
                if api is not None:
                    providers.setdefault(api.index, []).append(entity)
        return providers

    # --- systems -------------------------------------------------------------------------

    def build_system(self, entity: Entity) -> None:
        """Map one Component or Resource to a System (without options) and record it."""
        if not entity.system_id:
            return
        metadata = entity.metadata
        annotations = metadata.get("annotations")
        annotations = annotations if isinstance(annotations, dict) else {}
        fields: dict[str, Any] = {
            "id": entity.system_id,
            "name": _text(metadata.get("title")) or entity.name,
            "department": self._department(entity, annotations),
            "depends_on": entity.depends_on,
            "options": [],
        }
        if _text(metadata.get("description")):
            fields["description"] = _text(metadata.get("description"))
        technology = _text(annotations.get(f"{ANNOTATION}technology"))
        tags = metadata.get("tags")
        if not technology and isinstance(tags, list):
            technology = ", ".join(str(t) for t in tags if isinstance(t, str | int))
        if technology:
            fields["technology"] = technology
        risk = (
            dict(DEPRECATED_RISK)
            if _text(entity.spec.get("lifecycle")).lower() == "deprecated"
            else {}
        )
        self._annotations(entity, annotations, fields, risk)
        if risk:
            fields["legacy_risk"] = risk
        try:
            system = System.model_validate(fields)
        except ValidationError as exc:  # pragma: no cover - fields are checked above
            self.result.skip(
                f"{entity.ref}: not imported: {exc.errors()[0]['msg']}", entity.location()
            )
            return
        self.result.systems.append(system)
        self.result.mapped.append(
            Mapped(system.id, entity.location("metadata", "name"), entity.kind)
        )

    def _department(self, entity: Entity, annotations: dict[str, Any]) -> str:
        explicit = _text(annotations.get(f"{ANNOTATION}department"))
        if explicit:
            return explicit
        owner = _owner_name(entity.spec.get("owner"))
        if owner:
            return owner
        system_ref = entity.spec.get("system")
        if isinstance(system_ref, str):
            parsed = parse_ref(system_ref)
            if parsed is not None:
                kind, namespace, name = parsed
                for candidate in self.by_name.get(
                    (namespace or entity.namespace, name.lower()), []
                ):
                    if candidate.kind_key == (kind or "system"):
                        owner = _owner_name(candidate.spec.get("owner"))
                        if owner:
                            return owner
        return "Unassigned"

    def _annotations(
        self,
        entity: Entity,
        annotations: dict[str, Any],
        fields: dict[str, Any],
        risk: dict[str, int],
    ) -> None:
        parsers = {
            "annual-run-cost": ("annual_run_cost", parse_money),
            "criticality": ("criticality", parse_criticality),
            "end-of-support": ("end_of_support", parse_period_text),
            "must-modernise-by": ("must_modernise_by", parse_period_text),
            "earliest-start": ("earliest_start", parse_period_text),
        }
        for suffix, (name, parse) in parsers.items():
            key = f"{ANNOTATION}{suffix}"
            if key not in annotations or _text(annotations[key]) == "":
                continue
            try:
                fields[name] = parse(annotations[key])
            except ValueError as exc:
                self.result.skip(
                    f"{entity.ref}: annotation {key} ignored: {exc}",
                    entity.location("metadata", "annotations", key),
                )
        key = f"{ANNOTATION}legacy-risk"
        if _text(annotations.get(key)):
            try:
                for dimension, score in parse_legacy_risk(_text(annotations[key])).items():
                    risk[dimension] = max(risk.get(dimension, 1), score)
            except ValueError as exc:
                self.result.skip(
                    f"{entity.ref}: annotation {key} ignored: {exc}",
                    entity.location("metadata", "annotations", key),
                )


def parse_legacy_risk(text: str) -> dict[str, int]:
    """`security=5, skills=4` → {"security": 5, "skills": 4} (scores 1..5)."""
    scores: dict[str, int] = {}
    for part in re.split(r"[,;]", text):
        if not part.strip():
            continue
        name, _, value = part.partition("=")
        name = name.strip().lower()
        if name not in RISK_DIMENSIONS or not value.strip().isdigit() or not 1 <= int(value) <= 5:
            raise ValueError(
                f"{part.strip()!r} is not `dimension=score` with a dimension of "
                f"{', '.join(RISK_DIMENSIONS)} and a score 1..5"
            )
        scores[name] = int(value)
    return scores


def _refs(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: object) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _owner_name(owner: object) -> str:
    """`group:default/dwp-benefits` → `dwp-benefits`."""
    if not isinstance(owner, str) or not owner.strip():
        return ""
    parsed = parse_ref(owner)
    return parsed[2] if parsed else owner.strip()
