"""Import a Backstage software catalog (catalog-info.yaml files) as inventory systems.

Mapping (documented in docs/importers.md):
- `Component` and `Resource` entities become systems (`--unit component`, the default),
  except those whose `spec.type` is left out (`library`, `documentation` by default;
  `--types` chooses); or each `System` entity becomes one system with its components and
  resources aggregated (`--unit system`): run costs summed, the highest criticality and
  legacy risk, the earliest end of support, dependencies between systems.
- id = slug of `metadata.name` (entities outside the `default` namespace whose name is
  already taken get `<namespace>-<name>`); name = `metadata.title` or `metadata.name`.
- department = annotation `prioritiser/department`, else the owner rolled up the Group
  hierarchy (`spec.parent`) to the nearest group whose `spec.type` is a department type
  (`department`, `business-unit`, `division`, `directorate`; a User owner by its first
  `memberOf` group), else the owner's name, else the owner of the entity's `spec.system`.
- annotations `prioritiser/annual-run-cost`, `criticality`, `end-of-support`,
  `must-modernise-by`, `earliest-start`, `technology`, `legacy-risk` (`security=5`),
  `lifecycle`, `time` and `owner` set those fields; `metadata.tags` are the technology
  when there is no technology annotation.
- `spec.lifecycle` (`experimental`, `production`, `deprecated`, or words like
  `decommissioned`) is the lifecycle stage: the option templates decide what it means.
- `spec.dependsOn` / `spec.dependencyOf` → `after`; `spec.subcomponentOf` → `together`;
  a consumed API (`spec.consumesApis`) provided by another system → `none`.
- References `[kind:][namespace/]name` resolve case-insensitively; one that cannot be
  resolved is reported with its file:line, never silently dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from prioritiser.inventory.importers.backstage_catalog import (
    DEFAULT_NAMESPACE,
    Entity,
    read_entities,
)
from prioritiser.inventory.importers.backstage_fields import (
    EntityFields,
    parse_legacy_risk,
    parse_ref,
)
from prioritiser.inventory.importers.backstage_units import aggregate, lift_dependencies
from prioritiser.inventory.importers.common import (
    ImportResult,
    Mapped,
    slugify,
    unique_id,
)
from prioritiser.inventory.problems import display_path
from prioritiser.inventory.schema import Dependency, System
from prioritiser.inventory.yamlsafe import Path_

SYSTEM_KINDS = ("component", "resource")
SKIPPED_TYPES = ("library", "documentation")


@dataclass(frozen=True)
class BackstageOptions:
    """How to read a catalog: the planning unit, the entity types, the department level."""

    unit: str = "component"  # or "system"
    types: tuple[str, ...] | None = None  # None: all but SKIPPED_TYPES; ("all",): every type
    department_types: tuple[str, ...] | None = None
    currency: str | None = None

    def keeps_type(self, entity_type: str) -> bool:
        if self.types is None:
            return entity_type not in SKIPPED_TYPES
        return "all" in self.types or entity_type in self.types


def import_backstage(source: str | Path, options: BackstageOptions | None = None) -> ImportResult:
    """Read a catalog file or folder and map its Components and Resources (or Systems)."""
    source = Path(source)
    options = options or BackstageOptions()
    result = ImportResult(display_path(source))
    entities = read_entities(source, result)
    catalog = Catalog(entities, result, options)
    catalog.choose()
    catalog.detect_currency()
    catalog.assign_ids()
    catalog.link_dependencies()
    catalog.build_systems()
    result.context = dict(sorted(result.context.items()))
    return result


class Catalog(EntityFields):
    """The entities of a catalog, indexed for reference resolution, and the systems made."""

    def __init__(self, entities: list[Entity], result: ImportResult, options: BackstageOptions):
        self.entities = entities
        self.result = result
        self.options = options
        self.by_name: dict[tuple[str, str], list[Entity]] = {}
        for entity in entities:
            self.by_name.setdefault((entity.namespace, entity.name.lower()), []).append(entity)
        self.planned: list[Entity] = []  # entities that become systems
        self.unit_of: dict[int, Entity] = {}  # member entity index -> planned entity
        self.left_out: set[int] = set()  # components and resources of a type left out
        self.currency: str | None = None
        self.department_types = options.department_types
        self.given_currency = options.currency

    # --- choosing the systems -----------------------------------------------------------

    def choose(self) -> None:
        """Which entities are systems: by unit and type; everything else is context."""
        kept_types: Counter[str] = Counter()
        for entity in self.entities:
            if entity.kind_key in SYSTEM_KINDS:
                if self.options.keeps_type(entity.type or "unknown"):
                    self.unit_of[entity.index] = entity
                    continue
                self.left_out.add(entity.index)
                kept_types[f"{entity.kind} ({entity.type}) not planned"] += 1
            elif entity.kind_key == "system" and self.options.unit == "system":
                continue
            else:
                self.result.context[entity.kind] = self.result.context.get(entity.kind, 0) + 1
        self.result.context.update(kept_types)
        if self.options.unit == "system":
            self._choose_systems()
        else:
            self.planned = [e for e in self.entities if e.index in self.unit_of]

    def _choose_systems(self) -> None:
        """Each System entity is a unit; its components and resources are its members."""
        for entity in list(self.unit_of.values()):
            owner = self._system_of(entity)
            if owner is not None:
                self.unit_of[entity.index] = owner
            else:
                self.result.skip(
                    f"{entity.ref}: has no spec.system that is a System in the catalog; planned "
                    "as a system of its own",
                    entity.location("metadata", "name"),
                    group="component or resource without a System; planned on its own",
                )
        units = {u.index for u in self.unit_of.values()}
        self.planned = [e for e in self.entities if e.index in units or e.kind_key == "system"]

    # --- references ---------------------------------------------------------------------

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
            found = [e for e in found if e.kind_key in SYSTEM_KINDS] or found
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

    # --- ids and dependencies -------------------------------------------------------------

    def assign_ids(self) -> None:
        """Slug ids: default-namespace entities claim their names first."""
        taken: set[str] = set()
        ordered = sorted(self.planned, key=lambda e: (e.namespace != DEFAULT_NAMESPACE, e.index))
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
        """Edges between members (dependsOn, dependencyOf, subcomponentOf, consumed APIs),
        lifted to the planned units."""
        edges: dict[tuple[int, int], tuple[str, str]] = {}  # (consumer, provider) -> (c, kind)
        for entity in self.entities:
            spec = entity.spec
            for i, ref in enumerate(_refs(spec.get("dependsOn"))):
                target = self.resolve(ref, entity, ("spec", "dependsOn", i))
                self._edge(entity, target, ("spec", "dependsOn", i), edges, "after")
            for i, ref in enumerate(_refs(spec.get("dependencyOf"))):
                source = self.resolve(ref, entity, ("spec", "dependencyOf", i))
                self._edge(source, entity, ("spec", "dependencyOf", i), edges, "after", entity)
            parent = spec.get("subcomponentOf")
            if parent is not None and entity.kind_key == "component":
                target = self.resolve(parent, entity, ("spec", "subcomponentOf"), "component")
                self._edge(entity, target, ("spec", "subcomponentOf"), edges, "together")
        providers = self._api_providers()
        for entity in self.entities:
            if entity.index not in self.unit_of:
                continue
            for i, ref in enumerate(_refs(entity.spec.get("consumesApis"))):
                api = self.resolve(ref, entity, ("spec", "consumesApis", i), "api")
                for provider in providers.get(api.index, []) if api else []:
                    if provider is not entity:
                        edges.setdefault((entity.index, provider.index), ("none", "api"))
        by_index = {e.index: e for e in self.entities}
        lifted = lift_dependencies(edges, self.unit_of)
        for (consumer_at, provider_at), (constraint, kind) in lifted.items():
            unit, target = by_index[consumer_at], by_index[provider_at]
            if unit.system_id and target.system_id:
                # `constraint` is one this module wrote into `edges` (after, together, none).
                unit.depends_on.append(
                    Dependency(system=target.system_id, kind=kind, constraint=constraint)  # type: ignore[arg-type]
                )
        self.result.dependencies = sum(len(e.depends_on) for e in self.planned)

    def _edge(
        self,
        consumer: Entity | None,
        provider: Entity | None,
        where: Path_,
        edges: dict[tuple[int, int], tuple[str, str]],
        constraint: str,
        reporter: Entity | None = None,
    ) -> None:
        if consumer is None or provider is None:
            return
        reporter = reporter or consumer
        location = reporter.doc.location(where)
        for entity in (consumer, provider):
            if entity.index in self.left_out:
                self.result.skip(
                    f"{reporter.ref}: '{entity.ref}' is a {entity.type}, not planned; "
                    "dependency dropped",
                    location,
                    group=f"dependency on a {entity.type} (a type not planned) dropped",
                )
                return
            if entity.index not in self.unit_of:
                self.result.skip(
                    f"{reporter.ref}: '{entity.ref}' is a {entity.kind}, not a Component or "
                    "Resource, so it is not a system; dependency skipped",
                    location,
                )
                return
        if consumer is provider:
            self.result.skip(f"{reporter.ref}: depends on itself; skipped", location)
            return
        key = (consumer.index, provider.index)
        order = ("none", "after", "together")
        if key not in edges or order.index(constraint) > order.index(edges[key][0]):
            kind = "subcomponent" if constraint == "together" else provider.kind_key
            edges[key] = (constraint, kind)

    def _api_providers(self) -> dict[int, list[Entity]]:
        providers: dict[int, list[Entity]] = {}
        for entity in self.entities:
            if entity.index not in self.unit_of:
                continue
            for i, ref in enumerate(_refs(entity.spec.get("providesApis"))):
                api = self.resolve(ref, entity, ("spec", "providesApis", i), "api")
                if api is not None:
                    providers.setdefault(api.index, []).append(entity)
        return providers

    # --- systems -------------------------------------------------------------------------

    def build_systems(self) -> None:
        by_index = {e.index: e for e in self.entities}
        members: dict[int, list[Entity]] = {}
        for index, unit in sorted(self.unit_of.items()):
            members.setdefault(unit.index, []).append(by_index[index])
        for entity in self.planned:
            if not entity.system_id:
                continue
            if self.options.unit == "system" and entity.kind_key == "system":
                parts = [self.fields(m) for m in members.get(entity.index, [])]
                fields = aggregate(parts, self.fields(entity), entity.name)
            else:
                fields = self.fields(entity)
            fields |= {"id": entity.system_id, "depends_on": entity.depends_on, "options": []}
            try:
                system = System.model_validate(fields)
            except ValidationError as exc:  # pragma: no cover - fields are checked above
                self.result.skip(
                    f"{entity.ref}: not imported: {exc.errors()[0]['msg']}", entity.location()
                )
                continue
            self.result.systems.append(system)
            self.result.mapped.append(
                Mapped(system.id, entity.location("metadata", "name"), entity.kind)
            )


def _refs(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


__all__ = ["BackstageOptions", "import_backstage", "parse_legacy_risk", "parse_ref"]
